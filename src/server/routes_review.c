/* routes_review.c - the review queues: duplicate pairs side by side with the comparison
 * explained, and watchlist hits with their explanation; decisions with reasons. Every person
 * shown side by side is an audit entry.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "haven/identity.h"
#include "haven/registry.h"
#include "haven/screening.h"
#include "haven/store.h"
#include "req_json.h"

static struct hv_str val(const struct hv_record *rec, const char *field)
{
    int i = hv_kind_field(rec->kind, hv_str_c(field));
    return i >= 0 ? rec->values[i] : HV_STR_NULL;
}

static bool parse_id(struct hv_rq *r, int64_t *id)
{
    if (!hv_parse_i64(r->id, id) || *id <= 0) {
        hv_diag_set(&r->diag, "id", "must be a positive whole number");
        return false;
    }
    return true;
}

/* A person of a review side by side; reads are audited. */
static enum hv_err load_person(struct hv_rq *r, int64_t person_id, struct hv_record *out,
                               const char *why)
{
    enum hv_err err = hv_record_get_id(r->ctx, r->a, hv_kind(HV_KIND_PERSON), person_id, out);
    if (err != HV_OK)
        return err;
    return hv__audit_push(r, "person.read", "person", person_id, why);
}

static void write_person(struct hv_jw *w, const struct hv_record *p, struct hv_str case_ref)
{
    static const char *const f[][2] = {
        { "given", "given_name" },   { "family", "family_name" },
        { "father", "father_name" }, { "grandfather", "grandfather_name" },
        { "native", "native_name" }, { "sex", "sex" },
        { "birth", "birth_date" },   { "nationality", "nationality" },
    };
    hv_jw_object_begin(w);
    hv_jw_key(w, "id");
    hv_jw_str(w, val(p, "ref"));
    hv_jw_key(w, "case_id");
    hv_jw_str(w, case_ref);
    hv_jw_key(w, "relation");
    hv_jw_str(w, val(p, "relation"));
    for (size_t i = 0; i < HV_ARRAY_LEN(f); i++) {
        hv_jw_key(w, f[i][0]);
        hv_jw_str(w, val(p, f[i][1]));
    }
    hv_jw_object_end(w);
}

/* --- duplicates ---------------------------------------------------------------------------- */

enum hv_err hv__h_pairs(struct hv_rq *r)
{
    int64_t limit = 0, offset = 0;
    enum hv_err err = hv__query_page(r, &limit, &offset);
    if (err != HV_OK)
        return err;
    struct hv_str status = HV_STR("review");
    if (!hv__query_get(r->a, r->req->query, "status", &status) || status.len == 0)
        status = HV_STR("review");
    const char *st = hv_str_dupz(r->a, status);
    if (st == NULL)
        return HV_ERR_LIMIT;
    if (strcmp(st, "any") == 0)
        st = NULL;
    struct hv_identity_pair *pairs = NULL;
    size_t n = 0;
    err = hv_identity_pairs(r->ctx, r->a, st, 0, &pairs, &n);
    if (err != HV_OK)
        return err;
    struct hv_jw *w = &r->jw;
    hv__list_begin(r);
    for (size_t i = (size_t)offset; i < n && i < (size_t)(offset + limit); i++) {
        hv_jw_object_begin(w);
        hv_jw_key(w, "id");
        hv_jw_int(w, pairs[i].id);
        hv_jw_key(w, "a");
        hv_jw_strz(w, pairs[i].ref_a);
        hv_jw_key(w, "b");
        hv_jw_strz(w, pairs[i].ref_b);
        hv_jw_key(w, "case_a");
        hv_jw_strz(w, pairs[i].case_ref_a);
        hv_jw_key(w, "case_b");
        hv_jw_strz(w, pairs[i].case_ref_b);
        hv_jw_key(w, "score");
        hv_jw_double(w, pairs[i].prob);
        hv_jw_key(w, "status");
        hv_jw_strz(w, pairs[i].decision);
        hv_jw_object_end(w);
    }
    hv__list_end(r, (int64_t)n, limit, offset);
    return HV_OK;
}

