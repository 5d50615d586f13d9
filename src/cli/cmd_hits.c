/* cmd_hits.c - `haven hits`: list screening hits, show one with its explanation, and decide one
 * (true match or false positive, with a reason); decisions are audited.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/clock.h"
#include "haven/jsonw.h"
#include "haven/screening.h"
#include "record_out.h"

/* Declared here until the command is registered in cli.h. */

static const char help[] =
    "usage: haven hits list [--status open|true_match|false_positive] [--json]\n"
    "       haven hits show ID [--json]\n"
    "       haven hits decide ID true_match|false_positive --reason TEXT\n"
    "\n"
    "Screening hits: people whose names scored at or above the review threshold against a\n"
    "watchlist entry (`haven screen run`). An open hit holds the person's case.\n"
    "\n"
    "  list     hits, newest first: id, status, score, person, case, list, entry\n"
    "  show     one hit with its explanation (which name parts aligned, each qualifier's\n"
    "           effect); reading it is audited\n"
    "  decide   true_match keeps the case held for the vetting process; false_positive\n"
    "           releases the hold when no other hit of the case is open, and is remembered:\n"
    "           the same person and entry do not alert again unless the entry changes.\n"
    "           --reason is required (keep names out of it); the decision is audited.\n";

static bool parse_id(const char *z, int64_t *out)
{
    char *end = NULL;
    long long v = strtoll(z, &end, 10);
    if (end == z || *end != '\0' || v <= 0)
        return false;
    *out = v;
    return true;
}

static void hit_json(struct hv_jw *w, const struct hv_screen_hit *h)
{
    char t[21];
    hv_jw_object_begin(w);
    hv_jw_key(w, "id");
    hv_jw_int(w, h->id);
    hv_jw_key(w, "status");
    hv_jw_strz(w, hv_hit_status_str(h->status));
    hv_jw_key(w, "score");
    hv_jw_double(w, h->score);
    hv_jw_key(w, "person");
    hv_jw_strz(w, h->person_ref);
    hv_jw_key(w, "case");
    hv_jw_strz(w, h->case_ref);
    hv_jw_key(w, "list");
    hv_jw_strz(w, h->list_name);
    hv_jw_key(w, "entry");
    hv_jw_strz(w, h->entry_ref);
    hv_jw_key(w, "snapshot");
    hv_jw_int(w, h->snapshot_id);
    hv_time_format(h->created_at, t);
    hv_jw_key(w, "created_at");
    hv_jw_strz(w, t);
    if (h->status != HV_HIT_OPEN) {
        hv_jw_key(w, "reason");
        hv_jw_strz(w, h->reason);
        hv_jw_key(w, "decided_by");
        hv_jw_strz(w, h->decided_by);
        hv_time_format(h->decided_at, t);
        hv_jw_key(w, "decided_at");
        hv_jw_strz(w, t);
    }
    if (h->explanation != NULL) {
        hv_jw_key(w, "explanation");
        hv_jw_raw(w, hv_str_c(h->explanation));
    }
    hv_jw_object_end(w);
}

static enum hv_err list_one(void *ud, const struct hv_screen_hit *h)
{
    struct hv_jw *w = ud;
    if (w != NULL) {
        hit_json(w, h);
        return HV_OK;
    }
    printf("%-6lld %-14s %.3f  %-16s %-12s %-10s %s\n", (long long)h->id,
           hv_hit_status_str(h->status), h->score, h->person_ref, h->case_ref, h->list_name,
           h->entry_ref);
    return HV_OK;
}

