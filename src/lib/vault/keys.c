/* keys.c - the key hierarchy kept in the database (vault_master, vault_key): first set-up,
 * opening, re-wrapping under a new master key, data-key rotation and retirement, and
 * crypto-shredding.
 * SPDX-License-Identifier: Apache-2.0 */
#include "vault/vault_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "haven/store.h"

#define WRONG_KEY_MSG "the key does not open this database (wrong key file or passphrase)"
#define DAMAGED_MSG   "the key table of this database is damaged"

/* Data keys the secure region starts with room for; it grows by doubling. */
#define INITIAL_DATA_CAP 4

/* Steps s until it has no more rows, so that a finished SELECT keeps no read snapshot open
 * (a pending read would block the checkpoint and VACUUM of hv_vault_shred). */
static void stmt_drain(struct hv_stmt *s)
{
    bool row = true;
    while (row) {
        if (hv_stmt_step(s, &row) != HV_OK) {
            break; /* the backend resets a statement whose step failed */
        }
    }
}

/* Forgets an earlier message in d, so that hv_diag_has tells whether this call set one. */
static void diag_forget_msg(struct hv_diag *d)
{
    if (d != NULL) {
        d->msg[0] = '\0';
    }
}

static bool fast_kdf_requested(void)
{
    const char *e = getenv(HV__VAULT_ENV_FAST_KDF);
    return e != NULL && strcmp(e, "1") == 0;
}

/* Parameters for a master key that is being created from src. */
static void kdf_for_new_master(const struct hv_vault_key_source *src, struct hv__vault_kdf *kdf)
{
    memset(kdf, 0, sizeof(*kdf));
    if (src->key_file != NULL) {
        kdf->kind = HV__VAULT_KIND_KEYFILE;
        return;
    }
    kdf->kind = HV__VAULT_KIND_PASSPHRASE;
    randombytes_buf(kdf->salt, sizeof(kdf->salt));
    if (fast_kdf_requested()) {
        kdf->opslimit = crypto_pwhash_OPSLIMIT_MIN;
        kdf->memlimit = crypto_pwhash_MEMLIMIT_MIN;
    } else {
        kdf->opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
        kdf->memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
    }
}

static struct hv_vault *vault_new(void)
{
    struct hv_vault *v = hv_xcalloc(1, sizeof(*v));
    v->cap_data = INITIAL_DATA_CAP;
    v->secure = hv__vault_secure_alloc((2 + v->cap_data) * HV__VAULT_KEY_LEN);
    v->data_ids = hv_xcalloc(v->cap_data, sizeof(*v->data_ids));
    randombytes_buf(v->nonce_prefix, sizeof(v->nonce_prefix));
    v->nonce_counter = hv_xcalloc(1, sizeof(*v->nonce_counter));
    atomic_init(v->nonce_counter, 0);
    return v;
}

/* Moves the key material into a region with room for cap data keys (cap >= n_data). The
 * new region is writable; the caller makes it read-only when done. */
static void vault_resize(struct hv_vault *v, size_t cap)
{
    uint8_t *fresh = hv__vault_secure_alloc((2 + cap) * HV__VAULT_KEY_LEN);
    memcpy(fresh, v->secure, (2 + v->n_data) * HV__VAULT_KEY_LEN);
    sodium_free(v->secure); /* wipes the old region */
    v->secure = fresh;
    v->data_ids = hv_xrealloc(v->data_ids, cap * sizeof(*v->data_ids));
    v->cap_data = cap;
}

void hv_vault_destroy(struct hv_vault *v)
{
    if (v == NULL) {
        return;
    }
    sodium_free(v->secure);
    free(v->data_ids);
    free((void *)v->nonce_counter);
    sodium_memzero(v, sizeof(*v));
    free(v);
}

uint32_t hv_vault_current_key_id(const struct hv_vault *v)
{
    return v->data_ids[v->current];
}

