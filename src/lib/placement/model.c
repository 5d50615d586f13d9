/* model.c - the integer programme built from an instance (columns = family x reachable site
 * by its best open route, capacity rows), its verification, MPS/LP export, plan text and
 * explanations.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/placement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "haven/arena.h"
#include "placement/placement_int.h"

double hv__place_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *hv_place_why_text(enum hv_place_why w)
{
    switch (w) {
    case HV_PLACE_WHY_NONE:
        return "has options";
    case HV_PLACE_WHY_NO_ROUTE:
        return "no open route from its origin to any site";
    case HV_PLACE_WHY_TOO_LARGE:
        return "family larger than any reachable site takes";
    case HV_PLACE_WHY_NO_BED:
        return "no reachable site has a bed of its kind";
    case HV_PLACE_WHY_MEDICAL:
        return "no reachable site has enough medical places";
    case HV_PLACE_WHY_INTERP:
        return "no reachable site shares a language or has interpreter places";
    case HV_PLACE_WHY_VALUE:
        return "every option is worth nothing under the weights";
    }
    return "?";
}

static int cmp_route(const void *pa, const void *pb, const struct hv_place_route *routes)
{
    const struct hv_place_route *a = &routes[*(const uint32_t *)pa];
    const struct hv_place_route *b = &routes[*(const uint32_t *)pb];
    size_t n = a->origin.len < b->origin.len ? a->origin.len : b->origin.len;
    int c = memcmp(a->origin.ptr, b->origin.ptr, n);
    if (c != 0)
        return c;
    if (a->origin.len != b->origin.len)
        return a->origin.len < b->origin.len ? -1 : 1;
    return 0;
}

/* qsort has no context argument in C11: sort route indices with a small merge sort. */
static void sort_routes(uint32_t *ix, uint32_t *tmp, size_t n, const struct hv_place_route *r)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp_route(&ix[j], &ix[i], r) < 0 ? ix[j++] : ix[i++];
            while (i < mid)
                tmp[k++] = ix[i++];
            while (j < hi)
                tmp[k++] = ix[j++];
        }
        memcpy(ix, tmp, n * sizeof(*ix));
    }
}

static int cmp_str(struct hv_str a, struct hv_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n > 0 ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c != 0)
        return c;
    return a.len == b.len ? 0 : (a.len < b.len ? -1 : 1);
}

/* First index in the sorted route list whose origin is o, or n. */
static size_t first_route(const uint32_t *ix, size_t n, const struct hv_place_route *r,
                          struct hv_str o)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_str(r[ix[mid]].origin, o) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int popcount32(uint32_t x)
{
    int n = 0;
    while (x != 0) {
        x &= x - 1;
        n++;
    }
    return n;
}

enum hv_err hv_place_model_build(struct hv_arena *a, const struct hv_place_instance *in,
                                 struct hv_place_model *m, struct hv_diag *diag)
{
    memset(m, 0, sizeof(*m));
    m->in = in;
    size_t ns = in->n_sites, nf = in->n_families, nr = in->n_routes;
    m->n_fam = nf;
    m->n_row = ns * HV_PLACE_N_CAPS + in->n_countries;
    m->fam_start = hv_arena_alloc_array(a, nf + 1, sizeof(size_t));
    m->fam_why = hv_arena_alloc_array(a, nf + 1, 1);
    m->row_cap = hv_arena_alloc_array(a, m->n_row + 1, sizeof(double));
    uint32_t *ix = hv_arena_alloc_array(a, nr + 1, sizeof(uint32_t));
    uint32_t *tmp = hv_arena_alloc_array(a, nr + 1, sizeof(uint32_t));
    /* per site: best route index and its per-person penalty, for the current origin */
    int64_t *best = hv_arena_alloc_array(a, ns + 1, sizeof(int64_t));
    double *pen = hv_arena_alloc_array(a, ns + 1, sizeof(double));
    if (hv_arena_failed(a)) {
        hv_diag_set(diag, NULL, "placement model does not fit in memory");
        return HV_ERR_LIMIT;
    }
    for (size_t s = 0; s < ns; s++) {
        for (size_t c = 0; c < HV_PLACE_N_CAPS; c++)
            m->row_cap[s * HV_PLACE_N_CAPS + c] = (double)in->sites[s].cap[c];
        if (in->sites[s].cap[HV_PLACE_CAP_PEOPLE] > m->largest_site)
            m->largest_site = in->sites[s].cap[HV_PLACE_CAP_PEOPLE];
    }
    for (size_t k = 0; k < in->n_countries; k++)
        m->row_cap[ns * HV_PLACE_N_CAPS + k] = (double)in->countries[k].quota;
    for (size_t i = 0; i < nr; i++)
        ix[i] = (uint32_t)i;
    sort_routes(ix, tmp, nr, in->routes);

