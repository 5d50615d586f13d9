/* cmd_person.c - `haven person find|edit`.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/registry.h"
#include "record_out.h"

static const char help[] =
    "usage: haven person find NAME... [--limit N]\n"
    "       haven person find --doc NUMBER\n"
    "       haven person edit REF FIELD=VALUE...\n"
    "\n"
    "find   people whose names contain every given word (case, accents and Arabic letter\n"
    "       forms are ignored: \"mohammad\" finds \"Mohammad\"), or whose document number\n"
    "       matches (spaces and dashes ignored). Looks up blind indexes: no name is decrypted\n"
    "       to search. Every person shown is an audited read.\n"
    "edit   correct a person's field (given_name, family_name, father_name, birth_date ...)\n";

int cmd_person(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "edit") == 0)
        return cli_edit(c, "person", hv_kind(HV_KIND_PERSON), argc, argv);
    if (strcmp(argv[1], "find") != 0)
        return cli_usage("person", "unknown subcommand %s", argv[1]);
    const char *doc = NULL;
    int64_t limit = 50;
    struct hv_buf q;
    hv_buf_init(&q, 4096);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--doc") == 0 && i + 1 < argc) {
            doc = argv[++i];
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (!hv_parse_i64(hv_str_c(argv[++i]), &limit) || limit <= 0 || limit > 10000) {
                hv_buf_finish(&q);
                return cli_usage("person", "--limit takes a number from 1 to 10000");
            }
        } else if (argv[i][0] == '-') {
            hv_buf_finish(&q);
            return cli_usage("person", "unknown option %s", argv[i]);
        } else if ((q.len > 0 && hv_buf_putc(&q, ' ') != HV_OK) ||
                   hv_buf_appendz(&q, argv[i]) != HV_OK) {
            hv_buf_finish(&q);
            return cli_usage("person", "the name is too long");
        }
    }
    if (doc == NULL && q.len == 0) {
        hv_buf_finish(&q);
        return cli_usage("person", "find needs a name or --doc NUMBER");
    }
    int rc = cli_open(c, true);
    if (rc != 0) {
        hv_buf_finish(&q);
        return rc;
    }
    struct hv_arena a;
    hv_arena_init(&a, 256u << 20);
    struct hv_person_hit *hits = NULL;
    size_t n = 0;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_person_find(&c->ctx, &a, hv_buf_str(&q), doc ? hv_str_c(doc) : HV_STR_NULL,
                                     (size_t)limit, &hits, &n, &diag);
    for (size_t i = 0; i < n && err == HV_OK; i++)
        err = audit_read(&c->ctx, "person.read", "person", hits[i].person.id,
                         doc ? "person find by document" : "person find by name");
    hv_buf_finish(&q);
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    if (c->json) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        struct hv_jw w;
        hv_jw_init(&w, &b, false);
        hv_jw_array_begin(&w);
        for (size_t i = 0; i < n; i++)
            record_json(&w, &hits[i].person);
        hv_jw_array_end(&w);
        cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
    } else {
        for (size_t i = 0; i < n; i++) {
            const struct hv_record *p = &hits[i].person;
            printf("%.*s  case %.*s\n", HV_STR_ARG(p->values[0]), HV_STR_ARG(hits[i].case_ref));
            record_print(stdout, p, 2);
        }
        if (n == 0)
            printf("no one found\n");
    }
    hv_arena_finish(&a);
    return n == 0 ? hv_err_exit_code(HV_ERR_NOTFOUND) : 0;
}