static const char *kind_name(enum hv__vault_kind kind)
{
    return kind == HV__VAULT_KIND_PASSPHRASE ? "passphrase" : "keyfile";
}

/* Formats a Unix time as YYYY-MM-DD (UTC). */
static void format_day(int64_t t, char out[16])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 16, "%Y-%m-%d", &tm) == 0) {
        snprintf(out, 16, "an unknown date");
    }
}

/* Reads vault_master. *found is false when the database has no keys (never set up). */
static enum hv_err read_master(struct hv_store *st, struct hv__vault_kdf *kdf, bool *found,
                               bool *shredded, int64_t *shredded_at, struct hv_diag *diag)
{
    static const char sql[] = "SELECT kind, kdf_salt, kdf_opslimit, kdf_memlimit, shredded_at "
                              "FROM vault_master WHERE id = 1";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err != HV_OK) {
        hv_diag_set(diag, NULL, "cannot read the keys of this database");
        return err;
    }
    bool row = false;
    err = hv_stmt_step(s, &row);
    if (err != HV_OK) {
        hv_diag_set(diag, NULL, "cannot read the keys of this database");
        return err;
    }
    memset(kdf, 0, sizeof(*kdf));
    *found = row;
    *shredded = false;
    *shredded_at = 0;
    if (!row) {
        return HV_OK;
    }
    err = HV_ERR_CRYPTO;
    struct hv_str kind = hv_stmt_col_text(s, 0);
    if (!hv_stmt_col_is_null(s, 4)) {
        *shredded = true;
        *shredded_at = hv_stmt_col_int(s, 4);
        err = HV_OK;
        goto out;
    }
    if (hv_str_eqz(kind, "keyfile")) {
        kdf->kind = HV__VAULT_KIND_KEYFILE;
    } else if (hv_str_eqz(kind, "passphrase")) {
        kdf->kind = HV__VAULT_KIND_PASSPHRASE;
        struct hv_str salt = hv_stmt_col_blob(s, 1);
        int64_t ops = hv_stmt_col_int(s, 2);
        int64_t mem = hv_stmt_col_int(s, 3);
        if (salt.len != sizeof(kdf->salt) || ops <= 0 || mem <= 0) {
            hv_diag_set(diag, NULL, DAMAGED_MSG " (passphrase parameters)");
            goto out;
        }
        memcpy(kdf->salt, salt.ptr, sizeof(kdf->salt));
        kdf->opslimit = (uint64_t)ops;
        kdf->memlimit = (uint64_t)mem;
    } else {
        hv_diag_set(diag, NULL, DAMAGED_MSG " (unknown master key kind)");
        goto out;
    }
    err = HV_OK;
out:
    stmt_drain(s);
    return err;
}

/* Reads master-key facts and turns "absent" and "shredded" into errors with messages. */
static enum hv_err require_live_master(struct hv_store *st, struct hv__vault_kdf *kdf,
                                       struct hv_diag *diag)
{
    bool found = false, shredded = false;
    int64_t at = 0;
    enum hv_err err = read_master(st, kdf, &found, &shredded, &at, diag);
    if (err != HV_OK) {
        return err;
    }
    if (!found) {
        hv_diag_set(diag, NULL, "this database has no keys yet: set them up first");
        return HV_ERR_NOTFOUND;
    }
    if (shredded) {
        char day[16];
        format_day(at, day);
        hv_diag_set(diag, NULL,
                    "the keys of this database were shredded on %s: its sealed data cannot be "
                    "read",
                    day);
        return HV_ERR_CRYPTO;
    }
    return HV_OK;
}

