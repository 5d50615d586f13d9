/* cmd_dedup.c - `haven dedup`: find people registered more than once, review the doubtful
 * pairs, undo merges, and deduplicate or link partner CSV files before import.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/identity.h"
#include "haven/jsonw.h"
#include "haven/names.h"
#include "haven/registry.h"
#include "record_out.h"

/* Declared here until the command is registered in cli.h. */

static const char help[] =
    "usage: haven dedup run [--merge P] [--review P] [--threads N]\n"
    "       haven dedup review list [--decision D|--all] [--limit N]\n"
    "       haven dedup review show PAIR\n"
    "       haven dedup review accept PAIR [--reason CODE]\n"
    "       haven dedup review reject PAIR --reason CODE\n"
    "       haven dedup unmerge PAIR|C<cluster> [--reason CODE]\n"
    "       haven dedup csv FILE [--link FILE2] --map col=field,... --out DIR\n"
    "                 [--merge P] [--review P]\n"
    "       haven dedup candidates --given NAME [--family NAME] [--father NAME]\n"
    "                 [--grandfather NAME] [--native NAME] [--birth DATE] [--sex M|F]\n"
    "                 [--doc NUMBER]... [--phone NUMBER] [--min P] [--limit N]\n"
    "\n"
    "run      compares every registered person with the likely duplicates (blocking on name\n"
    "         skeletons, birth year, father's name and documents), scores each pair\n"
    "         (Fellegi-Sunter, m by EM, u from random pairs), merges pairs at or above\n"
    "         --merge (0.9) into identities and sends pairs at or above --review (0.3) to\n"
    "         review, holding both cases (duplicate_review) until the pair is decided.\n"
    "         Pairs decided earlier keep their decision. Needs the key (names are sealed).\n"
    "review   list pairs (default: those under review), show one side by side with the\n"
    "         explanation of each comparison (an audited read), accept (merge) or reject\n"
    "         (keep apart; later runs remember it). Deciding releases the pair's holds.\n"
    "unmerge  undo a merged or accepted pair (PAIR, e.g. 12 or P12) or every merge of an\n"
    "         identity (C<id>, the identity's smallest person id); records are untouched.\n"
    "csv      deduplicate one CSV file, or link two (--link: only pairs across the files),\n"
    "         without a database. --map maps columns to fields: given, family, full, father,\n"
    "         grandfather, native, birth, sex, doc, phone, extra, id, truth. Writes\n"
    "         DIR/pairs.csv (id_a,id_b,prob,weight,decision) and DIR/clusters.csv.\n"
    "candidates  likely duplicates of a registration being typed (nothing is stored): its\n"
    "         name skeletons, birth year and documents are looked up through the blind\n"
    "         blocking index of the last `dedup run` (and documents through the registry's\n"
    "         document index), and each person found is scored with that run's model;\n"
    "         prints those at or above --min (0.3), best first, at most --limit (10), with the\n"
    "         explanation of each comparison. DATE is YYYY, YYYY-MM, YYYY-MM-DD or YYYY..YYYY.\n"
    "Reason codes are [A-Za-z0-9._:/-] (keep names out of them). All decisions are audited.\n"
    "With --json the output is JSON on stdout.\n";

static bool parse_id(const char *z, int64_t *out)
{
    char *end = NULL;
    long long v = strtoll(z, &end, 10);
    if (end == z || *end != '\0' || v <= 0)
        return false;
    *out = v;
    return true;
}

static bool parse_prob(const char *z, double *out)
{
    char *end = NULL;
    double v = strtod(z, &end);
    if (end == z || *end != '\0' || !(v > 0.0 && v <= 1.0))
        return false;
    *out = v;
    return true;
}

/* A pair id: "12", "P12" or "pair:12". */
static bool parse_pair(const char *z, int64_t *out)
{
    if (z[0] == 'P' || z[0] == 'p')
        z++;
    else if (strncmp(z, "pair:", 5) == 0)
        z += 5;
    return parse_id(z, out);
}

