/* registry.c - identity resolution over the registry: reads the sealed people, runs the engine,
 * stores scored pairs, opens duplicate_review holds, and keeps reversible, audited merges.
 * SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/buf.h"
#include "haven/pipeline.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"

/* Person field indexes (src/lib/registry/kinds.c). */
enum { P_REF, P_CASE_REF, P_REL, P_GIVEN, P_FAMILY, P_FATHER, P_GRAND, P_NATIVE, P_SEX, P_BIRTH };
/* Document field indexes. */
enum { D_NUMBER = 3 };

#define REF_CAP 68

struct doc_row {
    int64_t person_id;
    char number[65];
};

struct person_meta {
    int64_t person_id, case_id;
    char case_ref[REF_CAP];
};

struct read_state {
    struct hv_ctx *ctx;
    struct hv_id_engine *e;
    struct doc_row *docs;
    size_t n_docs, cap_docs;
    struct person_meta *meta;
    size_t n_meta, cap_meta;
    uint64_t total;
};

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return p;
    size_t nc = *cap ? *cap * 2 : 256;
    void *q = realloc(p, nc * size);
    if (q == NULL)
        abort(); /* heap exhaustion aborts (STYLE C4) */
    *cap = nc;
    return q;
}

static void copy_str(char *out, size_t cap, struct hv_str s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    if (n > 0)
        memcpy(out, s.ptr, n);
    out[n] = '\0';
}

static enum hv_err read_doc(void *ud, const struct hv_record *rec)
{
    struct read_state *rs = ud;
    if (rec->values[D_NUMBER].len == 0)
        return HV_OK;
    rs->docs = grow(rs->docs, &rs->cap_docs, rs->n_docs, sizeof *rs->docs);
    struct doc_row *d = &rs->docs[rs->n_docs++];
    d->person_id = rec->parent_id;
    copy_str(d->number, sizeof d->number, rec->values[D_NUMBER]);
    return HV_OK;
}

static int cmp_doc(const void *a, const void *b)
{
    const struct doc_row *x = a, *y = b;
    return (x->person_id > y->person_id) - (x->person_id < y->person_id);
}