static int do_list(struct cli *c, int argc, char **argv)
{
    int status = -1;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--status") == 0 && i + 1 < argc) {
            const char *s = argv[++i];
            if (strcmp(s, "open") == 0)
                status = HV_HIT_OPEN;
            else if (strcmp(s, "true_match") == 0)
                status = HV_HIT_TRUE_MATCH;
            else if (strcmp(s, "false_positive") == 0)
                status = HV_HIT_FALSE_POSITIVE;
            else
                return cli_usage("hits", "--status must be open, true_match or false_positive");
        } else if (strcmp(argv[i], "--json") == 0) {
            c->json = true;
        } else {
            return cli_usage("hits", "unknown argument %s", argv[i]);
        }
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    hv_jw_init(&w, &b, true);
    if (c->json)
        hv_jw_array_begin(&w);
    else
        printf("%-6s %-14s %-5s  %-16s %-12s %-10s %s\n", "id", "status", "score", "person", "case",
               "list", "entry");
    enum hv_err err = hv_screen_hits_each(&c->ctx, status, list_one, c->json ? &w : NULL);
    if (c->json) {
        hv_jw_array_end(&w);
        if (err == HV_OK)
            cli_print_json(b.ptr, b.len);
    }
    hv_buf_finish(&b);
    if (err != HV_OK)
        return cli_fail(c, err, NULL);
    cli_close(c);
    return 0;
}

static int do_show(struct cli *c, int argc, char **argv)
{
    int64_t id = 0;
    const char *ids = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            c->json = true;
        else if (ids == NULL)
            ids = argv[i];
        else
            return cli_usage("hits", "too many arguments");
    }
    if (ids == NULL || !parse_id(ids, &id))
        return cli_usage("hits", "show needs a hit ID");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_screen_hit h;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_screen_hit_get(&c->ctx, &a, id, &h);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(&d, "id", "no hit %lld", (long long)id);
    if (err == HV_OK)
        err = audit_read(&c->ctx, "screening.read", "screening_hit", id, "hits show");
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &d);
    }
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    hv_jw_init(&w, &b, true);
    if (c->json) {
        hit_json(&w, &h);
        cli_print_json(b.ptr, b.len);
    } else {
        printf("hit %lld: %s, score %.3f\nperson %s (case %s) against %s entry %s (snapshot "
               "%lld)\n",
               (long long)h.id, hv_hit_status_str(h.status), h.score, h.person_ref, h.case_ref,
               h.list_name, h.entry_ref, (long long)h.snapshot_id);
        if (h.status != HV_HIT_OPEN)
            printf("decided by %s: %s\n", h.decided_by, h.reason);
        if (h.explanation != NULL)
            printf("explanation: %s\n", h.explanation);
    }
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    cli_close(c);
    return 0;
}

static int do_decide(struct cli *c, int argc, char **argv)
{
    const char *args[2] = { NULL, NULL }, *reason = NULL;
    int n = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
            reason = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            c->json = true;
        else if (argv[i][0] == '-' && argv[i][1] == '-')
            return cli_usage("hits", "unknown option %s", argv[i]);
        else if (n < 2)
            args[n++] = argv[i];
        else
            return cli_usage("hits", "too many arguments");
    }
    int64_t id = 0;
    if (n != 2 || !parse_id(args[0], &id))
        return cli_usage("hits", "decide needs ID and true_match|false_positive");
    enum hv_hit_status dec;
    if (strcmp(args[1], "true_match") == 0)
        dec = HV_HIT_TRUE_MATCH;
    else if (strcmp(args[1], "false_positive") == 0)
        dec = HV_HIT_FALSE_POSITIVE;
    else
        return cli_usage("hits", "the decision is true_match or false_positive");
    if (reason == NULL)
        return cli_usage("hits", "decide needs --reason TEXT");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_screen_hit_decide(&c->ctx, id, dec, hv_str_c(reason), &d);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    if (c->json)
        printf("{\"id\": %lld, \"status\": \"%s\"}\n", (long long)id, hv_hit_status_str(dec));
    else
        printf("hit %lld decided: %s\n", (long long)id, hv_hit_status_str(dec));
    cli_close(c);
    return 0;
}

int cmd_hits(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "list") == 0)
        return do_list(c, argc, argv);
    if (strcmp(argv[1], "show") == 0)
        return do_show(c, argc, argv);
    if (strcmp(argv[1], "decide") == 0)
        return do_decide(c, argc, argv);
    return cli_usage("hits", "unknown subcommand %s (list, show or decide)", argv[1]);
}
