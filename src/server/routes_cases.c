/* routes_cases.c - cases (search, list, the case page), pipeline transitions and holds, and
 * people. Personal fields are written only when the policy allows their class for the role
 * and the case's site and disclosure list; every person shown is an audit entry.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <stdio.h>
#include <string.h>

#include "haven/pipeline.h"
#include "haven/registry.h"
#include "haven/screening.h"
#include "haven/store.h"
#include "req_json.h"

#define SEARCH_MAX 200

static struct hv_str val(const struct hv_record *rec, const char *field)
{
    int i = hv_kind_field(rec->kind, hv_str_c(field));
    return i >= 0 ? rec->values[i] : HV_STR_NULL;
}

static void kv(struct hv_jw *w, const char *key, struct hv_str v)
{
    hv_jw_key(w, key);
    hv_jw_str(w, v);
}

/* --- the case list ------------------------------------------------------------------------- */

struct summary {
    int64_t id;
    struct hv_str ref, step, status, site, country, disclosure;
    int64_t risk, people;
    bool held;
};

static const char summary_sql[] =
    "SELECT c.id, c.ref, coalesce(c.step, ''), c.status, c.risk_level, coalesce(s.ref, ''), "
    "coalesce(s.country, ''), c.disclosure, "
    "(SELECT count(*) FROM person p WHERE p.case_id = c.id), "
    "EXISTS (SELECT 1 FROM case_hold h WHERE h.case_id = c.id AND h.resolved_at IS NULL) "
    "FROM hv_case c LEFT JOIN stay st ON st.case_id = c.id AND st.check_out IS NULL "
    "LEFT JOIN site s ON s.id = st.site_id WHERE c.id = ?1";

static enum hv_err load_summary(struct hv_rq *r, int64_t case_id, struct summary *out, bool *found)
{
    struct hv_stmt *s = NULL;
    bool row = false;
    *found = false;
    enum hv_err err = hv_store_stmt(r->ctx->store, summary_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, case_id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK || !row)
        return err;
    out->id = hv_stmt_col_int(s, 0);
    out->ref = hv_str_c(hv_str_dupz(r->a, hv_stmt_col_text(s, 1)));
    out->step = hv_str_c(hv_str_dupz(r->a, hv_stmt_col_text(s, 2)));
    out->status = hv_str_c(hv_str_dupz(r->a, hv_stmt_col_text(s, 3)));
    out->risk = hv_stmt_col_int(s, 4);
    out->site = hv_str_c(hv_str_dupz(r->a, hv_stmt_col_text(s, 5)));
    out->country = hv_str_c(hv_str_dupz(r->a, hv_stmt_col_text(s, 6)));
    out->disclosure = hv_str_c(hv_str_dupz(r->a, hv_stmt_col_text(s, 7)));
    out->people = hv_stmt_col_int(s, 8);
    out->held = hv_stmt_col_int(s, 9) != 0;
    *found = true;
    return hv_store_stmt(r->ctx->store, summary_sql, &s); /* reset: no open read */
}

static void summary_scope(const struct summary *c, struct hv_access_scope *sc, char *site,
                          char *country)
{
    memset(sc, 0, sizeof(*sc));
    snprintf(site, HV_ACCESS_MAX_REF, "%.*s", HV_STR_ARG(c->site));
    snprintf(country, 4, "%.*s", HV_STR_ARG(c->country));
    sc->site_ref = site[0] != '\0' ? site : NULL;
    sc->country = country[0] != '\0' ? country : NULL;
    sc->disclosure = c->disclosure;
    sc->has_disclosure = true;
}

/* The principal's name as given: given, father's (as "son of"-less Afghan usage shows it) and
 * family name, joined. */
