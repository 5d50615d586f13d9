/* migrate.c - applies the embedded, numbered migrations and records them in schema_version.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/store.h"

#include "haven/clock.h"
#include "haven/log.h"
#include "store/store_int.h"

static const char create_version_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

enum hv_err hv_store_schema_version(struct hv_store *st, int64_t *out)
{
    static const char sql[] = "SELECT max(version) FROM schema_version";
    static const char exists_sql[] =
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
    int64_t exists = 0;
    enum hv_err err = hv_store_query_int(st, exists_sql, false, 0, 0, &exists);
    if (err != HV_OK)
        return err;
    if (!exists) {
        *out = 0;
        return HV_OK;
    }
    return hv_store_query_int(st, sql, false, 0, 0, out);
}

enum hv_err hv_store_migrate(struct hv_store *st, struct hv_diag *diag)
{
    static const char record_sql[] =
        "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)";
    int64_t current = 0;
    enum hv_err err = hv_store_schema_version(st, &current);
    if (err != HV_OK)
        return err;
    const struct hv__migration *m = st->ops->migrations;
    int64_t newest = 0;
    for (const struct hv__migration *it = m; it->version != 0; it++)
        newest = it->version;
    if (current > newest) {
        hv_diag_set(diag, "db",
                    "the database has schema version %lld, newer than this haven knows (%lld): "
                    "upgrade haven",
                    (long long)current, (long long)newest);
        return HV_ERR_CONFLICT;
    }
    for (; m->version != 0; m++) {
        if (m->version <= current)
            continue;
        err = hv_store_begin(st);
        if (err != HV_OK)
            return err;
        err = hv_store_exec(st, create_version_sql);
        if (err == HV_OK)
            err = hv_store_exec(st, m->sql);
        struct hv_stmt *s = NULL;
        if (err == HV_OK)
            err = hv_store_stmt(st, record_sql, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, m->version);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 2, hv_str_c(m->name));
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 3, hv_clock_now(NULL));
        if (err == HV_OK)
            err = hv_stmt_run(s);
        if (err != HV_OK) {
            hv_store_rollback(st);
            hv_diag_set(diag, "db", "migration %s failed", m->name);
            return err;
        }
        err = hv_store_commit(st);
        if (err != HV_OK)
            return err;
        hv_log(st->log, HV_LOG_INFO, "store: applied migration %s", m->name);
    }
    return HV_OK;
}
