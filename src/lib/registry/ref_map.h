/* ref_map.h - an open-addressing map from a 64-bit hash of (kind, ref) to a database id, for
 * the records one import has already written: their parents resolve without a query, and a
 * ref met twice is caught.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_REF_MAP_H
#define HV_REF_MAP_H

#include "haven/registry.h"

struct hv__ref_map {
    uint64_t *keys; /* 0 = empty slot */
    int64_t *ids;
    uint64_t *lines; /* where the ref was first met */
    const char **files;
    size_t cap, n;
};

uint64_t hv__ref_key(enum hv_kind_id kind, struct hv_str ref);
/* Slot of key, or NULL. */
bool hv__ref_map_get(const struct hv__ref_map *m, uint64_t key, int64_t *id, const char **file,
                     uint64_t *line);
/* Inserts or overwrites. */
void hv__ref_map_put(struct hv__ref_map *m, uint64_t key, int64_t id, const char *file,
                     uint64_t line);
void hv__ref_map_finish(struct hv__ref_map *m);

#endif
