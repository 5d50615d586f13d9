/* backend_builtin.c - the built-in placement engine, no solver dependency. The capacity rows
 * are dualised: L(lambda) = sum lambda*cap + sum over families of max(0, best reduced value)
 * is an upper bound for every lambda >= 0, and its minimum equals the LP relaxation (each
 * family's choice polytope is integral). It is minimised by spectral projected gradient on
 * the entropy-smoothed dual with a decreasing temperature. Plans come from a regret-ordered
 * greedy on reduced values, a fill pass, then local search (moves, insertions, ejections).
 * The plan's gap is measured against the best L(lambda) found; lambda are the bed prices.
 * SPDX-License-Identifier: Apache-2.0 */
#include "placement/placement_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eng {
    const struct hv_place_model *m;
    size_t nr, nc, nf;
    bool *active; /* rows with a limit and at least one coefficient */
    double *cb;   /* reduced values, per column */
    double *ex;   /* smoothing weights, per column */
    double t0, deadline;
    bool verbose;
    /* plan state */
    double *used;
    int32_t *assign;
    double obj;
};

static double reduced(const struct hv_place_model *m, const double *lam, size_t j)
{
    double c = m->col_value[j];
    const int32_t *row = &m->col_row[j * HV_PLACE_MAX_NZ];
    const double *co = &m->col_coef[j * HV_PLACE_MAX_NZ];
    for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
        if (row[k] >= 0)
            c -= lam[row[k]] * co[k];
    }
    return c;
}

/* Smoothed dual value (returned), its gradient, and the exact dual value *ltrue. */
static double eval(struct eng *e, const double *lam, double tau, double *grad, double *ltrue)
{
    const struct hv_place_model *m = e->m;
    double base = 0;
    for (size_t r = 0; r < e->nr; r++) {
        grad[r] = e->active[r] ? m->row_cap[r] : 0;
        if (e->active[r])
            base += lam[r] * m->row_cap[r];
    }
    double ls = base, lt = base;
    for (size_t f = 0; f < e->nf; f++) {
        size_t j0 = m->fam_start[f], j1 = m->fam_start[f + 1];
        if (j0 == j1)
            continue;
        double mx = 0;
        for (size_t j = j0; j < j1; j++) {
            e->cb[j] = reduced(m, lam, j);
            if (e->cb[j] > mx)
                mx = e->cb[j];
        }
        lt += mx;
        double z = exp(-mx / tau);
        for (size_t j = j0; j < j1; j++) {
            double d = (e->cb[j] - mx) / tau;
            e->ex[j] = d > -40 ? exp(d) : 0;
            z += e->ex[j];
        }
        ls += mx + tau * log(z);
        for (size_t j = j0; j < j1; j++) {
            if (e->ex[j] == 0)
                continue;
            double p = e->ex[j] / z;
            const int32_t *row = &m->col_row[j * HV_PLACE_MAX_NZ];
            const double *co = &m->col_coef[j * HV_PLACE_MAX_NZ];
            for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
                if (row[k] >= 0)
                    grad[row[k]] -= p * co[k];
            }
        }
    }
    *ltrue = lt;
    return ls;
}

static bool fits(const struct eng *e, size_t j, const double *used)
{
    const struct hv_place_model *m = e->m;
    for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
        int32_t r = m->col_row[j * HV_PLACE_MAX_NZ + k];
        if (r >= 0 && m->row_cap[r] >= 0 &&
            used[r] + m->col_coef[j * HV_PLACE_MAX_NZ + k] > m->row_cap[r] + 1e-9)
            return false;
    }
    return true;
}

/* True when column j fits every row of its site (the country quota aside). */
static bool fits_site(const struct eng *e, size_t j, const double *used)
{
    const struct hv_place_model *m = e->m;
    size_t lim = m->in->n_sites * HV_PLACE_N_CAPS;
    for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
        int32_t r = m->col_row[j * HV_PLACE_MAX_NZ + k];
        if (r >= 0 && (size_t)r < lim && m->row_cap[r] >= 0 &&
            used[r] + m->col_coef[j * HV_PLACE_MAX_NZ + k] > m->row_cap[r] + 1e-9)
            return false;
    }
    return true;
}

static void take(struct eng *e, size_t j, double sign)
{
    const struct hv_place_model *m = e->m;
    for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
        int32_t r = m->col_row[j * HV_PLACE_MAX_NZ + k];
        if (r >= 0)
            e->used[r] += sign * m->col_coef[j * HV_PLACE_MAX_NZ + k];
    }
}

