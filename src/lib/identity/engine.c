/* engine.c - the identity engine's run: block keys per record, candidate pairs deduplicated
 * across rules, comparison on worker threads, u from random pairs, EM, scoring, clustering;
 * plus one-pair comparison and candidates for a new record.
 * SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity_int.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "haven/clock.h"

void hv_id_options_default(struct hv_id_options *o)
{
    memset(o, 0, sizeof(*o));
    o->merge_threshold = 0.9;
    o->review_threshold = 0.3;
    o->blocks = HV_ID_BLOCK_DEFAULT;
    o->max_block = 2000;
    o->threads = 2;
    o->seed = 1;
    o->u_samples = 300000;
    o->em_iterations = 40;
    o->tf_adjust = true;
    o->chain_floor = 0.05;
    o->max_cluster = 50;
    o->prior = 0.1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void hv__id_scratch_init(struct hv__id_scratch *s)
{
    memset(&s->match, 0, sizeof(s->match));
    s->a.n_parts = s->b.n_parts = 0;
    s->cache = hv_xcalloc((size_t)1 << HV__ID_CACHE_BITS, sizeof(*s->cache));
}

void hv__id_scratch_finish(struct hv__id_scratch *s)
{
    free(s->cache);
    s->cache = NULL;
}

enum hv_err hv_id_engine_create(const struct hv_names *names, const struct hv_id_options *opt,
                                struct hv_id_engine **out)
{
    *out = NULL;
    if (names == NULL)
        return HV_ERR_INVALID;
    struct hv_id_engine *e = hv_xcalloc(1, sizeof(*e));
    e->names = names;
    if (opt != NULL)
        e->opt = *opt;
    else
        hv_id_options_default(&e->opt);
    if (e->opt.threads < 1)
        e->opt.threads = 1;
    if (e->opt.threads > 8)
        e->opt.threads = 8;
    if (e->opt.max_cluster < 2)
        e->opt.max_cluster = 2;
    hv__id_map_init(&e->nm_map);
    hv__id_map_init(&e->tf_map);
    hv__id_map_init(&e->str_map);
    hv__id_scratch_init(&e->main_scratch);
    hv__id_default_mu(e);
    *out = e;
    return HV_OK;
}

void hv_id_engine_destroy(struct hv_id_engine *e)
{
    if (e == NULL)
        return;
    free(e->recs);
    free(e->nm);
    free(e->nm_pool);
    free(e->tf_count);
    free(e->str);
    free(e->str_pool);
    hv__id_map_finish(&e->nm_map);
    hv__id_map_finish(&e->tf_map);
    hv__id_map_finish(&e->str_map);
    free(e->keys);
    free(e->entries);
    free(e->pairs);
    free(e->parent);
    hv__id_scratch_finish(&e->main_scratch);
    free(e);
}

static uint64_t mixk(uint64_t a, uint64_t b)
{
    uint64_t x = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull + (a << 6) + (a >> 2));
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    return x == 0 ? 1 : x;
}

static uint64_t year_key(const struct hv_pdate *d)
{
    if (d->precision == HV_PDATE_NONE)
        return 0;
    return (uint64_t)(uint16_t)d->year * 10000u + (uint16_t)d->year_to;
}

static uint64_t nm_field(const struct hv_id_engine *e, uint32_t id, int which)
{
    if (id == HV__ID_NONE)
        return 0;
    const struct hv__id_name *n = &e->nm[id];
    return which == 0 ? n->skel_hash : which == 1 ? n->skel_sorted : n->first_skel;
}

void hv__id_record_keys(const struct hv_id_engine *e, uint32_t i, uint64_t k[SL_COUNT])
{
    const struct hv__id_rec *r = &e->recs[i];
    uint32_t bl = e->opt.blocks;
    memset(k, 0, sizeof(uint64_t) * SL_COUNT);
    uint64_t year = year_key(&r->birth);
    uint64_t day = 0;
    if (r->birth.precision == HV_PDATE_DAY)
        day = (uint64_t)(r->birth.year * 10000 + r->birth.month * 100 + r->birth.day);
    uint64_t given = nm_field(e, r->name[NM_GIVEN], 0);
    uint64_t family = nm_field(e, r->name[NM_FAMILY], 0);
    uint64_t father = nm_field(e, r->name[NM_FATHER], 0);
    uint64_t name_sorted = nm_field(e, r->name[NM_NAME], 1);
    uint64_t native_sorted = nm_field(e, r->name[NM_NATIVE], 1);
    if ((bl & HV_ID_BLOCK_GIVEN_YEAR) && given && year)
        k[SL_GIVEN_YEAR] = mixk(mixk(1, given), year);
    if ((bl & HV_ID_BLOCK_FATHER_GIVEN) && given && father)
        k[SL_FATHER_GIVEN] = mixk(mixk(2, father), given);
    if ((bl & HV_ID_BLOCK_PHONE) && r->phone != HV__ID_NONE)
        k[SL_PHONE] = mixk(3, r->phone);
    if ((bl & HV_ID_BLOCK_NAME_YEAR) && name_sorted && year)
        k[SL_NAME_YEAR] = mixk(mixk(4, name_sorted), year);
    if ((bl & HV_ID_BLOCK_NAME) && name_sorted)
        k[SL_NAME] = mixk(5, name_sorted);
    if ((bl & HV_ID_BLOCK_DATE) && day)
        k[SL_DATE] = mixk(6, day);
    if ((bl & HV_ID_BLOCK_NATIVE_YEAR) && native_sorted && year)
        k[SL_NATIVE_YEAR] = mixk(mixk(7, native_sorted), year);
    if ((bl & HV_ID_BLOCK_FAMILY_DATE) && family && day)
        k[SL_FAMILY_DATE] = mixk(mixk(8, family), day);
    if ((bl & HV_ID_BLOCK_GIVEN_DATE) && given && day)
        k[SL_GIVEN_DATE] = mixk(mixk(9, given), day);
    for (int x = 0; x < HV_ID_MAX_EXTRA; x++) {
        if ((bl & (HV_ID_BLOCK_EXTRA0 << x)) && r->extra[x] != HV__ID_NONE)
            k[SL_EXTRA0 + x] = mixk(10 + (uint64_t)x, r->extra[x]);
    }
    if (bl & HV_ID_BLOCK_DOC) {
        for (int d = 0; d < HV_ID_MAX_DOCS; d++) {
            if (r->docs[d] != HV__ID_NONE)
                k[SL_DOC0 + d] = mixk(20, r->docs[d]);
        }
    }
}

/* The first slot (of a) through which a and b share a key, or SL_COUNT. */
int hv__id_first_shared(const uint64_t *ka, const uint64_t *kb)
{
    for (int s = 0; s < SL_DOC0; s++) {
        if (ka[s] != 0 && ka[s] == kb[s])
            return s;
    }
    for (int s = SL_DOC0; s < SL_COUNT; s++) {
        if (ka[s] == 0)
            continue;
        for (int t = SL_DOC0; t < SL_COUNT; t++) {
            if (ka[s] == kb[t])
                return s;
        }
    }
    return SL_COUNT;
}

