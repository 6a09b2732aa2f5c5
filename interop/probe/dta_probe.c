/*
 * The interop suite's verbs probe: Linux's own RDMA CM active side (librdmacm + libibverbs)
 * against a DTA collector, compiled and run in the guest. It checks what a translator relies on:
 * the REP's DTA private data (protocol.md 7.2), the catalog READ (7.4), and a WRITE and two
 * FETCH_ADDs through the region descriptors of the catalog. With --offsets it prints the struct
 * offsets the collector's DiSNI backend uses (RdmaCmNative), taken from the headers here.
 *
 * Usage: dta_probe --offsets
 *        dta_probe ADDRESS PORT     (prints key=value lines; exit 0 when every check passed)
 */
#include <arpa/inet.h>
#include <endian.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rdma/rdma_cma.h>
#include <infiniband/verbs.h>

#define CHECK(cond, ...) do { if (!(cond)) { printf("error="); printf(__VA_ARGS__); printf("\n"); exit(1); } } while (0)

static struct rdma_cm_event *expect(struct rdma_event_channel *ch, enum rdma_cm_event_type type) {
    struct rdma_cm_event *ev;
    CHECK(rdma_get_cm_event(ch, &ev) == 0, "rdma_get_cm_event: %m");
    CHECK(ev->event == type, "expected CM event %s, got %s (status %d)", rdma_event_str(type),
          rdma_event_str(ev->event), ev->status);
    return ev;
}

static struct ibv_wc complete(struct ibv_cq *cq) {
    struct ibv_wc wc;
    int n;
    while ((n = ibv_poll_cq(cq, 1, &wc)) == 0) {
    }
    CHECK(n == 1 && wc.status == IBV_WC_SUCCESS, "work completion: %s", ibv_wc_status_str(wc.status));
    return wc;
}

static void post(struct ibv_qp *qp, enum ibv_wr_opcode op, void *local, uint32_t len, uint32_t lkey,
                 uint64_t va, uint32_t rkey, uint64_t add) {
    struct ibv_sge sge = { .addr = (uintptr_t) local, .length = len, .lkey = lkey };
    struct ibv_send_wr wr = { .sg_list = &sge, .num_sge = 1, .opcode = op, .send_flags = IBV_SEND_SIGNALED };
    struct ibv_send_wr *bad;
    if (op == IBV_WR_ATOMIC_FETCH_AND_ADD) {
        wr.wr.atomic.remote_addr = va;
        wr.wr.atomic.rkey = rkey;
        wr.wr.atomic.compare_add = add;
    } else {
        wr.wr.rdma.remote_addr = va;
        wr.wr.rdma.rkey = rkey;
    }
    CHECK(ibv_post_send(qp, &wr, &bad) == 0, "ibv_post_send: %m");
}