/* Unwraps every row of vault_key into v (whose master key is set). */
static enum hv_err load_keys(struct hv_store *st, struct hv_vault *v, struct hv_diag *diag)
{
    static const char sql[] = "SELECT id, purpose, wrapped, is_current FROM vault_key "
                              "ORDER BY id";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err != HV_OK) {
        hv_diag_set(diag, NULL, "cannot read the keys of this database");
        return err;
    }
    size_t n_opened = 0;
    bool have_index = false, have_current = false;
    for (;;) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK) {
            hv_diag_set(diag, NULL, "cannot read the keys of this database");
            return err;
        }
        if (!row) {
            break;
        }
        err = HV_ERR_CRYPTO;
        int64_t id = hv_stmt_col_int(s, 0);
        struct hv_str purpose = hv_stmt_col_text(s, 1);
        struct hv_str wrapped = hv_stmt_col_blob(s, 2);
        bool is_current = hv_stmt_col_int(s, 3) != 0;
        if (id <= 0 || id > (int64_t)UINT32_MAX) {
            hv_diag_set(diag, NULL, DAMAGED_MSG " (key id out of range)");
            goto fail;
        }
        uint8_t pbyte;
        uint8_t *dst;
        if (hv_str_eqz(purpose, "index")) {
            if (!is_current) {
                continue; /* not written by this version; nothing is sealed under it */
            }
            if (have_index) {
                hv_diag_set(diag, NULL, DAMAGED_MSG " (two current index keys)");
                goto fail;
            }
            pbyte = HV__VAULT_PURPOSE_INDEX;
            dst = v->secure + HV__VAULT_KEY_LEN;
        } else if (hv_str_eqz(purpose, "data")) {
            if (is_current && have_current) {
                hv_diag_set(diag, NULL, DAMAGED_MSG " (two current data keys)");
                goto fail;
            }
            if (v->n_data == v->cap_data) {
                vault_resize(v, v->cap_data * 2);
            }
            pbyte = HV__VAULT_PURPOSE_DATA;
            dst = v->secure + (2 + v->n_data) * HV__VAULT_KEY_LEN;
        } else {
            hv_diag_set(diag, NULL, DAMAGED_MSG " (unknown key purpose)");
            goto fail;
        }
        if (!hv__vault_unwrap(v->secure, pbyte, (uint32_t)id, (const uint8_t *)wrapped.ptr,
                              wrapped.len, dst)) {
            /* With a wrong master key the very first key fails; a later failure means a row
             * was altered or moved. */
            if (n_opened == 0) {
                hv_diag_set(diag, "key", WRONG_KEY_MSG);
            } else {
                hv_diag_set(diag, NULL, DAMAGED_MSG " (key %lld does not open)", (long long)id);
            }
            goto fail;
        }
        n_opened++;
        if (pbyte == HV__VAULT_PURPOSE_INDEX) {
            have_index = true;
            v->index_key_id = (uint32_t)id;
        } else {
            if (is_current) {
                have_current = true;
                v->current = v->n_data;
            }
            v->data_ids[v->n_data++] = (uint32_t)id;
        }
    }
    if (!have_index || !have_current) {
        hv_diag_set(diag, NULL, DAMAGED_MSG " (a current %s key is missing)",
                    have_index ? "data" : "index");
        return HV_ERR_CRYPTO;
    }
    return HV_OK;
fail:
    stmt_drain(s);
    return err;
}

enum hv_err hv_vault_open(struct hv_store *st, const struct hv_vault_key_source *src,
                          struct hv_vault **out, struct hv_diag *diag)
{
    *out = NULL;
    enum hv_err err = hv__vault_check_source(src, diag);
    if (err == HV_OK) {
        err = hv__vault_sodium_init(diag);
    }
    if (err != HV_OK) {
        return err;
    }
    struct hv__vault_kdf kdf;
    err = require_live_master(st, &kdf, diag);
    if (err != HV_OK) {
        return err;
    }
    struct hv_vault *v = vault_new();
    v->kdf = kdf;
    err = hv__vault_master_derive(src, &kdf, "this database", v->secure, diag);
    if (err != HV_OK) {
        goto fail;
    }
    err = load_keys(st, v, diag);
    if (err != HV_OK) {
        goto fail;
    }
    sodium_mprotect_readonly(v->secure);
    *out = v;
    return HV_OK;
fail:
    hv_vault_destroy(v);
    return err;
}

