/* bench_names.c - speed of the names engine: names parsed per second and comparisons per
 * second on pairs drawn from the demo's name tables (Latin and Arabic script, with spelling
 * variants, honorifics and order swaps). Prints figures; not a test.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "haven/names.h"

#define MAX_NAMES 1024
#define N_NAMES   4096

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct pool {
    char latin[MAX_NAMES][96];
    char native[MAX_NAMES][128];
    size_t n;
};

static void load(struct pool *p, const char *dir, const char *file)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/names/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char line[512];
    bool header = false;
    while (fgets(line, sizeof(line), f) != NULL && p->n < MAX_NAMES) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (!header) {
            header = true;
            continue;
        }
        char *tab = strchr(line, '\t');
        if (tab == NULL)
            continue;
        *tab = '\0';
        char *native = tab + 1;
        char *tab2 = strchr(native, '\t');
        if (tab2 != NULL)
            *tab2 = '\0';
        size_t ll = strlen(line), nl = strlen(native);
        if (ll >= sizeof(p->latin[0]) || nl >= sizeof(p->native[0]))
            continue;
        memcpy(p->latin[p->n], line, ll + 1);
        memcpy(p->native[p->n], native, nl + 1);
        p->n++;
    }
    fclose(f);
}

/* A small deterministic generator (xorshift), so runs are comparable. */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

int main(int argc, char **argv)
{
    /* usage: bench_names [DATA_DIR]; default $HV_SOURCE_DIR/data, else ./data. */
    char dir_buf[4096];
    const char *src = getenv("HV_SOURCE_DIR");
    snprintf(dir_buf, sizeof(dir_buf), "%s/data", src != NULL ? src : ".");
    const char *dir = argc > 1 ? argv[1] : dir_buf;
    struct hv_names *nm = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    double t0 = now();
    if (hv_names_create(dir, &nm, &d) != HV_OK) {
        fprintf(stderr, "bench_names: cannot load tables from %s: %s\n", dir, d.msg);
        return 1;
    }
    printf("tables loaded in %.1f ms\n", (now() - t0) * 1e3);
    struct pool *given = calloc(1, sizeof(*given));
    struct pool *family = calloc(1, sizeof(*family));
    load(given, dir, "given_male.tsv");
    load(given, dir, "given_female.tsv");
    load(family, dir, "family.tsv");
    if (given->n == 0 || family->n == 0) {
        fprintf(stderr, "bench_names: no names under %s/names\n", dir);
        return 1;
    }
    static const char *const titles[] = { "", "", "", "Haji ", "Mullah ", "Qari ", "Sayed " };
    struct hv_name *parsed = calloc(N_NAMES, sizeof(*parsed));
    char buf[512];
    size_t n_ok = 0;
    t0 = now();
    for (size_t i = 0; i < N_NAMES; i++) {
        size_t g = next() % given->n, f = next() % family->n, g2 = next() % given->n;
        bool native = next() % 4 == 0;
        if (native)
            snprintf(buf, sizeof(buf), "%s %s %s", given->native[g], given->native[g2],
                     family->native[f]);
        else
            snprintf(buf, sizeof(buf), "%s%s %s %s", titles[next() % 7], given->latin[g],
                     given->latin[g2], family->latin[f]);
        if (hv_names_parse(nm, hv_str_c(buf), &parsed[n_ok]) == HV_OK)
            n_ok++;
    }
    double dt = now() - t0;
    printf("parse: %zu names in %.3f s = %.0f names/s (ICU normalisation + tables)\n", n_ok, dt,
           (double)n_ok / dt);

    size_t n_cmp = 500000;
    double sum = 0;
    struct hv_names_match m;
    t0 = now();
    for (size_t k = 0; k < n_cmp; k++) {
        size_t i = next() % n_ok, j = next() % n_ok;
        hv_names_compare_parsed(nm, &parsed[i], &parsed[j], NULL, &m);
        sum += m.score;
    }
    dt = now() - t0;
    printf("compare_parsed: %zu pairs in %.3f s = %.0f compares/s single-threaded "
           "(mean score %.3f)\n",
           n_cmp, dt, (double)n_cmp / dt, sum / (double)n_cmp);

    size_t n_full = 100000;
    static struct hv_names_result r;
    t0 = now();
    for (size_t k = 0; k < n_full; k++) {
        size_t i = next() % given->n, j = next() % given->n;
        const char *a = given->latin[i];
        const char *b = (k % 2 == 0) ? given->native[i] : given->latin[j];
        if (hv_names_compare(nm, hv_str_c(a), hv_str_c(b), NULL, &r) != HV_OK)
            return 1;
        sum += r.match.score;
    }
    dt = now() - t0;
    printf("compare (parse both + compare): %zu pairs in %.3f s = %.0f compares/s\n", n_full, dt,
           (double)n_full / dt);
    free(parsed);
    free(given);
    free(family);
    hv_names_destroy(nm);
    return 0;
}
