/* db.c - placement against the database: the instance of a day (cases awaiting placement,
 * free beds, crossings' status, routes over crossings and flights), and plans kept as
 * proposals that are accepted (planned movements through the sites module) or rejected.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/placement.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/clock.h"
#include "haven/sites.h"
#include "haven/store.h"
#include "placement/placement_int.h"

#define PI 3.14159265358979323846

static double km(double lat1, double lon1, double lat2, double lon2)
{
    double p1 = lat1 * PI / 180, p2 = lat2 * PI / 180;
    double dp = p2 - p1, dl = (lon2 - lon1) * PI / 180;
    double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    return 2 * 6371.0 * asin(sqrt(h < 1 ? h : 1));
}

static bool has_code(struct hv_str list, const char *code)
{
    size_t n = strlen(code), i = 0;
    while (i < list.len) {
        size_t st = i;
        while (i < list.len && list.ptr[i] != ';' && list.ptr[i] != ',')
            i++;
        if (i - st == n && memcmp(list.ptr + st, code, n) == 0)
            return true;
        i++;
    }
    return false;
}

static uint32_t lang_bits(struct hv_place_instance *in, struct hv_arena *a, struct hv_str list)
{
    uint32_t bits = 0;
    size_t i = 0;
    while (i < list.len) {
        size_t st = i;
        while (i < list.len && list.ptr[i] != ';' && list.ptr[i] != ',')
            i++;
        if (i > st) {
            struct hv_str code = { hv_str_dupz(a, (struct hv_str){ list.ptr + st, i - st }),
                                   i - st };
            if (code.ptr != NULL)
                bits |= hv_place_lang_bit(in, code);
        }
        i++;
    }
    return bits;
}

/* A route id "KIND:STEPS@ORIGIN>SITE" copied into a. */
static struct hv_str route_id(struct hv_arena *a, const char *kind, const char *steps,
                              const char *origin, const char *site)
{
    char tmp[512];
    int n = snprintf(tmp, sizeof(tmp), "%s:%s@%s>%s", kind, steps, origin, site);
    if (n < 0)
        n = 0;
    size_t len = (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1;
    return (struct hv_str){ hv_str_dupz(a, (struct hv_str){ tmp, len }), len };
}

struct place_origin {
    struct hv_str ref;
    double lat, lon;
};

struct airport {
    struct hv_str ref, country;
    double lat, lon;
};

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static enum hv_err read_sites(struct hv_ctx *ctx, struct hv_arena *a,
                              const struct hv_place_db_options *o, struct hv_place_instance *in,
                              struct hv_site *sites, size_t n_sites)
{
    static const char stay_sql[] =
        "SELECT s.site_id, s.kind, count(*), sum(s.n_people) FROM stay s "
        "WHERE s.check_out IS NULL GROUP BY s.site_id, s.kind";
    static const char move_sql[] =
        "SELECT m.site_id, (SELECT count(*) FROM person p WHERE p.case_id = m.case_id), "
        "(SELECT max(p.sex) FROM person p WHERE p.case_id = m.case_id) FROM movement m "
        "WHERE m.status IN ('planned', 'in_transit')";
    static const char med_sql[] =
        "SELECT s.site_id, count(*) FROM stay s JOIN person p ON p.case_id = s.case_id "
        "WHERE s.check_out IS NULL AND p.needs LIKE '%medical%' GROUP BY s.site_id";
    for (size_t i = 0; i < n_sites; i++) {
        struct hv_place_site *s = &in->sites[i];
        memset(s, 0, sizeof(*s));
        s->id = sites[i].ref;
        int64_t people = 0;
        for (size_t k = 0; k < HV_N_BED_KINDS; k++) {
            s->cap[k] = sites[i].beds[k];
            people += k == HV_BED_FAMILY_ROOM ? 6 * sites[i].beds[k] : sites[i].beds[k];
        }
        if (o->site_ref != NULL && hv_str_eqz(s->id, o->site_ref)) {
            s->cap[HV_PLACE_CAP_FAMILY_ROOMS] -= o->site_beds_lost;
            people -= 6 * o->site_beds_lost;
        }
        s->cap[HV_PLACE_CAP_PEOPLE] = people;
        if (has_code(sites[i].services, "medical"))
            s->cap[HV_PLACE_CAP_MEDICAL] = (int64_t)floor(o->medical_share * (double)people);
        if (has_code(sites[i].services, "interpreter"))
            s->cap[HV_PLACE_CAP_INTERP] = (int64_t)floor(o->interp_share * (double)people);
        s->langs = lang_bits(in, a, sites[i].languages);
        if (has_code(sites[i].services, "school"))
            s->services |= hv_place_service_bit(in, HV_STR("school"));
        size_t c = 0;
        while (c < in->n_countries && !hv_str_eq(in->countries[c].code, sites[i].country))
            c++;
        if (c == in->n_countries) {
            in->countries[c].code = sites[i].country;
            in->countries[c].quota = -1;
            in->n_countries++;
        }
        s->country = (uint32_t)c;
    }
    /* beds held by stays and by movements under way */
    struct hv_stmt *st;
    enum hv_err err = hv_store_stmt(ctx->store, stay_sql, &st);
    bool row = false;
    while (err == HV_OK && (err = hv_stmt_step(st, &row)) == HV_OK && row) {
        int64_t sid = hv_stmt_col_int(st, 0);
        enum hv_bed_kind kind;
        if (!hv_bed_kind_parse(hv_stmt_col_text(st, 1), &kind))
            continue;
        for (size_t i = 0; i < n_sites; i++) {
            if (sites[i].id == sid) {
                in->sites[i].cap[kind] -= hv_stmt_col_int(st, 2);
                in->sites[i].cap[HV_PLACE_CAP_PEOPLE] -= hv_stmt_col_int(st, 3);
            }
        }
    }
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, move_sql, &st);
    while (err == HV_OK && (err = hv_stmt_step(st, &row)) == HV_OK && row) {
        int64_t sid = hv_stmt_col_int(st, 0), n = hv_stmt_col_int(st, 1);
        struct hv_str sex = hv_stmt_col_text(st, 2);
        size_t kind = n >= 2                 ? HV_PLACE_CAP_FAMILY_ROOMS
                      : hv_str_eqz(sex, "M") ? HV_PLACE_CAP_SINGLE_MEN
                                             : HV_PLACE_CAP_SINGLE_WOMEN;
        for (size_t i = 0; i < n_sites; i++) {
            if (sites[i].id == sid) {
                in->sites[i].cap[kind] -= 1;
                in->sites[i].cap[HV_PLACE_CAP_PEOPLE] -= n;
            }
        }
    }
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, med_sql, &st);
    while (err == HV_OK && (err = hv_stmt_step(st, &row)) == HV_OK && row) {
        int64_t sid = hv_stmt_col_int(st, 0);
        for (size_t i = 0; i < n_sites; i++) {
            if (sites[i].id == sid)
                in->sites[i].cap[HV_PLACE_CAP_MEDICAL] -= hv_stmt_col_int(st, 1);
        }
    }
    /* over-full sites have no free capacity, never a negative one */
    for (size_t i = 0; i < n_sites; i++) {
        for (size_t c = 0; c < HV_PLACE_N_CAPS; c++) {
            if (in->sites[i].cap[c] < 0)
                in->sites[i].cap[c] = 0;
        }
    }
    return err;
}

