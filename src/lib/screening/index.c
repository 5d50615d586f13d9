/* index.c - the in-memory screening index: every list name parsed once by the names engine and
 * stored compactly, and an inverted index from skeleton keys of name parts (whole, joined with
 * the next part, and with one letter deleted) to the names that have them.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "screening/screening_int.h"

#define SKEL_MAX 64

uint64_t hv__ix_key(unsigned kind, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull ^ kind;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 29;
    return h == 0 ? 1 : h;
}

/* The parts that carry evidence: the non-optional ones, or all when every part is optional. */
static size_t key_parts(const struct hv_name *n, size_t *idx)
{
    size_t k = 0;
    for (size_t i = 0; i < n->n_parts; i++) {
        if ((n->parts[i].flags & HV_NAME_PART_OPTIONAL) == 0)
            idx[k++] = i;
    }
    if (k == 0) {
        for (size_t i = 0; i < n->n_parts; i++)
            idx[k++] = i;
    }
    return k;
}

struct hv_str hv__ix_part_skel(const struct hv_name *n, size_t i)
{
    struct hv_str s = hv_name_part_skeleton(n, i);
    if (s.len == 0) {
        /* A part of vowels only (Ali -> L is not empty, but "Aya" may be): use its key. */
        s = hv_name_part_key(n, i);
    }
    if (s.len > SKEL_MAX)
        s.len = 0;
    return s;
}

void hv__ix_name_keys(const struct hv_name *n, hv__ix_key_fn *fn, void *ud)
{
    size_t idx[HV_NAMES_MAX_PARTS];
    size_t k = key_parts(n, idx);
    for (size_t j = 0; j < k; j++) {
        struct hv_str s = hv__ix_part_skel(n, idx[j]);
        if (s.len == 0)
            continue;
        fn(ud, hv__ix_key(HV__IX_FULL, s.ptr, s.len), HV__IX_FULL, idx[j]);
        struct hv_str key = hv_name_part_key(n, idx[j]);
        if (key.len > 0 && key.len <= SKEL_MAX && s.len <= 2)
            fn(ud, hv__ix_key(HV__IX_KEY, key.ptr, key.len), HV__IX_KEY, idx[j]);
        if (s.len >= 2) {
            char d[SKEL_MAX];
            for (size_t x = 0; x < s.len; x++) {
                if (x > 0 && s.ptr[x] == s.ptr[x - 1])
                    continue; /* the same variant as deleting the previous letter */
                memcpy(d, s.ptr, x);
                memcpy(d + x, s.ptr + x + 1, s.len - x - 1);
                fn(ud, hv__ix_key(HV__IX_DEL, d, s.len - 1), HV__IX_DEL, idx[j]);
            }
        }
        if (j + 1 < k) {
            struct hv_str t = hv_name_part_skeleton(n, idx[j + 1]);
            if (t.len > 0 && s.len + t.len <= SKEL_MAX) {
                char c[SKEL_MAX];
                memcpy(c, s.ptr, s.len);
                memcpy(c + s.len, t.ptr, t.len);
                fn(ud, hv__ix_key(HV__IX_FULL, c, s.len + t.len), HV__IX_FULL, idx[j]);
            }
        }
    }
}

struct pair {
    uint64_t key;
    uint32_t name;
};

struct build {
    struct pair *pairs;
    size_t n, cap;
    uint32_t name;
};

static void add_pair(void *ud, uint64_t key, unsigned kind, size_t part)
{
    (void)kind;
    (void)part;
    struct build *b = ud;
    if (b->n == b->cap) {
        b->cap = b->cap == 0 ? 65536 : b->cap * 2;
        b->pairs = hv_xrealloc(b->pairs, b->cap * sizeof(*b->pairs));
    }
    b->pairs[b->n].key = key;
    b->pairs[b->n].name = b->name;
    b->n++;
}

static int pair_cmp(const void *pa, const void *pb)
{
    const struct pair *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->name < b->name ? -1 : a->name > b->name ? 1 : 0;
}

