/* engine.c - one replication of the forecast model: a discrete-event simulation over an event
 * heap, with per-thread scratch allocated once (no allocation per event) and a random stream
 * derived from (seed, replication) alone, so results do not depend on the thread count.
 * SPDX-License-Identifier: Apache-2.0 */
#include "forecast/forecast_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "haven/sites.h"

enum {
    EV_DONE,    /* a case finishes its step */
    EV_ENTER,   /* a case enters the pipeline (later start from the history) */
    EV_PLANNED, /* a planned movement arrives at its site */
    EV_MAXSTAY, /* a host country's maximum stay is reached */
    EV_FLOW,    /* a flow's daily movement */
    EV_CAP,     /* a capacity window opens or closes */
    EV_WEEK,    /* weekly slots are renewed */
    EV_REG,     /* a new registration */
    EV_LUMP,    /* a case reaches a step that needs an event, after steps run through at once */
};

#define EV_SHIFT 28
#define EV_MASK  ((1u << EV_SHIFT) - 1)

#define F_DONE   1u /* travelled */
#define F_POOLED 2u /* queued for evacuation once */
#define F_STATS  4u /* entered its step after the warmup */
#define F_OVER   8u /* over the statutory clock */

struct event {
    double t;
    uint32_t seq, code;
};

/* Later days' events are kept in chunks (a day's chunks chained): moving a day into the heap
 * reads them sequentially instead of chasing one pointer per event. 128 bytes each. */
/* Buckets per day: a bucket holds a few dozen events, so today's heap stays tiny. */
#define BUCKETS_PER_DAY 4
#define CHUNK           7
struct chunk {
    struct event ev[CHUNK];
    uint32_t next, n;
};

struct rcase { /* 32 bytes: two to a cache line */
    double t_enter;
    float stay_start;
    float gov;          /* statutory days before the current step */
    int16_t step, site; /* site: -1 Afghanistan, -2 gone onward */
    uint16_t people;
    uint8_t flags;
    uint32_t qnext, pnext;
};

struct rstep {
    int64_t busy, cap_now, slots;
    double factor;
    uint32_t qhead, qtail;
    int64_t count;
    double last_t;
};

struct fc_engine {
    const struct hv_forecast_model *m;
    size_t max_cases, n_cases, n_series, reg_cap;
    struct rcase *cases;
    struct rstep *steps;
    struct event *heap; /* today's events: a 4-ary heap by (time, seq) */
    size_t n_heap, cap_heap;
    struct chunk *chunks;         /* later days' events, a chain of chunks per day */
    size_t n_chunks, fresh_chunk; /* chunks [fresh_chunk, n_chunks) never used this run */
    uint32_t *day_head, free_chunk;
    int64_t cur_day, n_days;
    uint32_t seq;
    bool *windowed;       /* [n_steps] a capacity window names the step */
    uint32_t *pool_order; /* initial evacuation order (model-level, computed once) */
    size_t n_pool_order;
    uint32_t phead, ptail;
    int64_t *occ, *people;
    int32_t *last_week;
    double *zero_t;
    bool *had;
    double *flow_acc;
    int32_t *over_new, *over_leave;
    int64_t over0;
    uint64_t rng[4];
    struct fc_rep_out *out;
    uint64_t events;
};

#define NIL UINT32_MAX

/* A hint only: the next event's case is fetched while this one is handled. */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* --- random stream ------------------------------------------------------------------------ */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static inline uint64_t next64(uint64_t *s)
{
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

static inline double unit(struct fc_engine *e)
{
    return (double)(next64(e->rng) >> 11) * 0x1.0p-53;
}

static double normal(struct fc_engine *e)
{
    double u1 = unit(e), u2 = unit(e);
    return sqrt(-2.0 * log1p(-u1)) * cos(6.283185307179586 * u2);
}

static uint32_t poisson(struct fc_engine *e, double mean)
{
    if (mean <= 0)
        return 0;
    if (mean > 30) {
        double x = mean + sqrt(mean) * normal(e) + 0.5;
        return x < 0 ? 0 : (uint32_t)x;
    }
    double l = exp(-mean), p = 1;
    uint32_t k = 0;
    do {
        k++;
        p *= unit(e);
    } while (p > l);
    return k - 1;
}

/* --- event heap (binary, keyed by time then insertion order) ------------------------------- */

static inline bool before(const struct event *a, const struct event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* The event set is a calendar of day lists plus a small heap for the current day: scheduling
 * into a later day is O(1), and the heap holds only one day's events (hot in cache). The order
 * is (time, insertion sequence) exactly as with a single heap. */
static void heap_push(struct fc_engine *e, struct event ev)
{
    size_t i = e->n_heap++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!before(&ev, &e->heap[p]))
            break;
        e->heap[i] = e->heap[p];
        i = p;
    }
    e->heap[i] = ev;
}

