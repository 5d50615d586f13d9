/* explain.c - JSON for parsed names and for a comparison's explanation (hv_jw writer).
 * SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <math.h>
#include <stdio.h>

/* Numbers with three decimals: the explanation is read by people, not re-computed. */
static void num(struct hv_jw *w, double v)
{
    char buf[32];
    if (!isfinite(v))
        v = 0;
    int n = snprintf(buf, sizeof(buf), "%.3f", v);
    hv_jw_raw(w, (struct hv_str){ buf, n > 0 ? (size_t)n : 0 });
}

/* Frequencies are small: keep significant digits instead. */
static void freq(struct hv_jw *w, double v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%.3g", v);
    hv_jw_raw(w, (struct hv_str){ buf, n > 0 ? (size_t)n : 0 });
}

static void part_json(const struct hv_name *n, size_t i, struct hv_jw *w)
{
    const struct hv_name_part *p = &n->parts[i];
    hv_jw_object_begin(w);
    hv_jw_key(w, "index");
    hv_jw_int(w, (int64_t)i);
    hv_jw_key(w, "token");
    hv_jw_str(w, hv_name_part_norm(n, i));
    hv_jw_key(w, "latin");
    hv_jw_str(w, hv_name_part_latin(n, i));
    hv_jw_key(w, "key");
    hv_jw_str(w, hv_name_part_key(n, i));
    hv_jw_key(w, "skeleton");
    hv_jw_str(w, hv_name_part_skeleton(n, i));
    hv_jw_key(w, "script");
    hv_jw_strz(w, (p->flags & HV_NAME_PART_ARABIC)  ? "arabic"
                  : (p->flags & HV_NAME_PART_OTHER) ? "other"
                                                    : "latin");
    hv_jw_key(w, "optional");
    hv_jw_bool(w, (p->flags & HV_NAME_PART_OPTIONAL) != 0);
    if (p->flags & HV_NAME_PART_HONORIFIC) {
        hv_jw_key(w, "honorific");
        hv_jw_bool(w, true);
    }
    if (p->flags & HV_NAME_PART_PARTICLE) {
        hv_jw_key(w, "particle");
        hv_jw_bool(w, true);
    }
    if (p->flags & HV_NAME_PART_JOINED) {
        hv_jw_key(w, "joined");
        hv_jw_bool(w, true);
    }
    if (p->flags & HV_NAME_PART_LEXICON) {
        hv_jw_key(w, "lexicon");
        hv_jw_bool(w, true);
    }
    hv_jw_key(w, "frequency");
    freq(w, p->freq);
    hv_jw_object_end(w);
}

void hv_names_name_json(const struct hv_name *n, struct hv_jw *w)
{
    char skel[512];
    hv_names_skeleton_key(n, skel, sizeof(skel));
    hv_jw_object_begin(w);
    hv_jw_key(w, "skeleton_key");
    hv_jw_strz(w, skel);
    hv_jw_key(w, "parts");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < n->n_parts; i++)
        part_json(n, i, w);
    hv_jw_array_end(w);
    hv_jw_object_end(w);
}

static void index_list(struct hv_jw *w, const uint8_t *ix, size_t n)
{
    hv_jw_array_begin(w);
    for (size_t k = 0; k < n; k++)
        hv_jw_int(w, ix[k]);
    hv_jw_array_end(w);
}

static void keys_list(struct hv_jw *w, const struct hv_name *n, const uint8_t *ix, size_t cnt)
{
    hv_jw_array_begin(w);
    for (size_t k = 0; k < cnt; k++)
        hv_jw_str(w, hv_name_part_latin(n, ix[k]));
    hv_jw_array_end(w);
}

void hv_names_explain_json(const struct hv_names_match *m, struct hv_jw *w)
{
    hv_jw_object_begin(w);
    hv_jw_key(w, "score");
    num(w, m->score);
    if (m->a != NULL && m->b != NULL) {
        hv_jw_key(w, "a");
        hv_names_name_json(m->a, w);
        hv_jw_key(w, "b");
        hv_names_name_json(m->b, w);
        hv_jw_key(w, "pairs");
        hv_jw_array_begin(w);
        for (size_t k = 0; k < m->n_pairs; k++) {
            const struct hv_names_pair *p = &m->pairs[k];
            hv_jw_object_begin(w);
            hv_jw_key(w, "a");
            index_list(w, p->a, p->n_a);
            hv_jw_key(w, "b");
            index_list(w, p->b, p->n_b);
            hv_jw_key(w, "a_parts");
            keys_list(w, m->a, p->a, p->n_a);
            hv_jw_key(w, "b_parts");
            keys_list(w, m->b, p->b, p->n_b);
            hv_jw_key(w, "reason");
            hv_jw_strz(w, hv_names_reason_str(p->reason));
            hv_jw_key(w, "sim");
            num(w, p->sim);
            hv_jw_key(w, "weight");
            num(w, p->weight);
            hv_jw_object_end(w);
        }
        hv_jw_array_end(w);
        hv_jw_key(w, "unmatched_a");
        index_list(w, m->unmatched_a, m->n_unmatched_a);
        hv_jw_key(w, "unmatched_b");
        index_list(w, m->unmatched_b, m->n_unmatched_b);
    }
    hv_jw_object_end(w);
}
