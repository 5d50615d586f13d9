/* report.c - a forecast result as a planner's text report, CSV, JSON, and two results side by
 * side (compare). Aggregates and ids only; no personal data exists at this level.
 * SPDX-License-Identifier: Apache-2.0 */
#include "forecast/forecast_int.h"

#include <stdlib.h>
#include <string.h>

#include "haven/jsonw.h"
#include "haven/sites.h"

#define TRY(x)                \
    do {                      \
        enum hv_err e_ = (x); \
        if (e_ != HV_OK)      \
            return e_;        \
    } while (0)

static void day_str(int32_t day, char out[16])
{
    if (day == INT32_MAX) {
        memcpy(out, "not by horizon", 15);
        return;
    }
    hv_day_format(day, out);
}

static size_t n_countries(const struct hv_forecast_result *r)
{
    size_t n = 0;
    struct hv_forecast_series_info si;
    for (size_t i = 1; i < hv_forecast_n_series(r); i++) {
        hv_forecast_series(r, i, &si);
        n += !si.is_site;
    }
    return n;
}

static enum hv_err header(const struct hv_forecast_result *r, struct hv_buf *out)
{
    struct hv_forecast_run_info ri;
    hv_forecast_run_info(r, &ri);
    double stat;
    const char *name = hv__forecast_result_name(r, &stat);
    char d[16];
    hv_day_format(ri.start_day, d);
    return hv_buf_appendf(out,
                          "Forecast: %s\nstart %s, %d weeks, %u replications, seed %llu, "
                          "%u thread%s, %.2f s (%llu events)\n",
                          name[0] != '\0' ? name : "(unnamed scenario)", d, ri.weeks, ri.reps,
                          (unsigned long long)ri.seed, ri.threads, ri.threads == 1 ? "" : "s",
                          ri.seconds, (unsigned long long)ri.events);
}

enum hv_err hv_forecast_write_table(const struct hv_forecast_result *r, int every,
                                    struct hv_buf *out)
{
    struct hv_forecast_run_info ri;
    hv_forecast_run_info(r, &ri);
    if (every < 1)
        every = 1;
    size_t nc = n_countries(r);
    struct hv_forecast_series_info si;
    TRY(header(r, out));
    TRY(hv_buf_appendz(out, "\nBeds in use per country per week (weekly peak, P50 [P10-P90]; "
                            "'!' = P50 over capacity)\n"));
    TRY(hv_buf_appendf(out, "%-5s %-10s", "week", "starts"));
    for (size_t c = 0; c <= nc; c++) {
        hv_forecast_series(r, c, &si);
        char h[48];
        snprintf(h, sizeof(h), "%s (cap %lld)", si.key, (long long)si.capacity);
        TRY(hv_buf_appendf(out, "  %-24s", h));
    }
    TRY(hv_buf_putc(out, '\n'));
    for (int32_t w = 0; w < ri.weeks; w++) {
        if (w % every != 0 && w != ri.weeks - 1)
            continue;
        char d[16];
        hv_day_format(ri.start_day + 7 * w, d);
        TRY(hv_buf_appendf(out, "%-5d %-10s", w + 1, d));
        for (size_t c = 0; c <= nc; c++) {
            hv_forecast_series(r, c, &si);
            int64_t q[3];
            hv_forecast_beds(r, c, w, q);
            char cell[48];
            snprintf(cell, sizeof(cell), "%lld [%lld-%lld]%s", (long long)q[1], (long long)q[0],
                     (long long)q[2], q[1] > si.capacity ? " !" : "");
            TRY(hv_buf_appendf(out, "  %-24s", cell));
        }
        TRY(hv_buf_putc(out, '\n'));
    }
    TRY(hv_buf_appendz(out, "\nWeeks over capacity (P50 [P10-P90])\n"));
    for (size_t i = 0; i < hv_forecast_n_series(r); i++) {
        hv_forecast_series(r, i, &si);
        int64_t q[3];
        hv_forecast_weeks_over(r, i, q);
        TRY(hv_buf_appendf(out, "  %-28s %-34s cap %6lld  %lld [%lld-%lld]\n", si.key, si.name,
                           (long long)si.capacity, (long long)q[1], (long long)q[0],
                           (long long)q[2]));
    }
    TRY(hv_buf_appendz(out, "\nClearance: the day the last family leaves (P10 / P50 / P90)\n"));
    for (size_t c = 0; c <= nc; c++) {
        hv_forecast_series(r, c, &si);
        int32_t q[3];
        double cl;
        hv_forecast_clearance(r, c, q, &cl);
        char a[16], b[16], d[16];
        day_str(q[0], a);
        day_str(q[1], b);
        day_str(q[2], d);
        TRY(hv_buf_appendf(out, "  %-6s %-14s %-14s %-14s cleared by the horizon in %.0f%%\n",
                           si.key, a, b, d, cl * 100));
    }
    double stat;
    (void)hv__forecast_result_name(r, &stat);
    TRY(hv_buf_appendf(out,
                       "\nCases over the statutory clock (%.0f days), not yet travelled, at "
                       "week end (P50 [P10-P90])\n",
                       stat));
    for (int32_t w = 0; w < ri.weeks; w += (every > 4 ? every : 13)) {
        int64_t q[3];
        hv_forecast_over_clock(r, w, q);
        char d[16];
        hv_day_format(ri.start_day + 7 * w + 6, d);
        TRY(hv_buf_appendf(out, "  week %-4d %s  %lld [%lld-%lld]\n", w + 1, d, (long long)q[1],
                           (long long)q[0], (long long)q[2]));
    }
    int64_t t[3], mv[3];
    hv_forecast_travelled(r, t);
    hv_forecast_moved(r, mv);
    TRY(hv_buf_appendf(out,
                       "\nCases moved into host sites during the run: %lld [%lld-%lld]\n"
                       "Cases travelled by the horizon: %lld [%lld-%lld]\n",
                       (long long)mv[1], (long long)mv[0], (long long)mv[2], (long long)t[1],
                       (long long)t[0], (long long)t[2]));
    return HV_OK;
}

