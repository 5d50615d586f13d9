/* model_db.c - the part of a forecast model that comes from the database: the workflow's steps,
 * empirical step durations and branch frequencies from the step events completed before the
 * start, each case's step, people, stay and planned movement at the start, the sites and the
 * crossings with their status history.
 * SPDX-License-Identifier: Apache-2.0 */
#include "forecast/forecast_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/pipeline.h"
#include "haven/sites.h"
#include "haven/store.h"
#include "haven/str.h"

#define MAX_CASE_ID 50000000

struct fvec {
    float *v;
    size_t n, cap;
};

static void fvec_push(struct fvec *f, float x)
{
    if (f->n == f->cap) {
        f->cap = f->cap == 0 ? 64 : f->cap * 2;
        f->v = hv_xrealloc(f->v, f->cap * sizeof(float));
    }
    f->v[f->n++] = x;
}

static int cmp_float(const void *x, const void *y)
{
    float a = *(const float *)x, b = *(const float *)y;
    return (a > b) - (a < b);
}

struct ev {
    int step; /* -1: a step of another workflow */
    int64_t at;
};

struct hist {
    const struct hv_forecast_scenario *sc;
    struct hv_forecast_model *m;
    int64_t t0;       /* the start, seconds */
    struct fvec *dur; /* [n_steps] */
    uint32_t *trans;  /* [n_steps * n_steps] */
    const uint16_t *people;
    int32_t *case_index; /* case id -> model case, -1 */
    int64_t max_id;
    struct ev *evs;
    size_t n_evs, cap_evs;
};

static void finish_case(struct hist *h, int64_t case_id)
{
    struct hv_forecast_model *m = h->m;
    size_t n = h->n_evs;
    h->n_evs = 0;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (h->evs[i].step < 0) {
            m->n_skipped++;
            return;
        }
    }
    size_t k = SIZE_MAX; /* the last event at or before the start */
    for (size_t i = 0; i < n && h->evs[i].at <= h->t0; i++)
        k = i;
    double gov = 0;
    if (k != SIZE_MAX) {
        for (size_t i = 0; i < k; i++) {
            double d = (double)(h->evs[i + 1].at - h->evs[i].at) / HV_SECS_PER_DAY;
            int s = h->evs[i].step;
            fvec_push(&h->dur[s], (float)d);
            h->trans[(size_t)s * m->n_steps + (size_t)h->evs[i + 1].step]++;
            m->n_history_visits++;
            if (m->steps[s].gov)
                gov += d;
        }
    }
    const struct ev *cur = k != SIZE_MAX ? &h->evs[k] : &h->evs[0];
    if (m->steps[cur->step].terminal) {
        m->n_skipped++; /* travelled before the start */
        return;
    }
    struct fc_case0 *c = &m->cases[m->n_cases];
    memset(c, 0, sizeof(*c));
    c->step = (int16_t)cur->step;
    c->site = -1;
    c->arrive_site = -1;
    c->people = h->people != NULL && case_id <= h->max_id && h->people[case_id] > 0
                    ? h->people[case_id]
                    : 1;
    if (k != SIZE_MAX) {
        double el = (double)(h->t0 - cur->at) / HV_SECS_PER_DAY;
        c->elapsed = (float)el;
        if (m->steps[cur->step].gov)
            gov += el;
        c->gov_days = (float)gov;
    } else {
        c->arrive = (float)((double)(cur->at - h->t0) / HV_SECS_PER_DAY);
        if (c->arrive <= 0)
            c->arrive = 1e-6f;
    }
    if (case_id <= h->max_id)
        h->case_index[case_id] = (int32_t)m->n_cases;
    m->n_cases++;
}

