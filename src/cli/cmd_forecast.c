/* cmd_forecast.c - `haven forecast run|compare|model`: Monte Carlo forecasts of beds per
 * country per week and of the clearance date, as a table (or JSON), CSV and SVG fan charts;
 * two scenarios side by side; the compiled model as JSON for the benchmark's peer.
 * SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/forecast.h"
#include "haven/str.h"

static const char help[] =
    "usage: haven forecast run --scenario FILE [--reps N] [--weeks W] [--seed S]\n"
    "                          [--threads T] [--out DIR] [--every K]\n"
    "       haven forecast compare A B [--reps N] [--weeks W] [--seed S] [--threads T]\n"
    "                          [--out DIR]\n"
    "       haven forecast model --scenario FILE [--weeks W]\n"
    "\n"
    "run      simulates the scenario N times (default 200) over W weeks (default: the\n"
    "         scenario's) and prints, per country and week, the beds in use (weekly peak,\n"
    "         P50 [P10-P90], '!' over capacity), the weeks over capacity, the clearance date\n"
    "         (the day the last family leaves the host sites) and the cases over the\n"
    "         statutory clock. --out DIR also writes forecast.csv, forecast.json and SVG fan\n"
    "         charts (beds-<country or site>.svg, clearance.svg) for a briefing. --every K\n"
    "         prints every K-th week in the table.\n"
    "compare  runs A and B with the same seed and replications and shows them side by side\n"
    "         (peak beds, weeks over capacity, clearance per country); --out DIR writes each\n"
    "         run's files to DIR/a and DIR/b.\n"
    "model    prints the compiled model as JSON (the input of bench/forecast's SimPy peer).\n"
    "\n"
    "Scenario files are described in docs/internals/FORECAST.md; the 2021 scenario is\n"
    "data/scenarios/2021.scn. A scenario that names a workflow is built from the database\n"
    "(--db): step durations from the case history, cases, sites and crossings. The same\n"
    "--seed gives the same result for any --threads (default: all CPUs). With --json (global)\n"
    "run and compare print JSON. A malformed scenario exits 2 naming file, line and field.\n";

struct opts {
    const char *scenario, *a, *b, *out;
    uint32_t reps, threads;
    int32_t weeks;
    uint64_t seed;
    int every;
};

static bool parse_u64(const char *z, uint64_t max, uint64_t *out)
{
    int64_t v;
    if (!hv_parse_i64(hv_str_c(z), &v) || v < 0 || (uint64_t)v > max)
        return false;
    *out = (uint64_t)v;
    return true;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){ .reps = 200, .seed = 1, .every = 1 };
    for (int i = 2; i < argc; i++) {
        const char *k = argv[i];
        bool has = i + 1 < argc;
        uint64_t v;
        if (k[0] != '-') {
            if (o->a == NULL)
                o->a = k;
            else if (o->b == NULL)
                o->b = k;
            else
                return cli_usage("forecast", "unexpected argument %s", k);
            continue;
        }
        if (!has)
            return cli_usage("forecast", "%s needs a value", k);
        const char *val = argv[++i];
        if (strcmp(k, "--scenario") == 0) {
            o->scenario = val;
        } else if (strcmp(k, "--out") == 0) {
            o->out = val;
        } else if (strcmp(k, "--reps") == 0) {
            if (!parse_u64(val, HV_FORECAST_MAX_REPS, &v) || v == 0)
                return cli_usage("forecast", "--reps takes 1..%d", HV_FORECAST_MAX_REPS);
            o->reps = (uint32_t)v;
        } else if (strcmp(k, "--weeks") == 0) {
            if (!parse_u64(val, HV_FORECAST_MAX_WEEKS, &v) || v == 0)
                return cli_usage("forecast", "--weeks takes 1..%d", HV_FORECAST_MAX_WEEKS);
            o->weeks = (int32_t)v;
        } else if (strcmp(k, "--seed") == 0) {
            if (!parse_u64(val, INT64_MAX, &v))
                return cli_usage("forecast", "--seed takes a non-negative integer");
            o->seed = v;
        } else if (strcmp(k, "--threads") == 0) {
            if (!parse_u64(val, 256, &v))
                return cli_usage("forecast", "--threads takes 0..256 (0 = all CPUs)");
            o->threads = (uint32_t)v;
        } else if (strcmp(k, "--every") == 0) {
            if (!parse_u64(val, 1040, &v) || v == 0)
                return cli_usage("forecast", "--every takes 1..1040");
            o->every = (int)v;
        } else {
            return cli_usage("forecast", "unknown option %s", k);
        }
    }
    return 0;
}

static enum hv_err write_file(const char *dir, const char *name, const struct hv_buf *b,
                              struct hv_diag *d)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        hv_diag_set(d, "out", "path too long");
        return HV_ERR_INVALID;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        hv_diag_at(d, path, 0);
        hv_diag_set(d, NULL, "cannot write: %s", strerror(errno));
        return HV_ERR_IO;
    }
    bool ok = fwrite(b->ptr != NULL ? b->ptr : "", 1, b->len, f) == b->len;
    ok &= fclose(f) == 0;
    if (!ok) {
        hv_diag_at(d, path, 0);
        hv_diag_set(d, NULL, "write error");
        return HV_ERR_IO;
    }
    return HV_OK;
}

static enum hv_err make_dir(const char *dir, struct hv_diag *d)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        hv_diag_at(d, dir, 0);
        hv_diag_set(d, "out", "cannot create the directory: %s", strerror(errno));
        return HV_ERR_IO;
    }
    return HV_OK;
}

/* forecast.csv, forecast.json, beds-<key>.svg for every series, clearance.svg. */
static enum hv_err write_outputs(const struct hv_forecast_result *r, const char *name,
                                 const char *dir, size_t *n_files, struct hv_diag *d)
{
    enum hv_err err = make_dir(dir, d);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    if (err == HV_OK)
        err = hv_forecast_write_csv(r, &b);
    if (err == HV_OK)
        err = write_file(dir, "forecast.csv", &b, d);
    hv_buf_reset(&b);
    if (err == HV_OK)
        err = hv_forecast_write_json(r, &b);
    if (err == HV_OK)
        err = write_file(dir, "forecast.json", &b, d);
    *n_files = 2;
    for (size_t i = 0; i < hv_forecast_n_series(r) && err == HV_OK; i++) {
        struct hv_forecast_series_info si;
        hv_forecast_series(r, i, &si);
        char title[300], file[200];
        snprintf(title, sizeof(title), "Beds in use: %s%s%s - %s", si.name,
                 strcmp(si.name, si.key) != 0 ? " " : "",
                 strcmp(si.name, si.key) != 0 ? si.key : "", name);
        snprintf(file, sizeof(file), "beds-%s.svg", si.key);
        hv_buf_reset(&b);
        err = hv_forecast_svg_fan(r, i, title, &b);
        if (err == HV_OK)
            err = write_file(dir, file, &b, d);
        (*n_files)++;
    }
    if (err == HV_OK) {
        char title[300];
        snprintf(title, sizeof(title), "When the last family leaves the host sites - %s", name);
        hv_buf_reset(&b);
        err = hv_forecast_svg_clearance(r, title, &b);
        if (err == HV_OK)
            err = write_file(dir, "clearance.svg", &b, d);
        (*n_files)++;
    }
    hv_buf_finish(&b);
    return err;
}

