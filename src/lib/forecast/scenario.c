/* scenario.c - the forecast scenario parser: one directive per line, positional words and
 * key=value pairs, '#' comments; every malformed line is refused with file, line, field and
 * reason (docs/internals/FORECAST.md lists the directives).
 * SPDX-License-Identifier: Apache-2.0 */
#include "forecast/forecast_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/sites.h"
#include "haven/str.h"

#define MAX_TOKENS 24

struct kv {
    struct hv_str key, val;
    bool used;
};

struct line {
    struct hv_str dir;
    struct hv_str pos[4];
    size_t n_pos;
    struct kv kv[MAX_TOKENS];
    size_t n_kv;
};

struct parser {
    struct hv_arena *a;
    struct hv_forecast_scenario *sc;
    struct hv_diag *diag;
    uint64_t line_no;
    size_t cap_steps, cap_windows, cap_countries, cap_sites, cap_crossings, cap_statuses, cap_flows,
        cap_cohorts;
};

#define fail(p, field, ...)                                                                   \
    (hv_diag_at((p)->diag, NULL, (p)->line_no), hv_diag_set((p)->diag, (field), __VA_ARGS__), \
     HV_ERR_INVALID)

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool ident_ok(struct hv_str s)
{
    if (s.len == 0 || s.len > 64)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.' || c == ':';
        if (!ok)
            return false;
    }
    return true;
}

/* Splits one line into words; a value may be "quoted" (no escapes). */
static enum hv_err tokenize(struct parser *p, const char *s, size_t n, struct line *ln)
{
    memset(ln, 0, sizeof(*ln));
    size_t i = 0;
    bool first = true;
    while (i < n) {
        while (i < n && is_space(s[i]))
            i++;
        if (i >= n || s[i] == '#')
            break;
        size_t start = i;
        struct hv_str key = { NULL, 0 }, val;
        size_t eq = SIZE_MAX;
        while (i < n && !is_space(s[i]) && s[i] != '"') {
            if (s[i] == '=' && eq == SIZE_MAX)
                eq = i;
            i++;
        }
        if (i < n && s[i] == '"') {
            if (i != start && eq != i - 1)
                return fail(p, NULL, "a quote may only open a value%s", "");
            size_t q = ++i;
            while (i < n && s[i] != '"')
                i++;
            if (i >= n)
                return fail(p, NULL, "unterminated quoted value%s", "");
            if (eq != SIZE_MAX)
                key = (struct hv_str){ s + start, eq - start };
            val = (struct hv_str){ s + q, i - q };
            i++;
            if (i < n && !is_space(s[i]))
                return fail(p, NULL, "text right after a closing quote%s", "");
            if (eq == SIZE_MAX && first)
                return fail(p, NULL, "a line must start with a directive%s", "");
        } else if (eq != SIZE_MAX) {
            key = (struct hv_str){ s + start, eq - start };
            val = (struct hv_str){ s + eq + 1, i - eq - 1 };
        } else {
            val = (struct hv_str){ s + start, i - start };
        }
        if (!hv_utf8_valid(val.ptr, val.len))
            return fail(p, NULL, "text is not valid UTF-8%s", "");
        if (first) {
            if (key.ptr != NULL || !ident_ok(val))
                return fail(p, NULL, "a line must start with a directive%s", "");
            ln->dir = val;
            first = false;
        } else if (key.ptr != NULL) {
            if (!ident_ok(key))
                return fail(p, NULL, "malformed key before '='%s", "");
            if (val.len == 0)
                return fail(p, NULL, "empty value for a key%s", "");
            for (size_t k = 0; k < ln->n_kv; k++) {
                if (hv_str_eq(ln->kv[k].key, key))
                    return fail(p, NULL, "key given twice on one line%s", "");
            }
            if (ln->n_kv == MAX_TOKENS)
                return fail(p, NULL, "too many keys on one line%s", "");
            ln->kv[ln->n_kv++] = (struct kv){ key, val, false };
        } else {
            if (ln->n_pos == 4)
                return fail(p, NULL, "too many words on one line%s", "");
            ln->pos[ln->n_pos++] = val;
        }
    }
    return HV_OK;
}

