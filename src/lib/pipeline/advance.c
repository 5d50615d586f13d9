/* advance.c - moving a case through its workflow: the transition rules, required evidence,
 * holds that block a move and their override, and the step event written with its audit entry.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pipeline.h"

#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "pipeline/pipeline_int.h"

enum hv_err hv__pipeline_case(struct hv_ctx *ctx, struct hv_str ref, struct hv__case_row *out,
                              struct hv_diag *diag)
{
    static const char sql[] =
        "SELECT id, ref, programme, risk_level, coalesce(workflow, ''), coalesce(step, ''), "
        "created_at FROM hv_case WHERE ref = ?1";
    memset(out, 0, sizeof(*out));
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(diag, "case", "no case has ref \"%.*s\"", (int)(ref.len > 64 ? 64 : ref.len),
                    ref.ptr);
        return HV_ERR_NOTFOUND;
    }
    out->id = hv_stmt_col_int(s, 0);
    struct hv_str v = hv_stmt_col_text(s, 1);
    snprintf(out->ref, sizeof(out->ref), "%.*s", HV_STR_ARG(v));
    v = hv_stmt_col_text(s, 2);
    snprintf(out->programme, sizeof(out->programme), "%.*s", HV_STR_ARG(v));
    out->risk_level = hv_stmt_col_int(s, 3);
    v = hv_stmt_col_text(s, 4);
    snprintf(out->workflow, sizeof(out->workflow), "%.*s", HV_STR_ARG(v));
    v = hv_stmt_col_text(s, 5);
    snprintf(out->step, sizeof(out->step), "%.*s", HV_STR_ARG(v));
    out->created_at = hv_stmt_col_int(s, 6);
    return HV_OK;
}

/* Splits "kind:ref" into its parts; false when it is not of that form. */
static bool split_evidence(const char *item, struct hv_str *kind, struct hv_str *ref)
{
    const char *colon = strchr(item, ':');
    if (colon == NULL)
        return false;
    *kind = (struct hv_str){ item, (size_t)(colon - item) };
    *ref = hv_str_c(colon + 1);
    return kind->len > 0 && kind->len <= HV_WF_MAX_ID && hv__pipeline_code_ok(*ref);
}

/* Checks the given evidence against the workflow's kinds and the transition's requirements. */
static enum hv_err check_evidence(const struct hv_workflow *wf, const struct hv_wf_step *from,
                                  const struct hv_wf_transition *tr, const char *const *evidence,
                                  size_t n, struct hv_diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        struct hv_str kind, ref;
        if (!split_evidence(evidence[i], &kind, &ref)) {
            hv_diag_set(diag, "evidence",
                        "\"%.80s\" is not KIND:REF (REF: letters, digits, . _ : / -)", evidence[i]);
            return HV_ERR_INVALID;
        }
        bool known = false;
        for (size_t k = 0; k < wf->n_evidence_kinds; k++) {
            if (hv_str_eqz(kind, wf->evidence_kinds[k]))
                known = true;
        }
        if (!known) {
            hv_diag_set(diag, "evidence", "workflow %s has no evidence kind \"%.*s\"", wf->id,
                        HV_STR_ARG(kind));
            return HV_ERR_INVALID;
        }
    }
    for (size_t r = 0; r < tr->n_evidence; r++) {
        bool given = false;
        for (size_t i = 0; i < n && !given; i++) {
            struct hv_str kind, ref;
            if (split_evidence(evidence[i], &kind, &ref) && hv_str_eqz(kind, tr->evidence[r]))
                given = true;
        }
        if (!given) {
            hv_diag_set(diag, "evidence",
                        "the transition from %s to %s needs evidence of kind %s "
                        "(give --evidence %s:REF)",
                        from->id, tr->to, tr->evidence[r], tr->evidence[r]);
            return HV_ERR_INVALID;
        }
    }
    return HV_OK;
}

