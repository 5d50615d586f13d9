/* audit_verify.c - walks the audit chain in one read, recomputing every hash, and names the
 * first broken link: an altered entry, a deleted or reordered one, or a deleted tail.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/audit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit_int.h"
#include "haven/log.h"
#include "haven/progress.h"
#include "haven/store.h"

/* Entries between two progress reports. */
#define VERIFY_PROGRESS_EVERY 8192

static const char verify_phase[] = "audit verify";

/* One statement, hence one consistent snapshot of the log and its head in both backends.
 * The head comes first (its seq column is NULL, sorted first), so the walk knows the length
 * it should find; its own seq travels in the "at" column. Columns:
 * 0 seq | 1 at | 2 actor | 3 action | 4 entity | 5 entity_id | 6 detail | 7 change_hash |
 * 8 prev_hash | 9 hash. Ordering by the primary key lets SQLite merge the two arms without
 * sorting. */
static const char verify_sql[] =
    "SELECT NULL, seq, '', '', '', 0, '', NULL, NULL, hash FROM audit_head WHERE id = 1"
    " UNION ALL"
    " SELECT seq, at, actor, action, entity, entity_id, detail, change_hash, prev_hash, hash"
    " FROM audit_log ORDER BY 1 NULLS FIRST";

struct walk {
    struct hv_audit_report *rep;
    bool have_head;
    int64_t head_seq;
    bool head_hash_valid; /* the head's hash blob has 32 bytes */
    uint8_t head_hash[32];
    int64_t expect;   /* seq the next entry must have */
    uint8_t prev[32]; /* stored (and verified) hash of the previous entry */
};

static void fail(struct walk *w, int64_t bad_seq, const char *fmt, ...) HV_PRINTF(3, 4);

static void fail(struct walk *w, int64_t bad_seq, const char *fmt, ...)
{
    va_list ap;
    w->rep->ok = false;
    w->rep->bad_seq = bad_seq;
    va_start(ap, fmt);
    vsnprintf(w->rep->reason, sizeof(w->rep->reason), fmt, ap);
    va_end(ap);
}

static bool hash_eq(struct hv_str stored, const uint8_t want[32])
{
    return stored.len == 32 && memcmp(stored.ptr, want, 32) == 0;
}

/* Checks one entry row; false when it breaks the chain (the report says how). */
static bool check_entry(struct walk *w, struct hv_stmt *s)
{
    struct hv__audit_fields f;
    uint8_t hash[32];

    f.seq = hv_stmt_col_int(s, 0);
    if (f.seq != w->expect) {
        if (f.seq > w->expect) {
            fail(w, w->expect, "entry %" PRId64 " is missing (deleted)", w->expect);
        } else {
            /* Only possible before entry 1: seq is unique and the walk is in seq order. */
            fail(w, w->expect, "an entry numbered %" PRId64 " comes before entry %" PRId64, f.seq,
                 w->expect);
        }
        return false;
    }
    f.at = hv_stmt_col_int(s, 1);
    f.actor = hv_stmt_col_text(s, 2);
    f.action = hv_stmt_col_text(s, 3);
    f.entity = hv_stmt_col_text(s, 4);
    f.entity_id = hv_stmt_col_int(s, 5);
    f.detail = hv_stmt_col_text(s, 6);
    f.change_hash = hv_stmt_col_blob(s, 7);
    f.prev_hash = hv_stmt_col_blob(s, 8);
    hv__audit_hash(&f, hash);
    struct hv_str stored = hv_stmt_col_blob(s, 9);
    if (!hash_eq(stored, hash)) {
        fail(w, f.seq, "entry %" PRId64 ": its contents were altered (hash mismatch)", f.seq);
        return false;
    }
    /* The entry is self-consistent; now it must point at the entry before it. */
    if (!hash_eq(f.prev_hash, w->prev)) {
        if (f.seq == 1) {
            fail(w, 1, "entry 1 does not start the chain (its previous hash is not zero)");
        } else {
            fail(w, f.seq, "entry %" PRId64 " does not follow entry %" PRId64, f.seq, f.seq - 1);
        }
        return false;
    }
    memcpy(w->prev, hash, sizeof(w->prev));
    w->expect++;
    return true;
}

/* After the last entry: the head must name it, by number and by hash. */
static void check_head(struct walk *w)
{
    int64_t last = w->expect - 1;

    if (!w->have_head) {
        if (last != 0) {
            fail(w, 1, "the log ends at entry %" PRId64 " but its head record is missing", last);
        }
        return;
    }
    if (w->head_seq != last) {
        int64_t first_bad = (w->head_seq < last ? w->head_seq : last) + 1;
        if (first_bad < 1) {
            first_bad = 1;
        }
        if (last == 0) {
            fail(w, first_bad, "the log is empty but its head records entry %" PRId64, w->head_seq);
        } else {
            fail(w, first_bad,
                 "the log ends at entry %" PRId64 " but its head records entry %" PRId64, last,
                 w->head_seq);
        }
        return;
    }
    if (!w->head_hash_valid || memcmp(w->head_hash, w->prev, sizeof(w->prev)) != 0) {
        fail(w, last > 0 ? last : 1,
             "entry %" PRId64 " is not the entry its head records (head hash mismatch)", last);
    }
}

enum hv_err hv_audit_verify(struct hv_ctx *ctx, struct hv_audit_report *rep)
{
    struct hv_stmt *s = NULL;
    struct walk w;
    bool row = false;
    bool broken = false;

    if (ctx == NULL || ctx->store == NULL || rep == NULL) {
        return HV_ERR_INTERNAL;
    }
    memset(rep, 0, sizeof(*rep));
    memset(&w, 0, sizeof(w));
    w.rep = rep;
    w.expect = 1;
    rep->ok = true;

    enum hv_err err = hv_store_stmt(ctx->store, verify_sql, &s);
    if (err != HV_OK) {
        return err;
    }
    for (;;) {
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row) {
            break;
        }
        if (hv_stmt_col_is_null(s, 0)) {
            /* The head row; the primary key on audit_head.id allows at most one. */
            struct hv_str hh = hv_stmt_col_blob(s, 9);
            w.have_head = true;
            w.head_seq = hv_stmt_col_int(s, 1);
            w.head_hash_valid = hh.len == sizeof(w.head_hash);
            if (w.head_hash_valid) {
                memcpy(w.head_hash, hh.ptr, sizeof(w.head_hash));
            }
            continue;
        }
        rep->n_entries++;
        if (!check_entry(&w, s)) {
            broken = true;
            break;
        }
        if (rep->n_entries % VERIFY_PROGRESS_EVERY == 0) {
            /* The head's seq is the expected length; unknown (0) if the log is longer. */
            uint64_t total = w.head_seq >= rep->n_entries ? (uint64_t)w.head_seq : 0;
            hv_progress_report(&ctx->progress, verify_phase, (uint64_t)rep->n_entries, total);
        }
    }
    /* Ends the read even when the walk stopped at a broken link. */
    struct hv_stmt *again = NULL;
    enum hv_err reset_err = hv_store_stmt(ctx->store, verify_sql, &again);
    (void)reset_err;
    if (err != HV_OK) {
        return err;
    }
    if (!broken) {
        check_head(&w);
    }
    hv_progress_report(&ctx->progress, verify_phase, (uint64_t)rep->n_entries,
                       (uint64_t)rep->n_entries);
    if (!rep->ok) {
        hv_log(ctx->log, HV_LOG_WARN, "audit: chain broken at entry %" PRId64, rep->bad_seq);
    }
    return HV_OK;
}