static size_t docs_lower(const struct read_state *rs, int64_t pid)
{
    size_t lo = 0, hi = rs->n_docs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rs->docs[mid].person_id < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static enum hv_err read_person(void *ud, const struct hv_record *rec)
{
    struct read_state *rs = ud;
    char buf[6][201];
    const char *v[6];
    static const int fields[6] = { P_GIVEN, P_FAMILY, P_FATHER, P_GRAND, P_NATIVE, P_SEX };
    for (int i = 0; i < 6; i++) {
        copy_str(buf[i], sizeof buf[i], rec->values[fields[i]]);
        v[i] = buf[i];
    }
    struct hv_id_record r = { .id = rec->id,
                              .given = v[0],
                              .family = v[1],
                              .father = v[2],
                              .grandfather = v[3],
                              .native = v[4] };
    r.sex = (v[5][0] == 'M' || v[5][0] == 'F') ? v[5][0] : 0;
    char rel[16];
    copy_str(rel, sizeof rel, rec->values[P_REL]);
    r.relation = rel;
    r.group = rec->parent_id;
    const char *why = NULL;
    struct hv_str b = rec->values[P_BIRTH];
    if (b.len == 0 || !hv_pdate_parse(b.ptr, b.len, &r.birth, &why))
        memset(&r.birth, 0, sizeof r.birth);
    size_t di = docs_lower(rs, rec->id);
    for (size_t k = 0; k < HV_ID_MAX_DOCS && di < rs->n_docs && rs->docs[di].person_id == rec->id;
         k++, di++)
        r.docs[k] = rs->docs[di].number;
    enum hv_err err = hv_id_engine_add(rs->e, &r, NULL);
    if (err != HV_OK && err != HV_ERR_LIMIT)
        return err;
    rs->meta = grow(rs->meta, &rs->cap_meta, rs->n_meta, sizeof *rs->meta);
    struct person_meta *m = &rs->meta[rs->n_meta++];
    m->person_id = rec->id;
    m->case_id = rec->parent_id;
    copy_str(m->case_ref, sizeof m->case_ref, rec->values[P_CASE_REF]);
    if ((rs->n_meta & 1023) == 0)
        hv_progress_report(&rs->ctx->progress, "read", rs->n_meta, rs->total);
    return HV_OK;
}

/* --- explanation ------------------------------------------------------------------------ */

void hv_id_explain_json(const struct hv_id_comparison *c, struct hv_jw *w)
{
    hv_jw_object_begin(w);
    hv_jw_key(w, "fields");
    hv_jw_array_begin(w);
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        if (c->level[f] == HV_ID_LEVEL_NULL)
            continue;
        hv_jw_object_begin(w);
        hv_jw_key(w, "field");
        hv_jw_strz(w, hv_id_field_name((enum hv_id_field)f));
        hv_jw_key(w, "level");
        hv_jw_strz(w, hv_id_level_name((enum hv_id_field)f, c->level[f]));
        hv_jw_key(w, "weight");
        hv_jw_double(w, (double)(int)(c->weight[f] * 100.0f) / 100.0);
        if (c->tf_adjust[f] != 0.0f) {
            hv_jw_key(w, "tf");
            hv_jw_double(w, (double)(int)(c->tf_adjust[f] * 100.0f) / 100.0);
        }
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_key(w, "total");
    hv_jw_double(w, (double)(int64_t)(c->total * 100.0) / 100.0);
    hv_jw_key(w, "prob");
    hv_jw_double(w, (double)(int64_t)(c->prob * 10000.0) / 10000.0);
    hv_jw_object_end(w);
}

/* --- identities ------------------------------------------------------------------------- */

struct idpair {
    int64_t a, b;
};

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static size_t id_index(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Rebuilds identity_member from the merged and accepted pairs (inside the caller's
 * transaction); *n_clusters (may be NULL) gets the identities of more than one person. */
static enum hv_err rebuild_members(struct hv_ctx *ctx, uint64_t *n_clusters)
{
    static const char del[] = "DELETE FROM identity_member";
    static const char sel[] =
        "SELECT person_a, person_b FROM match_pair WHERE decision IN ('merged', 'accepted')";
    static const char ins[] = "INSERT INTO identity_member (person_id, cluster_id) VALUES (?1, ?2)";
    struct idpair *pairs = NULL;
    size_t n = 0, cap = 0;
    int64_t *ids = NULL;
    size_t *parent = NULL;
    int64_t *root_min = NULL;
    struct hv_stmt *s;
    enum hv_err err = hv_store_stmt(ctx->store, del, &s);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, sel, &s);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        pairs = grow(pairs, &cap, n, sizeof *pairs);
        pairs[n].a = hv_stmt_col_int(s, 0);
        pairs[n].b = hv_stmt_col_int(s, 1);
        n++;
    }
    if (n_clusters != NULL)
        *n_clusters = 0;
    if (err != HV_OK || n == 0)
        goto out;
    ids = malloc(2 * n * sizeof *ids);
    parent = malloc(2 * n * sizeof *parent);
    root_min = malloc(2 * n * sizeof *root_min);
    if (ids == NULL || parent == NULL || root_min == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        ids[2 * i] = pairs[i].a;
        ids[2 * i + 1] = pairs[i].b;
    }
    qsort(ids, 2 * n, sizeof *ids, cmp_i64);
    size_t m = 0;
    for (size_t i = 0; i < 2 * n; i++)
        if (m == 0 || ids[m - 1] != ids[i])
            ids[m++] = ids[i];
    for (size_t i = 0; i < m; i++)
        parent[i] = i;
    for (size_t i = 0; i < n; i++) {
        size_t x = uf_find(parent, id_index(ids, m, pairs[i].a));
        size_t y = uf_find(parent, id_index(ids, m, pairs[i].b));
        if (x != y)
            parent[x > y ? x : y] = x < y ? x : y;
    }
    /* ids are sorted, and unions keep the smaller index as root: a root's id is its minimum. */
    for (size_t i = 0; i < m && err == HV_OK; i++) {
        size_t r = uf_find(parent, i);
        root_min[i] = ids[r];
        if (r == i && n_clusters != NULL)
            (*n_clusters)++;
        err = hv_store_stmt(ctx->store, ins, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, ids[i]);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 2, root_min[i]);
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
out:
    free(pairs);
    free(ids);
    free(parent);
    free(root_min);
    return err;
}