static void put(struct eng *e, size_t f, int32_t j)
{
    const struct hv_place_model *m = e->m;
    if (e->assign[f] >= 0) {
        take(e, (size_t)e->assign[f], -1);
        e->obj -= m->col_value[e->assign[f]];
    }
    e->assign[f] = j;
    if (j >= 0) {
        take(e, (size_t)j, 1);
        e->obj += m->col_value[j];
    }
}

struct key {
    double k;
    uint32_t f;
};

static int cmp_key_desc(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    if (x->k != y->k)
        return x->k > y->k ? -1 : 1;
    return x->f < y->f ? -1 : (x->f > y->f);
}

/* Greedy on reduced values under lam (lam = NULL: on raw values): families in order of regret,
 * each to its best option that still fits. */
static void construct(struct eng *e, const double *lam)
{
    const struct hv_place_model *m = e->m;
    memset(e->used, 0, e->nr * sizeof(double));
    e->obj = 0;
    struct key *ord = hv_xmalloc((e->nf + 1) * sizeof(*ord));
    size_t n = 0;
    for (size_t f = 0; f < e->nf; f++) {
        e->assign[f] = -1;
        size_t j0 = m->fam_start[f], j1 = m->fam_start[f + 1];
        if (j0 == j1)
            continue;
        double b1 = -1e300, b2 = 0;
        for (size_t j = j0; j < j1; j++) {
            double c = lam != NULL ? reduced(m, lam, j) : m->col_value[j];
            e->cb[j] = c;
            if (c > b1) {
                b2 = b1 > b2 ? b1 : b2;
                b1 = c;
            } else if (c > b2) {
                b2 = c;
            }
        }
        /* families the prices say to place come first, by regret; the rest by value */
        double k = b1 > 0 ? 1e12 + (b1 - b2) : b1 / 1e6;
        if (lam == NULL) {
            size_t sz = (size_t)m->in->families[f].size;
            k = b1 / (double)sz;
        }
        ord[n].k = k;
        ord[n].f = (uint32_t)f;
        n++;
    }
    qsort(ord, n, sizeof(*ord), cmp_key_desc);
    for (size_t i = 0; i < n; i++) {
        size_t f = ord[i].f;
        int32_t bj = -1;
        double bv = -1e300;
        for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++) {
            double c = e->cb[j];
            if (c > bv && fits(e, j, e->used)) {
                bv = c;
                bj = (int32_t)j;
            }
        }
        if (bj >= 0)
            put(e, f, bj);
    }
    free(ord);
}

/* Best feasible option of family f by raw value given current usage (its own usage removed),
 * or -1. */
static int32_t best_move(struct eng *e, size_t f)
{
    const struct hv_place_model *m = e->m;
    int32_t cur = e->assign[f];
    if (cur >= 0)
        take(e, (size_t)cur, -1);
    int32_t bj = cur;
    double bv = cur >= 0 ? m->col_value[cur] : 0;
    for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++) {
        if (m->col_value[j] > bv + 1e-9 && fits(e, j, e->used)) {
            bv = m->col_value[j];
            bj = (int32_t)j;
        }
    }
    if (cur >= 0)
        take(e, (size_t)cur, 1);
    return bj;
}

/* One round of moves and insertions; true when anything improved. */
static bool improve_moves(struct eng *e)
{
    bool any = false;
    for (size_t f = 0; f < e->nf; f++) {
        if (e->m->fam_start[f] == e->m->fam_start[f + 1])
            continue;
        int32_t j = best_move(e, f);
        if (j != e->assign[f]) {
            put(e, f, j);
            any = true;
        }
    }
    return any;
}

/* Ejection: an unplaced family u takes the place of a placed family p of lower value at a
 * site where u does not fit; p then moves to its best remaining option, if any. Families of
 * the site are scanned in index order, at most `scan` of them. */