/* 0 when vault_master and vault_key are both empty. */
static enum hv_err count_key_rows(struct hv_store *st, int64_t *n)
{
    static const char sql[] = "SELECT (SELECT COUNT(*) FROM vault_master) + "
                              "(SELECT COUNT(*) FROM vault_key)";
    return hv_store_query_int(st, sql, false, 0, 0, n);
}

static enum hv_err next_key_id(struct hv_store *st, uint32_t *id, struct hv_diag *diag)
{
    static const char sql[] = "SELECT COALESCE(MAX(id), 0) FROM vault_key";
    int64_t max = 0;
    enum hv_err err = hv_store_query_int(st, sql, false, 0, 0, &max);
    if (err != HV_OK) {
        return err;
    }
    if (max < 0 || max >= (int64_t)UINT32_MAX) {
        hv_diag_set(diag, NULL, DAMAGED_MSG " (key ids exhausted)");
        return HV_ERR_LIMIT;
    }
    *id = (uint32_t)(max + 1);
    return HV_OK;
}

static enum hv_err insert_key(struct hv_store *st, const uint8_t *master, uint32_t id,
                              uint8_t pbyte, const uint8_t *key)
{
    static const char sql[] = "INSERT INTO vault_key (id, purpose, wrapped, created_at, "
                              "is_current) VALUES (?1, ?2, ?3, ?4, 1)";
    uint8_t wrapped[HV__VAULT_WRAPPED_LEN];
    hv__vault_wrap(master, pbyte, id, key, wrapped);
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, 1, id);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_text(s, 2,
                                pbyte == HV__VAULT_PURPOSE_DATA ? HV_STR("data") : HV_STR("index"));
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_blob(s, 3, wrapped, sizeof(wrapped));
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, 4, (int64_t)time(NULL));
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    return err;
}

/* Binds the master-key facts of kdf to parameters first..first+3 (kind, salt, ops, mem). */
static enum hv_err bind_kdf(struct hv_stmt *s, int first, const struct hv__vault_kdf *kdf)
{
    enum hv_err err = hv_stmt_bind_text(s, first, hv_str_c(kind_name(kdf->kind)));
    if (kdf->kind == HV__VAULT_KIND_KEYFILE) {
        for (int i = 1; i <= 3 && err == HV_OK; i++) {
            err = hv_stmt_bind_null(s, first + i);
        }
        return err;
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_blob(s, first + 1, kdf->salt, sizeof(kdf->salt));
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, first + 2, (int64_t)kdf->opslimit);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, first + 3, (int64_t)kdf->memlimit);
    }
    return err;
}

static enum hv_err begin_key_change(struct hv_store *st, struct hv_diag *diag)
{
    if (hv_store_in_tx(st)) {
        hv_diag_set(diag, NULL, "key changes must run outside a transaction");
        return HV_ERR_INTERNAL;
    }
    enum hv_err err = hv_store_begin(st);
    if (err != HV_OK) {
        hv_diag_set(diag, NULL, "cannot start a transaction to change the keys");
    }
    return err;
}

