/* workflow_json.c - the workflow codec: turns a workflow JSON document into a typed, validated
 * struct hv_workflow in an arena. The only pipeline file that sees jansson.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pipeline.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/clock.h"
#include "pipeline/pipeline_int.h"

/* Everything the parser needs in one place, so that error paths stay short. */
struct parser {
    struct hv_arena *a;
    const char *name;
    struct hv_diag *diag;
};

static enum hv_err fail(struct parser *p, const char *field, const char *fmt, ...) HV_PRINTF(3, 4);

static enum hv_err fail(struct parser *p, const char *field, const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hv_diag_at(p->diag, p->name, 0);
    hv_diag_set(p->diag, field, "%s", msg);
    return HV_ERR_INVALID;
}

/* Rejects keys of obj that are not in allowed (NULL-terminated). */
static enum hv_err check_keys(struct parser *p, json_t *obj, const char *const *allowed,
                              const char *where)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] != NULL; i++) {
            if (strcmp(key, allowed[i]) == 0) {
                known = true;
                break;
            }
        }
        if (!known) {
            char msg[200];
            snprintf(msg, sizeof(msg), "unknown field \"%.64s\"", key);
            return fail(p, where, "%s", msg);
        }
    }
    return HV_OK;
}

/* True for an id: [a-z0-9_-], starting with a letter, 1..HV_WF_MAX_ID bytes. */
static bool valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > HV_WF_MAX_ID || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A required (or optional, when out may stay NULL) string member copied into the arena. */
static enum hv_err get_str(struct parser *p, json_t *obj, const char *key, bool required,
                           bool is_id, const char *where, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL) {
        if (!required)
            return HV_OK;
        char msg[100];
        snprintf(msg, sizeof(msg), "missing field \"%s\"", key);
        return fail(p, where, "%s", msg);
    }
    if (!json_is_string(v)) {
        char msg[100];
        snprintf(msg, sizeof(msg), "field \"%s\" must be a string", key);
        return fail(p, where, "%s", msg);
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (strlen(s) != len || !hv_utf8_valid(s, len) || len > 2000) {
        char msg[100];
        snprintf(msg, sizeof(msg), "field \"%s\" is not a valid string", key);
        return fail(p, where, "%s", msg);
    }
    if (is_id && !valid_id(s)) {
        char msg[160];
        snprintf(msg, sizeof(msg), "\"%.48s\" is not an id (a-z, 0-9, _ and -, at most %d bytes)",
                 s, HV_WF_MAX_ID);
        return fail(p, where, "%s", msg);
    }
    char *copy = hv_str_dupz(p->a, (struct hv_str){ s, len });
    if (copy == NULL)
        return HV_ERR_LIMIT;
    *out = copy;
    return HV_OK;
}

/* An array of ids (strings) member, required, at most max items. */
static enum hv_err get_ids(struct parser *p, json_t *obj, const char *key, size_t max,
                           const char *where, const char ***out, size_t *n_out)
{
    json_t *v = json_object_get(obj, key);
    char msg[160];
    if (v == NULL) {
        snprintf(msg, sizeof(msg), "missing field \"%s\"", key);
        return fail(p, where, "%s", msg);
    }
    if (!json_is_array(v)) {
        snprintf(msg, sizeof(msg), "field \"%s\" must be an array", key);
        return fail(p, where, "%s", msg);
    }
    size_t n = json_array_size(v);
    if (n > max) {
        snprintf(msg, sizeof(msg), "field \"%s\" has more than %zu items", key, max);
        return fail(p, where, "%s", msg);
    }
    const char **items = hv_arena_alloc_array(p->a, n + 1, sizeof(*items));
    if (items == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(v, i);
        if (!json_is_string(it) || !valid_id(json_string_value(it))) {
            snprintf(msg, sizeof(msg), "item %zu of \"%s\" is not an id", i + 1, key);
            return fail(p, where, "%s", msg);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(items[j], json_string_value(it)) == 0) {
                snprintf(msg, sizeof(msg), "\"%s\" appears twice in \"%s\"", items[j], key);
                return fail(p, where, "%s", msg);
            }
        }
        items[i] = hv_str_dupz(p->a, hv_str_c(json_string_value(it)));
        if (items[i] == NULL)
            return HV_ERR_LIMIT;
    }
    *out = items;
    *n_out = n;
    return HV_OK;
}

static const char *const top_keys[] = {
    "id",     "name",  "programme", "effective_from", "description", "evidence_kinds",
    "clocks", "steps", NULL
};
static const char *const clock_keys[] = { "id", "name", "limit_days", "counts", NULL };
static const char *const step_keys[] = { "id",     "name",        "controlled_by",
                                         "clocks", "transitions", "description",
                                         NULL };
static const char *const transition_keys[] = { "to", "evidence", NULL };

