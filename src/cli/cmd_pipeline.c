/* cmd_pipeline.c - the pipeline's case subcommands, routed here from `haven case`:
 * advance (with evidence, note, date and audited override), hold, release and history.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/jsonw.h"
#include "haven/pipeline.h"
#include "haven/registry.h"
#include "record_out.h"

/* Called by cmd_case for advance|hold|release|history; declared here until cli.h carries it. */

static const char help[] =
    "usage: haven case advance REF TO_STEP [--evidence KIND:REF]... [--note TEXT] [--at DATE]\n"
    "                          [--override --reason CODE]\n"
    "       haven case hold REF --reason CODE [--kind manual|duplicate_review|screening_hit]\n"
    "                          [--at DATE]\n"
    "       haven case release REF [--at DATE]\n"
    "       haven case history REF\n"
    "\n"
    "advance   moves the case to TO_STEP of its workflow; refused with the reason when the\n"
    "          workflow has no such transition, when required evidence is missing, or when the\n"
    "          case is held. A case not yet in the pipeline starts at the first step of the\n"
    "          workflow for its programme and date. --override (a supervisor's decision, with a\n"
    "          reason code) advances a held case, resolves its holds and is audited as\n"
    "          pipeline.override. The note is sealed at rest.\n"
    "hold      opens a hold that blocks advancing (reason: a code such as document_check)\n"
    "release   resolves the case's open holds\n"
    "history   the case's step events, holds and clocks (an audited read)\n"
    "DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC), default now.\n";

static int advance(struct cli *c, int argc, char **argv)
{
    if (argc < 4)
        return cli_usage("case", "advance takes a case ref and a step");
    const char *evidence[HV_PIPELINE_MAX_EVIDENCE];
    size_t n_ev = 0;
    const char *note = "", *reason = NULL;
    bool override = false;
    int64_t at = 0;
    for (int i = 4; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "--override") == 0) {
            override = true;
        } else if (strcmp(argv[i], "--evidence") == 0 && has_value) {
            if (n_ev == HV_PIPELINE_MAX_EVIDENCE)
                return cli_usage("case", "at most %d --evidence", HV_PIPELINE_MAX_EVIDENCE);
            evidence[n_ev++] = argv[++i];
        } else if (strcmp(argv[i], "--note") == 0 && has_value) {
            note = argv[++i];
        } else if (strcmp(argv[i], "--reason") == 0 && has_value) {
            reason = argv[++i];
        } else if (strcmp(argv[i], "--at") == 0 && has_value) {
            if (!hv_time_parse(argv[++i], &at))
                return cli_usage("case", "--at takes a date YYYY-MM-DD");
        } else {
            return cli_usage("case", "unknown option %s", argv[i]);
        }
    }
    if (override && reason == NULL)
        return cli_usage("case", "--override needs --reason CODE");
    if (!override && reason != NULL)
        return cli_usage("case", "--reason goes with --override");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err;
    if (override)
        err = hv_pipeline_override(&c->ctx, hv_str_c(argv[2]), argv[3], evidence, n_ev,
                                   hv_str_c(note), reason, at, &diag);
    else
        err = hv_pipeline_advance(&c->ctx, hv_str_c(argv[2]), argv[3], evidence, n_ev,
                                  hv_str_c(note), at, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    if (c->json)
        printf("{\"case\":\"%s\",\"step\":\"%s\",\"override\":%s}\n", argv[2], argv[3],
               override ? "true" : "false");
    else
        printf("case %s is at %s%s\n", argv[2], argv[3], override ? " (override audited)" : "");
    return 0;
}