enum hv_err hv_vault_setup(struct hv_store *st, const struct hv_vault_key_source *src,
                           struct hv_diag *diag)
{
    static const char sql_master[] = "INSERT INTO vault_master (id, kind, kdf_salt, "
                                     "kdf_opslimit, kdf_memlimit) VALUES (1, ?1, ?2, ?3, ?4)";
    diag_forget_msg(diag);
    struct hv_stmt *s = NULL;
    enum hv_err err = hv__vault_check_source(src, diag);
    if (err == HV_OK) {
        err = hv__vault_sodium_init(diag);
    }
    if (err != HV_OK) {
        return err;
    }
    /* Checked before the (slow) key derivation and again inside the transaction. */
    int64_t n_rows = 0;
    err = count_key_rows(st, &n_rows);
    if (err != HV_OK) {
        hv_diag_set(diag, NULL, "cannot read the keys of this database");
        return err;
    }
    if (n_rows != 0) {
        hv_diag_set(diag, NULL, "this database already has keys");
        return HV_ERR_CONFLICT;
    }
    struct hv__vault_kdf kdf;
    kdf_for_new_master(src, &kdf);
    /* master | data key | index key */
    uint8_t *keys = hv__vault_secure_alloc(3 * HV__VAULT_KEY_LEN);
    err = hv__vault_master_derive(src, &kdf, "this database", keys, diag);
    if (err != HV_OK) {
        goto out;
    }
    randombytes_buf(keys + HV__VAULT_KEY_LEN, 2 * HV__VAULT_KEY_LEN);

    err = begin_key_change(st, diag);
    if (err != HV_OK) {
        goto out;
    }
    err = count_key_rows(st, &n_rows);
    if (err == HV_OK && n_rows != 0) {
        hv_diag_set(diag, NULL, "this database already has keys");
        err = HV_ERR_CONFLICT;
    }
    if (err == HV_OK) {
        err = hv_store_stmt(st, sql_master, &s);
    }
    if (err == HV_OK) {
        err = bind_kdf(s, 1, &kdf);
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    if (err == HV_OK) {
        err = insert_key(st, keys, 1, HV__VAULT_PURPOSE_DATA, keys + HV__VAULT_KEY_LEN);
    }
    if (err == HV_OK) {
        err = insert_key(st, keys, 2, HV__VAULT_PURPOSE_INDEX, keys + 2 * HV__VAULT_KEY_LEN);
    }
    if (err == HV_OK) {
        err = hv_store_commit(st);
    }
    if (err != HV_OK) {
        hv_store_rollback(st);
        if (!hv_diag_has(diag)) {
            hv_diag_set(diag, NULL, "cannot store the keys of this database");
        }
    }
out:
    sodium_free(keys);
    sodium_memzero(&kdf, sizeof(kdf));
    return err;
}

/* Runs a checkpoint that truncates the WAL, so that rows just overwritten by secure_delete
 * have no older copy left in the log. */
static enum hv_err checkpoint(struct hv_store *st)
{
    return hv_store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)");
}

static enum hv_err rewrap_row(struct hv_store *st, const uint8_t *master, uint32_t id,
                              uint8_t pbyte, const uint8_t *key)
{
    static const char sql[] = "UPDATE vault_key SET wrapped = ?2 WHERE id = ?1";
    uint8_t wrapped[HV__VAULT_WRAPPED_LEN];
    hv__vault_wrap(master, pbyte, id, key, wrapped);
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, 1, id);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_blob(s, 2, wrapped, sizeof(wrapped));
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    if (err == HV_OK && hv_store_changes(st) != 1) {
        err = HV_ERR_CONFLICT;
    }
    return err;
}