/* Parses, builds and runs one scenario; *r is the result (NULL on error, exit code returned). */
static int run_one(struct cli *c, const struct opts *o, const char *path,
                   struct hv_forecast_result **r, char *name, size_t name_len, bool info)
{
    struct hv_arena a;
    hv_arena_init(&a, 2048u << 20);
    struct hv_diag d;
    hv_diag_clear(&d);
    const struct hv_forecast_scenario *sc = NULL;
    const struct hv_forecast_model *m = NULL;
    enum hv_err err = hv_forecast_scenario_load(&a, path, &sc, &d);
    int rc = 0;
    if (err == HV_OK && hv_forecast_scenario_needs_db(sc) && c->ctx.store == NULL &&
        (rc = cli_open(c, false)) != 0) {
        hv_arena_finish(&a);
        return rc;
    }
    if (err == HV_OK)
        err = hv_forecast_model_build(c->ctx.store != NULL ? &c->ctx : NULL, &a, sc, o->weeks, &m,
                                      &d);
    if (err == HV_OK) {
        snprintf(name, name_len, "%s",
                 hv_forecast_scenario_name(sc)[0] != '\0' ? hv_forecast_scenario_name(sc) : path);
        struct hv_forecast_model_info mi;
        hv_forecast_model_info(m, &mi);
        if (info && !c->json)
            printf("model: %zu cases (%zu left out), %zu steps (%zu from the history of %zu "
                   "visits), %zu sites in %zu countries, %zu crossings, %zu flows\n",
                   mi.n_cases, mi.n_skipped, mi.n_steps, mi.n_steps_empirical, mi.n_history_visits,
                   mi.n_sites, mi.n_countries, mi.n_crossings, mi.n_flows);
        struct hv_forecast_options opt = { .reps = o->reps,
                                           .seed = o->seed,
                                           .threads = o->threads };
        if (!c->quiet && !c->json && isatty(2)) {
            opt.progress.fn = cli_progress;
            opt.progress.ud = c;
        }
        err = hv_forecast_run(m, &opt, r, &d);
        cli_progress_done(c);
    }
    hv_arena_finish(&a);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    return 0;
}