enum hv_err hv_place_db_instance(struct hv_ctx *ctx, struct hv_arena *a,
                                 const struct hv_place_db_options *o, struct hv_place_instance *in,
                                 struct hv_diag *diag)
{
    static const char case_sql[] =
        "SELECT c.id, c.ref, c.risk_level, coalesce(c.location_ref, ''), "
        "coalesce(l.lat, ''), coalesce(l.lon, '') FROM hv_case c "
        "LEFT JOIN location l ON l.ref = c.location_ref WHERE c.status = 'open' "
        "AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.case_id = c.id AND s.check_out IS NULL) "
        "AND NOT EXISTS (SELECT 1 FROM movement m WHERE m.case_id = c.id "
        "AND m.status IN ('planned', 'in_transit')) ORDER BY c.id";
    static const char person_sql[] =
        "SELECT p.case_id, p.sex, p.languages, p.needs FROM person p "
        "JOIN hv_case c ON c.id = p.case_id WHERE c.status = 'open' ORDER BY p.case_id";
    static const char airport_sql[] =
        "SELECT ref, country, lat, lon FROM location WHERE kind = 'airport' ORDER BY ref";
    memset(in, 0, sizeof(*in));
    hv_place_weights_default(&in->w);
    char day[11];
    hv_day_format(o->day, day);
    in->day = (struct hv_str){ hv_str_dupz(a, hv_str_c(day)), 10 };

