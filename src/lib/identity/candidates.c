/* candidates.c - likely duplicates of one new registration among the stored people, while a
 * registrar types: the record's blocking keys looked up through their blind indexes
 * (identity_block, written by the last run), people holding one of its document numbers through
 * the registry's document index, each found person unsealed and scored against the record with
 * the model of the last run. Read-only apart from one audit entry.
 * SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"

/* Person and document field indexes (src/lib/registry/kinds.c), as in registry.c. */
enum { P_REF, P_CASE_REF, P_REL, P_GIVEN, P_FAMILY, P_FATHER, P_GRAND, P_NATIVE, P_SEX, P_BIRTH };
enum { D_NUMBER = 3 };

struct found {
    int64_t *ids;
    size_t n, cap;
};

static void found_add(struct found *f, int64_t id)
{
    for (size_t i = 0; i < f->n; i++) {
        if (f->ids[i] == id)
            return;
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->ids = hv_xrealloc(f->ids, f->cap * sizeof(*f->ids));
    }
    f->ids[f->n++] = id;
}

static enum hv_err latest_model(struct hv_ctx *ctx, struct hv_id_model *out, bool *have)
{
    static const char sql[] = "SELECT model FROM identity_model ORDER BY run_id DESC LIMIT 1";
    struct hv_stmt *s;
    bool row = false;
    *have = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK || !row)
        return err;
    struct hv_str t = hv_stmt_col_text(s, 0);
    char buf[HV_ID_MODEL_TEXT_MAX];
    if (t.len >= sizeof(buf))
        return HV_ERR_INVALID;
    memcpy(buf, t.ptr, t.len);
    buf[t.len] = '\0';
    *have = hv_id_model_parse(buf, out);
    return *have ? HV_OK : HV_ERR_INVALID;
}

/* Documents of one person, kept as NUL-terminated copies. */
struct docs {
    char number[HV_ID_MAX_DOCS][65];
    size_t n;
};

static enum hv_err read_doc(void *ud, const struct hv_record *rec)
{
    struct docs *d = ud;
    struct hv_str v = rec->values[D_NUMBER];
    if (v.len == 0 || d->n == HV_ID_MAX_DOCS)
        return HV_OK;
    size_t n = v.len < sizeof(d->number[0]) - 1 ? v.len : sizeof(d->number[0]) - 1;
    memcpy(d->number[d->n], v.ptr, n);
    d->number[d->n][n] = '\0';
    d->n++;
    return HV_OK;
}

static const char *cstr(struct hv_arena *a, struct hv_str s)
{
    char *z = hv_arena_alloc(a, s.len + 1);
    if (z == NULL)
        return "";
    if (s.len > 0)
        memcpy(z, s.ptr, s.len);
    z[s.len] = '\0';
    return z;
}

static int by_prob(const void *x, const void *y)
{
    const struct hv_identity_candidate *a = x, *b = y;
    if (a->prob != b->prob)
        return a->prob < b->prob ? 1 : -1;
    return (a->person_id > b->person_id) - (a->person_id < b->person_id);
}

/* Loads person id with its documents into the engine as the next record. */
static enum hv_err add_person(struct hv_ctx *ctx, struct hv_arena *a, struct hv_id_engine *e,
                              int64_t id, struct hv_identity_candidate *out)
{
    struct hv_record p;
    enum hv_err err = hv_record_get_id(ctx, a, hv_kind(HV_KIND_PERSON), id, &p);
    if (err != HV_OK)
        return err;
    struct docs d;
    memset(&d, 0, sizeof(d));
    err = hv_record_each(ctx, hv_kind(HV_KIND_DOCUMENT), id, read_doc, &d);
    if (err != HV_OK)
        return err;
    struct hv_id_record r;
    memset(&r, 0, sizeof(r));
    r.id = id;
    r.given = cstr(a, p.values[P_GIVEN]);
    r.family = cstr(a, p.values[P_FAMILY]);
    r.father = cstr(a, p.values[P_FATHER]);
    r.grandfather = cstr(a, p.values[P_GRAND]);
    r.native = cstr(a, p.values[P_NATIVE]);
    r.relation = cstr(a, p.values[P_REL]);
    r.group = p.parent_id;
    struct hv_str sex = p.values[P_SEX];
    r.sex = sex.len > 0 && (sex.ptr[0] == 'M' || sex.ptr[0] == 'F') ? sex.ptr[0] : 0;
    const char *why = NULL;
    struct hv_str b = p.values[P_BIRTH];
    if (b.len == 0 || !hv_pdate_parse(b.ptr, b.len, &r.birth, &why))
        memset(&r.birth, 0, sizeof(r.birth));
    for (size_t i = 0; i < d.n; i++)
        r.docs[i] = d.number[i];
    err = hv_id_engine_add(e, &r, NULL);
    if (err != HV_OK && err != HV_ERR_LIMIT)
        return err;
    out->person_id = id;
    out->ref = cstr(a, p.values[P_REF]);
    out->case_ref = cstr(a, p.values[P_CASE_REF]);
    return HV_OK;
}

