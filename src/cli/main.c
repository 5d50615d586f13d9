/* main.c - the `haven` command: global options, subcommand dispatch and top-level help.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "haven - registry, vetting and shelter planning for a temporary-haven programme\n"
    "\n"
    "usage: haven [global options] <command> [options]\n"
    "\n"
    "commands:\n"
    "  init                 create a database and its key file\n"
    "  demo                 generate the 2021 founding scenario and import it\n"
    "  import FILE|DIR...   import cases, people, documents ... (CSV or JSON)\n"
    "  export               export the registry (CSV directory, JSON, or sealed JSON)\n"
    "  case list|show|edit  list cases, show one with its people, correct a field\n"
    "  case advance|hold|release|history   move a case through its visa pipeline\n"
    "  workflow show|validate   the pipeline workflows (SIV 2021 and 2022)\n"
    "  report backlog|clocks|throughput   where cases wait and for how long\n"
    "  person find|edit     find people by name or document number; correct a field\n"
    "  audit verify|list    verify the hash-chained audit log; list entries\n"
    "  key rotate|shred     rotate keys; destroy them (crypto-shredding)\n"
    "  status               what the database holds\n"
    "  site list|show|checkin|checkout|occupancy   host sites, beds and stays\n"
    "  crossing list|status|set   border crossings and their dated status history\n"
    "  move plan|start|arrive|cancel   movements of a case to a site\n"
    "  names compare|normalize  how the names engine reads and compares names\n"
    "  dedup run|review|unmerge|csv   find and review duplicate registrations\n"
    "  lists load|list|diff   watchlists (UN consolidated list, OFAC SDN, your own)\n"
    "  screen run|person|query   screen people against the watchlists\n"
    "  hits list|show|decide   review and adjudicate watchlist hits\n"
    "  place propose|show|accept|reject|export|whatif   which family goes to which site\n"
    "  forecast run|compare|model   beds per country per week and the clearance date\n"
    "  serve                the HTTP JSON API and the browser UI\n"
    "  user add|passwd|disable|list|token   users, roles, site scopes, API tokens\n"
    "\n"
    "global options (anywhere on the line):\n"
    "  --db PATH            database file (default: $HAVEN_DB, else haven.db)\n"
    "  --key-file PATH      master key file (default: $HAVEN_KEY_FILE, else PATH.key)\n"
    "                       with $HAVEN_PASSPHRASE set, the passphrase is used instead\n"
    "  --actor NAME         who is acting, for the audit log (default: $HAVEN_ACTOR, $USER)\n"
    "  --json               machine-readable output on stdout\n"
    "  --quiet              no progress bars\n"
    "  -h, --help           help; `haven <command> --help` for a command\n"
    "\n"
    "exit codes: 0 ok, 1 usage, 2 invalid input, 3 import done with rejected rows,\n"
    "  4 not found, 5 conflict, 6 forbidden, 7 wrong or missing key, 8 limit exceeded,\n"
    "  9 i/o error, 10 database error, 70 internal error\n";

struct command {
    const char *name;
    int (*run)(struct cli *c, int argc, char **argv);
};

static const struct command commands[] = {
    { "init", cmd_init },     { "demo", cmd_demo },         { "import", cmd_import },
    { "export", cmd_export }, { "case", cmd_case },         { "person", cmd_person },
    { "audit", cmd_audit },   { "key", cmd_key },           { "status", cmd_status },
    { "names", cmd_names },   { "site", cmd_site },         { "crossing", cmd_crossing },
    { "move", cmd_move },     { "workflow", cmd_workflow }, { "report", cmd_report },
    { "dedup", cmd_dedup },   { "lists", cmd_lists },       { "screen", cmd_screen },
    { "hits", cmd_hits },     { "place", cmd_place },       { "forecast", cmd_forecast },
    { "serve", cmd_serve },   { "user", cmd_user },
};

/* Takes the global options out of argv (they may appear anywhere); returns the new argc or
 * -1 on a usage error. */
static int take_globals(struct cli *c, int argc, char **argv)
{
    int out = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **target = NULL;
        if (strcmp(a, "--db") == 0)
            target = &c->db;
        else if (strcmp(a, "--key-file") == 0)
            target = &c->key_file;
        else if (strcmp(a, "--actor") == 0)
            target = &c->actor;
        if (target != NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "haven: %s needs a value\n", a);
                return -1;
            }
            *target = argv[++i];
            continue;
        }
        if (strcmp(a, "--json") == 0) {
            c->json = true;
            continue;
        }
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            c->quiet = true;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

int main(int argc, char **argv)
{
    struct cli c;
    memset(&c, 0, sizeof(c));
    c.db = getenv("HAVEN_DB");
    c.key_file = getenv("HAVEN_KEY_FILE");
    c.passphrase = getenv("HAVEN_PASSPHRASE");
    c.actor = getenv("HAVEN_ACTOR");
    if (c.actor == NULL || c.actor[0] == '\0')
        c.actor = getenv("USER");
    if (c.actor == NULL || c.actor[0] == '\0')
        c.actor = "cli";
    int n = take_globals(&c, argc - 1, argv + 1);
    if (n < 0)
        return HV_EXIT_USAGE;
    if (c.db == NULL || c.db[0] == '\0')
        c.db = "haven.db";
    if (n == 0) {
        fputs(usage, stderr);
        return HV_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        puts("haven 0.1.0");
        return 0;
    }
    for (size_t i = 0; i < HV_ARRAY_LEN(commands); i++) {
        if (strcmp(name, commands[i].name) == 0) {
            int rc = commands[i].run(&c, n, argv + 1);
            cli_close(&c);
            return rc;
        }
    }
    fprintf(stderr, "haven: unknown command \"%s\" (see haven --help)\n", name);
    return HV_EXIT_USAGE;
}