    struct hv_site *sites = NULL;
    size_t n_sites = 0;
    enum hv_err err = hv_site_list(ctx, a, &sites, &n_sites);
    if (err != HV_OK)
        return err;
    struct hv_crossing *xs = NULL;
    size_t n_xs = 0;
    err = hv_crossing_list(ctx, a, &xs, &n_xs);
    if (err != HV_OK)
        return err;
    in->countries = hv_arena_alloc_array(a, n_sites + 1, sizeof(*in->countries));
    in->sites = hv_arena_alloc_array(a, n_sites + 1, sizeof(*in->sites));
    in->crossings = hv_arena_alloc_array(a, n_xs + 1, sizeof(*in->crossings));
    if (hv_arena_failed(a))
        return HV_ERR_LIMIT;
    in->n_sites = n_sites;
    err = read_sites(ctx, a, o, in, sites, n_sites);
    if (err != HV_OK)
        return err;
    if (o->quota_country != NULL) {
        bool found = false;
        for (size_t c = 0; c < in->n_countries; c++) {
            if (hv_str_eqz(in->countries[c].code, o->quota_country)) {
                in->countries[c].quota = o->quota;
                found = true;
            }
        }
        if (!found) {
            hv_diag_set(diag, "quota", "no site in country %s", o->quota_country);
            return HV_ERR_NOTFOUND;
        }
    }
    /* crossings: open on the day, or closed (restricted and unknown included: plans never
     * override) */
    for (size_t i = 0; i < n_xs; i++) {
        struct hv_crossing_event ev;
        err = hv_crossing_status_on_day(ctx, a, xs[i].ref, o->day, &ev);
        if (err != HV_OK)
            return err;
        in->crossings[i].id = xs[i].ref;
        in->crossings[i].open =
            ev.status == HV_CROSSING_OPEN &&
            !(o->close_crossing != NULL && hv_str_eqz(xs[i].ref, o->close_crossing));
    }
    in->n_crossings = n_xs;
    if (o->close_crossing != NULL) {
        bool found = false;
        for (size_t i = 0; i < n_xs; i++)
            found = found || hv_str_eqz(xs[i].ref, o->close_crossing);
        if (!found) {
            hv_diag_set(diag, "crossing", "unknown crossing %s", o->close_crossing);
            return HV_ERR_NOTFOUND;
        }
    }
    if (o->site_ref != NULL) {
        bool found = false;
        for (size_t i = 0; i < n_sites; i++)
            found = found || hv_str_eqz(sites[i].ref, o->site_ref);
        if (!found) {
            hv_diag_set(diag, "site", "unknown site %s", o->site_ref);
            return HV_ERR_NOTFOUND;
        }
    }

