/* cmd_screen.c - `haven screen`: screen everyone (or only against what a list update changed),
 * one person, or an ad-hoc name (or a CSV batch of them) against the current watchlists, with
 * ranked candidates, scores and explanations.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "haven/buf.h"
#include "haven/csv.h"
#include "haven/jsonw.h"
#include "haven/names.h"
#include "haven/screening.h"

/* Declared here until the command is registered in cli.h. */

#define QUERY_MAX 50

static const char help[] =
    "usage: haven screen run [--changed] [--json]\n"
    "       haven screen person REF [--json]\n"
    "       haven screen query NAME [--dob D] [--nationality XX] [--sex F|M] [--entities]\n"
    "                               [--limit N] [--min SCORE] [--json]\n"
    "       haven screen query --csv FILE [--limit N] [--min SCORE] [--json]\n"
    "\n"
    "Screens people against the current snapshots of the watchlists (`haven lists load`).\n"
    "Names are matched across orders, spellings and scripts (Latin and Arabic script); birth\n"
    "date (at the precision both sides have, year ranges included), nationality and sex adjust\n"
    "the score. Candidates at or above the review threshold (0.80) are alerts.\n"
    "\n"
    "  run        screen every adult in the registry; alerts are stored as hits and put the\n"
    "             case on hold until a vetting officer decides them (`haven hits`)\n"
    "             --changed  only against entries new or changed since each list's previous\n"
    "                        snapshot (after a list update)\n"
    "  person     screen one person by ref\n"
    "  query      rank the list entries for a name (nothing is stored):\n"
    "             --dob D          1984, 1984-03 or 1984-03-12, or a range 1980..1985\n"
    "             --nationality X  ISO code or country name\n"
    "             --sex F|M\n"
    "             --entities       the name may be an organisation's: entity, vessel and\n"
    "                              aircraft entries are not marked down (they are for people)\n"
    "             --csv FILE       a batch: header name,dob,nationality,sex (name required)\n"
    "             --limit N        candidates per name (default 5)\n"
    "             --min SCORE      lowest score shown (default 0.5)\n"
    "  --json     machine-readable output, with each candidate's explanation\n"
    "\n"
    "A hit is a reason to look, never a finding about a person.\n";

static void print_stats(struct cli *c, const struct hv_screen_run_stats *s)
{
    if (c->json) {
        printf("{\"people\": %lld, \"hits\": %lld, \"suppressed\": %lld, \"holds\": %lld}\n",
               (long long)s->people, (long long)s->hits, (long long)s->suppressed,
               (long long)s->holds);
    } else {
        printf("screened %lld people: %lld new hits, %lld holds opened, %lld suppressed by "
               "earlier false-positive decisions\n",
               (long long)s->people, (long long)s->hits, (long long)s->holds,
               (long long)s->suppressed);
    }
}

static int do_run(struct cli *c, int argc, char **argv, bool person)
{
    const char *ref = NULL;
    bool changed = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--changed") == 0 && !person)
            changed = true;
        else if (strcmp(argv[i], "--json") == 0)
            c->json = true;
        else if (argv[i][0] == '-')
            return cli_usage("screen", "unknown option %s", argv[i]);
        else if (person && ref == NULL)
            ref = argv[i];
        else
            return cli_usage("screen", "too many arguments");
    }
    if (person && ref == NULL)
        return cli_usage("screen", "person needs a REF");
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_names *names = NULL;
    enum hv_err err = hv_names_create(NULL, &names, &d);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    int rc = cli_open(c, true);
    if (rc != 0) {
        hv_names_destroy(names);
        return rc;
    }
    struct hv_screen_run_stats st;
    if (person)
        err = hv_screen_person(&c->ctx, names, NULL, hv_str_c(ref), &st, &d);
    else
        err = hv_screen_all(&c->ctx, names, changed, &st, &d);
    hv_names_destroy(names);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    print_stats(c, &st);
    cli_close(c);
    return 0;
}

