/* cmd_crossing.c - `haven crossing list|status|set|load`: border crossings and their dated
 * status history.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/clock.h"
#include "haven/jsonw.h"
#include "haven/sites.h"

/* Declared here until cli.h lists it with the other subcommands. */

static const char help[] =
    "usage: haven crossing list [--at DATE]\n"
    "       haven crossing status REF [--at DATE]\n"
    "       haven crossing set REF STATUS --at TIME --source SOURCE [--note NOTE]\n"
    "       haven crossing load CROSSINGS.csv [STATUS.csv]\n"
    "\n"
    "list    crossings with their status on DATE (default today)\n"
    "status  the status of one crossing on DATE - the most restrictive status in force at any\n"
    "        moment of that UTC day, as movement planning uses it - and its whole history\n"
    "set     record a status change (open, restricted, closed) with its source; audited\n"
    "load    crossings.csv and crossing_status.csv (docs/formats.md); idempotent\n"
    "DATE is YYYY-MM-DD; TIME is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC).\n";

static bool day_opt(struct cli *c, const char *z, int32_t *day)
{
    if (z == NULL) {
        *day = (int32_t)(hv_clock_now(&c->ctx.clock) / HV_SECS_PER_DAY);
        return true;
    }
    return hv_day_parse(z, day);
}

static int crossing_list(struct cli *c, int argc, char **argv)
{
    const char *at = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--at") == 0 && i + 1 < argc)
            at = argv[++i];
        else
            return cli_usage("crossing", "unknown option %s", argv[i]);
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    int32_t day = 0;
    if (!day_opt(c, at, &day))
        return cli_usage("crossing", "--at takes YYYY-MM-DD");
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    struct hv_crossing *xs = NULL;
    size_t n = 0;
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, false);
    hv_jw_array_begin(&w);
    enum hv_err err = hv_crossing_list(&c->ctx, &a, &xs, &n);
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        struct hv_crossing_event e;
        err = hv_crossing_status_on_day(&c->ctx, &a, xs[i].ref, day, &e);
        if (err != HV_OK)
            break;
        if (c->json) {
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "ref");
            hv_jw_str(&w, xs[i].ref);
            hv_jw_key(&w, "name");
            hv_jw_str(&w, xs[i].name);
            hv_jw_key(&w, "countries");
            hv_jw_str(&w, xs[i].countries);
            hv_jw_key(&w, "lat");
            hv_jw_double(&w, xs[i].lat);
            hv_jw_key(&w, "lon");
            hv_jw_double(&w, xs[i].lon);
            hv_jw_key(&w, "mode");
            hv_jw_str(&w, xs[i].mode);
            hv_jw_key(&w, "status");
            hv_jw_strz(&w, hv_crossing_status_name(e.status));
            hv_jw_object_end(&w);
        } else {
            printf("%-28.*s %-10s %-6.*s %.*s\n", HV_STR_ARG(xs[i].ref),
                   hv_crossing_status_name(e.status), HV_STR_ARG(xs[i].countries),
                   HV_STR_ARG(xs[i].name));
        }
    }
    hv_jw_array_end(&w);
    if (err == HV_OK && c->json)
        cli_print_json(b.ptr, b.len);
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    return err == HV_OK ? 0 : cli_fail(c, err, NULL);
}

