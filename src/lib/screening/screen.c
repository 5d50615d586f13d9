/* screen.c - screening registered people against the current list snapshots: hits above the
 * review threshold are stored with their sealed explanation and block the case with a pipeline
 * hold; re-screening after a list update uses only new or changed entries; adjudication of hits
 * (true match / false positive), remembered false positives, and the case-blocked predicate.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/audit.h"
#include "haven/pipeline.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "screening/screening_int.h"

#define MAX_HITS_PER_PERSON 16
#define ADULT_YEARS         18

static void hex32(const uint8_t h[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[64] = '\0';
}

const char *hv_hit_status_str(enum hv_hit_status s)
{
    switch (s) {
    case HV_HIT_OPEN:
        return "open";
    case HV_HIT_TRUE_MATCH:
        return "true_match";
    case HV_HIT_FALSE_POSITIVE:
        return "false_positive";
    }
    return "?";
}

static bool status_parse(struct hv_str s, enum hv_hit_status *out)
{
    static const enum hv_hit_status all[] = { HV_HIT_OPEN, HV_HIT_TRUE_MATCH,
                                              HV_HIT_FALSE_POSITIVE };
    for (size_t i = 0; i < HV_ARRAY_LEN(all); i++) {
        if (hv_str_eqz(s, hv_hit_status_str(all[i]))) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

static struct hv_str field(const struct hv_record *rec, const char *name)
{
    int i = hv_kind_field(rec->kind, hv_str_c(name));
    return i < 0 ? HV_STR_NULL : rec->values[i];
}

/* Whether the person is certainly a minor today (every day the birth date may stand for is
 * less than ADULT_YEARS years ago). */
static bool certainly_minor(struct hv_str birth, int64_t now)
{
    struct hv_pdate d;
    const char *why = NULL;
    if (birth.len == 0 || !hv_pdate_parse(birth.ptr, birth.len, &d, &why))
        return false;
    int32_t first = 0, last = 0;
    hv_pdate_bounds(&d, &first, &last);
    int64_t today = now / 86400;
    return (int64_t)first > today - (int64_t)(ADULT_YEARS * 36525 / 100);
}

struct run {
    struct hv_ctx *ctx;
    const struct hv_screen_index *ix;
    struct hv_screen_scratch *scratch;
    struct hv_screen_run_stats *stats;
    struct hv_diag *diag;
    int64_t *screened; /* ids of the people screened against the full lists in this run */
    size_t n_screened, cap_screened;
    bool full; /* ix holds the full lists (not only changes) */
};

static void note_screened(struct run *r, int64_t id)
{
    if (!r->full)
        return;
    if (r->n_screened == r->cap_screened) {
        r->cap_screened = r->cap_screened == 0 ? 256 : r->cap_screened * 2;
        r->screened = hv_xrealloc(r->screened, r->cap_screened * sizeof(*r->screened));
    }
    r->screened[r->n_screened++] = id;
}

/* Records the people screened against the full lists, with the run's audit entry. */
static enum hv_err finish_run(struct run *r, const char *action, const char *detail)
{
    static const char ins[] =
        "INSERT INTO screening_person (person_id, screened_at) VALUES (?1, ?2)"
        " ON CONFLICT (person_id) DO UPDATE SET screened_at = excluded.screened_at";
    struct hv_ctx *ctx = r->ctx;
    enum hv_err err = hv_store_begin(ctx->store);
    for (size_t i = 0; err == HV_OK && i < r->n_screened; i++) {
        struct hv_stmt *s = NULL;
        err = hv_store_stmt(ctx->store, ins, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, r->screened[i]);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 2, hv_clock_now(&ctx->clock));
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
    if (err == HV_OK)
        err = hv_audit_append(ctx, action, "screening", 0, detail, NULL, NULL);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
    return err;
}

/* Runs the person's name forms and keeps the best candidate per entry at or above the
 * threshold. */
