package net.dta.reporter.agent;

import java.util.List;

/**
 * The agent's flow rules as flat arrays (the P4 reporter's {@code Egress.dta_flows}: ternary match on
 * the 5-tuple, first rule wins): {@link #match} scans them without allocating and returns the
 * rule's index, or -1.
 */
final class FlowTable {
    private static final int ANY = -1;
    private final int[] srcNet;
    private final int[] srcMask;
    private final int[] dstNet;
    private final int[] dstMask;
    private final int[] protocol;
    private final int[] srcPort;
    private final int[] dstPort;
    final int[] postcardStore;
    final int[] hop;
    final int[] pathLength;
    final int[] queueStore;
    final int[] bytesStore;

    FlowTable(List<AgentConfig.FlowRule> rules) {
        int n = rules.size();
        srcNet = new int[n];
        srcMask = new int[n];
        dstNet = new int[n];
        dstMask = new int[n];
        protocol = new int[n];
        srcPort = new int[n];
        dstPort = new int[n];
        postcardStore = new int[n];
        hop = new int[n];
        pathLength = new int[n];
        queueStore = new int[n];
        bytesStore = new int[n];
        for (int i = 0; i < n; i++) {
            AgentConfig.FlowRule r = rules.get(i);
            Prefix s = Prefix.parse(r.src() == null ? "0.0.0.0/0" : r.src());
            Prefix d = Prefix.parse(r.dst() == null ? "0.0.0.0/0" : r.dst());
            srcNet[i] = s.network();
            srcMask[i] = s.mask();
            dstNet[i] = d.network();
            dstMask[i] = d.mask();
            protocol[i] = r.protocol() == null ? ANY : r.protocol();
            srcPort[i] = r.srcPort() == null ? ANY : r.srcPort();
            dstPort[i] = r.dstPort() == null ? ANY : r.dstPort();
            if (r.postcard() != null) {
                postcardStore[i] = r.postcard().store();
                hop[i] = r.postcard().hop();
                pathLength[i] = r.postcard().pathLength();
            }
            queueStore[i] = r.queueDepth() == null ? 0 : r.queueDepth();
            bytesStore[i] = r.bytes() == null ? 0 : r.bytes();
        }
    }

    int size() {
        return srcNet.length;
    }

    int match(int src, int dst, int proto, int sport, int dport) {
        for (int i = 0; i < srcNet.length; i++) {
            if ((src & srcMask[i]) == srcNet[i] && (dst & dstMask[i]) == dstNet[i]
                    && (protocol[i] == ANY || protocol[i] == proto)
                    && (srcPort[i] == ANY || srcPort[i] == sport)
                    && (dstPort[i] == ANY || dstPort[i] == dport)) {
                return i;
            }
        }
        return -1;
    }
}