enum hv_err hv_identity_cluster_of(struct hv_ctx *ctx, int64_t person_id, int64_t *cluster_id)
{
    static const char sql[] = "SELECT cluster_id FROM identity_member WHERE person_id = ?1";
    return hv_store_query_int(ctx->store, sql, true, person_id, person_id, cluster_id);
}

/* --- run -------------------------------------------------------------------------------- */

static enum hv_err open_hold(struct hv_ctx *ctx, const char *case_ref, int64_t pair_id, int64_t at,
                             struct hv_diag *diag)
{
    static const char sql[] = "INSERT INTO match_pair_hold (pair_id, hold_id) VALUES (?1, ?2)";
    char code[32];
    snprintf(code, sizeof code, "pair:%lld", (long long)pair_id);
    int64_t hold_id = 0;
    enum hv_err err = hv_pipeline_hold_open(ctx, hv_str_c(case_ref), HV_HOLD_DUPLICATE_REVIEW, code,
                                            at, &hold_id, diag);
    struct hv_stmt *s;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, pair_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, hold_id);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static enum hv_err store_pairs(struct hv_ctx *ctx, struct hv_id_engine *e,
                               const struct read_state *rs, int64_t run_id, int64_t now,
                               struct hv_identity_summary *sum, struct hv_diag *diag)
{
    static const char find[] = "SELECT id FROM match_pair WHERE person_a = ?1 AND person_b = ?2";
    static const char ins[] =
        "INSERT INTO match_pair (person_a, person_b, run_id, prob, weight, explanation, "
        "decision, decided_at, decided_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    struct hv_id_options opt;
    hv_id_engine_options(e, &opt);
    size_t n_pairs = 0;
    const struct hv_id_pair *pairs = hv_id_engine_pairs(e, &n_pairs);
    struct hv_buf buf;
    hv_buf_init(&buf, 16384);
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < n_pairs && err == HV_OK; i++) {
        const struct hv_id_pair *p = &pairs[i];
        if (p->prob < opt.review_threshold)
            continue;
        const struct person_meta *ma = &rs->meta[p->a], *mb = &rs->meta[p->b];
        int64_t pa = ma->person_id, pb = mb->person_id;
        if (pa > pb) {
            const struct person_meta *t = ma;
            ma = mb;
            mb = t;
            pa = ma->person_id;
            pb = mb->person_id;
        }
        struct hv_stmt *s;
        bool row = false;
        err = hv_store_stmt(ctx->store, find, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, pa);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 2, pb);
        if (err == HV_OK)
            err = hv_stmt_step(s, &row);
        if (err != HV_OK)
            break;
        if (row) {
            sum->known_pairs++;
            continue;
        }
        bool merged = p->prob >= opt.merge_threshold &&
                      hv_id_engine_cluster(e, p->a) == hv_id_engine_cluster(e, p->b);
        struct hv_id_comparison cmp;
        hv_id_engine_compare(e, p->a, p->b, &cmp);
        hv_buf_reset(&buf);
        struct hv_jw w;
        hv_jw_init(&w, &buf, false);
        hv_id_explain_json(&cmp, &w);
        err = hv_jw_err(&w);
        if (err == HV_OK)
            err = hv_store_stmt(ctx->store, ins, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, pa);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 2, pb);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 3, run_id);
        if (err == HV_OK)
            err = hv_stmt_bind_double(s, 4, p->prob);
        if (err == HV_OK)
            err = hv_stmt_bind_double(s, 5, p->weight);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 6, hv_buf_str(&buf));
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 7, merged ? HV_STR("merged") : HV_STR("review"));
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 8, now);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 9, hv_str_c(ctx->actor));
        if (err == HV_OK)
            err = hv_stmt_run(s);
        if (err != HV_OK)
            break;
        int64_t pair_id = 0;
        static const char last[] = "SELECT last_insert_rowid()";
        err = hv_store_query_int(ctx->store, last, false, 0, 0, &pair_id);
        if (err != HV_OK)
            break;
        sum->new_pairs++;
        if (merged) {
            sum->merged++;
            continue;
        }
        sum->review++;
        err = open_hold(ctx, ma->case_ref, pair_id, now, diag);
        if (err == HV_OK)
            sum->holds_opened++;
        if (err == HV_OK && mb->case_id != ma->case_id) {
            err = open_hold(ctx, mb->case_ref, pair_id, now, diag);
            if (err == HV_OK)
                sum->holds_opened++;
        }
    }
    hv_buf_finish(&buf);
    return err;
}