enum hv_err hv_forecast_write_csv(const struct hv_forecast_result *r, struct hv_buf *out)
{
    struct hv_forecast_run_info ri;
    hv_forecast_run_info(r, &ri);
    TRY(hv_buf_appendz(out, "series,name,week,week_start,capacity,p10,p50,p90\n"));
    struct hv_forecast_series_info si;
    for (size_t i = 0; i < hv_forecast_n_series(r); i++) {
        hv_forecast_series(r, i, &si);
        /* names come from sites.csv and may hold commas: quote them */
        struct hv_buf nm;
        hv_buf_init(&nm, 0);
        enum hv_err err = hv_buf_putc(&nm, '"');
        for (const char *p = si.name; *p != '\0' && err == HV_OK; p++) {
            if (*p == '"')
                err = hv_buf_putc(&nm, '"');
            if (err == HV_OK)
                err = hv_buf_putc(&nm, *p);
        }
        if (err == HV_OK)
            err = hv_buf_putc(&nm, '"');
        for (int32_t w = 0; w < ri.weeks && err == HV_OK; w++) {
            int64_t q[3];
            hv_forecast_beds(r, i, w, q);
            char d[16];
            hv_day_format(ri.start_day + 7 * w, d);
            err = hv_buf_appendf(out, "%s,%s,%d,%s,%lld,%lld,%lld,%lld\n", si.key, hv_buf_cstr(&nm),
                                 w + 1, d, (long long)si.capacity, (long long)q[0], (long long)q[1],
                                 (long long)q[2]);
        }
        hv_buf_finish(&nm);
        TRY(err);
    }
    return HV_OK;
}

static void jw_q(struct hv_jw *w, const int64_t q[3])
{
    hv_jw_object_begin(w);
    hv_jw_key(w, "p10");
    hv_jw_int(w, q[0]);
    hv_jw_key(w, "p50");
    hv_jw_int(w, q[1]);
    hv_jw_key(w, "p90");
    hv_jw_int(w, q[2]);
    hv_jw_object_end(w);
}

static void jw_day(struct hv_jw *w, int32_t day)
{
    if (day == INT32_MAX) {
        hv_jw_null(w);
        return;
    }
    char d[16];
    hv_day_format(day, d);
    hv_jw_strz(w, d);
}

