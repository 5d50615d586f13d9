/* name_index.h - the person name index as posting lists over blind token values (see the
 * person_name_bi table in migrations/sqlite/0001_init.sql).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_NAME_INDEX_H
#define HV_NAME_INDEX_H

#include "haven/arena.h"
#include "haven/ctx.h"
#include "haven/err.h"

struct hv__name_pair {
    int64_t bi;
    int64_t person_id;
};

/* Adds or removes one (token, person) entry (read-modify-write of one block). */
HV_MUST_CHECK enum hv_err hv__name_index_add(struct hv_ctx *ctx, int64_t bi, int64_t person_id);
HV_MUST_CHECK enum hv_err hv__name_index_remove(struct hv_ctx *ctx, int64_t bi, int64_t person_id);
/* Adds many entries; pairs are sorted in place. */
HV_MUST_CHECK enum hv_err hv__name_index_add_many(struct hv_ctx *ctx, struct hv__name_pair *pairs,
                                                  size_t n);
/* Every person id with token bi, ascending, in the arena. */
HV_MUST_CHECK enum hv_err hv__name_index_lookup(struct hv_ctx *ctx, struct hv_arena *a, int64_t bi,
                                                int64_t **ids, size_t *n);

#endif