static int hold(struct cli *c, int argc, char **argv)
{
    if (argc < 3)
        return cli_usage("case", "hold takes a case ref");
    const char *reason = NULL;
    enum hv_hold_kind kind = HV_HOLD_MANUAL;
    int64_t at = 0;
    for (int i = 3; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "--reason") == 0 && has_value) {
            reason = argv[++i];
        } else if (strcmp(argv[i], "--kind") == 0 && has_value) {
            const char *k = argv[++i];
            if (strcmp(k, "manual") == 0)
                kind = HV_HOLD_MANUAL;
            else if (strcmp(k, "duplicate_review") == 0)
                kind = HV_HOLD_DUPLICATE_REVIEW;
            else if (strcmp(k, "screening_hit") == 0)
                kind = HV_HOLD_SCREENING_HIT;
            else
                return cli_usage("case", "--kind is manual, duplicate_review or screening_hit");
        } else if (strcmp(argv[i], "--at") == 0 && has_value) {
            if (!hv_time_parse(argv[++i], &at))
                return cli_usage("case", "--at takes a date YYYY-MM-DD");
        } else {
            return cli_usage("case", "unknown option %s", argv[i]);
        }
    }
    if (reason == NULL)
        return cli_usage("case", "hold needs --reason CODE");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    int64_t id = 0;
    enum hv_err err =
        hv_pipeline_hold_open(&c->ctx, hv_str_c(argv[2]), kind, reason, at, &id, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    if (c->json)
        printf("{\"case\":\"%s\",\"hold\":%lld,\"kind\":\"%s\"}\n", argv[2], (long long)id,
               hv_hold_kind_name(kind));
    else
        printf("hold %lld (%s) opened on case %s\n", (long long)id, hv_hold_kind_name(kind),
               argv[2]);
    return 0;
}

static int release(struct cli *c, int argc, char **argv)
{
    if (argc < 3)
        return cli_usage("case", "release takes a case ref");
    int64_t at = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
            if (!hv_time_parse(argv[++i], &at))
                return cli_usage("case", "--at takes a date YYYY-MM-DD");
        } else {
            return cli_usage("case", "unknown option %s", argv[i]);
        }
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    int64_t n = 0;
    enum hv_err err = hv_pipeline_hold_release_case(&c->ctx, hv_str_c(argv[2]), at, &n, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    if (c->json)
        printf("{\"case\":\"%s\",\"released\":%lld}\n", argv[2], (long long)n);
    else
        printf("released %lld hold(s) on case %s\n", (long long)n, argv[2]);
    return 0;
}

static void history_json(const struct hv_step_event *ev, size_t n_ev, const struct hv_hold *ho,
                         size_t n_ho, const struct hv_case_clock *ck)
{
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    char when[21];
    hv_jw_init(&w, &b, true);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "case");
    hv_jw_strz(&w, ck->case_ref);
    hv_jw_key(&w, "workflow");
    hv_jw_strz(&w, ck->workflow);
    hv_jw_key(&w, "step");
    hv_jw_strz(&w, ck->step);
    hv_jw_key(&w, "days_in_step");
    hv_jw_int(&w, ck->time_in_step / 86400);
    hv_jw_key(&w, "statutory_days");
    hv_jw_int(&w, ck->statutory / 86400);
    hv_jw_key(&w, "over_statutory");
    hv_jw_bool(&w, ck->over);
    hv_jw_key(&w, "high_risk");
    hv_jw_bool(&w, ck->high_risk);
    hv_jw_key(&w, "held");
    hv_jw_bool(&w, ck->held);
    hv_jw_key(&w, "events");
    hv_jw_array_begin(&w);
    for (size_t i = 0; i < n_ev; i++) {
        hv_jw_object_begin(&w);
        hv_time_format(ev[i].at, when);
        hv_jw_key(&w, "at");
        hv_jw_strz(&w, when);
        hv_jw_key(&w, "from");
        hv_jw_strz(&w, ev[i].from);
        hv_jw_key(&w, "to");
        hv_jw_strz(&w, ev[i].to);
        hv_jw_key(&w, "actor");
        hv_jw_strz(&w, ev[i].actor);
        hv_jw_key(&w, "evidence");
        hv_jw_strz(&w, ev[i].evidence);
        hv_jw_key(&w, "note");
        hv_jw_strz(&w, ev[i].note);
        hv_jw_key(&w, "override_reason");
        hv_jw_strz(&w, ev[i].override_reason);
        hv_jw_object_end(&w);
    }
    hv_jw_array_end(&w);
    hv_jw_key(&w, "holds");
    hv_jw_array_begin(&w);
    for (size_t i = 0; i < n_ho; i++) {
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "id");
        hv_jw_int(&w, ho[i].id);
        hv_jw_key(&w, "kind");
        hv_jw_strz(&w, ho[i].kind);
        hv_jw_key(&w, "reason");
        hv_jw_strz(&w, ho[i].reason_code);
        hv_time_format(ho[i].opened_at, when);
        hv_jw_key(&w, "opened_at");
        hv_jw_strz(&w, when);
        hv_jw_key(&w, "resolution");
        hv_jw_strz(&w, ho[i].resolution);
        hv_jw_object_end(&w);
    }
    hv_jw_array_end(&w);
    hv_jw_object_end(&w);
    if (hv_jw_err(&w) == HV_OK)
        cli_print_json(b.ptr, b.len);
    hv_buf_finish(&b);
}

