/* test_audit.c - the audit chain against a real SQLite store: appends verify, every kind of
 * tampering done directly in SQL is found and named, and the chain follows transactions.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit_int.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "test.h"

#define N_SMALL 50

struct progress_seen {
    int calls;
    uint64_t last_done;
    uint64_t last_total;
    bool over_total; /* done > total with a known total: a contract violation */
};

struct fixture {
    char dir[64];
    char path[96];
    struct hv_store *st;
    struct hv_ctx ctx;
    int64_t now;
    struct progress_seen progress;
};

/* The fake clock: a fixed start, one second per reading. */
static int64_t fake_now(void *ud)
{
    int64_t *t = ud;
    return (*t)++;
}

static void on_progress(void *ud, const char *phase, uint64_t done, uint64_t total)
{
    struct progress_seen *p = ud;
    (void)phase;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    if (total != 0 && done > total) {
        p->over_total = true;
    }
}

static bool fixture_open(struct fixture *fx)
{
    memset(fx, 0, sizeof(*fx));
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/hv-audit-XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        perror("mkdtemp");
        return false;
    }
    snprintf(fx->path, sizeof(fx->path), "%s/haven.db", fx->dir);
    struct hv_store_options opt = { .create = true };
    struct hv_diag diag;
    hv_diag_clear(&diag);
    if (hv_store_open(fx->path, &opt, &fx->st, &diag) != HV_OK ||
        hv_store_migrate(fx->st, &diag) != HV_OK) {
        fprintf(stderr, "store: %s\n", diag.msg);
        return false;
    }
    fx->now = 1630000000; /* 2021-08-26 */
    fx->ctx.store = fx->st;
    fx->ctx.clock.now = fake_now;
    fx->ctx.clock.ud = &fx->now;
    fx->ctx.progress.fn = on_progress;
    fx->ctx.progress.ud = &fx->progress;
    fx->ctx.actor = "registrar-7";
    return true;
}

static void fixture_close(struct fixture *fx)
{
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    char p[128];
    hv_store_close(fx->st);
    fx->st = NULL;
    for (size_t i = 0; i < HV_ARRAY_LEN(suffixes); i++) {
        snprintf(p, sizeof(p), "%s%s", fx->path, suffixes[i]);
        (void)unlink(p);
    }
    (void)rmdir(fx->dir);
}

static void change_of(int64_t i, uint8_t out[32])
{
    memset(out, (int)(0x40 + (i % 64)), 32);
}

/* Appends n entries in one committed transaction; the i-th of the batch (from 1) has
 * entity_id i and detail "rows=<i>" (on a fresh log, i is the entry's seq). */
static bool fill(struct fixture *fx, int64_t n)
{
    if (hv_store_begin(fx->st) != HV_OK) {
        return false;
    }
    for (int64_t i = 0; i < n; i++) {
        char detail[32];
        uint8_t change[32];
        int64_t seq = 0;
        snprintf(detail, sizeof(detail), "rows=%" PRId64, i + 1);
        change_of(i + 1, change);
        if (hv_audit_append(&fx->ctx, "case.edit", "case", i + 1, detail, change, &seq) != HV_OK) {
            hv_store_rollback(fx->st);
            return false;
        }
    }
    return hv_store_commit(fx->st) == HV_OK;
}

static bool exec(struct fixture *fx, const char *sql)
{
    enum hv_err err = hv_store_exec(fx->st, sql);
    if (err != HV_OK) {
        fprintf(stderr, "exec failed (%s): %s\n", hv_err_str(err), sql);
    }
    return err == HV_OK;
}

static struct hv_audit_report verify(struct fixture *fx)
{
    struct hv_audit_report rep;
    memset(&rep, 0xa5, sizeof(rep));
    enum hv_err err = hv_audit_verify(&fx->ctx, &rep);
    CHECK_OK(err);
    return rep;
}

/* Collects listed entries. */
struct collected {
    struct hv_audit_entry e[N_SMALL + 8];
    int n;
    int stop_after; /* 0: never */
};

