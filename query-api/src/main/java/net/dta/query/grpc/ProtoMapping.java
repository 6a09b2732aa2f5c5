package net.dta.query.grpc;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.google.protobuf.ByteString;

import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.CounterLayout;
import net.dta.protocol.layout.KeyWriteLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;
import net.dta.protocol.layout.StoreLayout;
import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;
import net.dta.query.v1.AppendEntry;
import net.dta.query.v1.AppendFollowResponse;
import net.dta.query.v1.AppendReadResponse;
import net.dta.query.v1.CollectorHealth;
import net.dta.query.v1.CounterEstimateResponse;
import net.dta.query.v1.FlowPathResponse;
import net.dta.query.v1.Hop;
import net.dta.query.v1.KeyWriteGetResponse;
import net.dta.query.v1.ListStoresResponse;
import net.dta.query.v1.PrimitiveIngest;
import net.dta.query.v1.QueuePairHealth;
import net.dta.query.v1.RowCounter;
import net.dta.query.v1.StatusResponse;
import net.dta.query.v1.StoreInfo;
import net.dta.query.v1.StoreStatus;

/**
 * The answers of {@link net.dta.query.model} to and from the messages of query.proto. Both ways are
 * needed: the server sends messages, and the CLI and a forwarding query service turn what a remote
 * service sent back into the same answers (so that {@code --json} is the HTTP API's JSON).
 */
public final class ProtoMapping {
    private static final HexFormat HEX = HexFormat.of();

    private ProtoMapping() {
    }

    // ---- answers -> messages

    public static KeyWriteGetResponse toProto(Answers.KeyWrite a) {
        return KeyWriteGetResponse.newBuilder().setStore(a.store()).setKeyHex(a.keyHex()).setFound(a.found())
                .setValue(a.valueHex() == null ? ByteString.EMPTY : ByteString.copyFrom(HEX.parseHex(a.valueHex())))
                .setAgree(a.agree()).setRedundancy(a.redundancy()).setCollector(a.collector()).build();
    }

    public static net.dta.query.v1.KeyWriteGetManyResponse toProto(Answers.KeyWriteMany a) {
        net.dta.query.v1.KeyWriteGetManyResponse.Builder b = net.dta.query.v1.KeyWriteGetManyResponse.newBuilder();
        for (Answers.KeyWrite k : a.answers()) {
            b.addAnswers(toProto(k));
        }
        return b.build();
    }

    public static Answers.KeyWriteMany fromProto(String store, net.dta.query.v1.KeyWriteGetManyResponse m) {
        List<Answers.KeyWrite> out = new ArrayList<>(m.getAnswersCount());
        for (KeyWriteGetResponse k : m.getAnswersList()) {
            out.add(fromProto(k));
        }
        return new Answers.KeyWriteMany(store, out);
    }

    public static CounterEstimateResponse toProto(Answers.Counter a) {
        CounterEstimateResponse.Builder b = CounterEstimateResponse.newBuilder().setStore(a.store()).setKind(a.kind())
                .setKeyHex(a.keyHex()).setEstimate(a.estimate()).addAllCollectors(a.collectors());
        for (Answers.RowCounter r : a.rows()) {
            b.addRows(RowCounter.newBuilder().setRow(r.row()).setColumn(r.column()).setCounter(r.counter()).setCollector(r.collector()));
        }
        return b.build();
    }

    public static FlowPathResponse toProto(Answers.Path a) {
        FlowPathResponse.Builder b = FlowPathResponse.newBuilder().setStore(a.store()).setKeyHex(a.keyHex()).setCollector(a.collector())
                .setValidHops(a.validHops());
        for (Answers.Hop h : a.hops()) {
            b.addHops(Hop.newBuilder().setIndex(h.index()).setValue((int) h.value()).setValid(h.valid()).setSwitchId(h.switchId())
                    .setQueueDepth(h.queueDepth()));
        }
        return b.build();
    }