#define FM(f) (1u << (f))
uint32_t hv__id_slot_mask(int slot)
{
    const uint32_t names = FM(HV_ID_F_NAME) | FM(HV_ID_F_NATIVE);
    switch (slot) {
    case SL_GIVEN_YEAR:
    case SL_NAME_YEAR:
    case SL_NATIVE_YEAR:
    case SL_FAMILY_DATE:
    case SL_GIVEN_DATE:
        return names | FM(HV_ID_F_BIRTH);
    case SL_FATHER_GIVEN:
        return names | FM(HV_ID_F_FATHER);
    case SL_PHONE:
        return FM(HV_ID_F_PHONE);
    case SL_NAME:
        return names;
    case SL_DATE:
        return FM(HV_ID_F_BIRTH);
    default:
        if (slot >= SL_EXTRA0 && slot < SL_EXTRA0 + HV_ID_MAX_EXTRA)
            return FM(HV_ID_F_EXTRA0 + (slot - SL_EXTRA0));
        return FM(HV_ID_F_DOC);
    }
}
#undef FM

/* Pairs found through a shared document number needed before the document session alone is
 * trusted for the m of the other fields (see train). */
#define DOC_ANCHOR_MIN_PAIRS 200

/* Trains m the way Splink does: one EM session per blocking rule over the pairs that rule found,
 * with the fields the rule used masked (they agree by construction there); each field's m is the
 * mean over the sessions that saw it. Then lambda alone over every candidate.
 *
 * Anchoring on documents: when enough pairs share a document number, the pairs of that session
 * are nearly all true matches (two people rarely hold one number), so its EM sees clean
 * matches; the sessions of the name rules do not once the registry is large, because name
 * look-alikes (common given name, same year) then outnumber the duplicates in their blocks and
 * EM's "match" class drifts to them (at 300,000 generated people it put m(grandfather differs)
 * at 0.76 and m(document equal) at 0.02). So the document session's m is kept for every field
 * it saw, the m of the rest (the document field itself, fields it never saw) is then estimated
 * over all candidates with those held fixed, and lambda last. */