static enum hv_err collect(void *ud, const struct hv_audit_entry *e)
{
    struct collected *c = ud;
    if (c->n < (int)HV_ARRAY_LEN(c->e)) {
        c->e[c->n] = *e;
    }
    c->n++;
    if (c->stop_after != 0 && c->n >= c->stop_after) {
        return HV_ERR_LIMIT;
    }
    return HV_OK;
}

static bool get_entry(struct fixture *fx, int64_t seq, struct hv_audit_entry *out)
{
    struct collected *c = calloc(1, sizeof(*c));
    bool ok =
        hv_audit_list(&fx->ctx, seq - 1, 1, collect, c) == HV_OK && c->n == 1 && c->e[0].seq == seq;
    if (ok) {
        *out = c->e[0];
    }
    free(c);
    return ok;
}

static void test_append_many_and_verify(void)
{
    struct fixture fx;
    CHECK(fixture_open(&fx));
    struct hv_audit_report rep = verify(&fx);
    CHECK(rep.ok);
    CHECK_EQ_INT(rep.n_entries, 0);
    CHECK_EQ_INT(rep.bad_seq, 0);
    CHECK_EQ_STR(rep.reason, "");

    CHECK(fill(&fx, 10000));
    CHECK(fill(&fx, 5)); /* a second transaction continues the chain */
    fx.progress = (struct progress_seen){ 0 };
    rep = verify(&fx);
    CHECK(rep.ok);
    CHECK_EQ_INT(rep.n_entries, 10005);
    CHECK_EQ_INT(rep.bad_seq, 0);
    CHECK_EQ_STR(rep.reason, "");
    /* Long logs report progress (every 8192 entries) and finish at done == total. */
    CHECK(fx.progress.calls >= 2);
    CHECK(!fx.progress.over_total);
    CHECK_EQ_INT(fx.progress.last_done, 10005);
    CHECK_EQ_INT(fx.progress.last_total, 10005);
    fixture_close(&fx);
}

static void test_entries_and_list(void)
{
    struct fixture fx;
    CHECK(fixture_open(&fx));
    uint8_t change[32];
    memset(change, 0x11, sizeof(change));
    int64_t s1 = 0, s2 = 0, s3 = 0;
    CHECK_OK(hv_store_begin(fx.st));
    CHECK_OK(hv_audit_append(&fx.ctx, "case.create", "case", 42, "rows=1", change, &s1));
    CHECK_OK(hv_audit_append(&fx.ctx, "import", "import", 0, NULL, NULL, &s2));
    fx.ctx.actor = "vetting-3";
    CHECK_OK(hv_audit_append(&fx.ctx, "key.rotate", NULL, 0, "key=2", NULL, NULL));
    CHECK_OK(hv_audit_append(&fx.ctx, "case.edit", "case", 42, "", NULL, &s3));
    CHECK_OK(hv_store_commit(fx.st));
    CHECK_EQ_INT(s1, 1);
    CHECK_EQ_INT(s2, 2);
    CHECK_EQ_INT(s3, 4);

    struct collected *c = calloc(1, sizeof(*c));
    CHECK_OK(hv_audit_list(&fx.ctx, 0, 0, collect, c));
    CHECK_EQ_INT(c->n, 4);
    CHECK_EQ_INT(c->e[0].seq, 1);
    CHECK_EQ_INT(c->e[0].at, 1630000000);
    CHECK_EQ_STR(c->e[0].actor, "registrar-7");
    CHECK_EQ_STR(c->e[0].action, "case.create");
    CHECK_EQ_STR(c->e[0].entity, "case");
    CHECK_EQ_INT(c->e[0].entity_id, 42);
    CHECK_EQ_STR(c->e[0].detail, "rows=1");
    CHECK(memcmp(c->e[0].change_hash, change, 32) == 0);
    static const uint8_t zeros[32];
    CHECK(memcmp(c->e[0].prev_hash, zeros, 32) == 0);
    CHECK_EQ_STR(c->e[1].detail, "");
    CHECK(memcmp(c->e[1].change_hash, zeros, 32) == 0);
    CHECK_EQ_INT(c->e[1].at, 1630000001);
    CHECK_EQ_STR(c->e[2].actor, "vetting-3");
    CHECK_EQ_STR(c->e[2].entity, "");
    for (int i = 1; i < 4; i++) {
        CHECK_EQ_INT(c->e[i].seq, i + 1);
        CHECK(memcmp(c->e[i].prev_hash, c->e[i - 1].hash, 32) == 0);
    }

    /* after_seq and limit. */
    memset(c, 0, sizeof(*c));
    CHECK_OK(hv_audit_list(&fx.ctx, 1, 2, collect, c));
    CHECK_EQ_INT(c->n, 2);
    CHECK_EQ_INT(c->e[0].seq, 2);
    CHECK_EQ_INT(c->e[1].seq, 3);
    memset(c, 0, sizeof(*c));
    CHECK_OK(hv_audit_list(&fx.ctx, 4, 0, collect, c));
    CHECK_EQ_INT(c->n, 0);
    CHECK_EQ_INT(hv_audit_list(&fx.ctx, 0, -1, collect, c), HV_ERR_INVALID);

    /* A callback's error stops the walk and is returned; the store stays usable. */
    memset(c, 0, sizeof(*c));
    c->stop_after = 2;
    CHECK_EQ_INT(hv_audit_list(&fx.ctx, 0, 0, collect, c), HV_ERR_LIMIT);
    CHECK_EQ_INT(c->n, 2);
    CHECK_OK(hv_store_begin(fx.st));
    CHECK_OK(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "rows=1", NULL, &s3));
    CHECK_OK(hv_store_commit(fx.st));
    CHECK_EQ_INT(s3, 5);
    struct hv_audit_report rep = verify(&fx);
    CHECK(rep.ok);
    CHECK_EQ_INT(rep.n_entries, 5);
    free(c);
    fixture_close(&fx);
}

