package net.dta.controller;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.grpc.Status;
import net.dta.controller.p4runtime.NotPrimaryException;
import net.dta.controller.p4runtime.P4Entities;
import net.dta.controller.p4runtime.Bmv2ThriftRegisters;
import net.dta.controller.p4runtime.P4RuntimeDevice;
import net.dta.controller.p4runtime.RegisterAccess;
import net.dta.controller.p4runtime.P4RuntimeException;
import net.dta.controller.p4runtime.StreamClient;
import net.dta.deployment.ControllerSettings;
import net.dta.deployment.Pipeline;
import net.dta.deployment.SwitchEndpoint;
import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p4.config.v1.P4InfoOuterClass.P4Info;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.StreamError;

/**
 * The life of one switch session, shared by translators and reporters: open the StreamChannel
 * and ask for mastership; as primary, install our pipeline unless the switch already runs it
 * (same cookie) and hand over to {@link #program}; poll while connected; on any loss (stream
 * closed, switch unreachable, pipeline replaced) start again after an exponential back-off. All
 * session work runs on one thread ({@link #control}); gRPC callbacks only post to it.
 */
public abstract class DeviceAgent implements AutoCloseable {
    /** simple_switch's Thrift runtime port (its default), on the P4Runtime host. */
    public static final int BMV2_THRIFT_PORT = 9090;
    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final String role;
    protected final SwitchEndpoint endpoint;
    protected final ControllerSettings settings;
    protected final P4RuntimeDevice device;
    protected final P4Entities p4;
    /** Register cells: P4Runtime, except on BMv2 (Thrift; PI implements no RegisterEntry, docs/p4.md). */
    protected final RegisterAccess registers;
    protected final ScheduledExecutorService control;
    private final P4Info p4Info;
    private final byte[] deviceConfig;
    private final long cookie;
    private final Backoff backoff;

    // Guarded by this.
    private String state = "connecting";
    private String detail = "";
    private boolean primary;
    private long primaryElectionId;
    private long sessions;
    private long losses;
    private long pipelinePushes;
    private String lastError;
    private String apiVersion = "unknown";
    private long generation;
    private CompletableFuture<StreamClient.Mastership> firstMastership;
    private ScheduledFuture<?> pollTask;
    private ScheduledFuture<?> retryTask;
    private boolean closed;