    /* duplicate family ids: sort views of the ids (reuse of a small merge over indices) */
    uint32_t *fx = hv_xmalloc((nf + 1) * sizeof(uint32_t));
    uint32_t *ft = hv_xmalloc((nf + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < nf; i++)
        fx[i] = (uint32_t)i;
    for (size_t w = 1; w < nf; w *= 2) {
        for (size_t lo = 0; lo < nf; lo += 2 * w) {
            size_t mid = lo + w < nf ? lo + w : nf, hi = lo + 2 * w < nf ? lo + 2 * w : nf;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                ft[k++] =
                    cmp_str(in->families[fx[j]].id, in->families[fx[i]].id) < 0 ? fx[j++] : fx[i++];
            while (i < mid)
                ft[k++] = fx[i++];
            while (j < hi)
                ft[k++] = fx[j++];
        }
        memcpy(fx, ft, nf * sizeof(*fx));
    }
    for (size_t i = 1; i < nf; i++) {
        if (cmp_str(in->families[fx[i - 1]].id, in->families[fx[i]].id) == 0) {
            hv_diag_set(diag, "family", "\"%.*s\" appears twice",
                        (int)(in->families[fx[i]].id.len > 60 ? 60 : in->families[fx[i]].id.len),
                        in->families[fx[i]].id.ptr);
            free(fx);
            free(ft);
            return HV_ERR_INVALID;
        }
    }
    free(fx);
    free(ft);

    const struct hv_place_weights *w = &in->w;
    for (int pass = 0; pass < 2; pass++) {
        size_t n_col = 0;
        for (size_t f = 0; f < nf; f++) {
            const struct hv_place_family *fa = &in->families[f];
            m->fam_start[f] = n_col;
            for (size_t s = 0; s < ns; s++)
                best[s] = -1;
            bool any_route = false;
            for (size_t i = first_route(ix, nr, in->routes, fa->origin); i < nr; i++) {
                const struct hv_place_route *r = &in->routes[ix[i]];
                if (!hv_str_eq(r->origin, fa->origin))
                    break;
                if (r->crossing >= 0 && !in->crossings[r->crossing].open)
                    continue;
                double p = w->route_risk * r->risk + w->cost * r->cost;
                if (best[r->site] < 0 || p < pen[r->site]) {
                    best[r->site] = ix[i];
                    pen[r->site] = p;
                }
                any_route = true;
            }
            enum hv_place_why why = any_route ? HV_PLACE_WHY_TOO_LARGE : HV_PLACE_WHY_NO_ROUTE;
            int stage = 0; /* how far the best site got: 1 size, 2 bed, 3 medical, 4 interp */
            for (size_t s = 0; s < ns; s++) {
                if (best[s] < 0)
                    continue;
                const struct hv_place_site *si = &in->sites[s];
                int64_t quota = in->countries[si->country].quota;
                if (si->cap[HV_PLACE_CAP_PEOPLE] < fa->size || (quota >= 0 && quota < fa->size))
                    continue;
                stage = stage < 1 ? 1 : stage;
                if (si->cap[fa->kind] < 1)
                    continue;
                stage = stage < 2 ? 2 : stage;
                if (fa->medical > 0 && si->cap[HV_PLACE_CAP_MEDICAL] < fa->medical)
                    continue;
                stage = stage < 3 ? 3 : stage;
                /* an interpreter is needed when both languages are known and none is shared */
                bool share = (fa->langs & si->langs) != 0;
                bool interp = !share && fa->langs != 0 && si->langs != 0;
                if (interp && si->cap[HV_PLACE_CAP_INTERP] < fa->size)
                    continue;
                stage = stage < 4 ? 4 : stage;
                double v =
                    (double)fa->size * (w->risk[fa->risk] + (share ? w->lang : 0) +
                                        w->service * popcount32(fa->wants & si->services) - pen[s]);
                if (!(v > 0))
                    continue;
                if (pass == 1) {
                    size_t j = n_col;
                    m->col_fam[j] = (uint32_t)f;
                    m->col_site[j] = (uint32_t)s;
                    m->col_route[j] = (uint32_t)best[s];
                    m->col_value[j] = v;
                    int32_t *row = &m->col_row[j * HV_PLACE_MAX_NZ];
                    double *co = &m->col_coef[j * HV_PLACE_MAX_NZ];
                    size_t k = 0, base = s * HV_PLACE_N_CAPS;
                    row[k] = (int32_t)(base + fa->kind);
                    co[k++] = 1;
                    row[k] = (int32_t)(base + HV_PLACE_CAP_PEOPLE);
                    co[k++] = fa->size;
                    if (fa->medical > 0) {
                        row[k] = (int32_t)(base + HV_PLACE_CAP_MEDICAL);
                        co[k++] = fa->medical;
                    }
                    if (interp) {
                        row[k] = (int32_t)(base + HV_PLACE_CAP_INTERP);
                        co[k++] = fa->size;
                    }
                    if (quota >= 0) {
                        row[k] = (int32_t)(ns * HV_PLACE_N_CAPS + si->country);
                        co[k++] = fa->size;
                    }
                    for (; k < HV_PLACE_MAX_NZ; k++) {
                        row[k] = -1;
                        co[k] = 0;
                    }
                }
                n_col++;
                stage = 5;
            }
            if (stage == 5)
                why = HV_PLACE_WHY_NONE;
            else if (stage == 4)
                why = HV_PLACE_WHY_VALUE;
            else if (stage == 3)
                why = HV_PLACE_WHY_INTERP;
            else if (stage == 2)
                why = HV_PLACE_WHY_MEDICAL;
            else if (stage == 1)
                why = HV_PLACE_WHY_NO_BED;
            m->fam_why[f] = (uint8_t)why;
        }
        m->fam_start[nf] = n_col;
        if (pass == 0) {
            m->n_col = n_col;
            m->col_fam = hv_arena_alloc_array(a, n_col + 1, sizeof(uint32_t));
            m->col_site = hv_arena_alloc_array(a, n_col + 1, sizeof(uint32_t));
            m->col_route = hv_arena_alloc_array(a, n_col + 1, sizeof(uint32_t));
            m->col_value = hv_arena_alloc_array(a, n_col + 1, sizeof(double));
            m->col_row = hv_arena_alloc_array(a, (n_col + 1) * HV_PLACE_MAX_NZ, sizeof(int32_t));
            m->col_coef = hv_arena_alloc_array(a, (n_col + 1) * HV_PLACE_MAX_NZ, sizeof(double));
            if (hv_arena_failed(a)) {
                hv_diag_set(diag, NULL, "placement model does not fit in memory");
                return HV_ERR_LIMIT;
            }
        }
    }
    return HV_OK;
}

enum hv_err hv_place_row_name(const struct hv_place_model *m, size_t row, struct hv_buf *b)
{
    size_t ns = m->in->n_sites;
    if (row < ns * HV_PLACE_N_CAPS)
        return hv_buf_appendf(b, HV_STR_FMT " %s",
                              HV_STR_ARG(m->in->sites[row / HV_PLACE_N_CAPS].id),
                              hv_place_cap_name((enum hv_place_cap)(row % HV_PLACE_N_CAPS)));
    return hv_buf_appendf(b, "quota " HV_STR_FMT,
                          HV_STR_ARG(m->in->countries[row - ns * HV_PLACE_N_CAPS].code));
}

struct hv_str hv__place_col_route_id(const struct hv_place_model *m, size_t j)
{
    return m->in->routes[m->col_route[j]].id;
}

void hv__place_usage(const struct hv_place_model *m, const int32_t *assign, double *used)
{
    memset(used, 0, m->n_row * sizeof(double));
    for (size_t f = 0; f < m->n_fam; f++) {
        if (assign[f] < 0)
            continue;
        size_t j = (size_t)assign[f];
        for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
            int32_t r = m->col_row[j * HV_PLACE_MAX_NZ + k];
            if (r >= 0)
                used[r] += m->col_coef[j * HV_PLACE_MAX_NZ + k];
        }
    }
}

