/* cmd_init.c - `haven init`: creates a database, its schema and its keys.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "haven/audit.h"
#include "haven/store.h"
#include "haven/vault.h"

static const char help[] =
    "usage: haven init [--db PATH] [--key-file PATH] [--reuse-key]\n"
    "\n"
    "Creates a new database with its schema, generates a master key file (mode 0600, default\n"
    "PATH.key beside the database) and the data keys wrapped by it. With $HAVEN_PASSPHRASE set\n"
    "and no --key-file, the master key is derived from the passphrase with Argon2id instead.\n"
    "--reuse-key uses an existing key file (so sealed exports move between databases).\n"
    "Keep the key file apart from the database: whoever holds both can read everything.\n";

int cmd_init(struct cli *c, int argc, char **argv)
{
    bool reuse = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(help, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--reuse-key") == 0)
            reuse = true;
        else
            return cli_usage("init", "unknown option %s", argv[i]);
    }
    struct hv_diag diag;
    hv_diag_clear(&diag);
    if (access(c->db, F_OK) == 0) {
        fprintf(stderr, "haven: %s already exists; refusing to overwrite it\n", c->db);
        return hv_err_exit_code(HV_ERR_CONFLICT);
    }
    bool use_passphrase = c->passphrase != NULL && c->passphrase[0] != '\0' && c->key_file == NULL;
    if (c->key_file == NULL && !use_passphrase) {
        snprintf(c->key_file_buf, sizeof(c->key_file_buf), "%s.key", c->db);
        c->key_file = c->key_file_buf;
    }
    enum hv_err err = HV_OK;
    bool made_key = false;
    if (!use_passphrase && !(reuse && access(c->key_file, F_OK) == 0)) {
        err = hv_vault_keyfile_create(c->key_file, &diag);
        if (err != HV_OK)
            return cli_fail(c, err, &diag);
        made_key = true;
    }
    c->log.out = stderr;
    c->log.min = HV_LOG_ERROR;
    struct hv_store_options opt = { .create = true, .log = &c->log };
    struct hv_store *st = NULL;
    err = hv_store_open(c->db, &opt, &st, &diag);
    if (err == HV_OK)
        err = hv_store_migrate(st, &diag);
    struct hv_vault_key_source src = { 0 };
    if (use_passphrase)
        src.passphrase = c->passphrase;
    else
        src.key_file = c->key_file;
    if (err == HV_OK)
        err = hv_vault_setup(st, &src, &diag);
    c->ctx.store = st;
    c->ctx.actor = c->actor;
    c->ctx.log = &c->log;
    if (err == HV_OK)
        err = hv_store_begin(st);
    if (err == HV_OK) {
        err = hv_audit_append(&c->ctx, "init", "database", 0,
                              use_passphrase ? "master key: passphrase" : "master key: key file",
                              NULL, NULL);
        if (err == HV_OK)
            err = hv_store_commit(st);
        else
            hv_store_rollback(st);
    }
    if (err != HV_OK) {
        int rc = cli_fail(c, err, &diag);
        hv_store_close(st);
        c->ctx.store = NULL;
        unlink(c->db);
        if (made_key)
            unlink(c->key_file);
        return rc;
    }
    if (c->json)
        printf("{\"db\":\"%s\",\"key\":\"%s\"}\n", c->db,
               use_passphrase ? "passphrase" : c->key_file);
    else if (use_passphrase)
        printf("created %s (master key from the passphrase)\n", c->db);
    else
        printf("created %s with key file %s\nkeep the key file apart from the database\n", c->db,
               c->key_file);
    return 0;
}