/* Inserts one step event; returns its id. The note is sealed to (step_event, note, id). */
static enum hv_err insert_event(struct hv_ctx *ctx, struct hv_arena *a, int64_t case_id,
                                const char *workflow, const char *from, const char *to, int64_t at,
                                struct hv_str evidence, struct hv_str note,
                                const char *override_reason, int64_t audit_seq)
{
    static const char id_sql[] = "SELECT coalesce(max(id), 0) + 1 FROM step_event";
    static const char sql[] =
        "INSERT INTO step_event (id, case_id, workflow, from_step, to_step, actor, at, evidence, "
        "note, override_reason, audit_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    int64_t id = 0;
    enum hv_err err = hv_store_query_int(ctx->store, id_sql, false, 0, 1, &id);
    if (err != HV_OK)
        return err;
    struct hv_str sealed = HV_STR_NULL;
    if (note.len > 0) {
        struct hv_seal_ad ad = { .table = "step_event", .column = "note", .row_id = id };
        err = hv_vault_seal_str(ctx->vault, a, &ad, note, &sealed);
        if (err != HV_OK)
            return err;
    }
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, case_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(workflow));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, hv_str_c(from));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, hv_str_c(to));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 6, hv_str_c(ctx->actor != NULL ? ctx->actor : ""));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 7, at);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 8, evidence);
    if (err == HV_OK)
        err = sealed.len > 0 ? hv_stmt_bind_blob(s, 9, sealed.ptr, sealed.len)
                             : hv_stmt_bind_null(s, 9);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 10, hv_str_c(override_reason != NULL ? override_reason : ""));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 11, audit_seq);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static enum hv_err set_case_step(struct hv_ctx *ctx, int64_t case_id, const char *workflow,
                                 const char *step, int64_t audit_seq)
{
    /* row_mac is left alone on purpose: it fingerprints what was last imported, so importing
     * the same file again does not undo the pipeline's moves (see PIPELINE.md). */
    static const char sql[] =
        "UPDATE hv_case SET workflow = ?1, step = ?2, updated_at = ?3, audit_seq = ?4 "
        "WHERE id = ?5";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(workflow));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(step));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, audit_seq);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 5, case_id);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

/* The open holds of a case: their ids as "1,2" into ids and the first one's kind and reason
 * into first; *n the count. */
static enum hv_err open_holds(struct hv_ctx *ctx, int64_t case_id, char *ids, size_t ids_cap,
                              char *first, size_t first_cap, int64_t *n)
{
    static const char sql[] =
        "SELECT id, kind, reason_code FROM case_hold WHERE case_id = ?1 AND resolved_at IS NULL "
        "ORDER BY id";
    struct hv_stmt *s = NULL;
    bool row = false;
    *n = 0;
    ids[0] = '\0';
    first[0] = '\0';
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, case_id);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        size_t used = strlen(ids);
        snprintf(ids + used, ids_cap - used, "%s%lld", *n > 0 ? "," : "",
                 (long long)hv_stmt_col_int(s, 0));
        if (*n == 0) {
            struct hv_str kind = hv_stmt_col_text(s, 1), reason = hv_stmt_col_text(s, 2);
            snprintf(first, first_cap, "#%lld %.*s: %.*s", (long long)hv_stmt_col_int(s, 0),
                     HV_STR_ARG(kind), HV_STR_ARG(reason));
        }
        (*n)++;
    }
    return err;
}

static enum hv_err last_event_at(struct hv_ctx *ctx, int64_t case_id, int64_t *out)
{
    static const char sql[] = "SELECT coalesce(max(at), -1) FROM step_event WHERE case_id = ?1";
    return hv_store_query_int(ctx->store, sql, true, case_id, -1, out);
}

