/* search.c - case search by name through the names engine. At start the server reads every
 * person once (unsealed in memory only, as DESIGN.md allows for fuzzy matching) and indexes
 * the consonant skeleton of each name part; a query's parts pick candidates by skeleton, and
 * the names engine scores them, so "Mohamad Naseer" finds "Mohammad Nasir". People registered
 * after the start are found after a restart (docs/internals/SERVER.md).
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <stdlib.h>
#include <string.h>

#include "haven/names.h"
#include "haven/registry.h"

#define MAX_CANDIDATES 4000
#define MAX_SCORED     200 /* candidates the names engine scores, best pre-ranked first */

struct entry {
    int64_t case_id, person_id;
    uint32_t text_off; /* the name as given, NUL-terminated, in hv_search.text */
};

struct posting {
    uint64_t skel;
    uint64_t key; /* the part's folded variant key: equal keys pre-rank a candidate higher */
    uint32_t entry;
};

struct hv_search {
    const struct hv_names *names;
    struct entry *entries;
    size_t n_entries, cap_entries;
    struct posting *postings;
    size_t n_postings, cap_postings;
    char *text;
    size_t text_len, text_cap;
};

struct build {
    struct hv_search *s;
    struct hv_name parsed; /* large: kept here, not on the stack */
};

static struct hv_str field(const struct hv_record *rec, const char *name)
{
    int i = hv_kind_field(rec->kind, hv_str_c(name));
    return i >= 0 ? rec->values[i] : HV_STR_NULL;
}

static void grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t c = *cap == 0 ? 1024 : *cap;
    while (c < need)
        c *= 2;
    *p = hv_xrealloc(*p, c * size);
    *cap = c;
}

static enum hv_err add_person(void *ud, const struct hv_record *rec)
{
    struct build *b = ud;
    struct hv_search *s = b->s;
    /* The name people search for: given and family name, or the father's name where there
     * is no family name (it serves as one). */
    struct hv_str given = field(rec, "given_name"), family = field(rec, "family_name");
    if (family.len == 0)
        family = field(rec, "father_name");
    size_t n = given.len + 1 + family.len;
    if (n >= HV_NAMES_MAX_INPUT || given.len == 0)
        return HV_OK;
    grow((void **)&s->text, &s->text_cap, s->text_len + n + 1, 1);
    char *t = s->text + s->text_len;
    memcpy(t, given.ptr, given.len);
    size_t k = given.len;
    if (family.len > 0) {
        t[k++] = ' ';
        memcpy(t + k, family.ptr, family.len);
        k += family.len;
    }
    t[k] = '\0';
    if (hv_names_parse(s->names, (struct hv_str){ t, k }, &b->parsed) != HV_OK)
        return HV_OK; /* a name the engine cannot read is not searchable; not an error */
    grow((void **)&s->entries, &s->cap_entries, s->n_entries + 1, sizeof(*s->entries));
    struct entry *e = &s->entries[s->n_entries];
    e->case_id = rec->parent_id;
    e->person_id = rec->id;
    e->text_off = (uint32_t)s->text_len;
    s->text_len += k + 1;
    for (size_t i = 0; i < b->parsed.n_parts; i++) {
        const struct hv_name_part *p = &b->parsed.parts[i];
        if (p->skel_len == 0 || (p->flags & HV_NAME_PART_OPTIONAL) != 0)
            continue;
        grow((void **)&s->postings, &s->cap_postings, s->n_postings + 1, sizeof(*s->postings));
        s->postings[s->n_postings].skel = p->skel_hash;
        s->postings[s->n_postings].key = p->key_hash;
        s->postings[s->n_postings].entry = (uint32_t)s->n_entries;
        s->n_postings++;
    }
    s->n_entries++;
    return HV_OK;
}

