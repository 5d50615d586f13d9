/* store.c - backend-independent half of the store: dispatch, statement cache, transactions
 * and migrations.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/store.h"

#include <stdlib.h>
#include <string.h>

#include "haven/log.h"
#include "store/store_int.h"

enum hv_err hv_store_open(const char *location, const struct hv_store_options *opt,
                          struct hv_store **out, struct hv_diag *diag)
{
    static const struct hv_store_options defaults = { 0 };
    if (opt == NULL)
        opt = &defaults;
    *out = NULL;
    if (location == NULL || location[0] == '\0') {
        hv_diag_set(diag, "db", "no database given: use --db PATH or set HAVEN_DB");
        return HV_ERR_INVALID;
    }
    struct hv_store *st = hv_xcalloc(1, sizeof(*st));
    st->ops = &hv__store_sqlite_ops;
    st->log = opt->log;
    enum hv_err err = st->ops->open(st, location, opt, diag);
    if (err != HV_OK) {
        free(st);
        return err;
    }
    *out = st;
    return HV_OK;
}

void hv_store_close(struct hv_store *st)
{
    if (st == NULL)
        return;
    if (st->in_tx)
        hv_store_rollback(st);
    for (size_t i = 0; i < HV_STORE_STMT_CACHE; i++) {
        if (st->cache[i] != NULL) {
            st->ops->finalize(st->cache[i]->impl);
            free(st->cache[i]);
        }
    }
    st->ops->close(st);
    free(st);
}

bool hv_store_in_tx(const struct hv_store *st)
{
    return st->in_tx;
}

enum hv_err hv_store_begin(struct hv_store *st)
{
    if (st->in_tx) {
        hv_log(st->log, HV_LOG_ERROR, "store: begin inside a transaction");
        return HV_ERR_INTERNAL;
    }
    enum hv_err err = st->ops->exec(st, st->ops->begin_sql);
    if (err == HV_OK)
        st->in_tx = true;
    return err;
}

static void reset_cached(struct hv_store *st)
{
    for (size_t i = 0; i < HV_STORE_STMT_CACHE; i++) {
        if (st->cache[i] != NULL)
            st->ops->reset(st->cache[i]->impl);
    }
}

void hv_store_release_reads(struct hv_store *st)
{
    if (st != NULL && !st->in_tx)
        reset_cached(st);
}

enum hv_err hv_store_commit(struct hv_store *st)
{
    if (!st->in_tx)
        return HV_ERR_INTERNAL;
    /* A read left half-stepped (a single-row lookup) would keep this connection's snapshot
     * alive after COMMIT, hiding other connections' later writes. */
    reset_cached(st);
    enum hv_err err = st->ops->exec(st, "COMMIT");
    if (err != HV_OK) {
        hv_store_rollback(st);
        return err;
    }
    st->in_tx = false;
    return HV_OK;
}

void hv_store_rollback(struct hv_store *st)
{
    if (!st->in_tx)
        return;
    /* Reset every cached statement first: a pending read would otherwise keep the
     * transaction's snapshot alive. */
    reset_cached(st);
    if (st->ops->exec(st, "ROLLBACK") != HV_OK)
        hv_log(st->log, HV_LOG_ERROR, "store: rollback failed");
    st->in_tx = false;
}

enum hv_err hv_store_exec(struct hv_store *st, const char *sql)
{
    return st->ops->exec(st, sql);
}

static size_t cache_slot(const void *key)
{
    uintptr_t h = (uintptr_t)key;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return (size_t)h & (HV_STORE_STMT_CACHE - 1);
}

enum hv_err hv_store_stmt(struct hv_store *st, const char *sql, struct hv_stmt **out)
{
    return hv_store_stmt_keyed(st, sql, sql, out);
}

enum hv_err hv_store_stmt_keyed(struct hv_store *st, const void *key, const char *sql,
                                struct hv_stmt **out)
{
    size_t slot = cache_slot(key);
    for (size_t probe = 0; probe < HV_STORE_STMT_CACHE; probe++) {
        struct hv_stmt *s = st->cache[slot];
        if (s == NULL)
            break;
        if (s->key == key) {
            st->ops->reset(s->impl);
            *out = s;
            return HV_OK;
        }
        slot = (slot + 1) & (HV_STORE_STMT_CACHE - 1);
    }
    /* Keep the table at most three quarters full so probes stay short. */
    if (st->n_cached >= HV_STORE_STMT_CACHE / 4 * 3) {
        hv_log(st->log, HV_LOG_ERROR, "store: statement cache full");
        return HV_ERR_INTERNAL;
    }
    if (sql == NULL)
        return HV_ERR_NOTFOUND;
    void *impl = NULL;
    enum hv_err err = st->ops->prepare(st, sql, &impl);
    if (err != HV_OK)
        return err;
    struct hv_stmt *s = hv_xcalloc(1, sizeof(*s));
    s->st = st;
    s->impl = impl;
    s->key = key;
    st->cache[slot] = s;
    st->n_cached++;
    *out = s;
    return HV_OK;
}

enum hv_err hv_stmt_bind_int(struct hv_stmt *s, int idx, int64_t v)
{
    return s->st->ops->bind_int(s, idx, v);
}

enum hv_err hv_stmt_bind_double(struct hv_stmt *s, int idx, double v)
{
    return s->st->ops->bind_double(s, idx, v);
}

enum hv_err hv_stmt_bind_text(struct hv_stmt *s, int idx, struct hv_str v)
{
    return s->st->ops->bind_text(s, idx, v);
}

enum hv_err hv_stmt_bind_blob(struct hv_stmt *s, int idx, const void *p, size_t n)
{
    return s->st->ops->bind_blob(s, idx, p, n);
}

enum hv_err hv_stmt_bind_null(struct hv_stmt *s, int idx)
{
    return s->st->ops->bind_null(s, idx);
}

enum hv_err hv_stmt_step(struct hv_stmt *s, bool *row)
{
    return s->st->ops->step(s, row);
}

enum hv_err hv_stmt_run(struct hv_stmt *s)
{
    bool row = false;
    enum hv_err err;
    do {
        err = s->st->ops->step(s, &row);
    } while (err == HV_OK && row);
    s->st->ops->reset(s->impl);
    return err;
}

int64_t hv_stmt_col_int(struct hv_stmt *s, int i)
{
    return s->st->ops->col_int(s, i);
}

double hv_stmt_col_double(struct hv_stmt *s, int i)
{
    return s->st->ops->col_double(s, i);
}

struct hv_str hv_stmt_col_text(struct hv_stmt *s, int i)
{
    return s->st->ops->col_text(s, i);
}

struct hv_str hv_stmt_col_blob(struct hv_stmt *s, int i)
{
    return s->st->ops->col_blob(s, i);
}

bool hv_stmt_col_is_null(struct hv_stmt *s, int i)
{
    return s->st->ops->col_is_null(s, i);
}

int64_t hv_store_changes(struct hv_store *st)
{
    return st->ops->changes(st);
}

enum hv_err hv_store_query_int(struct hv_store *st, const char *sql, bool has_param, int64_t param,
                               int64_t dflt, int64_t *out)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(st, sql, &s);
    if (err != HV_OK)
        return err;
    if (has_param) {
        err = hv_stmt_bind_int(s, 1, param);
        if (err != HV_OK)
            return err;
    }
    bool row = false;
    err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    *out = row && !hv_stmt_col_is_null(s, 0) ? hv_stmt_col_int(s, 0) : dflt;
    st->ops->reset(s->impl);
    return HV_OK;
}