static enum hv_err person_candidates(struct run *r, const struct hv_record *p,
                                     struct hv_screen_query *q, struct hv_screen_cand *out,
                                     size_t *n_out)
{
    char full[1024];
    struct hv_str given = field(p, "given_name"), family = field(p, "family_name");
    snprintf(full, sizeof(full), "%.*s %.*s", (int)(given.len > 400 ? 400 : given.len), given.ptr,
             (int)(family.len > 400 ? 400 : family.len), family.ptr);
    const char *why = NULL;
    if (!hv_screen_query_init(q, hv_str_c(full), field(p, "birth_date"), field(p, "nationality"),
                              field(p, "sex"), &why))
        return HV_ERR_INTERNAL;
    struct hv_str forms[2] = { hv_str_trim(hv_str_c(full)), field(p, "native_name") };
    size_t n = 0;
    for (size_t f = 0; f < 2; f++) {
        if (forms[f].len == 0)
            continue;
        struct hv_screen_query qf = *q;
        qf.name = forms[f];
        struct hv_screen_cand c[MAX_HITS_PER_PERSON];
        size_t nc = 0;
        enum hv_err err = hv_screen_query_run(r->ix, r->scratch, &qf, HV_SCREEN_REVIEW_THRESHOLD, c,
                                              MAX_HITS_PER_PERSON, &nc);
        if (err == HV_ERR_LIMIT)
            continue; /* an over-long name form: the other form still screens */
        if (err != HV_OK)
            return err;
        for (size_t i = 0; i < nc; i++) {
            size_t k = 0;
            while (k < n && out[k].entry != c[i].entry)
                k++;
            if (k < n) {
                if (c[i].score > out[k].score)
                    out[k] = c[i];
            } else if (n < MAX_HITS_PER_PERSON) {
                out[n++] = c[i];
            }
        }
        if (f == 0)
            q->name = forms[0];
    }
    *n_out = n;
    return HV_OK;
}

/* Whether (person, list, ref, hash) already has an open or true-match hit, or a remembered
 * false positive. */
static enum hv_err known(struct hv_store *st, int64_t person, const char *list, const char *ref,
                         const char *hash, bool *open_or_true, bool *cleared)
{
    static const char hit_sql[] =
        "SELECT count(*) FROM screening_hit WHERE person_id = ?1 AND list_name = ?2"
        " AND entry_ref = ?3 AND (status = 'open' OR (status = 'true_match'"
        " AND entry_hash = ?4))";
    static const char clr_sql[] =
        "SELECT count(*) FROM screening_cleared WHERE person_id = ?1 AND list_name = ?2"
        " AND entry_ref = ?3 AND entry_hash = ?4";
    const char *sqls[2] = { hit_sql, clr_sql };
    bool *outs[2] = { open_or_true, cleared };
    for (int i = 0; i < 2; i++) {
        struct hv_stmt *s = NULL;
        bool row = false;
        enum hv_err err = hv_store_stmt(st, sqls[i], &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, person);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 2, hv_str_c(list));
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 3, hv_str_c(ref));
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 4, hv_str_c(hash));
        if (err == HV_OK)
            err = hv_stmt_step(s, &row);
        if (err != HV_OK)
            return err;
        *outs[i] = row && hv_stmt_col_int(s, 0) > 0;
    }
    return HV_OK;
}

static enum hv_err store_hit(struct run *r, struct hv_arena *a, const struct hv_record *p,
                             const struct hv_record *kase, const struct hv_screen_query *q,
                             const struct hv_screen_cand *c, int64_t *hold_id)
{
    static const char ins[] =
        "INSERT INTO screening_hit (person_id, case_id, snapshot_id, list_name, entry_ref,"
        " entry_hash, score, hold_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    static const char set_expl[] = "UPDATE screening_hit SET explanation = ?2 WHERE id = ?1";
    static const char last_id[] = "SELECT last_insert_rowid()";
    struct hv_ctx *ctx = r->ctx;
    char hash[65];
    hex32(c->entry->hash, hash);
    bool dup = false, cleared = false;
    enum hv_err err = known(ctx->store, p->id, c->list->name, c->entry->ref, hash, &dup, &cleared);
    if (err != HV_OK || dup)
        return err;
    if (cleared) {
        r->stats->suppressed++;
        return HV_OK;
    }
    if (*hold_id == 0) {
        err = hv_pipeline_hold_open(ctx, kase->values[0], HV_HOLD_SCREENING_HIT, "screening_hit", 0,
                                    hold_id, r->diag);
        if (err != HV_OK)
            return err;
        r->stats->holds++;
    }
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, ins, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, p->id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, kase->id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, c->list->snapshot_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, hv_str_c(c->list->name));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, hv_str_c(c->entry->ref));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 6, hv_str_c(hash));
    if (err == HV_OK)
        err = hv_stmt_bind_double(s, 7, c->score);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 8, *hold_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 9, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    int64_t id = 0;
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, last_id, false, 0, 0, &id);
    if (err != HV_OK)
        return err;
    /* The explanation names the person: sealed to this row. */
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    hv_jw_init(&w, &b, false);
    err = hv_screen_explain_json(r->ix, q, c, &w);
    struct hv_str sealed = HV_STR_NULL;
    struct hv_seal_ad ad = { .table = "screening_hit", .column = "explanation", .row_id = id };
    if (err == HV_OK)
        err = hv_vault_seal_str(ctx->vault, a, &ad, hv_buf_str(&b), &sealed);
    hv_buf_finish(&b);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, set_expl, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_blob(s, 2, sealed.ptr, sealed.len);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof(detail), "person=%lld case=%lld list=%.32s entry=%.40s score=%.3f",
                 (long long)p->id, (long long)kase->id, c->list->name, c->entry->ref, c->score);
        err = hv_audit_append(ctx, "screening.hit", "screening_hit", id, detail, NULL, NULL);
    }
    if (err == HV_OK)
        r->stats->hits++;
    return err;
}