enum hv_err hv_place_verify(const struct hv_place_model *m, const int32_t *assign,
                            double *objective, struct hv_diag *diag)
{
    double obj = 0;
    for (size_t f = 0; f < m->n_fam; f++) {
        if (assign[f] < 0)
            continue;
        size_t j = (size_t)assign[f];
        if (j < m->fam_start[f] || j >= m->fam_start[f + 1]) {
            hv_diag_set(diag, "assign", "family %zu has a column that is not its own", f);
            return HV_ERR_INVALID;
        }
        obj += m->col_value[j];
    }
    double *used = hv_xmalloc((m->n_row + 1) * sizeof(double));
    hv__place_usage(m, assign, used);
    enum hv_err err = HV_OK;
    for (size_t r = 0; r < m->n_row; r++) {
        if (m->row_cap[r] >= 0 && used[r] > m->row_cap[r] + 1e-6) {
            struct hv_buf nb;
            hv_buf_init(&nb, 256);
            if (hv_place_row_name(m, r, &nb) != HV_OK)
                nb.len = 0;
            hv_diag_set(diag, "capacity", "%s: %.0f used of %.0f", hv_buf_cstr(&nb), used[r],
                        m->row_cap[r]);
            hv_buf_finish(&nb);
            err = HV_ERR_INVALID;
            break;
        }
    }
    free(used);
    if (objective != NULL)
        *objective = obj;
    return err;
}

