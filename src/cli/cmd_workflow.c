/* cmd_workflow.c - `haven workflow show [ID]|validate FILE`: the workflows a case can run
 * under, and a strict check of a workflow file.
 * SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/jsonw.h"
#include "haven/pipeline.h"

/* Registered in main.c by the lead; declared here until cli.h carries it. */

static const char help[] =
    "usage: haven workflow show [ID]\n"
    "       haven workflow validate FILE\n"
    "\n"
    "show       without ID, the workflows in the workflow directory; with ID, its steps, who\n"
    "           controls each (applicant or government), the clocks each counts toward, and\n"
    "           the transitions with the evidence each requires. A database that has cases\n"
    "           under a workflow shows the copy frozen when the first case started.\n"
    "validate   checks a workflow file strictly (unknown fields, duplicate steps, transitions\n"
    "           to unknown steps, unreachable steps, no terminal step ...); exit 2 with the\n"
    "           file, the step and the reason when it is malformed\n"
    "The directory is $HAVEN_WORKFLOW_DIR, else data/workflows of the source tree.\n"
    "With --json the output is JSON on stdout.\n";

static const char *control_name(enum hv_wf_control k)
{
    return k == HV_WF_GOVERNMENT ? "government" : "applicant";
}

static void print_json(const struct hv_workflow *wf)
{
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    hv_jw_init(&w, &b, true);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "id");
    hv_jw_strz(&w, wf->id);
    hv_jw_key(&w, "name");
    hv_jw_strz(&w, wf->name);
    hv_jw_key(&w, "programme");
    hv_jw_strz(&w, wf->programme);
    hv_jw_key(&w, "steps");
    hv_jw_array_begin(&w);
    for (size_t i = 0; i < wf->n_steps; i++) {
        const struct hv_wf_step *s = &wf->steps[i];
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "id");
        hv_jw_strz(&w, s->id);
        hv_jw_key(&w, "name");
        hv_jw_strz(&w, s->name);
        hv_jw_key(&w, "controlled_by");
        hv_jw_strz(&w, control_name(s->control));
        hv_jw_key(&w, "clocks");
        hv_jw_array_begin(&w);
        for (size_t k = 0; k < wf->n_clocks; k++) {
            if (s->clocks & (1u << k))
                hv_jw_strz(&w, wf->clocks[k].id);
        }
        hv_jw_array_end(&w);
        hv_jw_key(&w, "transitions");
        hv_jw_array_begin(&w);
        for (size_t t = 0; t < s->n_transitions; t++) {
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "to");
            hv_jw_strz(&w, s->transitions[t].to);
            hv_jw_key(&w, "evidence");
            hv_jw_array_begin(&w);
            for (size_t e = 0; e < s->transitions[t].n_evidence; e++)
                hv_jw_strz(&w, s->transitions[t].evidence[e]);
            hv_jw_array_end(&w);
            hv_jw_object_end(&w);
        }
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
    }
    hv_jw_array_end(&w);
    hv_jw_object_end(&w);
    if (hv_jw_err(&w) == HV_OK)
        cli_print_json(b.ptr, b.len);
    hv_buf_finish(&b);
}

static void print_text(const struct hv_workflow *wf)
{
    printf("workflow %s: %s (programme %s)\n", wf->id, wf->name, wf->programme);
    for (size_t k = 0; k < wf->n_clocks; k++)
        printf("clock %s: %s, %lld days, counts %s\n", wf->clocks[k].id, wf->clocks[k].name,
               (long long)wf->clocks[k].limit_days,
               wf->clocks[k].government_only ? "government-controlled steps only" : "every step");
    for (size_t i = 0; i < wf->n_steps; i++) {
        const struct hv_wf_step *s = &wf->steps[i];
        printf("%2zu %-26s %-10s %s%s\n", i + 1, s->id, control_name(s->control),
               s->clocks ? "[statutory] " : "", s->name);
        if (s->n_transitions == 0)
            printf("     (terminal)\n");
        for (size_t t = 0; t < s->n_transitions; t++) {
            printf("     -> %s", s->transitions[t].to);
            for (size_t e = 0; e < s->transitions[t].n_evidence; e++)
                printf("%s%s", e == 0 ? "  evidence: " : ", ", s->transitions[t].evidence[e]);
            putchar('\n');
        }
    }
}

