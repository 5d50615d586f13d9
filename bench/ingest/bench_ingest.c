/* bench_ingest.c - how fast Haven imports people (validated, sealed, blind-indexed, audited)
 * compared with a plain SQLite prepared-statement insert of the same rows, in the same run.
 * Not a test: it prints its figures. See bench/README.md.
 * SPDX-License-Identifier: Apache-2.0 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "haven/clock.h"
#include "haven/csv.h"
#include "haven/demo.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"

struct result {
    double seconds;
    uint64_t rows;
    long max_rss_kb;
    int ok;
};

/* Runs fn in a child process so that its peak RSS is its own. */
static struct result in_child(struct result (*fn)(const char *dir), const char *dir)
{
    int fds[2];
    struct result r = { 0 };
    if (pipe(fds) != 0)
        return r;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        struct result cr = fn(dir);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        cr.max_rss_kb = ru.ru_maxrss;
        if (write(fds[1], &cr, sizeof(cr)) != (ssize_t)sizeof(cr))
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
        r.ok = 0;
    close(fds[0]);
    waitpid(pid, NULL, 0);
    return r;
}

static int64_t bench_now(void *ud)
{
    (void)ud;
    return 1629936000;
}

static struct result haven_import(const char *dir)
{
    struct result r = { 0 };
    char db[4096], key[4096], cases[4096], people[4096];
    snprintf(db, sizeof(db), "%s/haven.db", dir);
    snprintf(key, sizeof(key), "%s/haven.key", dir);
    snprintf(cases, sizeof(cases), "%s/cases.csv", dir);
    snprintf(people, sizeof(people), "%s/people.csv", dir);
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_store *st = NULL;
    struct hv_vault *v = NULL;
    struct hv_store_options opt = { .create = true };
    struct hv_vault_key_source src = { .key_file = key };
    if (hv_vault_keyfile_create(key, &d) != HV_OK || hv_store_open(db, &opt, &st, &d) != HV_OK ||
        hv_store_migrate(st, &d) != HV_OK || hv_vault_setup(st, &src, &d) != HV_OK ||
        hv_vault_open(st, &src, &v, &d) != HV_OK) {
        fprintf(stderr, "bench: set-up failed: %s\n", d.msg);
        return r;
    }
    struct hv_ctx ctx = { .store = st, .vault = v, .actor = "bench" };
    ctx.clock.now = bench_now;
    struct hv_import_counts k;
    const char *p1[] = { cases };
    if (hv_registry_import(&ctx, p1, 1, NULL, &k, &d) != HV_OK) {
        fprintf(stderr, "bench: cases import failed: %s\n", d.msg);
        return r;
    }
    const char *p2[] = { people };
    double t0 = hv_monotonic();
    enum hv_err err = hv_registry_import(&ctx, p2, 1, NULL, &k, &d);
    r.seconds = hv_monotonic() - t0;
    if (err != HV_OK) {
        char msg[1024];
        hv_diag_format(&d, msg, sizeof(msg));
        fprintf(stderr, "bench: people import failed: %s\n", msg);
        return r;
    }
    r.rows = k.created[HV_KIND_PERSON];
    r.ok = 1;
    hv_vault_destroy(v);
    hv_store_close(st);
    return r;
}

/* The same people rows, parsed beforehand, inserted with one prepared statement in one
 * transaction into a table of the same columns (plain text) with a unique ref, under the same
 * pragmas Haven uses (WAL, synchronous=FULL). */