static enum hv_err principal_name(struct hv_rq *r, int64_t case_id, int64_t *person_id,
                                  struct hv_str *name)
{
    static const char sql[] = "SELECT id FROM person WHERE case_id = ?1 AND relation = 'principal'";
    int64_t pid = 0;
    enum hv_err err = hv_store_query_int(r->ctx->store, sql, true, case_id, 0, &pid);
    *name = HV_STR_NULL;
    *person_id = pid;
    if (err != HV_OK || pid == 0)
        return err;
    struct hv_record rec;
    err = hv_record_get_id(r->ctx, r->a, hv_kind(HV_KIND_PERSON), pid, &rec);
    if (err != HV_OK)
        return err;
    struct hv_str parts[] = { val(&rec, "given_name"), val(&rec, "family_name") };
    size_t n = 0;
    for (size_t i = 0; i < HV_ARRAY_LEN(parts); i++)
        n += parts[i].len + 1;
    char *out = hv_arena_alloc(r->a, n + 1);
    if (out == NULL)
        return HV_ERR_LIMIT;
    size_t k = 0;
    for (size_t i = 0; i < HV_ARRAY_LEN(parts); i++) {
        if (parts[i].len == 0)
            continue;
        if (k > 0)
            out[k++] = ' ';
        memcpy(out + k, parts[i].ptr, parts[i].len);
        k += parts[i].len;
    }
    out[k] = '\0';
    *name = (struct hv_str){ out, k };
    return HV_OK;
}

/* Writes one list item; queues the audit entry when a name is shown. */
static enum hv_err write_summary(struct hv_rq *r, const struct summary *c, double score)
{
    struct hv_access_scope sc;
    char site[HV_ACCESS_MAX_REF], country[4];
    summary_scope(c, &sc, site, country);
    bool names = hv_access_sees(&r->sess.who, &sc, HV_FC_IDENTITY);
    struct hv_str name = HV_STR_NULL;
    int64_t pid = 0;
    if (names) {
        enum hv_err err = principal_name(r, c->id, &pid, &name);
        if (err != HV_OK)
            return err;
        if (pid != 0) {
            char detail[64];
            snprintf(detail, sizeof(detail), "case %lld list", (long long)c->id);
            err = hv__audit_push(r, "person.read", "person", pid, detail);
            if (err != HV_OK)
                return err;
        }
    }
    struct hv_jw *w = &r->jw;
    hv_jw_object_begin(w);
    kv(w, "id", c->ref);
    hv_jw_key(w, "principal_name");
    if (names)
        hv_jw_str(w, name);
    else
        hv_jw_null(w);
    hv_jw_key(w, "people");
    hv_jw_int(w, c->people);
    kv(w, "step", c->step);
    kv(w, "status", c->status);
    hv_jw_key(w, "risk");
    hv_jw_int(w, c->risk);
    hv_jw_key(w, "site");
    if (c->site.len > 0)
        hv_jw_str(w, c->site);
    else
        hv_jw_null(w);
    hv_jw_key(w, "held");
    hv_jw_bool(w, c->held);
    if (score >= 0) {
        hv_jw_key(w, "score");
        hv_jw_double(w, score);
    }
    hv_jw_object_end(w);
    return HV_OK;
}

/* Whether a site manager may list the case (it is at one of their sites). */
static bool listable(struct hv_rq *r, const struct summary *c)
{
    char site[HV_ACCESS_MAX_REF];
    snprintf(site, sizeof(site), "%.*s", HV_STR_ARG(c->site));
    return hv_access_site_allowed(&r->sess.who, site);
}

static bool param(struct hv_rq *r, const char *name, struct hv_str *out)
{
    return hv__query_get(r->a, r->req->query, name, out) && out->len > 0;
}

