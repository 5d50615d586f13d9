/* arena.c - a chunked bump allocator with a hard cap, a sticky failure flag and deferred
 * cleanups (see docs/internals/ARENA.md).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* Every allocation is rounded up to, and aligned on, this many bytes. */
#define ALIGN alignof(max_align_t)
/* The first chunk holds this many usable bytes; later chunks double up to CHUNK_MAX. */
#define CHUNK_MIN ((size_t)4096)
#define CHUNK_MAX ((size_t)1 << 20)

struct hv_arena_chunk {
    struct hv_arena_chunk *next;
    size_t size; /* usable bytes after the header */
    size_t pos;  /* bytes of the usable area handed out */
    /* The header is padded to ALIGN, so data() is max-aligned. */
};

struct hv_arena_defer_entry {
    struct hv_arena_defer_entry *next; /* registered earlier */
    void (*fn)(void *);
    void *ctx;
};

static size_t header_size(void)
{
    return (sizeof(struct hv_arena_chunk) + ALIGN - 1) / ALIGN * ALIGN;
}

static unsigned char *chunk_data(struct hv_arena_chunk *c)
{
    return (unsigned char *)c + header_size();
}

void hv_arena_init(struct hv_arena *a, size_t limit)
{
    memset(a, 0, sizeof(*a));
    a->limit = limit;
}

static void run_defers(struct hv_arena *a)
{
    /* A cleanup may register another one; keep popping until the list is empty. */
    while (a->defers != NULL) {
        struct hv_arena_defer_entry *e = a->defers;
        a->defers = e->next;
        e->fn(e->ctx);
        free(e);
    }
}

void hv_arena_finish(struct hv_arena *a)
{
    if (a == NULL)
        return;
    run_defers(a);
    struct hv_arena_chunk *c = a->head;
    while (c != NULL) {
        struct hv_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
    a->failed = false;
}

void hv_arena_reset(struct hv_arena *a)
{
    size_t limit = a->limit;
    hv_arena_finish(a);
    hv_arena_init(a, limit);
}

static struct hv_arena_chunk *new_chunk(size_t size)
{
    struct hv_arena_chunk *c = hv_xmalloc(header_size() + size);
    c->next = NULL;
    c->size = size;
    c->pos = 0;
    return c;
}

void *hv_arena_alloc(struct hv_arena *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ALIGN - header_size()) {
        a->failed = true;
        return NULL;
    }
    size_t rounded = (size + ALIGN - 1) / ALIGN * ALIGN;
    if (a->limit != 0 && (rounded > a->limit || a->used > a->limit - rounded)) {
        a->failed = true;
        return NULL;
    }

    struct hv_arena_chunk *c = a->head;
    if (c == NULL || c->size - c->pos < rounded) {
        size_t next_size = c == NULL ? CHUNK_MIN : c->size * 2;
        if (next_size > CHUNK_MAX)
            next_size = CHUNK_MAX;
        if (rounded > next_size / 4 && c != NULL) {
            /* A large block gets a chunk of its own behind the head, so the free space left
             * in the head chunk stays usable for later small allocations. */
            struct hv_arena_chunk *big = new_chunk(rounded);
            big->next = c->next;
            c->next = big;
            c = big;
        } else {
            if (next_size < rounded)
                next_size = rounded;
            struct hv_arena_chunk *fresh = new_chunk(next_size);
            fresh->next = a->head;
            a->head = fresh;
            c = fresh;
        }
    }
    void *p = chunk_data(c) + c->pos;
    c->pos += rounded;
    a->used += rounded;
    memset(p, 0, size);
    return p;
}

void *hv_arena_alloc_array(struct hv_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        a->failed = true;
        return NULL;
    }
    return hv_arena_alloc(a, n * size);
}

bool hv_arena_failed(const struct hv_arena *a)
{
    return a->failed;
}

void hv_arena_defer(struct hv_arena *a, void (*fn)(void *), void *ctx)
{
    /* Entries come from the heap, not the arena, so a cleanup is never lost to the limit. */
    struct hv_arena_defer_entry *e = hv_xmalloc(sizeof(*e));
    e->fn = fn;
    e->ctx = ctx;
    e->next = a->defers;
    a->defers = e;
}
