package net.dta.rdma.cm;

/** Why a UD packet to QP 1 is not a CM message this endpoint handles; the label is the counter name. */
public enum CmParseResult {
    OK("ok"),
    NOT_UD_SEND("cm_not_ud_send"),
    NOT_QP1("cm_not_qp1"),
    BAD_QKEY("cm_bad_qkey"),
    BAD_LENGTH("cm_bad_length"),
    BAD_BASE_VERSION("cm_bad_base_version"),
    NOT_CM_CLASS("cm_not_cm_class"),
    BAD_CLASS_VERSION("cm_bad_class_version"),
    BAD_METHOD("cm_bad_method"),
    UNKNOWN_ATTRIBUTE("cm_unknown_attribute");

    private final String label;

    CmParseResult(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
