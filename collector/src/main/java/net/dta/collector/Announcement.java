package net.dta.collector;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import net.dta.common.status.StatusJson;
import net.dta.rdma.endpoint.QueuePairInfo;

/**
 * What a starting collector tells the switch controller (docs/reliability.md "Announcements"):
 * its name, address and boot id, and the queue pairs it holds (restored from the previous run),
 * so that the controller keeps those and connects the others at once; and whether the previous
 * run stopped cleanly (the controller keeps restored queue pairs only then).
 */
final class Announcement {
    private Announcement() {
    }

    /**
     * @param processCm the backend's RDMA CM state lives in this process (software responder): a
     *                  connection not listed is unknown here; false for a NIC, whose kernel keeps it
     * @param cleanStop the previous run stopped cleanly (or there was none): restored queue pairs hold
     *                  exactly the PSNs it applied; after a kill -9 they may be one persist interval behind
     */
    static byte[] collector(String name, Inet4Address address, long bootId, List<QueuePairInfo> queuePairs, boolean processCm,
                            boolean cleanStop) {
        List<Map<String, Object>> qps = new ArrayList<>();
        for (QueuePairInfo q : queuePairs) {
            if (!"RTS".equals(q.state())) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("qpn", q.qpn());
            m.put("remote_address", q.remoteAddress().getHostAddress());
            m.put("remote_qpn", q.remoteQpn());
            qps.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("component", "collector");
        body.put("name", name);
        body.put("address", address.getHostAddress());
        body.put("boot_id", Collector.hex(bootId));
        body.put("cm_state", processCm ? "process" : "kernel");
        body.put("clean_stop", cleanStop);
        body.put("queue_pairs", qps);
        try {
            return StatusJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