/* Runs one query and prints it (text) or appends it to w (JSON). */
static enum hv_err one_query(struct hv_screen_index *ix, struct hv_screen_scratch *s,
                             const struct hv_screen_query *q, double min, size_t limit,
                             struct hv_jw *w, const char *label)
{
    struct hv_screen_cand cands[QUERY_MAX];
    size_t n = 0;
    enum hv_err err = hv_screen_query_run(ix, s, q, min, cands, limit, &n);
    if (err != HV_OK)
        return err;
    if (w != NULL) {
        hv_jw_object_begin(w);
        hv_jw_key(w, "query");
        hv_jw_str(w, q->name);
        hv_jw_key(w, "candidates");
        hv_jw_array_begin(w);
        for (size_t i = 0; err == HV_OK && i < n; i++)
            err = hv_screen_explain_json(ix, q, &cands[i], w);
        hv_jw_array_end(w);
        hv_jw_object_end(w);
        return err;
    }
    printf("%s%s%.*s: %zu candidate%s\n", label, label[0] ? " " : "", HV_STR_ARG(q->name), n,
           n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const struct hv_screen_cand *cd = &cands[i];
        printf("  %zu. %.3f %s %-12s %s%s\n", i + 1, cd->score, cd->list->name, cd->entry->ref,
               cd->entry->names[cd->name_index].text,
               cd->score >= HV_SCREEN_REVIEW_THRESHOLD ? "  [ALERT]" : "");
        printf("     name %.3f (%s); birth date %s %+.2f; nationality %s %+.2f; sex %s %+.2f",
               cd->name_score, hv_wl_name_kind_str(cd->entry->names[cd->name_index].kind),
               hv_screen_effect_str(cd->dob), cd->dob_adj, hv_screen_effect_str(cd->nationality),
               cd->nat_adj, hv_screen_effect_str(cd->sex), cd->sex_adj);
        if (!cd->entry->individual)
            printf("; entity %+.2f", cd->kind_adj);
        printf("\n");
    }
    return HV_OK;
}

static enum hv_err run_csv(const char *path, struct hv_screen_index *ix,
                           struct hv_screen_scratch *s, double min, size_t limit, bool entities,
                           struct hv_jw *w, struct hv_diag *d)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hv_diag_at(d, path, 0);
        hv_diag_set(d, NULL, "cannot open");
        return HV_ERR_IO;
    }
    struct hv_csv_reader r;
    hv_csv_init_file(&r, f);
    int col[4] = { -1, -1, -1, -1 };
    static const char *const cols[4] = { "name", "dob", "nationality", "sex" };
    bool header = true;
    enum hv_err err = HV_OK;
    for (;;) {
        bool eof = false;
        err = hv_csv_next(&r, &eof, d);
        if (err != HV_OK || eof)
            break;
        hv_diag_at(d, path, r.record_line);
        size_t nf = hv_csv_n_fields(&r);
        if (header) {
            for (size_t i = 0; i < nf; i++)
                for (int k = 0; k < 4; k++)
                    if (hv_str_eqz(hv_str_trim(hv_csv_field(&r, i)), cols[k]))
                        col[k] = (int)i;
            if (col[0] < 0) {
                hv_diag_set(d, NULL, "the header needs a name column");
                err = HV_ERR_INVALID;
                break;
            }
            header = false;
            continue;
        }
        struct hv_str v[4];
        for (int k = 0; k < 4; k++)
            v[k] =
                col[k] >= 0 && (size_t)col[k] < nf ? hv_csv_field(&r, (size_t)col[k]) : HV_STR_NULL;
        if (v[0].len == 0)
            continue;
        struct hv_screen_query q;
        const char *why = NULL;
        if (!hv_screen_query_init(&q, v[0], v[1], v[2], v[3], &why)) {
            hv_diag_set(d, "dob", "%s", why != NULL ? why : "bad date");
            err = HV_ERR_INVALID;
            break;
        }
        q.entities = entities;
        char label[32];
        snprintf(label, sizeof(label), "line %llu:", (unsigned long long)r.record_line);
        err = one_query(ix, s, &q, min, limit, w, label);
        if (err == HV_ERR_LIMIT) {
            hv_diag_set(d, "name", "name too long");
            break;
        }
        if (err != HV_OK)
            break;
    }
    hv_csv_finish(&r);
    fclose(f);
    return err;
}