static void summary_json(struct hv_jw *w, const struct hv_identity_summary *s)
{
    hv_jw_object_begin(w);
    hv_jw_key(w, "run");
    hv_jw_int(w, s->run_id);
    hv_jw_key(w, "people");
    hv_jw_int(w, (int64_t)s->people);
    hv_jw_key(w, "candidates");
    hv_jw_int(w, (int64_t)s->candidates);
    hv_jw_key(w, "new_pairs");
    hv_jw_int(w, (int64_t)s->new_pairs);
    hv_jw_key(w, "known_pairs");
    hv_jw_int(w, (int64_t)s->known_pairs);
    hv_jw_key(w, "merged");
    hv_jw_int(w, (int64_t)s->merged);
    hv_jw_key(w, "review");
    hv_jw_int(w, (int64_t)s->review);
    hv_jw_key(w, "holds_opened");
    hv_jw_int(w, (int64_t)s->holds_opened);
    hv_jw_key(w, "identities");
    hv_jw_int(w, (int64_t)s->clusters);
    hv_jw_key(w, "seconds");
    hv_jw_double(w, (double)(int64_t)(s->seconds * 1000.0) / 1000.0);
    hv_jw_object_end(w);
}

static int print_json(struct cli *c, struct hv_buf *buf, struct hv_jw *w)
{
    enum hv_err err = hv_jw_err(w);
    if (err != HV_OK) {
        hv_buf_finish(buf);
        return cli_fail(c, err, NULL);
    }
    cli_print_json(buf->ptr, buf->len);
    hv_buf_finish(buf);
    return 0;
}

static int dedup_run(struct cli *c, int argc, char **argv)
{
    struct hv_id_options opt;
    hv_id_options_default(&opt);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--merge") == 0 && v != NULL) {
            if (!parse_prob(v, &opt.merge_threshold))
                return cli_usage("dedup", "--merge takes a probability in (0, 1]");
            i++;
        } else if (strcmp(a, "--review") == 0 && v != NULL) {
            if (!parse_prob(v, &opt.review_threshold))
                return cli_usage("dedup", "--review takes a probability in (0, 1]");
            i++;
        } else if (strcmp(a, "--threads") == 0 && v != NULL) {
            int64_t t = 0;
            if (!parse_id(v, &t) || t > 8)
                return cli_usage("dedup", "--threads takes 1..8");
            opt.threads = (unsigned)t;
            i++;
        } else {
            return cli_usage("dedup", "unexpected argument %s", a);
        }
    }
    if (opt.review_threshold > opt.merge_threshold)
        return cli_usage("dedup", "--review must not be above --merge");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_identity_summary s;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_identity_run(&c->ctx, &opt, &s, &diag);
    cli_progress_done(c);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    if (c->json) {
        struct hv_buf buf;
        hv_buf_init(&buf, 0);
        struct hv_jw w;
        hv_jw_init(&w, &buf, false);
        summary_json(&w, &s);
        return print_json(c, &buf, &w);
    }
    printf("run %lld: %llu people, %llu candidate pairs compared in %.1f s\n", (long long)s.run_id,
           (unsigned long long)s.people, (unsigned long long)s.candidates, s.seconds);
    printf("new pairs: %llu (%llu merged, %llu to review, %llu holds opened); "
           "%llu already decided\n",
           (unsigned long long)s.new_pairs, (unsigned long long)s.merged,
           (unsigned long long)s.review, (unsigned long long)s.holds_opened,
           (unsigned long long)s.known_pairs);
    printf("identities of more than one person: %llu\n", (unsigned long long)s.clusters);
    return 0;
}

static void pair_json(struct hv_jw *w, const struct hv_identity_pair *p, bool explanation)
{
    hv_jw_object_begin(w);
    hv_jw_key(w, "pair");
    hv_jw_int(w, p->id);
    hv_jw_key(w, "decision");
    hv_jw_strz(w, p->decision);
    hv_jw_key(w, "prob");
    hv_jw_double(w, (double)(int64_t)(p->prob * 10000.0) / 10000.0);
    hv_jw_key(w, "weight");
    hv_jw_double(w, (double)(int64_t)(p->weight * 100.0) / 100.0);
    hv_jw_key(w, "person_a");
    hv_jw_strz(w, p->ref_a);
    hv_jw_key(w, "case_a");
    hv_jw_strz(w, p->case_ref_a);
    hv_jw_key(w, "person_b");
    hv_jw_strz(w, p->ref_b);
    hv_jw_key(w, "case_b");
    hv_jw_strz(w, p->case_ref_b);
    hv_jw_key(w, "identity_a");
    hv_jw_int(w, p->cluster_a);
    hv_jw_key(w, "identity_b");
    hv_jw_int(w, p->cluster_b);
    hv_jw_key(w, "run");
    hv_jw_int(w, p->run_id);
    hv_jw_key(w, "decided_by");
    hv_jw_strz(w, p->decided_by);
    hv_jw_key(w, "reason");
    hv_jw_strz(w, p->reason_code);
    if (explanation) {
        hv_jw_key(w, "explanation");
        hv_jw_raw(w, hv_str_c(p->explanation));
    }
    hv_jw_object_end(w);
}