static void blob_append(struct hv_screen_index *ix, size_t *cap, const void *p, size_t n)
{
    while (ix->blob_len + n > *cap) {
        *cap = *cap == 0 ? (1u << 20) : *cap * 2;
        ix->blob = hv_xrealloc(ix->blob, *cap);
    }
    memcpy(ix->blob + ix->blob_len, p, n);
    ix->blob_len += n;
}

/* Parses text and indexes it as name k of entry eid (form_off: see hv__ix_name). */
static void add_name(struct hv_screen_index *ix, struct build *b, size_t *blob_cap,
                     struct hv_name *pn, uint32_t eid, size_t k, struct hv_str text,
                     uint32_t form_off)
{
    if (hv_names_parse(ix->names, text, pn) != HV_OK || pn->n_parts == 0) {
        ix->n_skipped++;
        return;
    }
    if (ix->n_names == ix->cap_names) {
        ix->cap_names = ix->cap_names == 0 ? 1024 : ix->cap_names * 2;
        ix->ixnames = hv_xrealloc(ix->ixnames, ix->cap_names * sizeof(*ix->ixnames));
    }
    uint32_t nid = (uint32_t)ix->n_names++;
    struct hv__ix_name *in = &ix->ixnames[nid];
    in->entry = eid;
    in->name_index = (uint16_t)k;
    in->n_parts = (uint8_t)pn->n_parts;
    in->n_tokens = (uint8_t)(pn->n_tokens > 255 ? 255 : pn->n_tokens);
    in->text_len = (uint32_t)pn->text_len;
    in->form_off = form_off;
    /* Keep parts 8-byte aligned in the blob. */
    while (ix->blob_len % 8 != 0) {
        unsigned char z = 0;
        blob_append(ix, blob_cap, &z, 1);
    }
    in->blob_off = (uint32_t)ix->blob_len;
    blob_append(ix, blob_cap, pn->parts, pn->n_parts * sizeof(pn->parts[0]));
    blob_append(ix, blob_cap, pn->text, pn->text_len);
    b->name = nid;
    hv__ix_name_keys(pn, add_pair, b);
}

void hv__ix_name_get(const struct hv_screen_index *ix, uint32_t id, struct hv_name *out)
{
    const struct hv__ix_name *in = &ix->ixnames[id];
    const unsigned char *p = ix->blob + in->blob_off;
    size_t ps = (size_t)in->n_parts * sizeof(struct hv_name_part);
    memcpy(out->parts, p, ps);
    memcpy(out->text, p + ps, in->text_len);
    out->n_parts = in->n_parts;
    out->n_tokens = in->n_tokens;
    out->text_len = in->text_len;
}

const uint32_t *hv__ix_lookup(const struct hv_screen_index *ix, uint64_t key, uint32_t *len)
{
    size_t mask = ix->cap - 1;
    for (size_t i = (size_t)key & mask;; i = (i + 1) & mask) {
        const struct hv__ix_slot *s = &ix->slots[i];
        if (s->key == 0)
            break;
        if (s->key == key) {
            *len = s->len;
            return ix->postings + s->start;
        }
    }
    *len = 0;
    return NULL;
}

static void slot_put(struct hv_screen_index *ix, uint64_t key, uint32_t start, uint32_t len)
{
    size_t mask = ix->cap - 1;
    size_t i = (size_t)key & mask;
    while (ix->slots[i].key != 0)
        i = (i + 1) & mask;
    ix->slots[i].key = key;
    ix->slots[i].start = start;
    ix->slots[i].len = len;
}

static void build_tf(struct hv_screen_index *ix);

double hv__ix_idf(const struct hv_screen_index *ix, uint64_t full_key)
{
    uint32_t df = 0;
    (void)hv__ix_lookup(ix, full_key, &df);
    return log(((double)ix->n_names + 1.0) / ((double)df + 1.0)) + 0.1;
}