    /* families: cases awaiting placement, then their people */
    size_t cap_f = 1024, n_f = 0;
    in->families = hv_xmalloc(cap_f * sizeof(*in->families));
    int64_t *ids = hv_xmalloc(cap_f * sizeof(int64_t));
    struct place_origin *orig = hv_xmalloc(cap_f * sizeof(*orig));
    struct hv_stmt *st;
    bool row = false;
    err = hv_store_stmt(ctx->store, case_sql, &st);
    while (err == HV_OK && (err = hv_stmt_step(st, &row)) == HV_OK && row) {
        if (n_f == cap_f) {
            cap_f *= 2;
            in->families = hv_xrealloc(in->families, cap_f * sizeof(*in->families));
            ids = hv_xrealloc(ids, cap_f * sizeof(int64_t));
            orig = hv_xrealloc(orig, cap_f * sizeof(*orig));
        }
        struct hv_place_family *f = &in->families[n_f];
        memset(f, 0, sizeof(*f));
        ids[n_f] = hv_stmt_col_int(st, 0);
        struct hv_str ref = hv_stmt_col_text(st, 1);
        f->id = (struct hv_str){ hv_str_dupz(a, ref), ref.len };
        int64_t risk = hv_stmt_col_int(st, 2);
        f->risk = (uint8_t)(risk < 1 ? 1 : risk > 4 ? 4 : risk);
        struct hv_str loc = hv_stmt_col_text(st, 3);
        f->origin = (struct hv_str){ hv_str_dupz(a, loc), loc.len };
        if (f->origin.len == 0)
            f->origin = HV_STR("unknown");
        orig[n_f].ref = f->origin;
        double lat = 0, lon = 0;
        if (!hv_parse_double(hv_stmt_col_text(st, 4), &lat) ||
            !hv_parse_double(hv_stmt_col_text(st, 5), &lon)) {
            lat = 34.5;
            lon = 69.2;
        }
        orig[n_f].lat = lat;
        orig[n_f].lon = lon;
        n_f++;
    }
    /* people, by case id (both lists are in id order) */
    size_t fi = 0;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, person_sql, &st);
    char *male = hv_xcalloc(n_f + 1, 1);
    char *minor = hv_xcalloc(n_f + 1, 1);
    while (err == HV_OK && (err = hv_stmt_step(st, &row)) == HV_OK && row) {
        int64_t cid = hv_stmt_col_int(st, 0);
        while (fi < n_f && ids[fi] < cid)
            fi++;
        if (fi >= n_f || ids[fi] != cid)
            continue;
        struct hv_place_family *f = &in->families[fi];
        f->size++;
        struct hv_str needs = hv_stmt_col_text(st, 3);
        if (has_code(needs, "medical"))
            f->medical++;
        if (has_code(needs, "unaccompanied_minor"))
            minor[fi] = 1;
        if (hv_str_eqz(hv_stmt_col_text(st, 1), "M"))
            male[fi] = 1;
        f->langs |= lang_bits(in, a, hv_stmt_col_text(st, 2));
    }
    /* drop cases with nobody recorded: nothing to place */
    size_t w = 0;
    for (size_t i = 0; i < n_f; i++) {
        struct hv_place_family *f = &in->families[i];
        if (f->size == 0)
            continue;
        if (f->size > HV_PLACE_MAX_SIZE)
            f->size = HV_PLACE_MAX_SIZE;
        f->kind = f->size >= 2 ? HV_PLACE_CAP_FAMILY_ROOMS
                  : minor[i]   ? HV_PLACE_CAP_MINORS
                  : male[i]    ? HV_PLACE_CAP_SINGLE_MEN
                               : HV_PLACE_CAP_SINGLE_WOMEN;
        if (f->size >= 3)
            f->wants = hv_place_service_bit(in, HV_STR("school"));
        in->families[w] = *f;
        orig[w] = orig[i];
        w++;
    }
    n_f = w;
    free(male);
    free(minor);
    /* copy into the arena so the instance has one owner */
    struct hv_place_family *fam = hv_arena_alloc_array(a, n_f + 1, sizeof(*fam));
    if (fam != NULL)
        memcpy(fam, in->families, n_f * sizeof(*fam));
    free(in->families);
    free(ids);
    in->families = fam;
    in->n_families = n_f;

    /* origins: distinct family origins */
    struct place_origin *uo = hv_xmalloc((n_f + 1) * sizeof(*uo));
    size_t n_uo = 0;
    for (size_t i = 0; i < n_f; i++) {
        size_t k = 0;
        while (k < n_uo && !hv_str_eq(uo[k].ref, orig[i].ref))
            k++;
        if (k == n_uo)
            uo[n_uo++] = orig[i];
    }
    free(orig);
    /* airports */
    struct airport ap[64];
    size_t n_ap = 0;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, airport_sql, &st);
    while (err == HV_OK && (err = hv_stmt_step(st, &row)) == HV_OK && row && n_ap < 64) {
        struct hv_str r = hv_stmt_col_text(st, 0), c = hv_stmt_col_text(st, 1);
        ap[n_ap].ref = (struct hv_str){ hv_str_dupz(a, r), r.len };
        ap[n_ap].country = (struct hv_str){ hv_str_dupz(a, c), c.len };
        if (!hv_parse_double(hv_stmt_col_text(st, 2), &ap[n_ap].lat) ||
            !hv_parse_double(hv_stmt_col_text(st, 3), &ap[n_ap].lon))
            continue;
        n_ap++;
    }
    /* routes: each origin to each site over each crossing into the site's country (road),
     * and by each flight from an Afghan airport to an airport of the site's country */
    size_t max_routes = n_uo * n_sites * (n_xs + n_ap * n_ap + 1) + 1;
    in->routes = hv_arena_alloc_array(a, max_routes, sizeof(*in->routes));
    if (in->routes == NULL || hv_arena_failed(a)) {
        free(uo);
        return HV_ERR_LIMIT;
    }
    size_t nr = 0;
    for (size_t oi = 0; oi < n_uo && err == HV_OK; oi++) {
        char oref[128];
        snprintf(oref, sizeof(oref), HV_STR_FMT, HV_STR_ARG(uo[oi].ref));
        for (size_t s = 0; s < n_sites; s++) {
            char sref[128];
            snprintf(sref, sizeof(sref), HV_STR_FMT, HV_STR_ARG(sites[s].ref));
            for (size_t x = 0; x < n_xs; x++) {
                /* countries: host first, e.g. "UZ;AF" */
                struct hv_str host = xs[x].countries;
                const char *semi = memchr(host.ptr, ';', host.len);
                if (semi != NULL)
                    host.len = (size_t)(semi - host.ptr);
                if (!hv_str_eq(host, sites[s].country))
                    continue;
                char xref[128];
                snprintf(xref, sizeof(xref), HV_STR_FMT, HV_STR_ARG(xs[x].ref));
                struct hv_place_route *r = &in->routes[nr++];
                r->id = route_id(a, "via", xref, oref, sref);
                r->origin = uo[oi].ref;
                r->site = (uint32_t)s;
                r->crossing = (int32_t)x;
                double d = km(uo[oi].lat, uo[oi].lon, xs[x].lat, xs[x].lon) +
                           km(xs[x].lat, xs[x].lon, sites[s].lat, sites[s].lon);
                r->risk = 0.15 + (d > 2000 ? 0.2 : d / 10000);
                r->cost = d / 100;
            }
            for (size_t p = 0; p < n_ap; p++) {
                if (!hv_str_eqz(ap[p].country, "AF"))
                    continue;
                for (size_t q = 0; q < n_ap; q++) {
                    if (!hv_str_eq(ap[q].country, sites[s].country))
                        continue;
                    char from[128], to[128];
                    snprintf(from, sizeof(from), HV_STR_FMT, HV_STR_ARG(ap[p].ref));
                    snprintf(to, sizeof(to), HV_STR_FMT, HV_STR_ARG(ap[q].ref));
                    struct hv_place_route *r = &in->routes[nr++];
                    char both[300];
                    snprintf(both, sizeof(both), "%s>%s", from, to);
                    r->id = route_id(a, "fly", both, oref, sref);
                    r->origin = uo[oi].ref;
                    r->site = (uint32_t)s;
                    r->crossing = -1;
                    double d = km(uo[oi].lat, uo[oi].lon, ap[p].lat, ap[p].lon) +
                               km(ap[q].lat, ap[q].lon, sites[s].lat, sites[s].lon);
                    r->risk = 0.35;
                    r->cost = 8 + d / 100;
                }
            }
        }
    }
    in->n_routes = nr;
    free(uo);
    if (hv_arena_failed(a))
        return HV_ERR_LIMIT;
    (void)cmp_i64;
    return err;
}