static uint64_t train(struct hv_id_engine *e, const struct hv__id_pattern *all, size_t n_all,
                      struct hv__id_map *smaps, struct hv__id_pattern **spat, size_t *n_spat)
{
    double sum[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    int seen[HV_ID_N_FIELDS];
    memset(sum, 0, sizeof(sum));
    memset(seen, 0, sizeof(seen));
    uint64_t iters = 0;
    uint64_t doc_total = 0;
    for (size_t i = 0; i < n_spat[SL_DOC0]; i++)
        doc_total += spat[SL_DOC0][i].count;
    bool anchored = doc_total >= DOC_ANCHOR_MIN_PAIRS;
    uint32_t anchored_fields = 0;
    for (int s = anchored ? SL_DOC0 : 0; s <= SL_DOC0; s++) {
        uint64_t total = 0;
        for (size_t i = 0; i < n_spat[s]; i++)
            total += spat[s][i].count;
        if (total < 20)
            continue;
        double m[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
        memcpy(m, e->m, sizeof(m));
        double lam = e->opt.prior;
        iters += (uint64_t)hv__id_em(spat[s], n_spat[s], e->u, e->u2, m, &lam, e->opt.em_iterations,
                                     HV__ID_EM_ALL);
        uint32_t mask = hv__id_slot_mask(s);
        for (int f = 0; f < HV_ID_N_FIELDS; f++) {
            if (mask & (1u << f))
                continue;
            bool any = false;
            for (size_t i = 0; i < n_spat[s] && !any; i++) {
                int8_t lv[HV_ID_N_FIELDS];
                hv__id_unpack(spat[s][i].gamma, lv);
                any = lv[f] >= 0;
            }
            if (!any)
                continue;
            for (int l = 0; l < HV_ID_MAX_LEVELS; l++)
                sum[f][l] += m[f][l];
            seen[f]++;
        }
    }
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        if (seen[f] == 0)
            continue;
        for (int l = 0; l < HV_ID_MAX_LEVELS; l++)
            e->m[f][l] = sum[f][l] / seen[f];
        anchored_fields |= 1u << f;
    }
    e->stats.doc_anchored = anchored;
    if (anchored) {
        double lam = e->opt.prior;
        iters += (uint64_t)hv__id_em(all, n_all, e->u, e->u2, e->m, &lam, e->opt.em_iterations,
                                     HV__ID_EM_ALL & ~anchored_fields);
    }
    (void)smaps;
    /* Two different document numbers (beyond one typo) are strong evidence of two people: EM
     * under-weights it when stacked name agreements (siblings share father, grandfather and
     * family name) dominate the sessions, so m of that level is bounded (about -11 bits). */
    if (e->m[HV_ID_F_DOC][0] > HV__ID_DOC_DIFF_MAX_M)
        e->m[HV_ID_F_DOC][0] = HV__ID_DOC_DIFF_MAX_M;
    /* Likewise the father's name: it is asked of everyone, and a re-registration rarely
     * changes it beyond a fuzzy spelling (the level "different" is a strong negative). */
    if (e->m[HV_ID_F_FATHER][0] > HV__ID_FATHER_DIFF_MAX_M)
        e->m[HV_ID_F_FATHER][0] = HV__ID_FATHER_DIFF_MAX_M;
    /* And two relations to one principal that contradict each other (spouse and child). */
    if (e->m[HV_ID_F_HOUSEHOLD][0] > HV__ID_FATHER_DIFF_MAX_M)
        e->m[HV_ID_F_HOUSEHOLD][0] = HV__ID_FATHER_DIFF_MAX_M;
    /* lambda. Anchored: the share of candidate pairs with a document on both sides whose
     * numbers agree (exactly or within one typo) - a deterministic rule taken as complete, the
     * way Splink estimates the prior - and the document's m from the same pairs. EM's lambda
     * over all candidates counts the look-alikes of a large registry as matches (0.0074 of
     * the candidates at a million generated people, where 0.0014 are). */
    uint64_t doc_known = 0, doc_level[3] = { 0, 0, 0 };
    for (size_t i = 0; anchored && i < n_all; i++) {
        int8_t lv[HV_ID_N_FIELDS];
        hv__id_unpack(all[i].gamma, lv);
        if (lv[HV_ID_F_DOC] < 0)
            continue;
        doc_known += all[i].count;
        doc_level[lv[HV_ID_F_DOC]] += all[i].count;
    }
    uint64_t doc_agree = doc_level[1] + doc_level[2];
    if (anchored && doc_known >= DOC_ANCHOR_MIN_PAIRS && doc_agree > 0) {
        e->lambda = (double)doc_agree / (double)doc_known;
        double rest = 1.0 - e->m[HV_ID_F_DOC][0];
        e->m[HV_ID_F_DOC][1] = rest * (double)doc_level[1] / (double)doc_agree;
        e->m[HV_ID_F_DOC][2] = rest * (double)doc_level[2] / (double)doc_agree;
        if (e->m[HV_ID_F_DOC][1] < 1e-6)
            e->m[HV_ID_F_DOC][1] = 1e-6;
        e->stats.doc_lambda = true;
        return iters;
    }
    e->lambda = e->opt.prior;
    iters +=
        (uint64_t)hv__id_em(all, n_all, e->u, e->u2, e->m, &e->lambda, e->opt.em_iterations, 0);
    return iters;
}

/* Radix sort of block entries by key (8 passes of 8 bits). */
static void sort_entries(struct hv__id_block_entry *v, size_t n)
{
    struct hv__id_block_entry *tmp = hv_xmalloc((n > 0 ? n : 1) * sizeof(*tmp));
    for (int pass = 0; pass < 8; pass++) {
        size_t count[257];
        memset(count, 0, sizeof(count));
        int shift = pass * 8;
        for (size_t i = 0; i < n; i++)
            count[((v[i].key >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i].key >> shift) & 0xff]++] = v[i];
        struct hv__id_block_entry *t = v;
        v = tmp;
        tmp = t;
    }
    /* Eight passes: the sorted data is back in the caller's array. */
    free(tmp);
}

struct cand {
    uint32_t a, b, gamma;
};

struct group {
    size_t start, len;
};