/* Pins the documented encoding: rebuilds entry 1's hashed bytes by hand and hashes them with
 * the one-shot hv_hash, independently of audit_hash.c's streaming code. */
static size_t put_field(uint8_t *buf, size_t off, const void *p, size_t n)
{
    for (int i = 0; i < 8; i++) {
        buf[off + (size_t)i] = (uint8_t)((uint64_t)n >> (8 * (7 - i)));
    }
    memcpy(buf + off + 8, p, n);
    return off + 8 + n;
}

static size_t put_i64(uint8_t *buf, size_t off, int64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)((uint64_t)v >> (8 * (7 - i)));
    }
    return put_field(buf, off, b, 8);
}

static void test_hash_encoding(void)
{
    struct fixture fx;
    CHECK(fixture_open(&fx));
    uint8_t change[32];
    memset(change, 0x11, sizeof(change));
    CHECK_OK(hv_store_begin(fx.st));
    CHECK_OK(hv_audit_append(&fx.ctx, "case.create", "case", -7, "rows=1", change, NULL));
    CHECK_OK(hv_store_commit(fx.st));
    struct hv_audit_entry e;
    CHECK(get_entry(&fx, 1, &e));

    uint8_t buf[512];
    uint8_t zeros[32] = { 0 };
    size_t off = 0;
    off = put_field(buf, off, "haven.audit.v1", 14);
    off = put_i64(buf, off, 1);
    off = put_i64(buf, off, 1630000000);
    off = put_field(buf, off, "registrar-7", 11);
    off = put_field(buf, off, "case.create", 11);
    off = put_field(buf, off, "case", 4);
    off = put_i64(buf, off, -7);
    off = put_field(buf, off, "rows=1", 6);
    off = put_field(buf, off, change, 32);
    off = put_field(buf, off, zeros, 32);
    uint8_t want[32];
    hv_hash(buf, off, want);
    CHECK(memcmp(e.hash, want, 32) == 0);

    /* Moving bytes between adjacent fields changes the hash (the length prefixes). */
    struct hv__audit_fields a = {
        .seq = 1,
        .at = 5,
        .actor = HV_STR("ab"),
        .action = HV_STR("c"),
        .entity = HV_STR(""),
        .detail = HV_STR(""),
    };
    struct hv__audit_fields b = a;
    b.actor = HV_STR("a");
    b.action = HV_STR("bc");
    uint8_t ha[32], hb[32];
    hv__audit_hash(&a, ha);
    hv__audit_hash(&b, hb);
    CHECK(memcmp(ha, hb, 32) != 0);
    fixture_close(&fx);
}