static void push(struct fc_engine *e, double t, uint32_t type, uint32_t idx)
{
    if (t >= e->m->horizon)
        return;
    struct event ev = { t, e->seq++, (type << EV_SHIFT) | idx };
    int64_t d = (int64_t)(t * BUCKETS_PER_DAY);
    if (d <= e->cur_day) {
        heap_push(e, ev);
        return;
    }
    uint32_t c = e->day_head[d];
    if (c == NIL || e->chunks[c].n == CHUNK) {
        uint32_t nc = e->free_chunk;
        if (nc != NIL)
            e->free_chunk = e->chunks[nc].next;
        else
            nc = (uint32_t)e->fresh_chunk++; /* bounded: see hv__forecast_engine_create */
        e->chunks[nc].next = c;
        e->chunks[nc].n = 0;
        e->day_head[d] = c = nc;
    }
    e->chunks[c].ev[e->chunks[c].n++] = ev;
}

static struct event pop(struct fc_engine *e)
{
    struct event top = e->heap[0];
    struct event last = e->heap[--e->n_heap];
    size_t n = e->n_heap, i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++) {
            if (before(&e->heap[k], &e->heap[c]))
                c = k;
        }
        if (!before(&e->heap[c], &last))
            break;
        e->heap[i] = e->heap[c];
        i = c;
    }
    e->heap[i] = last;
    return top;
}

/* The next event in time order; false when none is left before the horizon. */
static bool next_event(struct fc_engine *e, struct event *out)
{
    while (e->n_heap == 0) {
        if (++e->cur_day >= e->n_days)
            return false;
        uint32_t c = e->day_head[e->cur_day];
        e->day_head[e->cur_day] = NIL;
        while (c != NIL) {
            struct chunk *ch = &e->chunks[c];
            for (uint32_t k = 0; k < ch->n; k++)
                heap_push(e, ch->ev[k]);
            uint32_t nx = ch->next;
            ch->next = e->free_chunk;
            e->free_chunk = c;
            c = nx;
        }
    }
    *out = pop(e);
    return true;
}

/* --- durations ----------------------------------------------------------------------------- */

static double empirical_at(const struct fc_dist *d, double u)
{
    double x = u * (double)(d->n - 1);
    uint32_t i = (uint32_t)x;
    if (i + 1 >= d->n)
        return d->samples[d->n - 1];
    double f = x - (double)i;
    return d->samples[i] + f * (d->samples[i + 1] - d->samples[i]);
}

static double draw(struct fc_engine *e, const struct fc_dist *d)
{
    switch (d->kind) {
    case FC_DIST_FIXED:
        return d->a;
    case FC_DIST_EXP:
        return -d->a * log1p(-unit(e));
    case FC_DIST_LOGNORMAL:
        return exp(d->a + d->b * normal(e));
    case FC_DIST_EMPIRICAL:
        return empirical_at(d, unit(e));
    case FC_DIST_NONE:
        break;
    }
    return 0;
}

/* The rest of a visit already `el` days old: drawn conditional on lasting longer than el. */
static double residual(struct fc_engine *e, const struct fc_dist *d, double el)
{
    switch (d->kind) {
    case FC_DIST_FIXED:
        return d->a > el ? d->a - el : 0;
    case FC_DIST_EXP:
        return draw(e, d);
    case FC_DIST_LOGNORMAL:
        for (int i = 0; i < 32; i++) {
            double x = draw(e, d);
            if (x > el)
                return x - el;
        }
        return 7 * unit(e);
    case FC_DIST_EMPIRICAL: {
        uint32_t lo = 0, hi = d->n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (d->samples[mid] > el)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (lo == d->n)
            return 7 * unit(e); /* older than every visit seen: ends within a week */
        uint32_t k = lo + (uint32_t)(unit(e) * (double)(d->n - lo));
        if (k >= d->n)
            k = d->n - 1;
        return d->samples[k] - el;
    }
    case FC_DIST_NONE:
        break;
    }
    return 0;
}