struct worker {
    struct hv_id_engine *e;
    const struct group *groups;
    size_t n_groups;
    atomic_size_t *next_group;
    struct cand *out;
    size_t n_out, cap_out;
    struct hv__id_scratch scratch;
    /* u sampling */
    uint64_t seed;
    uint32_t n_u;
    uint64_t u_count[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    uint64_t u_total[HV_ID_N_FIELDS];
    /* u inside households: records ordered by household, each position's run */
    const uint32_t *horder, *hstart, *hlen;
    size_t n_hrec;
    uint32_t n_u2;
    uint64_t u2_count[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    uint64_t u2_total[HV_ID_N_FIELDS];
    uint64_t n_u2_done;
    uint64_t block_pairs;
};

static void push_cand(struct worker *w, uint32_t a, uint32_t b, uint32_t g)
{
    if (w->n_out == w->cap_out) {
        w->cap_out = w->cap_out == 0 ? 65536 : w->cap_out * 2;
        w->out = hv_xrealloc(w->out, w->cap_out * sizeof(*w->out));
    }
    w->out[w->n_out++] = (struct cand){ a, b, g };
}

static void *compare_worker(void *arg)
{
    struct worker *w = arg;
    struct hv_id_engine *e = w->e;
    for (;;) {
        size_t gi = atomic_fetch_add(w->next_group, 1);
        if (gi >= w->n_groups)
            break;
        const struct group *g = &w->groups[gi];
        for (size_t i = 0; i < g->len; i++) {
            const struct hv__id_block_entry *x = &e->entries[g->start + i];
            for (size_t j = i + 1; j < g->len; j++) {
                const struct hv__id_block_entry *y = &e->entries[g->start + j];
                uint32_t a = x->rec < y->rec ? x->rec : y->rec;
                uint32_t b = x->rec < y->rec ? y->rec : x->rec;
                if (a == b)
                    continue;
                w->block_pairs++;
                if (e->opt.link_only && e->recs[a].source == e->recs[b].source)
                    continue;
                /* Emit the pair only from the block of the first key the two share, so a
                 * pair found by several rules is compared once. */
                const uint64_t *ka = &e->keys[(size_t)a * SL_COUNT];
                const uint64_t *kb = &e->keys[(size_t)b * SL_COUNT];
                int s = hv__id_first_shared(ka, kb);
                if (s == SL_COUNT || ka[s] != x->key)
                    continue;
                int8_t lv[HV_ID_N_FIELDS];
                hv__id_gamma(e, &w->scratch, a, b, lv, NULL);
                push_cand(w, a, b, hv__id_pack(lv));
            }
        }
    }
    return NULL;
}

static void *u_worker(void *arg)
{
    struct worker *w = arg;
    struct hv_id_engine *e = w->e;
    struct hv_rng rng;
    hv_rng_seed(&rng, w->seed);
    size_t n = e->n_recs;
    for (uint32_t i = 0; i < w->n_u; i++) {
        uint32_t a = (uint32_t)hv_rng_below(&rng, n);
        uint32_t b = (uint32_t)hv_rng_below(&rng, n);
        if (a == b)
            continue;
        if (e->opt.link_only && e->recs[a].source == e->recs[b].source)
            continue;
        int8_t lv[HV_ID_N_FIELDS];
        hv__id_gamma(e, &w->scratch, a, b, lv, NULL);
        for (int f = 0; f < HV_ID_N_FIELDS; f++) {
            if (lv[f] < 0)
                continue;
            w->u_count[f][lv[f]]++;
            w->u_total[f]++;
        }
    }
    /* Random pairs of one household (a handful of attempts per pair for lone members). */
    for (uint32_t i = 0; i < w->n_u2 && w->n_hrec > 0; i++) {
        size_t p = (size_t)hv_rng_below(&rng, w->n_hrec);
        if (w->hlen[p] < 2)
            continue;
        size_t q = w->hstart[p] + (size_t)hv_rng_below(&rng, w->hlen[p]);
        if (q == p)
            continue;
        int8_t lv[HV_ID_N_FIELDS];
        hv__id_gamma(e, &w->scratch, w->horder[p], w->horder[q], lv, NULL);
        w->n_u2_done++;
        /* The household level over every pair of a household; the other fields over the
         * pairs whose relations are compatible (siblings, say): those are the pairs the
         * household u is used for, the others being told apart by their relations. */
        for (int f = 0; f < HV_ID_N_FIELDS; f++) {
            if (lv[f] < 0 || (f != HV_ID_F_HOUSEHOLD && lv[HV_ID_F_HOUSEHOLD] != 1))
                continue;
            w->u2_count[f][lv[f]]++;
            w->u2_total[f]++;
        }
    }
    return NULL;
}

struct group_rec {
    int64_t group;
    uint32_t rec;
};

static int by_group(const void *x, const void *y)
{
    const struct group_rec *a = x, *b = y;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    return a->rec < b->rec ? -1 : (a->rec > b->rec);
}

/* Records of a known household ordered by household, with each position's run (start and
 * length): what the household u sampling draws from. Returns the positions. */
static size_t household_index(const struct hv_id_engine *e, uint32_t **order, uint32_t **start,
                              uint32_t **len)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_recs; i++)
        n += e->recs[i].group != 0;
    struct group_rec *v = hv_xmalloc((n > 0 ? n : 1) * sizeof(*v));
    n = 0;
    for (size_t i = 0; i < e->n_recs; i++) {
        if (e->recs[i].group != 0)
            v[n++] = (struct group_rec){ e->recs[i].group, (uint32_t)i };
    }
    qsort(v, n, sizeof(*v), by_group);
    *order = hv_xmalloc((n > 0 ? n : 1) * sizeof(**order));
    *start = hv_xmalloc((n > 0 ? n : 1) * sizeof(**start));
    *len = hv_xmalloc((n > 0 ? n : 1) * sizeof(**len));
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j].group == v[i].group)
            j++;
        for (size_t k = i; k < j; k++) {
            (*order)[k] = v[k].rec;
            (*start)[k] = (uint32_t)i;
            (*len)[k] = (uint32_t)(j - i);
        }
        i = j;
    }
    free(v);
    return n;
}

