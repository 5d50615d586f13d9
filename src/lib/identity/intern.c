/* intern.c - the identity engine's storage: hash maps, interned parsed names (each unique
 * string parsed once, stored compactly) and interned strings, and adding records.
 * SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity_int.h"

#include <stdlib.h>
#include <string.h>

uint64_t hv__id_hash(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ull ^ (seed * 0x9e3779b97f4a7c15ull);
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h == 0 ? 1 : h;
}

void hv__id_map_init(struct hv__id_map *m)
{
    memset(m, 0, sizeof(*m));
}

void hv__id_map_finish(struct hv__id_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

static void map_grow(struct hv__id_map *m)
{
    size_t cap = m->cap == 0 ? 1024 : m->cap * 2;
    uint64_t *keys = hv_xcalloc(cap, sizeof(*keys));
    uint32_t *vals = hv_xcalloc(cap, sizeof(*vals));
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == 0)
            continue;
        size_t j = (size_t)m->keys[i] & (cap - 1);
        while (keys[j] != 0)
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
}

uint32_t hv__id_map_put(struct hv__id_map *m, uint64_t key, uint32_t val, bool *found)
{
    if (key == 0)
        key = 1;
    if ((m->n + 1) * 2 > m->cap)
        map_grow(m);
    size_t j = (size_t)key & (m->cap - 1);
    while (m->keys[j] != 0) {
        if (m->keys[j] == key) {
            *found = true;
            return m->vals[j];
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->vals[j] = val;
    m->n++;
    *found = false;
    return val;
}

bool hv__id_map_get(const struct hv__id_map *m, uint64_t key, uint32_t *val)
{
    if (key == 0)
        key = 1;
    if (m->cap == 0)
        return false;
    size_t j = (size_t)key & (m->cap - 1);
    while (m->keys[j] != 0) {
        if (m->keys[j] == key) {
            *val = m->vals[j];
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return false;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ull;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dull;
    x ^= x >> 33;
    return x;
}

static void pool_append(char **pool, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap == 0 ? 65536 : *cap;
        while (*len + n > c)
            c *= 2;
        *pool = hv_xrealloc(*pool, c);
        *cap = c;
    }
    memcpy(*pool + *len, p, n);
    *len += n;
}

void hv__id_name_load(const struct hv_id_engine *e, uint32_t id, struct hv_name *out)
{
    const struct hv__id_name *n = &e->nm[id];
    const char *p = e->nm_pool + n->pool_off;
    size_t parts = (size_t)n->n_parts * sizeof(out->parts[0]);
    memcpy(out->parts, p, parts);
    memcpy(out->text, p + parts, n->text_len);
    out->n_parts = n->n_parts;
    out->n_tokens = n->n_tokens;
    out->text_len = n->text_len;
}

/* Interns one name string, parsing it the first time; HV__ID_NONE when empty or unparsable. */
static uint32_t intern_name(struct hv_id_engine *e, const char *s, bool *limit)
{
    if (s == NULL || *s == '\0')
        return HV__ID_NONE;
    size_t len = strlen(s);
    uint64_t h = hv__id_hash(s, len, 7);
    uint32_t id;
    if (hv__id_map_get(&e->nm_map, h, &id))
        return id;
    struct hv_name *name = &e->main_scratch.a;
    id = HV__ID_NONE;
    if (hv_names_parse(e->names, (struct hv_str){ s, len }, name) != HV_OK) {
        *limit = true;
    } else if (name->n_parts > 0) {
        if (e->n_nm == e->cap_nm) {
            e->cap_nm = e->cap_nm == 0 ? 4096 : e->cap_nm * 2;
            e->nm = hv_xrealloc(e->nm, e->cap_nm * sizeof(*e->nm));
        }
        struct hv__id_name *n = &e->nm[e->n_nm];
        memset(n, 0, sizeof(*n));
        n->pool_off = e->nm_pool_len;
        n->n_parts = (uint16_t)name->n_parts;
        n->n_tokens = (uint16_t)name->n_tokens;
        n->text_len = (uint16_t)name->text_len;
        pool_append(&e->nm_pool, &e->nm_pool_len, &e->nm_pool_cap, name->parts,
                    name->n_parts * sizeof(name->parts[0]));
        pool_append(&e->nm_pool, &e->nm_pool_len, &e->nm_pool_cap, name->text, name->text_len);
        char skel[256];
        size_t sl = hv_names_skeleton_key(name, skel, sizeof(skel));
        n->skel_hash = sl > 0 ? hv__id_hash(skel, sl, 11) : 0;
        uint64_t sorted = 0, keys = 0;
        for (size_t i = 0; i < name->n_parts; i++) {
            const struct hv_name_part *p = &name->parts[i];
            if ((p->flags & HV_NAME_PART_OPTIONAL) != 0 && name->n_parts > 1)
                continue;
            n->n_real++;
            if (p->skel_len > 0) {
                sorted += mix(p->skel_hash);
                if (n->first_skel == 0)
                    n->first_skel = mix(p->skel_hash) | 1;
            }
            keys += mix(p->key_hash);
        }
        n->skel_sorted = sorted == 0 ? 0 : (sorted | 1);
        bool found;
        uint32_t cls = hv__id_map_put(&e->tf_map, keys | 1, (uint32_t)e->n_tf, &found);
        if (!found) {
            if (e->n_tf == e->cap_tf) {
                e->cap_tf = e->cap_tf == 0 ? 4096 : e->cap_tf * 2;
                e->tf_count = hv_xrealloc(e->tf_count, e->cap_tf * sizeof(*e->tf_count));
            }
            e->tf_count[e->n_tf++] = 0;
        }
        n->tf_class = cls;
        id = (uint32_t)e->n_nm++;
    }
    bool found;
    (void)hv__id_map_put(&e->nm_map, h, id, &found);
    return id;
}

