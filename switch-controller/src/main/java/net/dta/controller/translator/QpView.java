package net.dta.controller.translator;

import net.dta.protocol.catalog.Catalog;

/**
 * What the table computation needs to know about one queue pair.
 *
 * @param remoteQpn the collector's QPN, or -1 before a REP
 * @param catalog the collector's catalog, or null before it was read
 * @param up the queue pair carries traffic (registers written, {@code dta_qp_up} = 1)
 */
record QpView(int remoteQpn, Catalog catalog, boolean up) {
    static final QpView NONE = new QpView(-1, null, false);
}