static int history(struct cli *c, int argc, char **argv)
{
    if (argc != 3)
        return cli_usage("case", "history takes one case ref");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 64u << 20);
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_step_event *ev = NULL;
    struct hv_hold *ho = NULL;
    size_t n_ev = 0, n_ho = 0;
    struct hv_case_clock ck;
    struct hv_record rec;
    enum hv_err err = hv_record_get(&c->ctx, &a, hv_kind(HV_KIND_CASE), hv_str_c(argv[2]), &rec);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(&diag, "ref", "no case has ref \"%s\"", argv[2]);
    if (err == HV_OK)
        err = hv_pipeline_history(&c->ctx, &a, hv_str_c(argv[2]), &ev, &n_ev, &ho, &n_ho, &diag);
    if (err == HV_OK)
        err = hv_pipeline_case_clock(&c->ctx, hv_str_c(argv[2]), 0, &ck, &diag);
    if (err == HV_OK)
        err = audit_read(&c->ctx, "case.read", "case", rec.id, "case history");
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    if (c->json) {
        history_json(ev, n_ev, ho, n_ho, &ck);
    } else {
        printf("case %s: %s at %s for %lld days; statutory clock %lld of %lld days%s%s%s\n",
               ck.case_ref, ck.workflow[0] ? ck.workflow : "(no workflow)",
               ck.step[0] ? ck.step : "-", (long long)(ck.time_in_step / 86400),
               (long long)(ck.statutory / 86400), (long long)(ck.limit / 86400),
               ck.over ? ", OVER" : "", ck.high_risk ? ", high risk" : "", ck.held ? ", held" : "");
        char when[21];
        for (size_t i = 0; i < n_ev; i++) {
            hv_time_format(ev[i].at, when);
            printf("  %s  %-25s -> %-25s by %s", when, ev[i].from[0] ? ev[i].from : "(start)",
                   ev[i].to, ev[i].actor);
            if (ev[i].evidence[0])
                printf("  evidence %s", ev[i].evidence);
            if (ev[i].override_reason[0])
                printf("  OVERRIDE %s", ev[i].override_reason);
            if (ev[i].note[0])
                printf("  note: %s", ev[i].note);
            putchar('\n');
        }
        for (size_t i = 0; i < n_ho; i++) {
            hv_time_format(ho[i].opened_at, when);
            printf("  hold %lld %s %s opened %s by %s", (long long)ho[i].id, ho[i].kind,
                   ho[i].reason_code, when, ho[i].opened_by);
            if (ho[i].resolved_at != 0) {
                hv_time_format(ho[i].resolved_at, when);
                printf(", %s %s by %s", ho[i].resolution, when, ho[i].resolved_by);
            } else {
                printf(", open");
            }
            putchar('\n');
        }
    }
    hv_arena_finish(&a);
    return 0;
}

int cmd_case_pipeline(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "advance") == 0)
        return advance(c, argc, argv);
    if (strcmp(argv[1], "hold") == 0)
        return hold(c, argc, argv);
    if (strcmp(argv[1], "release") == 0)
        return release(c, argc, argv);
    if (strcmp(argv[1], "history") == 0)
        return history(c, argc, argv);
    return cli_usage("case", "unknown subcommand %s", argv[1]);
}
