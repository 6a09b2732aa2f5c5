package net.dta.query.source;

import java.util.ArrayList;
import java.util.List;

import net.dta.protocol.Keys;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.query.QueryException;
import net.dta.query.grpc.ProtoMapping;
import net.dta.query.grpc.QueryClient;
import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;

/**
 * A collector on another host, read through the query service running there: every query is
 * forwarded over gRPC with {@code collector} set to this collector's name, so the remote service
 * answers from that collector's stores without routing again.
 */
public final class RemoteCollector implements CollectorSource {
    private final String name;
    private final QueryClient client;
    private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> queries = new java.util.concurrent.ConcurrentHashMap<>();

    public RemoteCollector(String name, QueryClient client) {
        this.name = name;
        this.client = client;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return "remote " + client.target();
    }

    private void count(StoreDefinition store) {
        queries.computeIfAbsent(store.name(), k -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    @Override
    public long queries(String store) {
        var a = queries.get(store);
        return a == null ? 0 : a.sum();
    }

    /** Asks the remote service's store list (its local stores); null when it has none of that name or cannot be reached. */
    @Override
    public StoreDefinition definition(String store) {
        try {
            for (Answers.StoreInfo s : client.stores().stores()) {
                if (s.name().equals(store) && s.collectors().contains(name)) {
                    return ProtoMapping.definition(s);
                }
            }
            return null;
        } catch (QueryException e) {
            return null;
        }
    }

    @Override
    public Answers.KeyWrite keyWrite(StoreDefinition store, byte[] key, int redundancy) {
        count(store);
        return client.keyWrite(store.name(), Keys.hex(key), redundancy, name);
    }

    @Override
    public List<Answers.KeyWrite> keyWriteMany(StoreDefinition store, List<byte[]> keys, int redundancy) {
        count(store);
        return client.keyWriteMany(store.name(), keys.stream().map(Keys::hex).toList(), redundancy, name).answers();
    }

    @Override
    public Answers.Counter counters(StoreDefinition store, byte[] key) {
        count(store);
        return client.counter(store.name(), Keys.hex(key), name);
    }

    @Override
    public Answers.Path path(StoreDefinition store, byte[] key) {
        count(store);
        return client.path(store.name(), Keys.hex(key), name);
    }

    @Override
    public Answers.Append append(StoreDefinition store, int list, Long from, int max) {
        count(store);
        return client.appendRead(store.name(), list, from, max, name);
    }

    @Override
    public long appendTail(StoreDefinition store, int list) {
        count(store);
        return client.appendTail(store.name(), list, name).nextPosition();
    }

    @Override
    public Snapshot snapshot(List<StoreDefinition> stores) {
        StatusReport r;
        try {
            r = client.status(name, false);
        } catch (QueryException e) {
            return new Snapshot(StatusReport.CollectorHealth.unknown(name, describe(), describe(), false, e.getMessage()), List.of());
        }
        StatusReport.CollectorHealth health = null;
        for (StatusReport.CollectorHealth c : r.collectors()) {
            if (c.name().equals(name)) {
                health = new StatusReport.CollectorHealth(c.name(), describe(), "remote " + client.target() + " (" + c.statusSource() + ")",
                        c.reachable(), c.error(), c.bootId(), c.uptimeMillis(), c.packetsReceived(), c.bytesReceived(), c.icrcFailures(),
                        c.drops(), 0, c.queuePairs());
            }
        }
        if (health == null) {
            health = StatusReport.CollectorHealth.unknown(name, describe(), describe(), false,
                    "the query service at " + client.target() + " does not know collector " + name);
        }
        List<StatusReport.StoreStatus> out = new ArrayList<>();
        for (StatusReport.StoreStatus s : r.stores()) {
            if (s.collector().equals(name) && stores.stream().anyMatch(d -> d.name().equals(s.name()))) {
                out.add(new StatusReport.StoreStatus(s.name(), s.id(), s.kind(), s.collector(), s.capacity(), s.occupied(), s.fill(),
                        s.examined(), s.estimatedKeyWrites(), s.keyWriteSuccessProbability(), s.ingestKnown(), s.writes(), s.writeBytes(),
                        s.atomics(), s.reads(), s.accessErrors(), 0, 0, 0, queries(s.name())));
            }
        }
        return new Snapshot(health, out);
    }

    @Override
    public void close() {
        client.close();
    }
}