static struct kv *find(struct line *ln, const char *key)
{
    for (size_t k = 0; k < ln->n_kv; k++) {
        if (hv_str_eqz(ln->kv[k].key, key)) {
            ln->kv[k].used = true;
            return &ln->kv[k];
        }
    }
    return NULL;
}

static char *dup_ident(struct parser *p, struct hv_str s)
{
    return hv_str_dupz(p->a, s);
}

static enum hv_err get_ident(struct parser *p, struct line *ln, const char *key, bool required,
                             const char **out)
{
    struct kv *kv = find(ln, key);
    if (kv == NULL) {
        if (required)
            return fail(p, key, "required%s", "");
        return HV_OK;
    }
    if (!ident_ok(kv->val))
        return fail(p, key, "must be an identifier ([A-Za-z0-9_.:-], 1..64 bytes)%s", "");
    *out = dup_ident(p, kv->val);
    return HV_OK;
}

static enum hv_err num(struct parser *p, struct hv_str v, const char *field, double lo, double hi,
                       double *out)
{
    double d;
    if (!hv_parse_double(v, &d) || !isfinite(d))
        return fail(p, field, "not a number%s", "");
    if (d < lo || d > hi) {
        char msg[96];
        snprintf(msg, sizeof(msg), "out of range [%g, %g]", lo, hi);
        return fail(p, field, "%s", msg);
    }
    *out = d;
    return HV_OK;
}

static enum hv_err get_num(struct parser *p, struct line *ln, const char *key, bool required,
                           double lo, double hi, double *out)
{
    struct kv *kv = find(ln, key);
    if (kv == NULL)
        return required ? fail(p, key, "required%s", "") : HV_OK;
    return num(p, kv->val, key, lo, hi, out);
}

static enum hv_err get_int(struct parser *p, struct line *ln, const char *key, bool required,
                           int64_t lo, int64_t hi, int64_t *out)
{
    struct kv *kv = find(ln, key);
    if (kv == NULL)
        return required ? fail(p, key, "required%s", "") : HV_OK;
    int64_t v;
    if (!hv_parse_i64(kv->val, &v))
        return fail(p, key, "not a whole number%s", "");
    if (v < lo || v > hi) {
        char msg[96];
        snprintf(msg, sizeof(msg), "out of range [%lld, %lld]", (long long)lo, (long long)hi);
        return fail(p, key, "%s", msg);
    }
    *out = v;
    return HV_OK;
}

static enum hv_err date(struct parser *p, struct hv_str v, const char *field, int32_t *out)
{
    char z[16];
    if (v.len != 10)
        return fail(p, field, "not a date YYYY-MM-DD%s", "");
    memcpy(z, v.ptr, v.len);
    z[v.len] = '\0';
    int32_t d;
    if (!hv_day_parse(z, &d))
        return fail(p, field, "not a date YYYY-MM-DD%s", "");
    if (d < -36524 || d > 2932896) /* 1870 .. 9999 */
        return fail(p, field, "date out of range%s", "");
    *out = d;
    return HV_OK;
}

static enum hv_err get_date(struct parser *p, struct line *ln, const char *key, bool required,
                            int32_t *out)
{
    struct kv *kv = find(ln, key);
    if (kv == NULL)
        return required ? fail(p, key, "required%s", "") : HV_OK;
    return date(p, kv->val, key, out);
}

static enum hv_err get_bool(struct parser *p, struct line *ln, const char *key, int *out)
{
    struct kv *kv = find(ln, key);
    if (kv == NULL)
        return HV_OK;
    if (hv_str_eqz(kv->val, "yes"))
        *out = 1;
    else if (hv_str_eqz(kv->val, "no"))
        *out = 0;
    else
        return fail(p, key, "must be yes or no%s", "");
    return HV_OK;
}