static struct result raw_insert(const char *dir)
{
    struct result r = { 0 };
    char path[4096], db[4096];
    snprintf(path, sizeof(path), "%s/people.csv", dir);
    snprintf(db, sizeof(db), "%s/raw.db", dir);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return r;
    struct hv_csv_reader rd;
    hv_csv_init_file(&rd, f);
    /* All fields of all rows in one buffer, NUL-separated; offsets per field. */
    size_t cap = 1 << 26, used = 0, n_off = 0, off_cap = 1 << 20;
    char *buf = malloc(cap);
    size_t *off = malloc(off_cap * sizeof(*off));
    size_t n_cols = 0;
    bool eof = false;
    struct hv_diag d;
    uint64_t rows = 0;
    while (hv_csv_next(&rd, &eof, &d) == HV_OK && !eof) {
        size_t nf = hv_csv_n_fields(&rd);
        if (n_cols == 0) {
            n_cols = nf;
            continue;
        }
        for (size_t i = 0; i < nf; i++) {
            struct hv_str v = hv_csv_field(&rd, i);
            while (used + v.len + 1 > cap)
                buf = realloc(buf, cap *= 2);
            if (n_off == off_cap)
                off = realloc(off, (off_cap *= 2) * sizeof(*off));
            off[n_off++] = used;
            memcpy(buf + used, v.ptr, v.len);
            used += v.len;
            buf[used++] = '\0';
        }
        rows++;
    }
    hv_csv_finish(&rd);
    fclose(f);
    sqlite3 *h = NULL;
    if (sqlite3_open(db, &h) != SQLITE_OK)
        return r;
    sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;",
                 NULL, NULL, NULL);
    char ddl[2048] = "CREATE TABLE person_raw (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE";
    char ins[2048] = "INSERT INTO person_raw VALUES (?1, ?2";
    for (size_t i = 1; i < n_cols; i++) {
        size_t l = strlen(ddl), m = strlen(ins);
        snprintf(ddl + l, sizeof(ddl) - l, ", c%zu TEXT", i);
        snprintf(ins + m, sizeof(ins) - m, ", ?%zu", i + 2);
    }
    size_t l = strlen(ddl), m = strlen(ins);
    snprintf(ddl + l, sizeof(ddl) - l, ")");
    snprintf(ins + m, sizeof(ins) - m, ")");
    sqlite3_exec(h, ddl, NULL, NULL, NULL);
    sqlite3_stmt *s = NULL;
    double t0 = hv_monotonic();
    sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(h, ins, -1, &s, NULL);
    for (uint64_t row = 0; row < rows; row++) {
        sqlite3_bind_int64(s, 1, (sqlite3_int64)row + 1);
        for (size_t c = 0; c < n_cols; c++) {
            const char *v = buf + off[row * n_cols + c];
            sqlite3_bind_text(s, (int)c + 2, v, -1, SQLITE_STATIC);
        }
        if (sqlite3_step(s) != SQLITE_DONE) {
            fprintf(stderr, "bench: raw insert failed: %s\n", sqlite3_errmsg(h));
            return r;
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    r.seconds = hv_monotonic() - t0;
    sqlite3_close(h);
    r.rows = rows;
    r.ok = 1;
    free(buf);
    free(off);
    return r;
}

int main(int argc, char **argv)
{
    uint64_t want = 1000000;
    const char *base = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--people") == 0 && i + 1 < argc)
            want = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--tmp") == 0 && i + 1 < argc)
            base = argv[++i];
        else {
            fprintf(stderr, "usage: bench_ingest [--people N] [--tmp DIR]\n");
            return 1;
        }
    }
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/haven-bench-ingest-XXXXXX", base);
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    struct hv_demo_options opt;
    hv_demo_options_init(&opt);
    opt.n_cases = (uint32_t)(want / 4.4);
    struct hv_demo_summary sum;
    struct hv_diag d;
    hv_diag_clear(&d);
    double t0 = hv_monotonic();
    if (hv_demo_generate(&opt, dir, NULL, &sum, &d) != HV_OK) {
        fprintf(stderr, "bench: generator failed: %s\n", d.msg);
        return 1;
    }
    printf("bench/ingest: %llu generated people in %llu cases (%.1f s to generate), in %s\n",
           (unsigned long long)sum.people, (unsigned long long)sum.cases, hv_monotonic() - t0, dir);
    struct result hv = in_child(haven_import, dir);
    struct result raw = in_child(raw_insert, dir);
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (!hv.ok || !raw.ok) {
        fprintf(stderr, "bench: a phase failed\n");
        return 1;
    }
    double hv_rate = (double)hv.rows / hv.seconds, raw_rate = (double)raw.rows / raw.seconds;
    printf("haven import (validate, seal, blind-index, audit): %llu people in %.2f s = %.0f "
           "people/s, peak RSS %.1f MiB   [goal >= 200000 people/s]\n",
           (unsigned long long)hv.rows, hv.seconds, hv_rate, hv.max_rss_kb / 1024.0);
    printf("plain SQLite prepared insert of the same rows:     %llu rows in %.2f s = %.0f rows/s, "
           "peak RSS %.1f MiB\n",
           (unsigned long long)raw.rows, raw.seconds, raw_rate, raw.max_rss_kb / 1024.0);
    printf("ratio haven/raw: %.3f   [goal >= 0.4]\n", hv_rate / raw_rate);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
    return 0;
}
