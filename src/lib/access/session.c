/* session.c - sign-in with lock-out and back-off, login sessions and API tokens (stored as
 * keyed hashes only), look-up, logout and expiry.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/access.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "access/access_int.h"
#include "haven/audit.h"
#include "haven/store.h"
#include "haven/vault.h"

static const char token_label[] = "haven.access.token";

void hv_access_token_hash(const struct hv_ctx *ctx, struct hv_str token, uint8_t out[32])
{
    struct hv_hash h;
    if (ctx->vault != NULL) {
        uint8_t buf[sizeof(token_label) + HV_ACCESS_TOKEN_LEN];
        size_t n = token.len < HV_ACCESS_TOKEN_LEN ? token.len : HV_ACCESS_TOKEN_LEN;
        memcpy(buf, token_label, sizeof(token_label));
        if (n > 0)
            memcpy(buf + sizeof(token_label), token.ptr, n);
        hv_vault_mac(ctx->vault, buf, sizeof(token_label) + n, out);
        sodium_memzero(buf, sizeof(buf));
        return;
    }
    /* Without a vault (never in the server): an unkeyed hash, so nothing matches a keyed one. */
    hv_hash_init(&h);
    hv_hash_update(&h, token_label, sizeof(token_label));
    hv_hash_update(&h, token.ptr, token.len);
    hv_hash_final(&h, out);
}

/* prefix + base64url of n random bytes into out (cap bytes). */
static enum hv_err random_text(const char *prefix, size_t n, char *out, size_t cap)
{
    uint8_t raw[32];
    if (n > sizeof(raw) || sodium_init() < 0)
        return HV_ERR_INTERNAL;
    enum hv_err err = hv_random_bytes(raw, n);
    if (err != HV_OK)
        return err;
    size_t p = strlen(prefix);
    size_t need = p + sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (need > cap)
        return HV_ERR_INTERNAL;
    memcpy(out, prefix, p);
    sodium_bin2base64(out + p, cap - p, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    return HV_OK;
}

struct user_row {
    int64_t id;
    enum hv_role role;
    char sites[HV_ACCESS_MAX_SITES * HV_ACCESS_MAX_REF];
    char pw_hash[HV__ACCESS_HASH_LEN];
    bool disabled;
    int64_t failed, locked_until;
};

static void copy_z(char *dst, size_t cap, struct hv_str s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    if (n > 0)
        memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

static enum hv_err load_user(struct hv_ctx *ctx, const char *username, struct user_row *u,
                             bool *found)
{
    static const char sql[] = "SELECT id, role, sites, pw_hash, disabled, failed, locked_until "
                              "FROM access_user WHERE username = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    *found = false;
    memset(u, 0, sizeof(*u));
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(username));
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK && row) {
        u->id = hv_stmt_col_int(s, 0);
        if (!hv_role_parse(hv_stmt_col_text(s, 1), &u->role))
            err = HV_ERR_INTERNAL;
        copy_z(u->sites, sizeof(u->sites), hv_stmt_col_text(s, 2));
        copy_z(u->pw_hash, sizeof(u->pw_hash), hv_stmt_col_text(s, 3));
        u->disabled = hv_stmt_col_int(s, 4) != 0;
        u->failed = hv_stmt_col_int(s, 5);
        u->locked_until = hv_stmt_col_int(s, 6);
        *found = err == HV_OK;
    }
    hv__access_stmt_release(ctx->store, sql);
    return err;
}

static void fill_principal(struct hv_principal *p, int64_t id, const char *username,
                           enum hv_role role, const char *sites)
{
    memset(p, 0, sizeof(*p));
    p->user_id = id;
    copy_z(p->username, sizeof(p->username), hv_str_c(username));
    p->role = role;
    hv__access_parse_sites(p, hv_str_c(sites));
}

/* Inserts a token row for the session in out (token and csrf already generated). */
static enum hv_err insert_token(struct hv_ctx *ctx, const struct hv_access_session *out,
                                const char *label, int64_t now)
{
    static const char sql[] = "INSERT INTO access_token (token_hash, user_id, kind, label, csrf,"
                              " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    uint8_t th[32];
    hv_access_token_hash(ctx, hv_str_c(out->token), th);
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_blob(s, 1, th, sizeof(th));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, out->who.user_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(out->api ? "api" : "session"));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, hv_str_c(label));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, hv_str_c(out->csrf));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 6, now);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 7, out->expires_at);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

