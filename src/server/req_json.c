/* req_json.c - the table-driven JSON request codec (jansson stays in this file).
 * SPDX-License-Identifier: Apache-2.0 */
#include "req_json.h"

#include <jansson.h>
#include <string.h>

/* Text a person typed: valid UTF-8 (jansson checked), no NUL and no control characters
 * other than tab and newline. */
static bool text_ok(const char *s, size_t n)
{
    if (memchr(s, '\0', n) != NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
            return false;
    }
    return true;
}

static enum hv_err copy_str(struct hv_arena *a, const struct hv_jfield *f, json_t *v,
                            const char **out, struct hv_diag *diag)
{
    if (!json_is_string(v)) {
        hv_diag_set(diag, f->name, "must be a string");
        return HV_ERR_INVALID;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > f->max_len) {
        hv_diag_set(diag, f->name, "longer than %zu bytes", f->max_len);
        return HV_ERR_INVALID;
    }
    if (!text_ok(s, n) || !hv_utf8_valid(s, n)) {
        hv_diag_set(diag, f->name, "holds a control character or invalid UTF-8");
        return HV_ERR_INVALID;
    }
    char *copy = hv_str_dupz(a, (struct hv_str){ s, n });
    if (copy == NULL)
        return HV_ERR_LIMIT;
    *out = copy;
    return HV_OK;
}

static enum hv_err take(struct hv_arena *a, const struct hv_jfield *f, json_t *v,
                        struct hv_diag *diag)
{
    switch (f->type) {
    case HV_JF_STRING:
        return copy_str(a, f, v, f->str, diag);
    case HV_JF_BOOL:
        if (!json_is_boolean(v)) {
            hv_diag_set(diag, f->name, "must be true or false");
            return HV_ERR_INVALID;
        }
        *f->flag = json_is_true(v);
        return HV_OK;
    case HV_JF_INT: {
        if (!json_is_integer(v) || json_integer_value(v) < f->min ||
            json_integer_value(v) > f->max) {
            hv_diag_set(diag, f->name, "must be a whole number from %lld to %lld",
                        (long long)f->min, (long long)f->max);
            return HV_ERR_INVALID;
        }
        *f->num = (int64_t)json_integer_value(v);
        return HV_OK;
    }
    case HV_JF_STRINGS: {
        if (!json_is_array(v)) {
            hv_diag_set(diag, f->name, "must be an array of strings");
            return HV_ERR_INVALID;
        }
        size_t n = json_array_size(v);
        if (n > f->max_items) {
            hv_diag_set(diag, f->name, "has more than %zu items", f->max_items);
            return HV_ERR_INVALID;
        }
        const char **arr = hv_arena_alloc_array(a, n + 1, sizeof(*arr));
        if (arr == NULL)
            return HV_ERR_LIMIT;
        for (size_t i = 0; i < n; i++) {
            enum hv_err err = copy_str(a, f, json_array_get(v, i), &arr[i], diag);
            if (err != HV_OK)
                return err;
        }
        *f->strs = arr;
        *f->n_strs = n;
        return HV_OK;
    }
    }
    return HV_ERR_INTERNAL;
}

enum hv_err hv_req_json_parse(struct hv_arena *a, struct hv_str body,
                              const struct hv_jfield *fields, size_t n_fields, struct hv_diag *diag)
{
    struct hv_str t = hv_str_trim(body);
    bool seen[32] = { false };
    if (n_fields > HV_ARRAY_LEN(seen))
        return HV_ERR_INTERNAL;
    json_t *root = NULL;
    if (t.len > 0) {
        json_error_t jerr;
        root = json_loadb(body.ptr, body.len, JSON_REJECT_DUPLICATES, &jerr);
        if (root == NULL) {
            hv_diag_set(diag, NULL, "malformed JSON at line %d column %d: %s", jerr.line,
                        jerr.column, jerr.text);
            return HV_ERR_INVALID;
        }
        if (!json_is_object(root)) {
            json_decref(root);
            hv_diag_set(diag, NULL, "the body must be a JSON object");
            return HV_ERR_INVALID;
        }
    }
    enum hv_err err = HV_OK;
    if (root != NULL) {
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v)
        {
            size_t i = 0;
            while (i < n_fields && strcmp(fields[i].name, key) != 0)
                i++;
            if (i == n_fields) {
                char shown[48];
                size_t n = strlen(key);
                if (n > 40 || !hv_utf8_valid(key, n) || !text_ok(key, n)) {
                    hv_diag_set(diag, NULL, "unknown member");
                } else {
                    memcpy(shown, key, n + 1);
                    hv_diag_set(diag, NULL, "unknown member \"%s\"", shown);
                }
                err = HV_ERR_INVALID;
                break;
            }
            if (json_is_null(v) && !fields[i].required)
                continue;
            err = take(a, &fields[i], v, diag);
            if (err != HV_OK)
                break;
            seen[i] = true;
        }
        json_decref(root);
    }
    for (size_t i = 0; err == HV_OK && i < n_fields; i++) {
        if (fields[i].required && !seen[i]) {
            hv_diag_set(diag, fields[i].name, "is required");
            err = HV_ERR_INVALID;
        }
    }
    return err;
}