enum hv_err hv_screen_index_create(const struct hv_names *names, struct hv_wl_list *const *lists,
                                   size_t n_lists, struct hv_screen_index **out)
{
    struct hv_screen_index *ix = hv_xcalloc(1, sizeof(*ix));
    ix->names = names;
    hv_names_weights_default(&ix->weights);
    ix->weights.initial = HV__SCREEN_INITIAL;
    ix->weights.initial_weight = HV__SCREEN_INITIAL_WEIGHT;
    ix->weights.strict_optional = true;
    ix->weights.compound_whole = true;
    ix->weights.known_distinct = true;
    ix->weights.long_vowels = true;
    ix->weights.fuzzy_joins = true;
    ix->weights.title_match = HV__SCREEN_TITLE_MATCH;
    ix->list_tf_scale = HV__SCREEN_LIST_TF_SCALE;
    size_t n_entries = 0, n_names = 0;
    for (size_t l = 0; l < n_lists; l++) {
        n_entries += lists[l]->n_entries;
        for (size_t e = 0; e < lists[l]->n_entries; e++)
            n_names += lists[l]->entries[e].n_names;
    }
    if (n_names > UINT32_MAX / 2) {
        hv_screen_index_destroy(ix);
        return HV_ERR_LIMIT;
    }
    ix->entries = hv_xcalloc(n_entries > 0 ? n_entries : 1, sizeof(*ix->entries));
    struct hv_name *pn = hv_xmalloc(sizeof(*pn));
    struct build b = { 0 };
    size_t blob_cap = 0;
    for (size_t l = 0; l < n_lists; l++) {
        for (size_t e = 0; e < lists[l]->n_entries; e++) {
            const struct hv_wl_entry *we = &lists[l]->entries[e];
            uint32_t eid = (uint32_t)ix->n_entries++;
            ix->entries[eid].list = lists[l];
            ix->entries[eid].e = we;
            ix->entries[eid].first_name = (uint32_t)ix->n_names;
            for (size_t k = 0; k < we->n_names && k <= UINT16_MAX; k++) {
                struct hv_str text = hv_str_c(we->names[k].text);
                add_name(ix, &b, &blob_cap, pn, eid, k, text, UINT32_MAX);
                char forms[3][HV_NAMES_MAX_INPUT];
                size_t nf = hv__screen_name_forms(text, forms, 3);
                for (size_t f = 0; f < nf; f++) {
                    size_t fl = strlen(forms[f]);
                    if (ix->forms_len + fl + 1 > ix->forms_cap) {
                        ix->forms_cap = ix->forms_cap == 0 ? 65536 : ix->forms_cap * 2;
                        ix->forms = hv_xrealloc(ix->forms, ix->forms_cap);
                    }
                    uint32_t off = (uint32_t)ix->forms_len;
                    memcpy(ix->forms + off, forms[f], fl + 1);
                    ix->forms_len += fl + 1;
                    add_name(ix, &b, &blob_cap, pn, eid, k, hv_str_c(forms[f]), off);
                }
            }
            ix->entries[eid].n_names = (uint32_t)ix->n_names - ix->entries[eid].first_name;
        }
    }
    free(pn);
    if (ix->blob_len > UINT32_MAX) {
        free(b.pairs);
        hv_screen_index_destroy(ix);
        return HV_ERR_LIMIT;
    }
    qsort(b.pairs, b.n, sizeof(*b.pairs), pair_cmp);
    /* Unique (key, name) pairs; count keys. */
    size_t w = 0, keys = 0;
    for (size_t i = 0; i < b.n; i++) {
        if (w > 0 && b.pairs[w - 1].key == b.pairs[i].key && b.pairs[w - 1].name == b.pairs[i].name)
            continue;
        if (w == 0 || b.pairs[w - 1].key != b.pairs[i].key)
            keys++;
        b.pairs[w++] = b.pairs[i];
    }
    ix->n_postings = w;
    ix->postings = hv_xmalloc((w > 0 ? w : 1) * sizeof(*ix->postings));
    ix->cap = 16;
    while (ix->cap < keys * 2)
        ix->cap *= 2;
    ix->slots = hv_xcalloc(ix->cap, sizeof(*ix->slots));
    ix->n_keys = keys;
    size_t start = 0;
    for (size_t i = 0; i < w; i++) {
        ix->postings[i] = b.pairs[i].name;
        if (i + 1 == w || b.pairs[i + 1].key != b.pairs[i].key) {
            slot_put(ix, b.pairs[i].key, (uint32_t)start, (uint32_t)(i + 1 - start));
            start = i + 1;
        }
    }
    free(b.pairs);
    build_tf(ix);
    *out = ix;
    return HV_OK;
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h == 0 ? 1 : h;
}