/* The body of advance and override, inside the caller's transaction. */
static enum hv_err advance_tx(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str case_ref,
                              const char *to_step, const char *const *evidence, size_t n_evidence,
                              struct hv_str note, const char *override_reason, int64_t at,
                              struct hv_diag *diag)
{
    struct hv__case_row c;
    enum hv_err err = hv__pipeline_case(ctx, case_ref, &c, diag);
    if (err != HV_OK)
        return err;
    const struct hv_workflow *wf = NULL;
    bool start = c.workflow[0] == '\0' || c.step[0] == '\0';
    if (c.workflow[0] == '\0')
        err = hv__pipeline_default_workflow(ctx, a, c.programme, at, &wf, diag);
    else
        err = hv_pipeline_workflow(ctx, a, hv_str_c(c.workflow), &wf, diag);
    if (err != HV_OK)
        return err;
    int to = hv_workflow_step(wf, hv_str_c(to_step));
    if (to < 0) {
        hv_diag_set(diag, "step", "workflow %s has no step \"%.48s\"", wf->id, to_step);
        return HV_ERR_INVALID;
    }
    int from = start ? 0 : hv_workflow_step(wf, hv_str_c(c.step));
    if (from < 0) {
        hv_diag_set(diag, "step", "case %s is at step \"%s\", which workflow %s does not have",
                    c.ref, c.step, wf->id);
        return HV_ERR_INVALID;
    }
    int64_t last = 0;
    err = last_event_at(ctx, c.id, &last);
    if (err != HV_OK)
        return err;
    if (at < last) {
        char when[21];
        hv_time_format(last, when);
        hv_diag_set(diag, "at", "case %s already has a step event at %s, after this one", c.ref,
                    when);
        return HV_ERR_INVALID;
    }
    char hold_ids[200], first_hold[160];
    int64_t n_holds = 0;
    err =
        open_holds(ctx, c.id, hold_ids, sizeof(hold_ids), first_hold, sizeof(first_hold), &n_holds);
    if (err != HV_OK)
        return err;
    if (n_holds > 0 && override_reason == NULL) {
        hv_diag_set(diag, "hold",
                    "case %s is under %lld open hold(s) (%s): release it, or override with a "
                    "reason",
                    c.ref, (long long)n_holds, first_hold);
        return HV_ERR_CONFLICT;
    }
    if (n_holds == 0 && override_reason != NULL) {
        hv_diag_set(diag, "hold", "case %s has no open hold to override", c.ref);
        return HV_ERR_INVALID;
    }
    bool move = !(start && to == 0);
    const struct hv_wf_transition *tr = NULL;
    if (move) {
        tr = hv_workflow_transition(wf, (size_t)from, (size_t)to);
        if (tr == NULL) {
            if (wf->steps[from].n_transitions == 0)
                hv_diag_set(diag, "step", "no transition from %s to %s (%s is a terminal step)",
                            wf->steps[from].id, wf->steps[to].id, wf->steps[from].id);
            else
                hv_diag_set(diag, "step", "no transition from %s to %s", wf->steps[from].id,
                            wf->steps[to].id);
            return HV_ERR_INVALID;
        }
        err = check_evidence(wf, &wf->steps[from], tr, evidence, n_evidence, diag);
        if (err != HV_OK)
            return err;
    } else if (n_evidence > 0) {
        err = check_evidence(wf, &wf->steps[0], &(struct hv_wf_transition){ 0 }, evidence,
                             n_evidence, diag);
        if (err != HV_OK)
            return err;
    }
    if (note.len > 0 && ctx->vault == NULL) {
        hv_diag_set(diag, "note", "a note is sealed at rest and needs the database key");
        return HV_ERR_CRYPTO;
    }
    if (start) {
        err = hv__pipeline_freeze_workflow(ctx, wf->id, diag);
        if (err != HV_OK)
            return err;
    }
    /* Ids and codes only; a detail too long for the audit entry (ids of 48 bytes) falls back
     * to the essentials. */
    char detail[512];
    const char *from_id = start ? "" : wf->steps[from].id;
    if (override_reason != NULL)
        snprintf(detail, sizeof(detail),
                 "workflow=%s from=%s to=%s evidence=%zu holds=%s reason=%s", wf->id, from_id,
                 wf->steps[to].id, n_evidence, hold_ids, override_reason);
    else
        snprintf(detail, sizeof(detail), "workflow=%s from=%s to=%s evidence=%zu", wf->id, from_id,
                 wf->steps[to].id, n_evidence);
    if (strlen(detail) >= 160)
        snprintf(detail, sizeof(detail), "to=%.48s holds=%.24s reason=%.64s", wf->steps[to].id,
                 override_reason != NULL ? hold_ids : "",
                 override_reason != NULL ? override_reason : "");
    int64_t seq = 0;
    err = hv_audit_append(ctx, override_reason != NULL ? "pipeline.override" : "pipeline.advance",
                          "case", c.id, detail, NULL, &seq);
    if (err != HV_OK)
        return err;
    struct hv_buf ev;
    hv_buf_init(&ev, 4096);
    for (size_t i = 0; i < n_evidence && err == HV_OK; i++) {
        if (i > 0)
            err = hv_buf_putc(&ev, ';');
        if (err == HV_OK)
            err = hv_buf_appendz(&ev, evidence[i]);
    }
    if (err == HV_OK && start)
        err = insert_event(ctx, a, c.id, wf->id, "", wf->steps[0].id, at,
                           move ? HV_STR_NULL : hv_buf_str(&ev), move ? HV_STR_NULL : note,
                           move ? NULL : override_reason, seq);
    if (err == HV_OK && move)
        err = insert_event(ctx, a, c.id, wf->id, wf->steps[from].id, wf->steps[to].id, at,
                           hv_buf_str(&ev), note, override_reason, seq);
    hv_buf_finish(&ev);
    if (err == HV_OK && override_reason != NULL) {
        static const char sql[] =
            "UPDATE case_hold SET resolved_at = ?1, resolved_by = ?2, resolution = 'overridden' "
            "WHERE case_id = ?3 AND resolved_at IS NULL";
        struct hv_stmt *s = NULL;
        err = hv_store_stmt(ctx->store, sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, at);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 2, hv_str_c(ctx->actor != NULL ? ctx->actor : ""));
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 3, c.id);
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
    if (err == HV_OK)
        err = set_case_step(ctx, c.id, wf->id, wf->steps[to].id, seq);
    return err;
}

