/* timeline.c - a case's stored history turned into clocks: its step events become visits,
 * its holds and its workflow's suspensions become pauses; plus `case history` reading.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "pipeline/pipeline_int.h"

void hv__timeline_reset(struct hv__timeline *t)
{
    t->n_visits = 0;
    t->n_pauses = 0;
    t->held = false;
}

void hv__timeline_finish(struct hv__timeline *t)
{
    free(t->visits);
    free(t->pauses);
    memset(t, 0, sizeof(*t));
}

void hv__timeline_visit(struct hv__timeline *t, int step, int64_t at)
{
    if (t->n_visits == t->cap_visits) {
        t->cap_visits = t->cap_visits ? t->cap_visits * 2 : 16;
        t->visits = hv_xrealloc(t->visits, t->cap_visits * sizeof(*t->visits));
    }
    t->visits[t->n_visits++] = (struct hv_step_visit){ .step = step, .entered_at = at };
}

void hv__timeline_pause(struct hv__timeline *t, int64_t from, int64_t to, int step)
{
    if (t->n_pauses == t->cap_pauses) {
        t->cap_pauses = t->cap_pauses ? t->cap_pauses * 2 : 8;
        t->pauses = hv_xrealloc(t->pauses, t->cap_pauses * sizeof(*t->pauses));
    }
    t->pauses[t->n_pauses++] = (struct hv_pause){ .from = from, .to = to, .step = step };
}

enum hv_err hv__pipeline_suspensions(struct hv_ctx *ctx, struct hv_arena *a,
                                     struct hv__suspension **out, size_t *n)
{
    static const char count_sql[] = "SELECT count(*) FROM pipeline_suspension";
    static const char sql[] =
        "SELECT workflow, step, started_at, coalesce(ended_at, -1) FROM pipeline_suspension "
        "ORDER BY id";
    int64_t total = 0;
    *out = NULL;
    *n = 0;
    enum hv_err err = hv_store_query_int(ctx->store, count_sql, false, 0, 0, &total);
    if (err != HV_OK || total == 0)
        return err;
    struct hv__suspension *list = hv_arena_alloc_array(a, (size_t)total, sizeof(*list));
    if (list == NULL)
        return HV_ERR_LIMIT;
    struct hv_stmt *s = NULL;
    bool row = false;
    size_t k = 0;
    err = hv_store_stmt(ctx->store, sql, &s);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row && k < (size_t)total) {
        struct hv_str w = hv_stmt_col_text(s, 0), st = hv_stmt_col_text(s, 1);
        snprintf(list[k].workflow, sizeof(list[k].workflow), "%.*s", HV_STR_ARG(w));
        snprintf(list[k].step, sizeof(list[k].step), "%.*s", HV_STR_ARG(st));
        list[k].from = hv_stmt_col_int(s, 2);
        int64_t to = hv_stmt_col_int(s, 3);
        list[k].to = to < 0 ? INT64_MAX : to;
        k++;
    }
    *out = list;
    *n = k;
    return err;
}

void hv__pipeline_compute(const struct hv_workflow *wf, struct hv__timeline *t,
                          const struct hv__suspension *susp, size_t n_susp, int64_t as_of,
                          struct hv_case_clock *out)
{
    for (size_t i = 0; i < n_susp; i++) {
        if (strcmp(susp[i].workflow, wf->id) != 0)
            continue;
        int step = -1;
        if (susp[i].step[0] != '\0') {
            step = hv_workflow_step(wf, hv_str_c(susp[i].step));
            if (step < 0)
                continue;
        }
        hv__timeline_pause(t, susp[i].from, susp[i].to, step);
    }
    /* The current step is the last one entered by as_of. */
    size_t n = t->n_visits;
    while (n > 0 && t->visits[n - 1].entered_at > as_of)
        n--;
    snprintf(out->workflow, sizeof(out->workflow), "%s", wf->id);
    out->step[0] = '\0';
    out->entered_at = 0;
    out->time_in_step = 0;
    if (n > 0) {
        const struct hv_step_visit *last = &t->visits[n - 1];
        snprintf(out->step, sizeof(out->step), "%s", wf->steps[last->step].id);
        out->entered_at = last->entered_at;
        out->time_in_step = as_of - last->entered_at;
    }
    int clock = hv_workflow_clock(wf, HV_WF_STATUTORY_CLOCK);
    out->statutory = clock < 0 ? 0
                               : hv_pipeline_clock_seconds(wf, clock, t->visits, n, t->pauses,
                                                           t->n_pauses, as_of);
    out->limit = clock < 0 ? 0 : wf->clocks[clock].limit_days * 86400;
    out->over = clock >= 0 && out->statutory > out->limit;
    out->held = t->held;
}

