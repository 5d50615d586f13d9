/* validate.c - checks and canonicalises one record against its kind's field table, with a
 * reason a case officer can act on.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/pdate.h"

static bool ref_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '/' || c == '-';
}

static const char *match_allowed(const char *const *allowed, struct hv_str v)
{
    for (size_t i = 0; allowed[i] != NULL; i++) {
        if (hv_str_ieq_ascii(v, allowed[i]))
            return allowed[i];
    }
    return NULL;
}

static void allowed_list(const char *const *allowed, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; allowed[i] != NULL && used + 2 < cap; i++) {
        int n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", allowed[i]);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
}

/* Shows at most 40 bytes of what the user gave, cut on a code-point boundary. */
static int shown_len(struct hv_str v)
{
    size_t n = v.len < 40 ? v.len : 40;
    while (n > 0 && n < v.len && ((unsigned char)v.ptr[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

static enum hv_err check_text(const struct hv_field_def *f, struct hv_str v, struct hv_diag *d)
{
    bool multiline = f->max_len >= 1000;
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.ptr[i];
        if (c == 0x7f || (c < 0x20 && c != '\t' && !(multiline && (c == '\n' || c == '\r')))) {
            hv_diag_set(d, f->name, "contains a control character (byte 0x%02x at offset %zu)", c,
                        i);
            return HV_ERR_INVALID;
        }
    }
    return HV_OK;
}

static enum hv_err validate_list(struct hv_arena *a, const struct hv_field_def *f, struct hv_str v,
                                 struct hv_str *out, struct hv_diag *d)
{
    struct hv_buf b;
    hv_buf_init(&b, 4096);
    enum hv_err err = HV_OK;
    size_t start = 0;
    for (size_t i = 0; i <= v.len && err == HV_OK; i++) {
        if (i < v.len && v.ptr[i] != ';')
            continue;
        struct hv_str item = hv_str_trim((struct hv_str){ v.ptr + start, i - start });
        start = i + 1;
        if (item.len == 0)
            continue;
        const char *canon = NULL;
        if (f->allowed != NULL) {
            canon = match_allowed(f->allowed, item);
            if (canon == NULL) {
                char list[256];
                allowed_list(f->allowed, list, sizeof(list));
                hv_diag_set(d, f->name, "\"%.*s\" is not one of %s", shown_len(item), item.ptr,
                            list);
                err = HV_ERR_INVALID;
                break;
            }
        } else {
            for (size_t j = 0; j < item.len; j++) {
                if (!ref_char(item.ptr[j]) || item.len > 64) {
                    hv_diag_set(d, f->name,
                                "list item \"%.*s\" may hold only letters, digits and . _ : / -",
                                shown_len(item), item.ptr);
                    err = HV_ERR_INVALID;
                    break;
                }
            }
        }
        if (err != HV_OK)
            break;
        if (b.len > 0)
            err = hv_buf_putc(&b, ';');
        if (err == HV_OK)
            err = canon ? hv_buf_appendz(&b, canon) : hv_buf_append(&b, item.ptr, item.len);
    }
    if (err == HV_OK) {
        char *z = hv_str_dupz(a, hv_buf_str(&b));
        if (z == NULL)
            err = HV_ERR_LIMIT;
        else
            *out = (struct hv_str){ z, b.len };
    }
    hv_buf_finish(&b);
    return err;
}

static enum hv_err validate_field(struct hv_arena *a, const struct hv_field_def *f,
                                  struct hv_str *val, struct hv_diag *d)
{
    struct hv_str v = hv_str_trim(*val);
    if (!hv_utf8_valid(v.ptr, v.len)) {
        hv_diag_set(d, f->name, "is not valid UTF-8");
        return HV_ERR_INVALID;
    }
    bool free_form = f->type == HV_FT_TEXT || f->type == HV_FT_REF || f->type == HV_FT_LIST;
    if (v.len > f->max_len && (free_form || v.len > 64)) {
        hv_diag_set(d, f->name, "is %zu bytes long; the limit is %u", v.len, (unsigned)f->max_len);
        return HV_ERR_INVALID;
    }
    if (v.len == 0) {
        if (f->required) {
            hv_diag_set(d, f->name, "is required");
            return HV_ERR_INVALID;
        }
        *val = f->dflt ? hv_str_c(f->dflt) : HV_STR_NULL;
        return HV_OK;
    }
    char tmp[64];
    switch (f->type) {
    case HV_FT_TEXT:
        *val = v;
        return check_text(f, v, d);
    case HV_FT_REF:
        for (size_t i = 0; i < v.len; i++) {
            if (!ref_char(v.ptr[i])) {
                hv_diag_set(d, f->name, "\"%.*s\" may hold only letters, digits and . _ : / -",
                            shown_len(v), v.ptr);
                return HV_ERR_INVALID;
            }
        }
        *val = v;
        return HV_OK;
    case HV_FT_COUNTRY:
        if (v.len != 2 || v.ptr[0] < 'A' || v.ptr[0] > 'Z' || v.ptr[1] < 'A' || v.ptr[1] > 'Z') {
            hv_diag_set(d, f->name, "\"%.*s\" is not a two-letter upper-case country code",
                        shown_len(v), v.ptr);
            return HV_ERR_INVALID;
        }
        *val = v;
        return HV_OK;
    case HV_FT_ENUM: {
        const char *canon = match_allowed(f->allowed, v);
        if (canon == NULL) {
            char list[256];
            allowed_list(f->allowed, list, sizeof(list));
            hv_diag_set(d, f->name, "\"%.*s\" is not one of %s", shown_len(v), v.ptr, list);
            return HV_ERR_INVALID;
        }
        *val = hv_str_c(canon);
        return HV_OK;
    }
    case HV_FT_LIST:
        return validate_list(a, f, v, val, d);
    case HV_FT_INT: {
        int64_t n = 0;
        if (!hv_parse_i64(v, &n) || (double)n < f->min || (double)n > f->max) {
            hv_diag_set(d, f->name, "\"%.*s\" is not a whole number from %g to %g", shown_len(v),
                        v.ptr, f->min, f->max);
            return HV_ERR_INVALID;
        }
        snprintf(tmp, sizeof(tmp), "%lld", (long long)n);
        break;
    }
    case HV_FT_REAL: {
        double x = 0;
        if (!hv_parse_double(v, &x) || !isfinite(x) || x < f->min || x > f->max) {
            hv_diag_set(d, f->name, "\"%.*s\" is not a number from %g to %g", shown_len(v), v.ptr,
                        f->min, f->max);
            return HV_ERR_INVALID;
        }
        /* Six decimals (about 0.1 m) is the canonical precision of coordinates. */
        snprintf(tmp, sizeof(tmp), "%.6f", x);
        break;
    }
    case HV_FT_PDATE: {
        struct hv_pdate pd;
        const char *why = NULL;
        if (!hv_pdate_parse(v.ptr, v.len, &pd, &why)) {
            hv_diag_set(d, f->name, "\"%.*s\": %s", shown_len(v), v.ptr, why ? why : "not a date");
            return HV_ERR_INVALID;
        }
        hv_pdate_format(&pd, tmp);
        break;
    }
    default:
        return HV_ERR_INTERNAL;
    }
    char *z = hv_str_dupz(a, hv_str_c(tmp));
    if (z == NULL)
        return HV_ERR_LIMIT;
    *val = hv_str_c(z);
    return HV_OK;
}

static enum hv_err cross_checks(const struct hv_record *rec, struct hv_diag *d)
{
    if (rec->kind->id == HV_KIND_EMPLOYMENT) {
        int s = hv_kind_field(rec->kind, HV_STR("start_date"));
        int e = hv_kind_field(rec->kind, HV_STR("end_date"));
        if (rec->values[s].len > 0 && rec->values[e].len > 0) {
            struct hv_pdate ps, pe;
            const char *why;
            int32_t s_first, s_last, e_first, e_last;
            if (hv_pdate_parse(rec->values[s].ptr, rec->values[s].len, &ps, &why) &&
                hv_pdate_parse(rec->values[e].ptr, rec->values[e].len, &pe, &why)) {
                hv_pdate_bounds(&ps, &s_first, &s_last);
                hv_pdate_bounds(&pe, &e_first, &e_last);
                if (e_last < s_first) {
                    hv_diag_set(d, "end_date", "ends before it starts (start_date is %.*s)",
                                HV_STR_ARG(rec->values[s]));
                    return HV_ERR_INVALID;
                }
            }
        }
    }
    return HV_OK;
}

enum hv_err hv_record_validate(struct hv_arena *a, struct hv_record *rec, struct hv_diag *diag)
{
    const struct hv_kind_def *k = rec->kind;
    for (size_t i = 0; i < k->n_fields; i++) {
        enum hv_err err = validate_field(a, &k->fields[i], &rec->values[i], diag);
        if (err != HV_OK)
            return err;
    }
    return cross_checks(rec, diag);
}
