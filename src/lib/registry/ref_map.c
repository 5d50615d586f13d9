/* ref_map.c - see ref_map.h. Linear probing, grown at half full.
 * SPDX-License-Identifier: Apache-2.0 */
#include "registry/ref_map.h"

#include <stdlib.h>

uint64_t hv__ref_key(enum hv_kind_id kind, struct hv_str ref)
{
    /* FNV-1a, then a final mix: refs differ mostly in their last digits. */
    uint64_t h = 0xcbf29ce484222325ull ^ ((uint64_t)kind << 56);
    for (size_t i = 0; i < ref.len; i++) {
        h ^= (unsigned char)ref.ptr[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? h : 1;
}

static void grow(struct hv__ref_map *m)
{
    struct hv__ref_map bigger = { 0 };
    bigger.cap = m->cap ? m->cap * 2 : 4096;
    bigger.keys = hv_xcalloc(bigger.cap, sizeof(*bigger.keys));
    bigger.ids = hv_xcalloc(bigger.cap, sizeof(*bigger.ids));
    bigger.lines = hv_xcalloc(bigger.cap, sizeof(*bigger.lines));
    bigger.files = hv_xcalloc(bigger.cap, sizeof(*bigger.files));
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] != 0)
            hv__ref_map_put(&bigger, m->keys[i], m->ids[i], m->files[i], m->lines[i]);
    }
    hv__ref_map_finish(m);
    *m = bigger;
}

bool hv__ref_map_get(const struct hv__ref_map *m, uint64_t key, int64_t *id, const char **file,
                     uint64_t *line)
{
    if (m->cap == 0)
        return false;
    size_t j = (size_t)key & (m->cap - 1);
    while (m->keys[j] != 0) {
        if (m->keys[j] == key) {
            if (id != NULL)
                *id = m->ids[j];
            if (file != NULL)
                *file = m->files[j];
            if (line != NULL)
                *line = m->lines[j];
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return false;
}

void hv__ref_map_put(struct hv__ref_map *m, uint64_t key, int64_t id, const char *file,
                     uint64_t line)
{
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    size_t j = (size_t)key & (m->cap - 1);
    while (m->keys[j] != 0 && m->keys[j] != key)
        j = (j + 1) & (m->cap - 1);
    if (m->keys[j] == 0)
        m->n++;
    m->keys[j] = key;
    m->ids[j] = id;
    m->files[j] = file;
    m->lines[j] = line;
}

void hv__ref_map_finish(struct hv__ref_map *m)
{
    free(m->keys);
    free(m->ids);
    free(m->lines);
    free(m->files);
    m->keys = NULL;
    m->ids = NULL;
    m->lines = NULL;
    m->files = NULL;
    m->cap = m->n = 0;
}