/* The person field(s) a comparison label stands for. */
static void side_value(struct hv_jw *w, const struct hv_record *p, const char *label)
{
    if (strcmp(label, "name") == 0) {
        struct hv_str g = val(p, "given_name"), f = val(p, "family_name");
        char buf[420];
        snprintf(buf, sizeof(buf), "%.*s%s%.*s", HV_STR_ARG(g), f.len > 0 ? " " : "",
                 HV_STR_ARG(f));
        hv_jw_strz(w, buf);
        return;
    }
    static const char *const map[][2] = {
        { "father", "father_name" },
        { "grandfather", "grandfather_name" },
        { "native", "native_name" },
        { "birth", "birth_date" },
        { "sex", "sex" },
    };
    for (size_t i = 0; i < HV_ARRAY_LEN(map); i++) {
        if (strcmp(label, map[i][0]) == 0) {
            hv_jw_str(w, val(p, map[i][1]));
            return;
        }
    }
    hv_jw_null(w);
}

enum hv_err hv__h_pair(struct hv_rq *r)
{
    int64_t id = 0;
    if (!parse_id(r, &id))
        return HV_ERR_INVALID;
    struct hv_identity_pair p;
    enum hv_err err = hv_identity_pair_get(r->ctx, r->a, id, &p);
    if (err != HV_OK)
        return err;
    err = hv__check(r, NULL, HV_FC_SCREENING, "match_pair", id);
    if (err != HV_OK)
        return err;
    struct hv_record a, b;
    char why[64];
    snprintf(why, sizeof(why), "duplicate review pair %lld", (long long)id);
    err = load_person(r, p.person_a, &a, why);
    if (err == HV_OK)
        err = load_person(r, p.person_b, &b, why);
    if (err != HV_OK)
        return err;
    struct hv_jw *w = &r->jw;
    hv_jw_object_begin(w);
    hv_jw_key(w, "id");
    hv_jw_int(w, p.id);
    hv_jw_key(w, "status");
    hv_jw_strz(w, p.decision);
    hv_jw_key(w, "score");
    hv_jw_double(w, p.prob);
    hv_jw_key(w, "weight");
    hv_jw_double(w, p.weight);
    hv_jw_key(w, "a");
    write_person(w, &a, hv_str_c(p.case_ref_a));
    hv_jw_key(w, "b");
    write_person(w, &b, hv_str_c(p.case_ref_b));
    hv_jw_key(w, "comparisons");
    hv_jw_array_begin(w);
    json_error_t jerr;
    json_t *ex = json_loads(p.explanation != NULL ? p.explanation : "{}", 0, &jerr);
    json_t *fields = ex != NULL ? json_object_get(ex, "fields") : NULL;
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        const char *label = json_string_value(json_object_get(f, "field"));
        const char *level = json_string_value(json_object_get(f, "level"));
        json_t *tf = json_object_get(f, "tf");
        if (label == NULL)
            continue;
        hv_jw_object_begin(w);
        hv_jw_key(w, "field");
        hv_jw_strz(w, label);
        hv_jw_key(w, "a");
        side_value(w, &a, label);
        hv_jw_key(w, "b");
        side_value(w, &b, label);
        hv_jw_key(w, "weight");
        hv_jw_double(w, json_number_value(json_object_get(f, "weight")));
        hv_jw_key(w, "explanation");
        char text[160];
        if (tf != NULL)
            snprintf(text, sizeof(text), "%s (term frequency adjustment %.2f)",
                     level != NULL ? level : "?", json_number_value(tf));
        else
            snprintf(text, sizeof(text), "%s", level != NULL ? level : "?");
        hv_jw_strz(w, text);
        hv_jw_object_end(w);
    }
    json_decref(ex);
    hv_jw_array_end(w);
    hv_jw_object_end(w);
    return HV_OK;
}

static enum hv_err decision_body(struct hv_rq *r, const char **decision, const char **reason)
{
    const struct hv_jfield fields[] = {
        { .name = "decision",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 32,
          .str = decision },
        { .name = "reason", .type = HV_JF_STRING, .required = true, .max_len = 255, .str = reason },
    };
    return hv_req_json_parse(r->a, r->req->body, fields, 2, &r->diag);
}