    public static AppendReadResponse toProto(Answers.Append a) {
        AppendReadResponse.Builder b = AppendReadResponse.newBuilder().setStore(a.store()).setList(a.list()).setCollector(a.collector())
                .setFromPosition(a.fromPosition()).setNextPosition(a.nextPosition()).setOverrun(a.overrun());
        for (Answers.AppendEntry e : a.entries()) {
            b.addEntries(AppendEntry.newBuilder().setPosition(e.position()).setValue((int) e.value()));
        }
        return b.build();
    }

    public static AppendFollowResponse toFollowProto(Answers.Append a) {
        AppendFollowResponse.Builder b = AppendFollowResponse.newBuilder().setStore(a.store()).setList(a.list())
                .setCollector(a.collector()).setNextPosition(a.nextPosition()).setOverrun(a.overrun());
        for (Answers.AppendEntry e : a.entries()) {
            b.addEntries(AppendEntry.newBuilder().setPosition(e.position()).setValue((int) e.value()));
        }
        return b.build();
    }

    public static ListStoresResponse toProto(Answers.Stores a) {
        ListStoresResponse.Builder b = ListStoresResponse.newBuilder();
        for (Answers.StoreInfo s : a.stores()) {
            Answers.Layout l = s.parameters();
            b.addStores(StoreInfo.newBuilder().setName(s.name()).setId(s.id()).setKind(s.kind()).setLayout(s.layout())
                    .setCapacity(s.capacity()).setDataBytes(s.dataBytes()).addAllCollectors(s.collectors())
                    .setParameters(net.dta.query.v1.StoreLayout.newBuilder().setSlots(l.slots()).setSlotBytes(l.slotBytes()).setValueBytes(l.valueBytes())
                            .setDefaultRedundancy(l.defaultRedundancy()).setRows(l.rows()).setColumns(l.columns())
                            .setPostcardRows(l.postcardRows()).setHops(l.hops()).setRowBytes(l.rowBytes()).setLists(l.lists())
                            .setEntriesPerList(l.entriesPerList()))
                    .setCountersLittleEndian(s.countersLittleEndian()).setProblem(s.problem()));
        }
        return b.build();
    }

    public static StatusResponse toProto(StatusReport r) {
        StatusResponse.Builder b = StatusResponse.newBuilder().setTakenAtMillis(r.takenAtMillis());
        for (StatusReport.CollectorHealth c : r.collectors()) {
            CollectorHealth.Builder cb = CollectorHealth.newBuilder().setName(c.name()).setSource(c.source())
                    .setStatusSource(c.statusSource()).setReachable(c.reachable()).setError(nz(c.error())).setBootId(nz(c.bootId()))
                    .setUptimeMillis(c.uptimeMillis()).setPacketsReceived(c.packetsReceived()).setBytesReceived(c.bytesReceived())
                    .setIcrcFailures(c.icrcFailures()).setDrops(c.drops()).setPacketsPerSecond(c.packetsPerSecond());
            for (StatusReport.QueuePairHealth q : c.queuePairs()) {
                cb.addQueuePairs(QueuePairHealth.newBuilder().setId(nz(q.id())).setRemote(q.remote())
                        .setState(q.state()).setUp(q.up()).setPackets(q.packets()).setWrites(q.writes())
                        .setAtomics(q.atomics()).setReads(q.reads()).setAcks(q.acks()).setPsnGaps(q.psnGaps())
                        .setDuplicates(q.duplicates()).setNaks(q.naks()).setDrops(q.drops()).setPacketsPerSecond(q.packetsPerSecond()));
            }
            b.addCollectors(cb);
        }
        for (StatusReport.StoreStatus s : r.stores()) {
            b.addStores(StoreStatus.newBuilder().setName(s.name()).setId(s.id()).setKind(s.kind()).setCollector(s.collector())
                    .setCapacity(s.capacity()).setOccupied(s.occupied()).setFill(s.fill()).setExamined(s.examined())
                    .setEstimatedKeyWrites(s.estimatedKeyWrites() == null ? 0 : s.estimatedKeyWrites())
                    .setKeyWriteSuccessProbability(s.keyWriteSuccessProbability() == null ? 0 : s.keyWriteSuccessProbability())
                    .setIngestKnown(s.ingestKnown()).setWrites(s.writes()).setWriteBytes(s.writeBytes()).setAtomics(s.atomics())
                    .setReads(s.reads()).setAccessErrors(s.accessErrors()).setWritesPerSecond(s.writesPerSecond())
                    .setAtomicsPerSecond(s.atomicsPerSecond()).setBytesPerSecond(s.bytesPerSecond()).setQueries(s.queries()));
        }
        for (StatusReport.PrimitiveIngest p : r.ingest()) {
            b.addIngest(PrimitiveIngest.newBuilder().setKind(p.kind()).setOperations(p.operations())
                    .setOperationsPerSecond(p.operationsPerSecond()).setBytes(p.bytes()).setBytesPerSecond(p.bytesPerSecond()));
        }
        return b.build();
    }

