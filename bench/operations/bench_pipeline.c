/* bench_pipeline.c - the pipeline at scale: loads 1,000,000 step events over 100,000 cases
 * and times the load, the backlog report (goal: under 1 s), the clock report and the weekly
 * throughput. Not a test: it prints its figures. Run: bench_pipeline [--events N] [--tmp DIR].
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/clock.h"
#include "haven/pipeline.h"
#include "haven/store.h"
#include "pipeline/pipeline_int.h"

#define EVENTS_PER_CASE 10

static int fail(const char *what, enum hv_err err, const struct hv_diag *d)
{
    char msg[700] = "";
    if (d != NULL)
        hv_diag_format(d, msg, sizeof(msg));
    fprintf(stderr, "bench_pipeline: %s: %s %s\n", what, hv_err_str(err), msg);
    return 1;
}

/* Inserts n_cases bare case rows (no people: the pipeline reads none). */
static enum hv_err make_cases(struct hv_ctx *ctx, int64_t n_cases)
{
    static const char sql[] =
        "INSERT INTO hv_case (id, ref, programme, status, risk_level, workflow, step, "
        "created_at, updated_at, row_mac, audit_seq) "
        "VALUES (?1, ?2, 'SIV', 'open', ?3, 'siv-2021', '', 1514764800, 1514764800, x'00', 0)";
    enum hv_err err = hv_store_begin(ctx->store);
    for (int64_t i = 1; i <= n_cases && err == HV_OK; i++) {
        struct hv_stmt *s = NULL;
        char ref[32];
        snprintf(ref, sizeof(ref), "B-%07lld", (long long)i);
        err = hv_store_stmt(ctx->store, sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, i);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 2, hv_str_c(ref));
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 3, i % 9 == 0 ? 4 : 2);
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
    if (err == HV_OK)
        return hv_store_commit(ctx->store);
    hv_store_rollback(ctx->store);
    return err;
}

int main(int argc, char **argv)
{
    int64_t n_events = 1000000;
    const char *tmp = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
            if (!hv_parse_i64(hv_str_c(argv[++i]), &n_events) || n_events < EVENTS_PER_CASE)
                return fail("--events", HV_ERR_INVALID, NULL);
        } else if (strcmp(argv[i], "--tmp") == 0 && i + 1 < argc) {
            tmp = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_pipeline [--events N] [--tmp DIR]\n");
            return 1;
        }
    }
    char db[4096];
    snprintf(db, sizeof(db), "%s/bench_pipeline_%d.db", tmp, (int)getpid());
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_store *st = NULL;
    struct hv_store_options opt = { .create = true };
    enum hv_err err = hv_store_open(db, &opt, &st, &d);
    if (err == HV_OK)
        err = hv_store_migrate(st, &d);
    if (err != HV_OK)
        return fail("open", err, &d);
    struct hv_ctx ctx = { .store = st, .actor = "bench" };
    /* Cases walk 1 to 13 steps (about 7 on average): enough cases to reach n_events. */
    int64_t n_cases = n_events / 6;
    err = make_cases(&ctx, n_cases);
    if (err != HV_OK)
        return fail("cases", err, NULL);

    struct hv_arena a;
    hv_arena_init(&a, 512u << 20);
    const struct hv_workflow *wf = NULL;
    err = hv_pipeline_workflow(&ctx, &a, HV_STR("siv-2021"), &wf, &d);
    if (err != HV_OK)
        return fail("workflow", err, &d);
    /* Each case walks the main line of siv-2021 (its first transitions) from a start in
     * 2018-2020, one step every 30 to 120 days, for 1 to 13 events
     * (stopping at the terminal step), so cases end spread over every step of the backlog. */
    struct hv__event_row *rows = hv_xcalloc((size_t)n_events, sizeof(*rows));
    const char **last_step = hv_xcalloc((size_t)n_cases + 1, sizeof(*last_step));
    struct hv_rng rng;
    hv_rng_seed(&rng, 2021);
    size_t k = 0;
    for (int64_t c = 1; c <= n_cases; c++) {
        int64_t t = 1514764800 + (int64_t)hv_rng_below(&rng, 3 * 365) * 86400;
        size_t step = 0;
        rows[k++] = (struct hv__event_row){ c, wf->id, "", wf->steps[0].id, t };
        int64_t want = 1 + (int64_t)hv_rng_below(&rng, 13);
        for (int64_t e = 1; e < want && k < (size_t)n_events; e++) {
            if (wf->steps[step].n_transitions == 0)
                break;
            size_t next = wf->steps[step].transitions[0].to_index;
            t += (30 + (int64_t)hv_rng_below(&rng, 90)) * 86400;
            rows[k++] =
                (struct hv__event_row){ c, wf->id, wf->steps[step].id, wf->steps[next].id, t };
            step = next;
        }
        last_step[c] = wf->steps[step].id;
        if (k >= (size_t)n_events)
            break;
    }
    double t0 = hv_monotonic();
    int64_t seq = 0;
    err = hv_store_begin(st);
    if (err == HV_OK)
        err = hv__pipeline_freeze_workflow(&ctx, wf->id, &d);
    if (err == HV_OK)
        err = hv_audit_append(&ctx, "pipeline.bench", "case", 0, "bench load", NULL, &seq);
    if (err == HV_OK)
        err = hv__pipeline_insert_events(&ctx, rows, k, seq);
    static const char upd[] = "UPDATE hv_case SET step = ?1 WHERE id = ?2";
    int64_t n_used = 0;
    for (int64_t c = 1; c <= n_cases && err == HV_OK; c++) {
        if (last_step[c] == NULL)
            continue; /* the events ran out before this case */
        n_used++;
        struct hv_stmt *s = NULL;
        err = hv_store_stmt(st, upd, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 1, hv_str_c(last_step[c]));
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 2, c);
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
    if (err == HV_OK)
        err = hv_store_commit(st);
    else
        hv_store_rollback(st);
    if (err != HV_OK)
        return fail("load", err, &d);
    double load = hv_monotonic() - t0;
    printf("loaded %zu step events over %lld cases: %.2f s (%.0f events/s)\n", k, (long long)n_used,
           load, (double)k / load);

    int64_t as_of = 1630368000; /* 2021-08-31 */
    struct hv_report rep;
    t0 = hv_monotonic();
    err = hv_pipeline_report_backlog(&ctx, &a, as_of, &rep);
    double backlog = hv_monotonic() - t0;
    if (err != HV_OK)
        return fail("backlog", err, NULL);
    printf("backlog report: %zu rows in %.3f s (goal < 1 s: %s, %.2fx the limit)\n", rep.n_rows,
           backlog, backlog < 1.0 ? "met" : "MISSED", backlog / 1.0);
    t0 = hv_monotonic();
    err = hv_pipeline_report_clocks(&ctx, &a, as_of, false, &rep);
    double clocks = hv_monotonic() - t0;
    if (err != HV_OK)
        return fail("clocks", err, NULL);
    printf("clock report: %zu cases over the statutory clock in %.3f s\n", rep.n_rows, clocks);
    t0 = hv_monotonic();
    err = hv_pipeline_report_throughput(&ctx, &a, 0, 0, &rep);
    double tp = hv_monotonic() - t0;
    if (err != HV_OK)
        return fail("throughput", err, NULL);
    printf("throughput report: %zu week x step rows in %.3f s\n", rep.n_rows, tp);
    hv_arena_finish(&a);
    free(rows);
    free(last_step);
    hv_store_close(st);
    char side[4200];
    unlink(db);
    snprintf(side, sizeof(side), "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", db);
    unlink(side);
    return 0;
}
