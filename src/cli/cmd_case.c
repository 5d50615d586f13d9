/* cmd_case.c - `haven case list|show|edit`.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/registry.h"
#include "record_out.h"

static const char help[] =
    "usage: haven case list [--status S] [--limit N]\n"
    "       haven case show REF\n"
    "       haven case edit REF FIELD=VALUE...\n"
    "       haven case advance|hold|release|history ...   (see haven case advance --help)\n"
    "\n"
    "list   cases with their status, risk level, location and number of people (no names)\n"
    "show   one case with its people, documents, employment and contacts (audited read)\n"
    "edit   correct case fields (status, risk_level, location_ref, workflow, step,\n"
    "       disclosure, notes); each change is validated as on import and audited\n"
    "With --json the output is JSON on stdout.\n";

struct list_state {
    struct cli *c;
    const char *status;
    int64_t limit, shown;
    struct hv_jw *w;
};

static enum hv_err list_one(void *ud, const struct hv_record *rec)
{
    struct list_state *ls = ud;
    if (ls->status != NULL && !hv_str_eqz(rec->values[2], ls->status))
        return HV_OK;
    if (ls->limit > 0 && ls->shown >= ls->limit)
        return HV_OK;
    ls->shown++;
    int64_t n_people = 0;
    enum hv_err err = hv_case_people_count(&ls->c->ctx, rec->id, &n_people);
    if (err != HV_OK)
        return err;
    if (ls->w != NULL) {
        hv_jw_object_begin(ls->w);
        hv_jw_key(ls->w, "case");
        record_json(ls->w, rec);
        hv_jw_key(ls->w, "people");
        hv_jw_int(ls->w, n_people);
        hv_jw_object_end(ls->w);
        return hv_jw_err(ls->w);
    }
    printf("%-20.*s %-10.*s %-9.*s risk %.*s  %3lld people  %.*s\n", HV_STR_ARG(rec->values[0]),
           HV_STR_ARG(rec->values[1]), HV_STR_ARG(rec->values[2]), HV_STR_ARG(rec->values[3]),
           (long long)n_people, HV_STR_ARG(rec->values[4]));
    return HV_OK;
}

static int case_list(struct cli *c, int argc, char **argv)
{
    struct list_state ls = { .c = c };
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--status") == 0 && i + 1 < argc)
            ls.status = argv[++i];
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            int64_t v;
            if (!hv_parse_i64(hv_str_c(argv[++i]), &v) || v < 0)
                return cli_usage("case", "--limit takes a whole number");
            ls.limit = v;
        } else
            return cli_usage("case", "unknown option %s", argv[i]);
    }
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);
    if (c->json) {
        hv_jw_init(&w, &b, false);
        hv_jw_array_begin(&w);
        ls.w = &w;
    }
    enum hv_err err = hv_record_each(&c->ctx, hv_kind(HV_KIND_CASE), 0, list_one, &ls);
    if (c->json) {
        hv_jw_array_end(&w);
        if (err == HV_OK)
            cli_print_json(b.ptr, b.len);
    }
    hv_buf_finish(&b);
    if (err != HV_OK)
        return cli_fail(c, err, NULL);
    return 0;
}

static void print_children(const char *title, const struct hv_record *items, size_t n,
                           struct hv_str person_ref)
{
    for (size_t i = 0; i < n; i++) {
        if (!hv_str_eq(items[i].values[1], person_ref))
            continue;
        printf("    %s %.*s\n", title, HV_STR_ARG(items[i].values[0]));
        record_print(stdout, &items[i], 6);
    }
}

static void json_children(struct hv_jw *w, const char *key, const struct hv_record *items, size_t n,
                          struct hv_str person_ref)
{
    hv_jw_key(w, key);
    hv_jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        if (hv_str_eq(items[i].values[1], person_ref))
            record_json(w, &items[i]);
    }
    hv_jw_array_end(w);
}

static int case_show(struct cli *c, int argc, char **argv)
{
    if (argc != 3)
        return cli_usage("case", "show takes one case ref");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 64u << 20);
    struct hv_case_view v;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_case_view_get(&c->ctx, &a, hv_str_c(argv[2]), &v);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(&diag, "ref", "no case has ref \"%s\"", argv[2]);
    if (err == HV_OK)
        err = audit_read(&c->ctx, "case.read", "case", v.kase.id, "case show");
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    if (c->json) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        struct hv_jw w;
        hv_jw_init(&w, &b, true);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "case");
        record_json(&w, &v.kase);
        hv_jw_key(&w, "people");
        hv_jw_array_begin(&w);
        for (size_t i = 0; i < v.n_people; i++) {
            struct hv_str pref = v.people[i].values[0];
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "person");
            record_json(&w, &v.people[i]);
            json_children(&w, "documents", v.documents, v.n_documents, pref);
            json_children(&w, "employment", v.employment, v.n_employment, pref);
            json_children(&w, "contacts", v.contacts, v.n_contacts, pref);
            hv_jw_object_end(&w);
        }
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
        cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
    } else {
        printf("case %.*s\n", HV_STR_ARG(v.kase.values[0]));
        record_print(stdout, &v.kase, 2);
        for (size_t i = 0; i < v.n_people; i++) {
            struct hv_str pref = v.people[i].values[0];
            printf("  person %.*s\n", HV_STR_ARG(pref));
            record_print(stdout, &v.people[i], 4);
            print_children("document", v.documents, v.n_documents, pref);
            print_children("employment", v.employment, v.n_employment, pref);
            print_children("contact", v.contacts, v.n_contacts, pref);
        }
    }
    hv_arena_finish(&a);
    return 0;
}

int cli_edit(struct cli *c, const char *cmd, const struct hv_kind_def *k, int argc, char **argv)
{
    if (argc < 4)
        return cli_usage(cmd, "edit takes a ref and at least one FIELD=VALUE");
    for (int i = 3; i < argc; i++) {
        if (strchr(argv[i], '=') == NULL)
            return cli_usage(cmd, "\"%s\" is not FIELD=VALUE", argv[i]);
    }
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    for (int i = 3; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        struct hv_str field = { argv[i], (size_t)(eq - argv[i]) };
        struct hv_diag diag;
        hv_diag_clear(&diag);
        enum hv_err err =
            hv_record_edit(&c->ctx, k, hv_str_c(argv[2]), field, hv_str_c(eq + 1), &diag);
        if (err != HV_OK)
            return cli_fail(c, err, &diag);
    }
    if (!c->json)
        printf("updated %s %s\n", k->name, argv[2]);
    else
        printf("{\"updated\":\"%s\"}\n", argv[2]);
    return 0;
}

int cmd_case(struct cli *c, int argc, char **argv)
{
    /* The pipeline's subcommands have their own help. */
    if (argc >= 2 && (strcmp(argv[1], "advance") == 0 || strcmp(argv[1], "hold") == 0 ||
                      strcmp(argv[1], "release") == 0 || strcmp(argv[1], "history") == 0))
        return cmd_case_pipeline(c, argc, argv);
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "list") == 0)
        return case_list(c, argc, argv);
    if (strcmp(argv[1], "show") == 0)
        return case_show(c, argc, argv);
    if (strcmp(argv[1], "edit") == 0)
        return cli_edit(c, "case", hv_kind(HV_KIND_CASE), argc, argv);
    return cli_usage("case", "unknown subcommand %s", argv[1]);
}
