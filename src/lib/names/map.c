/* map.c - the names engine's read-mostly string map: open addressing over FNV-1a hashes with
 * keys and values in one pool. Filled at start-up, then only read (thread-safe reads).
 * SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <stdlib.h>
#include <string.h>

uint64_t hv__names_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h == 0 ? 1 : h;
}

void hv__names_map_finish(struct hv__names_map *m)
{
    free(m->slots);
    free(m->pool);
    memset(m, 0, sizeof(*m));
}

static uint32_t pool_add(struct hv__names_map *m, struct hv_str s)
{
    if (m->pool_len + s.len + 1 > m->pool_cap) {
        size_t cap = m->pool_cap == 0 ? 4096 : m->pool_cap;
        while (m->pool_len + s.len + 1 > cap)
            cap *= 2;
        m->pool = hv_xrealloc(m->pool, cap);
        m->pool_cap = cap;
    }
    uint32_t off = (uint32_t)m->pool_len;
    if (s.len > 0)
        memcpy(m->pool + off, s.ptr, s.len);
    m->pool[off + s.len] = '\0';
    m->pool_len += s.len + 1;
    return off;
}

static struct hv__names_map_slot *find(const struct hv__names_map *m, struct hv_str key, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct hv__names_map_slot *s = &m->slots[i];
        if (s->hash == 0)
            return s;
        if (s->hash == h && s->key_len == key.len &&
            memcmp(m->pool + s->key_off, key.ptr, key.len) == 0)
            return s;
    }
}

static void grow(struct hv__names_map *m)
{
    size_t cap = m->cap == 0 ? 64 : m->cap * 2;
    struct hv__names_map_slot *old = m->slots;
    size_t old_cap = m->cap;
    m->slots = hv_xcalloc(cap, sizeof(*m->slots));
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].hash == 0)
            continue;
        size_t mask = cap - 1;
        size_t j = (size_t)old[i].hash & mask;
        while (m->slots[j].hash != 0)
            j = (j + 1) & mask;
        m->slots[j] = old[i];
    }
    free(old);
}

struct hv__names_map_slot *hv__names_map_put(struct hv__names_map *m, struct hv_str key,
                                             struct hv_str val, double num, bool replace)
{
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    uint64_t h = hv__names_hash(key.ptr, key.len);
    struct hv__names_map_slot *s = find(m, key, h);
    if (s->hash != 0) {
        if (replace) {
            s->val_off = pool_add(m, val);
            s->val_len = (uint32_t)val.len;
            s->num = num;
        }
        return s;
    }
    s->hash = h;
    s->key_off = pool_add(m, key);
    s->key_len = (uint32_t)key.len;
    s->val_off = pool_add(m, val);
    s->val_len = (uint32_t)val.len;
    s->num = num;
    m->n++;
    return s;
}

const struct hv__names_map_slot *hv__names_map_get(const struct hv__names_map *m, struct hv_str key)
{
    if (m->cap == 0)
        return NULL;
    const struct hv__names_map_slot *s = find(m, key, hv__names_hash(key.ptr, key.len));
    return s->hash == 0 ? NULL : s;
}

struct hv_str hv__names_map_val(const struct hv__names_map *m, const struct hv__names_map_slot *s)
{
    return (struct hv_str){ m->pool + s->val_off, s->val_len };
}
