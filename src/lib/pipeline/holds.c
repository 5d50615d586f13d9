/* holds.c - holds that block a case's transitions (opened by people or by the identity and
 * screening modules), the high_risk marker, and programme-wide suspensions that pause clocks.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pipeline.h"

#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/store.h"
#include "pipeline/pipeline_int.h"

const char *hv_hold_kind_name(enum hv_hold_kind k)
{
    switch (k) {
    case HV_HOLD_DUPLICATE_REVIEW:
        return "duplicate_review";
    case HV_HOLD_SCREENING_HIT:
        return "screening_hit";
    case HV_HOLD_MANUAL:
        return "manual";
    }
    return "manual";
}

/* Begins a transaction unless the caller has one open; *own says whether we did. */
static enum hv_err tx_begin(struct hv_ctx *ctx, bool *own)
{
    *own = !hv_store_in_tx(ctx->store);
    return *own ? hv_store_begin(ctx->store) : HV_OK;
}

static enum hv_err tx_end(struct hv_ctx *ctx, bool own, enum hv_err err)
{
    if (!own)
        return err;
    if (err == HV_OK)
        return hv_store_commit(ctx->store);
    hv_store_rollback(ctx->store);
    return err;
}

static const char *actor_of(const struct hv_ctx *ctx)
{
    return ctx->actor != NULL ? ctx->actor : "";
}

static bool reason_ok(const char *reason, struct hv_diag *diag)
{
    if (reason != NULL && hv__pipeline_code_ok(hv_str_c(reason)))
        return true;
    hv_diag_set(diag, "reason",
                "a reason code is 1..64 letters, digits or . _ : / - (e.g. dup:PAIR-12)");
    return false;
}

enum hv_err hv_pipeline_hold_open(struct hv_ctx *ctx, struct hv_str case_ref,
                                  enum hv_hold_kind kind, const char *reason_code, int64_t at,
                                  int64_t *hold_id, struct hv_diag *diag)
{
    static const char sql[] =
        "INSERT INTO case_hold (case_id, kind, reason_code, opened_at, opened_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";
    if (!reason_ok(reason_code, diag))
        return HV_ERR_INVALID;
    if (at == 0)
        at = hv_clock_now(&ctx->clock);
    bool own = false;
    enum hv_err err = tx_begin(ctx, &own);
    if (err != HV_OK)
        return err;
    struct hv__case_row c;
    err = hv__pipeline_case(ctx, case_ref, &c, diag);
    struct hv_stmt *s = NULL;
    bool row = false;
    int64_t id = 0;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, c.id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hv_hold_kind_name(kind)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(reason_code));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, at);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, hv_str_c(actor_of(ctx)));
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK && row) {
        id = hv_stmt_col_int(s, 0);
        err = hv_stmt_step(s, &row);
    }
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof(detail), "hold=%lld kind=%s reason=%s", (long long)id,
                 hv_hold_kind_name(kind), reason_code);
        err = hv_audit_append(ctx, "pipeline.hold", "case", c.id, detail, NULL, NULL);
    }
    err = tx_end(ctx, own, err);
    if (err == HV_OK && hold_id != NULL)
        *hold_id = id;
    return err;
}

/* Resolves hold id (which must be open) inside the current transaction. */
static enum hv_err resolve_one(struct hv_ctx *ctx, int64_t id, int64_t at, struct hv_diag *diag)
{
    static const char get_sql[] =
        "SELECT case_id, resolved_at IS NULL FROM case_hold WHERE id = ?1";
    static const char upd_sql[] =
        "UPDATE case_hold SET resolved_at = ?1, resolved_by = ?2, resolution = 'released' "
        "WHERE id = ?3";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, get_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(diag, "hold", "no hold has id %lld", (long long)id);
        return HV_ERR_NOTFOUND;
    }
    int64_t case_id = hv_stmt_col_int(s, 0);
    if (hv_stmt_col_int(s, 1) == 0) {
        hv_diag_set(diag, "hold", "hold %lld is already resolved", (long long)id);
        return HV_ERR_CONFLICT;
    }
    err = hv_store_stmt(ctx->store, upd_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, at);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(actor_of(ctx)));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, id);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK) {
        char detail[64];
        snprintf(detail, sizeof(detail), "hold=%lld", (long long)id);
        err = hv_audit_append(ctx, "pipeline.release", "case", case_id, detail, NULL, NULL);
    }
    return err;
}

enum hv_err hv_pipeline_hold_resolve(struct hv_ctx *ctx, int64_t hold_id, int64_t at,
                                     struct hv_diag *diag)
{
    if (at == 0)
        at = hv_clock_now(&ctx->clock);
    bool own = false;
    enum hv_err err = tx_begin(ctx, &own);
    if (err != HV_OK)
        return err;
    err = resolve_one(ctx, hold_id, at, diag);
    return tx_end(ctx, own, err);
}