/* --- occupancy ----------------------------------------------------------------------------- */

static inline int week_of(const struct fc_engine *e, double t)
{
    int w = (int)(t / 7.0);
    return w < e->m->weeks ? w : e->m->weeks - 1;
}

static void occ_series(struct fc_engine *e, size_t s, int64_t delta, double t)
{
    int w = week_of(e, t);
    int32_t *beds = e->out->beds + s * (size_t)e->m->weeks;
    for (int k = e->last_week[s] + 1; k <= w; k++)
        beds[k] = (int32_t)e->occ[s];
    e->last_week[s] = w;
    e->occ[s] += delta;
    if (e->occ[s] > beds[w])
        beds[w] = (int32_t)e->occ[s];
    if (delta > 0)
        e->had[s] = true;
    if (e->occ[s] == 0)
        e->zero_t[s] = t;
}

static void occ_change(struct fc_engine *e, int site, int64_t delta, double t)
{
    int c = e->m->sites[site].country;
    occ_series(e, 0, delta, t);
    occ_series(e, 1 + (size_t)c, delta, t);
    occ_series(e, 1 + e->m->n_countries + (size_t)site, delta, t);
}

static void arrive_at(struct fc_engine *e, uint32_t ci, int site, double t)
{
    struct rcase *c = &e->cases[ci];
    const struct fc_country *co = &e->m->countries[e->m->sites[site].country];
    c->site = (int16_t)site;
    c->stay_start = (float)t;
    e->out->moved++;
    e->people[e->m->sites[site].country] += c->people;
    occ_change(e, site, 1, t);
    if (co->max_stay > 0)
        push(e, t + co->max_stay, EV_MAXSTAY, ci);
}

static void leave(struct fc_engine *e, uint32_t ci, double t)
{
    struct rcase *c = &e->cases[ci];
    if (c->site < 0)
        return;
    e->people[e->m->sites[c->site].country] -= c->people;
    occ_change(e, c->site, -1, t);
    c->site = -2;
}

/* --- pipeline ------------------------------------------------------------------------------ */

static void area(struct fc_engine *e, struct rstep *s, size_t si, double t)
{
    double w = e->m->warmup;
    if (t > w) {
        double from = s->last_t > w ? s->last_t : w;
        e->out->steps[si].area += (double)s->count * (t - from);
    }
    s->last_t = t;
}

static bool can_start(const struct fc_engine *e, size_t si)
{
    const struct fc_step *st = &e->m->steps[si];
    const struct rstep *s = &e->steps[si];
    if (s->factor <= 0)
        return false;
    if (st->servers > 0 && s->busy >= s->cap_now)
        return false;
    if (st->per_week > 0 && s->slots <= 0)
        return false;
    return true;
}

static void start_service(struct fc_engine *e, uint32_t ci, size_t si, double t)
{
    struct rcase *c = &e->cases[ci];
    struct rstep *s = &e->steps[si];
    const struct fc_step *st = &e->m->steps[si];
    s->busy++;
    if (st->per_week > 0)
        s->slots--;
    if (c->flags & F_STATS) {
        e->out->steps[si].started++;
        e->out->steps[si].wait_sum += t - c->t_enter;
    }
    double d = draw(e, &st->dur);
    if (st->servers == 0 && st->per_week == 0 && s->factor != 1)
        d /= s->factor; /* a surge on an unlimited step speeds it up */
    push(e, t + d, EV_DONE, ci);
}

static void drain(struct fc_engine *e, size_t si, double t)
{
    struct rstep *s = &e->steps[si];
    while (s->qhead != NIL && can_start(e, si)) {
        uint32_t ci = s->qhead;
        s->qhead = e->cases[ci].qnext;
        if (s->qhead == NIL)
            s->qtail = NIL;
        start_service(e, ci, si, t);
    }
}

static void pool_push(struct fc_engine *e, uint32_t ci)
{
    struct rcase *c = &e->cases[ci];
    c->flags |= F_POOLED;
    c->pnext = NIL;
    if (e->ptail == NIL)
        e->phead = ci;
    else
        e->cases[e->ptail].pnext = ci;
    e->ptail = ci;
}