static enum hv_err parse_clocks(struct parser *p, json_t *root, struct hv_workflow *wf)
{
    json_t *v = json_object_get(root, "clocks");
    if (v == NULL || !json_is_array(v))
        return fail(p, "clocks", "%s", "missing field \"clocks\" (an array)");
    size_t n = json_array_size(v);
    if (n > HV_WF_MAX_CLOCKS)
        return fail(p, "clocks", "%s", "too many clocks");
    struct hv_wf_clock *clocks = hv_arena_alloc_array(p->a, n + 1, sizeof(*clocks));
    if (clocks == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(v, i);
        if (!json_is_object(c))
            return fail(p, "clocks", "%s", "each clock must be an object");
        enum hv_err err = check_keys(p, c, clock_keys, "clocks");
        if (err == HV_OK)
            err = get_str(p, c, "id", true, true, "clocks", &clocks[i].id);
        if (err == HV_OK)
            err = get_str(p, c, "name", true, false, clocks[i].id, &clocks[i].name);
        if (err != HV_OK)
            return err;
        json_t *lim = json_object_get(c, "limit_days");
        if (lim == NULL || !json_is_integer(lim) || json_integer_value(lim) < 1 ||
            json_integer_value(lim) > 36500)
            return fail(p, clocks[i].id, "%s",
                        "limit_days must be a whole number of days, 1..36500");
        clocks[i].limit_days = json_integer_value(lim);
        const char *counts = NULL;
        err = get_str(p, c, "counts", true, false, clocks[i].id, &counts);
        if (err != HV_OK)
            return err;
        if (strcmp(counts, "government") == 0)
            clocks[i].government_only = true;
        else if (strcmp(counts, "all") != 0)
            return fail(p, clocks[i].id, "counts must be \"government\" or \"all\", not \"%.40s\"",
                        counts);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(clocks[j].id, clocks[i].id) == 0)
                return fail(p, clocks[i].id, "%s", "duplicate clock id");
        }
    }
    wf->clocks = clocks;
    wf->n_clocks = n;
    return HV_OK;
}

static enum hv_err parse_transition(struct parser *p, json_t *t, const char *step_id,
                                    const struct hv_workflow *wf, struct hv_wf_transition *out)
{
    if (!json_is_object(t))
        return fail(p, step_id, "%s", "each transition must be an object");
    enum hv_err err = check_keys(p, t, transition_keys, step_id);
    if (err == HV_OK)
        err = get_str(p, t, "to", true, true, step_id, &out->to);
    const char **ev = NULL;
    if (err == HV_OK)
        err = get_ids(p, t, "evidence", HV_WF_MAX_EVIDENCE, step_id, &ev, &out->n_evidence);
    if (err != HV_OK)
        return err;
    for (size_t i = 0; i < out->n_evidence; i++) {
        bool known = false;
        for (size_t k = 0; k < wf->n_evidence_kinds; k++) {
            if (strcmp(ev[i], wf->evidence_kinds[k]) == 0)
                known = true;
        }
        if (!known)
            return fail(p, step_id, "transition requires unknown evidence kind \"%.48s\"", ev[i]);
    }
    out->evidence = ev;
    return HV_OK;
}

static enum hv_err parse_step(struct parser *p, json_t *s, size_t index, struct hv_workflow *wf,
                              struct hv_wf_step *out)
{
    char where[64];
    snprintf(where, sizeof(where), "steps[%zu]", index);
    if (!json_is_object(s))
        return fail(p, where, "%s", "each step must be an object");
    enum hv_err err = get_str(p, s, "id", true, true, where, &out->id);
    if (err != HV_OK)
        return err;
    snprintf(where, sizeof(where), "%s", out->id);
    err = check_keys(p, s, step_keys, where);
    if (err == HV_OK)
        err = get_str(p, s, "name", true, false, where, &out->name);
    const char *ctl = NULL;
    if (err == HV_OK)
        err = get_str(p, s, "controlled_by", true, false, where, &ctl);
    const char *desc = NULL;
    if (err == HV_OK)
        err = get_str(p, s, "description", false, false, where, &desc);
    if (err != HV_OK)
        return err;
    if (strcmp(ctl, "applicant") == 0)
        out->control = HV_WF_APPLICANT;
    else if (strcmp(ctl, "government") == 0)
        out->control = HV_WF_GOVERNMENT;
    else
        return fail(p, where,
                    "controlled_by must be \"applicant\" or \"government\", not \"%.40s\"", ctl);
    const char **clocks = NULL;
    size_t n_clocks = 0;
    err = get_ids(p, s, "clocks", HV_WF_MAX_CLOCKS, where, &clocks, &n_clocks);
    if (err != HV_OK)
        return err;
    for (size_t i = 0; i < n_clocks; i++) {
        int ci = hv_workflow_clock(wf, clocks[i]);
        if (ci < 0)
            return fail(p, where, "counts toward unknown clock \"%.48s\"", clocks[i]);
        out->clocks |= 1u << ci;
    }
    json_t *tr = json_object_get(s, "transitions");
    if (tr == NULL || !json_is_array(tr))
        return fail(p, where, "%s", "missing field \"transitions\" (an array)");
    size_t n = json_array_size(tr);
    if (n > HV_WF_MAX_TRANSITIONS)
        return fail(p, where, "%s", "too many transitions");
    struct hv_wf_transition *ts = hv_arena_alloc_array(p->a, n + 1, sizeof(*ts));
    if (ts == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        err = parse_transition(p, json_array_get(tr, i), where, wf, &ts[i]);
        if (err != HV_OK)
            return err;
    }
    out->transitions = ts;
    out->n_transitions = n;
    return HV_OK;
}

