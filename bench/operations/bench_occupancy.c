/* bench_occupancy.c - loads the demo's 20 sites and 100,000 stays spread over 2021-2022, then
 * times a one-year daily occupancy series per site and per country (goal: each under 1 s).
 * Not a test: it prints its figures. See bench/README.md.
 * SPDX-License-Identifier: Apache-2.0 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/clock.h"
#include "haven/sites.h"
#include "haven/store.h"

#define DEFAULT_STAYS 100000

static int fail(const char *what, enum hv_err err, const struct hv_diag *d)
{
    char m[800] = "";
    if (d != NULL)
        hv_diag_format(d, m, sizeof(m));
    fprintf(stderr, "bench_occupancy: %s: %s %s\n", what, hv_err_str(err), m);
    return 1;
}

/* Writes the cases and stays straight through SQLite in one transaction: the bench measures
 * the series, not the check-in path. Open stays get distinct beds, as the schema requires. */
static int bulk_load(const char *db, long n_stays, int64_t n_sites)
{
    sqlite3 *h = NULL;
    if (sqlite3_open(db, &h) != SQLITE_OK)
        return 1;
    sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *c = NULL, *s = NULL;
    sqlite3_prepare_v2(h,
                       "INSERT INTO hv_case (id, ref, programme, status, risk_level, created_at,"
                       " updated_at, row_mac, audit_seq) VALUES (?1, ?2, 'SIV', 'open', 2, 0, 0,"
                       " x'00', 0)",
                       -1, &c, NULL);
    sqlite3_prepare_v2(h,
                       "INSERT INTO stay (case_id, site_id, kind, bed_no, n_people, check_in,"
                       " check_out, audit_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
                       -1, &s, NULL);
    static const char *const kinds[] = { "family_rooms", "family_rooms", "family_rooms",
                                         "single_men",   "single_women", "minors" };
    struct hv_rng rng;
    hv_rng_seed(&rng, 2021);
    int64_t t0 = 1625097600; /* 2021-07-01 */
    for (long i = 1; i <= n_stays; i++) {
        char ref[32];
        snprintf(ref, sizeof(ref), "BENCH-%07ld", i);
        sqlite3_bind_int64(c, 1, i);
        sqlite3_bind_text(c, 2, ref, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(c) != SQLITE_DONE)
            return 1;
        sqlite3_reset(c);
        const char *kind = kinds[hv_rng_below(&rng, 6)];
        int64_t in = t0 + (int64_t)hv_rng_below(&rng, 540u * 86400u);
        int64_t stay = 86400 + (int64_t)hv_rng_below(&rng, 200u * 86400u);
        bool open = hv_rng_below(&rng, 20) == 0;
        sqlite3_bind_int64(s, 1, i);
        sqlite3_bind_int64(s, 2, 1 + (int64_t)hv_rng_below(&rng, (uint64_t)n_sites));
        sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, open ? i : 1);
        sqlite3_bind_int64(s, 5, kind == kinds[0] ? 2 + (int64_t)hv_rng_below(&rng, 6) : 1);
        sqlite3_bind_int64(s, 6, in);
        if (open)
            sqlite3_bind_null(s, 7);
        else
            sqlite3_bind_int64(s, 7, in + stay);
        if (sqlite3_step(s) != SQLITE_DONE) {
            fprintf(stderr, "bench_occupancy: %s\n", sqlite3_errmsg(h));
            return 1;
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(c);
    sqlite3_finalize(s);
    int rc = sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : 1;
    sqlite3_close(h);
    return rc;
}

int main(int argc, char **argv)
{
    long n_stays = DEFAULT_STAYS;
    const char *tmp = "/tmp";
    /* The repository's data/ directory: --data, else $HV_DATA_DIR, else ./data. */
    const char *data_dir = getenv("HV_DATA_DIR");
    if (data_dir == NULL || data_dir[0] == '\0')
        data_dir = "data";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--stays") == 0 && i + 1 < argc)
            n_stays = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--tmp") == 0 && i + 1 < argc)
            tmp = argv[++i];
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data_dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_occupancy [--stays N] [--tmp DIR] [--data DIR]\n");
            return 1;
        }
    }
    if (n_stays < 1 || n_stays > 10000000)
        n_stays = DEFAULT_STAYS;
    char db[4200];
    snprintf(db, sizeof(db), "%s/bench_occupancy_%ld.db", tmp, (long)getpid());
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_store *st = NULL;
    struct hv_store_options opt = { .create = true };
    enum hv_err err = hv_store_open(db, &opt, &st, &d);
    if (err == HV_OK)
        err = hv_store_migrate(st, &d);
    if (err != HV_OK)
        return fail("open", err, &d);
    struct hv_ctx ctx = { .store = st, .actor = "bench" };
    char sites[4200];
    snprintf(sites, sizeof(sites), "%s/demo/sites.csv", data_dir);
    err = hv_sites_load_file(&ctx, sites, NULL, &d);
    int64_t n_sites = 0;
    if (err == HV_OK)
        err = hv_store_query_int(st, "SELECT count(*) FROM site", false, 0, 0, &n_sites);
    hv_store_close(st);
    if (err != HV_OK)
        return fail("load sites", err, &d);

    double t = hv_monotonic();
    if (bulk_load(db, n_stays, n_sites) != 0) {
        fprintf(stderr, "bench_occupancy: bulk load failed\n");
        return 1;
    }
    double load_s = hv_monotonic() - t;

    err = hv_store_open(db, &opt, &st, &d);
    if (err != HV_OK)
        return fail("reopen", err, &d);
    ctx.store = st;
    int32_t from = 0, to = 0;
    if (!hv_day_parse("2021-09-01", &from) || !hv_day_parse("2022-08-31", &to))
        return 1;
    int rc = 0;
    for (int g = 0; g < 2; g++) {
        struct hv_arena a;
        hv_arena_init(&a, 256u << 20);
        struct hv_occupancy_series *s = NULL;
        size_t n = 0;
        t = hv_monotonic();
        err = hv_occupancy_series(&ctx, &a, from, to, g == 0 ? HV_OCC_BY_SITE : HV_OCC_BY_COUNTRY,
                                  HV_STR(""), &s, &n, &d);
        double secs = hv_monotonic() - t;
        if (err != HV_OK) {
            rc = fail("series", err, &d);
            hv_arena_finish(&a);
            break;
        }
        int64_t peak = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < s[i].n_days; k++) {
                if (s[i].days[k].people > peak)
                    peak = s[i].days[k].people;
            }
        }
        printf("occupancy series, 365 days, %s: %zu series in %.3f s (goal < 1 s: %s; %.2f of "
               "the limit); peak %lld people in one %s\n",
               g == 0 ? "per site" : "per country", n, secs, secs < 1.0 ? "met" : "NOT met",
               secs / 1.0, (long long)peak, g == 0 ? "site" : "country");
        hv_arena_finish(&a);
    }
    printf("stays loaded: %ld over %lld sites in %.2f s (bulk SQLite insert, not timed as "
           "part of the series)\n",
           n_stays, (long long)n_sites, load_s);
    hv_store_close(st);
    unlink(db);
    char side[4300];
    snprintf(side, sizeof(side), "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", db);
    unlink(side);
    return rc;
}