/* "via:X" or "fly:A>B" from a route id "via:X@ORIGIN>SITE". */
static struct hv_str route_steps(struct hv_str id)
{
    const char *at = memchr(id.ptr, '@', id.len);
    return at != NULL ? (struct hv_str){ id.ptr, (size_t)(at - id.ptr) } : id;
}

enum hv_err hv_place_plan_save(struct hv_ctx *ctx, const struct hv_place_model *m,
                               const struct hv_place_result *r, int32_t day, int64_t *plan_id,
                               struct hv_diag *diag)
{
    static const char plan_sql[] =
        "INSERT INTO place_plan (status, day, backend, objective, bound, gap, n_families, "
        "n_placed, created_at, created_by, audit_seq) VALUES ('proposed', ?1, ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, 0)";
    static const char row_sql[] =
        "INSERT INTO place_plan_row (plan_id, case_id, site_id, route, value, why) "
        "SELECT ?1, c.id, (SELECT s.id FROM site s WHERE s.ref = ?3), ?4, ?5, ?6 "
        "FROM hv_case c WHERE c.ref = ?2";
    static const char seq_sql[] = "UPDATE place_plan SET audit_seq = ?2 WHERE id = ?1";
    static const char id_sql[] = "SELECT max(id) FROM place_plan";
    (void)diag;
    const struct hv_place_instance *in = m->in;
    char dz[11];
    hv_day_format(day, dz);
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    struct hv_stmt *st;
    err = hv_store_stmt(ctx->store, plan_sql, &st);
    if (err == HV_OK)
        err = hv_stmt_bind_text(st, 1, hv_str_c(dz));
    if (err == HV_OK)
        err = hv_stmt_bind_text(st, 2, hv_str_c(r->backend != NULL ? r->backend : "?"));
    if (err == HV_OK)
        err = hv_stmt_bind_double(st, 3, r->objective);
    if (err == HV_OK)
        err = hv_stmt_bind_double(st, 4, r->bound);
    if (err == HV_OK)
        err = hv_stmt_bind_double(st, 5, r->gap);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 6, (int64_t)m->n_fam);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 7, (int64_t)r->n_placed);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 8, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_bind_text(st, 9, hv_str_c(ctx->actor != NULL ? ctx->actor : "?"));
    if (err == HV_OK)
        err = hv_stmt_run(st);
    int64_t id = 0;
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, id_sql, false, 0, 0, &id);
    double *used = hv_xmalloc((m->n_row + 1) * sizeof(double));
    hv__place_usage(m, r->assign, used);
    struct hv_buf why;
    hv_buf_init(&why, 0);
    for (size_t f = 0; f < m->n_fam && err == HV_OK; f++) {
        hv_buf_reset(&why);
        err = hv__place_explain_used(m, r, used, f, &why);
        if (err == HV_OK)
            err = hv_store_stmt(ctx->store, row_sql, &st);
        if (err == HV_OK)
            err = hv_stmt_bind_int(st, 1, id);
        if (err == HV_OK)
            err = hv_stmt_bind_text(st, 2, in->families[f].id);
        int32_t j = r->assign[f];
        if (err == HV_OK)
            err = j >= 0 ? hv_stmt_bind_text(st, 3, in->sites[m->col_site[j]].id)
                         : hv_stmt_bind_null(st, 3);
        if (err == HV_OK)
            err = hv_stmt_bind_text(
                st, 4, j >= 0 ? route_steps(hv__place_col_route_id(m, (size_t)j)) : HV_STR(""));
        if (err == HV_OK)
            err = hv_stmt_bind_double(st, 5, j >= 0 ? m->col_value[j] : 0);
        if (err == HV_OK)
            err = hv_stmt_bind_text(st, 6, hv_buf_str(&why));
        if (err == HV_OK)
            err = hv_stmt_run(st);
    }
    hv_buf_finish(&why);
    free(used);
    char detail[256];
    snprintf(detail, sizeof(detail),
             "plan %lld for %s: %zu of %zu families placed, backend %s, gap %.4f%%", (long long)id,
             dz, r->n_placed, m->n_fam, r->backend != NULL ? r->backend : "?", 100 * r->gap);
    int64_t seq = 0;
    if (err == HV_OK)
        err = hv_audit_append(ctx, "place.propose", "place_plan", id, detail, NULL, &seq);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, seq_sql, &st);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 2, seq);
    if (err == HV_OK)
        err = hv_stmt_run(st);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        return err;
    }
    *plan_id = id;
    return hv_store_commit(ctx->store);
}

