/* report.c - the pipeline reports (backlog with ageing, statutory clocks, weekly throughput)
 * as tables, and writing any report as an aligned text table, JSON or CSV.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/csv.h"
#include "haven/jsonw.h"
#include "haven/pdate.h"
#include "haven/store.h"
#include "pipeline/pipeline_int.h"

/* --- writing ---------------------------------------------------------------------------- */

/* A real number with at most two decimals and no trailing zeros: 12, 12.5, 12.25. */
static void fmt_real(double d, char *out, size_t cap)
{
    snprintf(out, cap, "%.2f", d);
    char *dot = strchr(out, '.');
    if (dot == NULL)
        return;
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
    if (strcmp(out, "-0") == 0)
        snprintf(out, cap, "0");
}

static void fmt_cell(const struct hv_cell *c, bool table, char *out, size_t cap)
{
    switch (c->type) {
    case HV_CELL_TEXT:
        snprintf(out, cap, "%s", c->text != NULL ? c->text : "");
        break;
    case HV_CELL_INT:
        snprintf(out, cap, "%lld", (long long)c->i);
        break;
    case HV_CELL_REAL:
        if (table)
            snprintf(out, cap, "%.1f", c->d);
        else
            fmt_real(c->d, out, cap);
        break;
    case HV_CELL_BOOL:
        snprintf(out, cap, "%s", c->i ? (table ? "yes" : "true") : (table ? "-" : "false"));
        break;
    }
}

static enum hv_err write_table(const struct hv_report *r, struct hv_buf *out)
{
    size_t width[32] = { 0 };
    size_t nc = r->n_cols < 32 ? r->n_cols : 32;
    char cell[256];
    for (size_t c = 0; c < nc; c++)
        width[c] = strlen(r->cols[c]);
    for (size_t i = 0; i < r->n_rows; i++) {
        for (size_t c = 0; c < nc; c++) {
            fmt_cell(&r->cells[i * r->n_cols + c], true, cell, sizeof(cell));
            if (strlen(cell) > width[c])
                width[c] = strlen(cell);
        }
    }
    enum hv_err err = HV_OK;
    for (size_t c = 0; c < nc && err == HV_OK; c++)
        err = hv_buf_appendf(out, "%-*s%s", c + 1 < nc ? (int)width[c] : 0, r->cols[c],
                             c + 1 < nc ? "  " : "");
    if (err == HV_OK)
        err = hv_buf_putc(out, '\n');
    for (size_t i = 0; i < r->n_rows && err == HV_OK; i++) {
        for (size_t c = 0; c < nc && err == HV_OK; c++) {
            const struct hv_cell *x = &r->cells[i * r->n_cols + c];
            fmt_cell(x, true, cell, sizeof(cell));
            bool right = x->type == HV_CELL_INT || x->type == HV_CELL_REAL;
            if (c + 1 == nc && !right)
                err = hv_buf_appendz(out, cell);
            else
                err = hv_buf_appendf(out, right ? "%*s" : "%-*s", (int)width[c], cell);
            if (err == HV_OK && c + 1 < nc)
                err = hv_buf_appendz(out, "  ");
        }
        if (err == HV_OK)
            err = hv_buf_putc(out, '\n');
    }
    return err;
}

static enum hv_err write_json(const struct hv_report *r, struct hv_buf *out)
{
    struct hv_jw w;
    hv_jw_init(&w, out, false);
    char cell[256];
    hv_jw_array_begin(&w);
    for (size_t i = 0; i < r->n_rows; i++) {
        hv_jw_object_begin(&w);
        for (size_t c = 0; c < r->n_cols; c++) {
            const struct hv_cell *x = &r->cells[i * r->n_cols + c];
            hv_jw_key(&w, r->cols[c]);
            switch (x->type) {
            case HV_CELL_TEXT:
                hv_jw_strz(&w, x->text != NULL ? x->text : "");
                break;
            case HV_CELL_INT:
                hv_jw_int(&w, x->i);
                break;
            case HV_CELL_REAL:
                fmt_real(x->d, cell, sizeof(cell));
                hv_jw_raw(&w, hv_str_c(cell));
                break;
            case HV_CELL_BOOL:
                hv_jw_bool(&w, x->i != 0);
                break;
            }
        }
        hv_jw_object_end(&w);
    }
    hv_jw_array_end(&w);
    return hv_jw_err(&w);
}

