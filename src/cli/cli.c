/* cli.c - shared plumbing of the subcommands: opening the database and key, errors, exit
 * codes, JSON output, and the terminal progress bar.
 * SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/clock.h"
#include "haven/store.h"

int cli_fail(struct cli *c, enum hv_err err, const struct hv_diag *diag)
{
    (void)c;
    char msg[1024];
    if (diag != NULL && hv_diag_has(diag)) {
        hv_diag_format(diag, msg, sizeof(msg));
        fprintf(stderr, "haven: %s\n", msg);
    } else {
        fprintf(stderr, "haven: %s\n", hv_err_str(err));
    }
    return hv_err_exit_code(err);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "haven %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see haven %s --help)\n", cmd);
    va_end(ap);
    return HV_EXIT_USAGE;
}

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

void cli_print_json(const char *json, size_t len)
{
    fwrite(json, 1, len, stdout);
    fputc('\n', stdout);
}

void cli_progress(void *ud, const char *phase, uint64_t done, uint64_t total)
{
    struct cli *c = ud;
    double now = hv_monotonic();
    bool final = total > 0 && done >= total;
    if (!final && now - c->progress_last < 0.1)
        return;
    c->progress_last = now;
    int width = 40;
    if (total > 0) {
        double frac = (double)done / (double)total;
        if (frac > 1)
            frac = 1;
        int filled = (int)(frac * width);
        fprintf(stderr, "\r%-8s [", phase);
        for (int i = 0; i < width; i++)
            fputc(i < filled ? '#' : '.', stderr);
        fprintf(stderr, "] %5.1f%%", frac * 100);
    } else {
        fprintf(stderr, "\r%-8s %llu", phase, (unsigned long long)done);
    }
    c->progress_drawn = true;
    fflush(stderr);
}

void cli_progress_done(struct cli *c)
{
    if (c->progress_drawn) {
        fputc('\n', stderr);
        c->progress_drawn = false;
    }
}

static void set_key_source(struct cli *c)
{
    memset(&c->key, 0, sizeof(c->key));
    if (c->passphrase != NULL && c->passphrase[0] != '\0' && c->key_file == NULL) {
        c->key.passphrase = c->passphrase;
        return;
    }
    if (c->key_file == NULL) {
        snprintf(c->key_file_buf, sizeof(c->key_file_buf), "%s.key", c->db);
        c->key_file = c->key_file_buf;
    }
    c->key.key_file = c->key_file;
}

int cli_open(struct cli *c, bool need_key)
{
    struct hv_diag diag;
    hv_diag_clear(&diag);
    c->log.out = stderr;
    c->log.min = getenv("HAVEN_DEBUG") ? HV_LOG_DEBUG : HV_LOG_ERROR;
    struct hv_store_options opt = { .log = &c->log };
    struct hv_store *st = NULL;
    if (access(c->db, F_OK) != 0) {
        fprintf(stderr, "haven: no database at %s (create one with `haven init`, or give --db)\n",
                c->db);
        return hv_err_exit_code(HV_ERR_NOTFOUND);
    }
    enum hv_err err = hv_store_open(c->db, &opt, &st, &diag);
    if (err == HV_OK)
        err = hv_store_migrate(st, &diag);
    if (err != HV_OK) {
        hv_store_close(st);
        return cli_fail(c, err, &diag);
    }
    c->ctx.store = st;
    c->ctx.log = &c->log;
    c->ctx.actor = c->actor;
    if (!c->quiet && !c->json && isatty(2)) {
        c->ctx.progress.fn = cli_progress;
        c->ctx.progress.ud = c;
    }
    set_key_source(c);
    if (need_key) {
        err = hv_vault_open(st, &c->key, &c->ctx.vault, &diag);
        if (err != HV_OK)
            return cli_fail(c, err, &diag);
    }
    return 0;
}

void cli_close(struct cli *c)
{
    cli_progress_done(c);
    hv_vault_destroy(c->ctx.vault);
    c->ctx.vault = NULL;
    hv_store_close(c->ctx.store);
    c->ctx.store = NULL;
}