enum hv_err hv__h_cases(struct hv_rq *r)
{
    static const char list_sql[] =
        "SELECT c.id FROM hv_case c LEFT JOIN stay st ON st.case_id = c.id AND st.check_out IS "
        "NULL LEFT JOIN site s ON s.id = st.site_id WHERE (?1 = '' OR c.step = ?1) AND "
        "(?2 = '' OR c.status = ?2) AND (?3 = '' OR s.ref = ?3) AND "
        "(?4 = '' OR instr(?4, ';' || s.ref || ';') > 0) ORDER BY c.id";
    int64_t limit = 0, offset = 0;
    enum hv_err err = hv__query_page(r, &limit, &offset);
    if (err != HV_OK)
        return err;
    struct hv_str q = HV_STR_NULL, doc = HV_STR_NULL, step = HV_STR(""), status = HV_STR(""),
                  site = HV_STR("");
    bool has_q = param(r, "q", &q), has_doc = param(r, "doc", &doc);
    if (!param(r, "step", &step))
        step = HV_STR("");
    if (!param(r, "status", &status))
        status = HV_STR("");
    if (!param(r, "site", &site))
        site = HV_STR("");
    /* A site manager's list is limited to their sites. */
    char scope_sites[HV_ACCESS_MAX_SITES * (HV_ACCESS_MAX_REF + 1) + 2] = "";
    if (r->sess.who.role == HV_ROLE_SITE_MANAGER) {
        size_t k = 0;
        scope_sites[k++] = ';';
        for (size_t i = 0; i < r->sess.who.n_sites; i++)
            k += (size_t)snprintf(scope_sites + k, sizeof(scope_sites) - k, "%s;",
                                  r->sess.who.sites[i]);
    }
    int64_t *ids = NULL;
    double *scores = NULL;
    size_t n = 0;
    if (has_q || has_doc) {
        /* Name (names engine, misspellings found) or document number. */
        ids = hv_arena_alloc_array(r->a, SEARCH_MAX, sizeof(*ids));
        scores = hv_arena_alloc_array(r->a, SEARCH_MAX, sizeof(*scores));
        if (ids == NULL || scores == NULL)
            return HV_ERR_LIMIT;
        if (has_q) {
            if (q.len > 200) {
                hv_diag_set(&r->diag, "q", "longer than 200 bytes");
                return HV_ERR_INVALID;
            }
            struct hv_search_hit *hits = NULL;
            size_t nh = 0;
            err = hv__search_run(r->srv->search, r->a, q, 0.75, SEARCH_MAX, &hits, &nh);
            if (err == HV_ERR_LIMIT || err == HV_ERR_INVALID) {
                hv_diag_set(&r->diag, "q", "not a name the engine can read");
                return HV_ERR_INVALID;
            }
            if (err != HV_OK)
                return err;
            for (size_t i = 0; i < nh; i++) {
                ids[n] = hits[i].case_id;
                scores[n++] = hits[i].score;
            }
        } else {
            if (doc.len > 64) {
                hv_diag_set(&r->diag, "doc", "longer than 64 bytes");
                return HV_ERR_INVALID;
            }
            struct hv_person_hit *hits = NULL;
            size_t nh = 0;
            err = hv_person_find(r->ctx, r->a, HV_STR_NULL, doc, SEARCH_MAX, &hits, &nh, &r->diag);
            if (err != HV_OK)
                return err;
            for (size_t i = 0; i < nh; i++) {
                int64_t cid = hits[i].person.parent_id;
                bool dup = false;
                for (size_t j = 0; j < n; j++)
                    dup = dup || ids[j] == cid;
                if (!dup) {
                    ids[n] = cid;
                    scores[n++] = 1.0;
                }
            }
        }
    } else {
        struct hv_stmt *s = NULL;
        bool row = false;
        size_t cap = 1024;
        ids = hv_arena_alloc_array(r->a, cap, sizeof(*ids));
        if (ids == NULL)
            return HV_ERR_LIMIT;
        err = hv_store_stmt(r->ctx->store, list_sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 1, step);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 2, status);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 3, site);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 4, hv_str_c(scope_sites));
        while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
            if (n == cap) {
                int64_t *bigger = hv_arena_alloc_array(r->a, cap * 2, sizeof(*ids));
                if (bigger == NULL)
                    return HV_ERR_LIMIT;
                memcpy(bigger, ids, cap * sizeof(*ids));
                ids = bigger;
                cap *= 2;
            }
            ids[n++] = hv_stmt_col_int(s, 0);
        }
        enum hv_err rerr = hv_store_stmt(r->ctx->store, list_sql, &s);
        if (err == HV_OK)
            err = rerr;
        if (err != HV_OK)
            return err;
    }
    /* Filter searches by the other parameters and the site scope, then page. */
    hv__list_begin(r);
    int64_t total = 0;
    /* A search without other filters, by a role without a site scope: every hit counts, so
     * only the page's cases are loaded. */
    bool filtered =
        step.len > 0 || status.len > 0 || site.len > 0 || r->sess.who.role == HV_ROLE_SITE_MANAGER;
    bool search = (has_q || has_doc) && filtered;
    for (size_t i = 0; i < n; i++) {
        struct summary c;
        bool found = false;
        if (search || ((int64_t)i >= offset && (int64_t)i < offset + limit)) {
            err = load_summary(r, ids[i], &c, &found);
            if (err != HV_OK)
                return err;
            if (!found)
                continue;
        }
        if (search) {
            if ((step.len > 0 && !hv_str_eq(step, c.step)) ||
                (status.len > 0 && !hv_str_eq(status, c.status)) ||
                (site.len > 0 && !hv_str_eq(site, c.site)) || !listable(r, &c))
                continue;
            int64_t k = total++;
            if (k < offset || k >= offset + limit)
                continue;
            err = write_summary(r, &c, scores[i]);
        } else {
            total++;
            if (!found)
                continue;
            err = write_summary(r, &c, has_q || has_doc ? scores[i] : -1);
        }
        if (err != HV_OK)
            return err;
    }
    hv__list_end(r, total, limit, offset);
    return HV_OK;
}