/* Grows an arena array (copying; arenas do not free, the total stays bounded by the limit). */
static void *grow(struct parser *p, void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    size_t nc = *cap == 0 ? 16 : *cap * 2;
    void *na = hv_arena_alloc_array(p->a, nc, size);
    if (na == NULL)
        return NULL;
    if (n > 0)
        memcpy(na, arr, n * size);
    *cap = nc;
    return na;
}

#define PUSH(p, arr, n, cap)                                                              \
    do {                                                                                  \
        if ((n) >= HV_FORECAST_MAX_ITEMS) {                                               \
            hv_diag_at((p)->diag, NULL, (p)->line_no);                                    \
            hv_diag_set((p)->diag, (const char *)NULL, "more than %d lines of this kind", \
                        HV_FORECAST_MAX_ITEMS);                                           \
            return HV_ERR_LIMIT;                                                          \
        }                                                                                 \
        void *g_ = grow((p), (arr), (n), &(cap), sizeof(*(arr)));                         \
        if (g_ == NULL)                                                                   \
            return HV_ERR_LIMIT;                                                          \
        (arr) = g_;                                                                       \
        memset(&(arr)[(n)], 0, sizeof(*(arr)));                                           \
    } while (0)

static enum hv_err need_pos(struct parser *p, struct line *ln, size_t n, const char *what)
{
    if (ln->n_pos != n) {
        char msg[128];
        snprintf(msg, sizeof(msg), "expects %zu word%s (%s)", n, n == 1 ? "" : "s", what);
        return fail(p, NULL, "%s", msg);
    }
    return HV_OK;
}

static enum hv_err parse_dist(struct parser *p, struct line *ln, struct fc_sc_step *st)
{
    struct kv *kv = find(ln, "dist");
    if (kv == NULL) {
        if (find(ln, "mean") != NULL || find(ln, "cv") != NULL)
            return fail(p, "dist", "required with mean or cv%s", "");
        return HV_OK;
    }
    if (hv_str_eqz(kv->val, "fixed"))
        st->dist = FC_DIST_FIXED;
    else if (hv_str_eqz(kv->val, "exp"))
        st->dist = FC_DIST_EXP;
    else if (hv_str_eqz(kv->val, "lognormal"))
        st->dist = FC_DIST_LOGNORMAL;
    else
        return fail(p, "dist", "must be fixed, exp or lognormal%s", "");
    enum hv_err err = get_num(p, ln, "mean", true, 0, 36500, &st->mean);
    if (err != HV_OK)
        return err;
    if (st->dist != FC_DIST_FIXED && st->mean <= 0)
        return fail(p, "mean", "must be positive for this distribution%s", "");
    st->cv = 0.5;
    if (st->dist == FC_DIST_LOGNORMAL)
        return get_num(p, ln, "cv", false, 0.01, 10, &st->cv);
    return HV_OK;
}

static enum hv_err check_next(struct parser *p, struct hv_str v)
{
    /* ID or ID:p,ID:p with p in (0,1] */
    size_t i = 0;
    while (i < v.len) {
        size_t j = i;
        while (j < v.len && v.ptr[j] != ',')
            j++;
        struct hv_str item = { v.ptr + i, j - i };
        size_t colon = SIZE_MAX;
        for (size_t k = 0; k < item.len; k++) {
            if (item.ptr[k] == ':')
                colon = k;
        }
        struct hv_str id = item;
        if (colon != SIZE_MAX) {
            id.len = colon;
            double pr;
            struct hv_str ps = { item.ptr + colon + 1, item.len - colon - 1 };
            if (!hv_parse_double(ps, &pr) || !(pr > 0 && pr <= 1))
                return fail(p, "next", "a branch probability must be in (0, 1]%s", "");
        }
        if (!ident_ok(id))
            return fail(p, "next", "a step id is malformed%s", "");
        i = j + 1;
        if (j < v.len && j + 1 == v.len)
            return fail(p, "next", "trailing comma%s", "");
    }
    return HV_OK;
}