/* Rebuilds identity_block (every person's blocking keys, blind) and stores the run's model
 * (inside the caller's transaction). */
static enum hv_err store_index(struct hv_ctx *ctx, const struct hv_id_engine *e,
                               const struct read_state *rs, int64_t run_id)
{
    static const char del[] = "DELETE FROM identity_block";
    static const char ins[] =
        "INSERT OR IGNORE INTO identity_block (key, person_id) VALUES (?1, ?2)";
    static const char ins_model[] = "INSERT INTO identity_model (run_id, model) VALUES (?1, ?2)";
    struct hv_stmt *s;
    enum hv_err err = hv_store_stmt(ctx->store, del, &s);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    for (size_t i = 0; i < rs->n_meta && err == HV_OK; i++) {
        uint64_t keys[HV_ID_MAX_KEYS];
        size_t nk = hv_id_engine_record_keys(e, (uint32_t)i, keys);
        for (size_t k = 0; k < nk && err == HV_OK; k++) {
            err = hv_store_stmt(ctx->store, ins, &s);
            if (err == HV_OK)
                err = hv_stmt_bind_int(
                    s, 1, hv_vault_blind(ctx->vault, "idblock", &keys[k], sizeof(keys[k])));
            if (err == HV_OK)
                err = hv_stmt_bind_int(s, 2, rs->meta[i].person_id);
            if (err == HV_OK)
                err = hv_stmt_run(s);
        }
    }
    struct hv_id_model model;
    hv_id_engine_model(e, &model);
    char text[HV_ID_MODEL_TEXT_MAX];
    size_t len = hv_id_model_format(&model, text, sizeof text);
    if (err == HV_OK && len == 0)
        err = HV_ERR_INTERNAL;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, ins_model, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, run_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, (struct hv_str){ text, len });
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum hv_err hv_identity_run(struct hv_ctx *ctx, const struct hv_id_options *opt,
                            struct hv_identity_summary *out, struct hv_diag *diag)
{
    struct hv_identity_summary sum;
    memset(&sum, 0, sizeof sum);
    if (ctx->vault == NULL) {
        hv_diag_set(diag, "key", "deduplication reads sealed names: the key is needed");
        return HV_ERR_FORBIDDEN;
    }
    double t0 = mono_s();
    int64_t started = hv_clock_now(&ctx->clock);
    struct hv_names *names = NULL;
    struct hv_id_engine *e = NULL;
    struct read_state rs;
    memset(&rs, 0, sizeof rs);
    enum hv_err err = hv_names_create(NULL, &names, diag);
    if (err != HV_OK)
        return err;
    err = hv_id_engine_create(names, opt, &e);
    if (err != HV_OK)
        goto out;
    rs.ctx = ctx;
    rs.e = e;
    int64_t counts[HV_N_KINDS];
    err = hv_registry_counts(ctx, counts);
    if (err != HV_OK)
        goto out;
    rs.total = (uint64_t)counts[HV_KIND_PERSON];
    hv_progress_report(&ctx->progress, "read", 0, rs.total);
    err = hv_record_each(ctx, hv_kind(HV_KIND_DOCUMENT), 0, read_doc, &rs);
    if (err != HV_OK)
        goto out;
    if (rs.n_docs > 1)
        qsort(rs.docs, rs.n_docs, sizeof *rs.docs, cmp_doc);
    err = hv_record_each(ctx, hv_kind(HV_KIND_PERSON), 0, read_person, &rs);
    if (err != HV_OK)
        goto out;
    hv_progress_report(&ctx->progress, "read", rs.n_meta, rs.total);
    sum.people = rs.n_meta;
    err = hv_id_engine_run(e, &ctx->progress, diag);
    if (err != HV_OK)
        goto out;
    struct hv_id_stats st;
    hv_id_engine_stats(e, &st);
    sum.candidates = st.candidate_pairs;