enum hv_err hv__wf_cache_get(struct hv_ctx *ctx, struct hv_arena *a, struct hv__wf_cache *c,
                             struct hv_str id, const struct hv_workflow **out)
{
    for (size_t i = 0; i < c->n; i++) {
        if (hv_str_eqz(id, c->wf[i]->id)) {
            *out = c->wf[i];
            return HV_OK;
        }
    }
    struct hv_diag ignored;
    hv_diag_clear(&ignored);
    enum hv_err err = hv_pipeline_workflow(ctx, a, id, out, &ignored);
    if (err == HV_OK && c->n < HV_ARRAY_LEN(c->wf))
        c->wf[c->n++] = *out;
    return err;
}

/* Gathers one case's visits and holds into t. */
static enum hv_err case_timeline(struct hv_ctx *ctx, const struct hv__case_row *c,
                                 const struct hv_workflow *wf, int64_t as_of,
                                 struct hv__timeline *t)
{
    static const char ev_sql[] =
        "SELECT from_step, to_step, at FROM step_event WHERE case_id = ?1 ORDER BY at, id";
    static const char hold_sql[] =
        "SELECT opened_at, coalesce(resolved_at, -1) FROM case_hold WHERE case_id = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    hv__timeline_reset(t);
    enum hv_err err = hv_store_stmt(ctx->store, ev_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, c->id);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        int to = hv_workflow_step(wf, hv_stmt_col_text(s, 1));
        struct hv_str from = hv_stmt_col_text(s, 0);
        int64_t at = hv_stmt_col_int(s, 2);
        if (t->n_visits == 0 && from.len > 0) {
            int f = hv_workflow_step(wf, from);
            if (f >= 0)
                hv__timeline_visit(t, f, c->created_at < at ? c->created_at : at);
        }
        if (to >= 0)
            hv__timeline_visit(t, to, at);
    }
    if (err != HV_OK)
        return err;
    if (t->n_visits == 0 && c->step[0] != '\0') {
        int st = hv_workflow_step(wf, hv_str_c(c->step));
        if (st >= 0)
            hv__timeline_visit(t, st, c->created_at);
    }
    err = hv_store_stmt(ctx->store, hold_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, c->id);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        int64_t from = hv_stmt_col_int(s, 0), to = hv_stmt_col_int(s, 1);
        if (to < 0)
            to = INT64_MAX;
        hv__timeline_pause(t, from, to, -1);
        if (from <= as_of && to > as_of)
            t->held = true;
    }
    return err;
}

static enum hv_err high_risk_marker(struct hv_ctx *ctx, int64_t case_id, bool *out)
{
    static const char sql[] =
        "SELECT count(*) FROM case_marker WHERE case_id = ?1 AND marker = 'high_risk'";
    int64_t n = 0;
    enum hv_err err = hv_store_query_int(ctx->store, sql, true, case_id, 0, &n);
    *out = n > 0;
    return err;
}

enum hv_err hv_pipeline_case_clock(struct hv_ctx *ctx, struct hv_str case_ref, int64_t as_of,
                                   struct hv_case_clock *out, struct hv_diag *diag)
{
    memset(out, 0, sizeof(*out));
    if (as_of == 0)
        as_of = hv_clock_now(&ctx->clock);
    struct hv__case_row c;
    enum hv_err err = hv__pipeline_case(ctx, case_ref, &c, diag);
    if (err != HV_OK)
        return err;
    snprintf(out->case_ref, sizeof(out->case_ref), "%s", c.ref);
    bool marker = false;
    err = high_risk_marker(ctx, c.id, &marker);
    if (err != HV_OK)
        return err;
    out->high_risk = c.risk_level >= 4 || marker;
    if (c.workflow[0] == '\0')
        return HV_OK; /* not in the pipeline yet: no clocks */
    struct hv_arena a;
    hv_arena_init(&a, 8u << 20);
    struct hv__timeline t;
    memset(&t, 0, sizeof(t));
    const struct hv_workflow *wf = NULL;
    struct hv__suspension *susp = NULL;
    size_t n_susp = 0;
    err = hv_pipeline_workflow(ctx, &a, hv_str_c(c.workflow), &wf, diag);
    if (err == HV_OK)
        err = case_timeline(ctx, &c, wf, as_of, &t);
    if (err == HV_OK)
        err = hv__pipeline_suspensions(ctx, &a, &susp, &n_susp);
    if (err == HV_OK)
        hv__pipeline_compute(wf, &t, susp, n_susp, as_of, out);
    hv__timeline_finish(&t);
    hv_arena_finish(&a);
    return err;
}

