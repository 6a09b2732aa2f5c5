package net.dta.controller.cm;

import net.dta.protocol.catalog.Catalog;
import net.dta.protocol.catalog.ConnectReplyData;

/**
 * A queue pair just connected through RDMA CM on the translator's behalf: what the translator's
 * tables need (remote QPN, next PSN) and what the collector told (boot id, catalog).
 *
 * @param translatorQpn 0x000100 + collector index
 * @param startPsn the REP's starting PSN: the translator's first PSN, the collector's first expected one
 * @param nextPsn the translator's next PSN after the controller's own READs
 * @param reply the DTA private data of the REP
 */
public record RemoteQueuePair(int translatorQpn, int remoteQpn, int startPsn, int nextPsn, int localCommId, int remoteCommId,
                              ConnectReplyData reply, Catalog catalog, int reads) {
}
