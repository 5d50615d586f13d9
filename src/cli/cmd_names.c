/* cmd_names.c - `haven names`: compare two names with an explanation, or show how one name is
 * normalised (parts, transliteration, keys, skeletons, honorifics). Needs no database.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "haven/buf.h"
#include "haven/jsonw.h"
#include "haven/names.h"

/* Declared here until the command is registered in cli.h. */

static const char help[] =
    "usage: haven names compare NAME_A NAME_B [--json] [--data DIR]\n"
    "       haven names normalize NAME [--json] [--data DIR]\n"
    "\n"
    "The names engine that deduplication and watchlist screening are built on. Names may be\n"
    "written in Latin or Arabic script (Dari, Pashto); each is normalised (Unicode NFKC and case\n"
    "folding, diacritics and harakat removed, Arabic letter variants unified), transliterated,\n"
    "split into parts (compounds such as Abdulrahman or Noorullah are split), and each part is\n"
    "folded to a variant key (Mohammad, Muhammad and Mohd meet) and a consonant skeleton.\n"
    "Titles and honorifics (Haji, Mullah, Maulawi, Qari, Sayed, Khan after a name...) are\n"
    "marked optional: they neither help nor hurt a comparison.\n"
    "\n"
    "  compare     score two names in [0,1] and explain it: which part aligned with which,\n"
    "              each pair's score and reason (exact, variant, script-transliteration,\n"
    "              joined-compound, skeleton, fuzzy), and the parts left unmatched. Rare parts\n"
    "              weigh more than common ones (a shared Mohammad is weak evidence).\n"
    "  normalize   show the parts of one name with their Latin form, key and skeleton.\n"
    "\n"
    "  --json      machine-readable output\n"
    "  --data DIR  the data directory holding names/ (default: the one built in)\n"
    "\n"
    "No database is needed. Names are never written to logs.\n";

static void print_part(const struct hv_name *n, size_t i, double weight, bool show_weight)
{
    const struct hv_name_part *p = &n->parts[i];
    struct hv_str tok = hv_name_part_norm(n, i), lat = hv_name_part_latin(n, i);
    struct hv_str key = hv_name_part_key(n, i), sk = hv_name_part_skeleton(n, i);
    printf("  %-2zu %-16.*s latin=%-14.*s key=%-14.*s skeleton=%-8.*s", i, HV_STR_ARG(tok),
           HV_STR_ARG(lat), HV_STR_ARG(key), HV_STR_ARG(sk));
    if (show_weight)
        printf(" weight=%.2f", weight);
    if (p->flags & HV_NAME_PART_HONORIFIC)
        printf(" [title, optional]");
    if (p->flags & HV_NAME_PART_PARTICLE)
        printf(" [particle, optional]");
    if (p->flags & HV_NAME_PART_JOINED)
        printf(" [from a joined word]");
    if (p->flags & HV_NAME_PART_ARABIC)
        printf((p->flags & HV_NAME_PART_LEXICON) ? " [arabic script, lexicon]"
                                                 : " [arabic script, rules]");
    printf("\n");
}

static void print_side(const char *label, const char *input, const struct hv_name *n,
                       const double *weights)
{
    char skel[512];
    hv_names_skeleton_key(n, skel, sizeof(skel));
    printf("%s: %s\n  skeleton key: %s\n", label, input, skel);
    for (size_t i = 0; i < n->n_parts; i++)
        print_part(n, i, weights != NULL ? weights[i] : 0, weights != NULL);
}

static void part_list(const struct hv_name *n, const uint8_t *ix, size_t cnt, char *out,
                      size_t out_len)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t k = 0; k < cnt; k++) {
        struct hv_str s = hv_name_part_latin(n, ix[k]);
        int w = snprintf(out + len, out_len - len, "%s%.*s", k > 0 ? "+" : "", HV_STR_ARG(s));
        if (w < 0 || (size_t)w >= out_len - len)
            break;
        len += (size_t)w;
    }
}

static int emit_json(struct cli *c, struct hv_buf *out, struct hv_jw *w)
{
    if (hv_jw_err(w) != HV_OK)
        return cli_fail(c, hv_jw_err(w), NULL);
    cli_print_json(out->ptr, out->len);
    return 0;
}

