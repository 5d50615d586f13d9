/* cmd_key.c - `haven key rotate|shred`.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "haven/audit.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"

static const char help[] =
    "usage: haven key rotate [--data]\n"
    "       haven key shred --yes\n"
    "\n"
    "rotate        makes a new master key file (or, with $HAVEN_NEW_PASSPHRASE set, a new\n"
    "              passphrase) and re-wraps the database's keys with it; the old key file\n"
    "              is replaced (kept as PATH.old until the rotation is committed)\n"
    "rotate --data also makes a new data key, re-encrypts every sealed field with it and\n"
    "              deletes the old data keys\n"
    "shred --yes   destroys the database's keys and the key file: every sealed field\n"
    "              (names, birth dates, document numbers ...) becomes unreadable, for good.\n"
    "              The audit log stays verifiable.\n";

static int audit_event(struct cli *c, const char *action, const char *detail)
{
    enum hv_err err = hv_store_begin(c->ctx.store);
    if (err == HV_OK) {
        err = hv_audit_append(&c->ctx, action, "key", 0, detail, NULL, NULL);
        if (err == HV_OK)
            err = hv_store_commit(c->ctx.store);
        else
            hv_store_rollback(c->ctx.store);
    }
    return err == HV_OK ? 0 : cli_fail(c, err, NULL);
}

static int key_rotate(struct cli *c, bool data)
{
    struct hv_diag diag;
    hv_diag_clear(&diag);
    const char *new_pass = getenv("HAVEN_NEW_PASSPHRASE");
    struct hv_vault_key_source dst = { 0 };
    char tmp_path[4200];
    bool to_file = new_pass == NULL || new_pass[0] == '\0';
    enum hv_err err = HV_OK;
    if (to_file) {
        if (c->key.key_file == NULL) {
            fprintf(stderr, "haven: the database uses a passphrase: set $HAVEN_NEW_PASSPHRASE "
                            "to rotate it\n");
            return HV_EXIT_USAGE;
        }
        snprintf(tmp_path, sizeof(tmp_path), "%s.new", c->key.key_file);
        unlink(tmp_path);
        err = hv_vault_keyfile_create(tmp_path, &diag);
        dst.key_file = tmp_path;
    } else {
        dst.passphrase = new_pass;
    }
    if (err == HV_OK)
        err = hv_vault_rewrap(c->ctx.store, c->ctx.vault, &dst, &diag);
    if (err != HV_OK) {
        if (to_file)
            unlink(tmp_path);
        return cli_fail(c, err, &diag);
    }
    if (to_file) {
        char old_path[4200];
        snprintf(old_path, sizeof(old_path), "%s.old", c->key.key_file);
        /* The database now opens only with the new key: put it in the old one's place. */
        if (rename(c->key.key_file, old_path) != 0 || rename(tmp_path, c->key.key_file) != 0) {
            fprintf(stderr,
                    "haven: keys re-wrapped, but the new key file is at %s: move it "
                    "to %s yourself\n",
                    tmp_path, c->key.key_file);
            return hv_err_exit_code(HV_ERR_IO);
        }
        unlink(old_path);
    }
    int rc = audit_event(c, "key.rotate",
                         to_file ? "master key: new key file" : "master key: new passphrase");
    if (rc != 0)
        return rc;
    if (data) {
        uint32_t id = 0;
        uint64_t n = 0;
        err = hv_vault_rotate_data_key(c->ctx.store, c->ctx.vault, &id, &diag);
        if (err == HV_OK)
            err = hv_registry_reseal(&c->ctx, &n, &diag);
        if (err == HV_OK)
            err = hv_vault_retire_old_keys(c->ctx.store, c->ctx.vault, &diag);
        cli_progress_done(c);
        if (err != HV_OK)
            return cli_fail(c, err, &diag);
        printf("new data key %u; %llu records re-sealed; old data keys deleted\n", id,
               (unsigned long long)n);
    }
    printf("master key rotated%s\n", to_file ? "" : " (new passphrase)");
    return 0;
}

int cmd_key(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "rotate") == 0) {
        bool data = argc == 3 && strcmp(argv[2], "--data") == 0;
        if (argc > 3 || (argc == 3 && !data))
            return cli_usage("key", "rotate takes only --data");
        int rc = cli_open(c, true);
        return rc != 0 ? rc : key_rotate(c, data);
    }
    if (strcmp(argv[1], "shred") == 0) {
        if (argc != 3 || strcmp(argv[2], "--yes") != 0)
            return cli_usage("key", "shred destroys all personal data for good: add --yes");
        int rc = cli_open(c, false);
        if (rc != 0)
            return rc;
        rc = audit_event(c, "key.shred", "all keys destroyed");
        if (rc != 0)
            return rc;
        struct hv_diag diag;
        hv_diag_clear(&diag);
        enum hv_err err = hv_vault_shred(c->ctx.store, c->key.key_file, &diag);
        if (err != HV_OK)
            return cli_fail(c, err, &diag);
        printf("keys destroyed: the sealed data in %s can no longer be read by anyone\n", c->db);
        return 0;
    }
    return cli_usage("key", "unknown subcommand %s", argv[1]);
}