enum hv_err hv_pipeline_hold_release_case(struct hv_ctx *ctx, struct hv_str case_ref, int64_t at,
                                          int64_t *n_resolved, struct hv_diag *diag)
{
    static const char sql[] =
        "SELECT id FROM case_hold WHERE case_id = ?1 AND resolved_at IS NULL ORDER BY id";
    if (at == 0)
        at = hv_clock_now(&ctx->clock);
    bool own = false;
    enum hv_err err = tx_begin(ctx, &own);
    if (err != HV_OK)
        return err;
    struct hv__case_row c;
    err = hv__pipeline_case(ctx, case_ref, &c, diag);
    int64_t ids[256];
    size_t n = 0;
    struct hv_stmt *s = NULL;
    bool row = false;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, c.id);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        if (n < HV_ARRAY_LEN(ids))
            ids[n++] = hv_stmt_col_int(s, 0);
    }
    if (err == HV_OK && n == 0) {
        hv_diag_set(diag, "hold", "case %s has no open hold", c.ref);
        err = HV_ERR_NOTFOUND;
    }
    for (size_t i = 0; i < n && err == HV_OK; i++)
        err = resolve_one(ctx, ids[i], at, diag);
    err = tx_end(ctx, own, err);
    if (err == HV_OK && n_resolved != NULL)
        *n_resolved = (int64_t)n;
    return err;
}

enum hv_err hv_pipeline_mark_high_risk(struct hv_ctx *ctx, struct hv_str case_ref, bool on,
                                       struct hv_diag *diag)
{
    static const char set_sql[] = "INSERT INTO case_marker (case_id, marker, set_at, set_by) "
                                  "VALUES (?1, 'high_risk', ?2, ?3) "
                                  "ON CONFLICT (case_id, marker) DO NOTHING";
    static const char clear_sql[] =
        "DELETE FROM case_marker WHERE case_id = ?1 AND marker = 'high_risk'";
    bool own = false;
    enum hv_err err = tx_begin(ctx, &own);
    if (err != HV_OK)
        return err;
    struct hv__case_row c;
    err = hv__pipeline_case(ctx, case_ref, &c, diag);
    struct hv_stmt *s = NULL;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, on ? set_sql : clear_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, c.id);
    if (err == HV_OK && on)
        err = hv_stmt_bind_int(s, 2, hv_clock_now(&ctx->clock));
    if (err == HV_OK && on)
        err = hv_stmt_bind_text(s, 3, hv_str_c(actor_of(ctx)));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = hv_audit_append(ctx, "pipeline.mark", "case", c.id,
                              on ? "marker=high_risk set" : "marker=high_risk cleared", NULL, NULL);
    return tx_end(ctx, own, err);
}

enum hv_err hv_pipeline_suspension_open(struct hv_ctx *ctx, const char *workflow, const char *step,
                                        const char *reason_code, int64_t at, int64_t *id,
                                        struct hv_diag *diag)
{
    static const char sql[] =
        "INSERT INTO pipeline_suspension (workflow, step, reason_code, started_at, created_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";
    if (!reason_ok(reason_code, diag))
        return HV_ERR_INVALID;
    if (at == 0)
        at = hv_clock_now(&ctx->clock);
    if (step == NULL)
        step = "";
    struct hv_arena a;
    hv_arena_init(&a, 4u << 20);
    const struct hv_workflow *wf = NULL;
    enum hv_err err = hv_pipeline_workflow(ctx, &a, hv_str_c(workflow), &wf, diag);
    if (err == HV_OK && step[0] != '\0' && hv_workflow_step(wf, hv_str_c(step)) < 0) {
        hv_diag_set(diag, "step", "workflow %s has no step \"%.48s\"", wf->id, step);
        err = HV_ERR_INVALID;
    }
    bool own = false;
    if (err == HV_OK)
        err = tx_begin(ctx, &own);
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return err;
    }
    struct hv_stmt *s = NULL;
    bool row = false;
    int64_t new_id = 0;
    err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(wf->id));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(step));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(reason_code));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, at);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, hv_str_c(actor_of(ctx)));
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK && row) {
        new_id = hv_stmt_col_int(s, 0);
        err = hv_stmt_step(s, &row);
    }
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof(detail), "suspension=%lld workflow=%s step=%s reason=%s",
                 (long long)new_id, wf->id, step, reason_code);
        err = hv_audit_append(ctx, "pipeline.suspend", "workflow", new_id, detail, NULL, NULL);
    }
    hv_arena_finish(&a);
    err = tx_end(ctx, own, err);
    if (err == HV_OK && id != NULL)
        *id = new_id;
    return err;
}

enum hv_err hv_pipeline_suspension_close(struct hv_ctx *ctx, int64_t id, int64_t at,
                                         struct hv_diag *diag)
{
    static const char sql[] =
        "UPDATE pipeline_suspension SET ended_at = ?1 WHERE id = ?2 AND ended_at IS NULL "
        "AND started_at <= ?1";
    if (at == 0)
        at = hv_clock_now(&ctx->clock);
    bool own = false;
    enum hv_err err = tx_begin(ctx, &own);
    if (err != HV_OK)
        return err;
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, at);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, id);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK && hv_store_changes(ctx->store) != 1) {
        hv_diag_set(diag, "suspension", "no open suspension %lld that started before that time",
                    (long long)id);
        err = HV_ERR_NOTFOUND;
    }
    if (err == HV_OK) {
        char detail[64];
        snprintf(detail, sizeof(detail), "suspension=%lld", (long long)id);
        err = hv_audit_append(ctx, "pipeline.resume", "workflow", id, detail, NULL, NULL);
    }
    return tx_end(ctx, own, err);
}