static enum hv_err dir_step(struct parser *p, struct line *ln)
{
    struct hv_forecast_scenario *sc = p->sc;
    enum hv_err err = need_pos(p, ln, 1, "the step id");
    if (err != HV_OK)
        return err;
    if (!ident_ok(ln->pos[0]))
        return fail(p, "step", "malformed step id%s", "");
    for (size_t i = 0; i < sc->n_steps; i++) {
        if (hv_str_eqz(ln->pos[0], sc->steps[i].id))
            return fail(p, "step", "step %s defined twice", sc->steps[i].id);
    }
    PUSH(p, sc->steps, sc->n_steps, p->cap_steps);
    struct fc_sc_step *st = &sc->steps[sc->n_steps];
    st->id = dup_ident(p, ln->pos[0]);
    st->line = p->line_no;
    st->gov = -1;
    st->terminal = -1;
    st->servers = -1;
    st->per_week = -1;
    if ((err = get_bool(p, ln, "gov", &st->gov)) != HV_OK ||
        (err = get_bool(p, ln, "terminal", &st->terminal)) != HV_OK)
        return err;
    struct kv *kv = find(ln, "next");
    if (kv != NULL) {
        if ((err = check_next(p, kv->val)) != HV_OK)
            return err;
        if (st->terminal == 1)
            return fail(p, "next", "a terminal step has no next step%s", "");
        st->next = hv_str_dupz(p->a, kv->val);
    }
    int64_t v = -1;
    if ((err = get_int(p, ln, "servers", false, 0, 1000000, &v)) != HV_OK)
        return err;
    st->servers = (int32_t)v;
    v = -1;
    if ((err = get_int(p, ln, "per_week", false, 0, 10000000, &v)) != HV_OK)
        return err;
    st->per_week = (int32_t)v;
    if ((err = parse_dist(p, ln, st)) != HV_OK)
        return err;
    sc->n_steps++;
    return HV_OK;
}

static enum hv_err dir_window(struct parser *p, struct line *ln, bool surge)
{
    struct hv_forecast_scenario *sc = p->sc;
    enum hv_err err = need_pos(p, ln, 1, "the step id");
    if (err != HV_OK)
        return err;
    if (!ident_ok(ln->pos[0]))
        return fail(p, surge ? "surge" : "suspend", "malformed step id%s", "");
    PUSH(p, sc->windows, sc->n_windows, p->cap_windows);
    struct fc_sc_window *w = &sc->windows[sc->n_windows];
    w->step = dup_ident(p, ln->pos[0]);
    w->line = p->line_no;
    w->to = INT32_MAX;
    w->factor = 0;
    if ((err = get_date(p, ln, "from", true, &w->from)) != HV_OK ||
        (err = get_date(p, ln, "to", false, &w->to)) != HV_OK)
        return err;
    if (w->to <= w->from)
        return fail(p, "to", "must be after from%s", "");
    if (surge && (err = get_num(p, ln, "factor", true, 0, 1000, &w->factor)) != HV_OK)
        return err;
    sc->n_windows++;
    return HV_OK;
}