static enum hv_err plan_status(struct hv_ctx *ctx, int64_t id, char out[16], struct hv_diag *diag)
{
    static const char sql[] = "SELECT status FROM place_plan WHERE id = ?1";
    struct hv_stmt *st;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &st);
    bool row = false;
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 1, id);
    if (err == HV_OK)
        err = hv_stmt_step(st, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(diag, "plan", "no plan %lld", (long long)id);
        return HV_ERR_NOTFOUND;
    }
    snprintf(out, 16, HV_STR_FMT, HV_STR_ARG(hv_stmt_col_text(st, 0)));
    return HV_OK;
}

static enum hv_err decide(struct hv_ctx *ctx, int64_t id, const char *status, const char *reason,
                          const char *detail)
{
    static const char sql[] = "UPDATE place_plan SET status = ?2, decided_at = ?3, "
                              "decided_by = ?4, reason = ?5 WHERE id = ?1 AND status = 'proposed'";
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    struct hv_stmt *st;
    err = hv_store_stmt(ctx->store, sql, &st);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(st, 2, hv_str_c(status));
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 3, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_bind_text(st, 4, hv_str_c(ctx->actor != NULL ? ctx->actor : "?"));
    if (err == HV_OK)
        err =
            reason != NULL ? hv_stmt_bind_text(st, 5, hv_str_c(reason)) : hv_stmt_bind_null(st, 5);
    if (err == HV_OK)
        err = hv_stmt_run(st);
    if (err == HV_OK && hv_store_changes(ctx->store) != 1)
        err = HV_ERR_CONFLICT;
    if (err == HV_OK)
        err =
            hv_audit_append(ctx, strcmp(status, "accepted") == 0 ? "place.accept" : "place.reject",
                            "place_plan", id, detail, NULL, NULL);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        return err;
    }
    return hv_store_commit(ctx->store);
}

