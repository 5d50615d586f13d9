/* cmd_move.c - `haven move plan|start|arrive|cancel|show`: movements of a case to a site over
 * crossings or by flight, checked against the crossings' status on the planned day.
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

/* Crossings and flights on one movement (the library allows a few more legs than steps). */
#define MAX_STEPS 7

static const char help[] =
    "usage: haven move plan CASE --to SITE (--via CROSSING | --flight FROM-TO)... --on DAY\n"
    "                       [--override --reason TEXT]\n"
    "       haven move start ID [--at TIME]\n"
    "       haven move arrive ID [--at TIME] [--override --reason TEXT]\n"
    "       haven move cancel ID [--at TIME]\n"
    "       haven move show ID\n"
    "\n"
    "plan    legs from where the case is (its site, else its registry location) over each\n"
    "        crossing or flight in order to SITE, all on DAY. Refused when a crossing is\n"
    "        closed that day, or restricted / without a recorded status unless --override\n"
    "        --reason (audited). Flights join airports (locations of kind airport): FROM-TO\n"
    "        as IATA codes (TMJ-MZR -> LOC-AIR-TMJ, LOC-AIR-MZR), as refs joined by '-'\n"
    "        (LOC-AIR-TMJ-LOC-AIR-MZR), or any two refs joined by ','.\n"
    "start   planned -> in_transit; checks the case out of its current site\n"
    "arrive  in_transit -> arrived; checks the case in at SITE (a full site refuses unless\n"
    "        --override --reason)\n"
    "cancel  planned or in_transit -> cancelled\n"
    "DAY is YYYY-MM-DD; TIME is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC).\n";

static bool is_iata(const char *p, size_t n)
{
    if (n != 3)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 'A' || p[i] > 'Z')
            return false;
    }
    return true;
}

/* Splits FROM-TO into two refs written into from/to (each at most 64 bytes + NUL). */
static bool split_flight(const char *z, char from[80], char to[80])
{
    const char *sep = strchr(z, ',');
    size_t skip = 1;
    if (sep == NULL) {
        sep = strstr(z, "-LOC-");
        if (sep == NULL)
            sep = strchr(z, '-');
    }
    if (sep == NULL || sep == z || sep[skip] == '\0')
        return false;
    size_t ln = (size_t)(sep - z), rn = strlen(sep + skip);
    if (ln > 64 || rn > 64)
        return false;
    if (is_iata(z, ln))
        snprintf(from, 80, "LOC-AIR-%.*s", (int)ln, z);
    else
        snprintf(from, 80, "%.*s", (int)ln, z);
    if (is_iata(sep + skip, rn))
        snprintf(to, 80, "LOC-AIR-%s", sep + skip);
    else
        snprintf(to, 80, "%s", sep + skip);
    return true;
}

static int move_plan(struct cli *c, int argc, char **argv)
{
    if (argc < 3 || argv[2][0] == '-')
        return cli_usage("move", "plan takes a case ref first");
    struct hv_route_step steps[MAX_STEPS];
    char refs[MAX_STEPS][2][80];
    size_t n = 0;
    struct hv_move_request req = { .case_ref = hv_str_c(argv[2]) };
    const char *to = NULL, *on = NULL;
    for (int i = 3; i < argc; i++) {
        bool via = strcmp(argv[i], "--via") == 0, fl = strcmp(argv[i], "--flight") == 0;
        if ((via || fl) && i + 1 < argc) {
            if (n == MAX_STEPS)
                return cli_usage("move", "at most %d crossings and flights", MAX_STEPS);
            memset(&steps[n], 0, sizeof(steps[n]));
            if (via) {
                steps[n].crossing_ref = hv_str_c(argv[++i]);
            } else {
                if (!split_flight(argv[++i], refs[n][0], refs[n][1]))
                    return cli_usage("move", "--flight takes FROM-TO");
                steps[n].flight = true;
                steps[n].from_ref = hv_str_c(refs[n][0]);
                steps[n].to_ref = hv_str_c(refs[n][1]);
            }
            n++;
        } else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
            to = argv[++i];
        } else if (strcmp(argv[i], "--on") == 0 && i + 1 < argc) {
            on = argv[++i];
        } else if (strcmp(argv[i], "--override") == 0) {
            req.override = true;
        } else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
            req.reason = argv[++i];
        } else {
            return cli_usage("move", "unknown option %s", argv[i]);
        }
    }
    if (to == NULL)
        return cli_usage("move", "--to SITE is required");
    if (n == 0)
        return cli_usage("move", "give at least one --via CROSSING or --flight FROM-TO");
    if (on == NULL || !hv_day_parse(on, &req.day))
        return cli_usage("move", "--on takes YYYY-MM-DD");
    if (req.reason != NULL && !req.override)
        return cli_usage("move", "--reason goes with --override");
    req.site_ref = hv_str_c(to);
    req.steps = steps;
    req.n_steps = n;
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    int64_t id = 0;
    enum hv_err err = hv_move_plan(&c->ctx, &req, &id, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    printf(c->json ? "{\"movement\":%lld,\"status\":\"planned\"}\n" : "planned movement %lld\n",
           (long long)id);
    return 0;
}