static void test_refusals(void)
{
    struct fixture fx;
    CHECK(fixture_open(&fx));
    /* Outside a transaction: a bug in the caller. */
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "rows=1", NULL, NULL),
                 HV_ERR_INTERNAL);

    char long64[65], long48[49], long32[33], long160[161], ok159[160];
    memset(long64, 'a', 64);
    long64[64] = '\0';
    memset(long48, 'a', 48);
    long48[48] = '\0';
    memset(long32, 'a', 32);
    long32[32] = '\0';
    memset(long160, 'a', 160);
    long160[160] = '\0';
    memset(ok159, 'a', 159);
    ok159[159] = '\0';

    CHECK_OK(hv_store_begin(fx.st));
    fx.ctx.actor = "";
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "", NULL, NULL), HV_ERR_INVALID);
    fx.ctx.actor = NULL;
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "", NULL, NULL), HV_ERR_INVALID);
    fx.ctx.actor = long64;
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "", NULL, NULL), HV_ERR_INVALID);
    long64[63] = '\0'; /* 63 bytes fit */
    CHECK_OK(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "", NULL, NULL));
    fx.ctx.actor = "registrar-7";
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, long48, "case", 1, "", NULL, NULL), HV_ERR_INVALID);
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "", "case", 1, "", NULL, NULL), HV_ERR_INVALID);
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, NULL, "case", 1, "", NULL, NULL), HV_ERR_INVALID);
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", long32, 1, "", NULL, NULL), HV_ERR_INVALID);
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", "case", 1, long160, NULL, NULL),
                 HV_ERR_INVALID);
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "rows=\xff", NULL, NULL),
                 HV_ERR_INVALID);
    int64_t seq = 0;
    CHECK_OK(hv_audit_append(&fx.ctx, "case.edit", "case", 1, ok159, NULL, &seq));
    CHECK_EQ_INT(seq, 2); /* the refusals consumed no numbers */
    CHECK_OK(hv_store_commit(fx.st));

    struct hv_audit_entry e;
    CHECK(get_entry(&fx, 2, &e));
    CHECK_EQ_STR(e.detail, ok159);
    CHECK(get_entry(&fx, 1, &e));
    CHECK_EQ_STR(e.actor, long64);
    struct hv_audit_report rep = verify(&fx);
    CHECK(rep.ok);
    CHECK_EQ_INT(rep.n_entries, 2);
    fixture_close(&fx);
}

static void test_rollback(void)
{
    struct fixture fx;
    CHECK(fixture_open(&fx));
    CHECK(fill(&fx, 3));
    int64_t seq = 0;
    CHECK_OK(hv_store_begin(fx.st));
    CHECK_OK(hv_audit_append(&fx.ctx, "case.edit", "case", 9, "rows=9", NULL, &seq));
    CHECK_EQ_INT(seq, 4);
    CHECK_OK(hv_audit_append(&fx.ctx, "case.edit", "case", 9, "rows=9", NULL, &seq));
    CHECK_EQ_INT(seq, 5);
    hv_store_rollback(fx.st);

    struct collected *c = calloc(1, sizeof(*c));
    CHECK_OK(hv_audit_list(&fx.ctx, 0, 0, collect, c));
    CHECK_EQ_INT(c->n, 3);
    free(c);
    struct hv_audit_report rep = verify(&fx);
    CHECK(rep.ok);
    CHECK_EQ_INT(rep.n_entries, 3);

    /* The next append reuses the rolled-back number and the chain still verifies. */
    CHECK_OK(hv_store_begin(fx.st));
    CHECK_OK(hv_audit_append(&fx.ctx, "case.edit", "case", 9, "rows=9", NULL, &seq));
    CHECK_OK(hv_store_commit(fx.st));
    CHECK_EQ_INT(seq, 4);
    rep = verify(&fx);
    CHECK(rep.ok);
    CHECK_EQ_INT(rep.n_entries, 4);

    /* Rolling back the very first entries leaves no head behind either. */
    struct fixture fresh;
    CHECK(fixture_open(&fresh));
    CHECK_OK(hv_store_begin(fresh.st));
    CHECK_OK(hv_audit_append(&fresh.ctx, "case.edit", "case", 1, "", NULL, NULL));
    hv_store_rollback(fresh.st);
    rep = verify(&fresh);
    CHECK(rep.ok);
    CHECK_EQ_INT(rep.n_entries, 0);
    fixture_close(&fresh);
    fixture_close(&fx);
}