/* Screens one person in its own transaction. */
static enum hv_err screen_one(struct run *r, struct hv_str ref)
{
    struct hv_ctx *ctx = r->ctx;
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_record p, kase;
    enum hv_err err = hv_record_get(ctx, &a, hv_kind(HV_KIND_PERSON), ref, &p);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(r->diag, "ref", "no such person");
    if (err != HV_OK)
        goto out;
    if (certainly_minor(field(&p, "birth_date"), hv_clock_now(&ctx->clock)))
        goto out;
    err = hv_record_get_id(ctx, &a, hv_kind(HV_KIND_CASE), p.parent_id, &kase);
    if (err != HV_OK)
        goto out;
    r->stats->people++;
    note_screened(r, p.id);
    struct hv_screen_query q;
    struct hv_screen_cand c[MAX_HITS_PER_PERSON];
    size_t n = 0;
    err = person_candidates(r, &p, &q, c, &n);
    if (err != HV_OK || n == 0)
        goto out;
    err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        goto out;
    int64_t hold = 0;
    for (size_t i = 0; err == HV_OK && i < n; i++)
        err = store_hit(r, &a, &p, &kase, &q, &c[i], &hold);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
out:
    hv_arena_finish(&a);
    return err;
}

enum hv_err hv_screen_person(struct hv_ctx *ctx, const struct hv_names *names,
                             const struct hv_screen_index *ix, struct hv_str ref,
                             struct hv_screen_run_stats *stats, struct hv_diag *diag)
{
    struct hv_screen_run_stats local;
    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    struct hv_wl_list **lists = NULL;
    size_t n_lists = 0;
    struct hv_screen_index *own = NULL;
    enum hv_err err = HV_OK;
    if (ix == NULL) {
        err = hv_wl_current(ctx, &lists, &n_lists, diag);
        if (err == HV_OK)
            err = hv_screen_index_create(names, lists, n_lists, &own);
        if (err != HV_OK)
            goto out;
        ix = own;
    }
    struct run r = { .ctx = ctx,
                     .ix = ix,
                     .scratch = hv_screen_scratch_create(ix),
                     .stats = stats,
                     .diag = diag,
                     .full = true };
    err = screen_one(&r, ref);
    if (err == HV_OK && r.n_screened > 0) {
        char detail[160];
        snprintf(detail, sizeof(detail), "person=%lld hits=%lld suppressed=%lld",
                 (long long)r.screened[0], (long long)stats->hits, (long long)stats->suppressed);
        err = finish_run(&r, "screening.person", detail);
    }
    hv_screen_scratch_destroy(r.scratch);
    free(r.screened);
out:
    hv_screen_index_destroy(own);
    hv_wl_lists_free(lists, n_lists);
    return err;
}

/* The previous snapshot of the list (0 when none). */
static enum hv_err previous_snapshot(struct hv_ctx *ctx, const struct hv_wl_list *l, int64_t *id)
{
    static const char sql[] = "SELECT max(id) FROM wl_snapshot WHERE list_name ="
                              " (SELECT list_name FROM wl_snapshot WHERE id = ?1) AND id < ?1";
    return hv_store_query_int(ctx->store, sql, true, l->snapshot_id, 0, id);
}