    static const char ins_run[] =
        "INSERT INTO identity_run (started_at, finished_at, actor, n_people, n_candidates, "
        "n_new_pairs, n_merged, n_review) VALUES (?1, ?1, ?2, ?3, ?4, 0, 0, 0)";
    static const char upd_run[] = "UPDATE identity_run SET finished_at = ?2, n_new_pairs = ?3, "
                                  "n_merged = ?4, n_review = ?5 WHERE id = ?1";
    static const char last[] = "SELECT last_insert_rowid()";
    err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        goto out;
    struct hv_stmt *s;
    err = hv_store_stmt(ctx->store, ins_run, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, started);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(ctx->actor));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, (int64_t)sum.people);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, (int64_t)sum.candidates);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, last, false, 0, 0, &sum.run_id);
    if (err == HV_OK)
        err = store_pairs(ctx, e, &rs, sum.run_id, started, &sum, diag);
    if (err == HV_OK)
        err = store_index(ctx, e, &rs, sum.run_id);
    if (err == HV_OK)
        err = rebuild_members(ctx, &sum.clusters);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, upd_run, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, sum.run_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, (int64_t)sum.new_pairs);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, (int64_t)sum.merged);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 5, (int64_t)sum.review);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof detail,
                 "people=%llu candidates=%llu new_pairs=%llu merged=%llu review=%llu holds=%llu",
                 (unsigned long long)sum.people, (unsigned long long)sum.candidates,
                 (unsigned long long)sum.new_pairs, (unsigned long long)sum.merged,
                 (unsigned long long)sum.review, (unsigned long long)sum.holds_opened);
        err = hv_audit_append(ctx, "identity.run", "identity_run", sum.run_id, detail, NULL, NULL);
    }
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    else
        hv_store_rollback(ctx->store);
out:
    sum.seconds = mono_s() - t0;
    if (out != NULL)
        *out = sum;
    free(rs.docs);
    free(rs.meta);
    hv_id_engine_destroy(e);
    hv_names_destroy(names);
    return err;
}

/* --- decisions -------------------------------------------------------------------------- */

static bool valid_code(const char *z)
{
    size_t n = z != NULL ? strlen(z) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

static enum hv_err pair_decision(struct hv_ctx *ctx, int64_t pair_id, char out[16])
{
    static const char sql[] = "SELECT decision FROM match_pair WHERE id = ?1";
    struct hv_stmt *s;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, pair_id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row)
        return HV_ERR_NOTFOUND;
    copy_str(out, 16, hv_stmt_col_text(s, 0));
    return HV_OK;
}

static enum hv_err set_decision(struct hv_ctx *ctx, int64_t pair_id, const char *decision,
                                const char *code, int64_t now)
{
    static const char sql[] = "UPDATE match_pair SET decision = ?2, decided_at = ?3, "
                              "decided_by = ?4, reason_code = ?5 WHERE id = ?1";
    struct hv_stmt *s;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, pair_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(decision));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, now);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, hv_str_c(ctx->actor));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, hv_str_c(code));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

/* Resolves the pair's holds that are still open (one may have been overridden meanwhile). */
static enum hv_err release_holds(struct hv_ctx *ctx, int64_t pair_id, int64_t now, int *n,
                                 struct hv_diag *diag)
{
    static const char sql[] = "SELECT h.id FROM match_pair_hold p JOIN case_hold h ON "
                              "h.id = p.hold_id WHERE p.pair_id = ?1 AND h.resolved_at IS NULL";
    int64_t ids[8];
    size_t n_ids = 0;
    struct hv_stmt *s;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, pair_id);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        if (n_ids < HV_ARRAY_LEN(ids))
            ids[n_ids++] = hv_stmt_col_int(s, 0);
    }
    for (size_t i = 0; i < n_ids && err == HV_OK; i++)
        err = hv_pipeline_hold_resolve(ctx, ids[i], now, diag);
    *n = (int)n_ids;
    return err;
}