static void travel(struct fc_engine *e, uint32_t ci, double t)
{
    struct rcase *c = &e->cases[ci];
    c->flags |= F_DONE;
    if (c->flags & F_OVER)
        e->over_leave[week_of(e, t)]++;
    leave(e, ci, t);
    e->out->travelled++;
}

static void gov_exit(struct fc_engine *e, struct rcase *c, double t);

static size_t branch(struct fc_engine *e, const struct fc_step *st)
{
    size_t next = st->next[0];
    if (st->n_next > 1) {
        double u = unit(e);
        for (uint32_t k = 0; k < st->n_next; k++) {
            if (u < st->next_cum[k] || k + 1 == st->n_next) {
                next = st->next[k];
                break;
            }
        }
    }
    return next;
}

/* A step needs no events of its own for this case when nothing can make the case wait there or
 * happen while it is there: no capacity limit, no window, not terminal, and not the step at
 * which the case (still in Afghanistan) joins the evacuation queue. */
static bool transparent(const struct fc_engine *e, const struct rcase *c, size_t si)
{
    const struct fc_step *st = &e->m->steps[si];
    if (st->terminal || st->servers > 0 || st->per_week > 0 || e->windowed[si])
        return false;
    return !(e->m->evac_min_step >= 0 && c->site == -1 && !(c->flags & F_POOLED) &&
             (int)si >= e->m->evac_min_step);
}

/* Runs a case through consecutive transparent steps at once (durations, branches, statutory
 * clock and step statistics per visit, the same draws as one event per step would make) and
 * schedules one event for the step that needs one. The model is unchanged; only events that
 * could not change anything are skipped. */
static void lump(struct fc_engine *e, uint32_t ci, size_t si, double t)
{
    struct rcase *c = &e->cases[ci];
    const struct hv_forecast_model *m = e->m;
    double h = m->horizon, w = m->warmup;
    for (;;) {
        const struct fc_step *st = &m->steps[si];
        struct fc_step_acc *acc = &e->out->steps[si];
        double x = t + draw(e, &st->dur);
        c->step = (int16_t)si;
        c->t_enter = t;
        double lo = t > w ? t : w, hi = x < h ? x : h;
        if (hi > lo)
            acc->area += hi - lo;
        if (t >= w) {
            acc->entered++;
            acc->started++;
        }
        if (x >= h)
            return; /* still here at the horizon: the books close the visit */
        if (t >= w) {
            acc->done++;
            acc->sojourn_sum += x - t;
        }
        gov_exit(e, c, x);
        si = branch(e, st);
        t = x;
        if (!transparent(e, c, si)) {
            c->step = (int16_t)si;
            c->t_enter = t;
            push(e, t, EV_LUMP, ci);
            return;
        }
    }
}

static void enter_step(struct fc_engine *e, uint32_t ci, size_t si, double t)
{
    if (transparent(e, &e->cases[ci], si)) {
        lump(e, ci, si, t);
        return;
    }
    struct rcase *c = &e->cases[ci];
    struct rstep *s = &e->steps[si];
    const struct fc_step *st = &e->m->steps[si];
    c->step = (int16_t)si;
    c->t_enter = t;
    if (t >= e->m->warmup) {
        c->flags |= F_STATS;
        e->out->steps[si].entered++;
    } else {
        c->flags &= (uint8_t)~F_STATS;
    }
    if (st->terminal) {
        if (c->flags & F_STATS)
            e->out->steps[si].done++;
        travel(e, ci, t);
        return;
    }
    area(e, s, si, t);
    s->count++;
    if (e->m->evac_min_step >= 0 && c->site == -1 && !(c->flags & F_POOLED) &&
        (int)si >= e->m->evac_min_step)
        pool_push(e, ci);
    if (s->qhead == NIL && can_start(e, si)) {
        start_service(e, ci, si, t);
    } else {
        c->qnext = NIL;
        if (s->qtail == NIL)
            s->qhead = ci;
        else
            e->cases[s->qtail].qnext = ci;
        s->qtail = ci;
    }
}

