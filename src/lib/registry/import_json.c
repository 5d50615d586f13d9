/* import_json.c - reads a registry JSON document (docs/formats.md) into records: the only
 * registry file that touches jansson. Errors name the path of the field, e.g.
 * cases[0].people[1].birth_date, since jansson does not keep line numbers of values.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "haven/buf.h"
#include "registry/import_int.h"

struct walk {
    struct hv__import *im;
    const char *file;
    struct hv_diag *diag;
    struct hv_arena arena; /* scratch for converted values of one object */
};

/* out = a "." b, cut short (on a byte boundary of ASCII paths) when it does not fit. */
static void join_path(char *out, size_t cap, const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > cap - 1)
        na = cap - 1;
    memcpy(out, a, na);
    size_t used = na;
    if (used < cap - 1)
        out[used++] = '.';
    if (nb > cap - 1 - used)
        nb = cap - 1 - used;
    memcpy(out + used, b, nb);
    out[used + nb] = '\0';
}

static enum hv_err fail(struct walk *w, const char *path, const char *reason)
{
    hv_diag_at(w->diag, w->file, 0);
    hv_diag_set(w->diag, path, "%s", reason);
    return HV_ERR_INVALID;
}

/* Converts one JSON value to the field's canonical input text. */
static enum hv_err value_text(struct walk *w, const struct hv_field_def *f, json_t *v,
                              const char *path, struct hv_str *out)
{
    char tmp[64];
    if (json_is_null(v)) {
        *out = HV_STR_NULL;
        return HV_OK;
    }
    if (json_is_string(v)) {
        *out = (struct hv_str){ json_string_value(v), json_string_length(v) };
        if (memchr(out->ptr, '\0', out->len) != NULL)
            return fail(w, path, "contains a NUL character");
        return HV_OK;
    }
    if (json_is_integer(v) &&
        (f->type == HV_FT_INT || f->type == HV_FT_REAL || f->type == HV_FT_PDATE)) {
        snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v) && f->type == HV_FT_REAL) {
        snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));
    } else if (json_is_array(v) && f->type == HV_FT_LIST) {
        struct hv_buf b;
        hv_buf_init(&b, 4096);
        size_t i;
        json_t *item;
        enum hv_err err = HV_OK;
        json_array_foreach(v, i, item)
        {
            if (!json_is_string(item)) {
                hv_buf_finish(&b);
                return fail(w, path, "list items must be strings");
            }
            if (i > 0)
                err = hv_buf_putc(&b, ';');
            if (err == HV_OK)
                err = hv_buf_append(&b, json_string_value(item), json_string_length(item));
            if (err != HV_OK)
                break;
        }
        if (err == HV_OK) {
            char *z = hv_str_dupz(&w->arena, hv_buf_str(&b));
            err = z ? HV_OK : HV_ERR_LIMIT;
            if (z)
                *out = (struct hv_str){ z, b.len };
        }
        hv_buf_finish(&b);
        if (err != HV_OK)
            return fail(w, path, "list too long");
        return HV_OK;
    } else {
        return fail(w, path,
                    f->type == HV_FT_LIST   ? "has the wrong type (expected an array of strings)"
                    : f->type == HV_FT_INT  ? "has the wrong type (expected an integer)"
                    : f->type == HV_FT_REAL ? "has the wrong type (expected a number)"
                                            : "has the wrong type (expected a string)");
    }
    char *z = hv_str_dupz(&w->arena, hv_str_c(tmp));
    if (z == NULL)
        return HV_ERR_LIMIT;
    *out = hv_str_c(z);
    return HV_OK;
}

static enum hv_err walk_array(struct walk *w, json_t *arr, const struct hv_kind_def *k,
                              struct hv_str parent_ref, const char *path);