static uint64_t be64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return be64toh(v); }
static uint32_t be32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return be32toh(v); }
static uint16_t be16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return be16toh(v); }

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--offsets") == 0) {
        printf("event.id=%zu\nevent.event=%zu\nevent.status=%zu\nevent.param=%zu\n",
               offsetof(struct rdma_cm_event, id), offsetof(struct rdma_cm_event, event),
               offsetof(struct rdma_cm_event, status), offsetof(struct rdma_cm_event, param));
        printf("conn.private_data_len=%zu\nconn.responder_resources=%zu\nconn.initiator_depth=%zu\n"
               "conn.retry_count=%zu\nconn.rnr_retry_count=%zu\nconn.qp_num=%zu\nconn.size=%zu\n",
               offsetof(struct rdma_conn_param, private_data_len),
               offsetof(struct rdma_conn_param, responder_resources),
               offsetof(struct rdma_conn_param, initiator_depth), offsetof(struct rdma_conn_param, retry_count),
               offsetof(struct rdma_conn_param, rnr_retry_count), offsetof(struct rdma_conn_param, qp_num),
               sizeof(struct rdma_conn_param));
        printf("id.qp=%zu\nid.dst_addr=%zu\n", offsetof(struct rdma_cm_id, qp),
               offsetof(struct rdma_cm_id, route.addr.dst_addr));
        printf("qpi.send_cq=%zu\nqpi.recv_cq=%zu\nqpi.cap=%zu\nqpi.qp_type=%zu\nqpi.size=%zu\n",
               offsetof(struct ibv_qp_init_attr, send_cq), offsetof(struct ibv_qp_init_attr, recv_cq),
               offsetof(struct ibv_qp_init_attr, cap), offsetof(struct ibv_qp_init_attr, qp_type),
               sizeof(struct ibv_qp_init_attr));
        printf("qp.qp_num=%zu\ndevice_attr.max_qp_rd_atom=%zu\ndevice_attr.size=%zu\nIBV_QPT_RC=%d\n",
               offsetof(struct ibv_qp, qp_num), offsetof(struct ibv_device_attr, max_qp_rd_atom),
               sizeof(struct ibv_device_attr), IBV_QPT_RC);
        printf("mr.rkey=%zu\nmr.size=%zu\n", offsetof(struct ibv_mr, rkey), sizeof(struct ibv_mr));
        return 0;
    }
    CHECK(argc == 3, "usage: dta_probe ADDRESS PORT | --offsets");
    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    CHECK(inet_pton(AF_INET, argv[1], &dst.sin_addr) == 1, "bad address %s", argv[1]);

    struct rdma_event_channel *ch = rdma_create_event_channel();
    CHECK(ch, "rdma_create_event_channel: %m");
    struct rdma_cm_id *id;
    CHECK(rdma_create_id(ch, &id, NULL, RDMA_PS_TCP) == 0, "rdma_create_id: %m");
    CHECK(rdma_resolve_addr(id, NULL, (struct sockaddr *) &dst, 5000) == 0, "rdma_resolve_addr: %m");
    rdma_ack_cm_event(expect(ch, RDMA_CM_EVENT_ADDR_RESOLVED));
    CHECK(rdma_resolve_route(id, 5000) == 0, "rdma_resolve_route: %m");
    rdma_ack_cm_event(expect(ch, RDMA_CM_EVENT_ROUTE_RESOLVED));

    struct ibv_pd *pd = ibv_alloc_pd(id->verbs);
    struct ibv_cq *cq = ibv_create_cq(id->verbs, 16, NULL, NULL, 0);
    CHECK(pd && cq, "ibv_alloc_pd/ibv_create_cq: %m");
    struct ibv_qp_init_attr qpi = { .send_cq = cq, .recv_cq = cq, .qp_type = IBV_QPT_RC,
                                    .cap = { .max_send_wr = 16, .max_recv_wr = 1, .max_send_sge = 1, .max_recv_sge = 1 } };
    CHECK(rdma_create_qp(id, pd, &qpi) == 0, "rdma_create_qp: %m");

    /* DTA REQ data (protocol.md 7.2): DTA1, version 1, translator id 7, rest zero (56 bytes). */
    uint8_t req[56] = { 0x44, 0x54, 0x41, 0x31, 0x00, 0x01, 0x00, 0x07 };
    struct rdma_conn_param param = { .private_data = req, .private_data_len = sizeof req,
                                     .initiator_depth = 16, .responder_resources = 0,
                                     .retry_count = 7, .rnr_retry_count = 7 };
    CHECK(rdma_connect(id, &param) == 0, "rdma_connect: %m");
    struct rdma_cm_event *ev = expect(ch, RDMA_CM_EVENT_ESTABLISHED);
    uint8_t rep[196] = { 0 };
    size_t rep_len = ev->param.conn.private_data_len;
    memcpy(rep, ev->param.conn.private_data, rep_len < sizeof rep ? rep_len : sizeof rep);
    printf("rep.private_data_len=%zu\nrep.responder_resources=%u\nrep.initiator_depth=%u\n", rep_len,
           ev->param.conn.responder_resources, ev->param.conn.initiator_depth);
    rdma_ack_cm_event(ev);
    CHECK(be32(rep) == 0x44544131, "REP private data does not start with DTA1 (got %08x)", be32(rep));
    uint64_t cat_va = be64(rep + 24);
    uint32_t cat_rkey = be32(rep + 32), cat_len = be32(rep + 36);
    printf("rep.version=%u\nrep.stores=%u\nrep.boot_id=%016" PRIx64 "\nrep.generation=%" PRIu64 "\n"
           "catalog.va=0x%" PRIx64 "\ncatalog.rkey=0x%x\ncatalog.length=%u\n", be16(rep + 4), be16(rep + 6),
           be64(rep + 8), be64(rep + 16), cat_va, cat_rkey, cat_len);

    uint8_t *buf = calloc(1, cat_len + 64);
    struct ibv_mr *mr = ibv_reg_mr(pd, buf, cat_len + 64, IBV_ACCESS_LOCAL_WRITE);
    CHECK(mr, "ibv_reg_mr: %m");
    post(id->qp, IBV_WR_RDMA_READ, buf, cat_len, mr->lkey, cat_va, cat_rkey, 0);
    complete(cq);
    CHECK(memcmp(buf, "DTACATLG", 8) == 0, "catalog magic wrong");
    unsigned count = be16(buf + 10);
    printf("catalog.read=ok\ncatalog.entries=%u\n", count);
    uint64_t kw_va = 0, ki_va = 0;
    uint32_t kw_rkey = 0, ki_rkey = 0;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *e = buf + 32 + 128 * i;
        char name[25] = { 0 };
        memcpy(name, e + 40, 24);
        printf("store.%s=id %u kind %u flags %u segments %u va 0x%" PRIx64 " length %" PRIu64 " rkey0 0x%x\n",
               name, be16(e), e[2], e[3], e[4], be64(e + 8), be64(e + 16), be32(e + 64));
        if (e[2] == 1 && !kw_va) { kw_va = be64(e + 8); kw_rkey = be32(e + 64); }
        if (e[2] == 2 && !ki_va) { ki_va = be64(e + 8); ki_rkey = be32(e + 64); }
    }
    /* A WRITE of 8 bytes into Key-Write slot 1, two FETCH_ADDs of 5 on the first Key-Increment counter. */
    uint64_t *word = (uint64_t *) (buf + cat_len);
    if (kw_va) {
        *word = htobe64(0x0123456789abcdefULL);
        post(id->qp, IBV_WR_RDMA_WRITE, word, 8, mr->lkey, kw_va + 8, kw_rkey, 0);
        complete(cq);
        printf("write=ok\n");
    }
    if (ki_va) {
        post(id->qp, IBV_WR_ATOMIC_FETCH_AND_ADD, word, 8, mr->lkey, ki_va, ki_rkey, 5);
        complete(cq);
        uint64_t first = *word;
        post(id->qp, IBV_WR_ATOMIC_FETCH_AND_ADD, word, 8, mr->lkey, ki_va, ki_rkey, 5);
        complete(cq);
        printf("fetch_add.first=%" PRIu64 "\nfetch_add.second=%" PRIu64 "\n", first, *word);
    }
    rdma_disconnect(id);
    struct rdma_cm_event *dis;
    if (rdma_get_cm_event(ch, &dis) == 0) {
        printf("disconnect=%s\n", rdma_event_str(dis->event));
        rdma_ack_cm_event(dis);
    }
    printf("probe=ok\n");
    return 0;
}