static enum hv_err write_csv(const struct hv_report *r, struct hv_buf *out)
{
    enum hv_err err = HV_OK;
    char cell[256];
    for (size_t c = 0; c < r->n_cols && err == HV_OK; c++) {
        if (c > 0)
            err = hv_buf_putc(out, ',');
        if (err == HV_OK)
            err = hv_csv_write_field(out, hv_str_c(r->cols[c]));
    }
    if (err == HV_OK)
        err = hv_buf_putc(out, '\n');
    for (size_t i = 0; i < r->n_rows && err == HV_OK; i++) {
        for (size_t c = 0; c < r->n_cols && err == HV_OK; c++) {
            if (c > 0)
                err = hv_buf_putc(out, ',');
            fmt_cell(&r->cells[i * r->n_cols + c], false, cell, sizeof(cell));
            if (err == HV_OK)
                err = hv_csv_write_field(out, hv_str_c(cell));
        }
        if (err == HV_OK)
            err = hv_buf_putc(out, '\n');
    }
    return err;
}

enum hv_err hv_report_write(const struct hv_report *rep, enum hv_report_format fmt,
                            struct hv_buf *out)
{
    switch (fmt) {
    case HV_REPORT_TABLE:
        return write_table(rep, out);
    case HV_REPORT_JSON:
        return write_json(rep, out);
    case HV_REPORT_CSV:
        return write_csv(rep, out);
    }
    return HV_ERR_INTERNAL;
}

/* --- building --------------------------------------------------------------------------- */

/* A growable row-major cell store for reports. */
struct table {
    struct hv_report *rep;
    struct hv_arena *a;
    size_t cap;
};

static struct hv_cell *new_row(struct table *t)
{
    struct hv_report *r = t->rep;
    if (r->n_rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct hv_cell *cells = hv_arena_alloc_array(t->a, cap * r->n_cols, sizeof(*cells));
        if (cells == NULL)
            return NULL;
        if (r->n_rows > 0)
            memcpy(cells, r->cells, r->n_rows * r->n_cols * sizeof(*cells));
        r->cells = cells;
        t->cap = cap;
    }
    return &r->cells[r->n_rows++ * r->n_cols];
}

/* Sizes the cell store for n rows up front (when the count is known) so that it is allocated
 * once. */
static bool reserve(struct table *t, size_t n)
{
    if (n <= t->cap)
        return true;
    struct hv_report *r = t->rep;
    struct hv_cell *cells = hv_arena_alloc_array(t->a, n * r->n_cols, sizeof(*cells));
    if (cells == NULL)
        return false;
    if (r->n_rows > 0)
        memcpy(cells, r->cells, r->n_rows * r->n_cols * sizeof(*cells));
    r->cells = cells;
    t->cap = n;
    return true;
}