struct delta {
    struct hv_wl_list *out;
};

static enum hv_err keep_changed(void *ud, enum hv_wl_change change, const struct hv_wl_entry *e)
{
    struct delta *d = ud;
    if (change == HV_WL_REMOVED)
        return HV_OK;
    struct hv_wl_list *l = d->out;
    if (l->n_entries == l->cap) {
        l->cap = l->cap == 0 ? 64 : l->cap * 2;
        l->entries = hv_xrealloc(l->entries, l->cap * sizeof(*l->entries));
    }
    l->entries[l->n_entries++] = *e; /* shares the current list's strings */
    return HV_OK;
}

/* A list holding the entries of cur that are new or changed since the previous snapshot. */
static enum hv_err delta_list(struct hv_ctx *ctx, const struct hv_wl_list *cur,
                              struct hv_wl_list **out, struct hv_diag *diag)
{
    int64_t prev_id = 0;
    enum hv_err err = previous_snapshot(ctx, cur, &prev_id);
    if (err != HV_OK)
        return err;
    struct hv_wl_list *d = hv_wl_list_create(cur->name, cur->source);
    d->snapshot_id = cur->snapshot_id;
    memcpy(d->file_hash, cur->file_hash, sizeof(d->file_hash));
    struct delta dl = { d };
    if (prev_id == 0) {
        for (size_t i = 0; err == HV_OK && i < cur->n_entries; i++)
            err = keep_changed(&dl, HV_WL_ADDED, &cur->entries[i]);
    } else {
        struct hv_wl_list *prev = NULL;
        err = hv_wl_snapshot_load(ctx, prev_id, &prev, diag);
        if (err == HV_OK)
            err = hv_wl_diff(prev, cur, keep_changed, &dl);
        hv_wl_list_destroy(prev);
    }
    if (err != HV_OK) {
        hv_wl_list_destroy(d);
        return err;
    }
    *out = d;
    return HV_OK;
}

struct refs {
    char (*ref)[68];
    size_t n, cap;
};

static enum hv_err collect_ref(void *ud, const struct hv_record *rec)
{
    struct refs *r = ud;
    if (r->n == r->cap) {
        r->cap = r->cap == 0 ? 256 : r->cap * 2;
        r->ref = hv_xrealloc(r->ref, r->cap * sizeof(*r->ref));
    }
    struct hv_str s = rec->values[0];
    snprintf(r->ref[r->n++], sizeof(r->ref[0]), "%.*s", (int)(s.len < 67 ? s.len : 67), s.ptr);
    return HV_OK;
}

/* Whether the person was screened against the full lists before. */
static enum hv_err was_screened(struct hv_store *st, struct hv_str ref, bool *out)
{
    static const char sql[] = "SELECT count(*) FROM screening_person sp JOIN person p"
                              " ON p.id = sp.person_id WHERE p.ref = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK)
        *out = row && hv_stmt_col_int(s, 0) > 0;
    return err;
}

enum hv_err hv_screen_all(struct hv_ctx *ctx, const struct hv_names *names, bool only_changed,
                          struct hv_screen_run_stats *stats, struct hv_diag *diag)
{
    struct hv_screen_run_stats local;
    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    struct hv_wl_list **lists = NULL, **deltas = NULL;
    size_t n_lists = 0;
    struct hv_screen_index *full = NULL, *delta = NULL;
    struct refs refs = { 0 };
    enum hv_err err = hv_wl_current(ctx, &lists, &n_lists, diag);
    if (err != HV_OK)
        return err;
    if (only_changed) {
        deltas = hv_xcalloc(n_lists > 0 ? n_lists : 1, sizeof(*deltas));
        for (size_t i = 0; err == HV_OK && i < n_lists; i++)
            err = delta_list(ctx, lists[i], &deltas[i], diag);
        if (err == HV_OK)
            err = hv_screen_index_create(names, deltas, n_lists, &delta);
    }
    if (err == HV_OK)
        err = hv_screen_index_create(names, lists, n_lists, &full);
    if (err == HV_OK)
        err = hv_record_each(ctx, hv_kind(HV_KIND_PERSON), 0, collect_ref, &refs);
    struct run rf = { .ctx = ctx, .stats = stats, .diag = diag, .full = true };
    struct run rd = { .ctx = ctx, .stats = stats, .diag = diag, .full = false };
    if (err == HV_OK) {
        rf.ix = full;
        rf.scratch = hv_screen_scratch_create(full);
        if (delta != NULL) {
            rd.ix = delta;
            rd.scratch = hv_screen_scratch_create(delta);
        }
    }
    for (size_t i = 0; err == HV_OK && i < refs.n; i++) {
        struct hv_str ref = hv_str_c(refs.ref[i]);
        bool before = false;
        if (only_changed)
            err = was_screened(ctx->store, ref, &before);
        /* People screened before meet only the changes; new people meet everything. */
        if (err == HV_OK)
            err = screen_one(before ? &rd : &rf, ref);
    }
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof(detail), "people=%lld hits=%lld suppressed=%lld only_changed=%d",
                 (long long)stats->people, (long long)stats->hits, (long long)stats->suppressed,
                 only_changed ? 1 : 0);
        err = finish_run(&rf, "screening.run", detail);
    }
    hv_screen_scratch_destroy(rf.scratch);
    hv_screen_scratch_destroy(rd.scratch);
    free(rf.screened);
    free(refs.ref);
    hv_screen_index_destroy(full);
    hv_screen_index_destroy(delta);
    if (deltas != NULL)
        hv_wl_lists_free(deltas, n_lists);
    hv_wl_lists_free(lists, n_lists);
    return err;
}