static int review_list(struct cli *c, int argc, char **argv)
{
    const char *decision = "review";
    int64_t limit = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0) {
            decision = "";
        } else if (strcmp(argv[i], "--decision") == 0 && i + 1 < argc) {
            decision = argv[++i];
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (!parse_id(argv[++i], &limit))
                return cli_usage("dedup", "--limit takes a positive number");
        } else {
            return cli_usage("dedup", "unexpected argument %s", argv[i]);
        }
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 256u << 20);
    struct hv_identity_pair *v = NULL;
    size_t n = 0;
    enum hv_err err = hv_identity_pairs(&c->ctx, &a, decision, (size_t)limit, &v, &n);
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, NULL);
    }
    if (c->json) {
        struct hv_buf buf;
        hv_buf_init(&buf, 0);
        struct hv_jw w;
        hv_jw_init(&w, &buf, false);
        hv_jw_array_begin(&w);
        for (size_t i = 0; i < n; i++)
            pair_json(&w, &v[i], false);
        hv_jw_array_end(&w);
        rc = print_json(c, &buf, &w);
    } else {
        for (size_t i = 0; i < n; i++)
            printf("P%-6lld %-9s p=%.3f  %s (%s)  ~  %s (%s)\n", (long long)v[i].id, v[i].decision,
                   v[i].prob, v[i].ref_a, v[i].case_ref_a, v[i].ref_b, v[i].case_ref_b);
        printf("%zu pair%s\n", n, n == 1 ? "" : "s");
    }
    hv_arena_finish(&a);
    return rc;
}

/* Prints the stored explanation (written by hv_id_explain_json) as a table. */
static void print_explanation(const char *json)
{
    const char *p = json;
    printf("  %-12s %-10s %8s %8s\n", "field", "level", "bits", "tf");
    while ((p = strstr(p, "{\"field\":\"")) != NULL) {
        char field[24] = "", level[24] = "";
        double wt = 0, tf = 0;
        p += 10;
        if (sscanf(p, "%23[^\"]\",\"level\":\"%23[^\"]\",\"weight\":%lf", field, level, &wt) < 3)
            continue;
        const char *end = strchr(p, '}');
        const char *t = strstr(p, "\"tf\":");
        if (t != NULL && end != NULL && t < end && sscanf(t + 5, "%lf", &tf) != 1)
            tf = 0;
        if (t != NULL && end != NULL && t < end)
            printf("  %-12s %-10s %+8.2f %+8.2f\n", field, level, wt, tf);
        else
            printf("  %-12s %-10s %+8.2f\n", field, level, wt);
    }
    const char *t = strstr(json, "\"total\":");
    double total = 0;
    if (t != NULL && sscanf(t + 8, "%lf", &total) == 1)
        printf("  %-12s %-10s %+8.2f\n", "total", "", total);
}

static int review_show(struct cli *c, int argc, char **argv)
{
    int64_t id = 0;
    if (argc != 4 || !parse_pair(argv[3], &id))
        return cli_usage("dedup", "review show takes one pair id");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    struct hv_identity_pair p;
    struct hv_record ra, rb;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_identity_pair_get(&c->ctx, &a, id, &p);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(&diag, "pair", "no pair %lld", (long long)id);
    if (err == HV_OK)
        err = hv_record_get_id(&c->ctx, &a, hv_kind(HV_KIND_PERSON), p.person_a, &ra);
    if (err == HV_OK)
        err = hv_record_get_id(&c->ctx, &a, hv_kind(HV_KIND_PERSON), p.person_b, &rb);
    if (err == HV_OK)
        err = audit_read(&c->ctx, "identity.read", "match_pair", id, "dedup review show");
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    if (c->json) {
        struct hv_buf buf;
        hv_buf_init(&buf, 0);
        struct hv_jw w;
        hv_jw_init(&w, &buf, false);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "pair");
        pair_json(&w, &p, true);
        hv_jw_key(&w, "a");
        record_json(&w, &ra);
        hv_jw_key(&w, "b");
        record_json(&w, &rb);
        hv_jw_object_end(&w);
        rc = print_json(c, &buf, &w);
        hv_arena_finish(&a);
        return rc;
    }
    printf("pair P%lld  %s  p=%.4f  weight %.2f bits  (run %lld)\n", (long long)p.id, p.decision,
           p.prob, p.weight, (long long)p.run_id);
    if (p.reason_code[0] != '\0')
        printf("decided by %s: %s\n", p.decided_by, p.reason_code);
    const struct hv_kind_def *k = hv_kind(HV_KIND_PERSON);
    printf("\n  %-18s %-30s %-30s\n", "", "A", "B");
    for (size_t f = 0; f < k->n_fields; f++)
        printf("  %-18s %-30.*s %-30.*s\n", k->fields[f].name, HV_STR_ARG(ra.values[f]),
               HV_STR_ARG(rb.values[f]));
    printf("  %-18s %-30lld %-30lld\n", "identity", (long long)p.cluster_a, (long long)p.cluster_b);
    printf("\nexplanation (bits of evidence per comparison; tf = term-frequency part):\n");
    print_explanation(p.explanation);
    hv_arena_finish(&a);
    return 0;
}

