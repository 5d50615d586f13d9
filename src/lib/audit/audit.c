/* audit.c - appending to the hash-chained audit log inside the caller's transaction, and
 * listing its entries. Verification is in audit_verify.c, the hashed encoding in audit_hash.c.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/audit.h"

#include <string.h>

#include "audit/audit_int.h"
#include "haven/log.h"
#include "haven/store.h"
#include "haven/str.h"

/* The newest entry as recorded in audit_head (seq 0 and a zero hash before the first). */
struct head {
    bool present;
    int64_t seq;
    uint8_t hash[32];
};

/* Fetching a cached statement again resets it: this ends a read that stopped early, so an
 * abandoned SELECT never keeps a read snapshot (or, without WAL, a shared lock) open. */
static void stmt_release(struct hv_store *st, const char *sql)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    (void)err;
}

/* Checks a caller string against its field size (the entry struct's array, NUL included)
 * and UTF-8; NULL is "" unless the field is required. */
static bool check_field(const char *z, size_t cap, bool required, struct hv_str *out)
{
    if (z == NULL) {
        *out = HV_STR(""); /* stored as '' (the columns are NOT NULL), hashed as empty */
        return !required;
    }
    size_t n = strnlen(z, cap);
    if (n >= cap || (required && n == 0) || !hv_utf8_valid(z, n)) {
        return false;
    }
    *out = (struct hv_str){ z, n };
    return true;
}

static enum hv_err read_head(struct hv_store *st, const struct hv_logger *log, struct head *h)
{
    static const char sql[] = "SELECT seq, hash FROM audit_head WHERE id = 1";
    struct hv_stmt *s = NULL;
    bool row = false;

    memset(h, 0, sizeof(*h));
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err != HV_OK) {
        return err;
    }
    err = hv_stmt_step(s, &row);
    if (err != HV_OK || !row) {
        goto out;
    }
    h->present = true;
    h->seq = hv_stmt_col_int(s, 0);
    struct hv_str hash = hv_stmt_col_blob(s, 1);
    if (h->seq < 1 || hash.len != sizeof(h->hash)) {
        /* Appending onto a damaged head would hide the damage; refuse and let an auditor look. */
        hv_log(log, HV_LOG_ERROR, "audit: the head record is malformed; run `haven audit verify`");
        err = HV_ERR_DB;
        goto out;
    }
    memcpy(h->hash, hash.ptr, sizeof(h->hash));
out:
    stmt_release(st, sql);
    return err;
}

static enum hv_err insert_entry(struct hv_store *st, const struct hv__audit_fields *f,
                                const uint8_t hash[32])
{
    static const char sql[] =
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, detail, change_hash,"
        " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err != HV_OK) {
        return err;
    }
    err = hv_stmt_bind_int(s, 1, f->seq);
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, 2, f->at);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_text(s, 3, f->actor);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_text(s, 4, f->action);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_text(s, 5, f->entity);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, 6, f->entity_id);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_text(s, 7, f->detail);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_blob(s, 8, f->change_hash.ptr, f->change_hash.len);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_blob(s, 9, f->prev_hash.ptr, f->prev_hash.len);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_blob(s, 10, hash, 32);
    }
    if (err != HV_OK) {
        return err;
    }
    return hv_stmt_run(s);
}

static enum hv_err insert_head(struct hv_store *st, int64_t seq, const uint8_t hash[32])
{
    static const char sql[] = "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err != HV_OK) {
        return err;
    }
    err = hv_stmt_bind_int(s, 1, seq);
    if (err == HV_OK) {
        err = hv_stmt_bind_blob(s, 2, hash, 32);
    }
    if (err != HV_OK) {
        return err;
    }
    return hv_stmt_run(s);
}

/* Moves the head from old_seq to seq; a head that moved meanwhile is a conflict. */
static enum hv_err update_head(struct hv_store *st, int64_t old_seq, int64_t seq,
                               const uint8_t hash[32])
{
    static const char sql[] = "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1 AND seq = ?3";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err != HV_OK) {
        return err;
    }
    err = hv_stmt_bind_int(s, 1, seq);
    if (err == HV_OK) {
        err = hv_stmt_bind_blob(s, 2, hash, 32);
    }
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, 3, old_seq);
    }
    if (err == HV_OK) {
        err = hv_stmt_run(s);
    }
    if (err == HV_OK && hv_store_changes(st) != 1) {
        err = HV_ERR_CONFLICT;
    }
    return err;
}