static bool improve_eject(struct eng *e, size_t **site_fams, size_t *site_n, double deadline)
{
    const struct hv_place_model *m = e->m;
    bool any = false;
    for (size_t u = 0; u < e->nf; u++) {
        if (m->fam_start[u] == m->fam_start[u + 1])
            continue;
        if ((u & 31) == 0 && hv__place_now() > deadline)
            break;
        /* u's own place is taken out while its moves are priced */
        int32_t cur = e->assign[u];
        double vcur = cur >= 0 ? m->col_value[cur] : 0;
        if (cur >= 0)
            take(e, (size_t)cur, -1);
        double best_gain = 1e-9;
        int32_t best_p = -1, best_ju = -1, best_jp = -1;
        for (size_t ju = m->fam_start[u]; ju < m->fam_start[u + 1]; ju++) {
            double vu = m->col_value[ju];
            if ((int32_t)ju == cur || vu <= vcur + 1e-9 || fits(e, ju, e->used))
                continue;
            size_t s0 = m->col_site[ju];
            /* when only the country quota is short, the family to eject may be at any site of
             * the country; otherwise it must free room at this site */
            bool quota_only = fits_site(e, ju, e->used);
            uint32_t c0 = m->in->sites[s0].country;
            for (size_t s = 0; s < m->in->n_sites; s++) {
                if (s != s0 && (!quota_only || m->in->sites[s].country != c0))
                    continue;
                size_t lim = s == s0 ? 300 : 40;
                size_t scan = site_n[s] < lim ? site_n[s] : lim;
                for (size_t i = 0; i < scan; i++) {
                    size_t p = site_fams[s][i];
                    int32_t jp = e->assign[p];
                    if (jp < 0 || m->col_site[jp] != s || p == u)
                        continue;
                    if (vu - vcur - m->col_value[jp] + m->col_value[jp] <= best_gain)
                        continue; /* even a perfect relocation cannot beat the best */
                    take(e, (size_t)jp, -1);
                    if (fits(e, ju, e->used)) {
                        take(e, ju, 1);
                        double relo = 0;
                        int32_t rj = -1;
                        for (size_t j = m->fam_start[p]; j < m->fam_start[p + 1]; j++) {
                            if (m->col_value[j] > relo && fits(e, j, e->used)) {
                                relo = m->col_value[j];
                                rj = (int32_t)j;
                            }
                        }
                        take(e, ju, -1);
                        double gain = vu - vcur - m->col_value[jp] + relo;
                        if (gain > best_gain) {
                            best_gain = gain;
                            best_p = (int32_t)p;
                            best_ju = (int32_t)ju;
                            best_jp = rj;
                        }
                    }
                    take(e, (size_t)jp, 1);
                }
            }
        }
        if (cur >= 0)
            take(e, (size_t)cur, 1);
        if (best_p >= 0) {
            put(e, u, -1);
            put(e, (size_t)best_p, -1);
            put(e, u, best_ju);
            if (best_jp >= 0)
                put(e, (size_t)best_p, best_jp);
            any = true;
        }
    }
    return any;
}

static void local_search(struct eng *e, double deadline)
{
    const struct hv_place_model *m = e->m;
    size_t ns = m->in->n_sites;
    for (int round = 0; round < 4 && hv__place_now() < deadline; round++) {
        bool a = improve_moves(e);
        /* families per site, for ejections */
        size_t *cnt = hv_xcalloc(ns + 1, sizeof(size_t));
        for (size_t f = 0; f < e->nf; f++) {
            if (e->assign[f] >= 0)
                cnt[m->col_site[e->assign[f]]]++;
        }
        size_t **lists = hv_xcalloc(ns + 1, sizeof(size_t *));
        size_t *n = hv_xcalloc(ns + 1, sizeof(size_t));
        for (size_t s = 0; s < ns; s++)
            lists[s] = hv_xmalloc((cnt[s] + 1) * sizeof(size_t));
        /* cheapest placed families first: they are the ones worth ejecting */
        struct key *ord = hv_xmalloc((e->nf + 1) * sizeof(*ord));
        size_t no = 0;
        for (size_t f = 0; f < e->nf; f++) {
            if (e->assign[f] >= 0) {
                ord[no].k = -m->col_value[e->assign[f]];
                ord[no++].f = (uint32_t)f;
            }
        }
        qsort(ord, no, sizeof(*ord), cmp_key_desc);
        for (size_t i = 0; i < no; i++) {
            size_t s = m->col_site[e->assign[ord[i].f]];
            lists[s][n[s]++] = ord[i].f;
        }
        free(ord);
        bool b = improve_eject(e, lists, n, deadline);
        for (size_t s = 0; s < ns; s++)
            free(lists[s]);
        free(lists);
        free(n);
        free(cnt);
        if (!a && !b)
            break;
    }
}