static int list_dir(struct cli *c)
{
    const char *dir = hv_pipeline_workflow_dir();
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "haven: cannot open the workflow directory %s\n", dir);
        return hv_err_exit_code(HV_ERR_IO);
    }
    char names[64][64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 5 && len < sizeof(names[0]) && strcmp(e->d_name + len - 5, ".json") == 0)
            memcpy(names[n++], e->d_name, len + 1); /* fits: len < 64 */
    }
    closedir(d);
    /* Sorted by name so that the output is stable. */
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char tmp[64];
            memcpy(tmp, names[j], sizeof(tmp));
            memcpy(names[j], names[j - 1], sizeof(tmp));
            memcpy(names[j - 1], tmp, sizeof(tmp));
        }
    }
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    hv_jw_init(&w, &b, false);
    hv_jw_array_begin(&w);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        struct hv_arena a;
        hv_arena_init(&a, 8u << 20);
        const struct hv_workflow *wf = NULL;
        struct hv_diag diag;
        hv_diag_clear(&diag);
        enum hv_err err = hv_workflow_load_file(&a, path, &wf, &diag);
        if (err != HV_OK) {
            rc = cli_fail(c, err, &diag);
        } else if (c->json) {
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "id");
            hv_jw_strz(&w, wf->id);
            hv_jw_key(&w, "name");
            hv_jw_strz(&w, wf->name);
            hv_jw_key(&w, "programme");
            hv_jw_strz(&w, wf->programme);
            hv_jw_key(&w, "steps");
            hv_jw_int(&w, (int64_t)wf->n_steps);
            hv_jw_object_end(&w);
        } else {
            char eff[21];
            hv_time_format(wf->effective_from, eff);
            printf("%-12s %2zu steps  from %.10s  %s\n", wf->id, wf->n_steps, eff, wf->name);
        }
        hv_arena_finish(&a);
    }
    hv_jw_array_end(&w);
    if (c->json && hv_jw_err(&w) == HV_OK)
        cli_print_json(b.ptr, b.len);
    hv_buf_finish(&b);
    return rc;
}

static int show(struct cli *c, const char *id)
{
    struct hv_arena a;
    hv_arena_init(&a, 8u << 20);
    const struct hv_workflow *wf = NULL;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err;
    if (access(c->db, F_OK) == 0) {
        int rc = cli_open(c, false);
        if (rc != 0) {
            hv_arena_finish(&a);
            return rc;
        }
        err = hv_pipeline_workflow(&c->ctx, &a, hv_str_c(id), &wf, &diag);
    } else {
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s.json", hv_pipeline_workflow_dir(), id);
        err = hv_workflow_load_file(&a, path, &wf, &diag);
    }
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    if (c->json)
        print_json(wf);
    else
        print_text(wf);
    hv_arena_finish(&a);
    return 0;
}

static int validate(struct cli *c, const char *path)
{
    struct hv_arena a;
    hv_arena_init(&a, 8u << 20);
    const struct hv_workflow *wf = NULL;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_workflow_load_file(&a, path, &wf, &diag);
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    if (c->json)
        printf("{\"file\":\"%s\",\"id\":\"%s\",\"steps\":%zu,\"valid\":true}\n", path, wf->id,
               wf->n_steps);
    else
        printf("%s: ok, workflow %s with %zu steps\n", path, wf->id, wf->n_steps);
    hv_arena_finish(&a);
    return 0;
}

int cmd_workflow(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "show") == 0) {
        if (argc > 3)
            return cli_usage("workflow", "show takes at most one workflow id");
        return argc == 3 ? show(c, argv[2]) : list_dir(c);
    }
    if (strcmp(argv[1], "validate") == 0) {
        if (argc != 3)
            return cli_usage("workflow", "validate takes one file");
        return validate(c, argv[2]);
    }
    return cli_usage("workflow", "unknown subcommand %s", argv[1]);
}