static enum hv_err read_history(struct hv_ctx *ctx, struct hist *h, const char *workflow)
{
    static const char sql[] =
        "SELECT case_id, workflow, to_step, at FROM step_event ORDER BY case_id, at, id";
    struct hv_stmt *st;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &st);
    if (err != HV_OK)
        return err;
    int64_t cur = -1;
    char last_step[HV_WF_MAX_ID + 1] = "";
    int last_idx = -1;
    for (;;) {
        bool row;
        if ((err = hv_stmt_step(st, &row)) != HV_OK)
            return err;
        if (!row)
            break;
        int64_t id = hv_stmt_col_int(st, 0);
        if (id != cur) {
            if (cur >= 0)
                finish_case(h, cur);
            cur = id;
        }
        struct hv_str wf = hv_stmt_col_text(st, 1);
        struct hv_str to = hv_stmt_col_text(st, 2);
        int idx = -1;
        if (hv_str_eqz(wf, workflow)) {
            if (hv_str_eqz(to, last_step)) {
                idx = last_idx;
            } else {
                char z[HV_WF_MAX_ID + 1];
                size_t len = to.len < HV_WF_MAX_ID ? to.len : HV_WF_MAX_ID;
                memcpy(z, to.ptr, len);
                z[len] = '\0';
                idx = hv__forecast_find_step(h->m, z);
                memcpy(last_step, z, len + 1);
                last_idx = idx;
            }
        }
        if (h->n_evs == h->cap_evs) {
            h->cap_evs = h->cap_evs == 0 ? 64 : h->cap_evs * 2;
            h->evs = hv_xrealloc(h->evs, h->cap_evs * sizeof(*h->evs));
        }
        h->evs[h->n_evs++] = (struct ev){ idx, hv_stmt_col_int(st, 3) };
    }
    if (cur >= 0)
        finish_case(h, cur);
    return HV_OK;
}

static enum hv_err read_sites(struct hv_ctx *ctx, struct hv_arena *a, struct hv_forecast_model *m,
                              int64_t *site_ids)
{
    static const char sql[] = "SELECT id, ref, name, country, "
                              "family_rooms + single_men + single_women + minors "
                              "FROM site ORDER BY ref";
    struct hv_stmt *st;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &st);
    if (err != HV_OK)
        return err;
    for (;;) {
        bool row;
        if ((err = hv_stmt_step(st, &row)) != HV_OK)
            return err;
        if (!row)
            break;
        struct fc_site *s = &m->sites[m->n_sites];
        site_ids[m->n_sites] = hv_stmt_col_int(st, 0);
        s->ref = hv_str_dupz(a, hv_stmt_col_text(st, 1));
        s->name = hv_str_dupz(a, hv_stmt_col_text(st, 2));
        char *cc = hv_str_dupz(a, hv_stmt_col_text(st, 3));
        s->capacity = hv_stmt_col_int(st, 4);
        if (cc == NULL)
            return HV_ERR_LIMIT;
        s->country = hv__forecast_country(m, a, cc);
        m->n_sites++;
    }
    return HV_OK;
}

