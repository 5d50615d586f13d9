/* workflow.c - workflow graph checks and look-ups, and the catalogue: where workflow files
 * live, which one a new case defaults to, and the frozen copy each database keeps.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pipeline.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "pipeline/pipeline_int.h"

#ifndef HV_DATA_DIR
#define HV_DATA_DIR "data"
#endif

static enum hv_err bad(struct hv_diag *diag, const char *name, const char *step, const char *fmt,
                       ...) HV_PRINTF(4, 5);

static enum hv_err bad(struct hv_diag *diag, const char *name, const char *step, const char *fmt,
                       ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hv_diag_at(diag, name, 0);
    hv_diag_set(diag, step, "%s", msg);
    return HV_ERR_INVALID;
}

enum hv_err hv__workflow_check(struct hv_workflow *wf, const char *name, struct hv_diag *diag)
{
    for (size_t i = 0; i < wf->n_steps; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(wf->steps[i].id, wf->steps[j].id) == 0)
                return bad(diag, name, wf->steps[i].id, "duplicate step id");
        }
    }
    bool terminal = false;
    for (size_t i = 0; i < wf->n_steps; i++) {
        const struct hv_wf_step *s = &wf->steps[i];
        if (s->n_transitions == 0)
            terminal = true;
        for (size_t c = 0; c < wf->n_clocks; c++) {
            if ((s->clocks & (1u << c)) && wf->clocks[c].government_only &&
                s->control == HV_WF_APPLICANT)
                return bad(diag, name, s->id,
                           "an applicant-controlled step cannot count toward the "
                           "government-only clock \"%.48s\"",
                           wf->clocks[c].id);
        }
        for (size_t t = 0; t < s->n_transitions; t++) {
            struct hv_wf_transition *tr = (struct hv_wf_transition *)&s->transitions[t];
            int to = hv_workflow_step(wf, hv_str_c(tr->to));
            if (to < 0)
                return bad(diag, name, s->id, "transition to unknown step \"%.48s\"", tr->to);
            if ((size_t)to == i)
                return bad(diag, name, s->id, "transition to itself");
            for (size_t u = 0; u < t; u++) {
                if (s->transitions[u].to_index == (size_t)to)
                    return bad(diag, name, s->id, "two transitions to \"%.48s\"", tr->to);
            }
            tr->to_index = (size_t)to;
        }
    }
    if (!terminal)
        return bad(diag, name, "steps", "no terminal step (a step without transitions)");
    /* Reachability from the first step: a breadth-first walk over at most 64 steps. */
    bool seen[HV_WF_MAX_STEPS] = { false };
    size_t queue[HV_WF_MAX_STEPS], head = 0, tail = 0;
    seen[0] = true;
    queue[tail++] = 0;
    while (head < tail) {
        const struct hv_wf_step *s = &wf->steps[queue[head++]];
        for (size_t t = 0; t < s->n_transitions; t++) {
            size_t to = s->transitions[t].to_index;
            if (!seen[to]) {
                seen[to] = true;
                queue[tail++] = to;
            }
        }
    }
    for (size_t i = 0; i < wf->n_steps; i++) {
        if (!seen[i])
            return bad(diag, name, wf->steps[i].id, "unreachable from the first step \"%.48s\"",
                       wf->steps[0].id);
    }
    return HV_OK;
}

int hv_workflow_step(const struct hv_workflow *wf, struct hv_str id)
{
    for (size_t i = 0; i < wf->n_steps; i++) {
        if (hv_str_eqz(id, wf->steps[i].id))
            return (int)i;
    }
    return -1;
}

const struct hv_wf_transition *hv_workflow_transition(const struct hv_workflow *wf, size_t from,
                                                      size_t to)
{
    if (from >= wf->n_steps)
        return NULL;
    const struct hv_wf_step *s = &wf->steps[from];
    for (size_t t = 0; t < s->n_transitions; t++) {
        if (s->transitions[t].to_index == to)
            return &s->transitions[t];
    }
    return NULL;
}