static enum hv_err parse_root(struct parser *p, json_t *root, struct hv_workflow *wf)
{
    if (!json_is_object(root))
        return fail(p, "", "%s", "a workflow must be a JSON object");
    enum hv_err err = check_keys(p, root, top_keys, "");
    if (err == HV_OK)
        err = get_str(p, root, "id", true, true, "id", &wf->id);
    if (err == HV_OK)
        err = get_str(p, root, "name", true, false, "name", &wf->name);
    if (err == HV_OK)
        err = get_str(p, root, "programme", true, false, "programme", &wf->programme);
    const char *eff = NULL, *desc = NULL;
    if (err == HV_OK)
        err = get_str(p, root, "effective_from", true, false, "effective_from", &eff);
    if (err == HV_OK)
        err = get_str(p, root, "description", false, false, "description", &desc);
    if (err != HV_OK)
        return err;
    if (strlen(eff) != 10 || !hv_time_parse(eff, &wf->effective_from))
        return fail(p, "effective_from", "\"%.40s\" is not a date YYYY-MM-DD", eff);
    const char **kinds = NULL;
    err = get_ids(p, root, "evidence_kinds", HV_WF_MAX_KINDS, "evidence_kinds", &kinds,
                  &wf->n_evidence_kinds);
    if (err != HV_OK)
        return err;
    wf->evidence_kinds = kinds;
    err = parse_clocks(p, root, wf);
    if (err != HV_OK)
        return err;
    json_t *steps = json_object_get(root, "steps");
    if (steps == NULL || !json_is_array(steps))
        return fail(p, "steps", "%s", "missing field \"steps\" (an array)");
    size_t n = json_array_size(steps);
    if (n == 0)
        return fail(p, "steps", "%s", "a workflow needs at least one step");
    if (n > HV_WF_MAX_STEPS)
        return fail(p, "steps", "%s", "too many steps");
    struct hv_wf_step *st = hv_arena_alloc_array(p->a, n, sizeof(*st));
    if (st == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        err = parse_step(p, json_array_get(steps, i), i, wf, &st[i]);
        if (err != HV_OK)
            return err;
    }
    wf->steps = st;
    wf->n_steps = n;
    return HV_OK;
}

enum hv_err hv_workflow_parse(struct hv_arena *a, const char *name, const void *text, size_t len,
                              const struct hv_workflow **out, struct hv_diag *diag)
{
    struct parser p = { .a = a, .name = name != NULL ? name : "", .diag = diag };
    *out = NULL;
    if (len > HV_WF_MAX_FILE) {
        hv_diag_at(diag, p.name, 0);
        hv_diag_set(diag, NULL, "a workflow file may hold at most %u bytes", HV_WF_MAX_FILE);
        return HV_ERR_LIMIT;
    }
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        hv_diag_at(diag, p.name, (uint64_t)(jerr.line > 0 ? jerr.line : 0));
        hv_diag_set(diag, NULL, "not valid JSON: %s", jerr.text);
        return HV_ERR_INVALID;
    }
    struct hv_workflow *wf = hv_arena_alloc(a, sizeof(*wf));
    enum hv_err err = wf == NULL ? HV_ERR_LIMIT : parse_root(&p, root, wf);
    json_decref(root);
    if (err == HV_OK)
        err = hv__workflow_check(wf, p.name, diag);
    if (err == HV_OK && hv_arena_failed(a))
        err = HV_ERR_LIMIT;
    if (err == HV_OK)
        *out = wf;
    return err;
}

enum hv_err hv_workflow_load_file(struct hv_arena *a, const char *path,
                                  const struct hv_workflow **out, struct hv_diag *diag)
{
    struct hv_buf b;
    hv_buf_init(&b, HV_WF_MAX_FILE + 1);
    enum hv_err err = hv__read_file(path, &b);
    if (err == HV_ERR_IO) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot read the file: %s", strerror(errno));
    } else if (err == HV_ERR_LIMIT) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "a workflow file may hold at most %u bytes", HV_WF_MAX_FILE);
    }
    if (err == HV_OK)
        err = hv_workflow_parse(a, path, b.ptr != NULL ? b.ptr : "", b.len, out, diag);
    hv_buf_finish(&b);
    return err;
}