static enum hv_err read_crossings(struct hv_ctx *ctx, struct hv_arena *a,
                                  struct hv_forecast_model *m, size_t n_db)
{
    static const char sql[] = "SELECT id, ref, countries FROM crossing ORDER BY id";
    static const char sql_st[] = "SELECT crossing_id, at, status FROM crossing_status "
                                 "ORDER BY crossing_id, at, id";
    struct hv_stmt *st;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &st);
    if (err != HV_OK)
        return err;
    int64_t *ids = hv_arena_alloc_array(a, n_db + 1, sizeof(*ids));
    if (ids == NULL)
        return HV_ERR_LIMIT;
    for (;;) {
        bool row;
        if ((err = hv_stmt_step(st, &row)) != HV_OK)
            return err;
        if (!row || m->n_crossings == n_db)
            break;
        struct fc_crossing *x = &m->crossings[m->n_crossings];
        ids[m->n_crossings] = hv_stmt_col_int(st, 0);
        x->ref = hv_str_dupz(a, hv_stmt_col_text(st, 1));
        struct hv_str c = hv_stmt_col_text(st, 2);
        char cc[3] = "XX";
        if (c.len >= 2) {
            cc[0] = c.ptr[0];
            cc[1] = c.ptr[1];
        }
        x->country = hv__forecast_country(m, a, cc);
        m->n_crossings++;
    }
    if ((err = hv_store_stmt(ctx->store, sql_st, &st)) != HV_OK)
        return err;
    /* two passes would need the statement twice; collect into per-crossing heap arrays */
    size_t *cap = hv_xcalloc(n_db + 1, sizeof(*cap));
    double **t = hv_xcalloc(n_db + 1, sizeof(*t));
    uint8_t **s = hv_xcalloc(n_db + 1, sizeof(*s));
    for (;;) {
        bool row;
        if ((err = hv_stmt_step(st, &row)) != HV_OK || !row)
            break;
        int64_t id = hv_stmt_col_int(st, 0);
        size_t x = 0;
        while (x < m->n_crossings && ids[x] != id)
            x++;
        if (x == m->n_crossings)
            continue;
        enum hv_crossing_status cs;
        if (!hv_crossing_status_parse(hv_stmt_col_text(st, 2), &cs))
            continue;
        struct fc_crossing *c = &m->crossings[x];
        if (c->n == cap[x]) {
            cap[x] = cap[x] == 0 ? 8 : cap[x] * 2;
            t[x] = hv_xrealloc(t[x], cap[x] * sizeof(double));
            s[x] = hv_xrealloc(s[x], cap[x]);
        }
        t[x][c->n] = (double)(hv_stmt_col_int(st, 1) - (int64_t)m->start_day * HV_SECS_PER_DAY) /
                     HV_SECS_PER_DAY;
        s[x][c->n] = (uint8_t)cs;
        c->n++;
    }
    for (size_t x = 0; x < m->n_crossings; x++) {
        struct fc_crossing *c = &m->crossings[x];
        if (c->n > 0 && err == HV_OK) {
            double *tt = hv_arena_alloc_array(a, c->n, sizeof(double));
            uint8_t *ss = hv_arena_alloc_array(a, c->n, 1);
            if (tt == NULL || ss == NULL) {
                err = HV_ERR_LIMIT;
            } else {
                memcpy(tt, t[x], c->n * sizeof(double));
                memcpy(ss, s[x], c->n);
                c->t = tt;
                c->status = ss;
            }
        }
        free(t[x]);
        free(s[x]);
    }
    free(t);
    free(s);
    free(cap);
    return err;
}

static enum hv_err read_people(struct hv_ctx *ctx, uint16_t *people, int64_t max_id)
{
    static const char sql[] = "SELECT case_id, count(*) FROM person GROUP BY case_id";
    struct hv_stmt *st;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &st);
    if (err != HV_OK)
        return err;
    for (;;) {
        bool row;
        if ((err = hv_stmt_step(st, &row)) != HV_OK || !row)
            return err;
        int64_t id = hv_stmt_col_int(st, 0), n = hv_stmt_col_int(st, 1);
        if (id >= 0 && id <= max_id)
            people[id] = (uint16_t)(n > 60 ? 60 : n);
    }
}

static int site_index(const struct hv_forecast_model *m, const int64_t *site_ids, size_t n_db,
                      int64_t id)
{
    (void)m;
    for (size_t i = 0; i < n_db; i++) {
        if (site_ids[i] == id)
            return (int)i;
    }
    return -1;
}

static enum hv_err read_stays(struct hv_ctx *ctx, struct hist *h, const int64_t *site_ids,
                              size_t n_db_sites)
{
    static const char sql[] = "SELECT case_id, site_id, check_in FROM stay "
                              "WHERE check_in <= ?1 AND (check_out IS NULL OR check_out > ?1)";
    static const char sql_mv[] = "SELECT case_id, site_id, day FROM movement "
                                 "WHERE status IN ('planned', 'in_transit') ORDER BY id";
    struct hv_stmt *st;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &st);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 1, h->t0);
    while (err == HV_OK) {
        bool row;
        if ((err = hv_stmt_step(st, &row)) != HV_OK || !row)
            break;
        int64_t id = hv_stmt_col_int(st, 0);
        int s = site_index(h->m, site_ids, n_db_sites, hv_stmt_col_int(st, 1));
        if (id < 0 || id > h->max_id || h->case_index[id] < 0 || s < 0)
            continue;
        struct fc_case0 *c = &h->m->cases[h->case_index[id]];
        c->site = (int16_t)s;
        c->stay_start = (float)((double)(hv_stmt_col_int(st, 2) - h->t0) / HV_SECS_PER_DAY);
    }
    if (err != HV_OK)
        return err;
    if ((err = hv_store_stmt(ctx->store, sql_mv, &st)) != HV_OK)
        return err;
    for (;;) {
        bool row;
        if ((err = hv_stmt_step(st, &row)) != HV_OK || !row)
            return err;
        int64_t id = hv_stmt_col_int(st, 0);
        int s = site_index(h->m, site_ids, n_db_sites, hv_stmt_col_int(st, 1));
        char z[16];
        struct hv_str d = hv_stmt_col_text(st, 2);
        int32_t day;
        if (d.len != 10)
            continue;
        memcpy(z, d.ptr, 10);
        z[10] = '\0';
        if (!hv_day_parse(z, &day) || id < 0 || id > h->max_id || h->case_index[id] < 0 || s < 0)
            continue;
        struct fc_case0 *c = &h->m->cases[h->case_index[id]];
        if (c->site >= 0 || c->arrive > 0)
            continue;
        double off = (double)(day - h->m->start_day);
        c->arrive = (float)(off > 0 ? off : 1e-6);
        c->arrive_site = (int16_t)s;
    }
}