static struct hv_cell text_cell(struct hv_arena *a, const char *z)
{
    return (struct hv_cell){ .type = HV_CELL_TEXT, .text = hv_str_dupz(a, hv_str_c(z)) };
}
static struct hv_cell int_cell(int64_t v)
{
    return (struct hv_cell){ .type = HV_CELL_INT, .i = v };
}
static struct hv_cell days_cell(int64_t seconds)
{
    return (struct hv_cell){ .type = HV_CELL_REAL, .d = (double)seconds / 86400.0 };
}
static struct hv_cell bool_cell(bool v)
{
    return (struct hv_cell){ .type = HV_CELL_BOOL, .i = v };
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* Median (mean of the two middle values for an even count) and nearest-rank P90 of sorted v. */
static void median_p90(const int64_t *v, size_t n, double *median, int64_t *p90)
{
    if (n == 0) {
        *median = 0;
        *p90 = 0;
        return;
    }
    *median = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
    size_t rank = (size_t)ceil(0.9 * (double)n); /* 1-based */
    if (rank < 1)
        rank = 1;
    *p90 = v[rank - 1];
}

struct group {
    char workflow[HV_WF_MAX_ID + 1];
    char step[HV_WF_MAX_ID + 1];
    int order; /* step index in its workflow, or a large number when unknown */
    const char *control;
    int64_t held;
    int64_t *ages;
    size_t n, cap;
};

static int cmp_group(const void *pa, const void *pb)
{
    const struct group *a = pa, *b = pb;
    int c = strcmp(a->workflow, b->workflow);
    if (c != 0)
        return c;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return strcmp(a->step, b->step);
}

static const char *const backlog_cols[] = { "workflow", "step",        "controlled_by", "cases",
                                            "held",     "median_days", "p90_days" };

enum hv_err hv_pipeline_report_backlog(struct hv_ctx *ctx, struct hv_arena *a, int64_t as_of,
                                       struct hv_report *out)
{
    static const char sql[] =
        "SELECT c.workflow, c.step, "
        "coalesce((SELECT max(e.at) FROM step_event e WHERE e.case_id = c.id), c.created_at), "
        "EXISTS (SELECT 1 FROM case_hold h WHERE h.case_id = c.id AND h.resolved_at IS NULL) "
        "FROM hv_case c WHERE coalesce(c.workflow, '') <> '' AND coalesce(c.step, '') <> '' "
        "ORDER BY c.workflow, c.step";
    if (as_of == 0)
        as_of = hv_clock_now(&ctx->clock);
    memset(out, 0, sizeof(*out));
    out->name = "backlog";
    out->cols = backlog_cols;
    out->n_cols = HV_ARRAY_LEN(backlog_cols);
    struct group *groups = NULL;
    size_t n_groups = 0, cap_groups = 0;
    struct hv__wf_cache cache = { .n = 0 };
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        struct hv_str wf = hv_stmt_col_text(s, 0), step = hv_stmt_col_text(s, 1);
        struct group *g = n_groups > 0 ? &groups[n_groups - 1] : NULL;
        /* Rows arrive sorted by workflow and step, so a group is always the last one. */
        if (g == NULL || !hv_str_eqz(wf, g->workflow) || !hv_str_eqz(step, g->step)) {
            if (n_groups == cap_groups) {
                cap_groups = cap_groups ? cap_groups * 2 : 32;
                groups = hv_xrealloc(groups, cap_groups * sizeof(*groups));
            }
            g = &groups[n_groups++];
            memset(g, 0, sizeof(*g));
            snprintf(g->workflow, sizeof(g->workflow), "%.*s", HV_STR_ARG(wf));
            snprintf(g->step, sizeof(g->step), "%.*s", HV_STR_ARG(step));
        }
        int64_t age = as_of - hv_stmt_col_int(s, 2);
        if (g->n == g->cap) {
            g->cap = g->cap ? g->cap * 2 : 64;
            g->ages = hv_xrealloc(g->ages, g->cap * sizeof(*g->ages));
        }
        g->ages[g->n++] = age > 0 ? age : 0;
        g->held += hv_stmt_col_int(s, 3) != 0;
    }
    for (size_t i = 0; i < n_groups && err == HV_OK; i++) {
        struct group *g = &groups[i];
        const struct hv_workflow *wf = NULL;
        g->order = 1 << 20;
        g->control = "";
        if (hv__wf_cache_get(ctx, a, &cache, hv_str_c(g->workflow), &wf) == HV_OK) {
            int k = hv_workflow_step(wf, hv_str_c(g->step));
            if (k >= 0) {
                g->order = k;
                g->control = wf->steps[k].control == HV_WF_GOVERNMENT ? "government" : "applicant";
            }
        }
    }
    if (err == HV_OK)
        qsort(groups, n_groups, sizeof(*groups), cmp_group);
    struct table t = { .rep = out, .a = a };
    if (err == HV_OK && !reserve(&t, n_groups))
        err = HV_ERR_LIMIT;
    for (size_t i = 0; i < n_groups && err == HV_OK; i++) {
        struct group *g = &groups[i];
        qsort(g->ages, g->n, sizeof(*g->ages), cmp_i64);
        double median = 0;
        int64_t p90 = 0;
        median_p90(g->ages, g->n, &median, &p90);
        struct hv_cell *r = new_row(&t);
        if (r == NULL) {
            err = HV_ERR_LIMIT;
            break;
        }
        r[0] = text_cell(a, g->workflow);
        r[1] = text_cell(a, g->step);
        r[2] = text_cell(a, g->control);
        r[3] = int_cell((int64_t)g->n);
        r[4] = int_cell(g->held);
        r[5] = (struct hv_cell){ .type = HV_CELL_REAL, .d = median / 86400.0 };
        r[6] = days_cell(p90);
    }
    for (size_t i = 0; i < n_groups; i++)
        free(groups[i].ages);
    free(groups);
    if (err == HV_OK && hv_arena_failed(a))
        err = HV_ERR_LIMIT;
    return err;
}