static int cmp_posting(const void *a, const void *b)
{
    const struct posting *x = a, *y = b;
    if (x->skel != y->skel)
        return x->skel < y->skel ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

enum hv_err hv__search_create(struct hv_ctx *ctx, const struct hv_names *names,
                              struct hv_search **out)
{
    struct hv_search *s = hv_xcalloc(1, sizeof(*s));
    s->names = names;
    struct build *b = hv_xcalloc(1, sizeof(*b));
    b->s = s;
    enum hv_err err = hv_record_each(ctx, hv_kind(HV_KIND_PERSON), 0, add_person, b);
    free(b);
    if (err != HV_OK) {
        hv__search_destroy(s);
        return err;
    }
    if (s->n_postings > 0)
        qsort(s->postings, s->n_postings, sizeof(*s->postings), cmp_posting);
    *out = s;
    return HV_OK;
}

void hv__search_destroy(struct hv_search *s)
{
    if (s == NULL)
        return;
    if (s->text != NULL)
        hv_access_wipe(s->text, s->text_cap);
    free(s->text);
    free(s->entries);
    free(s->postings);
    free(s);
}

size_t hv__search_size(const struct hv_search *s)
{
    return s->n_entries;
}

static size_t lower_bound(const struct hv_search *s, uint64_t skel)
{
    size_t lo = 0, hi = s->n_postings;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->postings[mid].skel < skel)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct cand {
    uint32_t entry;
    uint32_t parts; /* query parts whose skeleton it shares */
    uint32_t keys;  /* ... and whose variant key it shares */
};

static int cmp_cand_entry(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int cmp_cand_rank(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->parts != y->parts)
        return x->parts > y->parts ? -1 : 1;
    if (x->keys != y->keys)
        return x->keys > y->keys ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int cmp_hit(const void *a, const void *b)
{
    const struct hv_search_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->similarity != y->similarity)
        return x->similarity > y->similarity ? -1 : 1;
    return x->case_id < y->case_id ? -1 : x->case_id > y->case_id;
}

/* The share of the query's evidence that aligned with the candidate, weighted by similarity:
 * a query of two parts fully found in a three-part name scores 1. */
static double coverage(const struct hv_names_match *m, const struct hv_name *q)
{
    double total = 0, got = 0;
    for (size_t i = 0; i < q->n_parts; i++)
        total += m->weight_a[i];
    for (size_t p = 0; p < m->n_pairs; p++) {
        for (uint8_t k = 0; k < m->pairs[p].n_a; k++)
            got += m->weight_a[m->pairs[p].a[k]] * m->pairs[p].sim;
    }
    return total > 0 ? got / total : 0;
}

enum hv_err hv__search_run(const struct hv_search *s, struct hv_arena *a, struct hv_str query,
                           double min, size_t max, struct hv_search_hit **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    struct hv_names_result *res = hv_arena_alloc(a, sizeof(*res));
    if (res == NULL)
        return HV_ERR_LIMIT;
    enum hv_err err = hv_names_parse(s->names, query, &res->a);
    if (err != HV_OK)
        return err;
    size_t n_q = 0;
    uint64_t qs[HV_NAMES_MAX_PARTS], qk[HV_NAMES_MAX_PARTS];
    for (size_t i = 0; i < res->a.n_parts; i++) {
        const struct hv_name_part *p = &res->a.parts[i];
        if (p->skel_len > 0 && (p->flags & HV_NAME_PART_OPTIONAL) == 0) {
            qk[n_q] = p->key_hash;
            qs[n_q++] = p->skel_hash;
        }
    }
    if (n_q == 0)
        return HV_OK;
    /* Candidates: entries sharing a skeleton with a query part, counted per part. */
    size_t cap = MAX_CANDIDATES * 4, n_c = 0;
    struct cand *c = hv_arena_alloc_array(a, cap, sizeof(*c));
    if (c == NULL)
        return HV_ERR_LIMIT;
    /* Rarest skeletons first; a very common one (MHMD) is left out when the rarer parts
     * already fill the candidate budget. */
    size_t lo[HV_NAMES_MAX_PARTS], cnt[HV_NAMES_MAX_PARTS], order[HV_NAMES_MAX_PARTS];
    for (size_t q = 0; q < n_q; q++) {
        lo[q] = lower_bound(s, qs[q]);
        size_t e = lo[q];
        while (e < s->n_postings && s->postings[e].skel == qs[q])
            e++;
        cnt[q] = e - lo[q];
        order[q] = q;
    }
    for (size_t i = 1; i < n_q; i++) {
        for (size_t j = i; j > 0 && cnt[order[j]] < cnt[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    }
    size_t n_seed = 0;
    for (size_t k = 0; k < n_q; k++) {
        size_t q = order[k];
        if (k > 0 && n_c + cnt[q] > cap)
            break;
        n_seed = k + 1;
        for (size_t i = lo[q]; i < lo[q] + cnt[q]; i++) {
            if (n_c == cap)
                break;
            c[n_c].entry = s->postings[i].entry;
            c[n_c].keys = s->postings[i].key == qk[q] ? 1 : 0;
            c[n_c++].parts = 1;
        }
    }
    qsort(c, n_c, sizeof(*c), cmp_cand_entry);
    size_t m = 0;
    uint32_t best = 0;
    for (size_t i = 0; i < n_c; i++) {
        if (m > 0 && c[m - 1].entry == c[i].entry) {
            c[m - 1].parts++;
            c[m - 1].keys += c[i].keys;
        } else {
            c[m++] = c[i];
        }
        if (c[m - 1].parts > best)
            best = c[m - 1].parts;
    }
    /* The common parts left out above still count: look each candidate up in their posting
     * lists (sorted by skeleton, then entry). */
    for (size_t k = n_seed; k < n_q; k++) {
        size_t q = order[k];
        for (size_t i = 0; i < m; i++) {
            size_t a0 = lo[q], a1 = lo[q] + cnt[q];
            while (a0 < a1) {
                size_t mid = a0 + (a1 - a0) / 2;
                if (s->postings[mid].entry < c[i].entry)
                    a0 = mid + 1;
                else
                    a1 = mid;
            }
            if (a0 < lo[q] + cnt[q] && s->postings[a0].entry == c[i].entry) {
                c[i].parts++;
                c[i].keys += s->postings[a0].key == qk[q] ? 1 : 0;
                if (c[i].parts > best)
                    best = c[i].parts;
            }
        }
    }
    /* Keep the candidates that share the most parts (one fewer when the query is long). */
    uint32_t need = best > 2 ? best - 1 : best;
    /* Pre-rank by shared skeletons, then shared variant keys; score only the best. */
    size_t kept = 0;
    for (size_t i = 0; i < m; i++) {
        if (c[i].parts >= need)
            c[kept++] = c[i];
    }
    qsort(c, kept, sizeof(*c), cmp_cand_rank);
    if (kept > MAX_SCORED)
        kept = MAX_SCORED;
    struct hv_search_hit *hits = hv_arena_alloc_array(a, MAX_SCORED, sizeof(*hits));
    if (hits == NULL)
        return HV_ERR_LIMIT;
    size_t n_h = 0;
    for (size_t i = 0; i < kept; i++) {
        const struct entry *e = &s->entries[c[i].entry];
        const char *t = s->text + e->text_off;
        if (hv_names_parse(s->names, hv_str_c(t), &res->b) != HV_OK)
            continue;
        hv_names_compare_parsed(s->names, &res->a, &res->b, NULL, &res->match);
        double score = coverage(&res->match, &res->a);
        if (score < min)
            continue;
        hits[n_h].case_id = e->case_id;
        hits[n_h].person_id = e->person_id;
        hits[n_h].similarity = res->match.score;
        hits[n_h++].score = (double)(int64_t)(score * 1000.0 + 0.5) / 1000.0;
    }
    qsort(hits, n_h, sizeof(*hits), cmp_hit);
    /* One hit per case: its best person. */
    size_t k = 0;
    for (size_t i = 0; i < n_h && k < max; i++) {
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = hits[j].case_id == hits[i].case_id;
        if (!seen)
            hits[k++] = hits[i];
    }
    *out = hits;
    *n_out = k;
    return HV_OK;
}