static enum hv_err dir_country(struct parser *p, struct line *ln)
{
    struct hv_forecast_scenario *sc = p->sc;
    enum hv_err err = need_pos(p, ln, 1, "the country code");
    if (err != HV_OK)
        return err;
    struct hv_str c = ln->pos[0];
    if (c.len != 2 || c.ptr[0] < 'A' || c.ptr[0] > 'Z' || c.ptr[1] < 'A' || c.ptr[1] > 'Z')
        return fail(p, "country", "must be an ISO 3166-1 alpha-2 code%s", "");
    for (size_t i = 0; i < sc->n_countries; i++) {
        if (hv_str_eqz(c, sc->countries[i].code))
            return fail(p, "country", "country %s given twice", sc->countries[i].code);
    }
    PUSH(p, sc->countries, sc->n_countries, p->cap_countries);
    struct fc_sc_country *co = &sc->countries[sc->n_countries];
    co->code = dup_ident(p, c);
    co->line = p->line_no;
    co->overflow = -1;
    if ((err = get_int(p, ln, "quota", false, 0, 100000000, &co->quota)) != HV_OK ||
        (err = get_num(p, ln, "max_stay", false, 0, 36500, &co->max_stay)) != HV_OK ||
        (err = get_bool(p, ln, "overflow", &co->overflow)) != HV_OK)
        return err;
    sc->n_countries++;
    return HV_OK;
}

static enum hv_err dir_site(struct parser *p, struct line *ln)
{
    struct hv_forecast_scenario *sc = p->sc;
    enum hv_err err = need_pos(p, ln, 1, "the site ref");
    if (err != HV_OK)
        return err;
    if (!ident_ok(ln->pos[0]))
        return fail(p, "site", "malformed site ref%s", "");
    for (size_t i = 0; i < sc->n_sites; i++) {
        if (hv_str_eqz(ln->pos[0], sc->sites[i].ref))
            return fail(p, "site", "site %s given twice", sc->sites[i].ref);
    }
    PUSH(p, sc->sites, sc->n_sites, p->cap_sites);
    struct fc_sc_site *s = &sc->sites[sc->n_sites];
    s->ref = dup_ident(p, ln->pos[0]);
    s->line = p->line_no;
    s->beds = -1;
    if ((err = get_ident(p, ln, "country", false, &s->country)) != HV_OK ||
        (err = get_int(p, ln, "beds", false, 0, HV_SITES_MAX_BEDS * 4LL, &s->beds)) != HV_OK)
        return err;
    struct kv *kv = find(ln, "name");
    if (kv != NULL)
        s->name = hv_str_dupz(p->a, kv->val);
    sc->n_sites++;
    return HV_OK;
}

static enum hv_err dir_crossing(struct parser *p, struct line *ln)
{
    struct hv_forecast_scenario *sc = p->sc;
    enum hv_err err = need_pos(p, ln, 1, "the crossing ref");
    if (err != HV_OK)
        return err;
    if (!ident_ok(ln->pos[0]))
        return fail(p, "crossing", "malformed crossing ref%s", "");
    PUSH(p, sc->crossings, sc->n_crossings, p->cap_crossings);
    struct fc_sc_crossing *x = &sc->crossings[sc->n_crossings];
    x->ref = dup_ident(p, ln->pos[0]);
    x->line = p->line_no;
    if ((err = get_ident(p, ln, "country", true, &x->country)) != HV_OK)
        return err;
    sc->n_crossings++;
    return HV_OK;
}

static enum hv_err dir_status(struct parser *p, struct line *ln)
{
    struct hv_forecast_scenario *sc = p->sc;
    enum hv_err err = need_pos(p, ln, 3, "crossing ref, open|restricted|closed, date");
    if (err != HV_OK)
        return err;
    if (!ident_ok(ln->pos[0]))
        return fail(p, "status", "malformed crossing ref%s", "");
    PUSH(p, sc->statuses, sc->n_statuses, p->cap_statuses);
    struct fc_sc_status *s = &sc->statuses[sc->n_statuses];
    s->crossing = dup_ident(p, ln->pos[0]);
    s->line = p->line_no;
    enum hv_crossing_status st;
    if (!hv_crossing_status_parse(ln->pos[1], &st) || st == HV_CROSSING_UNKNOWN)
        return fail(p, "status", "must be open, restricted or closed%s", "");
    s->status = (int)st;
    if ((err = date(p, ln->pos[2], "status", &s->day)) != HV_OK)
        return err;
    sc->n_statuses++;
    return HV_OK;
}

