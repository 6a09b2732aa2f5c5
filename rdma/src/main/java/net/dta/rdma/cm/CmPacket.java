package net.dta.rdma.cm;

import net.dta.rdma.wire.Deth;
import net.dta.rdma.wire.RoceOpcode;
import net.dta.rdma.wire.RocePacket;

/**
 * A CM MAD inside a parsed RoCEv2 packet (UD SEND Only to QP 1 with DETH): {@link #parse}
 * validates transport, Q_Key, length and the MAD header, then wraps the flyweight of the
 * message's attribute. Reused per packet; no allocation.
 */
public final class CmPacket {
    private final MadHeader mad = new MadHeader();
    private final CmReq req = new CmReq();
    private final CmRep rep = new CmRep();
    private final CmRtu rtu = new CmRtu();
    private final CmRej rej = new CmRej();
    private final CmDreq dreq = new CmDreq();
    private final CmDrep drep = new CmDrep();
    private int attributeId;
    private int sourceQp;

    /** Validates a packet that {@link RocePacket#parse} accepted. */
    public CmParseResult parse(RocePacket packet) {
        if (packet.opcode().code() != RoceOpcode.UD_SEND_ONLY) {
            return CmParseResult.NOT_UD_SEND;
        }
        if (packet.bth().destQp() != 1) {
            return CmParseResult.NOT_QP1;
        }
        if (packet.deth().qkey() != Deth.GSI_QKEY) {
            return CmParseResult.BAD_QKEY;
        }
        if (packet.payloadLength() != MadHeader.MAD_LENGTH) {
            return CmParseResult.BAD_LENGTH;
        }
        long at = packet.payloadOffset();
        mad.wrap(packet.segment(), at);
        if (mad.baseVersion() != MadHeader.BASE_VERSION) {
            return CmParseResult.BAD_BASE_VERSION;
        }
        if (mad.mgmtClass() != MadHeader.CLASS_CM) {
            return CmParseResult.NOT_CM_CLASS;
        }
        if (mad.classVersion() != MadHeader.CM_CLASS_VERSION) {
            return CmParseResult.BAD_CLASS_VERSION;
        }
        if (mad.method() != MadHeader.METHOD_SEND) {
            return CmParseResult.BAD_METHOD;
        }
        attributeId = mad.attributeId();
        if (!CmAttribute.known(attributeId)) {
            return CmParseResult.UNKNOWN_ATTRIBUTE;
        }
        sourceQp = packet.deth().sourceQp();
        long message = at + MadHeader.LENGTH;
        switch (attributeId) {
            case CmAttribute.REQ -> req.wrap(packet.segment(), message);
            case CmAttribute.REP -> rep.wrap(packet.segment(), message);
            case CmAttribute.RTU -> rtu.wrap(packet.segment(), message);
            case CmAttribute.REJ -> rej.wrap(packet.segment(), message);
            case CmAttribute.DREQ -> dreq.wrap(packet.segment(), message);
            default -> drep.wrap(packet.segment(), message);
        }
        return CmParseResult.OK;
    }

    public MadHeader mad() {
        return mad;
    }

    public int attributeId() {
        return attributeId;
    }

    /** The DETH source QP (1 for CM). */
    public int sourceQp() {
        return sourceQp;
    }

    public CmReq req() {
        return req;
    }

    public CmRep rep() {
        return rep;
    }

    public CmRtu rtu() {
        return rtu;
    }

    public CmRej rej() {
        return rej;
    }

    public CmDreq dreq() {
        return dreq;
    }

    public CmDrep drep() {
        return drep;
    }
}