static void gov_exit(struct fc_engine *e, struct rcase *c, double t)
{
    if (!e->m->steps[c->step].gov)
        return;
    double old = c->gov, now = old + (t - c->t_enter), lim = e->m->statutory;
    if (!(c->flags & F_OVER) && now > lim) {
        c->flags |= F_OVER;
        double x = c->t_enter + (lim - old);
        e->over_new[week_of(e, x > 0 ? x : 0)]++;
    }
    c->gov = (float)now;
}

static void done(struct fc_engine *e, uint32_t ci, double t)
{
    struct rcase *c = &e->cases[ci];
    size_t si = (size_t)c->step;
    struct rstep *s = &e->steps[si];
    const struct fc_step *st = &e->m->steps[si];
    area(e, s, si, t);
    s->count--;
    s->busy--;
    if (c->flags & F_STATS) {
        e->out->steps[si].done++;
        e->out->steps[si].sojourn_sum += t - c->t_enter;
    }
    gov_exit(e, c, t);
    drain(e, si, t);
    enter_step(e, ci, branch(e, st), t);
}

/* --- flows, capacity, registrations ------------------------------------------------------- */

static int crossing_status(const struct fc_crossing *x, double t)
{
    int s = HV_CROSSING_UNKNOWN;
    for (uint32_t i = 0; i < x->n && x->t[i] <= t; i++)
        s = x->status[i];
    return s;
}

static int pick_site(const struct fc_engine *e, int country)
{
    const struct hv_forecast_model *m = e->m;
    int best = -1;
    int64_t best_free = INT64_MIN;
    for (size_t s = 0; s < m->n_sites; s++) {
        if (m->sites[s].country != country)
            continue;
        int64_t free_beds = m->sites[s].capacity - e->occ[1 + m->n_countries + s];
        if (free_beds > best_free) {
            best_free = free_beds;
            best = (int)s;
        }
    }
    if (best >= 0 && best_free <= 0 && !m->countries[country].overflow)
        return -1;
    return best;
}

static void flow_tick(struct fc_engine *e, uint32_t fi, double t)
{
    const struct fc_flow *f = &e->m->flows[fi];
    if (t + 1 < f->to && t + 1 < e->m->horizon)
        push(e, t + 1, EV_FLOW, fi);
    e->flow_acc[fi] += f->per_week / 7.0;
    double k = floor(e->flow_acc[fi] + 1e-9);
    e->flow_acc[fi] -= k;
    if (f->crossing >= 0) {
        int st = crossing_status(&e->m->crossings[f->crossing], t);
        if (st != HV_CROSSING_OPEN && !(st == HV_CROSSING_RESTRICTED && f->restricted_ok))
            return;
    }
    const struct fc_country *co = &e->m->countries[f->country];
    for (double i = 0; i < k; i++) {
        while (e->phead != NIL &&
               (e->cases[e->phead].site != -1 || (e->cases[e->phead].flags & F_DONE)))
            e->phead = e->cases[e->phead].pnext;
        if (e->phead == NIL) {
            e->ptail = NIL;
            return;
        }
        uint32_t ci = e->phead;
        if (co->quota > 0 && e->people[f->country] + e->cases[ci].people > co->quota)
            return;
        int site = pick_site(e, f->country);
        if (site < 0)
            return;
        e->phead = e->cases[ci].pnext;
        if (e->phead == NIL)
            e->ptail = NIL;
        arrive_at(e, ci, site, t);
    }
}

static void cap_update(struct fc_engine *e, size_t si, double t)
{
    const struct hv_forecast_model *m = e->m;
    double f = 1;
    for (size_t w = 0; w < m->n_windows; w++) {
        if ((size_t)m->windows[w].step == si && m->windows[w].from <= t && t < m->windows[w].to)
            f *= m->windows[w].factor;
    }
    struct rstep *s = &e->steps[si];
    s->factor = f;
    s->cap_now = (int64_t)floor((double)m->steps[si].servers * f + 0.5);
}

static void new_case(struct fc_engine *e, double t)
{
    const struct hv_forecast_model *m = e->m;
    double next = t - 7.0 / m->reg_per_week * log1p(-unit(e));
    if (next < m->reg_to)
        push(e, next, EV_REG, 0);
    if (e->n_cases >= e->max_cases)
        return; /* beyond the bound sized at ten standard deviations; see FORECAST.md */
    uint32_t ci = (uint32_t)e->n_cases++;
    struct rcase *c = &e->cases[ci];
    memset(c, 0, sizeof(*c));
    c->site = -1;
    c->people = (uint16_t)(1 + poisson(e, m->reg_people - 1));
    enter_step(e, ci, 0, t);
}

