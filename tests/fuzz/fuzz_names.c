/* fuzz_names.c - fuzz harness for the names engine: the normaliser, transliteration, folding
 * and comparison on arbitrary bytes (invalid UTF-8 included). The input is split at the first
 * NUL or tab into two names; each is parsed, compared with itself and with the other, and the
 * results' invariants checked. Aborts on any inconsistency.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/buf.h"
#include "haven/jsonw.h"
#include "haven/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                              \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "fuzz_names: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                               \
        }                                                                          \
    } while (0)

static struct hv_names *names;

static void check_name(const struct hv_name *n)
{
    REQUIRE(n->n_parts <= HV_NAMES_MAX_PARTS);
    REQUIRE(n->text_len <= HV_NAMES_TEXT_MAX);
    for (size_t i = 0; i < n->n_parts; i++) {
        struct hv_str k = hv_name_part_key(n, i), s = hv_name_part_skeleton(n, i);
        REQUIRE(k.len > 0);
        REQUIRE((size_t)n->parts[i].key_off + k.len < n->text_len);
        REQUIRE((size_t)n->parts[i].skel_off + s.len < n->text_len);
        REQUIRE(hv_name_part_norm(n, i).ptr[n->parts[i].norm_len] == '\0');
        for (size_t j = 0; j < s.len; j++)
            REQUIRE(s.ptr[j] >= 'A' && s.ptr[j] <= 'Z');
    }
}

static void check_match(const struct hv_names_match *m)
{
    REQUIRE(m->score >= 0.0 && m->score <= 1.0);
    size_t used_a = m->n_unmatched_a, used_b = m->n_unmatched_b;
    for (size_t k = 0; k < m->n_pairs; k++) {
        REQUIRE(m->pairs[k].sim >= 0.0 && m->pairs[k].sim <= 1.0);
        used_a += m->pairs[k].n_a;
        used_b += m->pairs[k].n_b;
    }
    REQUIRE(used_a == m->a->n_parts);
    REQUIRE(used_b == m->b->n_parts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (names == NULL) {
        struct hv_diag d;
        hv_diag_clear(&d);
        const char *dir = getenv("HV_DATA_DIR");
        if (hv_names_create(dir, &names, &d) != HV_OK) {
            fprintf(stderr, "fuzz_names: cannot load the tables: %s\n", d.msg);
            abort();
        }
    }
    size_t cut = size;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == 0 || data[i] == '\t') {
            cut = i;
            break;
        }
    }
    struct hv_str a = { (const char *)data, cut };
    struct hv_str b =
        cut < size ? (struct hv_str){ (const char *)data + cut + 1, size - cut - 1 } : a;
    static struct hv_names_result r;
    enum hv_err err = hv_names_compare(names, a, b, NULL, &r);
    REQUIRE(err == HV_OK || err == HV_ERR_LIMIT);
    if (err != HV_OK)
        return 0;
    check_name(&r.a);
    check_name(&r.b);
    check_match(&r.match);

    /* A name compared with itself scores 1 unless it has no parts. */
    static struct hv_names_match self;
    hv_names_compare_parsed(names, &r.a, &r.a, NULL, &self);
    check_match(&self);
    REQUIRE(r.a.n_parts == 0 || self.score > 0.999);
    /* The comparison is symmetric in score. */
    static struct hv_names_match rev;
    hv_names_compare_parsed(names, &r.b, &r.a, NULL, &rev);
    check_match(&rev);

    struct hv_buf out;
    struct hv_jw w;
    hv_buf_init(&out, 0);
    hv_jw_init(&w, &out, false);
    hv_names_explain_json(&r.match, &w);
    REQUIRE(hv_jw_err(&w) == HV_OK);
    hv_buf_finish(&out);
    char key[256];
    REQUIRE(hv_names_skeleton_key(&r.a, key, sizeof(key)) < sizeof(key));
    REQUIRE(hv_names_skeleton(names, a, key, sizeof(key)) < sizeof(key));
    return 0;
}
