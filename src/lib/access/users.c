/* users.c - users with Argon2id password hashes (libsodium crypto_pwhash_str), roles and site
 * scopes, and the small secret-handling helpers of the access module.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/access.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "access/access_int.h"
#include "haven/audit.h"
#include "haven/store.h"

bool hv_access_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

void hv_access_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}

void hv__access_stmt_release(struct hv_store *st, const char *sql)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s); /* fetching resets it */
    (void)err;
}

bool hv__access_name_ok(const char *z)
{
    size_t n = strnlen(z, HV_ACCESS_MAX_NAME);
    if (n == 0 || n >= HV_ACCESS_MAX_NAME)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

static enum hv_err check_password(const char *pw, struct hv_diag *diag)
{
    size_t n = strnlen(pw, HV_ACCESS_MAX_PASSWORD + 1);
    if (n < HV_ACCESS_MIN_PASSWORD || n > HV_ACCESS_MAX_PASSWORD || !hv_utf8_valid(pw, n)) {
        hv_diag_set(diag, "password", "a password has %d to %d bytes of UTF-8",
                    HV_ACCESS_MIN_PASSWORD, HV_ACCESS_MAX_PASSWORD);
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

enum hv_err hv__access_hash_password(const char *pw, char out[HV__ACCESS_HASH_LEN])
{
    if (sodium_init() < 0)
        return HV_ERR_CRYPTO;
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return HV_ERR_NOMEM; /* the memory limit could not be allocated */
    return HV_OK;
}

bool hv__access_verify_password(const char *hash, const char *pw)
{
    if (sodium_init() < 0)
        return false;
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

/* Checks that every ref of the ';'-list sites is a site; counts them. */
static enum hv_err check_sites(struct hv_ctx *ctx, const char *sites, size_t *n_out,
                               struct hv_diag *diag)
{
    static const char sql[] = "SELECT count(*) FROM site WHERE ref = ?1";
    size_t n = 0;
    const char *p = sites;
    *n_out = 0;
    if (strlen(sites) >= HV_ACCESS_MAX_SITES * HV_ACCESS_MAX_REF) {
        hv_diag_set(diag, "sites", "too many sites");
        return HV_ERR_INVALID;
    }
    while (*p != '\0') {
        const char *e = strchr(p, ';');
        size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
        if (len == 0 || len >= HV_ACCESS_MAX_REF || n >= HV_ACCESS_MAX_SITES) {
            hv_diag_set(diag, "sites", "a ';'-list of at most %d site refs", HV_ACCESS_MAX_SITES);
            return HV_ERR_INVALID;
        }
        struct hv_stmt *s = NULL;
        bool row = false;
        enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 1, (struct hv_str){ p, len });
        if (err == HV_OK)
            err = hv_stmt_step(s, &row);
        if (err != HV_OK)
            return err;
        if (!row || hv_stmt_col_int(s, 0) == 0) {
            hv_diag_set(diag, "sites", "no site %.*s", (int)len, p);
            return HV_ERR_NOTFOUND;
        }
        n++;
        p += len;
        if (*p == ';')
            p++;
    }
    *n_out = n;
    return HV_OK;
}

enum hv_err hv_access_user_add(struct hv_ctx *ctx, const char *username, enum hv_role role,
                               const char *sites, const char *password, struct hv_diag *diag)
{
    static const char sql[] =
        "INSERT INTO access_user (username, role, sites, pw_hash, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
    if (!hv__access_name_ok(username)) {
        hv_diag_set(diag, "username", "a username is 1 to 63 of a-z 0-9 . _ -");
        return HV_ERR_INVALID;
    }
    if ((unsigned)role >= HV_N_ROLES) {
        hv_diag_set(diag, "role", "unknown role");
        return HV_ERR_INVALID;
    }
    if (sites == NULL)
        sites = "";
    if (role == HV_ROLE_SITE_MANAGER && sites[0] == '\0') {
        hv_diag_set(diag, "sites", "a site manager needs at least one site");
        return HV_ERR_INVALID;
    }
    if (role != HV_ROLE_SITE_MANAGER && sites[0] != '\0') {
        hv_diag_set(diag, "sites", "only a site manager has a site scope");
        return HV_ERR_INVALID;
    }
    enum hv_err err = check_password(password, diag);
    if (err != HV_OK)
        return err;
    char hash[HV__ACCESS_HASH_LEN];
    err = hv__access_hash_password(password, hash);
    if (err != HV_OK)
        return err;
    err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    size_t n_sites = 0;
    err = check_sites(ctx, sites, &n_sites, diag);
    struct hv_stmt *s = NULL;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(username));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hv_role_name(role)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(sites));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, hv_str_c(hash));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 5, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_ERR_CONFLICT)
        hv_diag_set(diag, "username", "the user %s exists already", username);
    int64_t id = 0;
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, "SELECT last_insert_rowid()", false, 0, 0, &id);
    char detail[96];
    snprintf(detail, sizeof(detail), "role=%s sites=%zu", hv_role_name(role), n_sites);
    if (err == HV_OK)
        err = hv_audit_append(ctx, "user.add", "user", id, detail, NULL, NULL);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
    sodium_memzero(hash, sizeof(hash));
    return err;
}

