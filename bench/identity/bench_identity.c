/* bench_identity.c - accuracy and speed of identity resolution: pairwise precision, recall and
 * F1 at the default threshold on FEBRL dataset3, Splink's fake_1000 and historical_figures 50k,
 * the demo's planted duplicates and hard negatives, and a million generated registrations end
 * to end (time, peak RSS, comparisons/s). Prints figures; not a test.
 * With the DuckDB peer (duckdb_peer.mjs: the same blocking rules and Jaro-Winkler comparisons as
 * SQL) on the 50k and the 1M sets, and the ratio of the times. Run from the repository root
 * after `npm ci` in bench/identity.
 * Usage: bench_identity [febrl|fake|hist|demo|scale|all] [--shared DIR] [--n N] [--max-block B]
 *        [--no-peer] [--peer-dir DIR]
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "haven/csv.h"
#include "haven/demo.h"
#include "haven/identity.h"
#include "haven/names.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* CPU seconds (user + system) of this process or of its waited-for children: on a shared
 * machine the wall time of a run depends on the load, its CPU time much less. */
static double cpu_s(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

/* Truth labels as hashes per record; pairwise metrics of the pairs at or above t. */
struct eval {
    uint64_t *label;
    size_t n;
};

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static uint64_t true_pairs(const struct eval *ev)
{
    uint64_t *v = malloc((ev->n + 1) * sizeof(*v));
    memcpy(v, ev->label, ev->n * sizeof(*v));
    qsort(v, ev->n, sizeof(*v), cmp_u64);
    uint64_t tp = 0;
    for (size_t i = 0; i < ev->n;) {
        size_t j = i + 1;
        while (j < ev->n && v[j] == v[i])
            j++;
        uint64_t k = j - i;
        tp += k * (k - 1) / 2;
        i = j;
    }
    free(v);
    return tp;
}

static void metrics(const struct hv_id_engine *e, const struct eval *ev, double t, uint64_t n_true,
                    double *p, double *r, double *f1, uint64_t *n_pred)
{
    size_t n;
    const struct hv_id_pair *pairs = hv_id_engine_pairs(e, &n);
    uint64_t pred = 0, tp = 0;
    for (size_t i = 0; i < n; i++) {
        if (pairs[i].prob < t)
            continue;
        pred++;
        tp += ev->label[pairs[i].a] == ev->label[pairs[i].b];
    }
    *p = pred > 0 ? (double)tp / (double)pred : 0;
    *r = n_true > 0 ? (double)tp / (double)n_true : 0;
    *f1 = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
    *n_pred = pred;
}

static void report(const char *name, const struct hv_id_engine *e, const struct eval *ev,
                   double seconds, const char *goal)
{
    struct hv_id_options o;
    hv_id_engine_options(e, &o);
    struct hv_id_stats st;
    hv_id_engine_stats(e, &st);
    uint64_t n_true = true_pairs(ev);
    double p, r, f1;
    uint64_t pred;
    metrics(e, ev, o.merge_threshold, n_true, &p, &r, &f1, &pred);
    printf("%-28s records %llu  true pairs %llu  candidates %llu  predicted %llu\n", name,
           (unsigned long long)st.records, (unsigned long long)n_true,
           (unsigned long long)st.candidate_pairs, (unsigned long long)pred);
    printf("%-28s threshold p>=%.2f  precision %.4f  recall %.4f  F1 %.4f  (%s)\n", "",
           o.merge_threshold, p, r, f1, goal);
    double best_f = 0, best_t = 0;
    for (double t = 0.05; t < 0.999; t += 0.05) {
        double bp, br, bf;
        uint64_t bn;
        metrics(e, ev, t, n_true, &bp, &br, &bf, &bn);
        if (bf > best_f) {
            best_f = bf;
            best_t = t;
        }
    }
    printf("%-28s best F1 %.4f at p>=%.2f  p>=0.5: ", "", best_f, best_t);
    metrics(e, ev, 0.5, n_true, &p, &r, &f1, &pred);
    printf("F1 %.4f\n", f1);
    printf("%-28s CPU time so far %.1f s (user + system, all threads)\n", "", cpu_s(RUSAGE_SELF));
    printf(
        "%-28s time %.2f s (block %.2f compare %.2f em+score %.2f cluster %.2f)  peak RSS %.0f MiB"
        "  lambda %.4f  EM iterations %llu  patterns %llu\n",
        "", seconds, st.seconds_block, st.seconds_compare, st.seconds_em, st.seconds_cluster,
        rss_mib(), st.lambda, (unsigned long long)st.em_iterations,
        (unsigned long long)st.patterns);
    printf("%-28s m/u per level (field: m/u ...):", "");
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        if (f >= HV_ID_F_EXTRA0 && f <= HV_ID_F_EXTRA3 && st.u[f][0] == st.u[HV_ID_F_EXTRA0][0] &&
            st.m[f][0] == 0.15)
            continue; /* not used */
        printf("\n%-28s   %-12s", "", hv_id_field_name((enum hv_id_field)f));
        for (int l = 0; l < hv_id_field_levels((enum hv_id_field)f); l++)
            printf(" %s %.4f/%.4f", hv_id_level_name((enum hv_id_field)f, l), st.m[f][l],
                   st.u[f][l]);
        if (st.u_household_pairs > 0) {
            printf(" | in household u:");
            for (int l = 0; l < hv_id_field_levels((enum hv_id_field)f); l++)
                printf(" %.4f", st.u_household[f][l]);
        }
    }
    printf("\n");
    printf("%-28s blocks over max_block %u: %llu split by a secondary key, %llu still oversized "
           "and skipped (%llu record entries)\n",
           "", o.max_block, (unsigned long long)st.split_blocks,
           (unsigned long long)st.skipped_blocks, (unsigned long long)st.skipped_records);
}