enum hv_err hv_vault_rewrap(struct hv_store *st, struct hv_vault *v,
                            const struct hv_vault_key_source *dst, struct hv_diag *diag)
{
    static const char sql_master[] = "UPDATE vault_master SET kind = ?1, kdf_salt = ?2, "
                                     "kdf_opslimit = ?3, kdf_memlimit = ?4 "
                                     "WHERE id = 1 AND shredded_at IS NULL";
    static const char sql_count[] = "SELECT COUNT(*) FROM vault_key";
    diag_forget_msg(diag);
    struct hv_stmt *s = NULL;
    int64_t n_rows = 0;
    enum hv_err err = hv__vault_check_source(dst, diag);
    if (err == HV_OK) {
        err = hv__vault_sodium_init(diag);
    }
    if (err != HV_OK) {
        return err;
    }
    struct hv__vault_kdf kdf;
    kdf_for_new_master(dst, &kdf);
    uint8_t *master = hv__vault_secure_alloc(HV__VAULT_KEY_LEN);
    err = hv__vault_master_derive(dst, &kdf, "this database", master, diag);
    if (err != HV_OK) {
        goto out;
    }
    err = begin_key_change(st, diag);
    if (err != HV_OK) {
        goto out;
    }
    /* Every key must be re-wrapped: one this vault does not hold (added by another process
     * since it was opened) would be lost with the old master key. */
    err = hv_store_query_int(st, sql_count, false, 0, 0, &n_rows);
    if (err == HV_OK && n_rows != (int64_t)(v->n_data + 1)) {
        hv_diag_set(diag, NULL,
                    "the keys changed since this vault was opened: open it again and retry");
        err = HV_ERR_CONFLICT;
    }
    if (err == HV_OK) {
        err = hv_store_stmt(st, sql_master, &s);
    }
    if (err == HV_OK) {
        err = bind_kdf(s, 1, &kdf);
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    if (err == HV_OK && hv_store_changes(st) != 1) {
        hv_diag_set(diag, NULL, "this database has no live keys to re-wrap");
        err = HV_ERR_NOTFOUND;
    }
    if (err == HV_OK) {
        err = rewrap_row(st, master, v->index_key_id, HV__VAULT_PURPOSE_INDEX,
                         hv__vault_index_key(v));
    }
    for (size_t i = 0; i < v->n_data && err == HV_OK; i++) {
        err = rewrap_row(st, master, v->data_ids[i], HV__VAULT_PURPOSE_DATA,
                         hv__vault_data_key(v, i));
    }
    if (err == HV_OK) {
        err = hv_store_commit(st);
    }
    if (err != HV_OK) {
        hv_store_rollback(st);
        if (!hv_diag_has(diag)) {
            hv_diag_set(diag, NULL, "cannot re-wrap the keys of this database");
        }
        goto out;
    }
    sodium_mprotect_readwrite(v->secure);
    memcpy(v->secure, master, HV__VAULT_KEY_LEN);
    sodium_mprotect_readonly(v->secure);
    v->kdf = kdf;
    /* The new keys are committed; an old wrapped copy left in the WAL would still open with
     * the old master key until the next checkpoint, so try to drop it now. A busy reader
     * can make this fail: the next automatic checkpoint then does it. */
    if (checkpoint(st) != HV_OK) {
        /* Not an error for the caller; see above. */
    }
out:
    sodium_free(master);
    sodium_memzero(&kdf, sizeof(kdf));
    return err;
}

enum hv_err hv_vault_rotate_data_key(struct hv_store *st, struct hv_vault *v, uint32_t *new_key_id,
                                     struct hv_diag *diag)
{
    static const char sql_clear[] = "UPDATE vault_key SET is_current = 0 "
                                    "WHERE purpose = 'data'";
    diag_forget_msg(diag);
    struct hv_stmt *s = NULL;
    uint32_t id = 0;
    enum hv_err err = hv__vault_sodium_init(diag);
    if (err != HV_OK) {
        return err;
    }
    uint8_t *key = hv__vault_secure_alloc(HV__VAULT_KEY_LEN);
    randombytes_buf(key, HV__VAULT_KEY_LEN);
    err = begin_key_change(st, diag);
    if (err != HV_OK) {
        goto out;
    }
    err = next_key_id(st, &id, diag);
    if (err == HV_OK) {
        err = hv_store_stmt(st, sql_clear, &s);
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    if (err == HV_OK) {
        err = insert_key(st, hv__vault_master(v), id, HV__VAULT_PURPOSE_DATA, key);
    }
    if (err == HV_OK) {
        err = hv_store_commit(st);
    }
    if (err != HV_OK) {
        hv_store_rollback(st);
        if (!hv_diag_has(diag)) {
            hv_diag_set(diag, NULL, "cannot add a data key to this database");
        }
        goto out;
    }
    if (v->n_data == v->cap_data) {
        vault_resize(v, v->cap_data * 2);
    } else {
        sodium_mprotect_readwrite(v->secure);
    }
    memcpy(v->secure + (2 + v->n_data) * HV__VAULT_KEY_LEN, key, HV__VAULT_KEY_LEN);
    sodium_mprotect_readonly(v->secure);
    v->data_ids[v->n_data] = id;
    v->current = v->n_data;
    v->n_data++;
    if (new_key_id != NULL) {
        *new_key_id = id;
    }
out:
    sodium_free(key);
    return err;
}

enum hv_err hv_vault_retire_old_keys(struct hv_store *st, struct hv_vault *v, struct hv_diag *diag)
{
    static const char sql_current[] = "SELECT id FROM vault_key "
                                      "WHERE purpose = 'data' AND is_current = 1";
    static const char sql_delete[] = "DELETE FROM vault_key "
                                     "WHERE purpose = 'data' AND is_current = 0";
    diag_forget_msg(diag);
    enum hv_err err = begin_key_change(st, diag);
    if (err != HV_OK) {
        return err;
    }
    /* Another process may have rotated since this vault was opened: never delete the key
     * the database considers current. */
    int64_t current = 0;
    err = hv_store_query_int(st, sql_current, false, 0, 0, &current);
    if (err == HV_OK && current != (int64_t)hv_vault_current_key_id(v)) {
        hv_diag_set(diag, NULL,
                    "the keys changed since this vault was opened: open it again and retry");
        err = HV_ERR_CONFLICT;
    }
    struct hv_stmt *s = NULL;
    if (err == HV_OK) {
        err = hv_store_stmt(st, sql_delete, &s);
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    if (err == HV_OK) {
        err = hv_store_commit(st);
    }
    if (err != HV_OK) {
        hv_store_rollback(st);
        if (!hv_diag_has(diag)) {
            hv_diag_set(diag, NULL, "cannot retire the old data keys of this database");
        }
        return err;
    }
    /* Keep only the current data key, at slot 0. */
    sodium_mprotect_readwrite(v->secure);
    if (v->current != 0) {
        memcpy(v->secure + 2 * HV__VAULT_KEY_LEN, hv__vault_data_key(v, v->current),
               HV__VAULT_KEY_LEN);
    }
    sodium_memzero(v->secure + 3 * HV__VAULT_KEY_LEN, (v->cap_data - 1) * HV__VAULT_KEY_LEN);
    sodium_mprotect_readonly(v->secure);
    v->data_ids[0] = v->data_ids[v->current];
    v->current = 0;
    v->n_data = 1;
    if (checkpoint(st) != HV_OK) {
        /* Best effort, as in rewrap: the next automatic checkpoint drops the old pages. */
    }
    return HV_OK;
}

/* Overwrites the file at path with random bytes, syncs it, unlinks it and syncs its
 * directory. A symlink's target is overwritten; the link itself is what gets unlinked. */
static enum hv_err destroy_key_file(const char *path, struct hv_diag *diag)
{
    char ebuf[128];
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (strerror_r(e, ebuf, sizeof(ebuf)) != 0) {
            snprintf(ebuf, sizeof(ebuf), "error %d", e);
        }
        hv_diag_set(diag, "key",
                    "the database keys were shredded, but key file %s could not be opened: %s",
                    path, ebuf);
        return HV_ERR_IO;
    }
    enum hv_err err = HV_ERR_IO;
    struct stat sb;
    uint8_t noise[4096];
    size_t size = 0, done = 0;
    if (fstat(fd, &sb) != 0) {
        goto out;
    }
    size = sb.st_size > HV__VAULT_KEY_LEN ? (size_t)sb.st_size : HV__VAULT_KEY_LEN;
    while (done < size) {
        size_t n = size - done < sizeof(noise) ? size - done : sizeof(noise);
        randombytes_buf(noise, n);
        ssize_t w = write(fd, noise, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            goto out;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0) {
        goto out;
    }
    err = HV_OK;
out:
    if (close(fd) != 0) {
        err = HV_ERR_IO;
    }
    if (err == HV_OK && unlink(path) != 0) {
        err = HV_ERR_IO;
    }
    if (err != HV_OK) {
        hv_diag_set(diag, "key",
                    "the database keys were shredded, but key file %s could not be destroyed",
                    path);
        return err;
    }
    /* Make the unlink durable. Best effort: the content is already overwritten. */
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (slash == NULL) {
        snprintf(dir, sizeof(dir), ".");
    } else if (slash == path) {
        snprintf(dir, sizeof(dir), "/");
    } else if ((size_t)(slash - path) < sizeof(dir)) {
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    } else {
        return HV_OK;
    }
    int dfd = open(dir, O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync(dfd) != 0) {
            /* Some file systems refuse fsync on directories; the unlink still happened. */
        }
        close(dfd);
    }
    return HV_OK;
}

enum hv_err hv_vault_shred(struct hv_store *st, const char *key_file, struct hv_diag *diag)
{
    static const char sql_mark[] = "UPDATE vault_master SET shredded_at = "
                                   "COALESCE(shredded_at, ?1) WHERE id = 1";
    static const char sql_delete[] = "DELETE FROM vault_key";
    static const char sql_count[] = "SELECT COUNT(*) FROM vault_master";
    enum hv_err err = hv__vault_sodium_init(diag);
    if (err != HV_OK) {
        return err;
    }
    if (hv_store_in_tx(st)) {
        hv_diag_set(diag, NULL, "shredding must run outside a transaction");
        return HV_ERR_INTERNAL;
    }
    /* Refuse a database that never had keys: a wrong --db must not destroy a key file. */
    int64_t n_master = 0;
    err = hv_store_query_int(st, sql_count, false, 0, 0, &n_master);
    if (err != HV_OK) {
        hv_diag_set(diag, NULL, "cannot read the keys of this database");
        return err;
    }
    if (n_master == 0) {
        hv_diag_set(diag, NULL, "this database has no keys to shred");
        return HV_ERR_NOTFOUND;
    }
    err = begin_key_change(st, diag);
    if (err != HV_OK) {
        return err;
    }
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(st, sql_mark, &s);
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, 1, (int64_t)time(NULL));
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    if (err == HV_OK) {
        err = hv_store_stmt(st, sql_delete, &s);
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    if (err == HV_OK) {
        err = hv_store_commit(st);
    }
    if (err != HV_OK) {
        hv_store_rollback(st);
        hv_diag_set(diag, NULL, "cannot delete the keys of this database; nothing was shredded");
        return err;
    }
    /* secure_delete (set by the store) zeroed the deleted rows in their pages. The WAL may
     * still hold older copies of those pages and the file free pages: checkpoint into the
     * main file and truncate the WAL, rebuild the file, then checkpoint the rebuilt pages
     * too. */
    enum hv_err db_err = checkpoint(st);
    if (db_err == HV_OK) {
        db_err = hv_store_exec(st, "VACUUM");
    }
    if (db_err == HV_OK) {
        db_err = checkpoint(st);
    }
    /* The key file goes even when the clean-up above failed: the keys are already deleted
     * from the database's point of view, and the file is the only other way in. */
    if (key_file != NULL) {
        err = destroy_key_file(key_file, diag);
        if (err != HV_OK) {
            return err;
        }
    }
    if (db_err != HV_OK) {
        hv_diag_set(diag, NULL,
                    "the keys were deleted, but old copies may remain in the database file "
                    "until it is vacuumed (is another process using it?)");
        return db_err;
    }
    return HV_OK;
}