/* Steps with enough history get empirical durations and branch frequencies; the others keep
 * the workflow's first transition until the scenario says otherwise. */
static enum hv_err set_distributions(struct hv_arena *a, struct hist *h,
                                     const struct hv_workflow *wf)
{
    struct hv_forecast_model *m = h->m;
    for (size_t i = 0; i < m->n_steps; i++) {
        struct fc_step *st = &m->steps[i];
        struct fvec *f = &h->dur[i];
        st->n_hist = (uint32_t)f->n;
        if (st->terminal)
            continue;
        uint32_t total = 0, kinds = 0;
        for (size_t j = 0; j < m->n_steps; j++) {
            total += h->trans[i * m->n_steps + j];
            kinds += h->trans[i * m->n_steps + j] > 0;
        }
        if (f->n >= (size_t)h->sc->min_samples && f->n > 0 && total > 0) {
            qsort(f->v, f->n, sizeof(float), cmp_float);
            /* more visits than FC_EMP_POINTS: keep the quantile table (P0, P0.2, ... P100) the
             * draws interpolate in anyway; it stays in cache */
            size_t n_pts = f->n > FC_EMP_POINTS ? FC_EMP_POINTS : f->n;
            float *smp = hv_arena_alloc_array(a, n_pts, sizeof(float));
            uint16_t *nx = hv_arena_alloc_array(a, kinds, sizeof(*nx));
            double *cum = hv_arena_alloc_array(a, kinds, sizeof(*cum));
            if (smp == NULL || nx == NULL || cum == NULL)
                return HV_ERR_LIMIT;
            if (n_pts == f->n) {
                memcpy(smp, f->v, f->n * sizeof(float));
            } else {
                for (size_t k = 0; k < n_pts; k++) {
                    double x = (double)k / (double)(n_pts - 1) * (double)(f->n - 1);
                    size_t lo = (size_t)x;
                    double fr = x - (double)lo;
                    float hi = lo + 1 < f->n ? f->v[lo + 1] : f->v[lo];
                    smp[k] = (float)((double)f->v[lo] + fr * ((double)hi - (double)f->v[lo]));
                }
            }
            st->dur = (struct fc_dist){ FC_DIST_EMPIRICAL, 0, 0, smp, (uint32_t)n_pts };
            st->empirical = true;
            uint32_t k = 0, acc = 0;
            for (size_t j = 0; j < m->n_steps; j++) {
                uint32_t c = h->trans[i * m->n_steps + j];
                if (c == 0)
                    continue;
                acc += c;
                nx[k] = (uint16_t)j;
                cum[k] = (double)acc / total;
                k++;
            }
            cum[kinds - 1] = 1;
            st->next = nx;
            st->next_cum = cum;
            st->n_next = kinds;
        } else {
            uint16_t *nx = hv_arena_alloc(a, sizeof(*nx));
            double *cum = hv_arena_alloc(a, sizeof(*cum));
            if (nx == NULL || cum == NULL)
                return HV_ERR_LIMIT;
            nx[0] = (uint16_t)wf->steps[i].transitions[0].to_index;
            cum[0] = 1;
            st->next = nx;
            st->next_cum = cum;
            st->n_next = 1;
        }
    }
    return HV_OK;
}