static size_t tf_slot(const struct hv_screen_index *ix, uint64_t h)
{
    size_t mask = ix->tf_cap - 1;
    size_t i = (size_t)(h ^ (h >> 31)) & mask;
    while (ix->tf_keys[i] != 0 && ix->tf_keys[i] != h)
        i = (i + 1) & mask;
    return i;
}

/* The tf the index gives the names engine: the larger of the default frequency and the key's
 * share of list names (scaled), so a part common in either population weighs little. */
static double list_tf(void *ud, struct hv_str key)
{
    const struct hv_screen_index *ix = ud;
    double f = hv_names_default_tf((void *)(uintptr_t)ix->names, key);
    if (ix->tf_cap == 0 || ix->n_names == 0 || !(ix->list_tf_scale > 0))
        return f;
    size_t i = tf_slot(ix, fnv1a(key.ptr, key.len));
    if (ix->tf_keys[i] != 0) {
        double l = ix->list_tf_scale * (double)ix->tf_counts[i] / (double)ix->n_names;
        if (l > f)
            f = l;
    }
    return f;
}

/* Counts, for each part key, the names that hold it. */
static void build_tf(struct hv_screen_index *ix)
{
    ix->tf_cap = 1024;
    while (ix->tf_cap < ix->n_names * 4)
        ix->tf_cap *= 2;
    ix->tf_keys = hv_xcalloc(ix->tf_cap, sizeof(*ix->tf_keys));
    ix->tf_counts = hv_xcalloc(ix->tf_cap, sizeof(*ix->tf_counts));
    struct hv_name *n = hv_xmalloc(sizeof(*n));
    size_t used = 0;
    for (size_t id = 0; id < ix->n_names; id++) {
        hv__ix_name_get(ix, (uint32_t)id, n);
        for (size_t p = 0; p < n->n_parts; p++) {
            bool dup = false;
            for (size_t q = 0; q < p; q++)
                dup = dup || n->parts[q].key_hash == n->parts[p].key_hash;
            if (dup)
                continue;
            struct hv_str k = hv_name_part_key(n, p);
            uint64_t h = fnv1a(k.ptr, k.len);
            size_t i = tf_slot(ix, h);
            if (ix->tf_keys[i] == 0) {
                if (used * 2 >= ix->tf_cap)
                    continue; /* full enough: the default table covers the rest */
                ix->tf_keys[i] = h;
                used++;
            }
            ix->tf_counts[i]++;
        }
    }
    free(n);
    hv__ix_set_list_tf(ix, ix->list_tf_scale);
}

void hv__ix_set_list_tf(struct hv_screen_index *ix, double scale)
{
    ix->list_tf_scale = scale;
    /* The engine's own per-part frequencies are faster than a callback: use them when the
     * lists' frequencies are not wanted. */
    ix->weights.tf = scale > 0 ? list_tf : NULL;
    ix->weights.tf_ud = scale > 0 ? ix : NULL;
}

void hv_screen_index_destroy(struct hv_screen_index *ix)
{
    if (ix == NULL)
        return;
    free(ix->entries);
    free(ix->ixnames);
    free(ix->blob);
    free(ix->slots);
    free(ix->postings);
    free(ix->forms);
    free(ix->tf_keys);
    free(ix->tf_counts);
    free(ix);
}

void hv_screen_index_stats(const struct hv_screen_index *ix, struct hv_screen_index_stats *out)
{
    memset(out, 0, sizeof(*out));
    out->n_entries = ix->n_entries;
    out->n_names = ix->n_names;
    out->n_keys = ix->n_keys;
    out->n_postings = ix->n_postings;
    out->bytes = sizeof(*ix) + ix->n_entries * sizeof(*ix->entries) +
                 ix->n_names * sizeof(*ix->ixnames) + ix->blob_len + ix->forms_len +
                 ix->cap * sizeof(*ix->slots) + ix->n_postings * sizeof(*ix->postings);
}
