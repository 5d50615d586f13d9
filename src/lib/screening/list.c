/* list.c - the in-memory watchlist: list lifecycle, the entry builder every loader uses, content
 * hashes, and the text forms of birth dates and nationalities.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/vault.h"
#include "screening/screening_int.h"

#define LIST_ARENA_LIMIT ((size_t)1 << 30)

const char *hv_wl_source_name(enum hv_wl_source s)
{
    switch (s) {
    case HV_WL_UN:
        return "un";
    case HV_WL_OFAC:
        return "ofac";
    case HV_WL_CUSTOM:
        return "custom";
    }
    return "?";
}

bool hv_wl_source_parse(const char *z, enum hv_wl_source *out)
{
    static const enum hv_wl_source all[] = { HV_WL_UN, HV_WL_OFAC, HV_WL_CUSTOM };
    for (size_t i = 0; i < HV_ARRAY_LEN(all); i++) {
        if (z != NULL && strcmp(z, hv_wl_source_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

static const char *const kind_names[] = { "primary", "alias", "alias_low", "original" };

const char *hv_wl_name_kind_str(enum hv_wl_name_kind k)
{
    return (size_t)k < HV_ARRAY_LEN(kind_names) ? kind_names[k] : "?";
}

bool hv_wl_name_kind_parse(struct hv_str s, enum hv_wl_name_kind *out)
{
    for (size_t i = 0; i < HV_ARRAY_LEN(kind_names); i++) {
        if (hv_str_eqz(s, kind_names[i])) {
            *out = (enum hv_wl_name_kind)i;
            return true;
        }
    }
    return false;
}

struct hv_wl_list *hv_wl_list_create(const char *name, enum hv_wl_source source)
{
    struct hv_wl_list *l = hv_xcalloc(1, sizeof(*l));
    snprintf(l->name, sizeof(l->name), "%s", name != NULL ? name : hv_wl_source_name(source));
    l->source = source;
    hv_arena_init(&l->arena, LIST_ARENA_LIMIT);
    return l;
}

void hv_wl_list_destroy(struct hv_wl_list *l)
{
    if (l == NULL)
        return;
    free(l->entries);
    hv_arena_finish(&l->arena);
    free(l);
}

static void hash_str(struct hv_hash *h, const char *z)
{
    size_t n = z != NULL ? strlen(z) : 0;
    uint8_t len[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
    hv_hash_update(h, len, sizeof(len));
    if (n > 0)
        hv_hash_update(h, z, n);
}

void hv_wl_entry_rehash(struct hv_wl_entry *e)
{
    struct hv_hash h;
    hv_hash_init(&h);
    hash_str(&h, e->ref);
    hash_str(&h, e->list_type);
    uint8_t flags[2] = { e->individual ? 1 : 0, (uint8_t)e->sex };
    hv_hash_update(&h, flags, sizeof(flags));
    for (size_t i = 0; i < e->n_names; i++) {
        uint8_t k = (uint8_t)e->names[i].kind;
        hv_hash_update(&h, &k, 1);
        hash_str(&h, e->names[i].text);
    }
    for (size_t i = 0; i < e->n_dobs; i++) {
        char t[16];
        hv_pdate_format(&e->dobs[i], t);
        hash_str(&h, t);
    }
    for (size_t i = 0; i < e->n_nats; i++)
        hash_str(&h, e->nats[i]);
    hv_hash_final(&h, e->hash);
}

void hv__wl_hash_hex(const void *data, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t h[32];
    hv_hash(data, len, h);
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[64] = '\0';
}

void hv__wl_begin(struct hv__wl_builder *b, struct hv_wl_list *list)
{
    memset(b, 0, sizeof(*b));
    b->list = list;
    b->individual = true;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

const char *hv__wl_text(struct hv_wl_list *l, struct hv_str s)
{
    char *out = hv_arena_alloc(&l->arena, s.len + 1);
    size_t n = 0;
    bool space = false;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (is_space(c)) {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = false;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return out;
}

enum hv_err hv__wl_add_name(struct hv__wl_builder *b, enum hv_wl_name_kind kind, struct hv_str s)
{
    const char *t = hv__wl_text(b->list, s);
    if (t[0] == '\0')
        return HV_OK;
    for (size_t i = 0; i < b->n_names; i++) {
        if (strcmp(b->names[i].text, t) == 0)
            return HV_OK;
    }
    if (b->n_names >= HV_WL_MAX_NAMES)
        return HV_ERR_LIMIT;
    b->names[b->n_names].text = t;
    b->names[b->n_names].kind = kind;
    b->n_names++;
    return HV_OK;
}

enum hv_err hv__wl_add_dob(struct hv__wl_builder *b, const struct hv_pdate *d)
{
    if (d->precision == HV_PDATE_NONE)
        return HV_OK;
    for (size_t i = 0; i < b->n_dobs; i++) {
        if (memcmp(&b->dobs[i], d, sizeof(*d)) == 0)
            return HV_OK;
    }
    if (b->n_dobs >= HV_WL_MAX_DOBS)
        return HV_ERR_LIMIT;
    b->dobs[b->n_dobs++] = *d;
    return HV_OK;
}

enum hv_err hv__wl_add_nat(struct hv__wl_builder *b, struct hv_str s)
{
    char code[48];
    size_t n = hv_screen_country(s, code, sizeof(code));
    if (n == 0)
        return HV_OK;
    for (size_t i = 0; i < b->n_nats; i++) {
        if (strcmp(b->nats[i], code) == 0)
            return HV_OK;
    }
    if (b->n_nats >= HV_WL_MAX_NATS)
        return HV_ERR_LIMIT;
    b->nats[b->n_nats++] = hv__wl_text(b->list, (struct hv_str){ code, n });
    return HV_OK;
}

enum hv_err hv__wl_end(struct hv__wl_builder *b, struct hv_diag *diag)
{
    struct hv_wl_list *l = b->list;
    if (b->ref == NULL || b->ref[0] == '\0') {
        hv_diag_set(diag, "ref", "entry without a reference number");
        return HV_ERR_INVALID;
    }
    if (b->n_names == 0) {
        hv_diag_set(diag, "name", "entry %.60s has no name", b->ref);
        return HV_ERR_INVALID;
    }
    if (l->n_entries >= HV_WL_MAX_ENTRIES) {
        hv_diag_set(diag, NULL, "more than %d entries", HV_WL_MAX_ENTRIES);
        return HV_ERR_LIMIT;
    }
    if (l->n_entries == l->cap) {
        l->cap = l->cap == 0 ? 256 : l->cap * 2;
        l->entries = hv_xrealloc(l->entries, l->cap * sizeof(*l->entries));
    }
    struct hv_wl_entry *e = &l->entries[l->n_entries];
    memset(e, 0, sizeof(*e));
    e->ref = b->ref;
    e->list_type = b->list_type != NULL ? b->list_type : "";
    e->individual = b->individual;
    e->sex = b->sex;
    e->n_names = b->n_names;
    e->names = hv_arena_alloc_array(&l->arena, b->n_names, sizeof(*e->names));
    memcpy(e->names, b->names, b->n_names * sizeof(*e->names));
    e->n_dobs = b->n_dobs;
    if (b->n_dobs > 0) {
        e->dobs = hv_arena_alloc_array(&l->arena, b->n_dobs, sizeof(*e->dobs));
        memcpy(e->dobs, b->dobs, b->n_dobs * sizeof(*e->dobs));
    }
    e->n_nats = b->n_nats;
    if (b->n_nats > 0) {
        e->nats = hv_arena_alloc_array(&l->arena, b->n_nats, sizeof(*e->nats));
        memcpy(e->nats, b->nats, b->n_nats * sizeof(*e->nats));
    }
    hv_wl_entry_rehash(e);
    l->n_entries++;
    struct hv_wl_list *keep = b->list;
    hv__wl_begin(b, keep);
    return HV_OK;
}

enum hv_err hv__wl_read_file(const char *path, size_t max, char **data, size_t *len,
                             struct hv_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = hv_xmalloc(cap + 1);
    enum hv_err err = HV_OK;
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                hv_diag_at(diag, path, 0);
                hv_diag_set(diag, NULL, "file larger than %zu bytes", max);
                err = HV_ERR_LIMIT;
                break;
            }
            cap *= 2;
            buf = hv_xrealloc(buf, cap + 1);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                hv_diag_at(diag, path, 0);
                hv_diag_set(diag, NULL, "read error");
                err = HV_ERR_IO;
            }
            break;
        }
    }
    fclose(f);
    if (err != HV_OK) {
        free(buf);
        return err;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return HV_OK;
}

const char *hv__wl_dobs_text(struct hv_arena *a, const struct hv_wl_entry *e)
{
    char *out = hv_arena_alloc(a, e->n_dobs * 17 + 1);
    size_t n = 0;
    for (size_t i = 0; i < e->n_dobs; i++) {
        char t[16];
        hv_pdate_format(&e->dobs[i], t);
        if (i > 0)
            out[n++] = ';';
        size_t tl = strlen(t);
        memcpy(out + n, t, tl);
        n += tl;
    }
    out[n] = '\0';
    return out;
}

const char *hv__wl_nats_text(struct hv_arena *a, const struct hv_wl_entry *e)
{
    size_t total = 1;
    for (size_t i = 0; i < e->n_nats; i++)
        total += strlen(e->nats[i]) + 1;
    char *out = hv_arena_alloc(a, total);
    size_t n = 0;
    for (size_t i = 0; i < e->n_nats; i++) {
        if (i > 0)
            out[n++] = ';';
        size_t tl = strlen(e->nats[i]);
        memcpy(out + n, e->nats[i], tl);
        n += tl;
    }
    out[n] = '\0';
    return out;
}

enum hv_err hv__wl_parse_dobs(struct hv__wl_builder *b, struct hv_str s)
{
    size_t i = 0;
    while (i < s.len) {
        size_t j = i;
        while (j < s.len && s.ptr[j] != ';')
            j++;
        struct hv_pdate d;
        const char *why = NULL;
        if (j > i) {
            if (!hv_pdate_parse(s.ptr + i, j - i, &d, &why))
                return HV_ERR_INVALID;
            enum hv_err err = hv__wl_add_dob(b, &d);
            if (err != HV_OK)
                return err;
        }
        i = j + 1;
    }
    return HV_OK;
}

enum hv_err hv__wl_parse_nats(struct hv__wl_builder *b, struct hv_str s)
{
    size_t i = 0;
    while (i < s.len) {
        size_t j = i;
        while (j < s.len && s.ptr[j] != ';')
            j++;
        if (j > i) {
            enum hv_err err = hv__wl_add_nat(b, (struct hv_str){ s.ptr + i, j - i });
            if (err != HV_OK)
                return err;
        }
        i = j + 1;
    }
    return HV_OK;
}
