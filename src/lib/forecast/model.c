/* model.c - compiles a scenario (and, through model_db.c, the database) into the read-only
 * model the engine runs: steps with distributions, branches and capacities, capacity windows,
 * countries, sites, crossings with status timelines, flows, and the cases at the start.
 * SPDX-License-Identifier: Apache-2.0 */
#include "forecast/forecast_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/sites.h"
#include "haven/str.h"

#define bad(d, sc, line, field, ...) \
    (hv_diag_at((d), (sc)->file, (line)), hv_diag_set((d), (field), __VA_ARGS__), HV_ERR_INVALID)

int hv__forecast_find_step(const struct hv_forecast_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_steps; i++) {
        if (strcmp(m->steps[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

static int find_site(const struct hv_forecast_model *m, const char *ref)
{
    for (size_t i = 0; i < m->n_sites; i++) {
        if (strcmp(m->sites[i].ref, ref) == 0)
            return (int)i;
    }
    return -1;
}

static int find_crossing(const struct hv_forecast_model *m, const char *ref)
{
    for (size_t i = 0; i < m->n_crossings; i++) {
        if (strcmp(m->crossings[i].ref, ref) == 0)
            return (int)i;
    }
    return -1;
}

int hv__forecast_country(struct hv_forecast_model *m, struct hv_arena *a, const char *code)
{
    for (size_t i = 0; i < m->n_countries; i++) {
        if (strcmp(m->countries[i].code, code) == 0)
            return (int)i;
    }
    struct fc_country *c = &m->countries[m->n_countries];
    memset(c, 0, sizeof(*c));
    c->code = hv_str_dupz(a, hv_str_c(code));
    c->overflow = true;
    return (int)m->n_countries++;
}

enum hv_err hv__forecast_model_alloc(struct hv_arena *a, const struct hv_forecast_scenario *sc,
                                     struct hv_forecast_model *m, size_t db_sites,
                                     size_t db_crossings, size_t db_cases, struct hv_diag *diag)
{
    size_t extra = 0;
    for (size_t i = 0; i < sc->n_cohorts; i++)
        extra += (size_t)sc->cohorts[i].n;
    if (db_cases + extra > HV_FORECAST_MAX_CASES) {
        hv_diag_at(diag, sc->file, 0);
        hv_diag_set(diag, "cohort", "more than %d cases in the model", HV_FORECAST_MAX_CASES);
        return HV_ERR_LIMIT;
    }
    size_t n_sites = db_sites + sc->n_sites;
    size_t n_cross = db_crossings + sc->n_crossings;
    m->sites = hv_arena_alloc_array(a, n_sites + 1, sizeof(*m->sites));
    m->crossings = hv_arena_alloc_array(a, n_cross + 1, sizeof(*m->crossings));
    m->countries = hv_arena_alloc_array(a, n_sites + n_cross + sc->n_countries + sc->n_flows + 1,
                                        sizeof(*m->countries));
    m->cases = hv_arena_alloc_array(a, db_cases + extra + 1, sizeof(*m->cases));
    if (m->sites == NULL || m->crossings == NULL || m->countries == NULL || m->cases == NULL) {
        hv_diag_set(diag, NULL, "model too large for the memory limit");
        return HV_ERR_LIMIT;
    }
    return HV_OK;
}

static void set_fallback(struct fc_dist *d, const struct fc_sc_step *s)
{
    d->kind = s->dist;
    if (s->dist == FC_DIST_FIXED || s->dist == FC_DIST_EXP) {
        d->a = s->mean;
    } else if (s->dist == FC_DIST_LOGNORMAL) {
        double s2 = log(1 + s->cv * s->cv);
        d->b = sqrt(s2);
        d->a = log(s->mean) - s2 / 2;
    }
}

/* Resolves "ID" or "ID:p,ID:p" into next/next_cum. */
static enum hv_err set_next(struct hv_arena *a, const struct hv_forecast_scenario *sc,
                            const struct fc_sc_step *s, struct hv_forecast_model *m,
                            struct fc_step *st, struct hv_diag *diag)
{
    size_t n = 1;
    for (const char *c = s->next; *c != '\0'; c++)
        n += *c == ',';
    uint16_t *next = hv_arena_alloc_array(a, n, sizeof(*next));
    double *cum = hv_arena_alloc_array(a, n, sizeof(*cum));
    if (next == NULL || cum == NULL)
        return HV_ERR_LIMIT;
    const char *c = s->next;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = strchr(c, ',');
        size_t len = e != NULL ? (size_t)(e - c) : strlen(c);
        const char *colon = memchr(c, ':', len);
        size_t idlen = colon != NULL ? (size_t)(colon - c) : len;
        char id[72];
        if (idlen >= sizeof(id))
            idlen = sizeof(id) - 1;
        memcpy(id, c, idlen);
        id[idlen] = '\0';
        int k = hv__forecast_find_step(m, id);
        if (k < 0)
            return bad(diag, sc, s->line, "next", "no step %s", id);
        double pr = 1;
        if (colon != NULL) {
            struct hv_str ps = { colon + 1, len - idlen - 1 };
            if (!hv_parse_double(ps, &pr))
                return bad(diag, sc, s->line, "next", "malformed probability%s", "");
        } else if (n > 1) {
            return bad(diag, sc, s->line, "next", "branches need probabilities (ID:p)%s", "");
        }
        next[i] = (uint16_t)k;
        total += pr;
        cum[i] = total;
        c = e != NULL ? e + 1 : c + len;
    }
    if (fabs(total - 1) > 1e-6)
        return bad(diag, sc, s->line, "next", "branch probabilities must add up to 1%s", "");
    cum[n - 1] = 1;
    st->next = next;
    st->next_cum = cum;
    st->n_next = (uint32_t)n;
    return HV_OK;
}

static enum hv_err standalone_steps(struct hv_arena *a, const struct hv_forecast_scenario *sc,
                                    struct hv_forecast_model *m, struct hv_diag *diag)
{
    if (sc->n_steps == 0) {
        hv_diag_at(diag, sc->file, 0);
        hv_diag_set(diag, "step", "a scenario without a workflow must define its steps");
        return HV_ERR_INVALID;
    }
    if (sc->n_steps > 60000)
        return bad(diag, sc, 0, "step", "too many steps%s", "");
    m->steps = hv_arena_alloc_array(a, sc->n_steps, sizeof(*m->steps));
    if (m->steps == NULL)
        return HV_ERR_LIMIT;
    m->n_steps = sc->n_steps;
    for (size_t i = 0; i < sc->n_steps; i++)
        m->steps[i].id = sc->steps[i].id;
    for (size_t i = 0; i < sc->n_steps; i++) {
        const struct fc_sc_step *s = &sc->steps[i];
        struct fc_step *st = &m->steps[i];
        st->gov = s->gov == 1;
        st->terminal = s->terminal == 1 || (s->next == NULL && i + 1 == sc->n_steps);
        if (!st->terminal) {
            if (s->dist == FC_DIST_NONE)
                return bad(diag, sc, s->line, "dist", "step %s needs a distribution", s->id);
            set_fallback(&st->dur, s);
            if (s->next != NULL) {
                enum hv_err err = set_next(a, sc, s, m, st, diag);
                if (err != HV_OK)
                    return err;
            } else {
                uint16_t *nx = hv_arena_alloc(a, sizeof(*nx));
                double *cum = hv_arena_alloc(a, sizeof(*cum));
                if (nx == NULL || cum == NULL)
                    return HV_ERR_LIMIT;
                nx[0] = (uint16_t)(i + 1);
                cum[0] = 1;
                st->next = nx;
                st->next_cum = cum;
                st->n_next = 1;
            }
        }
        st->servers = s->servers > 0 ? s->servers : 0;
        st->per_week = s->per_week > 0 ? s->per_week : 0;
    }
    return HV_OK;
}

/* Scenario step lines on a workflow model: fallbacks, capacities, branch overrides. */
static enum hv_err overlay_steps(struct hv_arena *a, const struct hv_forecast_scenario *sc,
                                 struct hv_forecast_model *m, struct hv_diag *diag)
{
    for (size_t i = 0; i < sc->n_steps; i++) {
        const struct fc_sc_step *s = &sc->steps[i];
        int k = hv__forecast_find_step(m, s->id);
        if (k < 0)
            return bad(diag, sc, s->line, "step", "workflow has no step %s", s->id);
        struct fc_step *st = &m->steps[k];
        if (s->gov >= 0)
            st->gov = s->gov == 1;
        if (s->servers >= 0)
            st->servers = s->servers;
        if (s->per_week >= 0)
            st->per_week = s->per_week;
        if (!st->empirical && s->dist != FC_DIST_NONE)
            set_fallback(&st->dur, s);
        if (s->next != NULL && (st->n_hist < (uint32_t)sc->min_samples || st->n_next == 0)) {
            enum hv_err err = set_next(a, sc, s, m, st, diag);
            if (err != HV_OK)
                return err;
        }
    }
    for (size_t i = 0; i < m->n_steps; i++) {
        struct fc_step *st = &m->steps[i];
        if (!st->terminal && st->dur.kind == FC_DIST_NONE) {
            char msg[160];
            snprintf(msg, sizeof(msg),
                     "step %s has %u completed visits in the history (fewer than %d) and the "
                     "scenario gives no dist= fallback for it",
                     st->id, st->n_hist, sc->min_samples);
            hv_diag_at(diag, sc->file, 0);
            hv_diag_set(diag, "step", "%s", msg);
            return HV_ERR_INVALID;
        }
    }
    return HV_OK;
}

static int cmp_change(const void *x, const void *y)
{
    const double *a = x, *b = y; /* [t, prio, status] */
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* Adds the scenario's status lines to the crossings' timelines (a scenario line wins over a
 * database change at the same time). */
static enum hv_err merge_statuses(struct hv_arena *a, const struct hv_forecast_scenario *sc,
                                  struct hv_forecast_model *m, struct hv_diag *diag)
{
    for (size_t i = 0; i < sc->n_statuses; i++) {
        if (find_crossing(m, sc->statuses[i].crossing) < 0)
            return bad(diag, sc, sc->statuses[i].line, "status", "no crossing %s",
                       sc->statuses[i].crossing);
    }
    for (size_t x = 0; x < m->n_crossings; x++) {
        struct fc_crossing *c = &m->crossings[x];
        size_t n = c->n;
        for (size_t i = 0; i < sc->n_statuses; i++)
            n += strcmp(sc->statuses[i].crossing, c->ref) == 0;
        if (n == c->n)
            continue;
        double *tmp = hv_xcalloc(n * 3, sizeof(double));
        for (size_t i = 0; i < c->n; i++) {
            tmp[i * 3] = c->t[i];
            tmp[i * 3 + 1] = (double)i;
            tmp[i * 3 + 2] = c->status[i];
        }
        size_t k = c->n;
        for (size_t i = 0; i < sc->n_statuses; i++) {
            if (strcmp(sc->statuses[i].crossing, c->ref) != 0)
                continue;
            tmp[k * 3] = (double)(sc->statuses[i].day - m->start_day);
            tmp[k * 3 + 1] = 1e9 + (double)i;
            tmp[k * 3 + 2] = sc->statuses[i].status;
            k++;
        }
        qsort(tmp, n, 3 * sizeof(double), cmp_change);
        double *t = hv_arena_alloc_array(a, n, sizeof(*t));
        uint8_t *s = hv_arena_alloc_array(a, n, 1);
        if (t == NULL || s == NULL) {
            free(tmp);
            return HV_ERR_LIMIT;
        }
        for (size_t i = 0; i < n; i++) {
            t[i] = tmp[i * 3];
            s[i] = (uint8_t)tmp[i * 3 + 2];
        }
        free(tmp);
        c->t = t;
        c->status = s;
        c->n = (uint32_t)n;
    }
    return HV_OK;
}

static double day_off(const struct hv_forecast_model *m, int32_t day)
{
    if (day == INT32_MAX)
        return INFINITY;
    return (double)(day - m->start_day);
}

static enum hv_err apply_scenario(struct hv_arena *a, const struct hv_forecast_scenario *sc,
                                  struct hv_forecast_model *m, struct hv_diag *diag)
{
    /* countries, then sites (a site may name a new country) */
    for (size_t i = 0; i < sc->n_countries; i++) {
        const struct fc_sc_country *s = &sc->countries[i];
        struct fc_country *c = &m->countries[hv__forecast_country(m, a, s->code)];
        c->quota = s->quota;
        c->max_stay = s->max_stay;
        if (s->overflow >= 0)
            c->overflow = s->overflow == 1;
    }
    for (size_t i = 0; i < sc->n_sites; i++) {
        const struct fc_sc_site *s = &sc->sites[i];
        int k = find_site(m, s->ref);
        if (k < 0) {
            if (s->country == NULL || s->beds < 0)
                return bad(diag, sc, s->line, s->country == NULL ? "country" : "beds",
                           "a new site %s needs country= and beds=", s->ref);
            k = (int)m->n_sites++;
            m->sites[k].ref = s->ref;
            m->sites[k].name = s->name != NULL ? s->name : s->ref;
        }
        if (s->country != NULL)
            m->sites[k].country = hv__forecast_country(m, a, s->country);
        if (s->beds >= 0)
            m->sites[k].capacity = s->beds;
        if (s->name != NULL)
            m->sites[k].name = s->name;
    }
    for (size_t i = 0; i < sc->n_crossings; i++) {
        const struct fc_sc_crossing *s = &sc->crossings[i];
        int k = find_crossing(m, s->ref);
        if (k < 0) {
            k = (int)m->n_crossings++;
            m->crossings[k].ref = s->ref;
        }
        m->crossings[k].country = hv__forecast_country(m, a, s->country);
    }
    enum hv_err err = merge_statuses(a, sc, m, diag);
    if (err != HV_OK)
        return err;
    /* windows */
    m->windows = hv_arena_alloc_array(a, sc->n_windows + 1, sizeof(*m->windows));
    if (m->windows == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < sc->n_windows; i++) {
        const struct fc_sc_window *w = &sc->windows[i];
        int k = hv__forecast_find_step(m, w->step);
        if (k < 0)
            return bad(diag, sc, w->line, "step", "no step %s", w->step);
        if (m->steps[k].terminal)
            return bad(diag, sc, w->line, "step", "%s is a terminal step", w->step);
        m->windows[m->n_windows++] =
            (struct fc_window){ k, day_off(m, w->from), day_off(m, w->to), w->factor };
    }
    /* flows */
    m->flows = hv_arena_alloc_array(a, sc->n_flows + 1, sizeof(*m->flows));
    if (m->flows == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < sc->n_flows; i++) {
        const struct fc_sc_flow *f = &sc->flows[i];
        struct fc_flow *o = &m->flows[m->n_flows++];
        o->crossing = -1;
        if (f->via != NULL) {
            o->crossing = find_crossing(m, f->via);
            if (o->crossing < 0)
                return bad(diag, sc, f->line, "via", "no crossing %s", f->via);
            o->country = m->crossings[o->crossing].country;
        } else {
            o->country = hv__forecast_country(m, a, f->country);
        }
        o->from = day_off(m, f->from);
        o->to = day_off(m, f->to);
        o->per_week = f->per_week;
        o->restricted_ok = f->restricted_ok;
    }
    if (sc->n_flows > 0 && sc->evac_min_step == NULL)
        return bad(diag, sc, sc->flows[0].line, "evacuate",
                   "flows need an 'evacuate min_step=STEP' line%s", "");
    m->evac_min_step = -1;
    if (sc->evac_min_step != NULL) {
        m->evac_min_step = hv__forecast_find_step(m, sc->evac_min_step);
        if (m->evac_min_step < 0)
            return bad(diag, sc, sc->evac_line, "min_step", "no step %s", sc->evac_min_step);
    }
    for (size_t i = 0; i < m->n_countries; i++) {
        size_t sites = 0;
        for (size_t s = 0; s < m->n_sites; s++)
            sites += m->sites[s].country == (int)i;
        for (size_t f = 0; f < m->n_flows; f++) {
            if (m->flows[f].country == (int)i && sites == 0)
                return bad(diag, sc, sc->flows[f].line, "via", "country %s has no site",
                           m->countries[i].code);
        }
    }
    /* registration */
    if (sc->reg.line != 0) {
        double from = sc->reg.from > m->start_day ? (double)(sc->reg.from - m->start_day) : 0;
        double to = sc->reg.to == INT32_MAX ? m->horizon : (double)(sc->reg.to - m->start_day);
        if (to > m->horizon)
            to = m->horizon;
        double expect = to > from ? sc->reg.per_week / 7.0 * (to - from) : 0;
        if (expect + (double)m->n_cases > (double)HV_FORECAST_MAX_CASES / 2) {
            hv_diag_at(diag, sc->file, sc->reg.line);
            hv_diag_set(diag, "per_week",
                        "about %.0f registrations over the horizon: more than "
                        "the %d cases a model may hold",
                        expect, HV_FORECAST_MAX_CASES / 2);
            return HV_ERR_LIMIT;
        }
        m->reg_per_week = sc->reg.per_week;
        m->reg_people = sc->reg.people;
        m->reg_from = day_off(m, sc->reg.from);
        m->reg_to = day_off(m, sc->reg.to);
    }
    /* cohorts and planned arrivals */
    for (size_t i = 0; i < sc->n_cohorts; i++) {
        const struct fc_sc_cohort *c = &sc->cohorts[i];
        int st = hv__forecast_find_step(m, c->step);
        if (st < 0)
            return bad(diag, sc, c->line, "step", "no step %s", c->step);
        int site = -1;
        if (c->site != NULL && (site = find_site(m, c->site)) < 0)
            return bad(diag, sc, c->line, "site", "no site %s", c->site);
        if (site > INT16_MAX || m->n_sites > INT16_MAX)
            return bad(diag, sc, c->line, "site", "too many sites%s", "");
        for (int64_t k = 0; k < c->n; k++) {
            struct fc_case0 *o = &m->cases[m->n_cases++];
            memset(o, 0, sizeof(*o));
            o->step = (int16_t)st;
            o->people = (uint16_t)c->people;
            o->elapsed = (float)c->elapsed;
            /* a cohort's gov_days are those before its current step */
            o->gov_days = (float)(c->gov_days + (m->steps[st].gov ? c->elapsed : 0));
            o->arrive_site = -1;
            o->site = -1;
            if (c->arrive != INT32_MIN) {
                o->arrive = (float)(c->arrive - m->start_day);
                if (o->arrive <= 0)
                    o->arrive = 1e-6f; /* at the start, after the initial placement */
                o->arrive_site = (int16_t)site;
            } else if (site >= 0) {
                o->site = (int16_t)site;
                o->stay_start = -(float)c->elapsed;
            }
        }
    }
    for (size_t i = 0; i < m->n_sites; i++)
        m->countries[m->sites[i].country].capacity += m->sites[i].capacity;
    if (m->n_steps > INT16_MAX)
        return bad(diag, sc, 0, "step", "too many steps%s", "");
    return HV_OK;
}

enum hv_err hv_forecast_model_build(struct hv_ctx *ctx, struct hv_arena *a,
                                    const struct hv_forecast_scenario *sc, int32_t weeks,
                                    const struct hv_forecast_model **out, struct hv_diag *diag)
{
    *out = NULL;
    hv_diag_clear(diag);
    if (weeks < 0 || weeks > HV_FORECAST_MAX_WEEKS) {
        hv_diag_set(diag, "weeks", "must be 1..%d", HV_FORECAST_MAX_WEEKS);
        return HV_ERR_INVALID;
    }
    struct hv_forecast_model *m = hv_arena_alloc(a, sizeof(*m));
    if (m == NULL)
        return HV_ERR_LIMIT;
    m->name = sc->name != NULL ? sc->name : "";
    m->start_day = sc->start;
    m->weeks = weeks > 0 ? weeks : sc->weeks;
    m->horizon = 7.0 * m->weeks;
    m->warmup = sc->warmup;
    m->statutory = sc->statutory_days > 0 ? sc->statutory_days : 270;
    if (m->warmup >= m->horizon) {
        hv_diag_at(diag, sc->file, 0);
        hv_diag_set(diag, "warmup", "must be shorter than the horizon");
        return HV_ERR_INVALID;
    }
    enum hv_err err;
    if (sc->workflow != NULL) {
        if (ctx == NULL || ctx->store == NULL) {
            hv_diag_at(diag, sc->file, 0);
            hv_diag_set(diag, "workflow", "a scenario naming a workflow needs a database");
            return HV_ERR_INVALID;
        }
        err = hv__forecast_model_from_db(ctx, a, sc, m, diag);
        if (err == HV_OK)
            err = overlay_steps(a, sc, m, diag);
    } else {
        err = hv__forecast_model_alloc(a, sc, m, 0, 0, 0, diag);
        if (err == HV_OK)
            err = standalone_steps(a, sc, m, diag);
    }
    if (err == HV_OK)
        err = apply_scenario(a, sc, m, diag);
    if (err == HV_OK && hv_arena_failed(a)) {
        hv_diag_set(diag, NULL, "model too large for the memory limit");
        err = HV_ERR_LIMIT;
    }
    if (err != HV_OK)
        return err;
    *out = m;
    return HV_OK;
}

void hv_forecast_model_info(const struct hv_forecast_model *m, struct hv_forecast_model_info *out)
{
    memset(out, 0, sizeof(*out));
    out->n_cases = m->n_cases;
    out->n_skipped = m->n_skipped;
    out->n_steps = m->n_steps;
    out->n_sites = m->n_sites;
    out->n_countries = m->n_countries;
    out->n_crossings = m->n_crossings;
    out->n_flows = m->n_flows;
    for (size_t i = 0; i < m->n_steps; i++)
        out->n_steps_empirical += m->steps[i].empirical;
    out->n_history_visits = m->n_history_visits;
    out->start_day = m->start_day;
    out->weeks = m->weeks;
}