static int do_query(struct cli *c, int argc, char **argv)
{
    const char *name = NULL, *dob = "", *nat = "", *sex = "", *csv = NULL;
    size_t limit = 5;
    double min = 0.5;
    bool entities = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool val = i + 1 < argc;
        if (strcmp(a, "--dob") == 0 && val) {
            dob = argv[++i];
        } else if (strcmp(a, "--nationality") == 0 && val) {
            nat = argv[++i];
        } else if (strcmp(a, "--sex") == 0 && val) {
            sex = argv[++i];
            if (strcmp(sex, "F") != 0 && strcmp(sex, "M") != 0)
                return cli_usage("screen", "--sex must be F or M");
        } else if (strcmp(a, "--csv") == 0 && val) {
            csv = argv[++i];
        } else if (strcmp(a, "--limit") == 0 && val) {
            char *end = NULL;
            long v = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v < 1 || v > QUERY_MAX)
                return cli_usage("screen", "--limit must be 1..%d", QUERY_MAX);
            limit = (size_t)v;
        } else if (strcmp(a, "--min") == 0 && val) {
            char *end = NULL;
            min = strtod(argv[++i], &end);
            if (end == argv[i] || *end != '\0' || min < 0 || min > 1)
                return cli_usage("screen", "--min must be a score in [0, 1]");
        } else if (strcmp(a, "--json") == 0) {
            c->json = true;
        } else if (strcmp(a, "--entities") == 0) {
            entities = true;
        } else if (a[0] == '-' && a[1] == '-') {
            return cli_usage("screen", "unknown option %s", a);
        } else if (name == NULL) {
            name = a;
        } else {
            return cli_usage("screen", "too many arguments (quote a name with spaces)");
        }
    }
    if ((name == NULL) == (csv == NULL))
        return cli_usage("screen", "query needs a NAME or --csv FILE");
    struct hv_screen_query q;
    const char *why = NULL;
    if (name != NULL && !hv_screen_query_init(&q, hv_str_c(name), hv_str_c(dob), hv_str_c(nat),
                                              hv_str_c(sex), &why))
        return cli_usage("screen", "--dob: %s", why != NULL ? why : "not a date");
    q.entities = entities;
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_names *names = NULL;
    enum hv_err err = hv_names_create(NULL, &names, &d);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    int rc = cli_open(c, false);
    if (rc != 0) {
        hv_names_destroy(names);
        return rc;
    }
    struct hv_wl_list **lists = NULL;
    size_t n_lists = 0;
    struct hv_screen_index *ix = NULL;
    err = hv_wl_current(&c->ctx, &lists, &n_lists, &d);
    if (err == HV_OK && n_lists == 0) {
        hv_diag_set(&d, NULL, "no watchlist loaded (haven lists load)");
        err = HV_ERR_NOTFOUND;
    }
    if (err == HV_OK)
        err = hv_screen_index_create(names, lists, n_lists, &ix);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    hv_jw_init(&w, &b, true);
    if (err == HV_OK) {
        struct hv_screen_scratch *s = hv_screen_scratch_create(ix);
        if (c->json)
            hv_jw_array_begin(&w);
        if (csv != NULL) {
            err = run_csv(csv, ix, s, min, limit, entities, c->json ? &w : NULL, &d);
        } else {
            err = one_query(ix, s, &q, min, limit, c->json ? &w : NULL, "");
            if (err == HV_ERR_LIMIT)
                hv_diag_set(&d, "name", "name too long");
        }
        if (c->json) {
            hv_jw_array_end(&w);
            if (err == HV_OK)
                err = hv_jw_err(&w);
            if (err == HV_OK)
                cli_print_json(b.ptr, b.len);
        }
        hv_screen_scratch_destroy(s);
    }
    hv_buf_finish(&b);
    hv_screen_index_destroy(ix);
    hv_wl_lists_free(lists, n_lists);
    hv_names_destroy(names);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    cli_close(c);
    return 0;
}

int cmd_screen(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "run") == 0)
        return do_run(c, argc, argv, false);
    if (strcmp(argv[1], "person") == 0)
        return do_run(c, argc, argv, true);
    if (strcmp(argv[1], "query") == 0)
        return do_query(c, argc, argv);
    return cli_usage("screen", "unknown subcommand %s (run, person or query)", argv[1]);
}