/* --- clocks ----------------------------------------------------------------------------- */

static int cmp_clock(const void *pa, const void *pb)
{
    const struct hv_case_clock *a = pa, *b = pb;
    if (a->statutory != b->statutory)
        return a->statutory > b->statutory ? -1 : 1;
    return strcmp(a->case_ref, b->case_ref);
}

static const char *const clock_cols[] = { "case",           "workflow",   "step",
                                          "statutory_days", "limit_days", "over",
                                          "high_risk",      "held",       "days_in_step" };

enum hv_err hv_pipeline_report_clocks(struct hv_ctx *ctx, struct hv_arena *a, int64_t as_of,
                                      bool all, struct hv_report *out)
{
    static const char case_sql[] =
        "SELECT c.id, c.ref, c.risk_level, c.workflow, coalesce(c.step, ''), c.created_at, "
        "EXISTS (SELECT 1 FROM case_marker m WHERE m.case_id = c.id AND m.marker = 'high_risk') "
        "FROM hv_case c WHERE coalesce(c.workflow, '') <> '' ORDER BY c.id";
    static const char ev_sql[] =
        "SELECT case_id, from_step, to_step, at FROM step_event ORDER BY case_id, at, id";
    static const char hold_sql[] =
        "SELECT case_id, opened_at, coalesce(resolved_at, -1) FROM case_hold ORDER BY case_id";
    if (as_of == 0)
        as_of = hv_clock_now(&ctx->clock);
    memset(out, 0, sizeof(*out));
    out->name = "clocks";
    out->cols = clock_cols;
    out->n_cols = HV_ARRAY_LEN(clock_cols);
    struct hv__wf_cache cache = { .n = 0 };
    struct hv__suspension *susp = NULL;
    size_t n_susp = 0;
    struct hv__timeline t;
    memset(&t, 0, sizeof(t));
    struct hv_case_clock *list = NULL;
    size_t n_list = 0, cap_list = 0;
    struct hv_stmt *cs = NULL, *es = NULL, *hs = NULL;
    bool crow = false, erow = false, hrow = false;
    enum hv_err err = hv__pipeline_suspensions(ctx, a, &susp, &n_susp);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, case_sql, &cs);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, ev_sql, &es);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, hold_sql, &hs);
    if (err == HV_OK)
        err = hv_stmt_step(es, &erow);
    if (err == HV_OK)
        err = hv_stmt_step(hs, &hrow);
    while (err == HV_OK && (err = hv_stmt_step(cs, &crow)) == HV_OK && crow) {
        int64_t id = hv_stmt_col_int(cs, 0);
        const struct hv_workflow *wf = NULL;
        bool have_wf = hv__wf_cache_get(ctx, a, &cache, hv_stmt_col_text(cs, 3), &wf) == HV_OK;
        int64_t created = hv_stmt_col_int(cs, 5);
        hv__timeline_reset(&t);
        while (err == HV_OK && erow && hv_stmt_col_int(es, 0) <= id) {
            if (hv_stmt_col_int(es, 0) == id && have_wf) {
                int64_t at = hv_stmt_col_int(es, 3);
                struct hv_str from = hv_stmt_col_text(es, 1);
                if (t.n_visits == 0 && from.len > 0) {
                    int f = hv_workflow_step(wf, from);
                    if (f >= 0)
                        hv__timeline_visit(&t, f, created < at ? created : at);
                }
                int to = hv_workflow_step(wf, hv_stmt_col_text(es, 2));
                if (to >= 0)
                    hv__timeline_visit(&t, to, at);
            }
            err = hv_stmt_step(es, &erow);
        }
        while (err == HV_OK && hrow && hv_stmt_col_int(hs, 0) <= id) {
            if (hv_stmt_col_int(hs, 0) == id) {
                int64_t from = hv_stmt_col_int(hs, 1), to = hv_stmt_col_int(hs, 2);
                if (to < 0)
                    to = INT64_MAX;
                hv__timeline_pause(&t, from, to, -1);
                if (from <= as_of && to > as_of)
                    t.held = true;
            }
            err = hv_stmt_step(hs, &hrow);
        }
        if (err != HV_OK || !have_wf)
            continue;
        if (t.n_visits == 0) {
            int st = hv_workflow_step(wf, hv_stmt_col_text(cs, 4));
            if (st >= 0)
                hv__timeline_visit(&t, st, created);
        }
        struct hv_case_clock ck;
        memset(&ck, 0, sizeof(ck));
        struct hv_str ref = hv_stmt_col_text(cs, 1);
        snprintf(ck.case_ref, sizeof(ck.case_ref), "%.*s", HV_STR_ARG(ref));
        ck.high_risk = hv_stmt_col_int(cs, 2) >= 4 || hv_stmt_col_int(cs, 6) != 0;
        hv__pipeline_compute(wf, &t, susp, n_susp, as_of, &ck);
        if (ck.limit == 0 || (!all && !ck.over))
            continue;
        /* A case that has travelled has a final clock: only --all lists it. */
        int cur = hv_workflow_step(wf, hv_str_c(ck.step));
        if (!all && cur >= 0 && wf->steps[cur].n_transitions == 0)
            continue;
        if (n_list == cap_list) {
            cap_list = cap_list ? cap_list * 2 : 64;
            list = hv_xrealloc(list, cap_list * sizeof(*list));
        }
        list[n_list++] = ck;
    }
    hv__timeline_finish(&t);
    if (err == HV_OK)
        qsort(list, n_list, sizeof(*list), cmp_clock);
    struct table tb = { .rep = out, .a = a };
    if (err == HV_OK && !reserve(&tb, n_list))
        err = HV_ERR_LIMIT;
    for (size_t i = 0; i < n_list && err == HV_OK; i++) {
        struct hv_cell *r = new_row(&tb);
        if (r == NULL) {
            err = HV_ERR_LIMIT;
            break;
        }
        r[0] = text_cell(a, list[i].case_ref);
        r[1] = text_cell(a, list[i].workflow);
        r[2] = text_cell(a, list[i].step);
        r[3] = days_cell(list[i].statutory);
        r[4] = int_cell(list[i].limit / 86400);
        r[5] = bool_cell(list[i].over);
        r[6] = bool_cell(list[i].high_risk);
        r[7] = bool_cell(list[i].held);
        r[8] = days_cell(list[i].time_in_step);
    }
    free(list);
    if (err == HV_OK && hv_arena_failed(a))
        err = HV_ERR_LIMIT;
    return err;
}