static int do_normalize(struct cli *c, const struct hv_names *nm, const char *name, bool json)
{
    struct hv_name *n = hv_xmalloc(sizeof(*n));
    enum hv_err err = hv_names_parse(nm, hv_str_c(name), n);
    int rc = 0;
    if (err != HV_OK) {
        struct hv_diag d;
        hv_diag_clear(&d);
        hv_diag_set(&d, "name", "cannot parse the name (longer than %d bytes or too many parts)",
                    HV_NAMES_MAX_INPUT);
        rc = cli_fail(c, err, &d);
        goto out;
    }
    if (json) {
        struct hv_buf out;
        struct hv_jw w;
        hv_buf_init(&out, 1u << 20);
        hv_jw_init(&w, &out, false);
        hv_names_name_json(n, &w);
        rc = emit_json(c, &out, &w);
        hv_buf_finish(&out);
    } else {
        print_side("name", name, n, NULL);
    }
out:
    free(n);
    return rc;
}

static int do_compare(struct cli *c, const struct hv_names *nm, const char *a, const char *b,
                      bool json)
{
    struct hv_names_result *r = hv_xmalloc(sizeof(*r));
    enum hv_err err = hv_names_compare(nm, hv_str_c(a), hv_str_c(b), NULL, r);
    int rc = 0;
    if (err != HV_OK) {
        struct hv_diag d;
        hv_diag_clear(&d);
        hv_diag_set(&d, "name", "cannot parse a name (longer than %d bytes or too many parts)",
                    HV_NAMES_MAX_INPUT);
        rc = cli_fail(c, err, &d);
        goto out;
    }
    const struct hv_names_match *m = &r->match;
    if (json) {
        struct hv_buf out;
        struct hv_jw w;
        hv_buf_init(&out, 1u << 20);
        hv_jw_init(&w, &out, false);
        hv_names_explain_json(m, &w);
        rc = emit_json(c, &out, &w);
        hv_buf_finish(&out);
        goto out;
    }
    printf("score: %.3f\n", m->score);
    print_side("a", a, &r->a, m->weight_a);
    print_side("b", b, &r->b, m->weight_b);
    printf("pairs:\n");
    for (size_t k = 0; k < m->n_pairs; k++) {
        const struct hv_names_pair *p = &m->pairs[k];
        char la[256], lb[256];
        part_list(&r->a, p->a, p->n_a, la, sizeof(la));
        part_list(&r->b, p->b, p->n_b, lb, sizeof(lb));
        printf("  %-20s ~ %-20s %-22s score=%.3f weight=%.2f\n", la, lb,
               hv_names_reason_str(p->reason), p->sim, p->weight);
    }
    for (int side = 0; side < 2; side++) {
        const struct hv_name *n = side == 0 ? &r->a : &r->b;
        const uint8_t *ix = side == 0 ? m->unmatched_a : m->unmatched_b;
        size_t cnt = side == 0 ? m->n_unmatched_a : m->n_unmatched_b;
        for (size_t k = 0; k < cnt; k++) {
            struct hv_str s = hv_name_part_latin(n, ix[k]);
            bool opt = (n->parts[ix[k]].flags & HV_NAME_PART_OPTIONAL) != 0;
            printf("  unmatched in %c: %.*s%s\n", side == 0 ? 'a' : 'b', HV_STR_ARG(s),
                   opt ? " (optional, not penalised)" : "");
        }
    }
out:
    free(r);
    return rc;
}

int cmd_names(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    const char *sub = argv[1];
    const char *args[2] = { NULL, NULL };
    size_t n_args = 0;
    const char *data = NULL;
    bool json = c->json;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            return cli_usage("names", "unknown option %s", argv[i]);
        } else if (n_args < 2) {
            args[n_args++] = argv[i];
        } else {
            return cli_usage("names", "too many arguments");
        }
    }
    bool compare = strcmp(sub, "compare") == 0;
    bool normalize = strcmp(sub, "normalize") == 0 || strcmp(sub, "normalise") == 0;
    if (!compare && !normalize)
        return cli_usage("names", "unknown subcommand %s (compare or normalize)", sub);
    if (compare && n_args != 2)
        return cli_usage("names", "compare takes two names");
    if (normalize && n_args != 1)
        return cli_usage("names", "normalize takes one name");

    struct hv_names *nm = NULL;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_names_create(data, &nm, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    int rc =
        compare ? do_compare(c, nm, args[0], args[1], json) : do_normalize(c, nm, args[0], json);
    hv_names_destroy(nm);
    return rc;
}
