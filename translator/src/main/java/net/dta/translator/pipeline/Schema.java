package net.dta.translator.pipeline;

import static net.dta.p4.TranslatorP4Names.*;

import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import p4.config.v1.P4InfoOuterClass.P4Info;

/**
 * The ids of the translator pipeline's objects (docs/translator-control.md), resolved once from
 * the P4Info this translator ships ({@link P4InfoFiles#translatorV1model()}): the data plane and
 * the P4Runtime server compare ids, never names, on their paths.
 */
public final class Schema {
    public final P4Info p4Info;
    public final P4InfoIndex index;

    public final int tStores;
    public final int tCollectorSelect;
    public final int tQueuePairs;
    public final int tRegions;
    public final int tLocalAddresses;
    public final int tRoutes;
    public final int tSettings;

    public final int aKeyWrite;
    public final int aKeyIncrement;
    public final int aPostcard;
    public final int aAppend;
    public final int aSketch;
    public final int aUnknownStore;
    public final int aSetCollector;
    public final int aNoCollector;
    public final int aSetQueuePair;
    public final int aQueuePairDown;
    public final int aSetRegion;
    public final int aNoRegion;
    public final int aLocalAddress;
    public final int aNoAction;
    public final int aForward;
    public final int aSendToCpu;
    public final int aDrop;
    public final int aSetSettings;

    public final int rNextPsn;
    public final int rLastAcked;
    public final int rQpUp;
    public final int rLostPackets;
    public final int rAppendTail;

    public final int cReports;
    public final int cDrops;
    public final int cQpSent;
    public final int cQpAcks;
    public final int cQpNaks;
    public final int cQpResyncs;
    public final int cQpProbes;

    public final int packetInHeader;
    public final int packetOutHeader;
    public final int mIngressPort;
    public final int mReason;
    public final int mEgressPort;

    private static final Schema SHIPPED = new Schema(P4InfoFiles.translatorV1model());

    /** The schema of the P4Info this translator ships. */
    public static Schema shipped() {
        return SHIPPED;
    }

    public Schema(P4Info p4Info) {
        this.p4Info = p4Info;
        this.index = new P4InfoIndex(p4Info);
        tStores = index.tableId(STORES);
        tCollectorSelect = index.tableId(COLLECTOR_SELECT);
        tQueuePairs = index.tableId(QUEUE_PAIRS);
        tRegions = index.tableId(REGIONS);
        tLocalAddresses = index.tableId(LOCAL_ADDRESSES);
        tRoutes = index.tableId(IPV4_ROUTES);
        tSettings = index.tableId(SETTINGS);
        aKeyWrite = index.actionId(SET_KEY_WRITE_STORE);
        aKeyIncrement = index.actionId(SET_KEY_INCREMENT_STORE);
        aPostcard = index.actionId(SET_POSTCARD_STORE);
        aAppend = index.actionId(SET_APPEND_STORE);
        aSketch = index.actionId(SET_SKETCH_STORE);
        aUnknownStore = index.actionId(UNKNOWN_STORE);
        aSetCollector = index.actionId(SET_COLLECTOR);
        aNoCollector = index.actionId(NO_COLLECTOR);
        aSetQueuePair = index.actionId(SET_QUEUE_PAIR);
        aQueuePairDown = index.actionId(QUEUE_PAIR_DOWN);
        aSetRegion = index.actionId(SET_REGION);
        aNoRegion = index.actionId(NO_REGION);
        aLocalAddress = index.actionId(LOCAL_ADDRESS);
        aNoAction = index.actionId(NO_ACTION);
        aForward = index.actionId(FORWARD);
        aSendToCpu = index.actionId(SEND_TO_CPU);
        aDrop = index.actionId(DROP);
        aSetSettings = index.actionId(SET_SETTINGS);
        rNextPsn = index.registerId(REG_NEXT_PSN);
        rLastAcked = index.registerId(REG_LAST_ACKED_PSN);
        rQpUp = index.registerId(REG_QP_UP);
        rLostPackets = index.registerId(REG_LOST_PACKETS);
        rAppendTail = index.registerId(REG_APPEND_TAIL);
        cReports = index.counterId(CTR_REPORTS);
        cDrops = index.counterId(CTR_DROPS);
        cQpSent = index.counterId(CTR_QP_SENT);
        cQpAcks = index.counterId(CTR_QP_ACKS);
        cQpNaks = index.counterId(CTR_QP_NAKS);
        cQpResyncs = index.counterId(CTR_QP_RESYNCS);
        cQpProbes = index.counterId(CTR_QP_PROBES);
        packetInHeader = index.packetMetadata(PACKET_IN).getPreamble().getId();
        packetOutHeader = index.packetMetadata(PACKET_OUT).getPreamble().getId();
        mIngressPort = index.packetMetadataField(PACKET_IN, M_INGRESS_PORT).getId();
        mReason = index.packetMetadataField(PACKET_IN, M_REASON).getId();
        mEgressPort = index.packetMetadataField(PACKET_OUT, M_EGRESS_PORT).getId();
    }
}