enum hv_err hv_forecast_write_json(const struct hv_forecast_result *r, struct hv_buf *out)
{
    struct hv_forecast_run_info ri;
    hv_forecast_run_info(r, &ri);
    double stat;
    const char *name = hv__forecast_result_name(r, &stat);
    struct hv_jw w;
    hv_jw_init(&w, out, false);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "scenario");
    hv_jw_strz(&w, name);
    hv_jw_key(&w, "start");
    jw_day(&w, ri.start_day);
    hv_jw_key(&w, "weeks");
    hv_jw_int(&w, ri.weeks);
    hv_jw_key(&w, "replications");
    hv_jw_int(&w, ri.reps);
    hv_jw_key(&w, "seed");
    hv_jw_int(&w, (int64_t)ri.seed);
    hv_jw_key(&w, "threads");
    hv_jw_int(&w, ri.threads);
    hv_jw_key(&w, "seconds");
    hv_jw_double(&w, ri.seconds);
    hv_jw_key(&w, "events");
    hv_jw_int(&w, (int64_t)ri.events);
    hv_jw_key(&w, "series");
    hv_jw_array_begin(&w);
    struct hv_forecast_series_info si;
    for (size_t i = 0; i < hv_forecast_n_series(r); i++) {
        hv_forecast_series(r, i, &si);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "key");
        hv_jw_strz(&w, si.key);
        hv_jw_key(&w, "name");
        hv_jw_strz(&w, si.name);
        hv_jw_key(&w, "kind");
        hv_jw_strz(&w, i == 0 ? "all" : si.is_site ? "site" : "country");
        hv_jw_key(&w, "capacity");
        hv_jw_int(&w, si.capacity);
        int64_t q[3];
        hv_forecast_weeks_over(r, i, q);
        hv_jw_key(&w, "weeks_over_capacity");
        jw_q(&w, q);
        int32_t c[3];
        double cl;
        hv_forecast_clearance(r, i, c, &cl);
        hv_jw_key(&w, "clearance");
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "p10");
        jw_day(&w, c[0]);
        hv_jw_key(&w, "p50");
        jw_day(&w, c[1]);
        hv_jw_key(&w, "p90");
        jw_day(&w, c[2]);
        hv_jw_key(&w, "cleared_share");
        hv_jw_double(&w, cl);
        hv_jw_object_end(&w);
        hv_jw_key(&w, "beds");
        hv_jw_array_begin(&w);
        for (int32_t k = 0; k < ri.weeks; k++) {
            hv_forecast_beds(r, i, k, q);
            hv_jw_array_begin(&w);
            hv_jw_int(&w, q[0]);
            hv_jw_int(&w, q[1]);
            hv_jw_int(&w, q[2]);
            hv_jw_array_end(&w);
        }
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
    }
    hv_jw_array_end(&w);
    hv_jw_key(&w, "statutory_days");
    hv_jw_double(&w, stat);
    hv_jw_key(&w, "over_statutory_clock");
    hv_jw_array_begin(&w);
    for (int32_t k = 0; k < ri.weeks; k++) {
        int64_t q[3];
        hv_forecast_over_clock(r, k, q);
        hv_jw_array_begin(&w);
        hv_jw_int(&w, q[0]);
        hv_jw_int(&w, q[1]);
        hv_jw_int(&w, q[2]);
        hv_jw_array_end(&w);
    }
    hv_jw_array_end(&w);
    int64_t t[3];
    hv_forecast_travelled(r, t);
    hv_jw_key(&w, "travelled");
    jw_q(&w, t);
    hv_forecast_moved(r, t);
    hv_jw_key(&w, "moved_to_host_sites");
    jw_q(&w, t);
    hv_jw_key(&w, "steps");
    hv_jw_array_begin(&w);
    for (size_t i = 0; i < hv_forecast_n_steps(r); i++) {
        struct hv_forecast_step_stats st;
        hv_forecast_step_stats(r, i, &st);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "step");
        hv_jw_strz(&w, st.step);
        hv_jw_key(&w, "entered");
        hv_jw_int(&w, (int64_t)st.entered);
        hv_jw_key(&w, "mean_wait_days");
        hv_jw_double(&w, st.started > 0 ? st.wait_sum / (double)st.started : 0);
        hv_jw_key(&w, "mean_days_in_step");
        hv_jw_double(&w, st.done > 0 ? st.sojourn_sum / (double)st.done : 0);
        hv_jw_key(&w, "mean_in_step");
        hv_jw_double(&w, st.window > 0 ? st.area / st.window : 0);
        hv_jw_object_end(&w);
    }
    hv_jw_array_end(&w);
    hv_jw_object_end(&w);
    return hv_jw_err(&w);
}

static int find_key(const struct hv_forecast_result *r, const char *key)
{
    struct hv_forecast_series_info si;
    for (size_t i = 0; i < hv_forecast_n_series(r); i++) {
        hv_forecast_series(r, i, &si);
        if (strcmp(si.key, key) == 0)
            return (int)i;
    }
    return -1;
}

static int64_t peak_p50(const struct hv_forecast_result *r, size_t i)
{
    struct hv_forecast_run_info ri;
    hv_forecast_run_info(r, &ri);
    int64_t best = 0, q[3];
    for (int32_t w = 0; w < ri.weeks; w++) {
        hv_forecast_beds(r, i, w, q);
        if (q[1] > best)
            best = q[1];
    }
    return best;
}