/* The DuckDB peer (duckdb_peer.mjs, run with node from bench/identity where `npm ci` installed
 * @duckdb/node-api) on the same file, as a child process: prints its figures, its peak RSS and
 * the ratio of its time to ours. Skipped with a note when node or the package is missing. */
static const char *g_peer_dir = "bench/identity";

static void run_peer(const char *which, const char *csv_path, double our_seconds, double our_rss)
{
    char script[4096], mods[4096];
    snprintf(script, sizeof(script), "%s/duckdb_peer.mjs", g_peer_dir);
    snprintf(mods, sizeof(mods), "%s/node_modules/@duckdb/node-api", g_peer_dir);
    if (access(script, R_OK) != 0 || access(mods, R_OK) != 0) {
        printf("%-28s DuckDB peer skipped: run `npm ci` in %s (and run from the repository "
               "root, or pass --peer-dir)\n",
               "", g_peer_dir);
        return;
    }
    int fd[2];
    if (pipe(fd) != 0)
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execlp("node", "node", script, which, csv_path, "--threads", "2", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char out[4096];
    size_t n = 0;
    ssize_t k;
    while (n < sizeof(out) - 1 && (k = read(fd[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += (size_t)k;
    out[n] = '\0';
    close(fd[0]);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    /* The peer is this process's only child: RUSAGE_CHILDREN's peak is the peer's. */
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || getrusage(RUSAGE_CHILDREN, &ru) != 0 ||
        !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("%-28s DuckDB peer failed (status %d): %s\n", "", status, out);
        return;
    }
    double secs = 0;
    const char *t = strstr(out, "\"seconds\":");
    if (t != NULL)
        secs = strtod(t + 10, NULL);
    unsigned long long pairs = 0;
    t = strstr(out, "\"pairs\":");
    if (t != NULL)
        pairs = strtoull(t + 8, NULL, 10);
    printf("%-28s DuckDB peer (same rules as SQL equi-joins, Jaro-Winkler levels, pattern "
           "counts; node + @duckdb/node-api, 2 threads): %.2f s, %.1f CPU s, %llu candidate "
           "pairs, peak RSS %.0f MiB\n",
           "", secs, cpu_s(RUSAGE_CHILDREN), pairs, (double)ru.ru_maxrss / 1024.0);
    printf("%-28s   %s", "", out);
    double our_cpu = cpu_s(RUSAGE_SELF);
    printf("%-28s ratio DuckDB time / Haven time = %.2f (Haven %.2f s end to end incl. EM and "
           "clustering, peak RSS %.0f MiB); CPU time ratio %.2f (Haven %.1f CPU s incl. "
           "loading)\n",
           "", our_seconds > 0 ? secs / our_seconds : 0.0, our_seconds, our_rss,
           our_cpu > 0 ? cpu_s(RUSAGE_CHILDREN) / our_cpu : 0.0, our_cpu);
}

static int run_csv(const struct hv_names *names, const char *name, const char *path,
                   const char *map_spec, uint32_t blocks, bool febrl_truth, const char *goal,
                   const char *peer)
{
    double t0 = now();
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_id_csv_map map;
    struct hv_id_csv *csv = NULL;
    struct hv_id_engine *e = NULL;
    struct hv_id_options o;
    hv_id_options_default(&o);
    o.blocks = blocks;
    if (hv_id_csv_map_parse(map_spec, &map, &diag) != HV_OK || hv_id_csv_create(&csv) != HV_OK ||
        hv_id_csv_read(csv, path, 0, &map, &diag) != HV_OK ||
        hv_id_engine_create(names, &o, &e) != HV_OK || hv_id_csv_add_all(csv, e) != HV_OK ||
        hv_id_engine_run(e, NULL, &diag) != HV_OK) {
        char msg[800];
        hv_diag_format(&diag, msg, sizeof(msg));
        fprintf(stderr, "%s: %s\n", name, msg);
        hv_id_csv_destroy(csv);
        hv_id_engine_destroy(e);
        return 1;
    }
    double secs = now() - t0;
    struct eval ev = { calloc(hv_id_csv_n_rows(csv) + 1, sizeof(uint64_t)), hv_id_csv_n_rows(csv) };
    for (size_t i = 0; i < ev.n; i++) {
        if (febrl_truth) {
            /* rec-NNN-org / rec-NNN-dup-k: the entity is NNN. */
            const char *id = hv_id_csv_row_id(csv, i);
            const char *d = strchr(id, '-');
            ev.label[i] = d != NULL ? strtoull(d + 1, NULL, 10) + 1 : fnv(id);
        } else {
            ev.label[i] = fnv(hv_id_csv_truth(csv, i));
        }
    }
    report(name, e, &ev, secs, goal);
    free(ev.label);
    hv_id_csv_destroy(csv);
    hv_id_engine_destroy(e);
    if (peer != NULL)
        run_peer(peer, path, secs, rss_mib());
    return 0;
}

/* Demo people streamed into the engine; truth from duplicate_of (also written by the demo). */
struct refmap {
    uint64_t *h;
    size_t n, cap;
};

/* --max-block: 0 keeps the engine's default for the demo, and 60 for the scale run (oversized
 * blocks are split by a secondary key, see IDENTITY.md). */
static uint32_t g_max_block;
/* --no-peer skips the DuckDB peer; the scale run's own figures for its ratio. */
static bool g_peer = true;
static double g_scale_seconds, g_scale_rss;

static void csv_field(FILE *f, const char *v, bool last)
{
    fputc('"', f);
    for (; *v != '\0'; v++) {
        if (*v == '"')
            fputc('"', f);
        fputc(*v, f);
    }
    fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

/* The same generated people as the scale run, written as a CSV for the peer (not timed). */
static int write_scale_csv(uint32_t n_cases, uint64_t max_people, const char *path)
{
    struct hv_demo_options dopt;
    hv_demo_options_init(&dopt);
    dopt.n_cases = n_cases;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_demo *d = NULL;
    if (hv_demo_create(&dopt, &d, &diag) != HV_OK)
        return 1;
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        hv_demo_destroy(d);
        return 1;
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof(buf));
    fputs("id,given,family,father,grandfather,native,birth,sex,tazkira,passport,phone\n", f);
    for (uint64_t n = 0; n < max_people; n++) {
        struct hv_demo_person p;
        bool eof = false;
        if (hv_demo_next(d, &p, &eof) != HV_OK || eof)
            break;
        fprintf(f, "%llu,", (unsigned long long)n);
        const char *v[] = { p.given_name,  p.family_name, p.father_name, p.grandfather_name,
                            p.native_name, p.birth_date,  p.sex,         p.tazkira,
                            p.passport,    p.phone };
        for (size_t i = 0; i < 10; i++)
            csv_field(f, v[i], i == 9);
    }
    hv_demo_destroy(d);
    return fclose(f) == 0 ? 0 : 1;
}

static int run_demo(const struct hv_names *names, const char *name, uint32_t n_cases,
                    uint64_t max_people, uint32_t max_block, bool write_files, const char *goal)
{
    struct hv_demo_options dopt;
    hv_demo_options_init(&dopt);
    dopt.n_cases = n_cases;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    if (write_files) {
        struct hv_demo_summary sum;
        if (hv_demo_generate(&dopt, "/tmp/hv-bench-identity-demo", NULL, &sum, &diag) != HV_OK) {
            fprintf(stderr, "demo: %s\n", diag.msg);
            return 1;
        }
        printf("%-28s demo in /tmp/hv-bench-identity-demo: %llu people, %llu planted duplicates, "
               "%llu hard negatives\n",
               name, (unsigned long long)sum.people, (unsigned long long)sum.duplicates,
               (unsigned long long)sum.hard_negatives);
    }
    double t0 = now();
    struct hv_demo *d = NULL;
    struct hv_id_engine *e = NULL;
    struct hv_id_options o;
    hv_id_options_default(&o);
    if (max_block > 0)
        o.max_block = max_block;
    if (hv_demo_create(&dopt, &d, &diag) != HV_OK || hv_id_engine_create(names, &o, &e) != HV_OK) {
        fprintf(stderr, "demo: %s\n", diag.msg);
        return 1;
    }
    size_t cap = 1024, n = 0;
    uint64_t *self = malloc(cap * sizeof(*self)), *label = malloc(cap * sizeof(*label));
    uint64_t *hardneg = malloc(cap * sizeof(*hardneg));
    uint64_t *casev = malloc(cap * sizeof(*casev));
    uint8_t *rel = malloc(cap);
    for (;;) {
        struct hv_demo_person p;
        bool eof = false;
        if (hv_demo_next(d, &p, &eof) != HV_OK || eof || n >= max_people)
            break;
        struct hv_id_record r;
        memset(&r, 0, sizeof(r));
        r.id = (int64_t)n;
        r.given = p.given_name;
        r.family = p.family_name;
        r.father = p.father_name;
        r.grandfather = p.grandfather_name;
        r.native = p.native_name;
        const char *why;
        if (!hv_pdate_parse(p.birth_date, strlen(p.birth_date), &r.birth, &why))
            memset(&r.birth, 0, sizeof(r.birth));
        r.sex = p.sex[0];
        r.docs[0] = p.tazkira;
        r.docs[1] = p.passport;
        r.phone = p.phone;
        r.relation = p.relation;
        r.group = (int64_t)(fnv(p.case_ref) >> 1) + 1;
        enum hv_err err = hv_id_engine_add(e, &r, NULL);
        if (err != HV_OK && err != HV_ERR_LIMIT)
            return 1;
        if (n == cap) {
            cap *= 2;
            self = realloc(self, cap * sizeof(*self));
            label = realloc(label, cap * sizeof(*label));
            hardneg = realloc(hardneg, cap * sizeof(*hardneg));
            casev = realloc(casev, cap * sizeof(*casev));
            rel = realloc(rel, cap);
        }
        static const char *const rels[] = { "principal", "spouse",  "child",
                                            "parent",    "sibling", "other" };
        rel[n] = 0;
        for (uint8_t x = 0; x < 6; x++) {
            if (strcmp(p.relation, rels[x]) == 0)
                rel[n] = (uint8_t)(x + 1);
        }
        casev[n] = fnv(p.case_ref);
        self[n] = fnv(p.ref);
        label[n] = p.duplicate_of[0] != '\0' ? fnv(p.duplicate_of) : self[n];
        hardneg[n] = p.hard_negative_of[0] != '\0' ? fnv(p.hard_negative_of) : 0;
        n++;
    }
    hv_demo_destroy(d);
    double t_load = now() - t0;
    if (hv_id_engine_run(e, NULL, &diag) != HV_OK)
        return 1;
    double secs = now() - t0;
    g_scale_seconds = secs;
    g_scale_rss = rss_mib();
    struct eval ev = { label, n };
    report(name, e, &ev, secs, goal);
    struct hv_id_stats st;
    hv_id_engine_stats(e, &st);
    printf("%-28s load+parse %.2f s; %llu unique names; %.0f comparisons/s (candidates + u pairs "
           "over the compare phase)\n",
           "", t_load, (unsigned long long)st.unique_names,
           (double)(st.candidate_pairs + st.u_pairs) /
               (st.seconds_compare > 0 ? st.seconds_compare : 1));
    /* Hard negatives merged: pairs at the threshold whose records are a listed hard negative. */
    size_t np;
    const struct hv_id_pair *pairs = hv_id_engine_pairs(e, &np);
    uint64_t merges = 0, hn = 0;
    for (size_t i = 0; i < np; i++) {
        if (pairs[i].prob < o.merge_threshold)
            continue;
        merges++;
        uint32_t a = pairs[i].a, b = pairs[i].b;
        if ((hardneg[b] != 0 && hardneg[b] == label[a]) ||
            (hardneg[a] != 0 && hardneg[a] == label[b]) ||
            (hardneg[b] != 0 && hardneg[b] == self[a]) ||
            (hardneg[a] != 0 && hardneg[a] == self[b]))
            hn++;
    }
    /* False positives by comparison pattern (levels only: no names, dates or numbers): the
     * most frequent patterns, each with its count, and how many share a case (with the
     * relations of the two sides when they do). At most 200,000 false positives are examined. */
    {
        enum { NPAT = 4096 };
        static uint64_t pkey[NPAT], pcount[NPAT];
        memset(pkey, 0, sizeof(pkey));
        memset(pcount, 0, sizeof(pcount));
        uint64_t fp = 0, fp_same_case = 0, examined = 0;
        for (size_t i = 0; i < np; i++) {
            if (pairs[i].prob < o.merge_threshold || label[pairs[i].a] == label[pairs[i].b])
                continue;
            fp++;
            bool same = casev[pairs[i].a] == casev[pairs[i].b];
            fp_same_case += same;
            if (examined >= 200000)
                continue;
            examined++;
            struct hv_id_comparison c;
            hv_id_engine_compare(e, pairs[i].a, pairs[i].b, &c);
            if (examined <= 3) {
                printf("%-28s FP example p=%.3f prior+fields:", "", c.prob);
                for (int f = 0; f < HV_ID_N_FIELDS; f++) {
                    if (c.level[f] != HV_ID_LEVEL_NULL)
                        printf(" %s=%s(%+.1f)", hv_id_field_name((enum hv_id_field)f),
                               hv_id_level_name((enum hv_id_field)f, c.level[f]),
                               (double)c.weight[f]);
                }
                printf(" total %+.1f\n", c.total);
            }
            uint64_t k = 1;
            for (int f = 0; f < HV_ID_N_FIELDS; f++)
                k = k * 6 + (uint64_t)(c.level[f] + 1);
            k = k * 64 + (same ? 1 + (uint64_t)rel[pairs[i].a] * 7 + rel[pairs[i].b] : 0);
            for (size_t h = (size_t)(k * 0x9e3779b97f4a7c15ull >> 52) % NPAT;; h = (h + 1) % NPAT) {
                if (pkey[h] == 0 || pkey[h] == k) {
                    pkey[h] = k;
                    pcount[h]++;
                    break;
                }
            }
        }
        printf("%-28s false positives %llu, of which in the same case %llu; top patterns of %llu "
               "examined:\n",
               "", (unsigned long long)fp, (unsigned long long)fp_same_case,
               (unsigned long long)examined);
        static const char *const rel_names[] = { "?",      "principal", "spouse", "child",
                                                 "parent", "sibling",   "other" };
        for (int top = 0; top < 12; top++) {
            size_t best = NPAT;
            for (size_t h = 0; h < NPAT; h++) {
                if (pcount[h] > 0 && (best == NPAT || pcount[h] > pcount[best]))
                    best = h;
            }
            if (best == NPAT)
                break;
            uint64_t k = pkey[best];
            uint64_t relk = k % 64;
            k /= 64;
            int lv[HV_ID_N_FIELDS];
            for (int f = HV_ID_N_FIELDS - 1; f >= 0; f--) {
                lv[f] = (int)(k % 6) - 1;
                k /= 6;
            }
            printf("%-28s   %7llu x", "", (unsigned long long)pcount[best]);
            for (int f = 0; f < 8; f++)
                printf(" %s=%s", hv_id_field_name((enum hv_id_field)f),
                       hv_id_level_name((enum hv_id_field)f, lv[f]));
            if (relk > 0)
                printf(" same_case %s/%s", rel_names[(relk - 1) / 7], rel_names[(relk - 1) % 7]);
            printf("\n");
            pcount[best] = 0;
        }
    }
    printf("%-28s hard negatives merged %llu of %llu merges = %.3f%% (goal <= 0.5%%)\n", "",
           (unsigned long long)hn, (unsigned long long)merges,
           merges > 0 ? 100.0 * (double)hn / (double)merges : 0.0);
    free(self);
    free(label);
    free(hardneg);
    free(casev);
    free(rel);
    hv_id_engine_destroy(e);
    return 0;
}

static int run_one(const char *which, const char *shared, uint64_t scale_n)
{
    struct hv_names *names = NULL;
    struct hv_diag diag;
    if (hv_names_create(NULL, &names, &diag) != HV_OK) {
        fprintf(stderr, "names: %s\n", diag.msg);
        return 1;
    }
    char path[4096];
    int rc = 0;
    if (strcmp(which, "febrl") == 0) {
        snprintf(path, sizeof(path), "%s/febrl/dataset3.csv", shared);
        rc = run_csv(
            names, "FEBRL dataset3", path,
            "rec_id=id,given_name=given,surname=family,date_of_birth=birth,"
            "soc_sec_id=doc,postcode=extra,suburb=extra,address_1=extra,street_number=extra",
            HV_ID_BLOCK_NAME | HV_ID_BLOCK_DATE | HV_ID_BLOCK_DOC | HV_ID_BLOCK_GIVEN_DATE |
                HV_ID_BLOCK_FAMILY_DATE | HV_ID_BLOCK_EXTRA0 | (HV_ID_BLOCK_EXTRA0 << 2),
            true, "goal F1 >= 0.995; Splink 0.993 at p=0.5", NULL);
    } else if (strcmp(which, "fake") == 0) {
        snprintf(path, sizeof(path), "%s/splink_datasets/fake_1000.csv", shared);
        rc = run_csv(names, "Splink fake_1000", path,
                     "unique_id=id,first_name=given,surname=family,dob=birth,city=extra,"
                     "email=extra,cluster=truth",
                     HV_ID_BLOCK_NAME | HV_ID_BLOCK_DATE | HV_ID_BLOCK_GIVEN_DATE |
                         HV_ID_BLOCK_FAMILY_DATE | HV_ID_BLOCK_GIVEN_YEAR | HV_ID_BLOCK_NAME_YEAR |
                         HV_ID_BLOCK_EXTRA0 | (HV_ID_BLOCK_EXTRA0 << 1),
                     false, "goal F1 >= 0.87; Splink 0.806 at p=0.5, 0.862 best", NULL);
    } else if (strcmp(which, "hist") == 0) {
        snprintf(path, sizeof(path), "%s/splink_datasets/historical_figures_with_errors_50k.csv",
                 shared);
        rc =
            run_csv(names, "historical_figures 50k", path,
                    "unique_id=id,first_name=given,surname=family,dob=birth,gender=sex,"
                    "birth_place=extra,postcode_fake=extra,occupation=extra,cluster=truth",
                    HV_ID_BLOCK_NAME | HV_ID_BLOCK_DATE | HV_ID_BLOCK_GIVEN_DATE |
                        HV_ID_BLOCK_FAMILY_DATE | HV_ID_BLOCK_NAME_YEAR | (HV_ID_BLOCK_EXTRA0 << 1),
                    false, "reported", g_peer ? "hist" : NULL);
    } else if (strcmp(which, "demo") == 0) {
        rc = run_demo(names, "demo planted duplicates", HV_DEMO_DEFAULT_CASES, UINT64_MAX,
                      g_max_block, true, "goal F1 >= 0.97");
    } else if (strcmp(which, "scale") == 0) {
        rc = run_demo(names, "1M registrations", (uint32_t)(scale_n / 4 + 1000), scale_n,
                      g_max_block > 0 ? g_max_block : 60, false, "goal <= 60 s, <= 2 GiB");
        if (rc == 0 && g_peer) {
            const char *csv = "/tmp/hv-bench-identity-scale.csv";
            if (write_scale_csv((uint32_t)(scale_n / 4 + 1000), scale_n, csv) == 0)
                run_peer("scale", csv, g_scale_seconds, g_scale_rss);
            else
                printf("%-28s could not write %s for the peer\n", "", csv);
            unlink(csv);
        }
    } else if (strcmp(which, "scale-csv") == 0) {
        /* Only the scale set as a CSV, for running the peer by hand. */
        rc = write_scale_csv((uint32_t)(scale_n / 4 + 1000), scale_n,
                             "/tmp/hv-bench-identity-scale.csv");
        printf("wrote /tmp/hv-bench-identity-scale.csv\n");
    } else {
        fprintf(stderr, "unknown dataset %s\n", which);
        rc = 1;
    }
    hv_names_destroy(names);
    fflush(stdout);
    return rc;
}

int main(int argc, char **argv)
{
    const char *which = "all", *shared = "/work/shared/data";
    uint64_t scale_n = 1000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc)
            shared = argv[++i];
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            scale_n = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--no-peer") == 0)
            g_peer = false;
        else if (strcmp(argv[i], "--peer-dir") == 0 && i + 1 < argc)
            g_peer_dir = argv[++i];
        else if (strcmp(argv[i], "--max-block") == 0 && i + 1 < argc)
            g_max_block = (uint32_t)strtoul(argv[++i], NULL, 10);
        else
            which = argv[i];
    }
    if (strcmp(which, "all") != 0)
        return run_one(which, shared, scale_n);
    /* Each data set in its own process so that peak RSS is its own. */
    static const char *const all[] = { "febrl", "fake", "hist", "demo", "scale" };
    int rc = 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0)
            _exit(run_one(all[i], shared, scale_n));
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            rc = 1;
    }
    return rc;
}