static int move_show(struct cli *c, int64_t id)
{
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    struct hv_movement m;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_move_get(&c->ctx, &a, id, &m);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(&diag, "movement", "no movement has id %lld", (long long)id);
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    char day[11];
    hv_day_format(m.day, day);
    if (c->json) {
        struct hv_buf b;
        struct hv_jw w;
        hv_buf_init(&b, 0);
        hv_jw_init(&w, &b, false);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "id");
        hv_jw_int(&w, m.id);
        hv_jw_key(&w, "case");
        hv_jw_str(&w, m.case_ref);
        hv_jw_key(&w, "to");
        hv_jw_str(&w, m.site_ref);
        hv_jw_key(&w, "status");
        hv_jw_strz(&w, hv_move_status_name(m.status));
        hv_jw_key(&w, "day");
        hv_jw_strz(&w, day);
        hv_jw_key(&w, "legs");
        hv_jw_array_begin(&w);
        for (size_t i = 0; i < m.n_legs; i++) {
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "mode");
            hv_jw_strz(&w, hv_leg_mode_name(m.legs[i].mode));
            hv_jw_key(&w, "from");
            hv_jw_str(&w, m.legs[i].from_ref);
            hv_jw_key(&w, "to");
            hv_jw_str(&w, m.legs[i].to_ref);
            if (m.legs[i].mode == HV_LEG_CROSSING) {
                hv_jw_key(&w, "crossing");
                hv_jw_str(&w, m.legs[i].crossing_ref);
            }
            hv_jw_object_end(&w);
        }
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
        cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
    } else {
        printf("movement %lld: case %.*s to %.*s on %s, %s\n", (long long)m.id,
               HV_STR_ARG(m.case_ref), HV_STR_ARG(m.site_ref), day, hv_move_status_name(m.status));
        for (size_t i = 0; i < m.n_legs; i++)
            printf("  %zu. %-8s %.*s -> %.*s%s%.*s\n", i + 1, hv_leg_mode_name(m.legs[i].mode),
                   HV_STR_ARG(m.legs[i].from_ref), HV_STR_ARG(m.legs[i].to_ref),
                   m.legs[i].mode == HV_LEG_CROSSING ? " via " : "",
                   HV_STR_ARG(m.legs[i].crossing_ref));
    }
    hv_arena_finish(&a);
    return 0;
}

static int move_step(struct cli *c, int argc, char **argv)
{
    const char *cmd = argv[1];
    int64_t id = 0, at = 0;
    if (argc < 3 || !hv_parse_i64(hv_str_c(argv[2]), &id) || id < 1)
        return cli_usage("move", "%s takes a movement id", cmd);
    struct hv_checkin_options opt = { 0 };
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
            if (!hv_time_parse(argv[++i], &at))
                return cli_usage("move", "--at takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z");
        } else if (strcmp(cmd, "arrive") == 0 && strcmp(argv[i], "--override") == 0) {
            opt.override = true;
        } else if (strcmp(cmd, "arrive") == 0 && strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
            opt.reason = argv[++i];
        } else {
            return cli_usage("move", "unknown option %s", argv[i]);
        }
    }
    if (strcmp(cmd, "show") == 0)
        return move_show(c, id);
    /* Arrival reads the family's birth dates (sealed) to choose beds. */
    int rc = cli_open(c, strcmp(cmd, "arrive") == 0);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err;
    if (strcmp(cmd, "start") == 0)
        err = hv_move_start(&c->ctx, id, at, &diag);
    else if (strcmp(cmd, "arrive") == 0)
        err = hv_move_arrive(&c->ctx, id, at, &opt, &diag);
    else
        err = hv_move_cancel(&c->ctx, id, at, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    const char *st = strcmp(cmd, "start") == 0    ? "in_transit"
                     : strcmp(cmd, "arrive") == 0 ? "arrived"
                                                  : "cancelled";
    printf(c->json ? "{\"movement\":%lld,\"status\":\"%s\"}\n" : "movement %lld: %s\n",
           (long long)id, st);
    return 0;
}

int cmd_move(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "plan") == 0)
        return move_plan(c, argc, argv);
    if (strcmp(argv[1], "start") == 0 || strcmp(argv[1], "arrive") == 0 ||
        strcmp(argv[1], "cancel") == 0 || strcmp(argv[1], "show") == 0)
        return move_step(c, argc, argv);
    return cli_usage("move", "unknown subcommand %s", argv[1]);
}