    // ---- messages -> answers

    public static Answers.KeyWrite fromProto(KeyWriteGetResponse m) {
        byte[] v = m.getValue().toByteArray();
        Long uint = m.getFound() && v.length == 4 ? ((v[0] & 0xFFL) << 24 | (v[1] & 0xFF) << 16 | (v[2] & 0xFF) << 8 | (v[3] & 0xFF)) : null;
        return new Answers.KeyWrite(m.getStore(), m.getKeyHex(), m.getFound(), m.getFound() ? HEX.formatHex(v) : null, uint,
                m.getAgree(), m.getRedundancy(), m.getCollector());
    }

    public static Answers.Counter fromProto(CounterEstimateResponse m) {
        List<Answers.RowCounter> rows = new ArrayList<>();
        for (RowCounter r : m.getRowsList()) {
            rows.add(new Answers.RowCounter(r.getRow(), r.getColumn(), r.getCounter(), r.getCollector()));
        }
        return new Answers.Counter(m.getStore(), m.getKind(), m.getKeyHex(), m.getEstimate(), rows, m.getCollectorsList());
    }

    public static Answers.Path fromProto(FlowPathResponse m) {
        List<Answers.Hop> hops = new ArrayList<>();
        for (Hop h : m.getHopsList()) {
            hops.add(Answers.Hop.of(h.getIndex(), h.getValue() & 0xFFFF_FFFFL, h.getValid()));
        }
        return new Answers.Path(m.getStore(), m.getKeyHex(), m.getCollector(), hops, m.getValidHops());
    }

    public static Answers.Append fromProto(AppendReadResponse m) {
        return new Answers.Append(m.getStore(), m.getList(), m.getCollector(), m.getFromPosition(), entries(m.getEntriesList()),
                m.getNextPosition(), m.getOverrun());
    }

    public static Answers.Append fromProto(AppendFollowResponse m, long from) {
        return new Answers.Append(m.getStore(), m.getList(), m.getCollector(), from, entries(m.getEntriesList()), m.getNextPosition(),
                m.getOverrun());
    }

    private static List<Answers.AppendEntry> entries(List<AppendEntry> in) {
        List<Answers.AppendEntry> out = new ArrayList<>(in.size());
        for (AppendEntry e : in) {
            out.add(new Answers.AppendEntry(e.getPosition(), e.getValue() & 0xFFFF_FFFFL));
        }
        return out;
    }