static int crossing_status(struct cli *c, int argc, char **argv)
{
    if (argc < 3)
        return cli_usage("crossing", "status takes a crossing ref");
    const char *at = NULL;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--at") == 0 && i + 1 < argc)
            at = argv[++i];
        else
            return cli_usage("crossing", "unknown option %s", argv[i]);
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    int32_t day = 0;
    if (!day_opt(c, at, &day))
        return cli_usage("crossing", "--at takes YYYY-MM-DD");
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_crossing x;
    struct hv_crossing_event e, *hist = NULL;
    size_t n = 0;
    enum hv_err err = hv_crossing_get(&c->ctx, &a, hv_str_c(argv[2]), &x);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(&diag, "crossing", "no crossing has ref \"%s\"", argv[2]);
    if (err == HV_OK)
        err = hv_crossing_status_on_day(&c->ctx, &a, x.ref, day, &e);
    if (err == HV_OK)
        err = hv_crossing_history(&c->ctx, &a, x.ref, &hist, &n);
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    char d[11], since[21];
    hv_day_format(day, d);
    hv_time_format(e.at, since);
    if (c->json) {
        struct hv_buf b;
        struct hv_jw w;
        hv_buf_init(&b, 0);
        hv_jw_init(&w, &b, false);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "ref");
        hv_jw_str(&w, x.ref);
        hv_jw_key(&w, "name");
        hv_jw_str(&w, x.name);
        hv_jw_key(&w, "day");
        hv_jw_strz(&w, d);
        hv_jw_key(&w, "status");
        hv_jw_strz(&w, hv_crossing_status_name(e.status));
        hv_jw_key(&w, "since");
        if (e.status == HV_CROSSING_UNKNOWN)
            hv_jw_null(&w);
        else
            hv_jw_strz(&w, since);
        hv_jw_key(&w, "source");
        hv_jw_str(&w, e.source);
        hv_jw_key(&w, "note");
        hv_jw_str(&w, e.note);
        hv_jw_key(&w, "history");
        hv_jw_array_begin(&w);
        for (size_t i = 0; i < n; i++) {
            char t[21];
            hv_time_format(hist[i].at, t);
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "at");
            hv_jw_strz(&w, t);
            hv_jw_key(&w, "status");
            hv_jw_strz(&w, hv_crossing_status_name(hist[i].status));
            hv_jw_key(&w, "source");
            hv_jw_str(&w, hist[i].source);
            hv_jw_key(&w, "note");
            hv_jw_str(&w, hist[i].note);
            hv_jw_object_end(&w);
        }
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
        cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
    } else {
        printf("%.*s (%.*s) on %s: %s", HV_STR_ARG(x.name), HV_STR_ARG(x.ref), d,
               hv_crossing_status_name(e.status));
        if (e.status != HV_CROSSING_UNKNOWN)
            printf(" since %s (source %.*s)%s%.*s", since, HV_STR_ARG(e.source),
                   e.note.len > 0 ? ": " : "", HV_STR_ARG(e.note));
        printf("\nhistory:\n");
        for (size_t i = 0; i < n; i++) {
            char t[21];
            hv_time_format(hist[i].at, t);
            printf("  %s  %-10s %.*s%s%.*s\n", t, hv_crossing_status_name(hist[i].status),
                   HV_STR_ARG(hist[i].source), hist[i].note.len > 0 ? " - " : "",
                   HV_STR_ARG(hist[i].note));
        }
    }
    hv_arena_finish(&a);
    return 0;
}

static int crossing_set(struct cli *c, int argc, char **argv)
{
    if (argc < 4)
        return cli_usage("crossing", "set takes REF STATUS --at TIME --source SOURCE");
    enum hv_crossing_status st;
    if (!hv_crossing_status_parse(hv_str_c(argv[3]), &st) || st == HV_CROSSING_UNKNOWN)
        return cli_usage("crossing", "STATUS is open, restricted or closed");
    const char *at = NULL, *source = NULL, *note = "";
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--at") == 0 && i + 1 < argc)
            at = argv[++i];
        else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
            source = argv[++i];
        else if (strcmp(argv[i], "--note") == 0 && i + 1 < argc)
            note = argv[++i];
        else
            return cli_usage("crossing", "unknown option %s", argv[i]);
    }
    int64_t t = 0;
    if (at == NULL || !hv_time_parse(at, &t))
        return cli_usage("crossing", "--at takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z");
    if (source == NULL)
        return cli_usage("crossing", "--source is required");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_crossing_set_status(&c->ctx, hv_str_c(argv[2]), st, t, hv_str_c(source),
                                             hv_str_c(note), &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    printf(c->json ? "{\"crossing\":\"%s\",\"status\":\"%s\"}\n" : "%s: %s recorded\n", argv[2],
           argv[3]);
    return 0;
}

static int crossing_load(struct cli *c, int argc, char **argv)
{
    if (argc < 3 || argc > 4)
        return cli_usage("crossing", "load takes CROSSINGS.csv [STATUS.csv]");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_load_counts x = { 0 }, s = { 0 };
    enum hv_err err = hv_crossings_load_file(&c->ctx, argv[2], &x, &diag);
    if (err == HV_OK && argc == 4)
        err = hv_crossing_status_load_file(&c->ctx, argv[3], &s, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    if (c->json)
        printf("{\"crossings\":{\"created\":%llu,\"updated\":%llu,\"unchanged\":%llu},"
               "\"status\":{\"created\":%llu,\"unchanged\":%llu}}\n",
               (unsigned long long)x.created, (unsigned long long)x.updated,
               (unsigned long long)x.unchanged, (unsigned long long)s.created,
               (unsigned long long)s.unchanged);
    else
        printf("crossings: %llu created, %llu updated, %llu unchanged; status changes: %llu "
               "created, %llu unchanged\n",
               (unsigned long long)x.created, (unsigned long long)x.updated,
               (unsigned long long)x.unchanged, (unsigned long long)s.created,
               (unsigned long long)s.unchanged);
    return 0;
}

int cmd_crossing(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "list") == 0)
        return crossing_list(c, argc, argv);
    if (strcmp(argv[1], "status") == 0)
        return crossing_status(c, argc, argv);
    if (strcmp(argv[1], "set") == 0)
        return crossing_set(c, argc, argv);
    if (strcmp(argv[1], "load") == 0)
        return crossing_load(c, argc, argv);
    return cli_usage("crossing", "unknown subcommand %s", argv[1]);
}