/* Each tampering, done on a fresh chain of N_SMALL entries, with the entry and message that
 * verify must report. */
struct tamper_case {
    const char *sql;
    int64_t bad_seq;
    const char *reason;
};

static void test_tampering(void)
{
    static const struct tamper_case cases[] = {
        /* one field of entry 17 */
        { "UPDATE audit_log SET detail = 'rows=999' WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET at = at + 1 WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET actor = 'admin-1' WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET action = 'case.view' WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET entity = 'person' WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET entity_id = 4242 WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET change_hash = zeroblob(32) WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET prev_hash = zeroblob(32) WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET hash = zeroblob(32) WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET hash = x'00' WHERE seq = 17", 17,
          "entry 17: its contents were altered (hash mismatch)" },
        /* first and last entries */
        { "UPDATE audit_log SET detail = 'x' WHERE seq = 1", 1,
          "entry 1: its contents were altered (hash mismatch)" },
        { "UPDATE audit_log SET detail = 'x' WHERE seq = 50", 50,
          "entry 50: its contents were altered (hash mismatch)" },
        /* deletions */
        { "DELETE FROM audit_log WHERE seq = 17", 17, "entry 17 is missing (deleted)" },
        { "DELETE FROM audit_log WHERE seq = 1", 1, "entry 1 is missing (deleted)" },
        { "DELETE FROM audit_log WHERE seq BETWEEN 20 AND 29", 20,
          "entry 20 is missing (deleted)" },
        { "DELETE FROM audit_log WHERE seq = 50", 50,
          "the log ends at entry 49 but its head records entry 50" },
        { "DELETE FROM audit_log WHERE seq >= 45", 45,
          "the log ends at entry 44 but its head records entry 50" },
        { "DELETE FROM audit_log", 1, "the log is empty but its head records entry 50" },
        { "DELETE FROM audit_head", 1, "the log ends at entry 50 but its head record is missing" },
        /* swapped details of two entries (both change; the first is named) */
        { "UPDATE audit_log SET detail = CASE seq WHEN 10 THEN 'rows=20' ELSE 'rows=10' END"
          " WHERE seq IN (10, 20)",
          10, "entry 10: its contents were altered (hash mismatch)" },
        /* two whole rows swapped, hashes and all */
        { "UPDATE audit_log SET seq = -10 WHERE seq = 10;"
          " UPDATE audit_log SET seq = 10 WHERE seq = 20;"
          " UPDATE audit_log SET seq = 20 WHERE seq = -10",
          10, "entry 10: its contents were altered (hash mismatch)" },
        /* a deletion covered by renumbering the rest */
        { "DELETE FROM audit_log WHERE seq = 30;"
          " UPDATE audit_log SET seq = seq - 1 WHERE seq > 30;"
          " UPDATE audit_head SET seq = 49",
          30, "entry 30: its contents were altered (hash mismatch)" },
        /* an entry forged after the head, or a head moved back */
        { "INSERT INTO audit_log SELECT 51, at, actor, action, entity, entity_id, detail,"
          " change_hash, hash, hash FROM audit_log WHERE seq = 50",
          51, "entry 51: its contents were altered (hash mismatch)" },
        { "UPDATE audit_head SET seq = 49", 50,
          "the log ends at entry 50 but its head records entry 49" },
        { "UPDATE audit_head SET hash = zeroblob(32)", 50,
          "entry 50 is not the entry its head records (head hash mismatch)" },
        /* a row that cannot start the log */
        { "INSERT INTO audit_log SELECT 0, at, actor, action, entity, entity_id, detail,"
          " change_hash, prev_hash, hash FROM audit_log WHERE seq = 1",
          1, "an entry numbered 0 comes before entry 1" },
    };
    for (size_t i = 0; i < HV_ARRAY_LEN(cases); i++) {
        struct fixture fx;
        CHECK(fixture_open(&fx));
        CHECK(fill(&fx, N_SMALL));
        struct hv_audit_report rep = verify(&fx);
        CHECK(rep.ok);
        CHECK(exec(&fx, cases[i].sql));
        rep = verify(&fx);
        if (rep.ok || rep.bad_seq != cases[i].bad_seq) {
            fprintf(stderr, "tamper case %zu: %s\n", i, cases[i].sql);
        }
        CHECK(!rep.ok);
        CHECK_EQ_INT(rep.bad_seq, cases[i].bad_seq);
        CHECK_EQ_STR(rep.reason, cases[i].reason);
        CHECK(rep.n_entries >= 0 && rep.n_entries <= N_SMALL + 1);
        fixture_close(&fx);
    }
}