enum hv_err hv_place_plan_reject(struct hv_ctx *ctx, int64_t plan_id, const char *reason,
                                 struct hv_diag *diag)
{
    if (reason == NULL || reason[0] == '\0' || strlen(reason) > 500) {
        hv_diag_set(diag, "reason", "a rejection needs a reason (at most 500 bytes)");
        return HV_ERR_INVALID;
    }
    char status[16];
    enum hv_err err = plan_status(ctx, plan_id, status, diag);
    if (err != HV_OK)
        return err;
    if (strcmp(status, "proposed") != 0) {
        hv_diag_set(diag, "plan", "plan %lld is %s, not proposed", (long long)plan_id, status);
        return HV_ERR_CONFLICT;
    }
    char detail[128];
    snprintf(detail, sizeof(detail), "plan %lld rejected", (long long)plan_id);
    return decide(ctx, plan_id, "rejected", reason, detail);
}

enum hv_err hv_place_plan_accept(struct hv_ctx *ctx, int64_t plan_id, size_t *n_moved,
                                 size_t *n_skipped, struct hv_diag *diag)
{
    static const char rows_sql[] =
        "SELECT c.ref, s.ref, r.route, p.day FROM place_plan_row r "
        "JOIN hv_case c ON c.id = r.case_id JOIN site s ON s.id = r.site_id "
        "JOIN place_plan p ON p.id = r.plan_id WHERE r.plan_id = ?1 ORDER BY r.case_id";
    static const char mark_sql[] =
        "UPDATE place_plan_row SET movement_id = ?3, skipped = ?4 WHERE plan_id = ?1 AND "
        "case_id = (SELECT id FROM hv_case WHERE ref = ?2)";
    *n_moved = 0;
    *n_skipped = 0;
    char status[16];
    enum hv_err err = plan_status(ctx, plan_id, status, diag);
    if (err != HV_OK)
        return err;
    if (strcmp(status, "proposed") != 0) {
        hv_diag_set(diag, "plan", "plan %lld is %s, not proposed", (long long)plan_id, status);
        return HV_ERR_CONFLICT;
    }
    /* read the rows first: hv_move_plan runs its own transactions */
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct rowv {
        struct hv_str c, s, route;
    } *rows = NULL;
    size_t n = 0, cap = 0;
    int32_t day = 0;
    struct hv_stmt *st;
    bool row = false;
    err = hv_store_stmt(ctx->store, rows_sql, &st);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 1, plan_id);
    while (err == HV_OK && (err = hv_stmt_step(st, &row)) == HV_OK && row) {
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            rows = hv_xrealloc(rows, cap * sizeof(*rows));
        }
        for (int k = 0; k < 3; k++) {
            struct hv_str v = hv_stmt_col_text(st, k);
            struct hv_str cp = { hv_str_dupz(&a, v), v.len };
            if (k == 0)
                rows[n].c = cp;
            else if (k == 1)
                rows[n].s = cp;
            else
                rows[n].route = cp;
        }
        char dz[16];
        snprintf(dz, sizeof(dz), HV_STR_FMT, HV_STR_ARG(hv_stmt_col_text(st, 3)));
        if (!hv_day_parse(dz, &day))
            err = HV_ERR_INTERNAL;
        n++;
    }
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        struct hv_route_step step;
        memset(&step, 0, sizeof(step));
        struct hv_str rt = rows[i].route;
        char from[128] = "", to[128] = "";
        if (rt.len > 4 && memcmp(rt.ptr, "fly:", 4) == 0) {
            const char *gt = memchr(rt.ptr, '>', rt.len);
            if (gt == NULL)
                continue;
            snprintf(from, sizeof(from), "%.*s", (int)(gt - rt.ptr - 4), rt.ptr + 4);
            snprintf(to, sizeof(to), "%.*s", (int)(rt.ptr + rt.len - gt - 1), gt + 1);
            step.flight = true;
            step.from_ref = hv_str_c(from);
            step.to_ref = hv_str_c(to);
        } else if (rt.len > 4 && memcmp(rt.ptr, "via:", 4) == 0) {
            step.crossing_ref = (struct hv_str){ rt.ptr + 4, rt.len - 4 };
        }
        struct hv_move_request req = {
            .case_ref = rows[i].c,
            .site_ref = rows[i].s,
            .steps = &step,
            .n_steps = 1,
            .day = day,
        };
        int64_t mid = 0;
        struct hv_diag md;
        hv_diag_clear(&md);
        enum hv_err me = hv_move_plan(ctx, &req, &mid, &md);
        char skipped[300] = "";
        if (me == HV_ERR_CONFLICT || me == HV_ERR_NOTFOUND || me == HV_ERR_INVALID) {
            hv_diag_format(&md, skipped, sizeof(skipped));
            (*n_skipped)++;
        } else if (me != HV_OK) {
            err = me;
            break;
        } else {
            (*n_moved)++;
        }
        err = hv_store_stmt(ctx->store, mark_sql, &st);
        if (err == HV_OK)
            err = hv_stmt_bind_int(st, 1, plan_id);
        if (err == HV_OK)
            err = hv_stmt_bind_text(st, 2, rows[i].c);
        if (err == HV_OK)
            err = mid > 0 ? hv_stmt_bind_int(st, 3, mid) : hv_stmt_bind_null(st, 3);
        if (err == HV_OK)
            err =
                skipped[0] ? hv_stmt_bind_text(st, 4, hv_str_c(skipped)) : hv_stmt_bind_null(st, 4);
        if (err == HV_OK)
            err = hv_stmt_run(st);
    }
    free(rows);
    hv_arena_finish(&a);
    if (err != HV_OK)
        return err;
    char detail[160];
    snprintf(detail, sizeof(detail), "plan %lld accepted: %zu planned movements, %zu skipped",
             (long long)plan_id, *n_moved, *n_skipped);
    return decide(ctx, plan_id, "accepted", NULL, detail);
}