    protected DeviceAgent(String role, SwitchEndpoint endpoint, ControllerSettings settings, P4Info p4Info) throws IOException {
        this.role = role;
        this.endpoint = endpoint;
        this.settings = settings;
        this.p4Info = p4Info;
        this.deviceConfig = endpoint.deviceConfig() == null ? new byte[0] : Files.readAllBytes(endpoint.deviceConfig());
        this.cookie = cookie(p4Info, deviceConfig);
        this.device = new P4RuntimeDevice(role, endpoint, new P4InfoIndex(p4Info), settings.rpcDeadline());
        this.p4 = device.entities();
        this.registers = endpoint.pipeline() == Pipeline.BMV2
                ? new Bmv2ThriftRegisters(device.description(),
                        new java.net.InetSocketAddress(endpoint.p4runtime().host(), BMV2_THRIFT_PORT), p4.index(), settings.rpcDeadline())
                : RegisterAccess.p4runtime(device);
        this.backoff = new Backoff(settings.minBackoff(), settings.maxBackoff());
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dta-ctl-" + endpoint.name());
            t.setDaemon(true);
            return t;
        });
    }

    /** The P4Info to push: the file the deployment names, or the pipeline's built-in one. */
    public static P4Info loadP4Info(SwitchEndpoint e, String tnaResource, String v1modelResource) throws IOException {
        if (e.p4info() != null) {
            return P4InfoFiles.parse(Files.readString(e.p4info()), e.p4info().toString());
        }
        return P4InfoFiles.load(e.pipeline().tna() ? tnaResource : v1modelResource);
    }

    /** A non-zero 64-bit digest of P4Info and device config: the switch holds our pipeline when it reports this cookie. */
    static long cookie(P4Info p4Info, byte[] deviceConfig) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(p4Info.toByteArray());
            sha.update(deviceConfig);
            long c = ByteBuffer.wrap(sha.digest()).getLong();
            return c == 0 ? 1 : c;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String name() {
        return endpoint.name();
    }

    public SwitchEndpoint endpoint() {
        return endpoint;
    }

    public void start() {
        control.execute(this::openSession);
    }

    /** Programs the switch as its primary: the pipeline is ours; {@code freshPipeline} when we just installed it. */
    protected abstract void program(boolean freshPipeline) throws P4RuntimeException, InterruptedException;

    /** The session ended or another controller took over: stop work that writes to the switch. */
    protected abstract void suspend(String why);

    /** Periodic reads while the session lasts (counters, liveness). */
    protected abstract void poll() throws P4RuntimeException;

    /** A poll that failed (status shows why until the next one succeeds). */
    protected void pollFailed(String why) {
    }

    /** A PacketIn (called on a gRPC thread: return quickly). */
    protected abstract void packetIn(PacketIn packet);

    protected void streamError(StreamError error) {
        log.warn("{}: the switch reported a stream error: {} {}", device.description(),
                Status.fromCodeValue(error.getCanonicalCode()).getCode(), error.getMessage());
    }

    // ------------------------------------------------------------------ session

    private void openSession() {
        long g;
        CompletableFuture<StreamClient.Mastership> first = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            g = ++generation;
            firstMastership = first;
            state = "connecting";
            detail = "opening the stream channel";
        }
        log.info("{}: connecting (election id {})", device.description(), endpoint.electionId());
        // Our back-off decides when to try again: gRPC's own one (1 s growing to 2 min) would fail this
        // attempt fast with UNAVAILABLE even though the switch is back (issue 13 item 3); give the
        // connection up to a second to come up before the stream is opened.
        try {
            device.connectNow(java.time.Duration.ofMillis(Math.min(1000, settings.rpcDeadline().toMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        device.stream().open(listener(g));
        StreamClient.Mastership m;
        try {
            m = first.get(settings.rpcDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lost(g, "no arbitration answer on the stream channel within " + settings.rpcDeadline().toMillis() + " ms");
            return;
        } catch (ExecutionException e) {
            lost(g, e.getCause().getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (this) {
            sessions++;
        }
        mastership(g, m);
    }

    private StreamClient.Listener listener(long g) {
        return new StreamClient.Listener() {
            @Override
            public void onMastership(StreamClient.Mastership m) {
                CompletableFuture<StreamClient.Mastership> f;
                synchronized (DeviceAgent.this) {
                    f = g == generation ? firstMastership : null;
                }
                if (f != null && f.complete(m)) {
                    return;
                }
                post(() -> mastership(g, m));
            }

            @Override
            public void onPacketIn(PacketIn packet) {
                if (current(g)) {
                    packetIn(packet);
                }
            }

            @Override
            public void onStreamError(StreamError error) {
                streamError(error);
            }

            @Override
            public void onClosed(Status status) {
                CompletableFuture<StreamClient.Mastership> f;
                synchronized (DeviceAgent.this) {
                    f = g == generation ? firstMastership : null;
                }
                String why = "stream channel closed: " + status.getCode()
                        + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
                if (f != null && f.completeExceptionally(new IOException(why))) {
                    return;
                }
                post(() -> lost(g, why));
            }
        };
    }

    protected final synchronized boolean current(long g) {
        return g == generation && !closed;
    }

    protected final synchronized long generation() {
        return generation;
    }

    /** Runs on the control thread unless the agent is closed. */
    protected final void post(Runnable r) {
        try {
            control.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void mastership(long g, StreamClient.Mastership m) {
        if (!current(g)) {
            return;
        }
        boolean wasPrimary;
        synchronized (this) {
            wasPrimary = primary;
            primary = m.primary();
            primaryElectionId = m.primaryElectionId();
        }
        if (m.primary()) {
            if (!wasPrimary) {
                log.info("{}: primary (election id {})", device.description(), endpoint.electionId());
                becomePrimary(g);
            }
            return;
        }
        String why = "backup: another controller is primary (election id " + m.primaryElectionId() + " > ours, "
                + endpoint.electionId() + "); this controller does not write";
        synchronized (this) {
            state = "backup";
            detail = why;
        }
        log.warn("{}: {}", device.description(), why);
        suspend(why);
        schedulePoll(g);
    }

    private void becomePrimary(long g) {
        synchronized (this) {
            state = "programming";
            detail = "checking the pipeline";
        }
        try {
            String version = device.pipeline().apiVersion();
            OptionalLong installed = device.pipeline().cookie();
            boolean fresh = installed.isEmpty() || installed.getAsLong() != cookie;
            if (fresh) {
                log.info("{}: installing the pipeline ({}{})", device.description(),
                        installed.isEmpty() ? "the switch has none" : "another pipeline is installed",
                        deviceConfig.length == 0 ? "" : ", device config " + deviceConfig.length + " bytes");
                device.pipeline().set(p4Info, deviceConfig, cookie);
                synchronized (this) {
                    pipelinePushes++;
                }
            } else {
                log.info("{}: the switch already runs this pipeline (cookie {}); reading its tables", device.description(),
                        Long.toHexString(cookie));
            }
            synchronized (this) {
                apiVersion = version;
                detail = "writing tables";
            }
            program(fresh);
            if (!current(g)) {
                return;
            }
            synchronized (this) {
                state = "ready";
                detail = "";
                backoff.reset();
            }
            log.info("{}: ready", device.description());
            schedulePoll(g);
        } catch (NotPrimaryException e) {
            synchronized (this) {
                primary = false;
                state = "backup";
                detail = e.getMessage();
            }
            suspend(e.getMessage());
            schedulePoll(g);
        } catch (P4RuntimeException e) {
            lost(g, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!current(g)) {
                return; // closed (the controller stopped) or superseded while programming: not the device's fault
            }
            // A P4Info that lacks a name we need, a value that does not fit: retrying cannot help, but the
            // file may be fixed; say so and retry at the longest back-off.
            log.error("{}: cannot program it: {}", device.description(), e.getMessage(), e);
            failed(g, "cannot program it: " + e.getMessage());
        }
    }

    private void schedulePoll(long g) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (pollTask != null) {
                pollTask.cancel(false);
            }
            long every = settings.pollInterval().toMillis();
            pollTask = control.scheduleWithFixedDelay(() -> pollOnce(g), every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void pollOnce(long g) {
        if (!current(g)) {
            return;
        }
        try {
            boolean isPrimary;
            synchronized (this) {
                isPrimary = primary && "ready".equals(state);
            }
            if (isPrimary) {
                OptionalLong installed = device.pipeline().cookie();
                if (installed.isEmpty() || installed.getAsLong() != cookie) {
                    lost(g, installed.isEmpty() ? "the switch lost its pipeline (restarted?)"
                            : "another pipeline was installed (cookie " + Long.toHexString(installed.getAsLong()) + ")");
                    return;
                }
            }
            poll();
        } catch (P4RuntimeException e) {
            pollFailed(e.getMessage());
            if (e.unreachable()) {
                lost(g, e.getMessage());
            } else {
                log.warn("{}: poll: {}", device.description(), e.getMessage());
            }
        } catch (RuntimeException e) {
            pollFailed(e.toString());
            log.warn("{}: poll failed: {}", device.description(), e.toString(), e);
        }
    }

    /** The session is gone: stop, and try again after the back-off. Runs on the control thread. */
    protected final void lost(long g, String why) {
        long delay;
        synchronized (this) {
            if (g != generation || closed) {
                return;
            }
            generation++;
            primary = false;
            losses++;
            lastError = why;
            state = "unreachable";
            delay = backoff.nextDelayMillis();
            detail = why + "; retrying in " + delay + " ms";
            if (pollTask != null) {
                pollTask.cancel(false);
            }
        }
        log.warn("{}: {}; retrying in {} ms", device.description(), why, delay);
        device.stream().close();
        suspend(why);
        scheduleRetry(delay);
    }

    /** Lost for a reason that needs a change elsewhere: retry at the longest back-off. */
    private void failed(long g, String why) {
        long delay;
        synchronized (this) {
            if (g != generation || closed) {
                return;
            }
            generation++;
            primary = false;
            lastError = why;
            state = "failed";
            delay = backoff.maxDelayMillis();
            detail = why + "; retrying in " + delay + " ms";
        }
        device.stream().close();
        suspend(why);
        scheduleRetry(delay);
    }

    /**
     * The switch announced that it has just started (docs/reliability.md "Announcements"): when
     * this agent waits for a retry, or still holds a session whose switch no longer runs our
     * pipeline, open a session now instead of at the end of the back-off. Returns at once; the work
     * runs on the control thread.
     */
    public void announced(String who) {
        post(() -> {
            long g;
            String s;
            synchronized (this) {
                if (closed) {
                    return;
                }
                g = generation;
                s = state;
            }
            if ("ready".equals(s)) {
                try {
                    OptionalLong installed = device.pipeline().cookie();
                    if (installed.isPresent() && installed.getAsLong() == cookie) {
                        log.info("{}: {} announced a start; the session already runs our pipeline on it", device.description(), who);
                        return;
                    }
                } catch (P4RuntimeException e) {
                    // the old session's switch is gone: start over below
                }
                lost(g, who + " announced a (re)start");
            } else if (!"unreachable".equals(s) && !"failed".equals(s)) {
                return; // connecting, programming or backup: a session is being made
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (retryTask != null) {
                    retryTask.cancel(false);
                }
                backoff.reset();
            }
            log.info("{}: {} announced a start: connecting now", device.description(), who);
            try {
                device.connectNow(settings.rpcDeadline());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            openSession();
        });
    }

    /** Called from work threads when a write found the switch unreachable. */
    protected final void lostFromAnyThread(long g, String why) {
        post(() -> lost(g, why));
    }

    private synchronized void scheduleRetry(long delay) {
        if (closed) {
            return;
        }
        retryTask = control.schedule(this::openSession, delay, TimeUnit.MILLISECONDS);
    }

    /** Records an error for status without ending the session. */
    protected final synchronized void recordError(String message) {
        lastError = message;
    }

    protected final synchronized boolean primary() {
        return primary;
    }

    /** The session part of the status. */
    protected final synchronized SessionView sessionView() {
        return new SessionView(state, detail, primary, primaryElectionId, apiVersion, sessions, losses, pipelinePushes, lastError);
    }

    /** A snapshot of the session for status. */
    protected record SessionView(String state, String detail, boolean primary, long primaryElectionId, String apiVersion,
                                 long sessions, long losses, long pipelinePushes, String lastError) {
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            generation++;
            if (pollTask != null) {
                pollTask.cancel(false);
            }
            if (retryTask != null) {
                retryTask.cancel(false);
            }
        }
        control.shutdownNow();
        try {
            control.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        suspend("controller stopping");
        device.close();
    }
}