/* Columns of the exported programme: families with at least one option. */
enum hv_err hv_place_model_export(const struct hv_place_model *m, enum hv_place_format fmt,
                                  struct hv_buf *b)
{
    size_t ns = m->in->n_sites;
    bool *row_used = hv_xcalloc(m->n_row + 1, 1);
    for (size_t j = 0; j < m->n_col; j++) {
        for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
            int32_t r = m->col_row[j * HV_PLACE_MAX_NZ + k];
            if (r >= 0 && m->row_cap[r] >= 0)
                row_used[r] = true;
        }
    }
    enum hv_err err = HV_OK;
#define PUT(...)                                  \
    do {                                          \
        if (err == HV_OK)                         \
            err = hv_buf_appendf(b, __VA_ARGS__); \
    } while (0)
    if (fmt == HV_PLACE_MPS) {
        PUT("NAME haven-placement\nROWS\n N obj\n");
        for (size_t f = 0; f < m->n_fam; f++) {
            if (m->fam_start[f + 1] - m->fam_start[f] >= 2)
                PUT(" L a%zu\n", f);
        }
        for (size_t r = 0; r < m->n_row; r++) {
            if (row_used[r])
                PUT(" L c%zu\n", r);
        }
        PUT("COLUMNS\n    M1 'MARKER' 'INTORG'\n");
        for (size_t j = 0; j < m->n_col && err == HV_OK; j++) {
            size_t f = m->col_fam[j];
            PUT(" x%zu_%u obj %.10g\n", f, m->col_site[j], -m->col_value[j]);
            if (m->fam_start[f + 1] - m->fam_start[f] >= 2)
                PUT(" x%zu_%u a%zu 1\n", f, m->col_site[j], f);
            for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
                int32_t r = m->col_row[j * HV_PLACE_MAX_NZ + k];
                if (r >= 0 && row_used[r])
                    PUT(" x%zu_%u c%d %.10g\n", f, m->col_site[j], r,
                        m->col_coef[j * HV_PLACE_MAX_NZ + k]);
            }
        }
        PUT("    M2 'MARKER' 'INTEND'\nRHS\n");
        for (size_t f = 0; f < m->n_fam; f++) {
            if (m->fam_start[f + 1] - m->fam_start[f] >= 2)
                PUT(" rhs a%zu 1\n", f);
        }
        for (size_t r = 0; r < m->n_row; r++) {
            if (row_used[r])
                PUT(" rhs c%zu %.10g\n", r, m->row_cap[r]);
        }
        PUT("BOUNDS\n");
        for (size_t j = 0; j < m->n_col; j++)
            PUT(" UP bnd x%u_%u 1\n", m->col_fam[j], m->col_site[j]);
        PUT("ENDATA\n");
    } else {
        PUT("\\ haven placement: maximise the value of the families placed\nMaximize\n obj:");
        for (size_t j = 0; j < m->n_col; j++)
            PUT("%s + %.10g x%u_%u", j % 6 == 5 ? "\n" : "", m->col_value[j], m->col_fam[j],
                m->col_site[j]);
        PUT("\nSubject To\n");
        for (size_t f = 0; f < m->n_fam; f++) {
            if (m->fam_start[f + 1] - m->fam_start[f] < 2)
                continue;
            PUT(" a%zu:", f);
            for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++)
                PUT(" + x%zu_%u", f, m->col_site[j]);
            PUT(" <= 1\n");
        }
        /* capacity rows: gather columns per row */
        size_t *cnt = hv_xcalloc(m->n_row + 1, sizeof(size_t));
        for (size_t j = 0; j < m->n_col; j++) {
            for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
                int32_t r = m->col_row[j * HV_PLACE_MAX_NZ + k];
                if (r >= 0)
                    cnt[r]++;
            }
        }
        size_t *start = hv_xcalloc(m->n_row + 2, sizeof(size_t));
        for (size_t r = 0; r < m->n_row; r++)
            start[r + 1] = start[r] + cnt[r];
        size_t *fill = hv_xcalloc(m->n_row + 1, sizeof(size_t));
        size_t *colk = hv_xmalloc((start[m->n_row] + 1) * sizeof(size_t));
        for (size_t j = 0; j < m->n_col; j++) {
            for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
                int32_t r = m->col_row[j * HV_PLACE_MAX_NZ + k];
                if (r >= 0)
                    colk[start[r] + fill[r]++] = j * HV_PLACE_MAX_NZ + k;
            }
        }
        for (size_t r = 0; r < m->n_row && err == HV_OK; r++) {
            if (!row_used[r])
                continue;
            PUT(" c%zu:", r);
            for (size_t i = start[r]; i < start[r + 1]; i++) {
                size_t j = colk[i] / HV_PLACE_MAX_NZ;
                PUT("%s + %.10g x%u_%u", (i - start[r]) % 6 == 5 ? "\n" : "", m->col_coef[colk[i]],
                    m->col_fam[j], m->col_site[j]);
            }
            PUT(" <= %.10g\n", m->row_cap[r]);
        }
        free(cnt);
        free(start);
        free(fill);
        free(colk);
        PUT("Binaries\n");
        for (size_t j = 0; j < m->n_col; j++)
            PUT(" x%u_%u%s", m->col_fam[j], m->col_site[j], j % 8 == 7 ? "\n" : "");
        PUT("\nEnd\n");
    }