enum hv_err hv_identity_decide(struct hv_ctx *ctx, int64_t pair_id, enum hv_identity_decision d,
                               const char *reason_code, struct hv_diag *diag)
{
    if (!valid_code(reason_code)) {
        hv_diag_set(diag, "reason", "a reason code is 1..64 characters of [A-Za-z0-9._:/-]");
        return HV_ERR_INVALID;
    }
    int64_t now = hv_clock_now(&ctx->clock);
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    char cur[16];
    err = pair_decision(ctx, pair_id, cur);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(diag, "pair", "no pair %lld", (long long)pair_id);
    if (err == HV_OK && strcmp(cur, "review") != 0) {
        hv_diag_set(diag, "pair", "pair %lld is not under review (it is %s)", (long long)pair_id,
                    cur);
        err = HV_ERR_CONFLICT;
    }
    const char *decision = d == HV_IDENTITY_ACCEPT ? "accepted" : "rejected";
    int n_released = 0;
    if (err == HV_OK)
        err = set_decision(ctx, pair_id, decision, reason_code, now);
    if (err == HV_OK)
        err = release_holds(ctx, pair_id, now, &n_released, diag);
    if (err == HV_OK && d == HV_IDENTITY_ACCEPT)
        err = rebuild_members(ctx, NULL);
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "pair=%lld reason=%s holds_released=%d", (long long)pair_id,
                 reason_code, n_released);
        err = hv_audit_append(ctx, d == HV_IDENTITY_ACCEPT ? "identity.accept" : "identity.reject",
                              "match_pair", pair_id, detail, NULL, NULL);
    }
    if (err == HV_OK)
        return hv_store_commit(ctx->store);
    hv_store_rollback(ctx->store);
    return err;
}

enum hv_err hv_identity_unmerge(struct hv_ctx *ctx, enum hv_identity_target target, int64_t id,
                                const char *reason_code, int64_t *n_pairs, struct hv_diag *diag)
{
    static const char in_cluster[] =
        "SELECT p.id FROM match_pair p JOIN identity_member m ON m.person_id = p.person_a "
        "WHERE m.cluster_id = ?1 AND p.decision IN ('merged', 'accepted') ORDER BY p.id";
    if (!valid_code(reason_code)) {
        hv_diag_set(diag, "reason", "a reason code is 1..64 characters of [A-Za-z0-9._:/-]");
        return HV_ERR_INVALID;
    }
    int64_t now = hv_clock_now(&ctx->clock);
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    if (target == HV_IDENTITY_PAIR) {
        char cur[16];
        err = pair_decision(ctx, id, cur);
        if (err == HV_ERR_NOTFOUND)
            hv_diag_set(diag, "pair", "no pair %lld", (long long)id);
        if (err == HV_OK && strcmp(cur, "merged") != 0 && strcmp(cur, "accepted") != 0) {
            hv_diag_set(diag, "pair", "pair %lld is not merged (it is %s)", (long long)id, cur);
            err = HV_ERR_CONFLICT;
        }
        if (err == HV_OK) {
            ids = grow(ids, &cap, n, sizeof *ids);
            ids[n++] = id;
        }
    } else {
        struct hv_stmt *s;
        err = hv_store_stmt(ctx->store, in_cluster, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, id);
        while (err == HV_OK) {
            bool row = false;
            err = hv_stmt_step(s, &row);
            if (err != HV_OK || !row)
                break;
            ids = grow(ids, &cap, n, sizeof *ids);
            ids[n++] = hv_stmt_col_int(s, 0);
        }
        if (err == HV_OK && n == 0) {
            hv_diag_set(diag, "cluster", "no identity cluster %lld", (long long)id);
            err = HV_ERR_NOTFOUND;
        }
    }
    for (size_t i = 0; i < n && err == HV_OK; i++)
        err = set_decision(ctx, ids[i], "unmerged", reason_code, now);
    if (err == HV_OK)
        err = rebuild_members(ctx, NULL);
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s=%lld pairs=%zu reason=%s",
                 target == HV_IDENTITY_PAIR ? "pair" : "cluster", (long long)id, n, reason_code);
        err = hv_audit_append(ctx, "identity.unmerge",
                              target == HV_IDENTITY_PAIR ? "match_pair" : "identity_cluster", id,
                              detail, NULL, NULL);
    }
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    else
        hv_store_rollback(ctx->store);
    if (err == HV_OK && n_pairs != NULL)
        *n_pairs = (int64_t)n;
    free(ids);
    return err;
}