/* Records a failed attempt (counter, lock-out) and its audit entry in one transaction. */
static enum hv_err record_failure(struct hv_ctx *ctx, const struct user_row *u, bool found,
                                  const char *action, int64_t now)
{
    static const char sql[] = "UPDATE access_user SET failed = ?2, locked_until = ?3 WHERE id = ?1";
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    char detail[96] = "unknown user";
    if (found && strcmp(action, "auth.fail") == 0) {
        int64_t failed = u->failed + 1;
        int64_t locked = 0;
        if (failed >= HV_ACCESS_LOCK_AFTER) {
            int64_t shift = failed - HV_ACCESS_LOCK_AFTER;
            int64_t secs = shift >= 7 ? HV_ACCESS_LOCK_MAX : (int64_t)HV_ACCESS_LOCK_BASE << shift;
            if (secs > HV_ACCESS_LOCK_MAX)
                secs = HV_ACCESS_LOCK_MAX;
            locked = now + secs;
        }
        struct hv_stmt *s = NULL;
        err = hv_store_stmt(ctx->store, sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, u->id);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 2, failed);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 3, locked);
        if (err == HV_OK)
            err = hv_stmt_run(s);
        snprintf(detail, sizeof(detail), "failed=%lld%s", (long long)failed,
                 locked != 0 ? " locked" : "");
    } else if (found) {
        snprintf(detail, sizeof(detail), "%s", u->disabled ? "disabled" : "locked");
    }
    if (err == HV_OK)
        err = hv_audit_append(ctx, action, "user", found ? u->id : 0, detail, NULL, NULL);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
    return err;
}

enum hv_err hv_access_login(struct hv_ctx *ctx, const char *username, const char *password,
                            int64_t ttl, struct hv_access_session *out, struct hv_diag *diag)
{
    static const char ok_sql[] =
        "UPDATE access_user SET failed = 0, locked_until = 0 WHERE id = ?1";
    memset(out, 0, sizeof(*out));
    struct hv_ctx actx = *ctx;
    bool name_ok = hv__access_name_ok(username);
    actx.actor = name_ok ? username : "anonymous";
    int64_t now = hv_clock_now(&ctx->clock);
    struct user_row u;
    bool found = false;
    enum hv_err err = HV_OK;
    if (name_ok)
        err = load_user(ctx, username, &u, &found);
    if (err != HV_OK)
        return err;
    if (found && u.locked_until > now) {
        long long wait = (long long)(u.locked_until - now);
        err = record_failure(&actx, &u, true, "auth.locked", now);
        sodium_memzero(&u, sizeof(u));
        if (err != HV_OK)
            return err;
        hv_diag_set(diag, NULL, "too many failed sign-ins: try again in %lld seconds", wait);
        return HV_ERR_LIMIT;
    }
    bool good = false;
    if (found) {
        good = hv__access_verify_password(u.pw_hash, password);
    } else {
        /* The same work for unknown names, so timing does not reveal which names exist. */
        char dummy[HV__ACCESS_HASH_LEN];
        err = hv__access_hash_password(password, dummy);
        sodium_memzero(dummy, sizeof(dummy));
        if (err != HV_OK)
            return err;
    }
    if (!good || u.disabled) {
        err = record_failure(&actx, &u, found, found && u.disabled ? "auth.disabled" : "auth.fail",
                             now);
        sodium_memzero(&u, sizeof(u));
        if (err != HV_OK)
            return err;
        hv_diag_set(diag, NULL, "wrong username or password");
        return HV_ERR_FORBIDDEN;
    }
    fill_principal(&out->who, u.id, username, u.role, u.sites);
    sodium_memzero(&u, sizeof(u));
    out->expires_at = now + ttl;
    err = random_text("hvs_", 32, out->token, sizeof(out->token));
    if (err == HV_OK)
        err = random_text("", 24, out->csrf, sizeof(out->csrf));
    if (err == HV_OK)
        err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, ok_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, out->who.user_id);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = insert_token(ctx, out, "", now);
    char detail[64];
    snprintf(detail, sizeof(detail), "role=%s", hv_role_name(out->who.role));
    if (err == HV_OK)
        err = hv_audit_append(&actx, "auth.login", "user", out->who.user_id, detail, NULL, NULL);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        sodium_memzero(out, sizeof(*out));
    }
    return err;
}

