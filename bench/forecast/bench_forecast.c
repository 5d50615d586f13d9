/* bench_forecast.c - the forecast's speed (issue #7): 1,000 replications of the 2021 scenario
 * on the demo (about 9,000 cases, 104 weeks) on 2 threads, replications per second; then, in
 * the same run, the same model (exported as JSON) in SimPy 2.3 for 10 replications
 * (simpy_forecast.py, Debian's python3-simpy), its replications per second, the ratio, and the
 * two implementations' mean outputs side by side to show it is the same model.
 * Run from the repository root on a demo database (`haven demo --db /tmp/demo.db`):
 *   build/release/bench_forecast --db /tmp/demo.db [--reps 1000] [--threads 2]
 *       [--peer-reps 10] [--no-peer] [--scenario data/scenarios/2021.scn]
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/forecast.h"
#include "haven/store.h"

static void die(const char *what, enum hv_err err, const struct hv_diag *d)
{
    char msg[800] = "";
    if (d != NULL)
        hv_diag_format(d, msg, sizeof(msg));
    fprintf(stderr, "bench_forecast: %s: %s %s\n", what, hv_err_str(err), msg);
    exit(1);
}

/* CPU seconds used by the process so far (all threads): on a shared machine the wall time of a
 * run depends on the load, its CPU time much less. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long arg_ul(const char *z)
{
    char *end = NULL;
    unsigned long v = strtoul(z, &end, 10);
    if (end == z || *end != '\0') {
        fprintf(stderr, "bench_forecast: not a number: %s\n", z);
        exit(1);
    }
    return v;
}

static double p50_peak(const struct hv_forecast_result *r, size_t series, int32_t weeks)
{
    int64_t best = 0, q[3];
    for (int32_t w = 0; w < weeks; w++) {
        hv_forecast_beds(r, series, w, q);
        if (q[1] > best)
            best = q[1];
    }
    return (double)best;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *db = NULL, *scenario = "data/scenarios/2021.scn";
    const char *peer = "bench/forecast/simpy_forecast.py";
    unsigned long reps = 1000, threads = 2, peer_reps = 10;
    bool no_peer = false;
    for (int i = 1; i < argc; i++) {
        bool has = i + 1 < argc;
        if (strcmp(argv[i], "--db") == 0 && has)
            db = argv[++i];
        else if (strcmp(argv[i], "--scenario") == 0 && has)
            scenario = argv[++i];
        else if (strcmp(argv[i], "--reps") == 0 && has)
            reps = arg_ul(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && has)
            threads = arg_ul(argv[++i]);
        else if (strcmp(argv[i], "--peer-reps") == 0 && has)
            peer_reps = arg_ul(argv[++i]);
        else if (strcmp(argv[i], "--no-peer") == 0)
            no_peer = true;
        else {
            fprintf(stderr, "usage: bench_forecast --db DEMO.db [--reps N] [--threads T] "
                            "[--peer-reps K] [--no-peer] [--scenario FILE]\n");
            return 1;
        }
    }
    if (db == NULL || access(db, R_OK) != 0) {
        fprintf(stderr, "bench_forecast: give --db with a demo database "
                        "(build/release/haven demo --db /tmp/demo.db)\n");
        return 1;
    }
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_store_options so = { 0 };
    struct hv_store *st = NULL;
    enum hv_err err = hv_store_open(db, &so, &st, &d);
    if (err == HV_OK)
        err = hv_store_migrate(st, &d);
    if (err != HV_OK)
        die("open", err, &d);
    struct hv_ctx ctx = { .store = st, .actor = "bench" };
    struct hv_arena a;
    hv_arena_init(&a, 2048u << 20);
    const struct hv_forecast_scenario *sc = NULL;
    const struct hv_forecast_model *m = NULL;
    if ((err = hv_forecast_scenario_load(&a, scenario, &sc, &d)) != HV_OK)
        die("scenario", err, &d);
    if ((err = hv_forecast_model_build(&ctx, &a, sc, 0, &m, &d)) != HV_OK)
        die("model", err, &d);
    struct hv_forecast_model_info mi;
    hv_forecast_model_info(m, &mi);
    printf("forecast bench: %s\n  model: %zu cases at the start (%zu left out), %zu steps (%zu "
           "empirical, %zu visits), %zu sites, %d weeks\n",
           hv_forecast_scenario_name(sc), mi.n_cases, mi.n_skipped, mi.n_steps,
           mi.n_steps_empirical, mi.n_history_visits, mi.n_sites, mi.weeks);

    /* C: one thread (for the per-core ratio), then the goal's run */
    struct hv_forecast_result *r1 = NULL, *r = NULL;
    unsigned long reps1 = reps / 10 > 0 ? reps / 10 : 1;
    struct hv_forecast_options o1 = { .reps = (uint32_t)reps1, .seed = 1, .threads = 1 };
    double cpu0 = cpu_seconds();
    if ((err = hv_forecast_run(m, &o1, &r1, &d)) != HV_OK)
        die("run", err, &d);
    double cpu1 = cpu_seconds();
    struct hv_forecast_options o = { .reps = (uint32_t)reps,
                                     .seed = 1,
                                     .threads = (uint32_t)threads };
    if ((err = hv_forecast_run(m, &o, &r, &d)) != HV_OK)
        die("run", err, &d);
    double cpu2 = cpu_seconds();
    struct hv_forecast_run_info i1, ri;
    hv_forecast_run_info(r1, &i1);
    hv_forecast_run_info(r, &ri);
    double c1 = i1.reps / i1.seconds, cn = ri.reps / ri.seconds;
    printf("  C, 1 thread : %u replications in %.2f s = %.1f replications/s (%.1f M events/s)\n",
           i1.reps, i1.seconds, c1, (double)i1.events / i1.seconds / 1e6);
    printf("  C CPU time : %.2f ms a replication on 1 thread, %.2f ms on %u threads (so %lu "
           "replications need %.1f CPU-s: %.1f s on %lu idle cores)\n",
           (cpu1 - cpu0) * 1e3 / (double)i1.reps, (cpu2 - cpu1) * 1e3 / (double)reps, ri.threads,
           reps, cpu2 - cpu1, (cpu2 - cpu1) / (double)ri.threads, (unsigned long)ri.threads);
    printf("  C, %u threads: %u replications in %.2f s = %.1f replications/s (%.1f M events/s, "
           "%.0f events a replication)   goal <= 10 s: %s\n",
           ri.threads, ri.reps, ri.seconds, cn, (double)ri.events / ri.seconds / 1e6,
           (double)ri.events / ri.reps, ri.seconds <= 10 ? "met" : "NOT met");
    int64_t tq[3], mq[3];
    hv_forecast_travelled(r, tq);
    hv_forecast_moved(r, mq);
    int uz = -1;
    for (size_t i = 0; i < hv_forecast_n_series(r); i++) {
        struct hv_forecast_series_info si;
        hv_forecast_series(r, i, &si);
        if (!si.is_site && strcmp(si.key, "UZ") == 0)
            uz = (int)i;
    }
    int32_t cq[3] = { 0, 0, 0 };
    double share = 0;
    if (uz >= 0)
        hv_forecast_clearance(r, (size_t)uz, cq, &share);
    printf("  C results  : travelled P50 %lld, moved into host sites P50 %lld, peak beds (all, "
           "P50) %.0f, UZ clearance P50 day %d\n",
           (long long)tq[1], (long long)mq[1], p50_peak(r, 0, ri.weeks),
           cq[1] == INT32_MAX ? -1 : cq[1] - ri.start_day);

    if (!no_peer) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        if ((err = hv_forecast_model_write_json(m, &b)) != HV_OK)
            die("model json", err, NULL);
        char path[] = "/tmp/bench_forecast_model_XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (f == NULL || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0)
            die("write model", HV_ERR_IO, NULL);
        hv_buf_finish(&b);
        char cmd[4400];
        snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' '%s' %lu 1", peer, path, peer_reps);
        printf("  SimPy 2.3 peer (%s), %lu replications of the same model ...\n", peer, peer_reps);
        fflush(stdout);
        FILE *p = popen(cmd, "r");
        unsigned n = 0;
        double secs = 0, rps = 0, trav = 0, moved = 0, peak = 0, pcpu = 0;
        char clear[8192] = "";
        int got = p != NULL ? fscanf(p, "reps=%u seconds=%lf reps_per_s=%lf cpu_seconds=%lf\n", &n,
                                     &secs, &rps, &pcpu)
                            : 0;
        int got2 = p != NULL ? fscanf(p,
                                      "mean_travelled=%lf mean_moved=%lf mean_peak_all=%lf "
                                      "uz_clear_days=%8191s",
                                      &trav, &moved, &peak, clear)
                             : 0;
        if (p != NULL)
            pclose(p);
        unlink(path);
        if (got != 4 || n == 0) {
            printf("  SimPy peer did not run (apt-get install python3-simpy; run from the "
                   "repository root)\n");
        } else {
            printf("  SimPy      : %u replications in %.1f s = %.4f replications/s; %.0f ms CPU a "
                   "replication\n",
                   n, secs, rps, pcpu * 1e3 / n);
            if (got2 >= 3)
                printf("  SimPy means: travelled %.1f, moved into host sites %.1f, peak beds "
                       "(all) %.1f, UZ clearance days %s\n",
                       trav, moved, peak, clear);
            printf("  ratio      : C on %u threads is %.0fx SimPy (goal >= 100x: %s); one C "
                   "thread is %.0fx one SimPy process\n",
                   ri.threads, cn / rps, cn / rps >= 100 ? "met" : "NOT met", c1 / rps);
            printf("  CPU ratio  : a replication costs %.0fx more CPU in SimPy than in C\n",
                   (pcpu / n) / ((cpu2 - cpu1) / (double)reps));
        }
    }
    printf("  (figures taken on a shared machine; see bench/README.md)\n");
    hv_forecast_result_destroy(r1);
    hv_forecast_result_destroy(r);
    hv_arena_finish(&a);
    hv_store_close(st);
    return 0;
}