static enum hv_err advance(struct hv_ctx *ctx, struct hv_str case_ref, const char *to_step,
                           const char *const *evidence, size_t n_evidence, struct hv_str note,
                           const char *override_reason, int64_t at, struct hv_diag *diag)
{
    if (at == 0)
        at = hv_clock_now(&ctx->clock);
    if (n_evidence > HV_PIPELINE_MAX_EVIDENCE) {
        hv_diag_set(diag, "evidence", "at most %d pieces of evidence per transition",
                    HV_PIPELINE_MAX_EVIDENCE);
        return HV_ERR_LIMIT;
    }
    if (override_reason != NULL && !hv__pipeline_code_ok(hv_str_c(override_reason))) {
        hv_diag_set(diag, "reason",
                    "a reason code is 1..64 letters, digits or . _ : / - (free text goes in the "
                    "note)");
        return HV_ERR_INVALID;
    }
    if (note.len > 1000 || !hv_utf8_valid(note.ptr, note.len)) {
        hv_diag_set(diag, "note", "a note is valid UTF-8 of at most 1000 bytes");
        return HV_ERR_INVALID;
    }
    struct hv_arena a;
    hv_arena_init(&a, 8u << 20);
    enum hv_err err = hv_store_begin(ctx->store);
    if (err == HV_OK) {
        err = advance_tx(ctx, &a, case_ref, to_step, evidence, n_evidence, note, override_reason,
                         at, diag);
        if (err == HV_OK)
            err = hv_store_commit(ctx->store);
        else
            hv_store_rollback(ctx->store);
    }
    hv_arena_finish(&a);
    return err;
}

enum hv_err hv_pipeline_advance(struct hv_ctx *ctx, struct hv_str case_ref, const char *to_step,
                                const char *const *evidence, size_t n_evidence, struct hv_str note,
                                int64_t at, struct hv_diag *diag)
{
    return advance(ctx, case_ref, to_step, evidence, n_evidence, note, NULL, at, diag);
}

enum hv_err hv_pipeline_override(struct hv_ctx *ctx, struct hv_str case_ref, const char *to_step,
                                 const char *const *evidence, size_t n_evidence, struct hv_str note,
                                 const char *reason_code, int64_t at, struct hv_diag *diag)
{
    if (reason_code == NULL) {
        hv_diag_set(diag, "reason", "an override needs a reason code");
        return HV_ERR_INVALID;
    }
    return advance(ctx, case_ref, to_step, evidence, n_evidence, note, reason_code, at, diag);
}

enum hv_err hv__pipeline_insert_events(struct hv_ctx *ctx, const struct hv__event_row *rows,
                                       size_t n, int64_t audit_seq)
{
    static const char sql[] =
        "INSERT INTO step_event (case_id, workflow, from_step, to_step, actor, at, audit_seq) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    enum hv_err err = HV_OK;
    struct hv_str actor = hv_str_c(ctx->actor != NULL ? ctx->actor : "");
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        struct hv_stmt *s = NULL;
        err = hv_store_stmt(ctx->store, sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, rows[i].case_id);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 2, hv_str_c(rows[i].workflow));
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 3, hv_str_c(rows[i].from));
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 4, hv_str_c(rows[i].to));
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 5, actor);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 6, rows[i].at);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 7, audit_seq);
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
    return err;
}
