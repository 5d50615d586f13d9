/* read.c - loading records and whole cases back (unsealed), counting, and finding people by
 * name token or document number through the blind indexes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <string.h>

#include "registry/registry_int.h"

static enum hv_err load_one(struct hv_ctx *ctx, struct hv_arena *a, const struct hv_kind_def *k,
                            enum hv__reg_sql which, struct hv_str ref, int64_t id,
                            struct hv_record *out)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv__reg_stmt(ctx->store, k, which, &s);
    if (err == HV_OK)
        err = which == HV__SQL_LOAD_REF ? hv_stmt_bind_text(s, 1, ref) : hv_stmt_bind_int(s, 1, id);
    bool row = false;
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row)
        return HV_ERR_NOTFOUND;
    return hv__reg_row(ctx, a, k, s, out);
}

enum hv_err hv_record_get(struct hv_ctx *ctx, struct hv_arena *a, const struct hv_kind_def *k,
                          struct hv_str ref, struct hv_record *out)
{
    return load_one(ctx, a, k, HV__SQL_LOAD_REF, ref, 0, out);
}

enum hv_err hv_record_get_id(struct hv_ctx *ctx, struct hv_arena *a, const struct hv_kind_def *k,
                             int64_t id, struct hv_record *out)
{
    return load_one(ctx, a, k, HV__SQL_LOAD_ID, HV_STR_NULL, id, out);
}

enum hv_err hv_record_each(struct hv_ctx *ctx, const struct hv_kind_def *k, int64_t parent_id,
                           hv_record_fn *fn, void *ud)
{
    struct hv_stmt *s = NULL;
    enum hv_err err =
        hv__reg_stmt(ctx->store, k, parent_id ? HV__SQL_EACH_PARENT : HV__SQL_EACH, &s);
    if (err == HV_OK && parent_id)
        err = hv_stmt_bind_int(s, 1, parent_id);
    if (err != HV_OK)
        return err;
    struct hv_arena scratch;
    hv_arena_init(&scratch, 1u << 20);
    for (;;) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        struct hv_record rec;
        err = hv__reg_row(ctx, &scratch, k, s, &rec);
        if (err == HV_OK)
            err = fn(ud, &rec);
        hv_arena_reset(&scratch);
        if (err != HV_OK)
            break;
    }
    hv_arena_finish(&scratch);
    return err;
}

/* Collects records into a growing arena array. */
struct collect {
    struct hv_arena *a;
    struct hv_record *items;
    size_t n, cap;
};

static enum hv_err collect_one(void *ud, const struct hv_record *rec)
{
    struct collect *c = ud;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        struct hv_record *items = hv_arena_alloc_array(c->a, cap, sizeof(*items));
        if (items == NULL)
            return HV_ERR_LIMIT;
        if (c->n)
            memcpy(items, c->items, c->n * sizeof(*items));
        c->items = items;
        c->cap = cap;
    }
    /* The record's strings live in the scratch arena of hv_record_each: copy them. */
    struct hv_record *dst = &c->items[c->n++];
    *dst = *rec;
    for (size_t i = 0; i < rec->kind->n_fields; i++) {
        if (rec->values[i].len == 0)
            continue;
        char *z = hv_str_dupz(c->a, rec->values[i]);
        if (z == NULL)
            return HV_ERR_LIMIT;
        dst->values[i] = (struct hv_str){ z, rec->values[i].len };
    }
    return HV_OK;
}

static enum hv_err collect_children(struct hv_ctx *ctx, struct hv_arena *a, enum hv_kind_id kind,
                                    const struct hv_record *parents, size_t n_parents,
                                    struct hv_record **out, size_t *n_out)
{
    struct collect c = { a, NULL, 0, 0 };
    for (size_t i = 0; i < n_parents; i++) {
        enum hv_err err = hv_record_each(ctx, hv_kind(kind), parents[i].id, collect_one, &c);
        if (err != HV_OK)
            return err;
    }
    *out = c.items;
    *n_out = c.n;
    return HV_OK;
}

enum hv_err hv_case_view_get(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str case_ref,
                             struct hv_case_view *out)
{
    memset(out, 0, sizeof(*out));
    enum hv_err err = hv_record_get(ctx, a, hv_kind(HV_KIND_CASE), case_ref, &out->kase);
    if (err == HV_OK)
        err = collect_children(ctx, a, HV_KIND_PERSON, &out->kase, 1, &out->people, &out->n_people);
    if (err == HV_OK)
        err = collect_children(ctx, a, HV_KIND_DOCUMENT, out->people, out->n_people,
                               &out->documents, &out->n_documents);
    if (err == HV_OK)
        err = collect_children(ctx, a, HV_KIND_EMPLOYMENT, out->people, out->n_people,
                               &out->employment, &out->n_employment);
    if (err == HV_OK)
        err = collect_children(ctx, a, HV_KIND_CONTACT, out->people, out->n_people, &out->contacts,
                               &out->n_contacts);
    return err;
}

