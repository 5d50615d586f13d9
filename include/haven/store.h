/* store.h - the storage interface: open a database, run migrations, transactions, and a
 * small prepared-statement API. Backends (SQLite now, PostgreSQL later) live behind an ops
 * table in src/lib/store/; no caller ever sees a backend type.
 *
 * SQL text uses numbered placeholders ?1, ?2 ... and the portable subset of SQL that both
 * backends accept; the PostgreSQL backend rewrites ?N to $N when it prepares a statement.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_STORE_H
#define HV_STORE_H

#include "haven/err.h"
#include "haven/str.h"

struct hv_store;
struct hv_stmt;
struct hv_logger;

struct hv_store_options {
    bool read_only;
    bool create;                 /* create the database if it does not exist */
    const struct hv_logger *log; /* backend messages go here, never to the user */
};

/* Opens the database at location (a file path for SQLite). */
HV_MUST_CHECK enum hv_err hv_store_open(const char *location, const struct hv_store_options *opt,
                                        struct hv_store **out, struct hv_diag *diag);
/* Finalizes cached statements and closes; NULL-safe. */
void hv_store_close(struct hv_store *st);

/* Applies pending migrations, each in its own transaction, recorded in schema_version. */
HV_MUST_CHECK enum hv_err hv_store_migrate(struct hv_store *st, struct hv_diag *diag);
/* The newest applied migration version (0 for an empty database). */
HV_MUST_CHECK enum hv_err hv_store_schema_version(struct hv_store *st, int64_t *out);

/* Transactions do not nest: begin inside a transaction is HV_ERR_INTERNAL. */
HV_MUST_CHECK enum hv_err hv_store_begin(struct hv_store *st);
HV_MUST_CHECK enum hv_err hv_store_commit(struct hv_store *st);
void hv_store_rollback(struct hv_store *st); /* no-op outside a transaction */
bool hv_store_in_tx(const struct hv_store *st);
/* Outside a transaction, resets every cached statement so that no half-stepped read keeps an
 * old snapshot open (long-lived connections, e.g. the server, call it after each request).
 * Commit and rollback do this themselves. */
void hv_store_release_reads(struct hv_store *st);

/* Runs SQL text with no parameters and no result rows (DDL, pragmas). */
HV_MUST_CHECK enum hv_err hv_store_exec(struct hv_store *st, const char *sql);

/* Returns a prepared statement for sql, cached by the address of sql: pass a
 * `static const char sql[]`. The statement is reset and its bindings cleared; it stays owned
 * by the store (do not finish it). Only one use of the same text may be live at a time. */
HV_MUST_CHECK enum hv_err hv_store_stmt(struct hv_store *st, const char *sql, struct hv_stmt **out);

/* Like hv_store_stmt, but cached under key (any stable address, e.g. an element of a static
 * const array) for SQL text built at run time: sql is only read when key is not cached yet,
 * and may then be NULL to ask "is it cached?" (HV_ERR_NOTFOUND when not). */
HV_MUST_CHECK enum hv_err hv_store_stmt_keyed(struct hv_store *st, const void *key, const char *sql,
                                              struct hv_stmt **out);

/* Bind parameter idx (1-based). Text and blobs are copied by the backend. */
HV_MUST_CHECK enum hv_err hv_stmt_bind_int(struct hv_stmt *s, int idx, int64_t v);
HV_MUST_CHECK enum hv_err hv_stmt_bind_double(struct hv_stmt *s, int idx, double v);
HV_MUST_CHECK enum hv_err hv_stmt_bind_text(struct hv_stmt *s, int idx, struct hv_str v);
HV_MUST_CHECK enum hv_err hv_stmt_bind_blob(struct hv_stmt *s, int idx, const void *p, size_t n);
HV_MUST_CHECK enum hv_err hv_stmt_bind_null(struct hv_stmt *s, int idx);

/* Advances: *row is true when a result row is available. Constraint violations are
 * HV_ERR_CONFLICT; anything else failing is HV_ERR_DB (logged). */
HV_MUST_CHECK enum hv_err hv_stmt_step(struct hv_stmt *s, bool *row);
/* Steps a statement that returns no rows (INSERT/UPDATE/DELETE) to completion. */
HV_MUST_CHECK enum hv_err hv_stmt_run(struct hv_stmt *s);

/* Column i (0-based) of the current row. Text and blobs are borrowed until the next step or
 * reset: copy them before that. */
int64_t hv_stmt_col_int(struct hv_stmt *s, int i);
double hv_stmt_col_double(struct hv_stmt *s, int i);
struct hv_str hv_stmt_col_text(struct hv_stmt *s, int i);
struct hv_str hv_stmt_col_blob(struct hv_stmt *s, int i); /* bytes as a view */
bool hv_stmt_col_is_null(struct hv_stmt *s, int i);

/* Rows changed by the last INSERT/UPDATE/DELETE on this store. */
int64_t hv_store_changes(struct hv_store *st);

/* One-shot helper: runs sql (cached) with one int parameter ?1 (when has_param) and returns
 * the first column of the first row as an integer, or dflt when there is no row. */
HV_MUST_CHECK enum hv_err hv_store_query_int(struct hv_store *st, const char *sql, bool has_param,
                                             int64_t param, int64_t dflt, int64_t *out);

#endif
