package net.dta.controller.cm;

/** The steps of connecting a queue pair, as errors and status name them. */
public enum ConnectStep {
    CM_REQ("CM REQ"),
    CM_RTU("CM RTU"),
    CATALOG_READ("catalog READ"),
    CATALOG_CHECK("catalog check"),
    TAIL_RECOVERY("Append tail recovery"),
    TABLE_WRITE("table write"),
    DISCONNECT("CM DREQ");

    private final String label;

    ConnectStep(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