#undef PUT
    (void)ns;
    free(row_used);
    return err;
}

enum hv_err hv__place_explain_used(const struct hv_place_model *m, const struct hv_place_result *r,
                                   const double *used, size_t f, struct hv_buf *b)
{
    const struct hv_place_instance *in = m->in;
    enum hv_err err = HV_OK;
    if (m->fam_why[f] != HV_PLACE_WHY_NONE) {
        if (m->fam_why[f] == HV_PLACE_WHY_TOO_LARGE)
            return hv_buf_appendf(b, "cannot place: %s (%d people, largest site takes %lld)",
                                  hv_place_why_text(m->fam_why[f]), (int)in->families[f].size,
                                  (long long)m->largest_site);
        return hv_buf_appendf(b, "cannot place: %s", hv_place_why_text(m->fam_why[f]));
    }
    int32_t a = r->assign[f];
    if (a >= 0) {
        size_t j = (size_t)a;
        err = hv_buf_appendf(b, "value %.1f; binding:", m->col_value[j]);
        bool any = false;
        for (size_t k = 0; k < HV_PLACE_MAX_NZ && err == HV_OK; k++) {
            int32_t row = m->col_row[j * HV_PLACE_MAX_NZ + k];
            if (row < 0 || m->row_cap[row] < 0)
                continue;
            double left = m->row_cap[row] - used[row];
            double price = r->row_dual != NULL ? r->row_dual[row] : 0;
            if (left < m->col_coef[j * HV_PLACE_MAX_NZ + k] || price > 1e-9) {
                err = hv_buf_putc(b, ' ');
                if (err == HV_OK)
                    err = hv_place_row_name(m, (size_t)row, b);
                if (err == HV_OK)
                    err = hv_buf_appendf(b, " (left %.0f, price %.2f)", left, price);
                any = true;
            }
        }
        if (err == HV_OK && !any)
            err = hv_buf_appendz(b, " none");
    } else {
        err = hv_buf_appendz(b, "not placed: outranked where it could go;");
    }
    /* the price of a place for this family at its best sites (dual cost of the column), best
     * net value (value - price) first */
    enum { TOP = 4 };
    size_t top[TOP];
    double net[TOP], price[TOP];
    size_t n_top = 0;
    for (size_t j = m->fam_start[f]; j < m->fam_start[f + 1]; j++) {
        double pr = 0;
        for (size_t k = 0; k < HV_PLACE_MAX_NZ && r->row_dual != NULL; k++) {
            int32_t row = m->col_row[j * HV_PLACE_MAX_NZ + k];
            if (row >= 0)
                pr += r->row_dual[row] * m->col_coef[j * HV_PLACE_MAX_NZ + k];
        }
        double nv = m->col_value[j] - pr;
        size_t at = n_top;
        while (at > 0 && net[at - 1] < nv)
            at--;
        if (at >= TOP)
            continue;
        size_t last = n_top < TOP ? n_top : TOP - 1;
        for (size_t q = last; q > at; q--) {
            top[q] = top[q - 1];
            net[q] = net[q - 1];
            price[q] = price[q - 1];
        }
        top[at] = j;
        net[at] = nv;
        price[at] = pr;
        if (n_top < TOP)
            n_top++;
    }
    if (err == HV_OK)
        err = hv_buf_appendz(b, " price of a place (price/value):");
    for (size_t q = 0; q < n_top && err == HV_OK; q++)
        err = hv_buf_appendf(b, " " HV_STR_FMT "=%.1f/%.1f",
                             HV_STR_ARG(in->sites[m->col_site[top[q]]].id), price[q],
                             m->col_value[top[q]]);
    size_t n_opt = m->fam_start[f + 1] - m->fam_start[f];
    if (err == HV_OK && n_opt > n_top)
        err = hv_buf_appendf(b, " (+%zu more sites)", n_opt - n_top);
    return err;
}

