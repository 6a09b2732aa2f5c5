package net.dta.controller.translator;

import java.util.random.RandomGenerator;

import net.dta.controller.cm.CmConnector;
import net.dta.controller.cm.ConnectException;
import net.dta.controller.cm.FramePort;
import net.dta.controller.cm.FrameRouter;
import net.dta.controller.cm.RemoteQueuePair;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.ControllerSettings;
import net.dta.deployment.TranslatorSpec;
import net.dta.protocol.catalog.Catalog;

/**
 * A controller that starts while the translator keeps running adopts the translator's live queue
 * pairs instead of re-connecting them (issue 13 item 3; docs/controller.md): the switch still
 * carries the queue pair (its {@code dta_queue_pairs} entry and {@code dta_qp_up} = 1), and all the
 * new controller lacks is the collector's catalog, which the table computation needs to keep the
 * stores' entries exactly as they are. It reads that catalog through a short side connection (a
 * second local QPN, {@link #SIDE_QPN_BASE} + collector index, whose READ responses reach the
 * controller as unknown-queue-pair PacketIns), then disconnects it (DREQ). The live queue pair's
 * PSNs are never touched, so no report is lost.
 */
final class QueuePairAdoption {
    /** Local QPNs of side connections: outside the translator's queue pairs (0x100 + collector index). */
    static final int SIDE_QPN_BASE = 0x200;

    /** What the adopted queue pair needs: the collector's catalog and boot id. */
    record Adopted(Catalog catalog, long bootId) {
    }

    private QueuePairAdoption() {
    }

    static Adopted readCatalog(TranslatorSpec translator, CollectorSpec collector, FramePort port, FrameRouter router,
                               ControllerSettings settings, RandomGenerator random) throws ConnectException, InterruptedException {
        CmConnector side = new CmConnector(translator, collector, port, router.open(collector.address()), settings.cmTimeout(),
                settings.cmRetries(), random, settings.cmSecret(), SIDE_QPN_BASE + collector.index());
        CmConnector.Handshake h = side.handshake();
        try {
            RemoteQueuePair r = side.readCatalog(h);
            return new Adopted(r.catalog(), h.reply().bootId());
        } finally {
            side.disconnect(h);
        }
    }
}