#define HIT_COLS                                                                           \
    "h.id, h.person_id, h.case_id, h.snapshot_id, h.hold_id, p.ref, c.ref, h.list_name,"   \
    " h.entry_ref, h.score, h.status, h.reason, h.decided_by, h.created_at, h.decided_at," \
    " h.explanation FROM screening_hit h JOIN person p ON p.id = h.person_id"              \
    " JOIN hv_case c ON c.id = h.case_id"

static void copy_text(char *out, size_t out_len, struct hv_str s)
{
    size_t n = s.len < out_len - 1 ? s.len : out_len - 1;
    memcpy(out, s.ptr, n);
    out[n] = '\0';
}

static void read_hit(struct hv_stmt *s, struct hv_screen_hit *h)
{
    memset(h, 0, sizeof(*h));
    h->id = hv_stmt_col_int(s, 0);
    h->person_id = hv_stmt_col_int(s, 1);
    h->case_id = hv_stmt_col_int(s, 2);
    h->snapshot_id = hv_stmt_col_int(s, 3);
    h->hold_id = hv_stmt_col_int(s, 4);
    copy_text(h->person_ref, sizeof(h->person_ref), hv_stmt_col_text(s, 5));
    copy_text(h->case_ref, sizeof(h->case_ref), hv_stmt_col_text(s, 6));
    copy_text(h->list_name, sizeof(h->list_name), hv_stmt_col_text(s, 7));
    copy_text(h->entry_ref, sizeof(h->entry_ref), hv_stmt_col_text(s, 8));
    h->score = hv_stmt_col_double(s, 9);
    if (!status_parse(hv_stmt_col_text(s, 10), &h->status))
        h->status = HV_HIT_OPEN;
    copy_text(h->reason, sizeof(h->reason), hv_stmt_col_text(s, 11));
    copy_text(h->decided_by, sizeof(h->decided_by), hv_stmt_col_text(s, 12));
    h->created_at = hv_stmt_col_int(s, 13);
    h->decided_at = hv_stmt_col_int(s, 14);
}

enum hv_err hv_screen_hits_each(struct hv_ctx *ctx, int status_filter, hv_screen_hit_fn *fn,
                                void *ud)
{
    static const char sql[] = "SELECT " HIT_COLS " WHERE ?1 = '' OR h.status = ?1"
                              " ORDER BY h.id DESC";
    struct hv_stmt *s = NULL;
    bool row = false;
    const char *f = status_filter < 0 ? "" : hv_hit_status_str((enum hv_hit_status)status_filter);
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(f));
    while (err == HV_OK) {
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        struct hv_screen_hit h;
        read_hit(s, &h);
        err = fn(ud, &h);
    }
    return err;
}

