/* cluster.c - pairs above the merge threshold joined into identities, best first, by
 * union-find, with a guard against chaining: two groups are only joined when no record of one
 * scores below the chain floor against a record of the other, and never beyond max_cluster.
 * SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity_int.h"

#include <stdlib.h>

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static int by_prob_desc(const void *x, const void *y)
{
    const struct hv_id_pair *a = *(const struct hv_id_pair *const *)x;
    const struct hv_id_pair *b = *(const struct hv_id_pair *const *)y;
    if (a->prob != b->prob)
        return a->prob < b->prob ? 1 : -1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : (a->b > b->b);
}

/* True when every cross pair of the two groups is compatible. */
static bool compatible(struct hv_id_engine *e, const uint32_t *next, uint32_t ra, uint32_t rb)
{
    for (uint32_t x = ra; x != HV__ID_NONE; x = next[x]) {
        for (uint32_t y = rb; y != HV__ID_NONE; y = next[y]) {
            int8_t lv[HV_ID_N_FIELDS];
            hv__id_gamma(e, &e->main_scratch, x, y, lv, NULL);
            double p = hv__id_prob(hv__id_weight(e, x, y, lv, NULL, NULL));
            if (p < e->opt.chain_floor)
                return false;
        }
    }
    return true;
}

void hv__id_cluster(struct hv_id_engine *e)
{
    size_t n = e->n_recs;
    free(e->parent);
    e->parent = hv_xmalloc((n > 0 ? n : 1) * sizeof(*e->parent));
    uint32_t *size = hv_xmalloc((n > 0 ? n : 1) * sizeof(*size));
    uint32_t *next = hv_xmalloc((n > 0 ? n : 1) * sizeof(*next)); /* member list per root */
    uint32_t *tail = hv_xmalloc((n > 0 ? n : 1) * sizeof(*tail));
    for (size_t i = 0; i < n; i++) {
        e->parent[i] = (uint32_t)i;
        size[i] = 1;
        next[i] = HV__ID_NONE;
        tail[i] = (uint32_t)i;
    }
    size_t n_edges = 0;
    for (size_t i = 0; i < e->n_pairs; i++)
        n_edges += e->pairs[i].prob >= e->opt.merge_threshold;
    const struct hv_id_pair **edges = hv_xmalloc((n_edges > 0 ? n_edges : 1) * sizeof(*edges));
    n_edges = 0;
    for (size_t i = 0; i < e->n_pairs; i++) {
        if (e->pairs[i].prob >= e->opt.merge_threshold)
            edges[n_edges++] = &e->pairs[i];
    }
    qsort(edges, n_edges, sizeof(*edges), by_prob_desc);
    for (size_t i = 0; i < n_edges; i++) {
        uint32_t ra = find(e->parent, edges[i]->a), rb = find(e->parent, edges[i]->b);
        if (ra == rb)
            continue;
        if (size[ra] + size[rb] > e->opt.max_cluster ||
            ((size[ra] > 1 || size[rb] > 1) && !compatible(e, next, ra, rb))) {
            e->stats.chain_refusals++;
            continue;
        }
        /* The smaller index becomes the root so a cluster is named by its first record. */
        if (rb < ra) {
            uint32_t t = ra;
            ra = rb;
            rb = t;
        }
        e->parent[rb] = ra;
        size[ra] += size[rb];
        next[tail[ra]] = rb;
        tail[ra] = tail[rb];
    }
    e->stats.clusters = 0;
    for (size_t i = 0; i < n; i++) {
        e->parent[i] = find(e->parent, (uint32_t)i);
        if (e->parent[i] == i && size[i] > 1)
            e->stats.clusters++;
    }
    free(edges);
    free(size);
    free(next);
    free(tail);
}