int hv_workflow_clock(const struct hv_workflow *wf, const char *id)
{
    for (size_t i = 0; i < wf->n_clocks; i++) {
        if (wf->clocks[i].id != NULL && strcmp(wf->clocks[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

enum hv_err hv__read_file(const char *path, struct hv_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return HV_ERR_IO;
    enum hv_err err = HV_OK;
    char chunk[8192];
    for (;;) {
        size_t n = fread(chunk, 1, sizeof(chunk), f);
        if (n > 0) {
            err = hv_buf_append(b, chunk, n);
            if (err != HV_OK)
                break;
        }
        if (n < sizeof(chunk)) {
            if (ferror(f))
                err = HV_ERR_IO;
            break;
        }
    }
    int saved = errno;
    fclose(f);
    errno = saved;
    return err;
}

bool hv__pipeline_code_ok(struct hv_str s)
{
    if (s.len == 0 || s.len > 64)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

const char *hv_pipeline_workflow_dir(void)
{
    const char *env = getenv("HAVEN_WORKFLOW_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    return HV_DATA_DIR "/workflows";
}

/* The path of <dir>/<id>.json into out; false when id is not a plain id or it is too long. */
static bool workflow_path(struct hv_str id, char *out, size_t cap)
{
    if (id.len == 0 || id.len > HV_WF_MAX_ID)
        return false;
    for (size_t i = 0; i < id.len; i++) {
        char c = id.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    int n = snprintf(out, cap, "%s/%.*s.json", hv_pipeline_workflow_dir(), HV_STR_ARG(id));
    return n > 0 && (size_t)n < cap;
}

enum hv_err hv_pipeline_workflow(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str id,
                                 const struct hv_workflow **out, struct hv_diag *diag)
{
    static const char sql[] = "SELECT definition FROM workflow_def WHERE id = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (row) {
        struct hv_str def = hv_stmt_col_text(s, 0);
        char *copy = hv_str_dupz(a, def);
        if (copy == NULL)
            return HV_ERR_LIMIT;
        char label[80];
        snprintf(label, sizeof(label), "workflow %.*s (stored)", HV_STR_ARG(id));
        return hv_workflow_parse(a, label, copy, def.len, out, diag);
    }
    char path[4096];
    if (!workflow_path(id, path, sizeof(path))) {
        hv_diag_set(diag, "workflow", "\"%.*s\" is not a workflow id",
                    (int)(id.len > 48 ? 48 : id.len), id.ptr);
        return HV_ERR_INVALID;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hv_diag_set(diag, "workflow", "no workflow \"%.*s\" (looked in %s)", HV_STR_ARG(id),
                    hv_pipeline_workflow_dir());
        return HV_ERR_NOTFOUND;
    }
    fclose(f);
    err = hv_workflow_load_file(a, path, out, diag);
    if (err == HV_OK && !hv_str_eqz(id, (*out)->id)) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, "id", "the file's id \"%s\" does not match its name", (*out)->id);
        err = HV_ERR_INVALID;
    }
    return err;
}

enum hv_err hv__pipeline_freeze_workflow(struct hv_ctx *ctx, const char *id, struct hv_diag *diag)
{
    static const char has_sql[] = "SELECT count(*) FROM workflow_def WHERE id = ?1";
    static const char ins_sql[] =
        "INSERT INTO workflow_def (id, hash, definition, stored_at) VALUES (?1, ?2, ?3, ?4)";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, has_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(id));
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (row && hv_stmt_col_int(s, 0) > 0)
        return HV_OK;
    char path[4096];
    if (!workflow_path(hv_str_c(id), path, sizeof(path)))
        return HV_ERR_INVALID;
    struct hv_buf b;
    hv_buf_init(&b, HV_WF_MAX_FILE + 1);
    err = hv__read_file(path, &b);
    if (err != HV_OK) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot read the workflow file");
        goto out;
    }
    uint8_t h[32];
    char hex[65];
    hv_hash(b.ptr, b.len, h);
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    err = hv_store_stmt(ctx->store, ins_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(id));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hex));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_buf_str(&b));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_run(s);
out:
    hv_buf_finish(&b);
    return err;
}

enum hv_err hv__pipeline_default_workflow(struct hv_ctx *ctx, struct hv_arena *a,
                                          const char *programme, int64_t at,
                                          const struct hv_workflow **out, struct hv_diag *diag)
{
    const char *dir = hv_pipeline_workflow_dir();
    DIR *d = opendir(dir);
    if (d == NULL) {
        hv_diag_set(diag, "workflow", "cannot open the workflow directory %s", dir);
        return HV_ERR_IO;
    }
    const struct hv_workflow *best = NULL;
    enum hv_err err = HV_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || n - 5 > HV_WF_MAX_ID || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        const struct hv_workflow *wf = NULL;
        struct hv_diag ignored;
        hv_diag_clear(&ignored);
        /* The stored copy wins over the file, as for cases already under it. */
        if (hv_pipeline_workflow(ctx, a, (struct hv_str){ e->d_name, n - 5 }, &wf, &ignored) !=
            HV_OK)
            continue; /* a broken file is reported by `haven workflow validate`, not here */
        if (strcmp(wf->programme, programme) != 0 || wf->effective_from > at)
            continue;
        if (best == NULL || wf->effective_from > best->effective_from ||
            (wf->effective_from == best->effective_from && strcmp(wf->id, best->id) > 0))
            best = wf;
    }
    closedir(d);
    if (best == NULL) {
        hv_diag_set(diag, "workflow", "no workflow in %s serves programme \"%.32s\" at that date",
                    dir, programme);
        err = HV_ERR_NOTFOUND;
    }
    *out = best;
    return err;
}