enum hv_err hv_case_people_count(struct hv_ctx *ctx, int64_t case_id, int64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM person WHERE case_id = ?1";
    return hv_store_query_int(ctx->store, sql, true, case_id, 0, n);
}

enum hv_err hv_registry_counts(struct hv_ctx *ctx, int64_t counts[HV_N_KINDS])
{
    for (int i = 0; i < HV_N_KINDS; i++) {
        struct hv_stmt *s = NULL;
        bool row = false;
        enum hv_err err = hv__reg_stmt(ctx->store, hv_kind(i), HV__SQL_COUNT, &s);
        if (err == HV_OK)
            err = hv_stmt_step(s, &row);
        if (err != HV_OK)
            return err;
        counts[i] = row ? hv_stmt_col_int(s, 0) : 0;
    }
    return HV_OK;
}

#define MAX_QUERY_TOKENS 8

/* Blind indexes of the query's name tokens. */
static size_t query_tokens(const struct hv_vault *v, struct hv_str q, int64_t *bis)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= q.len && n < MAX_QUERY_TOKENS; i++) {
        char c = i < q.len ? q.ptr[i] : ' ';
        if (!(c == ' ' || c == '-' || c == ',' || c == '.' || c == '\t'))
            continue;
        if (i > start) {
            char key[256];
            size_t kn =
                hv_registry_name_key((struct hv_str){ q.ptr + start, i - start }, key, sizeof(key));
            if (kn > 0)
                bis[n++] = hv_vault_blind(v, "name", key, kn);
        }
        start = i + 1;
    }
    return n;
}

static enum hv_err add_hit(struct hv_ctx *ctx, struct hv_arena *a, int64_t person_id,
                           struct hv_person_hit *hits, size_t *n)
{
    struct hv_person_hit *h = &hits[*n];
    enum hv_err err = hv_record_get_id(ctx, a, hv_kind(HV_KIND_PERSON), person_id, &h->person);
    if (err != HV_OK)
        return err;
    h->case_ref = h->person.values[1];
    (*n)++;
    return HV_OK;
}

/* Intersects the sorted list a with the sorted list b, in place in a. */
static size_t intersect(int64_t *a, size_t na, const int64_t *b, size_t nb)
{
    size_t i = 0, j = 0, out = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else {
            a[out++] = a[i];
            i++;
            j++;
        }
    }
    return out;
}

enum hv_err hv_person_find(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str name_query,
                           struct hv_str doc_number, size_t max, struct hv_person_hit **hits,
                           size_t *n_hits, struct hv_diag *diag)
{
    static const char by_doc_sql[] =
        "SELECT DISTINCT person_id FROM document WHERE number_bi = ?1 ORDER BY person_id";
    *hits = NULL;
    *n_hits = 0;
    if (ctx->vault == NULL) {
        hv_diag_set(diag, "key", "no key was given: people cannot be looked up");
        return HV_ERR_CRYPTO;
    }
    struct hv_person_hit *out = hv_arena_alloc_array(a, max ? max : 1, sizeof(*out));
    if (out == NULL)
        return HV_ERR_LIMIT;
    size_t n = 0;
    enum hv_err err = HV_OK;
    int64_t *ids = NULL;
    size_t n_ids = 0;
    if (doc_number.len > 0) {
        char key[256];
        size_t kn = hv__reg_blind_key(doc_number, key, sizeof(key));
        if (kn == 0) {
            hv_diag_set(diag, "doc", "a document number needs letters or digits");
            return HV_ERR_INVALID;
        }
        ids = hv_arena_alloc_array(a, max ? max : 1, sizeof(*ids));
        if (ids == NULL)
            return HV_ERR_LIMIT;
        struct hv_stmt *s = NULL;
        err = hv_store_stmt(ctx->store, by_doc_sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, hv_vault_blind(ctx->vault, "doc", key, kn));
        while (err == HV_OK && n_ids < max) {
            bool row = false;
            err = hv_stmt_step(s, &row);
            if (err != HV_OK || !row)
                break;
            ids[n_ids++] = hv_stmt_col_int(s, 0);
        }
    } else {
        int64_t bis[MAX_QUERY_TOKENS];
        size_t n_tok = query_tokens(ctx->vault, name_query, bis);
        if (n_tok == 0) {
            hv_diag_set(diag, "name", "give a name (or part of one) to look for");
            return HV_ERR_INVALID;
        }
        /* Every token's posting list, intersected. */
        err = hv__name_index_lookup(ctx, a, bis[0], &ids, &n_ids);
        for (size_t t = 1; t < n_tok && err == HV_OK && n_ids > 0; t++) {
            int64_t *more = NULL;
            size_t n_more = 0;
            err = hv__name_index_lookup(ctx, a, bis[t], &more, &n_more);
            if (err == HV_OK)
                n_ids = intersect(ids, n_ids, more, n_more);
        }
    }
    for (size_t i = 0; i < n_ids && n < max && err == HV_OK; i++)
        err = add_hit(ctx, a, ids[i], out, &n);
    if (err != HV_OK)
        return err;
    *hits = out;
    *n_hits = n;
    return HV_OK;
}