enum hv_err hv_place_plan_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t id, bool with_rows,
                              struct hv_place_plan_info *out)
{
    static const char sql[] =
        "SELECT id, status, backend, day, created_at, objective, bound, gap, n_families, "
        "n_placed FROM place_plan WHERE id = ?1 OR (?1 = 0 AND id = (SELECT max(id) FROM "
        "place_plan))";
    static const char rows_sql[] =
        "SELECT c.ref, coalesce(s.ref, ''), r.route, r.why, r.value, "
        "coalesce(r.movement_id, 0), coalesce(r.skipped, '') FROM place_plan_row r "
        "JOIN hv_case c ON c.id = r.case_id LEFT JOIN site s ON s.id = r.site_id "
        "WHERE r.plan_id = ?1 ORDER BY r.site_id IS NULL, c.ref";
    memset(out, 0, sizeof(*out));
    struct hv_stmt *st;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &st);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 1, id);
    if (err == HV_OK)
        err = hv_stmt_step(st, &row);
    if (err != HV_OK)
        return err;
    if (!row)
        return HV_ERR_NOTFOUND;
    out->id = hv_stmt_col_int(st, 0);
    struct hv_str v = hv_stmt_col_text(st, 1);
    out->status = (struct hv_str){ hv_str_dupz(a, v), v.len };
    v = hv_stmt_col_text(st, 2);
    out->backend = (struct hv_str){ hv_str_dupz(a, v), v.len };
    char dz[16];
    snprintf(dz, sizeof(dz), HV_STR_FMT, HV_STR_ARG(hv_stmt_col_text(st, 3)));
    if (!hv_day_parse(dz, &out->day))
        out->day = 0;
    out->created_at = hv_stmt_col_int(st, 4);
    out->objective = hv_stmt_col_double(st, 5);
    out->bound = hv_stmt_col_double(st, 6);
    out->gap = hv_stmt_col_double(st, 7);
    out->n_families = hv_stmt_col_int(st, 8);
    out->n_placed = hv_stmt_col_int(st, 9);
    if (!with_rows)
        return HV_OK;
    size_t cap = (size_t)(out->n_families > 0 ? out->n_families : 1);
    out->rows = hv_arena_alloc_array(a, cap, sizeof(*out->rows));
    if (out->rows == NULL)
        return HV_ERR_LIMIT;
    err = hv_store_stmt(ctx->store, rows_sql, &st);
    if (err == HV_OK)
        err = hv_stmt_bind_int(st, 1, out->id);
    while (err == HV_OK && (err = hv_stmt_step(st, &row)) == HV_OK && row && out->n_rows < cap) {
        struct hv_place_plan_row *r = &out->rows[out->n_rows++];
        struct hv_str t[4];
        for (int k = 0; k < 4; k++) {
            v = hv_stmt_col_text(st, k);
            t[k] = (struct hv_str){ hv_str_dupz(a, v), v.len };
        }
        r->case_ref = t[0];
        r->site_ref = t[1];
        r->route = t[2];
        r->why = t[3];
        r->value = hv_stmt_col_double(st, 4);
        r->movement_id = hv_stmt_col_int(st, 5);
        v = hv_stmt_col_text(st, 6);
        if (v.len > 0) {
            /* an accepted row that made no movement says why */
            r->why = (struct hv_str){ hv_str_dupz(a, v), v.len };
        }
    }
    return hv_arena_failed(a) ? HV_ERR_LIMIT : err;
}