static int review_decide(struct cli *c, int argc, char **argv, enum hv_identity_decision d)
{
    int64_t id = 0;
    const char *reason = d == HV_IDENTITY_ACCEPT ? "reviewed_duplicate" : NULL;
    const char *pair = NULL;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
            reason = argv[++i];
        else if (pair == NULL)
            pair = argv[i];
        else
            return cli_usage("dedup", "unexpected argument %s", argv[i]);
    }
    if (pair == NULL || !parse_pair(pair, &id))
        return cli_usage("dedup", "review %s takes one pair id", argv[2]);
    if (reason == NULL)
        return cli_usage("dedup", "review reject needs --reason CODE");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_identity_decide(&c->ctx, id, d, reason, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    const char *what = d == HV_IDENTITY_ACCEPT ? "accepted" : "rejected";
    if (c->json) {
        printf("{\"pair\":%lld,\"decision\":\"%s\"}\n", (long long)id, what);
        return 0;
    }
    printf("pair P%lld %s (%s); its holds are released; decision audited\n", (long long)id, what,
           d == HV_IDENTITY_ACCEPT ? "merged into one identity" : "kept apart");
    return 0;
}

static int dedup_unmerge(struct cli *c, int argc, char **argv)
{
    const char *target = NULL, *reason = "unmerge";
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
            reason = argv[++i];
        else if (target == NULL)
            target = argv[i];
        else
            return cli_usage("dedup", "unexpected argument %s", argv[i]);
    }
    if (target == NULL)
        return cli_usage("dedup", "unmerge takes a pair id or C<identity>");
    enum hv_identity_target t = HV_IDENTITY_PAIR;
    int64_t id = 0;
    bool ok;
    if (target[0] == 'C' || target[0] == 'c') {
        t = HV_IDENTITY_CLUSTER;
        ok = parse_id(target + 1, &id);
    } else if (strncmp(target, "cluster:", 8) == 0) {
        t = HV_IDENTITY_CLUSTER;
        ok = parse_id(target + 8, &id);
    } else {
        ok = parse_pair(target, &id);
    }
    if (!ok)
        return cli_usage("dedup", "unmerge takes a pair id (12, P12) or an identity (C34)");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    int64_t n = 0;
    enum hv_err err = hv_identity_unmerge(&c->ctx, t, id, reason, &n, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    if (c->json) {
        printf("{\"%s\":%lld,\"pairs_unmerged\":%lld}\n",
               t == HV_IDENTITY_PAIR ? "pair" : "identity", (long long)id, (long long)n);
        return 0;
    }
    printf("unmerged %lld pair%s of %s %s%lld; the people are separate identities again\n",
           (long long)n, n == 1 ? "" : "s", t == HV_IDENTITY_PAIR ? "pair" : "identity",
           t == HV_IDENTITY_PAIR ? "P" : "C", (long long)id);
    return 0;
}

