package net.dta.controller.translator;

import java.util.List;

import net.dta.controller.p4runtime.P4Entities;
import net.dta.p4.BinaryStrings;
import p4.v1.P4RuntimeOuterClass.CounterEntry;
import p4.v1.P4RuntimeOuterClass.Entity;
import p4.v1.P4RuntimeOuterClass.RegisterEntry;

import static net.dta.p4.TranslatorP4Names.*;

/**
 * One read of a translator's counters and queue-pair registers (translator-control.md 2), taken
 * with one Read RPC for the counters and one register read. Arrays are indexed as the P4 objects are.
 */
record TranslatorCounters(long readAtMillis, long[] reportPackets, long[] reportBytes, long[] drops, long[] sentPackets,
                          long[] sentBytes, long[] acks, long[] naks, long[] resyncs, long[] probes, long[] qpUp,
                          long[] nextPsn, long[] lostPackets) {

    static List<Entity> counterQueries(P4Entities p4) {
        return List.of(p4.counterQuery(CTR_REPORTS), p4.counterQuery(CTR_DROPS), p4.counterQuery(CTR_QP_SENT),
                p4.counterQuery(CTR_QP_ACKS), p4.counterQuery(CTR_QP_NAKS), p4.counterQuery(CTR_QP_RESYNCS),
                p4.counterQuery(CTR_QP_PROBES));
    }

    /** Read apart from the counters: through RegisterAccess (BMv2 takes them over Thrift). */
    static List<Entity> registerQueries(P4Entities p4) {
        return List.of(p4.registerQuery(REG_QP_UP, -1), p4.registerQuery(REG_NEXT_PSN, -1), p4.registerQuery(REG_LOST_PACKETS, -1));
    }

    static TranslatorCounters parse(P4Entities p4, List<Entity> entities, long now) {
        TranslatorCounters c = new TranslatorCounters(now, new long[8], new long[8], new long[16], new long[256], new long[256],
                new long[256], new long[1024], new long[256], new long[256], new long[256], new long[256], new long[256]);
        int reports = p4.index().counterId(CTR_REPORTS);
        int drops = p4.index().counterId(CTR_DROPS);
        int sent = p4.index().counterId(CTR_QP_SENT);
        int acks = p4.index().counterId(CTR_QP_ACKS);
        int naks = p4.index().counterId(CTR_QP_NAKS);
        int resyncs = p4.index().counterId(CTR_QP_RESYNCS);
        int probes = p4.index().counterId(CTR_QP_PROBES);
        int up = p4.index().registerId(REG_QP_UP);
        int psn = p4.index().registerId(REG_NEXT_PSN);
        int lost = p4.index().registerId(REG_LOST_PACKETS);
        for (Entity e : entities) {
            if (e.hasCounterEntry()) {
                CounterEntry ce = e.getCounterEntry();
                int i = (int) ce.getIndex().getIndex();
                long packets = ce.getData().getPacketCount();
                long bytes = ce.getData().getByteCount();
                int id = ce.getCounterId();
                if (id == reports) {
                    set(c.reportPackets, i, packets);
                    set(c.reportBytes, i, bytes);
                } else if (id == drops) {
                    set(c.drops, i, packets);
                } else if (id == sent) {
                    set(c.sentPackets, i, packets);
                    set(c.sentBytes, i, bytes);
                } else if (id == acks) {
                    set(c.acks, i, packets);
                } else if (id == naks) {
                    set(c.naks, i, packets);
                } else if (id == resyncs) {
                    set(c.resyncs, i, packets);
                } else if (id == probes) {
                    set(c.probes, i, packets);
                }
            } else if (e.hasRegisterEntry()) {
                RegisterEntry re = e.getRegisterEntry();
                int i = (int) re.getIndex().getIndex();
                long v = BinaryStrings.decode(re.getData().getBitstring());
                int id = re.getRegisterId();
                if (id == up) {
                    set(c.qpUp, i, v);
                } else if (id == psn) {
                    set(c.nextPsn, i, v);
                } else if (id == lost) {
                    set(c.lostPackets, i, v);
                }
            }
        }
        return c;
    }

    private static void set(long[] a, int i, long v) {
        if (i >= 0 && i < a.length) {
            a[i] = v;
        }
    }

    /** NAKs of a collector by kind: PSN sequence, invalid request, remote access, remote operational. */
    long nak(int collector, int kind) {
        return naks[collector * 4 + kind];
    }
}