/* --- the case page ------------------------------------------------------------------------- */

/* A record's fields under their API names ({api key, registry field}), in output order. */
struct api_field {
    const char *key, *field;
};

static void write_fields(struct hv_jw *w, const struct hv_record *rec, const struct api_field *f,
                         size_t n)
{
    for (size_t i = 0; i < n; i++)
        kv(w, f[i].key, val(rec, f[i].field));
}

static const struct api_field person_ids[] = { { "id", "ref" }, { "relation", "relation" } };
static const struct api_field person_identity[] = {
    { "given", "given_name" },    { "family", "family_name" },
    { "father", "father_name" },  { "grandfather", "grandfather_name" },
    { "native", "native_name" },  { "sex", "sex" },
    { "birth", "birth_date" },    { "nationality", "nationality" },
    { "languages", "languages" }, { "needs", "needs" },
};
static const struct api_field document_fields[] = {
    { "id", "ref" },
    { "person_id", "person_ref" },
    { "kind", "kind" },
    { "number", "number" },
    { "issuer", "issuer" },
    { "issued_on", "issued_on" },
    { "expires_on", "expires_on" },
};
static const struct api_field employment_fields[] = {
    { "id", "ref" },
    { "person_id", "person_ref" },
    { "employer", "employer" },
    { "hire_type", "hire_type" },
    { "contractor", "contractor" },
    { "role", "role" },
    { "start_date", "start_date" },
    { "end_date", "end_date" },
    { "supervisor", "supervisor" },
    { "verification", "verification" },
    { "evidence", "evidence" },
};

static void write_person(struct hv_jw *w, const struct hv_record *p, bool identity)
{
    hv_jw_object_begin(w);
    write_fields(w, p, person_ids, HV_ARRAY_LEN(person_ids));
    if (identity)
        write_fields(w, p, person_identity, HV_ARRAY_LEN(person_identity));
    hv_jw_object_end(w);
}

static void write_record(struct hv_jw *w, const struct hv_record *rec, const struct api_field *f,
                         size_t n)
{
    hv_jw_object_begin(w);
    write_fields(w, rec, f, n);
    hv_jw_object_end(w);
}