static enum hv_err dir_flow(struct parser *p, struct line *ln)
{
    struct hv_forecast_scenario *sc = p->sc;
    enum hv_err err = need_pos(p, ln, 0, "only key=value pairs");
    if (err != HV_OK)
        return err;
    PUSH(p, sc->flows, sc->n_flows, p->cap_flows);
    struct fc_sc_flow *f = &sc->flows[sc->n_flows];
    f->line = p->line_no;
    f->to = INT32_MAX;
    int r = 0;
    if ((err = get_ident(p, ln, "via", false, &f->via)) != HV_OK ||
        (err = get_ident(p, ln, "country", false, &f->country)) != HV_OK ||
        (err = get_date(p, ln, "from", true, &f->from)) != HV_OK ||
        (err = get_date(p, ln, "to", false, &f->to)) != HV_OK ||
        (err = get_num(p, ln, "per_week", true, 0, 1e7, &f->per_week)) != HV_OK ||
        (err = get_bool(p, ln, "restricted", &r)) != HV_OK)
        return err;
    if ((f->via == NULL) == (f->country == NULL))
        return fail(p, "via", "give exactly one of via=CROSSING and country=CC%s", "");
    if (f->to <= f->from)
        return fail(p, "to", "must be after from%s", "");
    f->restricted_ok = r == 1;
    sc->n_flows++;
    return HV_OK;
}

static enum hv_err dir_cohort(struct parser *p, struct line *ln, bool arrive)
{
    struct hv_forecast_scenario *sc = p->sc;
    enum hv_err err = need_pos(p, ln, 0, "only key=value pairs");
    if (err != HV_OK)
        return err;
    PUSH(p, sc->cohorts, sc->n_cohorts, p->cap_cohorts);
    struct fc_sc_cohort *c = &sc->cohorts[sc->n_cohorts];
    c->line = p->line_no;
    c->people = 1;
    c->arrive = INT32_MIN;
    int64_t people = 1;
    if ((err = get_int(p, ln, "n", true, 1, HV_FORECAST_MAX_CASES, &c->n)) != HV_OK ||
        (err = get_ident(p, ln, "step", true, &c->step)) != HV_OK ||
        (err = get_ident(p, ln, "site", arrive, &c->site)) != HV_OK ||
        (err = get_num(p, ln, "elapsed", false, 0, 36500, &c->elapsed)) != HV_OK ||
        (err = get_num(p, ln, "gov_days", false, 0, 36500, &c->gov_days)) != HV_OK ||
        (err = get_int(p, ln, "people", false, 1, 60, &people)) != HV_OK)
        return err;
    c->people = (int32_t)people;
    if (arrive && (err = get_date(p, ln, "date", true, &c->arrive)) != HV_OK)
        return err;
    sc->n_cohorts++;
    return HV_OK;
}