enum hv_err hv__forecast_model_from_db(struct hv_ctx *ctx, struct hv_arena *a,
                                       const struct hv_forecast_scenario *sc,
                                       struct hv_forecast_model *m, struct hv_diag *diag)
{
    const struct hv_workflow *wf;
    enum hv_err err = hv_pipeline_workflow(ctx, a, hv_str_c(sc->workflow), &wf, diag);
    if (err != HV_OK) {
        hv_diag_at(diag, sc->file, 0);
        if (!hv_diag_has(diag) || err == HV_ERR_NOTFOUND)
            hv_diag_set(diag, "workflow", "no workflow %s", sc->workflow);
        return err;
    }
    m->n_steps = wf->n_steps;
    m->steps = hv_arena_alloc_array(a, wf->n_steps, sizeof(*m->steps));
    if (m->steps == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < wf->n_steps; i++) {
        m->steps[i].id = wf->steps[i].id;
        m->steps[i].gov = wf->steps[i].control == HV_WF_GOVERNMENT;
        m->steps[i].terminal = wf->steps[i].n_transitions == 0;
    }
    int clk = hv_workflow_clock(wf, HV_WF_STATUTORY_CLOCK);
    if (clk >= 0 && sc->statutory_days <= 0)
        m->statutory = (double)wf->clocks[clk].limit_days;

    int64_t n_sites = 0, n_cross = 0, n_cases = 0, max_id = 0;
    if ((err = hv_store_query_int(ctx->store, "SELECT count(*) FROM site", false, 0, 0,
                                  &n_sites)) != HV_OK ||
        (err = hv_store_query_int(ctx->store, "SELECT count(*) FROM crossing", false, 0, 0,
                                  &n_cross)) != HV_OK ||
        (err = hv_store_query_int(ctx->store, "SELECT count(*) FROM hv_case", false, 0, 0,
                                  &n_cases)) != HV_OK ||
        (err = hv_store_query_int(ctx->store, "SELECT coalesce(max(id), 0) FROM hv_case", false, 0,
                                  0, &max_id)) != HV_OK)
        return err;
    if (max_id > MAX_CASE_ID || n_cases > HV_FORECAST_MAX_CASES) {
        hv_diag_set(diag, NULL, "too many cases for a forecast");
        return HV_ERR_LIMIT;
    }
    if ((err = hv__forecast_model_alloc(a, sc, m, (size_t)n_sites, (size_t)n_cross, (size_t)n_cases,
                                        diag)) != HV_OK)
        return err;
    int64_t *site_ids = hv_arena_alloc_array(a, (size_t)n_sites + 1, sizeof(*site_ids));
    if (site_ids == NULL)
        return HV_ERR_LIMIT;
    if ((err = read_sites(ctx, a, m, site_ids)) != HV_OK ||
        (err = read_crossings(ctx, a, m, (size_t)n_cross)) != HV_OK)
        return err;

    struct hist h = { .sc = sc, .m = m, .t0 = (int64_t)sc->start * HV_SECS_PER_DAY };
    h.max_id = max_id;
    uint16_t *people = hv_xcalloc((size_t)max_id + 1, sizeof(*people));
    h.case_index = hv_xmalloc(((size_t)max_id + 1) * sizeof(int32_t));
    for (int64_t i = 0; i <= max_id; i++)
        h.case_index[i] = -1;
    h.dur = hv_xcalloc(m->n_steps, sizeof(*h.dur));
    h.trans = hv_xcalloc(m->n_steps * m->n_steps, sizeof(*h.trans));
    h.people = people;
    err = read_people(ctx, people, max_id);
    if (err == HV_OK)
        err = read_history(ctx, &h, sc->workflow);
    if (err == HV_OK)
        err = read_stays(ctx, &h, site_ids, (size_t)n_sites);
    if (err == HV_OK)
        err = set_distributions(a, &h, wf);
    for (size_t i = 0; i < m->n_steps; i++)
        free(h.dur[i].v);
    free(h.dur);
    free(h.trans);
    free(h.evs);
    free(h.case_index);
    free(people);
    if (err == HV_OK && m->n_cases == 0) {
        hv_diag_at(diag, sc->file, 0);
        hv_diag_set(diag, "workflow", "no case in the database has a %s history", sc->workflow);
        return HV_ERR_INVALID;
    }
    return err;
}