static enum hv_err write_timeline(struct hv_rq *r, struct hv_str ref, bool notes)
{
    struct hv_step_event *ev = NULL;
    struct hv_hold *holds = NULL;
    size_t n_ev = 0, n_holds = 0;
    struct hv_jw *w = &r->jw;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_pipeline_history(r->ctx, r->a, ref, &ev, &n_ev, &holds, &n_holds, &d);
    if (err != HV_OK)
        return err;
    hv_jw_key(w, "timeline");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < n_ev; i++) {
        char at[21];
        hv_time_format(ev[i].at, at);
        hv_jw_object_begin(w);
        hv_jw_key(w, "at");
        hv_jw_strz(w, at);
        hv_jw_key(w, "from");
        hv_jw_strz(w, ev[i].from);
        hv_jw_key(w, "to");
        hv_jw_strz(w, ev[i].to);
        hv_jw_key(w, "actor");
        hv_jw_strz(w, ev[i].actor);
        hv_jw_key(w, "note");
        hv_jw_strz(w, notes ? ev[i].note : "");
        hv_jw_key(w, "evidence");
        hv_jw_strz(w, ev[i].evidence);
        hv_jw_key(w, "override_reason");
        hv_jw_strz(w, ev[i].override_reason);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_key(w, "holds");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < n_holds; i++) {
        char at[21];
        hv_time_format(holds[i].opened_at, at);
        hv_jw_object_begin(w);
        hv_jw_key(w, "id");
        hv_jw_int(w, holds[i].id);
        hv_jw_key(w, "kind");
        hv_jw_strz(w, holds[i].kind);
        hv_jw_key(w, "reason");
        hv_jw_strz(w, holds[i].reason_code);
        hv_jw_key(w, "opened_at");
        hv_jw_strz(w, at);
        hv_jw_key(w, "opened_by");
        hv_jw_strz(w, holds[i].opened_by);
        hv_jw_key(w, "open");
        hv_jw_bool(w, holds[i].resolved_at == 0);
        hv_jw_key(w, "resolution");
        hv_jw_strz(w, holds[i].resolution);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    struct hv_case_clock ck;
    err = hv_pipeline_case_clock(r->ctx, ref, 0, &ck, &d);
    hv_jw_key(w, "clocks");
    hv_jw_object_begin(w);
    if (err == HV_OK) {
        hv_jw_key(w, "government_days");
        hv_jw_double(w, (double)ck.statutory / 86400.0);
        hv_jw_key(w, "statutory_days");
        hv_jw_double(w, (double)ck.limit / 86400.0);
        hv_jw_key(w, "days_in_step");
        hv_jw_double(w, (double)ck.time_in_step / 86400.0);
        hv_jw_key(w, "over");
        hv_jw_bool(w, ck.over);
        hv_jw_key(w, "high_risk");
        hv_jw_bool(w, ck.high_risk);
        hv_jw_key(w, "held");
        hv_jw_bool(w, ck.held);
    }
    hv_jw_object_end(w);
    return err == HV_ERR_NOTFOUND || err == HV_ERR_INVALID ? HV_OK : err;
}

static enum hv_err write_hits(struct hv_rq *r, int64_t case_id)
{
    static const char sql[] = "SELECT h.id, p.ref, h.list_name, h.entry_ref, h.score, h.status "
                              "FROM screening_hit h JOIN person p ON p.id = h.person_id "
                              "WHERE h.case_id = ?1 ORDER BY h.id";
    struct hv_stmt *s = NULL;
    bool row = false;
    struct hv_jw *w = &r->jw;
    hv_jw_key(w, "hits");
    hv_jw_array_begin(w);
    enum hv_err err = hv_store_stmt(r->ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, case_id);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        hv_jw_object_begin(w);
        hv_jw_key(w, "id");
        hv_jw_int(w, hv_stmt_col_int(s, 0));
        kv(w, "person_id", hv_stmt_col_text(s, 1));
        kv(w, "list", hv_stmt_col_text(s, 2));
        kv(w, "entry", hv_stmt_col_text(s, 3));
        hv_jw_key(w, "score");
        hv_jw_double(w, hv_stmt_col_double(s, 4));
        kv(w, "status", hv_stmt_col_text(s, 5));
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    return err;
}

static enum hv_err write_duplicates(struct hv_rq *r, int64_t case_id)
{
    static const char sql[] =
        "SELECT m.id, pa.ref, pb.ref, m.prob, m.decision, pa.case_id FROM match_pair m "
        "JOIN person pa ON pa.id = m.person_a JOIN person pb ON pb.id = m.person_b "
        "WHERE m.person_a IN (SELECT id FROM person WHERE case_id = ?1) OR "
        "m.person_b IN (SELECT id FROM person WHERE case_id = ?1) ORDER BY m.id";
    struct hv_stmt *s = NULL;
    bool row = false;
    struct hv_jw *w = &r->jw;
    hv_jw_key(w, "duplicates");
    hv_jw_array_begin(w);
    enum hv_err err = hv_store_stmt(r->ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, case_id);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        bool a_here = hv_stmt_col_int(s, 5) == case_id;
        hv_jw_object_begin(w);
        hv_jw_key(w, "pair_id");
        hv_jw_int(w, hv_stmt_col_int(s, 0));
        kv(w, "person_id", hv_stmt_col_text(s, a_here ? 1 : 2));
        kv(w, "other_person_id", hv_stmt_col_text(s, a_here ? 2 : 1));
        hv_jw_key(w, "score");
        hv_jw_double(w, hv_stmt_col_double(s, 3));
        kv(w, "status", hv_stmt_col_text(s, 4));
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    return err;
}