/* --- replication -------------------------------------------------------------------------- */

size_t hv__forecast_n_series(const struct hv_forecast_model *m)
{
    return 1 + m->n_countries + m->n_sites;
}

static int cmp_pool(const void *x, const void *y, const struct hv_forecast_model *m)
{
    const struct fc_case0 *a = &m->cases[*(const uint32_t *)x];
    const struct fc_case0 *b = &m->cases[*(const uint32_t *)y];
    if (a->step != b->step)
        return b->step - a->step;
    uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
    return (i > j) - (i < j);
}

struct fc_engine *hv__forecast_engine_create(const struct hv_forecast_model *m)
{
    struct fc_engine *e = hv_xcalloc(1, sizeof(*e));
    e->m = m;
    double reg_days = 0;
    if (m->reg_per_week > 0) {
        double from = m->reg_from > 0 ? m->reg_from : 0;
        double to = m->reg_to < m->horizon ? m->reg_to : m->horizon;
        reg_days = to > from ? to - from : 0;
    }
    double expect = m->reg_per_week / 7.0 * reg_days;
    e->reg_cap = expect > 0 ? (size_t)(expect + 10 * sqrt(expect) + 100) : 0;
    e->max_cases = m->n_cases + e->reg_cap;
    e->n_series = hv__forecast_n_series(m);
    e->cases = hv_xcalloc(e->max_cases + 1, sizeof(*e->cases));
    e->steps = hv_xcalloc(m->n_steps, sizeof(*e->steps));
    e->cap_heap = 3 * e->max_cases + 2 * m->n_windows + m->n_flows + 16;
    e->heap = hv_xcalloc(e->cap_heap, sizeof(*e->heap));
    e->n_days = (int64_t)ceil(m->horizon * BUCKETS_PER_DAY) + 1;
    e->n_chunks = e->cap_heap / CHUNK + (size_t)e->n_days + 2;
    e->chunks = hv_xcalloc(e->n_chunks, sizeof(*e->chunks));
    e->day_head = hv_xcalloc((size_t)e->n_days, sizeof(*e->day_head));
    e->occ = hv_xcalloc(e->n_series, sizeof(*e->occ));
    e->people = hv_xcalloc(m->n_countries + 1, sizeof(*e->people));
    e->last_week = hv_xcalloc(e->n_series, sizeof(*e->last_week));
    e->zero_t = hv_xcalloc(e->n_series, sizeof(*e->zero_t));
    e->had = hv_xcalloc(e->n_series, sizeof(*e->had));
    e->flow_acc = hv_xcalloc(m->n_flows + 1, sizeof(*e->flow_acc));
    e->over_new = hv_xcalloc((size_t)m->weeks, sizeof(*e->over_new));
    e->over_leave = hv_xcalloc((size_t)m->weeks, sizeof(*e->over_leave));
    e->pool_order = hv_xcalloc(m->n_cases + 1, sizeof(*e->pool_order));
    e->windowed = hv_xcalloc(m->n_steps + 1, sizeof(*e->windowed));
    for (size_t w = 0; w < m->n_windows; w++)
        e->windowed[m->windows[w].step] = true;
    if (m->evac_min_step >= 0) {
        for (size_t i = 0; i < m->n_cases; i++) {
            const struct fc_case0 *c = &m->cases[i];
            if (c->site == -1 && c->arrive_site < 0 && !(c->arrive > 0) &&
                c->step >= m->evac_min_step && !m->steps[c->step].terminal)
                e->pool_order[e->n_pool_order++] = (uint32_t)i;
        }
        /* most advanced first, then model order (insertion sort by step is enough: stable) */
        for (size_t i = 1; i < e->n_pool_order; i++) {
            uint32_t x = e->pool_order[i];
            size_t j = i;
            while (j > 0 && cmp_pool(&e->pool_order[j - 1], &x, m) > 0) {
                e->pool_order[j] = e->pool_order[j - 1];
                j--;
            }
            e->pool_order[j] = x;
        }
    }
    return e;
}