enum hv_err hv_access_token_create(struct hv_ctx *ctx, const char *username, const char *label,
                                   int64_t ttl, struct hv_access_session *out, struct hv_diag *diag)
{
    memset(out, 0, sizeof(*out));
    if (label == NULL)
        label = "";
    if (strlen(label) > 64 || !hv_utf8_valid(label, strlen(label))) {
        hv_diag_set(diag, "label", "a label has at most 64 bytes of UTF-8");
        return HV_ERR_INVALID;
    }
    struct user_row u;
    bool found = false;
    enum hv_err err = hv__access_name_ok(username) ? load_user(ctx, username, &u, &found) : HV_OK;
    if (err != HV_OK)
        return err;
    if (!found || u.disabled) {
        hv_diag_set(diag, "username", "no active user %s", username);
        return HV_ERR_NOTFOUND;
    }
    int64_t now = hv_clock_now(&ctx->clock);
    fill_principal(&out->who, u.id, username, u.role, u.sites);
    sodium_memzero(&u, sizeof(u));
    out->api = true;
    out->expires_at = now + ttl;
    err = random_text("hvt_", 32, out->token, sizeof(out->token));
    if (err == HV_OK)
        err = random_text("", 24, out->csrf, sizeof(out->csrf));
    if (err == HV_OK)
        err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    err = insert_token(ctx, out, label, now);
    if (err == HV_OK)
        err =
            hv_audit_append(ctx, "token.create", "user", out->who.user_id, "api token", NULL, NULL);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        sodium_memzero(out, sizeof(*out));
    }
    return err;
}

static bool token_shape_ok(struct hv_str t)
{
    if (t.len < 8 || t.len >= HV_ACCESS_TOKEN_LEN)
        return false;
    for (size_t i = 0; i < t.len; i++) {
        char c = t.ptr[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

enum hv_err hv_access_authenticate(struct hv_ctx *ctx, struct hv_str token,
                                   struct hv_access_session *out)
{
    static const char sql[] =
        "SELECT u.id, u.username, u.role, u.sites, t.kind, t.csrf, t.expires_at "
        "FROM access_token t JOIN access_user u ON u.id = t.user_id "
        "WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0";
    memset(out, 0, sizeof(*out));
    if (!token_shape_ok(token))
        return HV_ERR_NOTFOUND;
    uint8_t th[32];
    hv_access_token_hash(ctx, token, th);
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_blob(s, 1, th, sizeof(th));
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK && !row)
        err = HV_ERR_NOTFOUND;
    if (err == HV_OK) {
        char name[HV_ACCESS_MAX_NAME], sites[HV_ACCESS_MAX_SITES * HV_ACCESS_MAX_REF];
        enum hv_role role;
        copy_z(name, sizeof(name), hv_stmt_col_text(s, 1));
        copy_z(sites, sizeof(sites), hv_stmt_col_text(s, 3));
        if (!hv_role_parse(hv_stmt_col_text(s, 2), &role)) {
            err = HV_ERR_INTERNAL;
        } else {
            fill_principal(&out->who, hv_stmt_col_int(s, 0), name, role, sites);
            out->api = hv_str_eqz(hv_stmt_col_text(s, 4), "api");
            copy_z(out->csrf, sizeof(out->csrf), hv_stmt_col_text(s, 5));
            out->expires_at = hv_stmt_col_int(s, 6);
            if (out->expires_at <= hv_clock_now(&ctx->clock))
                err = HV_ERR_NOTFOUND;
        }
    }
    hv__access_stmt_release(ctx->store, sql);
    if (err != HV_OK)
        memset(out, 0, sizeof(*out));
    return err;
}

static enum hv_err update_token(struct hv_ctx *ctx, struct hv_str token, bool revoke,
                                int64_t expires_at, int64_t *user_id)
{
    static const char find_sql[] = "SELECT user_id FROM access_token WHERE token_hash = ?1 AND "
                                   "revoked_at IS NULL";
    static const char revoke_sql[] =
        "UPDATE access_token SET revoked_at = ?2 WHERE token_hash = ?1";
    static const char expire_sql[] =
        "UPDATE access_token SET expires_at = ?2 WHERE token_hash = ?1";
    if (!token_shape_ok(token))
        return HV_ERR_NOTFOUND;
    uint8_t th[32];
    hv_access_token_hash(ctx, token, th);
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, find_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_blob(s, 1, th, sizeof(th));
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK && !row)
        err = HV_ERR_NOTFOUND;
    if (err == HV_OK)
        *user_id = hv_stmt_col_int(s, 0);
    hv__access_stmt_release(ctx->store, find_sql);
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, revoke ? revoke_sql : expire_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_blob(s, 1, th, sizeof(th));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, revoke ? hv_clock_now(&ctx->clock) : expires_at);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

enum hv_err hv_access_logout(struct hv_ctx *ctx, struct hv_str token)
{
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    int64_t uid = 0;
    err = update_token(ctx, token, true, 0, &uid);
    if (err == HV_OK)
        err = hv_audit_append(ctx, "auth.logout", "user", uid, "", NULL, NULL);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
    return err;
}

enum hv_err hv_access_token_expire(struct hv_ctx *ctx, struct hv_str token, int64_t expires_at)
{
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    int64_t uid = 0;
    err = update_token(ctx, token, false, expires_at, &uid);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    if (err != HV_OK)
        hv_store_rollback(ctx->store);
    return err;
}