static int run_threads(struct worker *w, unsigned n, void *(*fn)(void *))
{
    pthread_t th[8];
    unsigned started = 0;
    for (unsigned i = 1; i < n; i++) {
        if (pthread_create(&th[i], NULL, fn, &w[i]) != 0)
            break;
        started = i;
    }
    fn(&w[0]);
    for (unsigned i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
    /* Workers that could not start run here, one after the other. */
    for (unsigned i = started + 1; i < n; i++)
        fn(&w[i]);
    return 0;
}

static int cmp_pair_ab(const void *x, const void *y)
{
    const struct hv_id_pair *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : (a->b > b->b);
}

static void build_entries(struct hv_id_engine *e)
{
    size_t n = e->n_recs;
    free(e->keys);
    e->keys = hv_xcalloc(n > 0 ? n * SL_COUNT : 1, sizeof(uint64_t));
    size_t n_entries = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t *k = &e->keys[i * SL_COUNT];
        hv__id_record_keys(e, (uint32_t)i, k);
        /* A record holding the same document twice keeps it once. */
        for (int s = SL_DOC0; s < SL_COUNT; s++) {
            for (int t = SL_DOC0; t < s; t++) {
                if (k[s] != 0 && k[s] == k[t])
                    k[s] = 0;
            }
        }
        for (int s = 0; s < SL_COUNT; s++)
            n_entries += k[s] != 0;
    }
    free(e->entries);
    e->entries = hv_xmalloc((n_entries > 0 ? n_entries : 1) * sizeof(*e->entries));
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        const uint64_t *k = &e->keys[i * SL_COUNT];
        for (int s = 0; s < SL_COUNT; s++) {
            if (k[s] != 0)
                e->entries[j++] = (struct hv__id_block_entry){ k[s], (uint32_t)i };
        }
    }
    e->n_entries = j;
    sort_entries(e->entries, e->n_entries);
}

/* Secondary key splitting an oversized block: round 0 the skeleton of the father's first name
 * part (else the family name's), round 1 the family name's skeleton and the sex. */
static uint64_t split_key(const struct hv_id_engine *e, uint32_t rec, int round)
{
    const struct hv__id_rec *r = &e->recs[rec];
    if (round == 0) {
        uint64_t f = nm_field(e, r->name[NM_FATHER], 2);
        if (f == 0)
            f = mixk(31, nm_field(e, r->name[NM_FAMILY], 2));
        return f;
    }
    return mixk(nm_field(e, r->name[NM_FAMILY], 0), (uint64_t)(unsigned char)r->sex);
}

/* Re-keys the entries of every block larger than max_block with a secondary key (entries and
 * the records' key slots alike). Returns whether any block was split; entries need sorting
 * again then. */
static bool split_oversized(struct hv_id_engine *e, int round)
{
    bool any = false;
    for (size_t i = 0; i < e->n_entries;) {
        size_t j = i + 1;
        uint64_t key = e->entries[i].key;
        while (j < e->n_entries && e->entries[j].key == key)
            j++;
        if (j - i > e->opt.max_block) {
            any = true;
            e->stats.split_blocks++;
            for (size_t x = i; x < j; x++) {
                uint32_t rec = e->entries[x].rec;
                uint64_t nk = mixk(mixk(key, 40 + (uint64_t)round), split_key(e, rec, round));
                uint64_t *k = &e->keys[(size_t)rec * SL_COUNT];
                for (int s = 0; s < SL_COUNT; s++) {
                    if (k[s] == key)
                        k[s] = nk;
                }
                e->entries[x].key = nk;
            }
        }
        i = j;
    }
    return any;
}

enum hv_err hv_id_engine_run(struct hv_id_engine *e, const struct hv_progress *progress,
                             struct hv_diag *diag)
{
    if (e->ran) {
        hv_diag_set(diag, NULL, "the engine has already run");
        return HV_ERR_INVALID;
    }
    e->ran = true;
    e->stats.records = e->n_recs;
    e->stats.unique_names = e->n_nm;
    double t0 = now_s();
    hv_progress_report(progress, "block", 0, e->n_recs);
    build_entries(e);

    /* Oversized blocks are split by a secondary key (two rounds); blocks still oversized are
     * skipped, counted, and their keys cleared so that the cross-rule deduplication does not
     * count on them. */
    for (int round = 0; round < 2; round++) {
        if (!split_oversized(e, round))
            break;
        sort_entries(e->entries, e->n_entries);
    }
    size_t n_groups = 0, cap_groups = 1024;
    struct group *groups = hv_xmalloc(cap_groups * sizeof(*groups));
    for (size_t i = 0; i < e->n_entries;) {
        size_t j = i + 1;
        while (j < e->n_entries && e->entries[j].key == e->entries[i].key)
            j++;
        size_t len = j - i;
        if (len > e->opt.max_block) {
            e->stats.skipped_blocks++;
            e->stats.skipped_records += len;
            for (size_t x = i; x < j; x++) {
                uint64_t *k = &e->keys[(size_t)e->entries[x].rec * SL_COUNT];
                for (int s = 0; s < SL_COUNT; s++) {
                    if (k[s] == e->entries[i].key)
                        k[s] = 0;
                }
            }
        } else if (len > 1) {
            if (n_groups == cap_groups) {
                cap_groups *= 2;
                groups = hv_xrealloc(groups, cap_groups * sizeof(*groups));
            }
            groups[n_groups++] = (struct group){ i, len };
        }
        i = j;
    }
    double t1 = now_s();
    e->stats.seconds_block = t1 - t0;
    hv_progress_report(progress, "block", e->n_recs, e->n_recs);