    public static Answers.Stores fromProto(ListStoresResponse m) {
        List<Answers.StoreInfo> out = new ArrayList<>();
        for (StoreInfo s : m.getStoresList()) {
            net.dta.query.v1.StoreLayout l = s.getParameters();
            out.add(new Answers.StoreInfo(s.getName(), s.getId(), s.getKind(), s.getLayout(), s.getCapacity(), s.getDataBytes(),
                    s.getCollectorsList(), new Answers.Layout(l.getSlots(), l.getSlotBytes(), l.getValueBytes(), l.getDefaultRedundancy(),
                    l.getRows(), l.getColumns(), l.getPostcardRows(), l.getHops(), l.getRowBytes(), l.getLists(), l.getEntriesPerList()),
                    s.getCountersLittleEndian(), s.getProblem()));
        }
        return new Answers.Stores(out);
    }

    public static StatusReport fromProto(StatusResponse m) {
        List<StatusReport.CollectorHealth> collectors = new ArrayList<>();
        for (CollectorHealth c : m.getCollectorsList()) {
            List<StatusReport.QueuePairHealth> qps = new ArrayList<>();
            for (QueuePairHealth q : c.getQueuePairsList()) {
                qps.add(new StatusReport.QueuePairHealth(q.getId(), q.getRemote(), q.getState(), q.getUp(), q.getPackets(), q.getWrites(), q.getAtomics(), q.getReads(), q.getAcks(), q.getPsnGaps(),
                        q.getDuplicates(), q.getNaks(), q.getDrops(), q.getPacketsPerSecond()));
            }
            collectors.add(new StatusReport.CollectorHealth(c.getName(), c.getSource(), c.getStatusSource(), c.getReachable(),
                    c.getError(), c.getBootId(), c.getUptimeMillis(), c.getPacketsReceived(), c.getBytesReceived(), c.getIcrcFailures(),
                    c.getDrops(), c.getPacketsPerSecond(), qps));
        }
        List<StatusReport.StoreStatus> stores = new ArrayList<>();
        for (StoreStatus s : m.getStoresList()) {
            boolean kw = "key-write".equals(s.getKind());
            stores.add(new StatusReport.StoreStatus(s.getName(), s.getId(), s.getKind(), s.getCollector(), s.getCapacity(),
                    s.getOccupied(), s.getFill(), s.getExamined(), kw ? s.getEstimatedKeyWrites() : null,
                    kw ? s.getKeyWriteSuccessProbability() : null, s.getIngestKnown(), s.getWrites(), s.getWriteBytes(), s.getAtomics(),
                    s.getReads(), s.getAccessErrors(), s.getWritesPerSecond(), s.getAtomicsPerSecond(), s.getBytesPerSecond(),
                    s.getQueries()));
        }
        List<StatusReport.PrimitiveIngest> ingest = new ArrayList<>();
        for (PrimitiveIngest p : m.getIngestList()) {
            ingest.add(new StatusReport.PrimitiveIngest(p.getKind(), p.getOperations(), p.getOperationsPerSecond(), p.getBytes(),
                    p.getBytesPerSecond()));
        }
        return new StatusReport(m.getTakenAtMillis(), collectors, stores, ingest);
    }

    /** The definition a store listing describes; null when its layout is unknown. */
    public static StoreDefinition definition(Answers.StoreInfo s) {
        if (!s.problem().isEmpty()) {
            return null;
        }
        StoreKind kind = StoreKind.ofConfigName(s.kind());
        Answers.Layout l = s.parameters();
        StoreLayout layout = switch (kind) {
            case KEY_WRITE -> new KeyWriteLayout(log2(l.slots()), l.slotBytes(), l.defaultRedundancy());
            case KEY_INCREMENT, SKETCH -> new CounterLayout(kind, l.rows(), log2(l.columns()));
            case POSTCARD -> new PostcardLayout(log2(l.postcardRows()), l.hops());
            case APPEND -> new AppendLayout(l.lists(), log2(l.entriesPerList()));
            case null -> throw new IllegalArgumentException("unknown store kind \"" + s.kind() + "\" for store " + s.name());
        };
        return new StoreDefinition(s.id(), s.name(), layout, s.countersLittleEndian());
    }

    private static int log2(long powerOfTwo) {
        return Long.numberOfTrailingZeros(powerOfTwo);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