/* Rewrites entry seq's detail and stores a correctly recomputed hash for it, as an attacker
 * who knows the (public) algorithm would; when move_head, also points the head at it. */
static bool forge(struct fixture *fx, int64_t seq, const char *detail, bool move_head,
                  uint8_t new_hash[32])
{
    static const char sql_entry[] = "UPDATE audit_log SET detail = ?1, hash = ?2 WHERE seq = ?3";
    static const char sql_head[] = "UPDATE audit_head SET hash = ?1 WHERE id = 1";
    struct hv_audit_entry e;
    struct hv_stmt *s = NULL;
    if (!get_entry(fx, seq, &e)) {
        return false;
    }
    struct hv__audit_fields f = {
        .seq = e.seq,
        .at = e.at,
        .actor = hv_str_c(e.actor),
        .action = hv_str_c(e.action),
        .entity = hv_str_c(e.entity),
        .entity_id = e.entity_id,
        .detail = hv_str_c(detail),
        .change_hash = { (const char *)e.change_hash, 32 },
        .prev_hash = { (const char *)e.prev_hash, 32 },
    };
    hv__audit_hash(&f, new_hash);
    if (hv_store_stmt(fx->st, sql_entry, &s) != HV_OK ||
        hv_stmt_bind_text(s, 1, f.detail) != HV_OK ||
        hv_stmt_bind_blob(s, 2, new_hash, 32) != HV_OK || hv_stmt_bind_int(s, 3, seq) != HV_OK ||
        hv_stmt_run(s) != HV_OK) {
        return false;
    }
    if (move_head) {
        if (hv_store_stmt(fx->st, sql_head, &s) != HV_OK ||
            hv_stmt_bind_blob(s, 1, new_hash, 32) != HV_OK || hv_stmt_run(s) != HV_OK) {
            return false;
        }
    }
    return true;
}