void hv__forecast_engine_destroy(struct fc_engine *e)
{
    if (e == NULL)
        return;
    free(e->cases);
    free(e->steps);
    free(e->heap);
    free(e->chunks);
    free(e->day_head);
    free(e->occ);
    free(e->people);
    free(e->last_week);
    free(e->zero_t);
    free(e->had);
    free(e->flow_acc);
    free(e->over_new);
    free(e->over_leave);
    free(e->pool_order);
    free(e->windowed);
    free(e);
}

static void reset(struct fc_engine *e, uint64_t seed, uint64_t rep)
{
    const struct hv_forecast_model *m = e->m;
    uint64_t x = seed ^ (0xD1B54A32D192ED03ull * (rep + 1));
    for (int i = 0; i < 4; i++)
        e->rng[i] = splitmix(&x);
    e->n_heap = 0;
    e->seq = 0;
    e->cur_day = -1;
    for (int64_t d = 0; d < e->n_days; d++)
        e->day_head[d] = NIL;
    e->free_chunk = NIL; /* recycled chunks; fresh ones are taken in order */
    e->fresh_chunk = 0;
    e->n_cases = m->n_cases;
    e->phead = e->ptail = NIL;
    e->over0 = 0;
    e->events = 0;
    memset(e->occ, 0, e->n_series * sizeof(*e->occ));
    memset(e->people, 0, (m->n_countries + 1) * sizeof(*e->people));
    memset(e->last_week, 0, e->n_series * sizeof(*e->last_week));
    memset(e->zero_t, 0, e->n_series * sizeof(*e->zero_t));
    memset(e->had, 0, e->n_series * sizeof(*e->had));
    memset(e->flow_acc, 0, (m->n_flows + 1) * sizeof(*e->flow_acc));
    memset(e->over_new, 0, (size_t)m->weeks * sizeof(*e->over_new));
    memset(e->over_leave, 0, (size_t)m->weeks * sizeof(*e->over_leave));
    memset(e->out->beds, 0, e->n_series * (size_t)m->weeks * sizeof(*e->out->beds));
    e->out->travelled = 0;
    e->out->moved = 0;
    for (size_t i = 0; i < m->n_steps; i++) {
        e->steps[i] = (struct rstep){ 0, 0, 0, 1, NIL, NIL, 0, 0 };
        cap_update(e, i, 0);
        e->steps[i].slots = (int64_t)floor(m->steps[i].per_week * e->steps[i].factor + 0.5);
    }
}

static void place_initial(struct fc_engine *e)
{
    const struct hv_forecast_model *m = e->m;
    for (size_t i = 0; i < m->n_cases; i++) {
        const struct fc_case0 *c0 = &m->cases[i];
        struct rcase *c = &e->cases[i];
        memset(c, 0, sizeof(*c));
        c->site = -1;
        c->people = c0->people;
        c->qnext = c->pnext = NIL;
        if (c0->arrive > 0 && c0->arrive_site < 0) {
            push(e, c0->arrive, EV_ENTER, (uint32_t)i);
            continue;
        }
        if (c0->arrive_site >= 0)
            push(e, c0->arrive, EV_PLANNED, (uint32_t)i);
        if (c0->site >= 0) {
            const struct fc_country *co = &m->countries[m->sites[c0->site].country];
            c->site = c0->site;
            c->stay_start = c0->stay_start;
            e->people[m->sites[c0->site].country] += c->people;
            occ_change(e, c0->site, 1, 0);
            if (co->max_stay > 0) {
                double t = c0->stay_start + co->max_stay;
                push(e, t > 0 ? t : 0, EV_MAXSTAY, (uint32_t)i);
            }
        }
        const struct fc_step *st = &m->steps[c0->step];
        c->step = c0->step;
        c->t_enter = -(double)c0->elapsed;
        c->gov = c0->gov_days - (st->gov ? c0->elapsed : 0);
        if (c0->gov_days > m->statutory) {
            c->flags |= F_OVER;
            e->over0++;
        }
        if (st->terminal) {
            travel(e, (uint32_t)i, 0);
            continue;
        }
        e->steps[c0->step].count++;
        e->steps[c0->step].busy++;
        push(e, residual(e, &st->dur, c0->elapsed), EV_DONE, (uint32_t)i);
    }
    for (size_t k = 0; k < e->n_pool_order; k++)
        pool_push(e, e->pool_order[k]);
}