/* One object of kind k; children (people, documents ...) are walked after it is stored. */
static enum hv_err walk_object(struct walk *w, json_t *obj, const struct hv_kind_def *k,
                               struct hv_str parent_ref, const char *path)
{
    char fpath[160];
    if (!json_is_object(obj))
        return fail(w, path, "must be an object");
    struct hv_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.kind = k;
    const char *key;
    json_t *val;
    json_t *children[HV_N_KINDS] = { NULL };
    enum hv_err err = HV_OK;
    hv_arena_reset(&w->arena);
    json_object_foreach(obj, key, val)
    {
        join_path(fpath, sizeof(fpath), path, key);
        const struct hv_kind_def *child = hv_kind_by_name(hv_str_c(key));
        if (child != NULL && child->parent_field >= 0 && child->parent == k->id &&
            strcmp(key, child->plural) == 0) {
            if (!json_is_array(val))
                return fail(w, fpath, "must be an array");
            children[child->id] = val;
            continue;
        }
        int fi = hv_kind_field(k, hv_str_c(key));
        if (fi < 0 || fi == k->parent_field)
            return fail(w, fpath, "unknown field");
        err = value_text(w, &k->fields[fi], val, fpath, &rec.values[fi]);
        if (err != HV_OK)
            return err;
    }
    if (k->parent_field >= 0)
        rec.values[k->parent_field] = parent_ref;
    /* Children reset the scratch arena: keep this record's ref on the stack. */
    char ref_copy[128];
    if (rec.values[0].len >= sizeof(ref_copy))
        return fail(w, path, "ref is too long");
    memcpy(ref_copy, rec.values[0].ptr, rec.values[0].len);
    ref_copy[rec.values[0].len] = '\0';
    char *raw = json_dumps(obj, JSON_COMPACT);
    struct hv_diag local;
    hv_diag_clear(&local);
    uint64_t rejected_before = w->im->n_rejected;
    err = hv__import_record(w->im, &rec, w->file, 0, hv_str_c(raw), &local);
    free(raw);
    if (err != HV_OK) {
        if (w->diag != NULL) {
            *w->diag = local;
            join_path(w->diag->field, sizeof(w->diag->field), path, local.field);
        }
        return err;
    }
    if (w->im->n_rejected != rejected_before)
        return HV_OK; /* children of a refused record are refused with it by the parent check */
    for (int c = 0; c < HV_N_KINDS && err == HV_OK; c++) {
        if (children[c] == NULL)
            continue;
        join_path(fpath, sizeof(fpath), path, hv_kind(c)->plural);
        err = walk_array(w, children[c], hv_kind(c), hv_str_c(ref_copy), fpath);
    }
    return err;
}

static enum hv_err walk_array(struct walk *w, json_t *arr, const struct hv_kind_def *k,
                              struct hv_str parent_ref, const char *path)
{
    size_t i;
    json_t *item;
    /* Children reuse the scratch arena, so keep the parent ref in our own copy. */
    char parent[128];
    snprintf(parent, sizeof(parent), "%.*s", HV_STR_ARG(parent_ref));
    json_array_foreach(arr, i, item)
    {
        char ipath[160];
        snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
        enum hv_err err = walk_object(w, item, k, hv_str_c(parent), ipath);
        if (err != HV_OK)
            return err;
        if ((i & 1023) == 0)
            hv__import_progress(w->im, 0);
    }
    return HV_OK;
}

enum hv_err hv__import_json(struct hv__import *im, const char *path, const char *data, size_t len,
                            struct hv_diag *diag)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        hv_diag_at(diag, path, (uint64_t)(jerr.line > 0 ? jerr.line : 0));
        hv_diag_set(diag, NULL, "invalid JSON: %s", jerr.text);
        return HV_ERR_INVALID;
    }
    struct walk w = { .im = im, .file = path, .diag = diag };
    hv_arena_init(&w.arena, 4u << 20);
    enum hv_err err = HV_OK;
    json_t *fmt = NULL, *locs = NULL, *cases = NULL;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:o, s?o, s?o}", "format", &fmt, "locations",
                       &locs, "cases", &cases) != 0) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "not a registry document: %s", jerr.text);
        err = HV_ERR_INVALID;
    } else if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "haven.registry/1") != 0) {
        err = fail(&w, "format", "must be \"haven.registry/1\"");
    } else if ((locs && !json_is_array(locs)) || (cases && !json_is_array(cases))) {
        err = fail(&w, locs && !json_is_array(locs) ? "locations" : "cases", "must be an array");
    }
    if (err == HV_OK && locs)
        err = walk_array(&w, locs, hv_kind(HV_KIND_LOCATION), HV_STR_NULL, "locations");
    if (err == HV_OK && cases)
        err = walk_array(&w, cases, hv_kind(HV_KIND_CASE), HV_STR_NULL, "cases");
    hv_arena_finish(&w.arena);
    json_decref(root);
    return err;
}