enum hv_err hv_place_explain(const struct hv_place_model *m, const struct hv_place_result *r,
                             size_t f, struct hv_buf *b)
{
    double *used = hv_xmalloc((m->n_row + 1) * sizeof(double));
    hv__place_usage(m, r->assign, used);
    enum hv_err err = hv__place_explain_used(m, r, used, f, b);
    free(used);
    return err;
}

enum hv_err hv_place_plan_write(const struct hv_place_model *m, const struct hv_place_result *r,
                                struct hv_buf *b)
{
    const struct hv_place_instance *in = m->in;
    enum hv_err err =
        hv_buf_appendf(b,
                       "haven-plan 1\nbackend %s\nobjective %.6f\nbound %.6f\n"
                       "gap %.8f\n",
                       r->backend != NULL ? r->backend : "?", r->objective, r->bound, r->gap);
    double *used = hv_xmalloc((m->n_row + 1) * sizeof(double));
    hv__place_usage(m, r->assign, used);
    for (size_t f = 0; f < m->n_fam && err == HV_OK; f++) {
        const struct hv_place_family *fa = &in->families[f];
        if (r->assign[f] >= 0) {
            size_t j = (size_t)r->assign[f];
            err = hv_buf_appendf(b, "assign " HV_STR_FMT " " HV_STR_FMT " " HV_STR_FMT "\n",
                                 HV_STR_ARG(fa->id), HV_STR_ARG(in->sites[m->col_site[j]].id),
                                 HV_STR_ARG(in->routes[m->col_route[j]].id));
        } else {
            err = hv_buf_appendf(b, "unplaced " HV_STR_FMT " ", HV_STR_ARG(fa->id));
            if (err == HV_OK)
                err = hv__place_explain_used(m, r, used, f, b);
            if (err == HV_OK)
                err = hv_buf_putc(b, '\n');
        }
    }
    free(used);
    return err;
}