/* The transitions out of the case's current step with the evidence each needs. */
static enum hv_err write_next_steps(struct hv_rq *r, const struct hv_record *kase)
{
    struct hv_jw *w = &r->jw;
    struct hv_str wf_id = val(kase, "workflow"), step = val(kase, "step");
    hv_jw_key(w, "next_steps");
    hv_jw_array_begin(w);
    if (wf_id.len > 0 && step.len > 0) {
        const struct hv_workflow *wf = NULL;
        struct hv_worker *wk = r->w;
        for (size_t i = 0; i < wk->n_wf && wf == NULL; i++) {
            if (hv_str_eqz(wf_id, wk->wf[i]->id))
                wf = wk->wf[i];
        }
        if (wf == NULL) {
            struct hv_diag d;
            hv_diag_clear(&d);
            bool keep = wk->n_wf < HV_ARRAY_LEN(wk->wf);
            enum hv_err err =
                hv_pipeline_workflow(r->ctx, keep ? &wk->wf_arena : r->a, wf_id, &wf, &d);
            if (err != HV_OK && err != HV_ERR_NOTFOUND)
                return err;
            if (wf != NULL && keep)
                wk->wf[wk->n_wf++] = wf;
        }
        int i = wf != NULL ? hv_workflow_step(wf, step) : -1;
        for (size_t t = 0; i >= 0 && t < wf->steps[i].n_transitions; t++) {
            const struct hv_wf_transition *tr = &wf->steps[i].transitions[t];
            hv_jw_object_begin(w);
            hv_jw_key(w, "to");
            hv_jw_strz(w, tr->to);
            hv_jw_key(w, "name");
            hv_jw_strz(w, wf->steps[tr->to_index].name);
            hv_jw_key(w, "evidence");
            hv_jw_array_begin(w);
            for (size_t e = 0; e < tr->n_evidence; e++)
                hv_jw_strz(w, tr->evidence[e]);
            hv_jw_array_end(w);
            hv_jw_object_end(w);
        }
    }
    hv_jw_array_end(w);
    return HV_OK;
}

enum hv_err hv__h_case(struct hv_rq *r)
{
    struct hv_case_scope cs;
    enum hv_err err = hv__case_scope(r, r->id, &cs);
    if (err != HV_OK)
        return err;
    err = hv__check(r, &cs.scope, HV_FC_NONE, "case", cs.case_id);
    if (err != HV_OK)
        return err;
    const struct hv_principal *who = &r->sess.who;
    bool identity = hv_access_sees(who, &cs.scope, HV_FC_IDENTITY);
    bool documents = hv_access_sees(who, &cs.scope, HV_FC_DOCUMENT);
    bool employment = hv_access_sees(who, &cs.scope, HV_FC_EMPLOYMENT);
    bool screening = hv_access_sees(who, &cs.scope, HV_FC_SCREENING);
    struct hv_case_view v;
    err = hv_case_view_get(r->ctx, r->a, r->id, &v);
    if (err != HV_OK)
        return err;
    struct hv_jw *w = &r->jw;
    hv_jw_object_begin(w);
    kv(w, "id", val(&v.kase, "ref"));
    kv(w, "programme", val(&v.kase, "programme"));
    kv(w, "status", val(&v.kase, "status"));
    kv(w, "workflow", val(&v.kase, "workflow"));
    kv(w, "step", val(&v.kase, "step"));
    hv_jw_key(w, "risk");
    int64_t risk = 0;
    if (!hv_parse_i64(val(&v.kase, "risk_level"), &risk))
        risk = 0;
    hv_jw_int(w, risk);
    hv_jw_key(w, "site");
    hv_jw_strz(w, cs.scope.site_ref);
    kv(w, "location", val(&v.kase, "location_ref"));
    kv(w, "disclosure", val(&v.kase, "disclosure"));
    hv_jw_key(w, "visible");
    hv_jw_object_begin(w);
    hv_jw_key(w, "identity");
    hv_jw_bool(w, identity);
    hv_jw_key(w, "documents");
    hv_jw_bool(w, documents);
    hv_jw_key(w, "employment");
    hv_jw_bool(w, employment);
    hv_jw_key(w, "screening");
    hv_jw_bool(w, screening);
    hv_jw_object_end(w);
    hv_jw_key(w, "people");
    hv_jw_array_begin(w);
    char fields[96];
    snprintf(fields, sizeof(fields), "case %lld:%s%s%s%s", (long long)cs.case_id,
             identity ? " identity" : "", documents ? " document" : "",
             employment ? " employment" : "", screening ? " screening" : "");
    for (size_t i = 0; i < v.n_people; i++) {
        write_person(w, &v.people[i], identity);
        if (identity || documents || employment) {
            err = hv__audit_push(r, "person.read", "person", v.people[i].id, fields);
            if (err != HV_OK)
                return err;
        }
    }
    hv_jw_array_end(w);
    hv_jw_key(w, "documents");
    hv_jw_array_begin(w);
    for (size_t i = 0; documents && i < v.n_documents; i++)
        write_record(w, &v.documents[i], document_fields, HV_ARRAY_LEN(document_fields));
    hv_jw_array_end(w);
    hv_jw_key(w, "employment");
    hv_jw_array_begin(w);
    for (size_t i = 0; employment && i < v.n_employment; i++)
        write_record(w, &v.employment[i], employment_fields, HV_ARRAY_LEN(employment_fields));
    hv_jw_array_end(w);
    err = write_next_steps(r, &v.kase);
    if (err == HV_OK)
        err = write_timeline(r, r->id, identity);
    if (err == HV_OK && screening)
        err = write_hits(r, cs.case_id);
    if (err == HV_OK && screening)
        err = write_duplicates(r, cs.case_id);
    if (!screening) {
        hv_jw_key(w, "hits");
        hv_jw_array_begin(w);
        hv_jw_array_end(w);
        hv_jw_key(w, "duplicates");
        hv_jw_array_begin(w);
        hv_jw_array_end(w);
    }
    hv_jw_object_end(w);
    return err;
}

