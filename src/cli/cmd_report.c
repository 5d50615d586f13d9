/* cmd_report.c - `haven report backlog|clocks|throughput`: the pipeline's reports as a table,
 * JSON (--json) or CSV (--csv). Case refs and step ids only, no personal data.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/pipeline.h"

/* Registered in main.c by the lead; declared here until cli.h carries it. */

static const char help[] =
    "usage: haven report backlog [--as-of DATE] [--csv]\n"
    "       haven report clocks [--as-of DATE] [--all] [--csv]\n"
    "       haven report throughput [--from DATE] [--to DATE] [--csv]\n"
    "\n"
    "backlog      cases per step with how long they have been there (median and P90 days)\n"
    "             and how many are held\n"
    "clocks       cases over the 9-month statutory clock (government-controlled time only,\n"
    "             less holds and suspensions), most days first; --all lists every case\n"
    "throughput   transitions into each step per ISO week; --from/--to bound the events\n"
    "DATE is YYYY-MM-DD (UTC); --as-of defaults to now. With --json (global) the output is\n"
    "a JSON array, with --csv CSV with a header line.\n";

int cmd_report(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    const char *which = argv[1];
    bool csv = false, all = false;
    int64_t as_of = 0, from = 0, to = 0;
    for (int i = 2; i < argc; i++) {
        int64_t *date = NULL;
        if (strcmp(argv[i], "--csv") == 0) {
            csv = true;
            continue;
        }
        if (strcmp(argv[i], "--all") == 0 && strcmp(which, "clocks") == 0) {
            all = true;
            continue;
        }
        if (strcmp(argv[i], "--as-of") == 0 && strcmp(which, "throughput") != 0)
            date = &as_of;
        else if (strcmp(argv[i], "--from") == 0 && strcmp(which, "throughput") == 0)
            date = &from;
        else if (strcmp(argv[i], "--to") == 0 && strcmp(which, "throughput") == 0)
            date = &to;
        if (date == NULL)
            return cli_usage("report", "unknown option %s", argv[i]);
        if (i + 1 >= argc || !hv_time_parse(argv[i + 1], date))
            return cli_usage("report", "%s takes a date YYYY-MM-DD", argv[i]);
        i++;
    }
    if (csv && c->json)
        return cli_usage("report", "--csv and --json exclude each other");
    if (strcmp(which, "throughput") == 0 && (from != 0 || to != 0) && to == 0)
        to = INT64_MAX;
    if (strcmp(which, "throughput") == 0 && from == 0 && to != 0)
        from = INT64_MIN;
    if (strcmp(which, "backlog") != 0 && strcmp(which, "clocks") != 0 &&
        strcmp(which, "throughput") != 0)
        return cli_usage("report", "unknown report %s", which);
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 512u << 20);
    struct hv_report rep;
    enum hv_err err;
    if (strcmp(which, "backlog") == 0)
        err = hv_pipeline_report_backlog(&c->ctx, &a, as_of, &rep);
    else if (strcmp(which, "clocks") == 0)
        err = hv_pipeline_report_clocks(&c->ctx, &a, as_of, all, &rep);
    else
        err = hv_pipeline_report_throughput(&c->ctx, &a, from, to, &rep);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    if (err == HV_OK)
        err = hv_report_write(&rep,
                              c->json ? HV_REPORT_JSON
                              : csv   ? HV_REPORT_CSV
                                      : HV_REPORT_TABLE,
                              &b);
    if (err == HV_OK) {
        if (c->json)
            cli_print_json(b.ptr, b.len);
        else
            fwrite(b.ptr != NULL ? b.ptr : "", 1, b.len, stdout);
    }
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    if (err != HV_OK)
        return cli_fail(c, err, NULL);
    return 0;
}