/* splitmix64: the engine's own seeded stream (no global state). */
static uint64_t next_rand(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Ruin and recreate: take a few placed families out of one site (and a few more elsewhere in
 * its country), then refill from every family not placed, in the order of the LP prices'
 * reduced values with random skips; keep the change when the objective does not drop. */
static void ruin_recreate(struct eng *e, const double *lam, double deadline, uint64_t *rng,
                          size_t max_iter)
{
    const struct hv_place_model *m = e->m;
    size_t nf = e->nf;
    struct key *ord = hv_xmalloc((nf + 1) * sizeof(*ord));
    size_t no = 0;
    double *rc = hv_xmalloc((m->n_col + 1) * sizeof(double));
    for (size_t f = 0; f < nf; f++) {
        double b = -1e300;
        for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++) {
            rc[j] = reduced(m, lam, j);
            b = rc[j] > b ? rc[j] : b;
        }
        if (m->fam_start[f + 1] > m->fam_start[f]) {
            ord[no].k = b;
            ord[no++].f = (uint32_t)f;
        }
    }
    qsort(ord, no, sizeof(*ord), cmp_key_desc);
    size_t *placed = hv_xmalloc((nf + 1) * sizeof(size_t));
    size_t *log_f = hv_xmalloc((nf + 1) * sizeof(size_t));
    int32_t *log_j = hv_xmalloc((nf + 1) * sizeof(int32_t));
    uint8_t *seen = hv_xcalloc(nf + 1, 1);
    size_t ns = m->in->n_sites;
    for (size_t it = 0; it < max_iter; it++) {
        if ((it & 15) == 0 && hv__place_now() > deadline)
            break;
        size_t np = 0;
        /* pick a site through a random placed family */
        size_t f0 = (size_t)(next_rand(rng) % (nf > 0 ? nf : 1));
        size_t tries = 0;
        while (e->assign[f0] < 0 && tries++ < 64)
            f0 = (size_t)(next_rand(rng) % nf);
        if (e->assign[f0] < 0)
            continue;
        uint32_t s0 = m->col_site[e->assign[f0]];
        uint32_t c0 = m->in->sites[s0].country;
        size_t k_site = 1 + (size_t)(next_rand(rng) % 4), k_far = (size_t)(next_rand(rng) % 3);
        /* sample removals by random probing */
        for (size_t probe = 0; probe < 64 * (k_site + k_far) && np < k_site + k_far; probe++) {
            size_t f = (size_t)(next_rand(rng) % nf);
            if (e->assign[f] < 0 || seen[f])
                continue;
            uint32_t s = m->col_site[e->assign[f]];
            bool here = s == s0, country = m->in->sites[s].country == c0;
            size_t n_here = 0;
            for (size_t i = 0; i < np; i++)
                n_here += m->col_site[e->assign[placed[i]]] == s0;
            if ((here && n_here < k_site) || (!here && country && np - n_here < k_far)) {
                placed[np++] = f;
                seen[f] = 1;
            }
        }
        (void)ns;
        double before = e->obj;
        size_t nl = 0;
        for (size_t i = 0; i < np; i++) {
            log_f[nl] = placed[i];
            log_j[nl++] = e->assign[placed[i]];
            put(e, placed[i], -1);
        }
        /* recreate: two passes, the first with random skips */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < no; i++) {
                size_t f = ord[i].f;
                if (e->assign[f] >= 0)
                    continue;
                if (pass == 0 && (next_rand(rng) & 7) == 0)
                    continue;
                int32_t bj = -1;
                double bv = -1e300;
                for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++) {
                    if (rc[j] > bv && fits(e, j, e->used)) {
                        bv = rc[j];
                        bj = (int32_t)j;
                    }
                }
                if (bj >= 0) {
                    if (!seen[f]) {
                        log_f[nl] = f;
                        log_j[nl++] = -1;
                        seen[f] = 1;
                    }
                    put(e, f, bj);
                }
            }
        }
        if (e->obj < before - 1e-9) {
            /* undo: take everything touched out, then put the old columns back */
            for (size_t i = 0; i < nl; i++)
                put(e, log_f[i], -1);
            for (size_t i = 0; i < nl; i++) {
                if (log_j[i] >= 0)
                    put(e, log_f[i], log_j[i]);
            }
        }
        for (size_t i = 0; i < nl; i++)
            seen[log_f[i]] = 0;
        for (size_t i = 0; i < np; i++)
            seen[placed[i]] = 0;
    }
    free(ord);
    free(rc);
    free(placed);
    free(log_f);
    free(log_j);
    free(seen);
}

