package net.dta.controller;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import net.dta.common.admin.AdminServer;
import net.dta.controller.reporter.ReporterAgent;
import net.dta.controller.status.ControllerMetrics;
import net.dta.controller.status.ControllerStatus;
import net.dta.controller.status.ReporterStatus;
import net.dta.controller.status.TranslatorStatus;
import net.dta.controller.translator.TranslatorAgent;
import net.dta.deployment.Deployment;
import net.dta.deployment.ReporterSpec;
import net.dta.deployment.TranslatorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch controller: one agent per translator and per reporter of the deployment, the admin
 * endpoint ({@code /status}, {@code /metrics}), and live application of a changed deployment
 * (agents whose switch identity is unchanged are updated in place; the others are replaced).
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    private final long startedAt = System.currentTimeMillis();
    private final Map<String, TranslatorAgent> translators = new LinkedHashMap<>();
    private final Map<String, ReporterAgent> reporters = new LinkedHashMap<>();
    private final Announcements announcements = new Announcements();
    private Deployment deployment;
    private AdminServer admin;
    private long reloads;
    private String reloadError;

    private Controller(Deployment deployment) {
        this.deployment = deployment;
    }

    /** Starts an agent per switch and the admin endpoint; switches are reached in the background. */
    public static Controller start(Deployment deployment) throws IOException {
        Controller c = new Controller(deployment);
        try {
            for (TranslatorSpec t : deployment.translators()) {
                c.startTranslator(t, deployment);
            }
            for (ReporterSpec r : deployment.reporters()) {
                c.startReporter(r, deployment);
            }
            if (deployment.controller().admin() != null) {
                var a = deployment.controller().admin();
                c.admin = new AdminServer("DTA switch controller", a.host(), a.port(), "controller.admin.address",
                        deployment.controller().adminSecurity())
                        .status(c::status)
                        .get("/metrics", AdminServer.PROMETHEUS, "metrics (Prometheus)",
                                () -> ControllerMetrics.render(c.status()).getBytes(StandardCharsets.UTF_8))
                        .post("/announce", "a collector or translator that has just started (JSON; docs/reliability.md)",
                                body -> c.announcements.handle(body, c.translatorAgents()));
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void startTranslator(TranslatorSpec t, Deployment d) throws IOException {
        TranslatorAgent a = new TranslatorAgent(t, d, d.controller());
        translators.put(t.name(), a);
        a.start();
    }

    private void startReporter(ReporterSpec r, Deployment d) throws IOException {
        ReporterAgent a = new ReporterAgent(r, d, d.controller());
        reporters.put(r.name(), a);
        a.start();
    }

    public synchronized Deployment deployment() {
        return deployment;
    }

    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    private synchronized List<TranslatorAgent> translatorAgents() {
        return List.copyOf(translators.values());
    }

    public synchronized TranslatorAgent translator(String name) {
        return translators.get(name);
    }

    public synchronized ReporterAgent reporter(String name) {
        return reporters.get(name);
    }

    /** Records that a changed deployment file was refused (its problems are logged). */
    public synchronized void reloadRefused(String why) {
        reloadError = why;
    }

    /**
     * Applies a changed deployment. Translators and reporters whose switch identity (P4Runtime
     * address, device id, election id, pipeline, addresses) is unchanged keep their session and
     * queue pairs and only get the difference; others are replaced; removed ones are let go (their
     * switches keep running as they are).
     */
    public synchronized void reload(Deployment next) throws IOException {
        if (!next.controller().equals(deployment.controller())) {
            LOG.warn("the controller section changed: it takes effect at the next start");
        }
        List<String> gone = new ArrayList<>(translators.keySet());
        for (TranslatorSpec t : next.translators()) {
            gone.remove(t.name());
            TranslatorAgent a = translators.get(t.name());
            if (a != null && sameIdentity(a.spec(), t)) {
                a.update(next);
            } else {
                if (a != null) {
                    LOG.info("translator {}: its P4Runtime endpoint or addresses changed: starting over", t.name());
                    a.close();
                }
                startTranslator(t, next);
            }
        }
        for (String n : gone) {
            LOG.info("translator {} removed from the deployment: no longer controlled (it keeps running as it is)", n);
            translators.remove(n).close();
        }
        List<String> goneReporters = new ArrayList<>(reporters.keySet());
        for (ReporterSpec r : next.reporters()) {
            goneReporters.remove(r.name());
            ReporterAgent a = reporters.get(r.name());
            if (a != null && ReporterAgent.sameSwitch(a.spec(), r)) {
                a.update(r, next);
            } else {
                if (a != null) {
                    a.close();
                }
                startReporter(r, next);
            }
        }
        for (String n : goneReporters) {
            reporters.remove(n).close();
        }
        deployment = next;
        reloads++;
        reloadError = null;
    }

    /** What cannot change without a new session and new queue pairs. */
    static boolean sameIdentity(TranslatorSpec a, TranslatorSpec b) {
        return a.device().equals(b.device()) && a.translatorId() == b.translatorId() && a.address() == b.address()
                && a.mac() == b.mac() && a.cpuPort() == b.cpuPort() && a.recirculationPort() == b.recirculationPort()
                && Objects.equals(a.pipeline(), b.pipeline());
    }

    public synchronized ControllerStatus status() {
        List<TranslatorStatus> ts = new ArrayList<>();
        translators.values().forEach(a -> ts.add(a.status()));
        List<ReporterStatus> rs = new ArrayList<>();
        reporters.values().forEach(a -> rs.add(a.status()));
        InetSocketAddress a = adminAddress();
        long now = System.currentTimeMillis();
        return new ControllerStatus(deployment.name(), deployment.source() == null ? "" : deployment.source().toString(), startedAt,
                now - startedAt, a == null ? "disabled" : a.getHostString() + ":" + a.getPort(), reloads, reloadError, ts, rs);
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
        translators.values().forEach(TranslatorAgent::close);
        reporters.values().forEach(ReporterAgent::close);
        translators.clear();
        reporters.clear();
    }
}
