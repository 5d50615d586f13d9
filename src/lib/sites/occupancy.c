/* occupancy.c - beds in use against capacity: at one instant, and as a daily census series per
 * site or per country computed in one pass over the stays (difference arrays), with the
 * capacity history applied day by day.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "sites/sites_int.h"

int64_t hv_occupancy_used(const struct hv_occupancy *o)
{
    int64_t n = 0;
    for (int k = 0; k < HV_N_BED_KINDS; k++)
        n += o->used[k];
    return n;
}

int64_t hv_occupancy_cap(const struct hv_occupancy *o)
{
    int64_t n = 0;
    for (int k = 0; k < HV_N_BED_KINDS; k++)
        n += o->cap[k];
    return n;
}

enum hv_err hv_site_occupancy_at(struct hv_ctx *ctx, int64_t site_id, int64_t at,
                                 struct hv_occupancy *out)
{
    static const char sql[] = "SELECT kind, count(*), sum(n_people) FROM stay WHERE site_id = ?1"
                              " AND check_in <= ?2 AND (check_out IS NULL OR check_out > ?2)"
                              " GROUP BY kind";
    if (at == 0)
        at = hv__sites_now(ctx);
    memset(out, 0, sizeof(*out));
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, at);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        enum hv_bed_kind k;
        if (!hv_bed_kind_parse(hv_stmt_col_text(s, 0), &k))
            return HV_ERR_INTERNAL;
        out->used[k] = hv_stmt_col_int(s, 1);
        out->people += hv_stmt_col_int(s, 2);
    }
    for (int k = 0; k < HV_N_BED_KINDS && err == HV_OK; k++)
        err = hv__site_capacity_at(ctx, site_id, (enum hv_bed_kind)k, at, &out->cap[k]);
    return err;
}

/* One site known to the series: its database id and the series it adds to. */
struct site_slot {
    int64_t id;
    size_t group;
};

static int slot_cmp(const void *x, const void *y)
{
    const struct site_slot *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

static struct site_slot *slot_find(struct site_slot *slots, size_t n, int64_t id)
{
    struct site_slot key = { id, 0 };
    return bsearch(&key, slots, n, sizeof(*slots), slot_cmp);
}

/* Floor division by a day for times before 1970 too. */
static int64_t day_of(int64_t t)
{
    return t >= 0 ? t / HV_SECS_PER_DAY : -((-t + HV_SECS_PER_DAY - 1) / HV_SECS_PER_DAY);
}

/* Adds the stays' difference marks into series[group].days (n_days + 1 slots each). */
static enum hv_err mark_stays(struct hv_ctx *ctx, struct hv_occupancy_series *series,
                              struct site_slot *slots, size_t n_slots, int32_t from_day,
                              int32_t to_day)
{
    /* "+check_in" keeps SQLite off the check_in index: a year's range matches most stays, and
     * one sequential scan is about seven times faster than an index walk with a row look-up
     * per stay (bench/operations/bench_occupancy). */
    static const char sql[] = "SELECT site_id, kind, n_people, check_in, coalesce(check_out, 0)"
                              " FROM stay WHERE +check_in <= ?1"
                              " AND (check_out IS NULL OR check_out > ?2)";
    int64_t last_census = ((int64_t)to_day + 1) * HV_SECS_PER_DAY - 1;
    int64_t first_census = ((int64_t)from_day + 1) * HV_SECS_PER_DAY - 1;
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, last_census);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, first_census);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        struct site_slot *slot = slot_find(slots, n_slots, hv_stmt_col_int(s, 0));
        if (slot == NULL)
            continue; /* filtered out */
        enum hv_bed_kind k;
        if (!hv_bed_kind_parse(hv_stmt_col_text(s, 1), &k))
            return HV_ERR_INTERNAL;
        int64_t people = hv_stmt_col_int(s, 2);
        int64_t in = hv_stmt_col_int(s, 3), out = hv_stmt_col_int(s, 4);
        /* Counted on day D when in <= census(D) < out, census(D) = (D+1) days - 1 s. */
        int64_t d0 = day_of(in);
        int64_t d1 = out == 0 ? to_day : day_of(out) - 1;
        if (d0 < from_day)
            d0 = from_day;
        if (d1 > to_day)
            d1 = to_day;
        if (d0 > d1)
            continue;
        struct hv_occupancy *days = series[slot->group].days;
        days[d0 - from_day].used[k]++;
        days[d0 - from_day].people += people;
        days[d1 + 1 - from_day].used[k]--;
        days[d1 + 1 - from_day].people -= people;
    }
    return err;
}