static uint32_t intern_str(struct hv_id_engine *e, const char *s, size_t len, uint64_t seed)
{
    if (len == 0)
        return HV__ID_NONE;
    uint64_t h = hv__id_hash(s, len, seed);
    bool found;
    uint32_t id = hv__id_map_put(&e->str_map, h, (uint32_t)e->n_str, &found);
    if (found)
        return id;
    if (e->n_str == e->cap_str) {
        e->cap_str = e->cap_str == 0 ? 4096 : e->cap_str * 2;
        e->str = hv_xrealloc(e->str, e->cap_str * sizeof(*e->str));
    }
    e->str[e->n_str].off = e->str_pool_len;
    e->str[e->n_str].len = (uint32_t)len;
    pool_append(&e->str_pool, &e->str_pool_len, &e->str_pool_cap, s, len);
    e->n_str++;
    return id;
}

static size_t trimmed_copy(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    if (s == NULL)
        return 0;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    n = len < cap - 1 ? len : cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
    return n;
}

enum hv_err hv_id_engine_add(struct hv_id_engine *e, const struct hv_id_record *r, uint32_t *index)
{
    if (e->ran)
        return HV_ERR_INVALID;
    if (e->n_recs >= (size_t)INT32_MAX)
        return HV_ERR_LIMIT;
    if (e->n_recs == e->cap_recs) {
        e->cap_recs = e->cap_recs == 0 ? 1024 : e->cap_recs * 2;
        e->recs = hv_xrealloc(e->recs, e->cap_recs * sizeof(*e->recs));
    }
    struct hv__id_rec *rec = &e->recs[e->n_recs];
    memset(rec, 0, sizeof(*rec));
    rec->id = r->id;
    rec->source = r->source;
    rec->group = r->group;
    rec->relation = hv__id_relation_code(r->relation);
    rec->birth = r->birth;
    rec->sex = r->sex;
    bool limit = false;
    char full[2 * HV_NAMES_MAX_INPUT + 2];
    const char *given = r->given != NULL ? r->given : "";
    const char *family = r->family != NULL ? r->family : "";
    size_t gl = strlen(given), fl = strlen(family);
    if (gl + fl + 2 <= sizeof(full)) {
        memcpy(full, given, gl);
        full[gl] = ' ';
        memcpy(full + gl + 1, family, fl + 1);
    } else {
        full[0] = '\0';
        limit = true;
    }
    rec->name[NM_NAME] = intern_name(e, full, &limit);
    rec->name[NM_FATHER] = intern_name(e, r->father, &limit);
    rec->name[NM_GRAND] = intern_name(e, r->grandfather, &limit);
    rec->name[NM_NATIVE] = intern_name(e, r->native, &limit);
    rec->name[NM_GIVEN] = intern_name(e, r->given, &limit);
    rec->name[NM_FAMILY] = intern_name(e, r->family, &limit);
    for (int f = NM_NAME; f <= NM_NATIVE; f++) {
        if (rec->name[f] != HV__ID_NONE)
            e->tf_count[e->nm[rec->name[f]].tf_class]++;
    }
    char buf[256];
    for (size_t i = 0; i < HV_ID_MAX_DOCS; i++) {
        size_t n = hv__id_norm_doc(r->docs[i], buf, sizeof(buf));
        rec->docs[i] = intern_str(e, buf, n, 1);
    }
    size_t pn = hv__id_norm_phone(r->phone, buf, sizeof(buf));
    rec->phone = intern_str(e, buf, pn, 2);
    for (size_t i = 0; i < HV_ID_MAX_EXTRA; i++) {
        size_t n = trimmed_copy(r->extra[i], buf, sizeof(buf));
        rec->extra[i] = intern_str(e, buf, n, 3 + i);
    }
    if (index != NULL)
        *index = (uint32_t)e->n_recs;
    e->n_recs++;
    return limit ? HV_ERR_LIMIT : HV_OK;
}

size_t hv_id_engine_n_records(const struct hv_id_engine *e)
{
    return e->n_recs;
}

int64_t hv_id_engine_record_id(const struct hv_id_engine *e, uint32_t i)
{
    return i < e->n_recs ? e->recs[i].id : 0;
}
