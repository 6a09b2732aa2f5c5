/*
 * The interop suite's verbs probe: Linux's own RDMA CM active side (librdmacm + libibverbs)
 * against a DTA collector, compiled and run in the guest. It checks what a translator relies on:
 * the REP's DTA private data (protocol.md 7.2), the catalog READ (7.4), and a WRITE and two
 * FETCH_ADDs through the region descriptors of the catalog. With --offsets it prints the struct
 * offsets the collector's DiSNI backend uses (RdmaCmNative), taken from the headers here.
 *
 * The REQ carries DTA REQ data version 2 signed with the deployment's CM secret, and the REP's MAC
 * is checked (protocol.md 7.2): HMAC-SHA256 (FIPS 180-4, RFC 2104) written out below, so that the
 * guest needs no crypto library.
 *
 * Usage: dta_probe --offsets
 *        dta_probe ADDRESS PORT SECRET_FILE  (prints key=value lines; exit 0 when every check passed)
 */
#include <arpa/inet.h>
#include <endian.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
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


/* SHA-256 (FIPS 180-4) and HMAC (RFC 2104): enough for the CM MACs of protocol.md 7.2. */
static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p) {
    uint32_t w[64], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t) p[4 * i] << 24 | p[4 * i + 1] << 16 | p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

/* SHA-256 of a (al bytes) followed by b (bl bytes). */
static void sha256_2(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t out[32]) {
    uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    uint8_t block[64];
    size_t total = al + bl, n = 0;
    for (size_t i = 0; i < total; i++) {
        block[n++] = i < al ? a[i] : b[i - al];
        if (n == 64) { sha256_block(h, block); n = 0; }
    }
    block[n++] = 0x80;
    if (n > 56) { memset(block + n, 0, 64 - n); sha256_block(h, block); n = 0; }
    memset(block + n, 0, 56 - n);
    uint64_t bits = (uint64_t) total * 8;
    for (int i = 0; i < 8; i++) block[56 + i] = (uint8_t) (bits >> (56 - 8 * i));
    sha256_block(h, block);
    for (int i = 0; i < 8; i++) { out[4 * i] = h[i] >> 24; out[4 * i + 1] = h[i] >> 16; out[4 * i + 2] = h[i] >> 8; out[4 * i + 3] = h[i]; }
}

/* The first 16 bytes of HMAC-SHA256(key, msg): the MACs of protocol.md 7.2 (keys of <= 64 bytes). */
static void hmac16(const uint8_t *key, size_t kl, const uint8_t *msg, size_t ml, uint8_t out[16]) {
    uint8_t ipad[64] = { 0 }, opad[64] = { 0 }, inner[32], full[32];
    memcpy(ipad, key, kl);
    memcpy(opad, key, kl);
    for (int i = 0; i < 64; i++) { ipad[i] ^= 0x36; opad[i] ^= 0x5c; }
    sha256_2(ipad, 64, msg, ml, inner);
    sha256_2(opad, 64, inner, 32, full);
    memcpy(out, full, 16);
}

/* The secret file: hex digits (whitespace ignored), 32..64 bytes. */
static size_t read_secret(const char *path, uint8_t key[64]) {
    FILE *f = fopen(path, "r");
    CHECK(f, "cannot open the CM secret %s: %m", path);
    size_t n = 0;
    int c, hi = -1;
    while ((c = fgetc(f)) != EOF) {
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0) continue;
        if (hi < 0) { hi = v; continue; }
        CHECK(n < 64, "the CM secret %s is longer than 64 bytes", path);
        key[n++] = (uint8_t) (hi << 4 | v);
        hi = -1;
    }
    fclose(f);
    CHECK(n >= 32, "the CM secret %s holds %zu bytes, at least 32 needed", path, n);
    return n;
}

static void put32(uint8_t *p, uint32_t v) { v = htobe32(v); memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { v = htobe16(v); memcpy(p, &v, 2); }
static void put64(uint8_t *p, uint64_t v) { v = htobe64(v); memcpy(p, &v, 8); }

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
    CHECK(argc == 4, "usage: dta_probe ADDRESS PORT SECRET_FILE | --offsets");
    uint8_t key[64];
    size_t key_len = read_secret(argv[3], key);
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

    /* DTA REQ data version 2 (protocol.md 7.2): DTA1, 2, translator id 7, timestamp, nonce, MAC over
     * the binding (our address and port as rdma_cm puts them into the IP CM header, the collector's,
     * our QPN) and those 24 bytes. */
    uint8_t req[56] = { 0x44, 0x54, 0x41, 0x31, 0x00, 0x02, 0x00, 0x07 };
    struct timeval now;
    gettimeofday(&now, NULL);
    put64(req + 8, (uint64_t) now.tv_sec * 1000 + now.tv_usec / 1000);
    put64(req + 16, ((uint64_t) now.tv_usec << 32) ^ (uint64_t) id->qp->qp_num ^ (uint64_t) getpid() << 20);
    const struct sockaddr_in *src = (const struct sockaddr_in *) rdma_get_local_addr(id);
    uint8_t m[10 + 16 + 24];
    memcpy(m, "DTA-CM-REQ", 10);
    memcpy(m + 10, &src->sin_addr, 4);
    put16(m + 14, be16toh(rdma_get_src_port(id)));
    memcpy(m + 16, &dst.sin_addr, 4);
    put16(m + 20, (uint16_t) atoi(argv[2]));
    put32(m + 22, id->qp->qp_num & 0xFFFFFF);
    memcpy(m + 26, req, 24);
    hmac16(key, key_len, m, sizeof m, req + 24);
    struct rdma_conn_param param = { .private_data = req, .private_data_len = sizeof req,
                                     .initiator_depth = 16, .responder_resources = 0,
                                     .retry_count = 7, .rnr_retry_count = 7 };
    CHECK(rdma_connect(id, &param) == 0, "rdma_connect: %m");
    struct rdma_cm_event *ev = expect(ch, RDMA_CM_EVENT_ESTABLISHED);
    uint8_t rep[196] = { 0 };
    size_t rep_len = ev->param.conn.private_data_len;
    /* The collector's QPN, as our queue pair was given it from the REP. */
    struct ibv_qp_attr qa;
    struct ibv_qp_init_attr qia;
    CHECK(ibv_query_qp(id->qp, &qa, IBV_QP_DEST_QPN, &qia) == 0, "ibv_query_qp: %m");
    uint32_t remote_qpn = qa.dest_qp_num;
    memcpy(rep, ev->param.conn.private_data, rep_len < sizeof rep ? rep_len : sizeof rep);
    printf("rep.private_data_len=%zu\nrep.responder_resources=%u\nrep.initiator_depth=%u\n", rep_len,
           ev->param.conn.responder_resources, ev->param.conn.initiator_depth);
    rdma_ack_cm_event(ev);
    CHECK(be32(rep) == 0x44544131, "REP private data does not start with DTA1 (got %08x)", be32(rep));
    /* The REP's MAC over our REQ's MAC, the collector's QPN and the REP data's first 40 bytes. */
    uint8_t rm[10 + 16 + 4 + 40], rep_mac[16];
    memcpy(rm, "DTA-CM-REP", 10);
    memcpy(rm + 10, req + 24, 16);
    put32(rm + 26, remote_qpn & 0xFFFFFF);
    memcpy(rm + 30, rep, 40);
    hmac16(key, key_len, rm, sizeof rm, rep_mac);
    CHECK(be16(rep + 4) == 2 && memcmp(rep_mac, rep + 40, 16) == 0, "the REP's MAC is wrong (version %u)", be16(rep + 4));
    printf("rep.mac=ok\n");
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
