package net.dta.query.cli;

import java.io.PrintWriter;
import java.util.Locale;

import net.dta.common.cli.Table;
import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;

/** The readable forms of the answers (the {@code --json} forms are {@link net.dta.query.model.QueryJson}). */
public final class AnswerTables {
    private AnswerTables() {
    }

    public static void print(Answers.KeyWrite a, PrintWriter out) {
        Table t = new Table("STORE", "KEY", "VALUE", "AGREE", "COLLECTOR");
        row(t, a);
        t.print(out, "");
        if (!a.found()) {
            out.println("no slot of " + a.redundancy() + " holds this key: never written, or overwritten by later keys");
        }
    }

    public static void print(Answers.KeyWriteMany many, PrintWriter out) {
        Table t = new Table("STORE", "KEY", "VALUE", "AGREE", "COLLECTOR");
        many.answers().forEach(a -> row(t, a));
        t.print(out, "");
    }

    private static void row(Table t, Answers.KeyWrite a) {
        t.row(a.store(), a.keyHex(), a.found() ? a.valueHex() + (a.valueUint() == null ? "" : " (" + a.valueUint() + ")") : "absent",
                a.agree() + "/" + a.redundancy(), a.collector());
    }

    public static void print(Answers.Counter a, PrintWriter out) {
        out.println(a.kind() + " " + a.store() + " key " + a.keyHex() + ": estimate " + Long.toUnsignedString(a.estimate()));
        Table t = new Table("ROW", "COLUMN", "COUNTER", "COLLECTOR");
        for (Answers.RowCounter r : a.rows()) {
            t.row(r.row(), r.column(), Long.toUnsignedString(r.counter()), r.collector());
        }
        t.print(out, "  ");
    }

    public static void print(Answers.Path a, PrintWriter out) {
        out.println("path of " + a.keyHex() + " in " + a.store() + " (collector " + a.collector() + "): " + a.validHops() + " valid hop(s)");
        Table t = new Table("HOP", "VALUE", "VALID", "SWITCH", "QUEUE-DEPTH");
        for (Answers.Hop h : a.hops()) {
            t.row(h.index(), String.format("%08x", h.value()), h.valid() ? "yes" : "no", h.valid() ? h.switchId() : "",
                    h.valid() ? h.queueDepth() : "");
        }
        t.print(out, "  ");
        out.println("  (switch and queue depth decode a value as switch << 24 | depth, the reporters' convention)");
    }

    public static void print(Answers.Append a, PrintWriter out) {
        Table t = new Table("POSITION", "VALUE");
        for (Answers.AppendEntry e : a.entries()) {
            t.row(e.position(), String.format("%08x", e.value()));
        }
        if (!t.isEmpty()) {
            t.print(out, "");
        }
        out.println(a.store() + " list " + a.list() + " (collector " + a.collector() + "): " + a.entries().size() + " entr"
                + (a.entries().size() == 1 ? "y" : "ies") + " from " + a.fromPosition() + ", next " + a.nextPosition()
                + ", overrun " + a.overrun());
    }

    /** One line per entry, as a follower prints them. */
    public static void printFollow(Answers.Append a, PrintWriter out) {
        if (a.overrun() > 0) {
            out.println("overrun: " + a.overrun() + " entr" + (a.overrun() == 1 ? "y" : "ies") + " overwritten before they could be read");
        }
        for (Answers.AppendEntry e : a.entries()) {
            out.println(e.position() + " " + String.format("%08x", e.value()));
        }
        out.flush();
    }

    public static void print(Answers.Stores a, PrintWriter out) {
        Table t = new Table("STORE", "ID", "KIND", "LAYOUT", "COLLECTORS");
        for (Answers.StoreInfo s : a.stores()) {
            t.row(s.name(), s.id(), s.kind(), s.problem().isEmpty() ? s.layout() : "unknown: " + s.problem(),
                    String.join(",", s.collectors()));
        }
        t.print(out, "");
    }

    public static void print(StatusReport r, PrintWriter out) {
        Table c = new Table("COLLECTOR", "SOURCE", "STATUS", "PACKETS/S", "QUEUE PAIRS");
        for (StatusReport.CollectorHealth h : r.collectors()) {
            long up = h.queuePairs().stream().filter(StatusReport.QueuePairHealth::up).count();
            c.row(h.name(), h.source(), h.reachable() ? (h.statusSource().equals("none") ? "no status source" : "ok")
                    : "unreachable: " + h.error(), rate(h.packetsPerSecond()), up + "/" + h.queuePairs().size() + " up");
        }
        c.print(out, "");
        out.println();
        Table s = new Table("STORE", "COLLECTOR", "KIND", "FILL", "KW-SUCCESS", "OPS/S", "BYTES/S", "WRITES", "ATOMICS", "QUERIES");
        for (StatusReport.StoreStatus st : r.stores()) {
            s.row(st.name(), st.collector(), st.kind(), String.format(Locale.ROOT, "%.4f%%", 100 * st.fill())
                            + (st.examined() < st.capacity() ? " (sampled)" : ""),
                    st.keyWriteSuccessProbability() == null ? "" : String.format(Locale.ROOT, "%.4f", st.keyWriteSuccessProbability()),
                    st.ingestKnown() ? rate(st.writesPerSecond() + st.atomicsPerSecond()) : "?", st.ingestKnown() ? rate(st.bytesPerSecond()) : "?",
                    st.ingestKnown() ? st.writes() : "?", st.ingestKnown() ? st.atomics() : "?", st.queries());
        }
        s.print(out, "");
        out.println();
        Table i = new Table("PRIMITIVE", "OPS/S", "BYTES/S", "OPERATIONS");
        for (StatusReport.PrimitiveIngest p : r.ingest()) {
            i.row(p.kind(), rate(p.operationsPerSecond()), rate(p.bytesPerSecond()), p.operations());
        }
        i.print(out, "");
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }
}
