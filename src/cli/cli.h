/* cli.h - what the `haven` subcommands share: global options, opening the database and its
 * key, progress bars, error printing and exit codes.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_CLI_H
#define HV_CLI_H

#include <stdio.h>

#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/vault.h"

/* Exit codes beyond hv_err_exit_code: 0 ok, 1 usage error, 3 import finished with rejects. */
#define HV_EXIT_USAGE   1
#define HV_EXIT_REJECTS 3

struct cli {
    const char *db;         /* --db or HAVEN_DB */
    const char *key_file;   /* --key-file or HAVEN_KEY_FILE, default <db>.key */
    const char *passphrase; /* from HAVEN_PASSPHRASE when set */
    const char *actor;      /* --actor or HAVEN_ACTOR or USER */
    bool json;              /* --json */
    bool quiet;             /* --quiet: no progress */
    char key_file_buf[4096];
    struct hv_logger log;
    struct hv_ctx ctx;
    struct hv_vault_key_source key;
    bool progress_drawn;
    double progress_last;
};

/* Opens the store (migrating it) and, when need_key, the vault. Prints the error and returns
 * its exit code on failure, 0 on success. */
int cli_open(struct cli *c, bool need_key);
void cli_close(struct cli *c);
/* Prints "haven: <diag or error>" to stderr and returns the exit code for err. */
int cli_fail(struct cli *c, enum hv_err err, const struct hv_diag *diag);
/* Prints a usage error and returns HV_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) HV_PRINTF(2, 3);
/* True when argv[i] is -h or --help. */
bool cli_wants_help(int argc, char **argv);
/* Writes a JSON buffer to stdout with a newline. */
void cli_print_json(const char *json, size_t len);
/* Progress bar on stderr when it is a terminal (and not --quiet/--json). */
void cli_progress(void *ud, const char *phase, uint64_t done, uint64_t total);
void cli_progress_done(struct cli *c);

struct hv_kind_def;
/* `case edit` and `person edit`: argv = {cmd, "edit", REF, FIELD=VALUE...}. */
int cli_edit(struct cli *c, const char *cmd, const struct hv_kind_def *k, int argc, char **argv);

/* Subcommands: argv[0] is the subcommand's name. */
int cmd_init(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_case(struct cli *c, int argc, char **argv);
int cmd_person(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_key(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);
int cmd_names(struct cli *c, int argc, char **argv);
int cmd_site(struct cli *c, int argc, char **argv);
int cmd_crossing(struct cli *c, int argc, char **argv);
int cmd_move(struct cli *c, int argc, char **argv);
int cmd_workflow(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
/* `case advance|hold|release|history`: argv as for cmd_case (argv[1] is the subcommand). */
int cmd_case_pipeline(struct cli *c, int argc, char **argv);
int cmd_dedup(struct cli *c, int argc, char **argv);
int cmd_lists(struct cli *c, int argc, char **argv);
int cmd_screen(struct cli *c, int argc, char **argv);
int cmd_hits(struct cli *c, int argc, char **argv);
int cmd_place(struct cli *c, int argc, char **argv);
int cmd_forecast(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);

#endif