/* Adds each site's capacity in force on each census day. */
static enum hv_err add_capacity(struct hv_ctx *ctx, struct hv_occupancy_series *series,
                                struct site_slot *slots, size_t n_slots, int32_t from_day,
                                size_t n_days)
{
    static const char sql[] =
        "SELECT site_id, kind, at, beds FROM site_capacity ORDER BY site_id, kind, at, id";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    /* Rows arrive grouped by (site, kind) in time order: each row's value holds from its
     * census day until the next row of the same group. */
    int64_t cur_site = -1;
    int cur_kind = -1;
    int64_t cur_beds = 0, cur_from = 0;
    bool have = false;
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK)
            break;
        int64_t site = 0, at = 0, beds = 0;
        enum hv_bed_kind k = HV_BED_FAMILY_ROOM;
        if (row) {
            site = hv_stmt_col_int(s, 0);
            if (!hv_bed_kind_parse(hv_stmt_col_text(s, 1), &k))
                return HV_ERR_INTERNAL;
            at = hv_stmt_col_int(s, 2);
            beds = hv_stmt_col_int(s, 3);
        }
        bool same = row && site == cur_site && (int)k == cur_kind;
        if (have) {
            /* The running value holds on the census days from the one its change falls in
             * up to (not including) the day of the next change of the same group. */
            struct site_slot *slot = slot_find(slots, n_slots, cur_site);
            int64_t last = (int64_t)from_day + (int64_t)n_days;
            int64_t d0 = day_of(cur_from);
            int64_t d_next = same ? day_of(at) : last;
            if (d0 < from_day)
                d0 = from_day;
            if (d_next > last)
                d_next = last;
            for (int64_t d = d0; slot != NULL && d < d_next; d++)
                series[slot->group].days[d - from_day].cap[cur_kind] += cur_beds;
        }
        if (!row)
            break;
        cur_site = site;
        cur_kind = (int)k;
        cur_beds = beds;
        cur_from = at;
        have = true;
    }
    return err;
}

enum hv_err hv_occupancy_series(struct hv_ctx *ctx, struct hv_arena *a, int32_t from_day,
                                int32_t to_day, enum hv_occupancy_group group, struct hv_str filter,
                                struct hv_occupancy_series **out, size_t *n_out,
                                struct hv_diag *diag)
{
    *out = NULL;
    *n_out = 0;
    if (to_day < from_day) {
        hv_diag_set(diag, "to", "the range ends before it starts");
        return HV_ERR_INVALID;
    }
    if ((int64_t)to_day - from_day + 1 > HV_OCCUPANCY_MAX_DAYS) {
        hv_diag_set(diag, "to", "the range is longer than %d days", HV_OCCUPANCY_MAX_DAYS);
        return HV_ERR_LIMIT;
    }
    size_t n_days = (size_t)(to_day - from_day) + 1;
    struct hv_site *sites = NULL;
    size_t n_sites = 0;
    enum hv_err err = hv_site_list(ctx, a, &sites, &n_sites);
    if (err != HV_OK)
        return err;
    struct hv_occupancy_series *series =
        hv_arena_alloc_array(a, n_sites > 0 ? n_sites : 1, sizeof(*series));
    struct site_slot *slots = hv_arena_alloc_array(a, n_sites > 0 ? n_sites : 1, sizeof(*slots));
    if (series == NULL || slots == NULL)
        return HV_ERR_LIMIT;
    size_t n_series = 0, n_slots = 0;
    for (size_t i = 0; i < n_sites; i++) {
        struct hv_str key = group == HV_OCC_BY_COUNTRY ? sites[i].country : sites[i].ref;
        if (filter.len > 0 && !hv_str_eq(key, filter))
            continue;
        size_t g = 0;
        while (g < n_series && !hv_str_eq(series[g].key, key))
            g++;
        if (g == n_series) {
            memset(&series[g], 0, sizeof(series[g]));
            series[g].key = key;
            series[g].name = group == HV_OCC_BY_COUNTRY ? sites[i].country : sites[i].name;
            series[g].first_day = from_day;
            series[g].n_days = n_days;
            series[g].days = hv_arena_alloc_array(a, n_days + 1, sizeof(struct hv_occupancy));
            if (series[g].days == NULL)
                return HV_ERR_LIMIT;
            memset(series[g].days, 0, (n_days + 1) * sizeof(struct hv_occupancy));
            n_series++;
        }
        slots[n_slots].id = sites[i].id;
        slots[n_slots].group = g;
        n_slots++;
    }
    if (filter.len > 0 && n_series == 0) {
        hv_diag_set(diag, group == HV_OCC_BY_COUNTRY ? "country" : "site",
                    "no site matches \"%.*s\"", (int)(filter.len > 64 ? 64 : filter.len),
                    filter.ptr);
        return HV_ERR_NOTFOUND;
    }
    qsort(slots, n_slots, sizeof(*slots), slot_cmp);
    err = mark_stays(ctx, series, slots, n_slots, from_day, to_day);
    if (err != HV_OK)
        return err;
    /* Prefix sums turn the marks into daily counts. */
    for (size_t g = 0; g < n_series; g++) {
        struct hv_occupancy *d = series[g].days;
        for (size_t i = 1; i < n_days; i++) {
            for (int k = 0; k < HV_N_BED_KINDS; k++)
                d[i].used[k] += d[i - 1].used[k];
            d[i].people += d[i - 1].people;
        }
    }
    err = add_capacity(ctx, series, slots, n_slots, from_day, n_days);
    if (err != HV_OK)
        return err;
    /* Countries come in site order; sort them by code for a stable output. */
    if (group == HV_OCC_BY_COUNTRY) {
        for (size_t i = 1; i < n_series; i++) {
            for (size_t j = i; j > 0; j--) {
                struct hv_str x = series[j - 1].key, y = series[j].key;
                if (memcmp(x.ptr, y.ptr, x.len < y.len ? x.len : y.len) <= 0)
                    break;
                struct hv_occupancy_series t = series[j - 1];
                series[j - 1] = series[j];
                series[j] = t;
            }
        }
    }
    *out = series;
    *n_out = n_series;
    return hv_arena_failed(a) ? HV_ERR_LIMIT : HV_OK;
}
