package net.dta.demo;

import net.dta.query.Queries;
import net.dta.query.model.Answers;

/**
 * What earlier runs left in the stores, read through the query service before this run sends
 * anything: the demo's event list (how many events, of which runs) and the web flow's path, deepest
 * queue and byte count. It proves (and shows) that a run reuses the data of the one before.
 *
 * @param events     demo events in the list (0 when it is empty)
 * @param firstRun   the run of the oldest event still in the ring
 * @param lastRun    the run of the newest event
 * @param nextPosition where the next event will go
 * @param webHops    valid hops of the web flow's path
 * @param webQueue   the web flow's Key-Write value, or -1 when not found
 * @param webBytes   the web flow's byte count (Count-Min estimate)
 */
record EarlierData(long events, int firstRun, int lastRun, long nextPosition, int webHops, long webQueue, long webBytes) {

    static EarlierData read(Queries q) {
        String list = DemoStores.DROPS;
        int l = DemoStores.DEMO_EVENTS_LIST;
        Answers.Append oldest = q.appendRead(list, l, null, 1, "");
        long next = q.appendTail(list, l, "").nextPosition();
        long events = 0;
        int firstRun = 0;
        int lastRun = 0;
        if (!oldest.entries().isEmpty()) {
            Answers.AppendEntry first = oldest.entries().get(0);
            events = next - first.position();
            firstRun = DemoFlows.runOf(first.value());
            Answers.Append newest = q.appendRead(list, l, next - 1, 1, "");
            lastRun = newest.entries().isEmpty() ? firstRun : DemoFlows.runOf(newest.entries().get(0).value());
        }
        String web = DemoFlows.WEB.key();
        int hops = q.path(DemoStores.PATHS, web, "").validHops();
        Answers.KeyWrite kw = q.keyWrite(DemoStores.QUEUE_DEPTH, web, 0, "");
        long queue = kw.found() && kw.valueUint() != null ? kw.valueUint() : -1;
        long bytes = q.counter(DemoStores.FLOW_BYTES, web, "").estimate();
        return new EarlierData(events, firstRun, lastRun, next, hops, queue, bytes);
    }

    boolean any() {
        return events > 0 || webHops > 0 || webQueue >= 0 || webBytes > 0;
    }

    /** One or two lines for the start-up log. */
    String describe() {
        if (!any()) {
            return "no demo data found in the stores";
        }
        String ev = events == 0 ? "no demo events"
                : Text.count(events, "demo event") + " in drops list " + DemoStores.DEMO_EVENTS_LIST + " (positions "
                        + (nextPosition - events) + ".." + (nextPosition - 1) + ", "
                        + (firstRun == lastRun ? "run " + firstRun : "runs " + firstRun + ".." + lastRun) + ")";
        String flow = "web flow: " + (webHops > 0 ? "path of " + webHops + " hops" : "no path") + ", deepest queue "
                + (webQueue >= 0 ? Long.toString(webQueue) : "not found") + ", " + Text.grouped(webBytes) + " bytes counted";
        return ev + "\n" + flow;
    }
}