    /* Compare candidate pairs and sample u on worker threads. */
    unsigned nt = e->opt.threads;
    struct worker *w = hv_xcalloc(nt, sizeof(*w));
    atomic_size_t next_group;
    atomic_init(&next_group, 0);
    uint32_t n_u = e->n_recs >= 2 ? e->opt.u_samples : 0;
    uint32_t *horder = NULL, *hstart = NULL, *hlen = NULL;
    size_t n_hrec = household_index(e, &horder, &hstart, &hlen);
    uint32_t n_u2 = n_hrec >= 2 ? n_u / 3 : 0;
    for (unsigned i = 0; i < nt; i++) {
        w[i].horder = horder;
        w[i].hstart = hstart;
        w[i].hlen = hlen;
        w[i].n_hrec = n_hrec;
        w[i].n_u2 = n_u2 / nt + (i == 0 ? n_u2 % nt : 0);
        w[i].e = e;
        w[i].groups = groups;
        w[i].n_groups = n_groups;
        w[i].next_group = &next_group;
        w[i].seed = e->opt.seed * 1000003u + i;
        w[i].n_u = n_u / nt + (i == 0 ? n_u % nt : 0);
        hv__id_scratch_init(&w[i].scratch);
    }
    hv_progress_report(progress, "compare", 0, 2);
    run_threads(w, nt, compare_worker);
    hv_progress_report(progress, "compare", 1, 2);
    run_threads(w, nt, u_worker);
    hv_progress_report(progress, "compare", 2, 2);
    free(groups);
    free(horder);
    free(hstart);
    free(hlen);
    double t2 = now_s();
    e->stats.seconds_compare = t2 - t1;

    /* u from the random pairs (smoothed so that a level never seen still has a u). */
    uint64_t uc[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS], ut[HV_ID_N_FIELDS];
    memset(uc, 0, sizeof(uc));
    memset(ut, 0, sizeof(ut));
    size_t n_cand = 0;
    for (unsigned i = 0; i < nt; i++) {
        for (int f = 0; f < HV_ID_N_FIELDS; f++) {
            ut[f] += w[i].u_total[f];
            for (int l = 0; l < HV_ID_MAX_LEVELS; l++)
                uc[f][l] += w[i].u_count[f][l];
        }
        n_cand += w[i].n_out;
        e->stats.block_pairs += w[i].block_pairs;
        e->stats.u_pairs += w[i].n_u;
    }
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        int L = hv_id_field_levels((enum hv_id_field)f);
        if (ut[f] == 0)
            continue; /* keep the defaults: the field is never known on both sides */
        for (int l = 0; l < L; l++)
            e->u[f][l] = ((double)uc[f][l] + 0.5) / ((double)ut[f] + 0.5 * L);
    }
    /* u inside households likewise; a field never seen there keeps the random pairs' u. */
    memcpy(e->u2, e->u, sizeof(e->u2));
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        uint64_t c2[HV_ID_MAX_LEVELS] = { 0, 0, 0, 0 }, t2f = 0;
        for (unsigned i = 0; i < nt; i++) {
            t2f += w[i].u2_total[f];
            for (int l = 0; l < HV_ID_MAX_LEVELS; l++)
                c2[l] += w[i].u2_count[f][l];
        }
        int L = hv_id_field_levels((enum hv_id_field)f);
        if (t2f < 100)
            continue;
        for (int l = 0; l < L; l++)
            e->u2[f][l] = ((double)c2[l] + 0.5) / ((double)t2f + 0.5 * L);
    }
    for (unsigned i = 0; i < nt; i++)
        e->stats.u_household_pairs += w[i].n_u2_done;
    e->stats.candidate_pairs = n_cand;

    /* Distinct patterns with their counts, overall and per training session (the rule that
     * found the pair, its fields masked), then EM. */
    hv_progress_report(progress, "em", 0, 1);
    struct hv__id_map pmap, smap[SL_DOC0 + 1];
    struct hv__id_pattern *spat[SL_DOC0 + 1];
    size_t n_spat[SL_DOC0 + 1], cap_spat[SL_DOC0 + 1];
    hv__id_map_init(&pmap);
    for (int s = 0; s <= SL_DOC0; s++) {
        hv__id_map_init(&smap[s]);
        n_spat[s] = 0;
        cap_spat[s] = 64;
        spat[s] = hv_xmalloc(cap_spat[s] * sizeof(*spat[s]));
    }
    size_t n_pat = 0, cap_pat = 1024;
    struct hv__id_pattern *pat = hv_xmalloc(cap_pat * sizeof(*pat));
    for (unsigned i = 0; i < nt; i++) {
        for (size_t k = 0; k < w[i].n_out; k++) {
            const struct cand *c = &w[i].out[k];
            bool found;
            uint32_t idx = hv__id_map_put(&pmap, (uint64_t)c->gamma + 1, (uint32_t)n_pat, &found);
            if (!found) {
                if (n_pat == cap_pat) {
                    cap_pat *= 2;
                    pat = hv_xrealloc(pat, cap_pat * sizeof(*pat));
                }
                pat[n_pat++] = (struct hv__id_pattern){ c->gamma, 0 };
            }
            pat[idx].count++;
            const uint64_t *ka = &e->keys[(size_t)c->a * SL_COUNT];
            const uint64_t *kb = &e->keys[(size_t)c->b * SL_COUNT];
            for (int slot = 0; slot <= SL_DOC0; slot++) {
                bool shared = false;
                if (slot < SL_DOC0) {
                    shared = ka[slot] != 0 && ka[slot] == kb[slot];
                } else {
                    for (int x = SL_DOC0; x < SL_COUNT && !shared; x++) {
                        for (int y = SL_DOC0; y < SL_COUNT && !shared; y++)
                            shared = ka[x] != 0 && ka[x] == kb[y];
                    }
                }
                if (!shared)
                    continue;
                uint32_t mask = hv__id_slot_mask(slot);
                int8_t lv[HV_ID_N_FIELDS];
                hv__id_unpack(c->gamma, lv);
                for (int f = 0; f < HV_ID_N_FIELDS; f++) {
                    if (mask & (1u << f))
                        lv[f] = HV_ID_LEVEL_NULL;
                }
                uint32_t g = hv__id_pack(lv);
                idx = hv__id_map_put(&smap[slot], (uint64_t)g + 1, (uint32_t)n_spat[slot], &found);
                if (!found) {
                    if (n_spat[slot] == cap_spat[slot]) {
                        cap_spat[slot] *= 2;
                        spat[slot] = hv_xrealloc(spat[slot], cap_spat[slot] * sizeof(*spat[slot]));
                    }
                    spat[slot][n_spat[slot]++] = (struct hv__id_pattern){ g, 0 };
                }
                spat[slot][idx].count++;
            }
        }
    }
    e->stats.patterns = n_pat;
    if (n_pat > 0)
        e->stats.em_iterations = train(e, pat, n_pat, smap, spat, n_spat);
    for (int s = 0; s <= SL_DOC0; s++) {
        hv__id_map_finish(&smap[s]);
        free(spat[s]);
    }
    hv__id_set_weights(e);
    e->stats.lambda = e->lambda;

    /* Score every pattern once; pairs keep their weight with the tf adjustment. */
    double keep = e->opt.review_threshold < 0.01 ? e->opt.review_threshold : 0.01;
    free(e->pairs);
    e->pairs = NULL;
    size_t cap_pairs = 0;
    e->n_pairs = 0;
    for (unsigned i = 0; i < nt; i++) {
        for (size_t k = 0; k < w[i].n_out; k++) {
            const struct cand *c = &w[i].out[k];
            int8_t lv[HV_ID_N_FIELDS];
            hv__id_unpack(c->gamma, lv);
            double bits = hv__id_weight(e, c->a, c->b, lv, NULL, NULL);
            double p = hv__id_prob(bits);
            if (p < keep)
                continue;
            if (e->n_pairs == cap_pairs) {
                cap_pairs = cap_pairs == 0 ? 65536 : cap_pairs * 2;
                e->pairs = hv_xrealloc(e->pairs, cap_pairs * sizeof(*e->pairs));
            }
            e->pairs[e->n_pairs++] = (struct hv_id_pair){ c->a, c->b, (float)bits, (float)p };
            if (p >= e->opt.merge_threshold)
                e->stats.merged_pairs++;
            else if (p >= e->opt.review_threshold)
                e->stats.review_pairs++;
        }
        free(w[i].out);
        w[i].out = NULL;
        hv__id_scratch_finish(&w[i].scratch);
    }
    free(w);
    free(pat);
    hv__id_map_finish(&pmap);
    if (e->n_pairs > 1)
        qsort(e->pairs, e->n_pairs, sizeof(*e->pairs), cmp_pair_ab);
    double t3 = now_s();
    e->stats.seconds_em = t3 - t2;
    hv_progress_report(progress, "em", 1, 1);

    hv_progress_report(progress, "cluster", 0, 1);
    hv__id_cluster(e);
    e->stats.seconds_cluster = now_s() - t3;
    hv_progress_report(progress, "cluster", 1, 1);
    return HV_OK;
}

