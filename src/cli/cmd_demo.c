/* cmd_demo.c - `haven demo`: generates the 2021 founding scenario and imports it.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "haven/clock.h"
#include "haven/demo.h"
#include "haven/pipeline.h"
#include "haven/registry.h"
#include "haven/sites.h"

static const char help[] =
    "usage: haven demo [--out DIR] [--cases N] [--seed S] [--dup-rate R] [--no-import]\n"
    "\n"
    "Generates the founding scenario of summer 2021 - about 9,000 SIV cases (~40,000 people)\n"
    "with realistic Afghan names (compound given names, father's and grandfather's names,\n"
    "honorifics, native-script names, mostly year-only birth dates), documents, employment\n"
    "with the mission and contacts; planted duplicate registrations with transliteration\n"
    "variants and their ground truth; host sites in Uzbekistan, Tajikistan and Kazakhstan;\n"
    "border crossings with their 2021 status history - and imports it into the database\n"
    "(created with a new key file when it does not exist). Same seed, same scenario.\n"
    "No real person is in it.\n"
    "\n"
    "  --out DIR      where the scenario files go (default: DB.scenario)\n"
    "  --cases N      number of cases (default 9000)\n"
    "  --seed S       random seed (default 1)\n"
    "  --dup-rate R   share of people registered twice (default 0.03)\n"
    "  --no-import    only write the files\n";

int cmd_demo(struct cli *c, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    struct hv_demo_options opt;
    hv_demo_options_init(&opt);
    const char *out = NULL;
    bool do_import = true;
    for (int i = 1; i < argc; i++) {
        int64_t v = 0;
        double r = 0;
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc) {
            if (!hv_parse_i64(hv_str_c(argv[++i]), &v) || v < 1 || v > HV_DEMO_MAX_CASES)
                return cli_usage("demo", "--cases takes a number from 1 to %u", HV_DEMO_MAX_CASES);
            opt.n_cases = (uint32_t)v;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            if (!hv_parse_i64(hv_str_c(argv[++i]), &v) || v < 0)
                return cli_usage("demo", "--seed takes a whole number");
            opt.seed = (uint64_t)v;
        } else if (strcmp(argv[i], "--dup-rate") == 0 && i + 1 < argc) {
            if (!hv_parse_double(hv_str_c(argv[++i]), &r) || r < 0 || r > HV_DEMO_MAX_RATE)
                return cli_usage("demo", "--dup-rate takes a number from 0 to 0.5");
            opt.dup_rate = r;
        } else if (strcmp(argv[i], "--no-import") == 0) {
            do_import = false;
        } else {
            return cli_usage("demo", "unknown option %s", argv[i]);
        }
    }
    char out_buf[4200];
    if (out == NULL) {
        snprintf(out_buf, sizeof(out_buf), "%s.scenario", c->db);
        out = out_buf;
    }
    if (do_import && access(c->db, F_OK) != 0) {
        char *init_argv[] = { "init", NULL };
        int rc = cmd_init(c, 1, init_argv);
        if (rc != 0)
            return rc;
        cli_close(c); /* reopened below, with the key, by cli_open */
    }
    struct hv_progress progress = { 0 };
    if (!c->quiet && !c->json && isatty(2)) {
        progress.fn = cli_progress;
        progress.ud = c;
    }
    struct hv_demo_summary sum;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    double t0 = hv_monotonic();
    enum hv_err err = hv_demo_generate(&opt, out, &progress, &sum, &diag);
    cli_progress_done(c);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    double t_gen = hv_monotonic() - t0;
    struct hv_import_counts counts;
    memset(&counts, 0, sizeof(counts));
    double t_imp = 0;
    int64_t n_in_pipeline = 0;
    if (do_import) {
        int rc = cli_open(c, true);
        if (rc != 0)
            return rc;
        const char *paths[] = { out };
        struct hv_import_options iopt = { .key_source = &c->key };
        t0 = hv_monotonic();
        err = hv_registry_import(&c->ctx, paths, 1, &iopt, &counts, &diag);
        cli_progress_done(c);
        if (err == HV_OK)
            err = hv_sites_demo_load(&c->ctx, out, &diag);
        if (err == HV_OK)
            err = hv_pipeline_demo_history(&c->ctx, opt.seed, 0, &n_in_pipeline, &diag);
        if (err != HV_OK)
            return cli_fail(c, err, &diag);
        t_imp = hv_monotonic() - t0;
    }
    if (c->json) {
        printf("{\"out\":\"%s\",\"cases\":%llu,\"people\":%llu,\"documents\":%llu,"
               "\"employment\":%llu,\"contacts\":%llu,\"duplicates\":%llu,"
               "\"hard_negatives\":%llu,\"sites\":%llu,\"crossings\":%llu,"
               "\"crossing_status\":%llu,\"in_pipeline\":%lld,\"imported\":%s,\"generate_s\":%.3f,"
               "\"import_s\":%.3f}\n",
               out, (unsigned long long)sum.cases, (unsigned long long)sum.people,
               (unsigned long long)sum.documents, (unsigned long long)sum.employment,
               (unsigned long long)sum.contacts, (unsigned long long)sum.duplicates,
               (unsigned long long)sum.hard_negatives, (unsigned long long)sum.sites,
               (unsigned long long)sum.crossings, (unsigned long long)sum.crossing_status,
               (long long)n_in_pipeline, do_import ? "true" : "false", t_gen, t_imp);
        return 0;
    }
    printf("founding scenario (summer 2021), seed %llu, written to %s in %.1f s\n",
           (unsigned long long)opt.seed, out, t_gen);
    printf("  %llu cases, %llu people, %llu documents, %llu employment records, %llu contacts\n",
           (unsigned long long)sum.cases, (unsigned long long)sum.people,
           (unsigned long long)sum.documents, (unsigned long long)sum.employment,
           (unsigned long long)sum.contacts);
    printf("  %llu planted duplicate registrations (truth_duplicates.csv), %llu hard negatives\n",
           (unsigned long long)sum.duplicates, (unsigned long long)sum.hard_negatives);
    printf("  %llu host sites, %llu crossings with %llu dated status changes\n",
           (unsigned long long)sum.sites, (unsigned long long)sum.crossings,
           (unsigned long long)sum.crossing_status);
    if (do_import) {
        printf("imported into %s in %.1f s (%.0f people/s)\n", c->db, t_imp,
               t_imp > 0 ? (double)counts.created[HV_KIND_PERSON] / t_imp : 0.0);
        printf("  sites and crossings loaded; %lld cases placed in the SIV pipeline with a "
               "2018-2021 history (reports: --as-of 2021-08-31)\n",
               (long long)n_in_pipeline);
    }
    return 0;
}