/* Looks up a user's id by name inside the open transaction (HV_ERR_NOTFOUND with diag). */
static enum hv_err user_id(struct hv_ctx *ctx, const char *username, int64_t *id,
                           struct hv_diag *diag)
{
    static const char sql[] = "SELECT id FROM access_user WHERE username = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(username));
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(diag, "username", "no user %s", username);
        return HV_ERR_NOTFOUND;
    }
    *id = hv_stmt_col_int(s, 0);
    return HV_OK;
}

enum hv_err hv__access_revoke_user(struct hv_ctx *ctx, int64_t id)
{
    static const char sql[] = "UPDATE access_token SET revoked_at = ?2 "
                              "WHERE user_id = ?1 AND revoked_at IS NULL";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

enum hv_err hv_access_user_passwd(struct hv_ctx *ctx, const char *username, const char *password,
                                  struct hv_diag *diag)
{
    static const char sql[] = "UPDATE access_user SET pw_hash = ?2, failed = 0, locked_until = 0,"
                              " updated_at = ?3 WHERE id = ?1";
    enum hv_err err = check_password(password, diag);
    if (err != HV_OK)
        return err;
    char hash[HV__ACCESS_HASH_LEN];
    err = hv__access_hash_password(password, hash);
    if (err != HV_OK)
        return err;
    err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    int64_t id = 0;
    struct hv_stmt *s = NULL;
    err = user_id(ctx, username, &id, diag);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hash));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = hv__access_revoke_user(ctx, id);
    if (err == HV_OK)
        err = hv_audit_append(ctx, "user.passwd", "user", id, "sessions revoked", NULL, NULL);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
    sodium_memzero(hash, sizeof(hash));
    return err;
}

enum hv_err hv_access_user_disable(struct hv_ctx *ctx, const char *username, bool disabled,
                                   struct hv_diag *diag)
{
    static const char sql[] =
        "UPDATE access_user SET disabled = ?2, failed = 0, locked_until = 0, updated_at = ?3 "
        "WHERE id = ?1";
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    int64_t id = 0;
    struct hv_stmt *s = NULL;
    err = user_id(ctx, username, &id, diag);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, disabled ? 1 : 0);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK && disabled)
        err = hv__access_revoke_user(ctx, id);
    if (err == HV_OK)
        err = hv_audit_append(ctx, disabled ? "user.disable" : "user.enable", "user", id, "", NULL,
                              NULL);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
    return err;
}

static void copy_z(char *dst, size_t cap, struct hv_str s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    if (n > 0)
        memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

void hv__access_parse_sites(struct hv_principal *p, struct hv_str sites)
{
    p->n_sites = 0;
    size_t i = 0;
    while (i < sites.len && p->n_sites < HV_ACCESS_MAX_SITES) {
        size_t j = i;
        while (j < sites.len && sites.ptr[j] != ';')
            j++;
        if (j > i)
            copy_z(p->sites[p->n_sites++], HV_ACCESS_MAX_REF,
                   (struct hv_str){ sites.ptr + i, j - i });
        i = j + 1;
    }
}

enum hv_err hv_access_user_each(struct hv_ctx *ctx, hv_access_user_fn *fn, void *ud)
{
    static const char sql[] = "SELECT id, username, role, sites, disabled, failed, locked_until,"
                              " created_at FROM access_user ORDER BY username";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    bool row = false;
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        struct hv_access_user u;
        memset(&u, 0, sizeof(u));
        u.id = hv_stmt_col_int(s, 0);
        copy_z(u.username, sizeof(u.username), hv_stmt_col_text(s, 1));
        if (!hv_role_parse(hv_stmt_col_text(s, 2), &u.role))
            return HV_ERR_INTERNAL;
        copy_z(u.sites, sizeof(u.sites), hv_stmt_col_text(s, 3));
        u.disabled = hv_stmt_col_int(s, 4) != 0;
        u.failed = hv_stmt_col_int(s, 5);
        u.locked_until = hv_stmt_col_int(s, 6);
        u.created_at = hv_stmt_col_int(s, 7);
        err = fn(ud, &u);
    }
    hv__access_stmt_release(ctx->store, sql);
    return err;
}