/* --- throughput ------------------------------------------------------------------------- */

#define MAX_STEP_NAMES 128
#define MAX_WEEKS      5300 /* a century */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Days since the epoch of the Monday of t's week. */
static int64_t monday_of(int64_t t)
{
    int64_t days = floor_div(t, 86400);
    int64_t wd = ((days + 3) % 7 + 7) % 7; /* 0 = Monday */
    return days - wd;
}

static const char *const tp_cols[] = { "week", "step", "transitions" };

enum hv_err hv_pipeline_report_throughput(struct hv_ctx *ctx, struct hv_arena *a, int64_t from,
                                          int64_t to, struct hv_report *out)
{
    static const char range_sql[] =
        "SELECT coalesce(min(at), 0), coalesce(max(at), -1) FROM step_event "
        "WHERE at >= ?1 AND at < ?2";
    static const char sql[] = "SELECT to_step, at FROM step_event WHERE at >= ?1 AND at < ?2";
    memset(out, 0, sizeof(*out));
    out->name = "throughput";
    out->cols = tp_cols;
    out->n_cols = HV_ARRAY_LEN(tp_cols);
    if (from == 0 && to == 0) {
        from = INT64_MIN;
        to = INT64_MAX;
    }
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, range_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, from);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, to);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK || !row)
        return err;
    int64_t lo = hv_stmt_col_int(s, 0), hi = hv_stmt_col_int(s, 1);
    if (hi < lo)
        return HV_OK;
    int64_t base = monday_of(lo);
    int64_t n_weeks = (monday_of(hi) - base) / 7 + 1;
    if (n_weeks > MAX_WEEKS)
        return HV_ERR_LIMIT;
    char(*names)[HV_WF_MAX_ID + 1] = hv_xcalloc(MAX_STEP_NAMES, sizeof(*names));
    size_t n_names = 0;
    int64_t *counts = hv_xcalloc((size_t)n_weeks * MAX_STEP_NAMES, sizeof(*counts));
    err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, from);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, to);
    size_t last = SIZE_MAX;
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        struct hv_str step = hv_stmt_col_text(s, 0);
        size_t k = SIZE_MAX;
        if (last != SIZE_MAX && hv_str_eqz(step, names[last]))
            k = last;
        for (size_t i = 0; i < n_names && k == SIZE_MAX; i++) {
            if (hv_str_eqz(step, names[i]))
                k = i;
        }
        if (k == SIZE_MAX) {
            if (n_names == MAX_STEP_NAMES) {
                err = HV_ERR_LIMIT;
                break;
            }
            k = n_names++;
            snprintf(names[k], sizeof(names[k]), "%.*s", HV_STR_ARG(step));
        }
        last = k;
        int64_t w = (monday_of(hv_stmt_col_int(s, 1)) - base) / 7;
        counts[w * MAX_STEP_NAMES + (int64_t)k]++;
    }
    /* Step ids in byte order within each week. */
    size_t order[MAX_STEP_NAMES];
    for (size_t i = 0; i < n_names; i++)
        order[i] = i;
    for (size_t i = 1; i < n_names; i++) {
        size_t x = order[i], j = i;
        while (j > 0 && strcmp(names[order[j - 1]], names[x]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = x;
    }
    struct table tb = { .rep = out, .a = a };
    for (int64_t w = 0; w < n_weeks && err == HV_OK; w++) {
        int year = 0, week = 0;
        hv_iso_week((base + w * 7) * 86400, &year, &week);
        char label[16];
        snprintf(label, sizeof(label), "%04d-W%02d", year, week);
        for (size_t i = 0; i < n_names && err == HV_OK; i++) {
            int64_t c = counts[w * MAX_STEP_NAMES + (int64_t)order[i]];
            if (c == 0)
                continue;
            struct hv_cell *r = new_row(&tb);
            if (r == NULL) {
                err = HV_ERR_LIMIT;
                break;
            }
            r[0] = text_cell(a, label);
            r[1] = text_cell(a, names[order[i]]);
            r[2] = int_cell(c);
        }
    }
    free(counts);
    free(names);
    if (err == HV_OK && hv_arena_failed(a))
        err = HV_ERR_LIMIT;
    return err;
}