static int print_buf(struct cli *c, enum hv_err err, struct hv_buf *b, bool json)
{
    if (err == HV_OK) {
        if (json)
            cli_print_json(b->ptr, b->len);
        else
            fwrite(b->ptr != NULL ? b->ptr : "", 1, b->len, stdout);
    }
    hv_buf_finish(b);
    return err == HV_OK ? 0 : cli_fail(c, err, NULL);
}

static int do_run(struct cli *c, const struct opts *o)
{
    if (o->scenario == NULL || o->a != NULL)
        return cli_usage("forecast", "run takes --scenario FILE and no other argument");
    struct hv_forecast_result *r = NULL;
    char name[256];
    int rc = run_one(c, o, o->scenario, &r, name, sizeof(name), true);
    if (rc != 0)
        return rc;
    struct hv_buf b;
    hv_buf_init(&b, 0);
    enum hv_err err =
        c->json ? hv_forecast_write_json(r, &b) : hv_forecast_write_table(r, o->every, &b);
    rc = print_buf(c, err, &b, c->json);
    if (rc == 0 && o->out != NULL) {
        struct hv_diag d;
        hv_diag_clear(&d);
        size_t n = 0;
        err = write_outputs(r, name, o->out, &n, &d);
        if (err != HV_OK)
            rc = cli_fail(c, err, &d);
        else if (!c->json)
            printf("\nwrote %zu files to %s (forecast.csv, forecast.json, beds-*.svg, "
                   "clearance.svg)\n",
                   n, o->out);
    }
    hv_forecast_result_destroy(r);
    return rc;
}

static int do_compare(struct cli *c, const struct opts *o)
{
    if (o->a == NULL || o->b == NULL || o->scenario != NULL)
        return cli_usage("forecast", "compare takes two scenario files A B");
    struct hv_forecast_result *ra = NULL, *rb = NULL;
    char na[256], nb[256];
    int rc = run_one(c, o, o->a, &ra, na, sizeof(na), false);
    if (rc == 0)
        rc = run_one(c, o, o->b, &rb, nb, sizeof(nb), false);
    if (rc == 0) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        enum hv_err err = HV_OK;
        if (!c->json) {
            struct hv_forecast_run_info ri;
            hv_forecast_run_info(ra, &ri);
            err = hv_buf_appendf(&b, "%u replications each, seed %" PRIu64 ", %d weeks\n", ri.reps,
                                 ri.seed, ri.weeks);
        }
        if (err == HV_OK)
            err = hv_forecast_write_compare(ra, na, rb, nb, c->json, &b);
        rc = print_buf(c, err, &b, c->json);
    }
    if (rc == 0 && o->out != NULL) {
        struct hv_diag d;
        hv_diag_clear(&d);
        char da[4096], db[4096];
        snprintf(da, sizeof(da), "%s/a", o->out);
        snprintf(db, sizeof(db), "%s/b", o->out);
        size_t n1 = 0, n2 = 0;
        enum hv_err err = make_dir(o->out, &d);
        if (err == HV_OK)
            err = write_outputs(ra, na, da, &n1, &d);
        if (err == HV_OK)
            err = write_outputs(rb, nb, db, &n2, &d);
        if (err != HV_OK)
            rc = cli_fail(c, err, &d);
        else if (!c->json)
            printf("\nwrote %zu files to %s and %zu to %s\n", n1, da, n2, db);
    }
    hv_forecast_result_destroy(ra);
    hv_forecast_result_destroy(rb);
    return rc;
}

static int do_model(struct cli *c, const struct opts *o)
{
    if (o->scenario == NULL || o->a != NULL)
        return cli_usage("forecast", "model takes --scenario FILE");
    struct hv_arena a;
    hv_arena_init(&a, 2048u << 20);
    struct hv_diag d;
    hv_diag_clear(&d);
    const struct hv_forecast_scenario *sc = NULL;
    const struct hv_forecast_model *m = NULL;
    enum hv_err err = hv_forecast_scenario_load(&a, o->scenario, &sc, &d);
    if (err == HV_OK && hv_forecast_scenario_needs_db(sc)) {
        int rc = cli_open(c, false);
        if (rc != 0) {
            hv_arena_finish(&a);
            return rc;
        }
    }
    if (err == HV_OK)
        err = hv_forecast_model_build(c->ctx.store != NULL ? &c->ctx : NULL, &a, sc, o->weeks, &m,
                                      &d);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    if (err == HV_OK)
        err = hv_forecast_model_write_json(m, &b);
    hv_arena_finish(&a);
    if (err != HV_OK) {
        hv_buf_finish(&b);
        return cli_fail(c, err, &d);
    }
    return print_buf(c, HV_OK, &b, true);
}

int cmd_forecast(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    struct opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (strcmp(argv[1], "run") == 0)
        return do_run(c, &o);
    if (strcmp(argv[1], "compare") == 0)
        return do_compare(c, &o);
    if (strcmp(argv[1], "model") == 0)
        return do_model(c, &o);
    return cli_usage("forecast", "unknown subcommand %s (run, compare, model)", argv[1]);
}