enum hv_err hv_screen_hit_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t id,
                              struct hv_screen_hit *out)
{
    static const char sql[] = "SELECT " HIT_COLS " WHERE h.id = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row)
        return HV_ERR_NOTFOUND;
    read_hit(s, out);
    struct hv_str sealed = hv_stmt_col_blob(s, 15);
    if (ctx->vault != NULL && sealed.len > 0) {
        struct hv_seal_ad ad = { .table = "screening_hit", .column = "explanation", .row_id = id };
        struct hv_str plain = HV_STR_NULL;
        /* Copy first: the blob is borrowed until the next step. */
        struct hv_str copy = { hv_str_dupz(a, sealed), sealed.len };
        err = hv_vault_unseal_str(ctx->vault, a, &ad, copy, &plain);
        if (err != HV_OK)
            return err;
        out->explanation = hv_str_dupz(a, plain);
    }
    return HV_OK;
}

enum hv_err hv_screen_hit_decide(struct hv_ctx *ctx, int64_t id, enum hv_hit_status decision,
                                 struct hv_str reason, struct hv_diag *diag)
{
    static const char upd[] = "UPDATE screening_hit SET status = ?2, reason = ?3, decided_by = ?4,"
                              " decided_at = ?5 WHERE id = ?1 AND status = 'open'";
    static const char clr[] =
        "INSERT OR IGNORE INTO screening_cleared (person_id, list_name, entry_ref, entry_hash,"
        " hit_id) SELECT person_id, list_name, entry_ref, entry_hash, id FROM screening_hit"
        " WHERE id = ?1";
    static const char others[] =
        "SELECT count(*) FROM screening_hit WHERE hold_id = (SELECT hold_id FROM screening_hit"
        " WHERE id = ?1) AND status IN ('open', 'true_match')";
    static const char hold_sql[] = "SELECT coalesce(hold_id, 0) FROM screening_hit WHERE id = ?1";
    static const char hold_open[] =
        "SELECT count(*) FROM case_hold WHERE id = ?1 AND resolved_at IS NULL";
    if (decision != HV_HIT_TRUE_MATCH && decision != HV_HIT_FALSE_POSITIVE) {
        hv_diag_set(diag, "decision", "must be true_match or false_positive");
        return HV_ERR_INVALID;
    }
    reason = hv_str_trim(reason);
    if (reason.len == 0 || reason.len > 255 || !hv_utf8_valid(reason.ptr, reason.len)) {
        hv_diag_set(diag, "reason", "a reason of 1 to 255 bytes of UTF-8 text is required");
        return HV_ERR_INVALID;
    }
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_screen_hit h;
    enum hv_err err = hv_screen_hit_get(ctx, &a, id, &h);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(diag, "id", "no such hit");
    if (err != HV_OK)
        goto out;
    if (h.status != HV_HIT_OPEN) {
        hv_diag_set(diag, "id", "hit already decided (%s)", hv_hit_status_str(h.status));
        err = HV_ERR_CONFLICT;
        goto out;
    }
    err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        goto out;
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, upd, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hv_hit_status_str(decision)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, reason);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, hv_str_c(ctx->actor != NULL ? ctx->actor : ""));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 5, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK && decision == HV_HIT_FALSE_POSITIVE) {
        err = hv_store_stmt(ctx->store, clr, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, id);
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof(detail), "decision=%s person=%lld case=%lld list=%.32s entry=%.40s",
                 hv_hit_status_str(decision), (long long)h.person_id, (long long)h.case_id,
                 h.list_name, h.entry_ref);
        err = hv_audit_append(ctx, "screening.decide", "screening_hit", id, detail, NULL, NULL);
    }
    /* The hold goes when no hit under it is open or a true match. */
    int64_t remaining = 0, hold = 0, is_open = 0;
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, others, true, id, 0, &remaining);
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, hold_sql, true, id, 0, &hold);
    if (err == HV_OK && hold != 0)
        err = hv_store_query_int(ctx->store, hold_open, true, hold, 0, &is_open);
    if (err == HV_OK && remaining == 0 && is_open > 0)
        err = hv_pipeline_hold_resolve(ctx, hold, 0, diag);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
out:
    hv_arena_finish(&a);
    return err;
}

enum hv_err hv_screen_case_blocked(struct hv_ctx *ctx, int64_t case_id, bool *blocked)
{
    static const char sql[] = "SELECT count(*) FROM screening_hit WHERE case_id = ?1"
                              " AND status IN ('open', 'true_match')";
    int64_t n = 0;
    enum hv_err err = hv_store_query_int(ctx->store, sql, true, case_id, 0, &n);
    if (err == HV_OK)
        *blocked = n > 0;
    return err;
}