static enum hv_err dir_line(struct parser *p, struct line *ln)
{
    struct hv_forecast_scenario *sc = p->sc;
    /* src=S1,S2 or src=assumption: where the line's figures come from (not used by the model) */
    struct kv *src = find(ln, "src");
    if (src != NULL) {
        for (size_t i = 0; i < src->val.len; i++) {
            char ch = src->val.ptr[i];
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == ',' || ch == '_' || ch == '-' || ch == '.'))
                return fail(p, "src", "must list source ids ([A-Za-z0-9_.-], comma-separated)%s",
                            "");
        }
    }
    enum hv_err err = HV_OK;
    struct hv_str d = ln->dir;
    if (hv_str_eqz(d, "name")) {
        if ((err = need_pos(p, ln, 1, "the scenario's name")) != HV_OK)
            return err;
        if (sc->name != NULL)
            return fail(p, "name", "given twice%s", "");
        sc->name = hv_str_dupz(p->a, ln->pos[0]);
    } else if (hv_str_eqz(d, "start")) {
        if ((err = need_pos(p, ln, 1, "a date")) != HV_OK)
            return err;
        if (sc->start != INT32_MIN)
            return fail(p, "start", "given twice%s", "");
        if ((err = date(p, ln->pos[0], "start", &sc->start)) != HV_OK)
            return err;
    } else if (hv_str_eqz(d, "weeks") || hv_str_eqz(d, "min_samples")) {
        bool weeks = hv_str_eqz(d, "weeks");
        if ((err = need_pos(p, ln, 1, "a number")) != HV_OK)
            return err;
        double v;
        if ((err = num(p, ln->pos[0], weeks ? "weeks" : "min_samples", weeks ? 1 : 1,
                       weeks ? HV_FORECAST_MAX_WEEKS : 1000000, &v)) != HV_OK)
            return err;
        if (v != floor(v))
            return fail(p, weeks ? "weeks" : "min_samples", "must be a whole number%s", "");
        if (weeks)
            sc->weeks = (int32_t)v;
        else
            sc->min_samples = (int32_t)v;
    } else if (hv_str_eqz(d, "statutory_days") || hv_str_eqz(d, "warmup")) {
        bool stat = hv_str_eqz(d, "statutory_days");
        if ((err = need_pos(p, ln, 1, "days")) != HV_OK)
            return err;
        if ((err = num(p, ln->pos[0], stat ? "statutory_days" : "warmup", stat ? 1 : 0, 36500,
                       stat ? &sc->statutory_days : &sc->warmup)) != HV_OK)
            return err;
    } else if (hv_str_eqz(d, "workflow")) {
        if ((err = need_pos(p, ln, 1, "the workflow id")) != HV_OK)
            return err;
        if (!ident_ok(ln->pos[0]))
            return fail(p, "workflow", "malformed workflow id%s", "");
        if (sc->workflow != NULL)
            return fail(p, "workflow", "given twice%s", "");
        sc->workflow = dup_ident(p, ln->pos[0]);
    } else if (hv_str_eqz(d, "evacuate")) {
        if ((err = need_pos(p, ln, 0, "only key=value pairs")) != HV_OK)
            return err;
        if (sc->evac_min_step != NULL)
            return fail(p, "evacuate", "given twice%s", "");
        if ((err = get_ident(p, ln, "min_step", true, &sc->evac_min_step)) != HV_OK)
            return err;
        sc->evac_line = p->line_no;
    } else if (hv_str_eqz(d, "registration")) {
        if ((err = need_pos(p, ln, 0, "only key=value pairs")) != HV_OK)
            return err;
        if (sc->reg.line != 0)
            return fail(p, "registration", "given twice%s", "");
        sc->reg.line = p->line_no;
        sc->reg.to = INT32_MAX;
        sc->reg.people = 1;
        if ((err = get_num(p, ln, "per_week", true, 0, 1e6, &sc->reg.per_week)) != HV_OK ||
            (err = get_num(p, ln, "people", false, 1, 30, &sc->reg.people)) != HV_OK ||
            (err = get_date(p, ln, "from", true, &sc->reg.from)) != HV_OK ||
            (err = get_date(p, ln, "to", false, &sc->reg.to)) != HV_OK)
            return err;
        if (sc->reg.to <= sc->reg.from)
            return fail(p, "to", "must be after from%s", "");
    } else if (hv_str_eqz(d, "step")) {
        err = dir_step(p, ln);
    } else if (hv_str_eqz(d, "suspend") || hv_str_eqz(d, "surge")) {
        err = dir_window(p, ln, hv_str_eqz(d, "surge"));
    } else if (hv_str_eqz(d, "country")) {
        err = dir_country(p, ln);
    } else if (hv_str_eqz(d, "site")) {
        err = dir_site(p, ln);
    } else if (hv_str_eqz(d, "crossing")) {
        err = dir_crossing(p, ln);
    } else if (hv_str_eqz(d, "status")) {
        err = dir_status(p, ln);
    } else if (hv_str_eqz(d, "flow")) {
        err = dir_flow(p, ln);
    } else if (hv_str_eqz(d, "cohort") || hv_str_eqz(d, "arrive")) {
        err = dir_cohort(p, ln, hv_str_eqz(d, "arrive"));
    } else {
        char z[72];
        snprintf(z, sizeof(z), "%.*s", HV_STR_ARG(d));
        return fail(p, z, "unknown directive%s", "");
    }
    if (err != HV_OK)
        return err;
    for (size_t k = 0; k < ln->n_kv; k++) {
        if (!ln->kv[k].used) {
            char z[72];
            snprintf(z, sizeof(z), "%.*s", HV_STR_ARG(ln->kv[k].key));
            return fail(p, z, "unknown key for this directive%s", "");
        }
    }
    return HV_OK;
}