enum hv_err hv_identity_candidates(struct hv_ctx *ctx, struct hv_arena *a,
                                   const struct hv_names *names, const struct hv_id_record *probe,
                                   double min_prob, size_t max, struct hv_identity_candidate **out,
                                   size_t *n_out, struct hv_diag *diag)
{
    static const char sel[] = "SELECT person_id FROM identity_block WHERE key = ?1 "
                              "ORDER BY person_id DESC LIMIT ?2";
    *out = NULL;
    *n_out = 0;
    if (ctx->vault == NULL) {
        hv_diag_set(diag, "key", "candidates are scored on sealed names: the key is needed");
        return HV_ERR_FORBIDDEN;
    }
    struct hv_id_model model;
    bool have = false;
    enum hv_err err = latest_model(ctx, &model, &have);
    if (err != HV_OK || !have) {
        if (err == HV_OK)
            err = HV_ERR_NOTFOUND;
        hv_diag_set(diag, "identity",
                    err == HV_ERR_NOTFOUND
                        ? "no deduplication run yet: `haven dedup run` builds the candidate index"
                        : "the stored model of the last run does not parse");
        return err;
    }
    struct hv_names *own = NULL;
    if (names == NULL) {
        err = hv_names_create(NULL, &own, diag);
        if (err != HV_OK)
            return err;
        names = own;
    }
    struct hv_id_options opt;
    hv_id_options_default(&opt);
    /* Term frequencies need the whole registry; a handful of found people would distort them. */
    opt.tf_adjust = false;
    struct hv_id_engine *e = NULL;
    struct found f = { NULL, 0, 0 };
    struct hv_identity_candidate *cand = NULL;
    err = hv_id_engine_create(names, &opt, &e);
    if (err != HV_OK)
        goto out;
    hv_id_engine_set_model(e, &model);
    struct hv_id_record pr = *probe;
    pr.id = 0;
    err = hv_id_engine_add(e, &pr, NULL);
    if (err != HV_OK && err != HV_ERR_LIMIT)
        goto out;
    err = HV_OK;

    /* People sharing a blocking key (as of the last run), then a document number (any time). */
    uint64_t keys[HV_ID_MAX_KEYS];
    size_t nk = hv_id_engine_record_keys(e, 0, keys);
    for (size_t k = 0; k < nk && err == HV_OK; k++) {
        struct hv_stmt *s;
        err = hv_store_stmt(ctx->store, sel, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(
                s, 1, hv_vault_blind(ctx->vault, "idblock", &keys[k], sizeof(keys[k])));
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 2, HV_ID_CANDIDATES_PER_KEY);
        while (err == HV_OK) {
            bool row = false;
            err = hv_stmt_step(s, &row);
            if (err != HV_OK || !row)
                break;
            found_add(&f, hv_stmt_col_int(s, 0));
        }
    }
    for (size_t d = 0; d < HV_ID_MAX_DOCS && err == HV_OK; d++) {
        if (probe->docs[d] == NULL || probe->docs[d][0] == '\0')
            continue;
        struct hv_person_hit *hits = NULL;
        size_t n_hits = 0;
        err = hv_person_find(ctx, a, HV_STR_NULL, hv_str_c(probe->docs[d]),
                             HV_ID_CANDIDATES_PER_KEY, &hits, &n_hits, diag);
        for (size_t i = 0; i < n_hits && err == HV_OK; i++)
            found_add(&f, hits[i].person.id);
    }
    if (err != HV_OK)
        goto out;

    cand = hv_xcalloc(f.n > 0 ? f.n : 1, sizeof(*cand));
    size_t n = 0;
    for (size_t i = 0; i < f.n && err == HV_OK; i++) {
        err = add_person(ctx, a, e, f.ids[i], &cand[i]);
        if (err != HV_OK)
            break;
        struct hv_id_comparison cmp;
        hv_id_engine_compare(e, 0, (uint32_t)(i + 1), &cmp);
        if (cmp.prob < min_prob)
            continue;
        cand[i].prob = cmp.prob;
        cand[i].weight = cmp.total;
        cand[i].cmp = cmp;
        cand[n++] = cand[i];
    }
    if (err != HV_OK)
        goto out;
    if (n > 1)
        qsort(cand, n, sizeof(*cand), by_prob);
    if (n > max)
        n = max;
    *out = hv_arena_alloc_array(a, n > 0 ? n : 1, sizeof(**out));
    if (*out == NULL) {
        err = HV_ERR_LIMIT;
        goto out;
    }
    if (n > 0)
        memcpy(*out, cand, n * sizeof(*cand));
    *n_out = n;

    /* The people read were unsealed: one audited read (counts only). */
    char detail[96];
    snprintf(detail, sizeof(detail), "candidates scanned=%zu returned=%zu", f.n, n);
    bool own_tx = !hv_store_in_tx(ctx->store);
    if (own_tx)
        err = hv_store_begin(ctx->store);
    if (err == HV_OK)
        err = hv_audit_append(ctx, "identity.candidates", "person", 0, detail, NULL, NULL);
    if (own_tx) {
        if (err == HV_OK)
            err = hv_store_commit(ctx->store);
        else
            hv_store_rollback(ctx->store);
    }
out:
    free(cand);
    free(f.ids);
    hv_id_engine_destroy(e);
    hv_names_destroy(own);
    return err;
}