enum hv_err hv__h_pair_decide(struct hv_rq *r)
{
    int64_t id = 0;
    if (!parse_id(r, &id))
        return HV_ERR_INVALID;
    const char *decision = NULL, *reason = NULL;
    enum hv_err err = decision_body(r, &decision, &reason);
    if (err != HV_OK)
        return err;
    enum hv_identity_decision d;
    if (strcmp(decision, "accept") == 0) {
        d = HV_IDENTITY_ACCEPT;
    } else if (strcmp(decision, "reject") == 0) {
        d = HV_IDENTITY_REJECT;
    } else {
        hv_diag_set(&r->diag, "decision", "must be accept or reject");
        return HV_ERR_INVALID;
    }
    err = hv_identity_decide(r->ctx, id, d, reason, &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    hv_jw_key(&r->jw, "id");
    hv_jw_int(&r->jw, id);
    hv_jw_key(&r->jw, "status");
    hv_jw_strz(&r->jw, d == HV_IDENTITY_ACCEPT ? "accepted" : "rejected");
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

/* --- screening hits ------------------------------------------------------------------------- */

struct hit_walk {
    struct hv_rq *r;
    int64_t limit, offset, n;
};

static enum hv_err hit_row(void *ud, const struct hv_screen_hit *h)
{
    struct hit_walk *hw = ud;
    int64_t k = hw->n++;
    if (k < hw->offset || k >= hw->offset + hw->limit)
        return HV_OK;
    struct hv_jw *w = &hw->r->jw;
    hv_jw_object_begin(w);
    hv_jw_key(w, "id");
    hv_jw_int(w, h->id);
    hv_jw_key(w, "person_id");
    hv_jw_strz(w, h->person_ref);
    hv_jw_key(w, "case_id");
    hv_jw_strz(w, h->case_ref);
    hv_jw_key(w, "entry_id");
    hv_jw_strz(w, h->entry_ref);
    hv_jw_key(w, "list");
    hv_jw_strz(w, h->list_name);
    hv_jw_key(w, "score");
    hv_jw_double(w, h->score);
    hv_jw_key(w, "status");
    hv_jw_strz(w, hv_hit_status_str(h->status));
    hv_jw_object_end(w);
    return HV_OK;
}

enum hv_err hv__h_hits(struct hv_rq *r)
{
    struct hit_walk hw = { .r = r };
    enum hv_err err = hv__query_page(r, &hw.limit, &hw.offset);
    if (err != HV_OK)
        return err;
    struct hv_str status;
    int filter = HV_HIT_OPEN;
    if (hv__query_get(r->a, r->req->query, "status", &status) && status.len > 0) {
        if (hv_str_eqz(status, "any"))
            filter = -1;
        else if (hv_str_eqz(status, "open"))
            filter = HV_HIT_OPEN;
        else if (hv_str_eqz(status, "true_match"))
            filter = HV_HIT_TRUE_MATCH;
        else if (hv_str_eqz(status, "false_positive"))
            filter = HV_HIT_FALSE_POSITIVE;
        else {
            hv_diag_set(&r->diag, "status", "open, true_match, false_positive or any");
            return HV_ERR_INVALID;
        }
    }
    hv__list_begin(r);
    err = hv_screen_hits_each(r->ctx, filter, hit_row, &hw);
    if (err != HV_OK)
        return err;
    hv__list_end(r, hw.n, hw.limit, hw.offset);
    return HV_OK;
}

static enum hv_err entry_json(struct hv_rq *r, const struct hv_screen_hit *h)
{
    static const char entry_sql[] =
        "SELECT e.id, e.list_type, e.dobs, e.nationalities FROM wl_entry e WHERE e.snapshot_id = ?1"
        " AND e.ref = ?2";
    static const char names_sql[] =
        "SELECT name, kind FROM wl_name WHERE entry_id = ?1 ORDER BY seq";
    struct hv_jw *w = &r->jw;
    struct hv_stmt *s = NULL;
    bool row = false;
    hv_jw_key(w, "entry");
    hv_jw_object_begin(w);
    hv_jw_key(w, "ref");
    hv_jw_strz(w, h->entry_ref);
    hv_jw_key(w, "list");
    hv_jw_strz(w, h->list_name);
    enum hv_err err = hv_store_stmt(r->ctx->store, entry_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, h->snapshot_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(h->entry_ref));
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    int64_t entry_id = 0;
    if (err == HV_OK && row) {
        entry_id = hv_stmt_col_int(s, 0);
        hv_jw_key(w, "type");
        hv_jw_str(w, hv_stmt_col_text(s, 1));
        hv_jw_key(w, "dob");
        hv_jw_str(w, hv_stmt_col_text(s, 2));
        hv_jw_key(w, "nationality");
        hv_jw_str(w, hv_stmt_col_text(s, 3));
    }
    if (err == HV_OK)
        err = hv_store_stmt(r->ctx->store, entry_sql, &s);
    hv_jw_key(w, "names");
    hv_jw_array_begin(w);
    if (err == HV_OK && entry_id != 0) {
        err = hv_store_stmt(r->ctx->store, names_sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, entry_id);
        while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
            hv_jw_object_begin(w);
            hv_jw_key(w, "name");
            hv_jw_str(w, hv_stmt_col_text(s, 0));
            hv_jw_key(w, "kind");
            hv_jw_str(w, hv_stmt_col_text(s, 1));
            hv_jw_object_end(w);
        }
    }
    hv_jw_array_end(w);
    hv_jw_object_end(w);
    return err;
}

enum hv_err hv__h_hit(struct hv_rq *r)
{
    int64_t id = 0;
    if (!parse_id(r, &id))
        return HV_ERR_INVALID;
    struct hv_screen_hit h;
    enum hv_err err = hv_screen_hit_get(r->ctx, r->a, id, &h);
    if (err != HV_OK)
        return err;
    err = hv__check(r, NULL, HV_FC_SCREENING, "screening_hit", id);
    if (err != HV_OK)
        return err;
    struct hv_record p;
    char why[64];
    snprintf(why, sizeof(why), "screening hit %lld", (long long)id);
    err = load_person(r, h.person_id, &p, why);
    if (err != HV_OK)
        return err;
    struct hv_jw *w = &r->jw;
    hv_jw_object_begin(w);
    hv_jw_key(w, "id");
    hv_jw_int(w, h.id);
    hv_jw_key(w, "status");
    hv_jw_strz(w, hv_hit_status_str(h.status));
    hv_jw_key(w, "score");
    hv_jw_double(w, h.score);
    hv_jw_key(w, "reason");
    hv_jw_strz(w, h.reason);
    hv_jw_key(w, "decided_by");
    hv_jw_strz(w, h.decided_by);
    hv_jw_key(w, "person");
    write_person(w, &p, hv_str_c(h.case_ref));
    err = entry_json(r, &h);
    hv_jw_key(w, "explanation");
    if (h.explanation != NULL && h.explanation[0] != '\0')
        hv_jw_raw(w, hv_str_c(h.explanation));
    else
        hv_jw_null(w);
    hv_jw_object_end(w);
    return err;
}

enum hv_err hv__h_hit_decide(struct hv_rq *r)
{
    int64_t id = 0;
    if (!parse_id(r, &id))
        return HV_ERR_INVALID;
    const char *decision = NULL, *reason = NULL;
    enum hv_err err = decision_body(r, &decision, &reason);
    if (err != HV_OK)
        return err;
    enum hv_hit_status d;
    if (strcmp(decision, "true_match") == 0) {
        d = HV_HIT_TRUE_MATCH;
    } else if (strcmp(decision, "false_positive") == 0) {
        d = HV_HIT_FALSE_POSITIVE;
    } else {
        hv_diag_set(&r->diag, "decision", "must be true_match or false_positive");
        return HV_ERR_INVALID;
    }
    err = hv_screen_hit_decide(r->ctx, id, d, hv_str_c(reason), &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    hv_jw_key(&r->jw, "id");
    hv_jw_int(&r->jw, id);
    hv_jw_key(&r->jw, "status");
    hv_jw_strz(&r->jw, hv_hit_status_str(d));
    hv_jw_object_end(&r->jw);
    return HV_OK;
}