void hv__forecast_engine_run(struct fc_engine *e, uint64_t seed, uint64_t rep,
                             struct fc_rep_out *out)
{
    const struct hv_forecast_model *m = e->m;
    e->out = out;
    reset(e, seed, rep);
    place_initial(e);
    for (size_t w = 0; w < m->n_windows; w++) {
        if (m->windows[w].from > 0)
            push(e, m->windows[w].from, EV_CAP, (uint32_t)m->windows[w].step);
        if (m->windows[w].to > 0 && isfinite(m->windows[w].to))
            push(e, m->windows[w].to, EV_CAP, (uint32_t)m->windows[w].step);
    }
    for (size_t f = 0; f < m->n_flows; f++) {
        double from = m->flows[f].from;
        double t = from >= 0 ? from : from + ceil(-from);
        if (t < m->flows[f].to)
            push(e, t, EV_FLOW, (uint32_t)f);
    }
    bool weekly = false;
    for (size_t i = 0; i < m->n_steps; i++)
        weekly |= m->steps[i].per_week > 0;
    if (weekly)
        push(e, 7, EV_WEEK, 0);
    if (m->reg_per_week > 0 && m->reg_to > 0) {
        double t0 = m->reg_from > 0 ? m->reg_from : 0;
        push(e, t0 - 7.0 / m->reg_per_week * log1p(-unit(e)), EV_REG, 0);
    }
    struct event ev;
    while (next_event(e, &ev)) {
        double t = ev.t;
        uint32_t idx = ev.code & EV_MASK;
        if (e->n_heap > 0)
            PREFETCH(&e->cases[e->heap[0].code & EV_MASK]); /* most events are a case's */
        e->events++;
        switch (ev.code >> EV_SHIFT) {
        case EV_DONE:
            done(e, idx, t);
            break;
        case EV_ENTER:
            enter_step(e, idx, (size_t)m->cases[idx].step, t);
            break;
        case EV_PLANNED:
            if (e->cases[idx].site == -1 && !(e->cases[idx].flags & F_DONE))
                arrive_at(e, idx, m->cases[idx].arrive_site, t);
            break;
        case EV_MAXSTAY:
            /* a case has at most one stay, so the event is never stale while it is there */
            leave(e, idx, t);
            break;
        case EV_FLOW:
            flow_tick(e, idx, t);
            break;
        case EV_CAP:
            cap_update(e, idx, t);
            drain(e, idx, t);
            break;
        case EV_WEEK:
            for (size_t i = 0; i < m->n_steps; i++) {
                if (m->steps[i].per_week > 0) {
                    e->steps[i].slots =
                        (int64_t)floor(m->steps[i].per_week * e->steps[i].factor + 0.5);
                    drain(e, i, t);
                }
            }
            push(e, t + 7, EV_WEEK, 0);
            break;
        case EV_REG:
            new_case(e, t);
            break;
        case EV_LUMP:
            enter_step(e, idx, (size_t)e->cases[idx].step, t);
            break;
        default:
            break;
        }
    }
    /* close the books at the horizon */
    double h = m->horizon;
    for (size_t s = 0; s < e->n_series; s++) {
        int32_t *beds = out->beds + s * (size_t)m->weeks;
        for (int k = e->last_week[s] + 1; k < m->weeks; k++)
            beds[k] = (int32_t)e->occ[s];
        out->clear[s] = e->occ[s] > 0 ? -1 : (e->had[s] ? (int32_t)floor(e->zero_t[s]) : 0);
    }
    for (size_t i = 0; i < m->n_steps; i++) {
        area(e, &e->steps[i], i, h);
        if (h > m->warmup)
            out->steps[i].window += h - m->warmup;
    }
    for (size_t i = 0; i < e->n_cases; i++) {
        struct rcase *c = &e->cases[i];
        if ((c->flags & (F_DONE | F_OVER)) || c->step < 0 || !m->steps[c->step].gov)
            continue;
        if (i < m->n_cases && m->cases[i].arrive_site < 0 && m->cases[i].arrive >= h)
            continue; /* never entered the pipeline */
        gov_exit(e, c, h);
    }
    int64_t over = e->over0;
    for (int w = 0; w < m->weeks; w++) {
        over += e->over_new[w] - e->over_leave[w];
        out->over[w] = (int32_t)over;
    }
    out->events += e->events;
}
