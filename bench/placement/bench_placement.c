/* bench_placement.c - runs one placement backend on an instance file and prints time to the
 * first plan, time in total, objective, bound, gap and peak RSS; optionally writes the plan,
 * the exported model (MPS or LP) and the column map the peers' answers are read back with.
 * bench/placement/run.py drives it against glpsol, cbc and HiGHS.
 * usage: bench_placement INSTANCE [--backend builtin|cbc] [--time S] [--gap G] [--plan FILE]
 *                        [--mps FILE] [--lp FILE] [--map FILE] [-v]
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/placement.h"

static int die(const struct hv_diag *d, const char *what)
{
    char msg[1024];
    hv_diag_format(d, msg, sizeof(msg));
    fprintf(stderr, "bench_placement: %s: %s\n", what, msg);
    return 2;
}

static int write_file(const char *path, const struct hv_buf *b)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(b->ptr, 1, b->len, f) != b->len) {
        fprintf(stderr, "bench_placement: cannot write %s\n", path);
        if (f != NULL)
            fclose(f);
        return 9;
    }
    return fclose(f) == 0 ? 0 : 9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_placement INSTANCE [--backend B] [--time S] [--gap G] "
                        "[--plan F] [--mps F] [--lp F] [--map F] [-v]\n");
        return 1;
    }
    struct hv_place_params p = { .backend = "builtin", .time_limit = 60, .gap = 1e-4 };
    const char *plan = NULL, *mps = NULL, *lp = NULL, *map = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "-v") == 0) {
            p.verbose = true;
            continue;
        }
        if (v == NULL) {
            fprintf(stderr, "bench_placement: %s needs a value\n", argv[i]);
            return 1;
        }
        if (strcmp(argv[i], "--backend") == 0)
            p.backend = v;
        else if (strcmp(argv[i], "--time") == 0)
            p.time_limit = strtod(v, NULL);
        else if (strcmp(argv[i], "--gap") == 0)
            p.gap = strtod(v, NULL);
        else if (strcmp(argv[i], "--plan") == 0)
            plan = v;
        else if (strcmp(argv[i], "--mps") == 0)
            mps = v;
        else if (strcmp(argv[i], "--lp") == 0)
            lp = v;
        else if (strcmp(argv[i], "--map") == 0)
            map = v;
        else {
            fprintf(stderr, "bench_placement: unknown option %s\n", argv[i]);
            return 1;
        }
        i++;
    }
    struct hv_buf in;
    hv_buf_init(&in, HV_PLACE_MAX_FILE);
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        fprintf(stderr, "bench_placement: cannot open %s\n", argv[1]);
        return 9;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (hv_buf_append(&in, chunk, n) != HV_OK) {
            fclose(f);
            fprintf(stderr, "bench_placement: instance too large\n");
            return 8;
        }
    }
    fclose(f);
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_place_instance inst;
    struct hv_place_model m;
    int rc = 0;
    if (hv_place_instance_parse(&a, argv[1], in.ptr != NULL ? in.ptr : "", in.len, &inst, &d) !=
        HV_OK) {
        rc = die(&d, "instance");
        goto out;
    }
    if (hv_place_model_build(&a, &inst, &m, &d) != HV_OK) {
        rc = die(&d, "model");
        goto out;
    }
    struct hv_buf b;
    hv_buf_init(&b, 0);
    if (mps != NULL &&
        (hv_place_model_export(&m, HV_PLACE_MPS, &b) != HV_OK || write_file(mps, &b) != 0))
        rc = 9;
    hv_buf_reset(&b);
    if (lp != NULL &&
        (hv_place_model_export(&m, HV_PLACE_LP, &b) != HV_OK || write_file(lp, &b) != 0))
        rc = 9;
    hv_buf_reset(&b);
    if (map != NULL) {
        enum hv_err err = HV_OK;
        for (size_t j = 0; j < m.n_col && err == HV_OK; j++)
            err = hv_buf_appendf(&b, "x%u_%u " HV_STR_FMT " " HV_STR_FMT " " HV_STR_FMT "\n",
                                 m.col_fam[j], m.col_site[j],
                                 HV_STR_ARG(inst.families[m.col_fam[j]].id),
                                 HV_STR_ARG(inst.sites[m.col_site[j]].id),
                                 HV_STR_ARG(inst.routes[m.col_route[j]].id));
        if (err != HV_OK || write_file(map, &b) != 0)
            rc = 9;
    }
    hv_buf_reset(&b);
    if (strcmp(p.backend, "none") != 0) {
        struct hv_place_result r;
        if (hv_place_solve(&m, &p, &r, &d) != HV_OK) {
            rc = die(&d, "solve");
        } else {
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            printf("backend=%s families=%zu columns=%zu rows=%zu placed=%zu fractional=%zu "
                   "t_first=%.3f t_total=%.3f objective=%.4f bound=%.4f gap=%.6f%% "
                   "optimal=%d rss_mib=%.1f\n",
                   r.backend, m.n_fam, m.n_col, m.n_row, r.n_placed, r.n_fractional, r.t_first,
                   r.t_total, r.objective, r.bound, 100 * r.gap, r.optimal ? 1 : 0,
                   (double)ru.ru_maxrss / 1024.0);
            if (plan != NULL &&
                (hv_place_plan_write(&m, &r, &b) != HV_OK || write_file(plan, &b) != 0))
                rc = 9;
            hv_place_result_finish(&r);
        }
    }
    hv_buf_finish(&b);
out:
    hv_arena_finish(&a);
    hv_buf_finish(&in);
    return rc;
}