enum hv_err hv_forecast_scenario_parse(struct hv_arena *a, const char *name, const char *text,
                                       size_t len, const struct hv_forecast_scenario **out,
                                       struct hv_diag *diag)
{
    *out = NULL;
    hv_diag_clear(diag);
    hv_diag_at(diag, name != NULL ? name : "", 0);
    if (len > HV_FORECAST_MAX_FILE) {
        hv_diag_set(diag, NULL, "scenario larger than %u bytes", HV_FORECAST_MAX_FILE);
        return HV_ERR_LIMIT;
    }
    struct hv_forecast_scenario *sc = hv_arena_alloc(a, sizeof(*sc));
    if (sc == NULL)
        return HV_ERR_LIMIT;
    sc->file = hv_str_dupz(a, hv_str_c(name));
    sc->start = INT32_MIN;
    sc->min_samples = 30;
    struct parser p = { .a = a, .sc = sc, .diag = diag };
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        p.line_no++;
        struct line ln;
        enum hv_err err = tokenize(&p, text + i, j - i, &ln);
        if (err == HV_OK && ln.dir.len > 0)
            err = dir_line(&p, &ln);
        if (err == HV_OK && hv_arena_failed(a))
            err = HV_ERR_LIMIT;
        if (err != HV_OK) {
            if (!hv_diag_has(diag))
                hv_diag_set(diag, NULL, "scenario too large for the memory limit");
            return err;
        }
        i = j + 1;
    }
    p.line_no = 0;
    if (sc->start == INT32_MIN) {
        hv_diag_at(diag, NULL, 0);
        hv_diag_set(diag, "start", "required (start YYYY-MM-DD)");
        return HV_ERR_INVALID;
    }
    if (sc->weeks == 0)
        sc->weeks = 104;
    *out = sc;
    hv_diag_clear(diag);
    return HV_OK;
}

enum hv_err hv_forecast_scenario_load(struct hv_arena *a, const char *path,
                                      const struct hv_forecast_scenario **out, struct hv_diag *diag)
{
    *out = NULL;
    hv_diag_clear(diag);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    char *buf = hv_xmalloc(HV_FORECAST_MAX_FILE + 1);
    size_t n = fread(buf, 1, HV_FORECAST_MAX_FILE + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    enum hv_err err;
    if (bad) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "read error");
        err = HV_ERR_IO;
    } else {
        err = hv_forecast_scenario_parse(a, path, buf, n, out, diag);
    }
    free(buf);
    return err;
}

const char *hv_forecast_scenario_name(const struct hv_forecast_scenario *sc)
{
    return sc->name != NULL ? sc->name : "";
}

int32_t hv_forecast_scenario_start(const struct hv_forecast_scenario *sc)
{
    return sc->start;
}

int32_t hv_forecast_scenario_weeks(const struct hv_forecast_scenario *sc)
{
    return sc->weeks;
}

bool hv_forecast_scenario_needs_db(const struct hv_forecast_scenario *sc)
{
    return sc->workflow != NULL;
}
