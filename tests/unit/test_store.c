/* test_store.c - the store: migrations, transactions, statement cache, binding and reading
 * every type, constraint mapping. Runs on SQLite in a temporary file.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/store.h"
#include "test.h"

static struct hv_store *open_temp(char *path)
{
    strcpy(path, "/tmp/hv-test-store-XXXXXX");
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    struct hv_store_options opt = { .create = true };
    struct hv_store *st = NULL;
    struct hv_diag d;
    CHECK_OK(hv_store_open(path, &opt, &st, &d));
    return st;
}

static void remove_temp(const char *path)
{
    char p[64];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static void test_migrate(void)
{
    char path[64];
    struct hv_store *st = open_temp(path);
    int64_t v = -1;
    CHECK_OK(hv_store_schema_version(st, &v));
    CHECK_EQ_INT(v, 0);
    struct hv_diag d;
    CHECK_OK(hv_store_migrate(st, &d));
    CHECK_OK(hv_store_schema_version(st, &v));
    CHECK(v >= 1);
    /* Idempotent. */
    CHECK_OK(hv_store_migrate(st, &d));
    int64_t n = 0;
    static const char sql[] = "SELECT count(*) FROM schema_version";
    CHECK_OK(hv_store_query_int(st, sql, false, 0, -1, &n));
    CHECK_EQ_INT(n, v);
    /* A database from a newer Haven is refused. */
    CHECK_OK(hv_store_exec(st, "INSERT INTO schema_version VALUES (9999, 'future', 0)"));
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_store_migrate(st, &d), HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "newer") != NULL);
    hv_store_close(st);
    remove_temp(path);
}

static void test_types_and_tx(void)
{
    char path[64];
    struct hv_store *st = open_temp(path);
    CHECK_OK(hv_store_exec(st, "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, "
                               "s TEXT, b BLOB, u TEXT UNIQUE)"));
    static const char ins[] = "INSERT INTO t (id, i, d, s, b, u) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    static const char sel[] = "SELECT i, d, s, b, u FROM t WHERE id = ?1";
    CHECK_OK(hv_store_begin(st));
    CHECK(hv_store_in_tx(st));
    CHECK_EQ_INT(hv_store_begin(st), HV_ERR_INTERNAL); /* no nesting */
    struct hv_stmt *s = NULL;
    CHECK_OK(hv_store_stmt(st, ins, &s));
    const uint8_t blob[] = { 0, 1, 2, 0xff };
    CHECK_OK(hv_stmt_bind_int(s, 1, 1));
    CHECK_OK(hv_stmt_bind_int(s, 2, INT64_MIN));
    CHECK_OK(hv_stmt_bind_double(s, 3, 2.5));
    CHECK_OK(hv_stmt_bind_text(s, 4, HV_STR("héllo")));
    CHECK_OK(hv_stmt_bind_blob(s, 5, blob, sizeof(blob)));
    CHECK_OK(hv_stmt_bind_text(s, 6, HV_STR("u1")));
    CHECK_OK(hv_stmt_run(s));
    CHECK_EQ_INT(hv_store_changes(st), 1);
    /* The cache hands back the same statement, reset. */
    struct hv_stmt *s2 = NULL;
    CHECK_OK(hv_store_stmt(st, ins, &s2));
    CHECK(s2 == s);
    CHECK_OK(hv_stmt_bind_int(s2, 1, 2));
    CHECK_OK(hv_stmt_bind_null(s2, 2));
    CHECK_OK(hv_stmt_bind_text(s2, 6, HV_STR("u1")));
    CHECK_EQ_INT(hv_stmt_run(s2), HV_ERR_CONFLICT); /* unique violation */
    CHECK_OK(hv_store_commit(st));
    CHECK(!hv_store_in_tx(st));

    CHECK_OK(hv_store_stmt(st, sel, &s));
    CHECK_OK(hv_stmt_bind_int(s, 1, 1));
    bool row = false;
    CHECK_OK(hv_stmt_step(s, &row));
    CHECK(row);
    CHECK_EQ_INT(hv_stmt_col_int(s, 0), INT64_MIN);
    CHECK(hv_stmt_col_double(s, 1) == 2.5);
    CHECK_EQ_VIEW(hv_stmt_col_text(s, 2), "héllo");
    struct hv_str b = hv_stmt_col_blob(s, 3);
    CHECK_EQ_INT(b.len, 4);
    CHECK(b.len == 4 && memcmp(b.ptr, blob, 4) == 0);
    CHECK(!hv_stmt_col_is_null(s, 4));

    /* Rollback discards. */
    CHECK_OK(hv_store_begin(st));
    CHECK_OK(hv_store_stmt(st, ins, &s));
    CHECK_OK(hv_stmt_bind_int(s, 1, 3));
    CHECK_OK(hv_stmt_bind_text(s, 6, HV_STR("u3")));
    CHECK_OK(hv_stmt_run(s));
    hv_store_rollback(st);
    int64_t n = 0;
    static const char count[] = "SELECT count(*) FROM t";
    CHECK_OK(hv_store_query_int(st, count, false, 0, -1, &n));
    CHECK_EQ_INT(n, 1);
    static const char by_id[] = "SELECT i FROM t WHERE id = ?1";
    CHECK_OK(hv_store_query_int(st, by_id, true, 99, -7, &n));
    CHECK_EQ_INT(n, -7); /* default when no row */
    /* Bad SQL is a database error, not a crash. */
    static const char bad[] = "SELECT nope FROM nowhere";
    CHECK_EQ_INT(hv_store_stmt(st, bad, &s), HV_ERR_DB);
    hv_store_close(st);
    remove_temp(path);
}

static void test_open_errors(void)
{
    struct hv_store *st = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_store_options opt = { 0 };
    CHECK_EQ_INT(hv_store_open("/nonexistent-dir/x.db", &opt, &st, &d), HV_ERR_IO);
    CHECK(st == NULL);
    CHECK(strstr(d.msg, "/nonexistent-dir/x.db") != NULL);
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_store_open("", &opt, &st, &d), HV_ERR_INVALID);
    /* A file that is not a database. */
    const char *junk = "/tmp/hv-test-store-junk.db";
    FILE *f = fopen(junk, "wb");
    for (int i = 0; i < 4096; i++)
        fputc('x', f);
    fclose(f);
    hv_diag_clear(&d);
    enum hv_err err = hv_store_open(junk, &opt, &st, &d);
    CHECK(err == HV_ERR_INVALID || err == HV_ERR_DB);
    CHECK(strstr(d.msg, "not a Haven database") != NULL);
    unlink(junk);
}

int main(void)
{
    RUN(test_migrate);
    RUN(test_types_and_tx);
    RUN(test_open_errors);
    return test_report();
}