/* --- reading pairs ---------------------------------------------------------------------- */

#define PAIR_COLS                                                                   \
    "SELECT p.id, p.person_a, p.person_b, p.run_id, p.prob, p.weight, p.decision, " \
    "p.explanation, p.decided_by, p.reason_code, p.decided_at, "                    \
    "coalesce(ma.cluster_id, p.person_a), coalesce(mb.cluster_id, p.person_b), "    \
    "pa.ref, pb.ref, ca.ref, cb.ref "                                               \
    "FROM match_pair p LEFT JOIN identity_member ma ON ma.person_id = p.person_a "  \
    "LEFT JOIN identity_member mb ON mb.person_id = p.person_b "                    \
    "JOIN person pa ON pa.id = p.person_a JOIN person pb ON pb.id = p.person_b "    \
    "JOIN hv_case ca ON ca.id = pa.case_id JOIN hv_case cb ON cb.id = pb.case_id "

static void pair_row(struct hv_arena *a, struct hv_stmt *s, struct hv_identity_pair *p)
{
    p->id = hv_stmt_col_int(s, 0);
    p->person_a = hv_stmt_col_int(s, 1);
    p->person_b = hv_stmt_col_int(s, 2);
    p->run_id = hv_stmt_col_int(s, 3);
    p->prob = hv_stmt_col_double(s, 4);
    p->weight = hv_stmt_col_double(s, 5);
    p->decision = hv_str_dupz(a, hv_stmt_col_text(s, 6));
    p->explanation = hv_str_dupz(a, hv_stmt_col_text(s, 7));
    p->decided_by = hv_str_dupz(a, hv_stmt_col_text(s, 8));
    p->reason_code = hv_str_dupz(a, hv_stmt_col_text(s, 9));
    p->decided_at = hv_stmt_col_int(s, 10);
    p->cluster_a = hv_stmt_col_int(s, 11);
    p->cluster_b = hv_stmt_col_int(s, 12);
    p->ref_a = hv_str_dupz(a, hv_stmt_col_text(s, 13));
    p->ref_b = hv_str_dupz(a, hv_stmt_col_text(s, 14));
    p->case_ref_a = hv_str_dupz(a, hv_stmt_col_text(s, 15));
    p->case_ref_b = hv_str_dupz(a, hv_stmt_col_text(s, 16));
}

enum hv_err hv_identity_pairs(struct hv_ctx *ctx, struct hv_arena *a, const char *decision,
                              size_t max, struct hv_identity_pair **out, size_t *n)
{
    static const char sql[] = PAIR_COLS "WHERE ?1 = '' OR p.decision = ?1 ORDER BY p.id";
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    struct hv_identity_pair *v = NULL;
    struct hv_stmt *s;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(decision));
    while (err == HV_OK && (max == 0 || *n < max)) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct hv_identity_pair *nv = hv_arena_alloc_array(a, nc, sizeof *nv);
            if (nv == NULL)
                return HV_ERR_LIMIT;
            if (*n > 0)
                memcpy(nv, v, *n * sizeof *v);
            v = nv;
            cap = nc;
        }
        pair_row(a, s, &v[*n]);
        (*n)++;
    }
    if (err == HV_OK && hv_arena_failed(a))
        err = HV_ERR_LIMIT;
    *out = v;
    return err;
}

enum hv_err hv_identity_pair_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t id,
                                 struct hv_identity_pair *out)
{
    static const char sql[] = PAIR_COLS "WHERE p.id = ?1";
    struct hv_stmt *s;
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
    pair_row(a, s, out);
    return hv_arena_failed(a) ? HV_ERR_LIMIT : HV_OK;
}