static int dedup_csv(struct cli *c, int argc, char **argv)
{
    const char *file = NULL, *link = NULL, *map_spec = NULL, *out = NULL;
    struct hv_id_options opt;
    hv_id_options_default(&opt);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--link") == 0 && v != NULL) {
            link = argv[++i];
        } else if (strcmp(a, "--map") == 0 && v != NULL) {
            map_spec = argv[++i];
        } else if (strcmp(a, "--out") == 0 && v != NULL) {
            out = argv[++i];
        } else if (strcmp(a, "--merge") == 0 && v != NULL) {
            if (!parse_prob(argv[++i], &opt.merge_threshold))
                return cli_usage("dedup", "--merge takes a probability in (0, 1]");
        } else if (strcmp(a, "--review") == 0 && v != NULL) {
            if (!parse_prob(argv[++i], &opt.review_threshold))
                return cli_usage("dedup", "--review takes a probability in (0, 1]");
        } else if (a[0] == '-' && a[1] == '-') {
            return cli_usage("dedup", "unknown option %s", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return cli_usage("dedup", "unexpected argument %s", a);
        }
    }
    if (file == NULL || map_spec == NULL || out == NULL)
        return cli_usage("dedup", "csv needs FILE, --map and --out");
    opt.link_only = link != NULL;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_id_csv_map map;
    struct hv_names *names = NULL;
    struct hv_id_csv *csv = NULL;
    struct hv_id_engine *e = NULL;
    struct hv_progress prog = { 0 };
    if (!c->quiet && !c->json && isatty(2)) {
        prog.fn = cli_progress;
        prog.ud = c;
    }
    enum hv_err err = hv_id_csv_map_parse(map_spec, &map, &diag);
    if (err == HV_OK)
        err = hv_names_create(NULL, &names, &diag);
    if (err == HV_OK)
        err = hv_id_csv_create(&csv);
    if (err == HV_OK)
        err = hv_id_csv_read(csv, file, 0, &map, &diag);
    if (err == HV_OK && link != NULL)
        err = hv_id_csv_read(csv, link, 1, &map, &diag);
    if (err == HV_OK)
        err = hv_id_engine_create(names, &opt, &e);
    if (err == HV_OK)
        err = hv_id_csv_add_all(csv, e);
    if (err == HV_OK)
        err = hv_id_engine_run(e, &prog, &diag);
    cli_progress_done(c);
    if (err == HV_OK)
        err = hv_id_csv_write(csv, e, out, &diag);
    int rc = 0;
    if (err != HV_OK) {
        rc = cli_fail(c, err, &diag);
        goto out;
    }
    struct hv_id_stats st;
    hv_id_engine_stats(e, &st);
    if (c->json) {
        printf("{\"records\":%llu,\"candidates\":%llu,\"merged_pairs\":%llu,"
               "\"review_pairs\":%llu,\"identities\":%llu,\"out\":",
               (unsigned long long)st.records, (unsigned long long)st.candidate_pairs,
               (unsigned long long)st.merged_pairs, (unsigned long long)st.review_pairs,
               (unsigned long long)st.clusters);
        struct hv_buf buf;
        hv_buf_init(&buf, 0);
        struct hv_jw w;
        hv_jw_init(&w, &buf, false);
        hv_jw_strz(&w, out);
        fwrite(buf.ptr, 1, buf.len, stdout);
        hv_buf_finish(&buf);
        printf("}\n");
    } else {
        printf("%llu records, %llu candidate pairs; %llu pairs merged, %llu to review; "
               "%llu identities\n",
               (unsigned long long)st.records, (unsigned long long)st.candidate_pairs,
               (unsigned long long)st.merged_pairs, (unsigned long long)st.review_pairs,
               (unsigned long long)st.clusters);
        printf("wrote %s/pairs.csv and %s/clusters.csv\n", out, out);
    }
out:
    hv_id_engine_destroy(e);
    hv_id_csv_destroy(csv);
    hv_names_destroy(names);
    return rc;
}

static void comparison_print(const struct hv_id_comparison *cmp)
{
    printf("    %-12s %-10s %8s %8s\n", "field", "level", "bits", "tf");
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        if (cmp->level[f] == HV_ID_LEVEL_NULL)
            continue;
        printf("    %-12s %-10s %+8.2f", hv_id_field_name((enum hv_id_field)f),
               hv_id_level_name((enum hv_id_field)f, cmp->level[f]), (double)cmp->weight[f]);
        if (cmp->tf_adjust[f] != 0.0f)
            printf(" %+8.2f", (double)cmp->tf_adjust[f]);
        printf("\n");
    }
    printf("    %-12s %-10s %+8.2f\n", "total", "", cmp->total);
}