static void keep_best(struct eng *e, struct hv_place_result *r, bool *have)
{
    if (!*have || e->obj > r->objective + 1e-9) {
        memcpy(r->assign, e->assign, e->nf * sizeof(int32_t));
        r->objective = e->obj;
        if (!*have)
            r->t_first = hv__place_now() - e->t0;
        *have = true;
    }
}

static double gap_of(double obj, double bound)
{
    double d = bound - obj;
    return d <= 0 ? 0 : d / (fabs(bound) > 1 ? fabs(bound) : 1);
}

enum hv_err hv__place_solve_builtin(const struct hv_place_model *m, const struct hv_place_params *p,
                                    struct hv_place_result *r, struct hv_diag *diag)
{
    (void)diag;
    struct eng e = { .m = m, .nr = m->n_row, .nc = m->n_col, .nf = m->n_fam };
    e.t0 = hv__place_now();
    double limit = p->time_limit > 0 ? p->time_limit : 60;
    double target = p->gap > 0 ? p->gap : 1e-4;
    e.deadline = e.t0 + limit;
    e.verbose = p->verbose;
    e.active = hv_xcalloc(e.nr + 1, sizeof(bool));
    e.cb = hv_xmalloc((e.nc + 1) * sizeof(double));
    e.ex = hv_xmalloc((e.nc + 1) * sizeof(double));
    e.used = hv_xcalloc(e.nr + 1, sizeof(double));
    e.assign = hv_xmalloc((e.nf + 1) * sizeof(int32_t));
    r->assign = hv_xmalloc((e.nf + 1) * sizeof(int32_t));
    r->row_dual = hv_xcalloc(e.nr + 1, sizeof(double));
    r->backend = "builtin";
    for (size_t j = 0; j < e.nc; j++) {
        for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
            int32_t row = m->col_row[j * HV_PLACE_MAX_NZ + k];
            if (row >= 0 && m->row_cap[row] >= 0)
                e.active[row] = true;
        }
    }
    bool have = false;
    uint64_t rng = p->seed ^ 0x5eedull;
    /* first plan: greedy by value per person, then a quick move pass */
    construct(&e, NULL);
    improve_moves(&e);
    keep_best(&e, r, &have);

    double *lam = hv_xcalloc(e.nr + 1, sizeof(double));
    double *g = hv_xcalloc(e.nr + 1, sizeof(double));
    double *xn = hv_xcalloc(e.nr + 1, sizeof(double));
    double *gn = hv_xcalloc(e.nr + 1, sizeof(double));
    double *d = hv_xcalloc(e.nr + 1, sizeof(double));
    double vbar = 0;
    size_t nfo = 0;
    for (size_t f = 0; f < e.nf; f++) {
        double b = 0;
        for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++)
            b = m->col_value[j] > b ? m->col_value[j] : b;
        if (b > 0) {
            vbar += b;
            nfo++;
        }
    }
    vbar = nfo > 0 ? vbar / (double)nfo : 1;
    double lt = 0;
    (void)eval(&e, lam, vbar, g, &lt);
    r->bound = lt; /* lambda = 0: everyone at their best site */
    memcpy(r->row_dual, lam, e.nr * sizeof(double));
    r->gap = gap_of(r->objective, r->bound);

    double tau = 0.05 * vbar;
    double alpha = 0;
    enum { HIST = 8 };
    double hist[HIST];
    for (int stage = 0; stage < 12 && r->gap > target && hv__place_now() < e.deadline; stage++) {
        double fx = eval(&e, lam, tau, g, &lt);
        if (lt < r->bound) {
            r->bound = lt;
            memcpy(r->row_dual, lam, e.nr * sizeof(double));
        }
        for (size_t i = 0; i < HIST; i++)
            hist[i] = fx;
        if (alpha <= 0) {
            double gm = 0;
            for (size_t i = 0; i < e.nr; i++)
                gm = fabs(g[i]) > gm ? fabs(g[i]) : gm;
            alpha = gm > 0 ? 0.1 * vbar / gm : 1;
        }
        size_t max_it = 40 + 25 * (size_t)stage;
        for (size_t it = 0; it < max_it && hv__place_now() < e.deadline; it++) {
            double gd = 0, dn = 0;
            for (size_t i = 0; i < e.nr; i++) {
                double x = lam[i] - alpha * g[i];
                d[i] = e.active[i] ? (x > 0 ? x : 0) - lam[i] : 0;
                gd += g[i] * d[i];
                dn = fabs(d[i]) > dn ? fabs(d[i]) : dn;
            }
            if (dn < 1e-12 * (vbar + 1))
                break;
            double fmax = hist[0];
            for (size_t i = 1; i < HIST; i++)
                fmax = hist[i] > fmax ? hist[i] : fmax;
            double t = 1, fn = 0, ltn = 0;
            for (int ls = 0; ls < 30; ls++) {
                for (size_t i = 0; i < e.nr; i++)
                    xn[i] = lam[i] + t * d[i];
                fn = eval(&e, xn, tau, gn, &ltn);
                if (ltn < r->bound) {
                    r->bound = ltn;
                    memcpy(r->row_dual, xn, e.nr * sizeof(double));
                }
                if (fn <= fmax + 1e-4 * t * gd)
                    break;
                t *= 0.5;
            }
            double ss = 0, sy = 0;
            for (size_t i = 0; i < e.nr; i++) {
                double s = xn[i] - lam[i], y = gn[i] - g[i];
                ss += s * s;
                sy += s * y;
                lam[i] = xn[i];
                g[i] = gn[i];
            }
            hist[it % HIST] = fn;
            alpha = sy > 0 ? ss / sy : alpha * 4;
            if (alpha > 1e12)
                alpha = 1e12;
        }
        /* a plan from these prices */
        if (stage >= 1) {
            construct(&e, r->row_dual);
            /* search budgets grow with the instance, not with the time limit: later stages
             * (better prices) get their turn */
            double left = e.deadline - hv__place_now();
            double ls_budget = 0.3 + 2e-4 * (double)e.nf;
            double ls_deadline =
                hv__place_now() + (ls_budget < 0.25 * left ? ls_budget : 0.25 * left);
            local_search(&e, ls_deadline);
            keep_best(&e, r, &have);
            /* continue from the best plan so far */
            if (e.obj < r->objective - 1e-9) {
                for (size_t f = 0; f < e.nf; f++)
                    put(&e, f, -1);
                for (size_t f = 0; f < e.nf; f++) {
                    if (r->assign[f] >= 0)
                        put(&e, f, r->assign[f]);
                }
            }
            left = e.deadline - hv__place_now();
            double rr_budget = 0.2 + 1e-4 * (double)e.nf;
            double rr_deadline =
                hv__place_now() + (rr_budget < 0.15 * left ? rr_budget : 0.15 * left);
            ruin_recreate(&e, r->row_dual, rr_deadline, &rng, 200 + 40 * e.nf / 100);
            keep_best(&e, r, &have);
        }
        r->gap = gap_of(r->objective, r->bound);
        if (e.verbose)
            fprintf(stderr, "builtin: stage %d tau %.3g bound %.3f plan %.3f gap %.5f%% %.2fs\n",
                    stage, tau, r->bound, r->objective, 100 * r->gap, hv__place_now() - e.t0);
        tau *= 0.3;
        if (tau < 1e-6 * vbar)
            break;
    }
    /* fractional families at the best prices: more than one option priced within a hair */
    r->n_fractional = 0;
    for (size_t f = 0; f < e.nf; f++) {
        size_t near = 0;
        double b = 0;
        for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++) {
            e.cb[j] = reduced(m, r->row_dual, j);
            b = e.cb[j] > b ? e.cb[j] : b;
        }
        for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++) {
            if (fabs(e.cb[j] - b) <= 1e-6 * vbar)
                near++;
        }
        if (b <= 1e-6 * vbar && m->fam_start[f + 1] > m->fam_start[f])
            near++;
        if (near > 1)
            r->n_fractional++;
    }
    r->n_placed = 0;
    for (size_t f = 0; f < e.nf; f++)
        r->n_placed += r->assign[f] >= 0;
    r->gap = gap_of(r->objective, r->bound);
    r->t_total = hv__place_now() - e.t0;
    free(lam);
    free(g);
    free(xn);
    free(gn);
    free(d);
    free(e.active);
    free(e.cb);
    free(e.ex);
    free(e.used);
    free(e.assign);
    return HV_OK;
}