static void test_forged_hashes(void)
{
    uint8_t h[32];
    /* A forged entry in the middle verifies by itself, but its successor no longer links. */
    struct fixture fx;
    CHECK(fixture_open(&fx));
    CHECK(fill(&fx, N_SMALL));
    CHECK(forge(&fx, 17, "rows=0", false, h));
    struct hv_audit_report rep = verify(&fx);
    CHECK(!rep.ok);
    CHECK_EQ_INT(rep.bad_seq, 18);
    CHECK_EQ_STR(rep.reason, "entry 18 does not follow entry 17");
    fixture_close(&fx);

    /* Forging the last entry without the head is caught by the head. */
    CHECK(fixture_open(&fx));
    CHECK(fill(&fx, N_SMALL));
    CHECK(forge(&fx, N_SMALL, "rows=0", false, h));
    rep = verify(&fx);
    CHECK(!rep.ok);
    CHECK_EQ_INT(rep.bad_seq, N_SMALL);
    fixture_close(&fx);

    /* The documented limit: whoever can write the database and rewrites the tail (here the
     * last entry and the head) consistently is not detected by verify alone. Only a head
     * hash anchored outside the database shows it. */
    CHECK(fixture_open(&fx));
    CHECK(fill(&fx, N_SMALL));
    struct hv_audit_entry anchored;
    CHECK(get_entry(&fx, N_SMALL, &anchored));
    CHECK(forge(&fx, N_SMALL, "rows=0", true, h));
    rep = verify(&fx);
    CHECK(rep.ok);
    struct hv_audit_entry now;
    CHECK(get_entry(&fx, N_SMALL, &now));
    CHECK(memcmp(now.hash, anchored.hash, 32) != 0);
    fixture_close(&fx);
}

static void test_append_after_tampering(void)
{
    /* Deleting the tail and appending again leaves the gap visible. */
    struct fixture fx;
    CHECK(fixture_open(&fx));
    CHECK(fill(&fx, N_SMALL));
    CHECK(exec(&fx, "DELETE FROM audit_log WHERE seq = 50"));
    CHECK(fill(&fx, 1));
    struct hv_audit_report rep = verify(&fx);
    CHECK(!rep.ok);
    CHECK_EQ_INT(rep.bad_seq, 50);
    CHECK_EQ_STR(rep.reason, "entry 50 is missing (deleted)");
    fixture_close(&fx);

    /* A malformed head stops appends rather than papering over it. */
    CHECK(fixture_open(&fx));
    CHECK(fill(&fx, 3));
    CHECK(exec(&fx, "UPDATE audit_head SET hash = x'0102'"));
    CHECK_OK(hv_store_begin(fx.st));
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "", NULL, NULL), HV_ERR_DB);
    hv_store_rollback(fx.st);
    fixture_close(&fx);

    /* A head deleted by hand makes the next append collide with entry 1. */
    CHECK(fixture_open(&fx));
    CHECK(fill(&fx, 3));
    CHECK(exec(&fx, "DELETE FROM audit_head"));
    CHECK_OK(hv_store_begin(fx.st));
    CHECK_EQ_INT(hv_audit_append(&fx.ctx, "case.edit", "case", 1, "", NULL, NULL), HV_ERR_CONFLICT);
    hv_store_rollback(fx.st);
    fixture_close(&fx);
}

static void test_list_oversize_text(void)
{
    /* A detail edited by hand beyond the field is listed cut at a code point, never mid-way,
     * and verify still sees the edit. */
    struct fixture fx;
    CHECK(fixture_open(&fx));
    CHECK(fill(&fx, 3));
    CHECK(exec(&fx, "UPDATE audit_log SET detail = replace(hex(zeroblob(100)), '00', char(233))"
                    " WHERE seq = 2"));
    struct hv_audit_entry e;
    CHECK(get_entry(&fx, 2, &e));
    /* 200 bytes of U+00E9: the byte at the cut (159) is a continuation byte, so 79 code
     * points (158 bytes) are kept. */
    CHECK_EQ_INT(strlen(e.detail), 158);
    CHECK(hv_utf8_valid(e.detail, strlen(e.detail)));
    struct hv_audit_report rep = verify(&fx);
    CHECK(!rep.ok);
    CHECK_EQ_INT(rep.bad_seq, 2);
    fixture_close(&fx);
}

int main(void)
{
    RUN(test_append_many_and_verify);
    RUN(test_entries_and_list);
    RUN(test_hash_encoding);
    RUN(test_refusals);
    RUN(test_rollback);
    RUN(test_tampering);
    RUN(test_forged_hashes);
    RUN(test_append_after_tampering);
    RUN(test_list_oversize_text);
    return test_report();
}
