/* arena.h - bump allocator with a hard cap and a sticky failure flag (per request or job).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_ARENA_H
#define HV_ARENA_H

#include "haven/common.h"

struct hv_arena_chunk;
struct hv_arena_defer_entry;

struct hv_arena {
    struct hv_arena_chunk *head;         /* newest chunk first */
    struct hv_arena_defer_entry *defers; /* run in reverse order by finish/reset */
    size_t limit;                        /* hard cap on bytes handed out, 0 = unlimited */
    size_t used;                         /* bytes handed out so far */
    bool failed;                         /* sticky: an allocation hit the limit */
};

void hv_arena_init(struct hv_arena *a, size_t limit);
/* Frees every chunk and runs deferred cleanups; safe on a zeroed arena. */
void hv_arena_finish(struct hv_arena *a);
/* Like finish, but keeps the arena usable with the same limit. */
void hv_arena_reset(struct hv_arena *a);
/* Max-aligned, zeroed memory; NULL (and the sticky flag set) when the limit is hit. */
void *hv_arena_alloc(struct hv_arena *a, size_t size);
/* n * size with an overflow check; NULL on overflow or limit. */
void *hv_arena_alloc_array(struct hv_arena *a, size_t n, size_t size);
bool hv_arena_failed(const struct hv_arena *a);
/* Runs fn(ctx) when the arena is finished or reset, before any earlier-registered ones. */
void hv_arena_defer(struct hv_arena *a, void (*fn)(void *), void *ctx);

#endif