static const char *dup_col(struct hv_arena *a, struct hv_stmt *s, int i)
{
    const char *z = hv_str_dupz(a, hv_stmt_col_text(s, i));
    return z != NULL ? z : "";
}

enum hv_err hv_pipeline_history(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str case_ref,
                                struct hv_step_event **events, size_t *n_events,
                                struct hv_hold **holds, size_t *n_holds, struct hv_diag *diag)
{
    static const char n_ev_sql[] = "SELECT count(*) FROM step_event WHERE case_id = ?1";
    static const char ev_sql[] =
        "SELECT id, workflow, from_step, to_step, actor, at, evidence, note, override_reason "
        "FROM step_event WHERE case_id = ?1 ORDER BY at, id";
    static const char n_hold_sql[] = "SELECT count(*) FROM case_hold WHERE case_id = ?1";
    static const char hold_sql[] =
        "SELECT id, kind, reason_code, opened_at, opened_by, coalesce(resolved_at, 0), "
        "coalesce(resolved_by, ''), coalesce(resolution, '') FROM case_hold WHERE case_id = ?1 "
        "ORDER BY id";
    *events = NULL;
    *holds = NULL;
    *n_events = *n_holds = 0;
    struct hv__case_row c;
    enum hv_err err = hv__pipeline_case(ctx, case_ref, &c, diag);
    int64_t ne = 0, nh = 0;
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, n_ev_sql, true, c.id, 0, &ne);
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, n_hold_sql, true, c.id, 0, &nh);
    if (err != HV_OK)
        return err;
    struct hv_step_event *ev = hv_arena_alloc_array(a, (size_t)ne + 1, sizeof(*ev));
    struct hv_hold *ho = hv_arena_alloc_array(a, (size_t)nh + 1, sizeof(*ho));
    if (ev == NULL || ho == NULL)
        return HV_ERR_LIMIT;
    struct hv_stmt *s = NULL;
    bool row = false;
    size_t k = 0;
    err = hv_store_stmt(ctx->store, ev_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, c.id);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row && k < (size_t)ne) {
        struct hv_step_event *e = &ev[k++];
        e->id = hv_stmt_col_int(s, 0);
        e->workflow = dup_col(a, s, 1);
        e->from = dup_col(a, s, 2);
        e->to = dup_col(a, s, 3);
        e->actor = dup_col(a, s, 4);
        e->at = hv_stmt_col_int(s, 5);
        e->evidence = dup_col(a, s, 6);
        e->note = "";
        struct hv_str sealed = hv_stmt_col_blob(s, 7);
        if (sealed.len > 0 && ctx->vault != NULL) {
            struct hv_seal_ad ad = { .table = "step_event", .column = "note", .row_id = e->id };
            struct hv_str plain;
            err = hv_vault_unseal_str(ctx->vault, a, &ad, sealed, &plain);
            if (err == HV_OK)
                e->note = hv_str_dupz(a, plain);
            if (e->note == NULL)
                err = HV_ERR_LIMIT;
        }
        e->override_reason = dup_col(a, s, 8);
    }
    if (err != HV_OK)
        return err;
    *events = ev;
    *n_events = k;
    k = 0;
    err = hv_store_stmt(ctx->store, hold_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, c.id);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row && k < (size_t)nh) {
        struct hv_hold *h = &ho[k++];
        h->id = hv_stmt_col_int(s, 0);
        h->kind = dup_col(a, s, 1);
        h->reason_code = dup_col(a, s, 2);
        h->opened_at = hv_stmt_col_int(s, 3);
        h->opened_by = dup_col(a, s, 4);
        h->resolved_at = hv_stmt_col_int(s, 5);
        h->resolved_by = dup_col(a, s, 6);
        h->resolution = dup_col(a, s, 7);
    }
    *holds = ho;
    *n_holds = k;
    if (err == HV_OK && hv_arena_failed(a))
        err = HV_ERR_LIMIT;
    return err;
}
