/* model_export.c - writes a compiled forecast model as JSON: every parameter and case state a
 * replication uses, so that a peer implementation (bench/forecast/simpy_forecast.py) runs
 * exactly the same model.
 * SPDX-License-Identifier: Apache-2.0 */
#include "forecast/forecast_int.h"

#include <math.h>

#include "haven/jsonw.h"

static void num(struct hv_jw *w, const char *key, double v)
{
    hv_jw_key(w, key);
    if (isfinite(v))
        hv_jw_double(w, v);
    else
        hv_jw_null(w); /* open-ended */
}

static void int_key(struct hv_jw *w, const char *key, int64_t v)
{
    hv_jw_key(w, key);
    hv_jw_int(w, v);
}

static const char *dist_name(enum fc_dist_kind k)
{
    switch (k) {
    case FC_DIST_FIXED:
        return "fixed";
    case FC_DIST_EXP:
        return "exp";
    case FC_DIST_LOGNORMAL:
        return "lognormal";
    case FC_DIST_EMPIRICAL:
        return "empirical";
    case FC_DIST_NONE:
        break;
    }
    return "none";
}

static void steps(struct hv_jw *w, const struct hv_forecast_model *m)
{
    hv_jw_key(w, "steps");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < m->n_steps; i++) {
        const struct fc_step *s = &m->steps[i];
        hv_jw_object_begin(w);
        hv_jw_key(w, "id");
        hv_jw_strz(w, s->id);
        hv_jw_key(w, "gov");
        hv_jw_bool(w, s->gov);
        hv_jw_key(w, "terminal");
        hv_jw_bool(w, s->terminal);
        int_key(w, "servers", s->servers);
        int_key(w, "per_week", s->per_week);
        hv_jw_key(w, "dist");
        hv_jw_strz(w, dist_name(s->dur.kind));
        num(w, "a", s->dur.a);
        num(w, "b", s->dur.b);
        hv_jw_key(w, "samples");
        hv_jw_array_begin(w);
        for (uint32_t k = 0; k < s->dur.n; k++)
            hv_jw_double(w, (double)s->dur.samples[k]);
        hv_jw_array_end(w);
        hv_jw_key(w, "next");
        hv_jw_array_begin(w);
        for (uint32_t k = 0; k < s->n_next; k++)
            hv_jw_int(w, s->next[k]);
        hv_jw_array_end(w);
        hv_jw_key(w, "next_cum");
        hv_jw_array_begin(w);
        for (uint32_t k = 0; k < s->n_next; k++)
            hv_jw_double(w, s->next_cum[k]);
        hv_jw_array_end(w);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
}

static void places(struct hv_jw *w, const struct hv_forecast_model *m)
{
    hv_jw_key(w, "windows");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < m->n_windows; i++) {
        hv_jw_object_begin(w);
        int_key(w, "step", m->windows[i].step);
        num(w, "from", m->windows[i].from);
        num(w, "to", m->windows[i].to);
        num(w, "factor", m->windows[i].factor);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_key(w, "countries");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < m->n_countries; i++) {
        hv_jw_object_begin(w);
        hv_jw_key(w, "code");
        hv_jw_strz(w, m->countries[i].code);
        int_key(w, "quota", m->countries[i].quota);
        num(w, "max_stay", m->countries[i].max_stay);
        hv_jw_key(w, "overflow");
        hv_jw_bool(w, m->countries[i].overflow);
        int_key(w, "capacity", m->countries[i].capacity);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_key(w, "sites");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < m->n_sites; i++) {
        hv_jw_object_begin(w);
        hv_jw_key(w, "ref");
        hv_jw_strz(w, m->sites[i].ref);
        int_key(w, "country", m->sites[i].country);
        int_key(w, "capacity", m->sites[i].capacity);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_key(w, "crossings");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < m->n_crossings; i++) {
        const struct fc_crossing *x = &m->crossings[i];
        hv_jw_object_begin(w);
        hv_jw_key(w, "ref");
        hv_jw_strz(w, x->ref);
        int_key(w, "country", x->country);
        hv_jw_key(w, "t");
        hv_jw_array_begin(w);
        for (uint32_t k = 0; k < x->n; k++)
            hv_jw_double(w, x->t[k]);
        hv_jw_array_end(w);
        hv_jw_key(w, "status"); /* 1 open, 2 restricted, 3 closed */
        hv_jw_array_begin(w);
        for (uint32_t k = 0; k < x->n; k++)
            hv_jw_int(w, x->status[k]);
        hv_jw_array_end(w);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_key(w, "flows");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < m->n_flows; i++) {
        const struct fc_flow *f = &m->flows[i];
        hv_jw_object_begin(w);
        int_key(w, "crossing", f->crossing);
        int_key(w, "country", f->country);
        num(w, "from", f->from);
        num(w, "to", f->to);
        num(w, "per_week", f->per_week);
        hv_jw_key(w, "restricted_ok");
        hv_jw_bool(w, f->restricted_ok);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
}

#define COLUMN(name, expr)                           \
    do {                                             \
        hv_jw_key(&w, name);                         \
        hv_jw_array_begin(&w);                       \
        for (size_t i = 0; i < m->n_cases; i++) {    \
            const struct fc_case0 *c = &m->cases[i]; \
            expr;                                    \
        }                                            \
        hv_jw_array_end(&w);                         \
    } while (0)

enum hv_err hv_forecast_model_write_json(const struct hv_forecast_model *m, struct hv_buf *out)
{
    struct hv_jw w;
    hv_jw_init(&w, out, false);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "name");
    hv_jw_strz(&w, m->name);
    int_key(&w, "start_day", m->start_day);
    int_key(&w, "weeks", m->weeks);
    num(&w, "horizon", m->horizon);
    num(&w, "warmup", m->warmup);
    num(&w, "statutory", m->statutory);
    int_key(&w, "evac_min_step", m->evac_min_step);
    num(&w, "reg_per_week", m->reg_per_week);
    num(&w, "reg_people", m->reg_people);
    num(&w, "reg_from", m->reg_from);
    num(&w, "reg_to", m->reg_to);
    steps(&w, m);
    places(&w, m);
    hv_jw_key(&w, "cases");
    hv_jw_object_begin(&w);
    COLUMN("step", hv_jw_int(&w, c->step));
    COLUMN("site", hv_jw_int(&w, c->site));
    COLUMN("people", hv_jw_int(&w, c->people));
    COLUMN("elapsed", hv_jw_double(&w, (double)c->elapsed));
    COLUMN("gov_days", hv_jw_double(&w, (double)c->gov_days));
    COLUMN("stay_start", hv_jw_double(&w, (double)c->stay_start));
    COLUMN("arrive", hv_jw_double(&w, (double)c->arrive));
    COLUMN("arrive_site", hv_jw_int(&w, c->arrive_site));
    hv_jw_object_end(&w);
    hv_jw_object_end(&w);
    return hv_jw_err(&w);
}

#undef COLUMN
