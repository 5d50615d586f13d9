/* sqlite.c - the SQLite backend of the store (the embedded default): WAL, full sync,
 * secure_delete, prepared statements. The only file with sqlite3.h besides store tests.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/store.h"

#include <sqlite3.h>
#include <string.h>

#include "haven/log.h"
#include "store/store_int.h"

static enum hv_err map_rc(struct hv_store *st, int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return HV_OK;
    sqlite3 *db = st->impl;
    /* The backend's text goes to the log only, never to the user (STYLE C8). */
    hv_log(st->log, HV_LOG_WARN, "sqlite: %s: %s (%d)", what, db ? sqlite3_errmsg(db) : "-", rc);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return HV_ERR_CONFLICT;
    case SQLITE_NOMEM:
        return HV_ERR_NOMEM;
    case SQLITE_TOOBIG:
        return HV_ERR_LIMIT;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
        return HV_ERR_IO;
    default:
        return HV_ERR_DB;
    }
}

static enum hv_err sqlite_exec(struct hv_store *st, const char *sql)
{
    int rc = sqlite3_exec(st->impl, sql, NULL, NULL, NULL);
    return map_rc(st, rc, "exec");
}

static enum hv_err sqlite_open(struct hv_store *st, const char *location,
                               const struct hv_store_options *opt, struct hv_diag *diag)
{
    sqlite3 *db = NULL;
    int flags = opt->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (opt->create && !opt->read_only)
        flags |= SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(location, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        if (opt->create)
            hv_diag_set(diag, "db", "cannot create the database %s", location);
        else
            hv_diag_set(diag, "db",
                        "cannot open the database %s (does it exist? `haven init` makes one)",
                        location);
        sqlite3_close(db);
        return HV_ERR_IO;
    }
    st->impl = db;
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 10000);
    /* WAL for concurrent readers; FULL sync so that a committed import survives power loss;
     * secure_delete so that deleted ciphertext and shredded keys do not linger in free pages. */
    static const char *const pragmas_rw[] = {
        "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",  "PRAGMA foreign_keys=ON",
        "PRAGMA secure_delete=ON", "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-262144",
    };
    static const char *const pragmas_ro[] = {
        "PRAGMA foreign_keys=ON",
        "PRAGMA temp_store=MEMORY",
    };
    const char *const *pragmas = opt->read_only ? pragmas_ro : pragmas_rw;
    size_t n = opt->read_only ? HV_ARRAY_LEN(pragmas_ro) : HV_ARRAY_LEN(pragmas_rw);
    for (size_t i = 0; i < n; i++) {
        rc = sqlite3_exec(db, pragmas[i], NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            hv_diag_set(diag, "db", "%s is not a Haven database (or is damaged)", location);
            map_rc(st, rc, pragmas[i]);
            sqlite3_close(db);
            st->impl = NULL;
            return rc == SQLITE_NOTADB ? HV_ERR_INVALID : HV_ERR_DB;
        }
    }
    return HV_OK;
}

static void sqlite_close(struct hv_store *st)
{
    sqlite3_close(st->impl);
    st->impl = NULL;
}

static enum hv_err sqlite_prepare(struct hv_store *st, const char *sql, void **impl)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(st->impl, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK) {
        hv_log(st->log, HV_LOG_ERROR, "sqlite: prepare failed for: %.80s", sql);
        return map_rc(st, rc, "prepare");
    }
    *impl = s;
    return HV_OK;
}

static void sqlite_finalize(void *impl)
{
    sqlite3_finalize(impl);
}

static void sqlite_reset(void *impl)
{
    sqlite3_reset(impl);
    sqlite3_clear_bindings(impl);
}

static enum hv_err bind_rc(struct hv_stmt *s, int rc)
{
    return rc == SQLITE_OK ? HV_OK : map_rc(s->st, rc, "bind");
}

static enum hv_err sqlite_bind_int(struct hv_stmt *s, int idx, int64_t v)
{
    return bind_rc(s, sqlite3_bind_int64(s->impl, idx, v));
}

static enum hv_err sqlite_bind_double(struct hv_stmt *s, int idx, double v)
{
    return bind_rc(s, sqlite3_bind_double(s->impl, idx, v));
}

static enum hv_err sqlite_bind_text(struct hv_stmt *s, int idx, struct hv_str v)
{
    if (v.len > (size_t)0x7fffffff)
        return HV_ERR_LIMIT;
    return bind_rc(
        s, sqlite3_bind_text(s->impl, idx, v.ptr ? v.ptr : "", (int)v.len, SQLITE_TRANSIENT));
}

static enum hv_err sqlite_bind_blob(struct hv_stmt *s, int idx, const void *p, size_t n)
{
    if (n > (size_t)0x7fffffff)
        return HV_ERR_LIMIT;
    if (p == NULL || n == 0)
        return bind_rc(s, sqlite3_bind_zeroblob(s->impl, idx, 0));
    return bind_rc(s, sqlite3_bind_blob(s->impl, idx, p, (int)n, SQLITE_TRANSIENT));
}

static enum hv_err sqlite_bind_null(struct hv_stmt *s, int idx)
{
    return bind_rc(s, sqlite3_bind_null(s->impl, idx));
}

static enum hv_err sqlite_step(struct hv_stmt *s, bool *row)
{
    int rc = sqlite3_step(s->impl);
    if (rc == SQLITE_ROW) {
        *row = true;
        return HV_OK;
    }
    *row = false;
    if (rc == SQLITE_DONE)
        return HV_OK;
    enum hv_err err = map_rc(s->st, rc, "step");
    sqlite3_reset(s->impl);
    return err;
}

static int64_t sqlite_col_int(struct hv_stmt *s, int i)
{
    return sqlite3_column_int64(s->impl, i);
}

static double sqlite_col_double(struct hv_stmt *s, int i)
{
    return sqlite3_column_double(s->impl, i);
}

static struct hv_str sqlite_col_text(struct hv_stmt *s, int i)
{
    const unsigned char *p = sqlite3_column_text(s->impl, i);
    int n = sqlite3_column_bytes(s->impl, i);
    if (p == NULL)
        return HV_STR_NULL;
    return (struct hv_str){ (const char *)p, (size_t)n };
}

static struct hv_str sqlite_col_blob(struct hv_stmt *s, int i)
{
    const void *p = sqlite3_column_blob(s->impl, i);
    int n = sqlite3_column_bytes(s->impl, i);
    if (p == NULL)
        return HV_STR_NULL;
    return (struct hv_str){ p, (size_t)n };
}

static bool sqlite_col_is_null(struct hv_stmt *s, int i)
{
    return sqlite3_column_type(s->impl, i) == SQLITE_NULL;
}

static int64_t sqlite_changes(struct hv_store *st)
{
    return sqlite3_changes64(st->impl);
}

const struct hv_store_ops hv__store_sqlite_ops = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .exec = sqlite_exec,
    .prepare = sqlite_prepare,
    .finalize = sqlite_finalize,
    .reset = sqlite_reset,
    .bind_int = sqlite_bind_int,
    .bind_double = sqlite_bind_double,
    .bind_text = sqlite_bind_text,
    .bind_blob = sqlite_bind_blob,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .col_int = sqlite_col_int,
    .col_double = sqlite_col_double,
    .col_text = sqlite_col_text,
    .col_blob = sqlite_col_blob,
    .col_is_null = sqlite_col_is_null,
    .changes = sqlite_changes,
    .begin_sql = "BEGIN IMMEDIATE",
    .migrations = hv__migrations_sqlite,
};