/* --- pipeline ------------------------------------------------------------------------------ */

/* The step after the case's current one (its workflow's first transition). */
static enum hv_err next_step(struct hv_rq *r, const char **to)
{
    struct hv_case_view v;
    enum hv_err err = hv_record_get(r->ctx, r->a, hv_kind(HV_KIND_CASE), r->id, &v.kase);
    if (err != HV_OK)
        return err;
    struct hv_str wf_id = val(&v.kase, "workflow"), step = val(&v.kase, "step");
    if (wf_id.len == 0 || step.len == 0) {
        hv_diag_set(&r->diag, "to", "the case has no pipeline step yet: give \"to\"");
        return HV_ERR_INVALID;
    }
    const struct hv_workflow *wf = NULL;
    err = hv_pipeline_workflow(r->ctx, r->a, wf_id, &wf, &r->diag);
    if (err != HV_OK)
        return err;
    int i = hv_workflow_step(wf, step);
    if (i < 0 || wf->steps[i].n_transitions == 0) {
        hv_diag_set(&r->diag, "to", "the case is at a final step");
        return HV_ERR_CONFLICT;
    }
    *to = wf->steps[i].transitions[0].to;
    return HV_OK;
}

enum hv_err hv__h_case_advance(struct hv_rq *r)
{
    const char *to = NULL, *note = NULL, **evidence = NULL;
    size_t n_evidence = 0;
    const struct hv_jfield fields[] = {
        { .name = "to", .type = HV_JF_STRING, .max_len = 48, .str = &to },
        { .name = "note", .type = HV_JF_STRING, .max_len = 1000, .str = &note },
        { .name = "evidence",
          .type = HV_JF_STRINGS,
          .max_len = 120,
          .max_items = HV_PIPELINE_MAX_EVIDENCE,
          .strs = &evidence,
          .n_strs = &n_evidence },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 3, &r->diag);
    if (err != HV_OK)
        return err;
    struct hv_case_scope cs;
    err = hv__case_scope(r, r->id, &cs);
    if (err == HV_OK)
        err = hv__check(r, &cs.scope, HV_FC_NONE, "case", cs.case_id);
    if (err == HV_OK && (to == NULL || to[0] == '\0'))
        err = next_step(r, &to);
    if (err != HV_OK)
        return err;
    err = hv_pipeline_advance(r->ctx, r->id, to, evidence, n_evidence,
                              note != NULL ? hv_str_c(note) : HV_STR_NULL, 0, &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    kv(&r->jw, "id", r->id);
    hv_jw_key(&r->jw, "step");
    hv_jw_strz(&r->jw, to);
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

enum hv_err hv__h_case_hold(struct hv_rq *r)
{
    const char *reason = NULL;
    const struct hv_jfield fields[] = {
        { .name = "reason", .type = HV_JF_STRING, .max_len = 64, .str = &reason },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 1, &r->diag);
    if (err != HV_OK)
        return err;
    struct hv_case_scope cs;
    err = hv__case_scope(r, r->id, &cs);
    if (err == HV_OK)
        err = hv__check(r, &cs.scope, HV_FC_NONE, "case", cs.case_id);
    int64_t hold_id = 0;
    if (err == HV_OK)
        err = hv_pipeline_hold_open(r->ctx, r->id, HV_HOLD_MANUAL,
                                    reason != NULL && reason[0] != '\0' ? reason : "manual", 0,
                                    &hold_id, &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    kv(&r->jw, "id", r->id);
    hv_jw_key(&r->jw, "hold_id");
    hv_jw_int(&r->jw, hold_id);
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

enum hv_err hv__h_case_release(struct hv_rq *r)
{
    const struct hv_jfield *none = NULL;
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, none, 0, &r->diag);
    if (err != HV_OK)
        return err;
    struct hv_case_scope cs;
    err = hv__case_scope(r, r->id, &cs);
    if (err == HV_OK)
        err = hv__check(r, &cs.scope, HV_FC_NONE, "case", cs.case_id);
    int64_t n = 0;
    if (err == HV_OK)
        err = hv_pipeline_hold_release_case(r->ctx, r->id, 0, &n, &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    kv(&r->jw, "id", r->id);
    hv_jw_key(&r->jw, "released");
    hv_jw_int(&r->jw, n);
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

/* --- people -------------------------------------------------------------------------------- */

enum hv_err hv__h_person(struct hv_rq *r)
{
    static const char sql[] = "SELECT c.ref FROM person p JOIN hv_case c ON c.id = p.case_id "
                              "WHERE p.ref = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(r->ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, r->id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(&r->diag, NULL, "no such person");
        return HV_ERR_NOTFOUND;
    }
    char *case_ref = hv_str_dupz(r->a, hv_stmt_col_text(s, 0));
    err = hv_store_stmt(r->ctx->store, sql, &s);
    if (err != HV_OK || case_ref == NULL)
        return err != HV_OK ? err : HV_ERR_LIMIT;
    struct hv_case_scope cs;
    err = hv__case_scope(r, hv_str_c(case_ref), &cs);
    if (err == HV_OK)
        err = hv__check(r, &cs.scope, HV_FC_IDENTITY, "case", cs.case_id);
    if (err != HV_OK)
        return err;
    struct hv_case_view v;
    err = hv_case_view_get(r->ctx, r->a, hv_str_c(case_ref), &v);
    if (err != HV_OK)
        return err;
    const struct hv_record *p = NULL;
    for (size_t i = 0; i < v.n_people; i++) {
        if (hv_str_eq(val(&v.people[i], "ref"), r->id))
            p = &v.people[i];
    }
    if (p == NULL)
        return HV_ERR_NOTFOUND;
    bool documents = hv_access_sees(&r->sess.who, &cs.scope, HV_FC_DOCUMENT);
    char detail[64];
    snprintf(detail, sizeof(detail), "case %lld: identity%s", (long long)cs.case_id,
             documents ? " document" : "");
    err = hv__audit_push(r, "person.read", "person", p->id, detail);
    if (err != HV_OK)
        return err;
    struct hv_jw *w = &r->jw;
    hv_jw_object_begin(w);
    hv_jw_key(w, "person");
    write_person(w, p, true);
    hv_jw_key(w, "case_id");
    hv_jw_strz(w, case_ref);
    hv_jw_key(w, "documents");
    hv_jw_array_begin(w);
    for (size_t i = 0; documents && i < v.n_documents; i++) {
        if (hv_str_eq(val(&v.documents[i], "person_ref"), r->id))
            write_record(w, &v.documents[i], document_fields, HV_ARRAY_LEN(document_fields));
    }
    hv_jw_array_end(w);
    hv_jw_object_end(w);
    return HV_OK;
}