enum hv_err hv_forecast_write_compare(const struct hv_forecast_result *a, const char *a_name,
                                      const struct hv_forecast_result *b, const char *b_name,
                                      bool json, struct hv_buf *out)
{
    struct hv_jw w;
    if (json) {
        hv_jw_init(&w, out, false);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "a");
        hv_jw_strz(&w, a_name);
        hv_jw_key(&w, "b");
        hv_jw_strz(&w, b_name);
        hv_jw_key(&w, "series");
        hv_jw_array_begin(&w);
    } else {
        TRY(hv_buf_appendf(out, "A: %s\nB: %s\n\n", a_name, b_name));
        TRY(hv_buf_appendf(out, "%-8s %18s %18s %8s   %14s %14s %8s   %-14s %-14s %7s\n", "series",
                           "peak beds P50 A", "peak beds P50 B", "B-A", "wks over A", "wks over B",
                           "B-A", "clearance A", "clearance B", "days"));
    }
    struct hv_forecast_series_info si;
    for (size_t i = 0; i < hv_forecast_n_series(a); i++) {
        hv_forecast_series(a, i, &si);
        if (si.is_site)
            continue;
        int j = find_key(b, si.key);
        if (j < 0)
            continue;
        int64_t pa = peak_p50(a, i), pb = peak_p50(b, (size_t)j), wa[3], wb[3];
        hv_forecast_weeks_over(a, i, wa);
        hv_forecast_weeks_over(b, (size_t)j, wb);
        int32_t ca[3], cb[3];
        double sa, sb;
        hv_forecast_clearance(a, i, ca, &sa);
        hv_forecast_clearance(b, (size_t)j, cb, &sb);
        bool both = ca[1] != INT32_MAX && cb[1] != INT32_MAX;
        if (json) {
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "key");
            hv_jw_strz(&w, si.key);
            hv_jw_key(&w, "peak_beds_p50");
            hv_jw_array_begin(&w);
            hv_jw_int(&w, pa);
            hv_jw_int(&w, pb);
            hv_jw_array_end(&w);
            hv_jw_key(&w, "weeks_over_capacity_p50");
            hv_jw_array_begin(&w);
            hv_jw_int(&w, wa[1]);
            hv_jw_int(&w, wb[1]);
            hv_jw_array_end(&w);
            hv_jw_key(&w, "clearance_p50");
            hv_jw_array_begin(&w);
            jw_day(&w, ca[1]);
            jw_day(&w, cb[1]);
            hv_jw_array_end(&w);
            hv_jw_key(&w, "cleared_share");
            hv_jw_array_begin(&w);
            hv_jw_double(&w, sa);
            hv_jw_double(&w, sb);
            hv_jw_array_end(&w);
            hv_jw_object_end(&w);
            continue;
        }
        char da[16], db[16], dd[16] = "-";
        day_str(ca[1], da);
        day_str(cb[1], db);
        if (both)
            snprintf(dd, sizeof(dd), "%+d", cb[1] - ca[1]);
        TRY(hv_buf_appendf(
            out, "%-8s %18lld %18lld %+8lld   %14lld %14lld %+8lld   %-14s %-14s %7s\n", si.key,
            (long long)pa, (long long)pb, (long long)(pb - pa), (long long)wa[1], (long long)wb[1],
            (long long)(wb[1] - wa[1]), da, db, dd));
    }
    int64_t ta[3], tb[3], ma[3], mb[3];
    hv_forecast_travelled(a, ta);
    hv_forecast_travelled(b, tb);
    hv_forecast_moved(a, ma);
    hv_forecast_moved(b, mb);
    if (json) {
        hv_jw_array_end(&w);
        hv_jw_key(&w, "moved_p50");
        hv_jw_array_begin(&w);
        hv_jw_int(&w, ma[1]);
        hv_jw_int(&w, mb[1]);
        hv_jw_array_end(&w);
        hv_jw_key(&w, "travelled_p50");
        hv_jw_array_begin(&w);
        hv_jw_int(&w, ta[1]);
        hv_jw_int(&w, tb[1]);
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
        return hv_jw_err(&w);
    }
    return hv_buf_appendf(out,
                          "\nmoved into host sites, P50: A %lld, B %lld (%+lld)\n"
                          "travelled by the horizon, P50: A %lld, B %lld (%+lld)\n",
                          (long long)ma[1], (long long)mb[1], (long long)(mb[1] - ma[1]),
                          (long long)ta[1], (long long)tb[1], (long long)(tb[1] - ta[1]));
}