enum hv_err hv_audit_append(struct hv_ctx *ctx, const char *action, const char *entity,
                            int64_t entity_id, const char *detail, const uint8_t change_hash[32],
                            int64_t *seq)
{
    static const uint8_t zeros[32];
    const struct hv_audit_entry *shape = NULL; /* only for the field sizes */
    struct hv__audit_fields f;
    struct head head;
    uint8_t hash[32];

    if (ctx == NULL || ctx->store == NULL) {
        return HV_ERR_INTERNAL;
    }
    if (!hv_store_in_tx(ctx->store)) {
        hv_log(ctx->log, HV_LOG_ERROR, "audit: append outside a transaction (a bug)");
        return HV_ERR_INTERNAL;
    }
    memset(&f, 0, sizeof(f));
    if (!check_field(ctx->actor, sizeof(shape->actor), true, &f.actor) ||
        !check_field(action, sizeof(shape->action), true, &f.action) ||
        !check_field(entity, sizeof(shape->entity), false, &f.entity) ||
        !check_field(detail, sizeof(shape->detail), false, &f.detail)) {
        hv_log(ctx->log, HV_LOG_WARN,
               "audit: refused an entry with an empty actor or action, a field over its size,"
               " or invalid UTF-8");
        return HV_ERR_INVALID;
    }

    enum hv_err err = read_head(ctx->store, ctx->log, &head);
    if (err != HV_OK) {
        return err;
    }
    if (head.seq == INT64_MAX) {
        return HV_ERR_LIMIT;
    }
    f.seq = head.seq + 1;
    f.at = hv_clock_now(&ctx->clock);
    f.entity_id = entity_id;
    f.change_hash =
        (struct hv_str){ (const char *)(change_hash != NULL ? change_hash : zeros), 32 };
    f.prev_hash = (struct hv_str){ (const char *)head.hash, sizeof(head.hash) };
    hv__audit_hash(&f, hash);

    err = insert_entry(ctx->store, &f, hash);
    if (err != HV_OK) {
        return err;
    }
    err = head.present ? update_head(ctx->store, head.seq, f.seq, hash)
                       : insert_head(ctx->store, f.seq, hash);
    if (err != HV_OK) {
        return err;
    }
    if (seq != NULL) {
        *seq = f.seq;
    }
    return HV_OK;
}

/* Copies a stored string into a fixed field, NUL-terminated; a value too long (only possible
 * when the table was edited by hand) is cut at a code-point boundary. */
static void copy_text(char *dst, size_t cap, struct hv_str v)
{
    size_t n = v.len;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)v.ptr[n] & 0xc0u) == 0x80u) {
            n--;
        }
    }
    if (n > 0) {
        memcpy(dst, v.ptr, n);
    }
    dst[n] = '\0';
}

static void copy_hash(uint8_t dst[32], struct hv_str v)
{
    memset(dst, 0, 32);
    if (v.len > 0) {
        memcpy(dst, v.ptr, v.len < 32 ? v.len : 32);
    }
}

enum hv_err hv_audit_list(struct hv_ctx *ctx, int64_t after_seq, int64_t limit,
                          hv_audit_entry_fn *fn, void *ud)
{
    /* LIMIT with a huge value rather than -1: PostgreSQL rejects a negative limit. */
    static const char sql[] =
        "SELECT seq, at, actor, action, entity, entity_id, detail, change_hash, prev_hash, hash"
        " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2";
    struct hv_stmt *s = NULL;
    struct hv_audit_entry e;
    bool row = false;

    if (ctx == NULL || ctx->store == NULL || fn == NULL) {
        return HV_ERR_INTERNAL;
    }
    if (limit < 0) {
        return HV_ERR_INVALID;
    }
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err != HV_OK) {
        return err;
    }
    err = hv_stmt_bind_int(s, 1, after_seq);
    if (err == HV_OK) {
        err = hv_stmt_bind_int(s, 2, limit == 0 ? INT64_MAX : limit);
    }
    if (err != HV_OK) {
        goto out;
    }
    for (;;) {
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row) {
            break;
        }
        memset(&e, 0, sizeof(e));
        e.seq = hv_stmt_col_int(s, 0);
        e.at = hv_stmt_col_int(s, 1);
        copy_text(e.actor, sizeof(e.actor), hv_stmt_col_text(s, 2));
        copy_text(e.action, sizeof(e.action), hv_stmt_col_text(s, 3));
        copy_text(e.entity, sizeof(e.entity), hv_stmt_col_text(s, 4));
        e.entity_id = hv_stmt_col_int(s, 5);
        copy_text(e.detail, sizeof(e.detail), hv_stmt_col_text(s, 6));
        copy_hash(e.change_hash, hv_stmt_col_blob(s, 7));
        copy_hash(e.prev_hash, hv_stmt_col_blob(s, 8));
        copy_hash(e.hash, hv_stmt_col_blob(s, 9));
        err = fn(ud, &e);
        if (err != HV_OK) {
            break;
        }
    }
out:
    stmt_release(ctx->store, sql);
    return err;
}