void hv_id_engine_options(const struct hv_id_engine *e, struct hv_id_options *out)
{
    *out = e->opt;
}

const struct hv_id_pair *hv_id_engine_pairs(const struct hv_id_engine *e, size_t *n)
{
    *n = e->n_pairs;
    return e->pairs;
}

uint32_t hv_id_engine_cluster(const struct hv_id_engine *e, uint32_t i)
{
    if (e->parent == NULL || i >= e->n_recs)
        return i;
    return e->parent[i];
}

void hv_id_engine_stats(const struct hv_id_engine *e, struct hv_id_stats *out)
{
    *out = e->stats;
    memcpy(out->m, e->m, sizeof(out->m));
    memcpy(out->u, e->u, sizeof(out->u));
    memcpy(out->u_household, e->u2, sizeof(out->u_household));
    out->lambda = e->lambda;
}

void hv_id_engine_compare(const struct hv_id_engine *e, uint32_t a, uint32_t b,
                          struct hv_id_comparison *out)
{
    memset(out, 0, sizeof(*out));
    /* The engine's own scratch: compare is not thread-safe, like the engine. */
    struct hv__id_scratch *s = (struct hv__id_scratch *)&e->main_scratch;
    hv__id_gamma(e, s, a, b, out->level, out->name_score);
    out->total = hv__id_weight(e, a, b, out->level, out->weight, out->tf_adjust);
    out->prob = hv__id_prob(out->total);
}

static int by_cand(const void *x, const void *y)
{
    const struct hv_id_candidate *a = x, *b = y;
    if (a->prob != b->prob)
        return a->prob < b->prob ? 1 : -1;
    return a->index < b->index ? -1 : (a->index > b->index);
}