static int dedup_candidates(struct cli *c, int argc, char **argv)
{
    struct hv_id_record r;
    memset(&r, 0, sizeof(r));
    const char *birth = NULL;
    double min_prob = 0.3;
    int64_t limit = 10;
    size_t n_docs = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
            return cli_usage("dedup", "%s needs a value", a);
        i++;
        if (strcmp(a, "--given") == 0) {
            r.given = v;
        } else if (strcmp(a, "--family") == 0) {
            r.family = v;
        } else if (strcmp(a, "--father") == 0) {
            r.father = v;
        } else if (strcmp(a, "--grandfather") == 0) {
            r.grandfather = v;
        } else if (strcmp(a, "--native") == 0) {
            r.native = v;
        } else if (strcmp(a, "--birth") == 0) {
            birth = v;
        } else if (strcmp(a, "--sex") == 0) {
            if ((v[0] != 'M' && v[0] != 'F') || v[1] != '\0')
                return cli_usage("dedup", "--sex takes M or F");
            r.sex = v[0];
        } else if (strcmp(a, "--doc") == 0) {
            if (n_docs == HV_ID_MAX_DOCS)
                return cli_usage("dedup", "at most %d --doc", HV_ID_MAX_DOCS);
            r.docs[n_docs++] = v;
        } else if (strcmp(a, "--phone") == 0) {
            r.phone = v;
        } else if (strcmp(a, "--min") == 0) {
            if (!parse_prob(v, &min_prob))
                return cli_usage("dedup", "--min takes a probability in (0, 1]");
        } else if (strcmp(a, "--limit") == 0) {
            if (!parse_id(v, &limit) || limit > 1000)
                return cli_usage("dedup", "--limit takes 1..1000");
        } else {
            return cli_usage("dedup", "unexpected argument %s", a);
        }
    }
    if ((r.given == NULL || r.given[0] == '\0') && (r.native == NULL || r.native[0] == '\0') &&
        n_docs == 0)
        return cli_usage("dedup", "candidates needs --given, --native or --doc");
    if (birth != NULL) {
        const char *why = NULL;
        if (!hv_pdate_parse(birth, strlen(birth), &r.birth, &why))
            return cli_usage("dedup", "--birth: %s", why != NULL ? why : "not a date");
    }
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 64u << 20);
    struct hv_identity_candidate *cand = NULL;
    size_t n = 0;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err =
        hv_identity_candidates(&c->ctx, &a, NULL, &r, min_prob, (size_t)limit, &cand, &n, &diag);
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    if (c->json) {
        struct hv_buf buf;
        hv_buf_init(&buf, 0);
        struct hv_jw w;
        hv_jw_init(&w, &buf, false);
        hv_jw_array_begin(&w);
        for (size_t i = 0; i < n; i++) {
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "person");
            hv_jw_strz(&w, cand[i].ref);
            hv_jw_key(&w, "case");
            hv_jw_strz(&w, cand[i].case_ref);
            hv_jw_key(&w, "prob");
            hv_jw_double(&w, (double)(int64_t)(cand[i].prob * 10000.0) / 10000.0);
            hv_jw_key(&w, "explanation");
            hv_id_explain_json(&cand[i].cmp, &w);
            hv_jw_object_end(&w);
        }
        hv_jw_array_end(&w);
        rc = print_json(c, &buf, &w);
        hv_arena_finish(&a);
        return rc;
    }
    if (n == 0)
        printf("no likely duplicate at or above p=%.2f\n", min_prob);
    for (size_t i = 0; i < n; i++) {
        printf("%s (case %s)  p=%.4f  %.2f bits\n", cand[i].ref, cand[i].case_ref, cand[i].prob,
               cand[i].weight);
        comparison_print(&cand[i].cmp);
    }
    hv_arena_finish(&a);
    return 0;
}

int cmd_dedup(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "run") == 0)
        return dedup_run(c, argc, argv);
    if (strcmp(sub, "unmerge") == 0)
        return dedup_unmerge(c, argc, argv);
    if (strcmp(sub, "csv") == 0)
        return dedup_csv(c, argc, argv);
    if (strcmp(sub, "candidates") == 0)
        return dedup_candidates(c, argc, argv);
    if (strcmp(sub, "review") == 0) {
        const char *what = argc > 2 ? argv[2] : "list";
        if (strcmp(what, "list") == 0)
            return review_list(c, argc, argv);
        if (strcmp(what, "show") == 0)
            return review_show(c, argc, argv);
        if (strcmp(what, "accept") == 0)
            return review_decide(c, argc, argv, HV_IDENTITY_ACCEPT);
        if (strcmp(what, "reject") == 0)
            return review_decide(c, argc, argv, HV_IDENTITY_REJECT);
        return cli_usage("dedup", "unknown review subcommand %s (list, show, accept, reject)",
                         what);
    }
    return cli_usage("dedup", "unknown subcommand %s (run, review, unmerge, csv, candidates)", sub);
}