static size_t lower_bound(const struct hv__id_block_entry *v, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

enum hv_err hv_id_engine_candidates(struct hv_id_engine *e, const struct hv_id_record *r,
                                    double min_prob, size_t max, struct hv_id_candidate *out,
                                    size_t *n_out)
{
    *n_out = 0;
    if (!e->ran || e->entries == NULL)
        return HV_ERR_INVALID;
    /* The probe becomes a temporary last record (its interned names stay: harmless). */
    e->ran = false;
    uint32_t probe;
    enum hv_err err = hv_id_engine_add(e, r, &probe);
    e->ran = true;
    if (err != HV_OK && err != HV_ERR_LIMIT)
        return err;
    uint64_t k[SL_COUNT];
    hv__id_record_keys(e, probe, k);
    size_t n = 0;
    /* Each key as built, then as the split rounds would have re-keyed it (an oversized block
     * of the run lives under its split keys). */
    for (int q = 0; q < SL_COUNT * 3; q++) {
        int s = q / 3, round = q % 3;
        if (k[s] == 0)
            continue;
        uint64_t key = k[s];
        for (int sr = 0; sr < round; sr++)
            key = mixk(mixk(key, 40 + (uint64_t)sr), split_key(e, probe, sr));
        size_t i = lower_bound(e->entries, e->n_entries, key);
        size_t scanned = 0;
        for (; i < e->n_entries && e->entries[i].key == key; i++) {
            if (++scanned > e->opt.max_block)
                break;
            uint32_t c = e->entries[i].rec;
            bool seen = false;
            for (size_t x = 0; x < n; x++)
                seen = seen || out[x].index == c;
            if (seen)
                continue;
            struct hv_id_comparison cmp;
            hv_id_engine_compare(e, c, probe, &cmp);
            if (cmp.prob < min_prob)
                continue;
            if (n < max) {
                out[n++] = (struct hv_id_candidate){ c, cmp.prob };
            } else if (max > 0) {
                /* Replace the weakest when this one is better. */
                size_t worst = 0;
                for (size_t x = 1; x < n; x++) {
                    if (out[x].prob < out[worst].prob)
                        worst = x;
                }
                if (out[worst].prob < cmp.prob)
                    out[worst] = (struct hv_id_candidate){ c, cmp.prob };
            }
        }
    }
    e->n_recs--;
    qsort(out, n, sizeof(*out), by_cand);
    *n_out = n;
    return HV_OK;
}

void hv_id_engine_model(const struct hv_id_engine *e, struct hv_id_model *out)
{
    memcpy(out->m, e->m, sizeof(out->m));
    memcpy(out->u, e->u, sizeof(out->u));
    memcpy(out->u_household, e->u2, sizeof(out->u_household));
    out->lambda = e->lambda;
}

void hv_id_engine_set_model(struct hv_id_engine *e, const struct hv_id_model *m)
{
    memcpy(e->m, m->m, sizeof(e->m));
    memcpy(e->u, m->u, sizeof(e->u));
    memcpy(e->u2, m->u_household, sizeof(e->u2));
    e->lambda = m->lambda;
    hv__id_set_weights(e);
}

size_t hv_id_model_format(const struct hv_id_model *m, char *out, size_t cap)
{
    size_t n = 0;
    int k = snprintf(out, cap, "v1 %.9g", m->lambda);
    if (k < 0 || (size_t)k >= cap)
        return 0;
    n = (size_t)k;
    for (int t = 0; t < 3; t++) {
        for (int f = 0; f < HV_ID_N_FIELDS; f++) {
            for (int l = 0; l < HV_ID_MAX_LEVELS; l++) {
                double x = t == 0 ? m->m[f][l] : t == 1 ? m->u[f][l] : m->u_household[f][l];
                k = snprintf(out + n, cap - n, " %.9g", x);
                if (k < 0 || (size_t)k >= cap - n)
                    return 0;
                n += (size_t)k;
            }
        }
    }
    return n;
}

bool hv_id_model_parse(const char *z, struct hv_id_model *out)
{
    if (strncmp(z, "v1 ", 3) != 0)
        return false;
    char *end = NULL;
    const char *p = z + 3;
    double v[1 + 3 * HV_ID_N_FIELDS * HV_ID_MAX_LEVELS];
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        v[i] = strtod(p, &end);
        if (end == p || !(v[i] >= 0.0 && v[i] <= 1.0))
            return false;
        p = end;
    }
    while (*p == ' ')
        p++;
    if (*p != '\0')
        return false;
    out->lambda = v[0];
    size_t i = 1;
    for (int t = 0; t < 3; t++) {
        for (int f = 0; f < HV_ID_N_FIELDS; f++) {
            for (int l = 0; l < HV_ID_MAX_LEVELS; l++) {
                if (t == 0)
                    out->m[f][l] = v[i++];
                else if (t == 1)
                    out->u[f][l] = v[i++];
                else
                    out->u_household[f][l] = v[i++];
            }
        }
    }
    return true;
}

size_t hv_id_engine_record_keys(const struct hv_id_engine *e, uint32_t i,
                                uint64_t out[HV_ID_MAX_KEYS])
{
    if (i >= e->n_recs)
        return 0;
    uint64_t k[SL_COUNT];
    hv__id_record_keys(e, i, k);
    size_t n = 0;
    for (int s = 0; s < SL_COUNT && n < HV_ID_MAX_KEYS; s++) {
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup = dup || out[j] == k[s];
        if (k[s] != 0 && !dup)
            out[n++] = k[s];
    }
    return n;
}
