/* jsonw.c - a streaming JSON writer into an hv_buf: escaped, valid UTF-8 output (invalid
 * input bytes become U+FFFD), doubles with round-trip precision, sticky errors.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void hv_jw_init(struct hv_jw *w, struct hv_buf *out, bool pretty)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
    w->pretty = pretty;
    w->err = HV_OK;
}

static void put(struct hv_jw *w, const char *p, size_t n)
{
    if (w->err != HV_OK)
        return;
    w->err = hv_buf_append(w->out, p, n);
}

static void putz(struct hv_jw *w, const char *z)
{
    put(w, z, strlen(z));
}

static void newline_indent(struct hv_jw *w, int depth)
{
    if (!w->pretty)
        return;
    put(w, "\n", 1);
    for (int i = 0; i < depth; i++)
        put(w, "  ", 2);
}

/* Writes the separator that goes before a value or key at the current depth. */
static void before_item(struct hv_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->need_comma[w->depth - 1])
        put(w, ",", 1);
    w->need_comma[w->depth - 1] = true;
    newline_indent(w, w->depth);
}

static void open_container(struct hv_jw *w, char c)
{
    if (w->err != HV_OK)
        return;
    if (w->depth >= HV_JW_MAX_DEPTH) {
        w->err = HV_ERR_LIMIT;
        return;
    }
    before_item(w);
    put(w, &c, 1);
    w->need_comma[w->depth] = false;
    w->depth++;
}

static void close_container(struct hv_jw *w, char c)
{
    if (w->err != HV_OK)
        return;
    if (w->depth == 0 || w->after_key) {
        /* Closing more than was opened, or a key without its value: a caller bug. */
        w->err = HV_ERR_INTERNAL;
        return;
    }
    w->depth--;
    if (w->need_comma[w->depth])
        newline_indent(w, w->depth);
    put(w, &c, 1);
}

void hv_jw_object_begin(struct hv_jw *w)
{
    open_container(w, '{');
}

void hv_jw_object_end(struct hv_jw *w)
{
    close_container(w, '}');
}

void hv_jw_array_begin(struct hv_jw *w)
{
    open_container(w, '[');
}

void hv_jw_array_end(struct hv_jw *w)
{
    close_container(w, ']');
}

/* Length of the valid UTF-8 sequence starting at p (at most len bytes), 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t len)
{
    size_t n;
    if (p[0] < 0x80)
        n = 1;
    else if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4;
    else
        return 0;
    if (n > len || !hv_utf8_valid((const char *)p, n))
        return 0;
    return n;
}

static void write_string(struct hv_jw *w, struct hv_str s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t i = 0, run = 0; /* bytes [run, i) are copied verbatim */

    put(w, "\"", 1);
    while (i < s.len && w->err == HV_OK) {
        unsigned char c = p[i];
        const char *esc = NULL;
        char ubuf[7];
        size_t n = utf8_seq(p + i, s.len - i);
        if (n == 1) {
            if (c == '"')
                esc = "\\\"";
            else if (c == '\\')
                esc = "\\\\";
            else if (c == '\n')
                esc = "\\n";
            else if (c == '\r')
                esc = "\\r";
            else if (c == '\t')
                esc = "\\t";
            else if (c == '\b')
                esc = "\\b";
            else if (c == '\f')
                esc = "\\f";
            else if (c < 0x20 || c == 0x7f) {
                memcpy(ubuf, "\\u00", 4);
                ubuf[4] = hex[c >> 4];
                ubuf[5] = hex[c & 0xf];
                ubuf[6] = '\0';
                esc = ubuf;
            }
        } else if (n == 3 && c == 0xE2 && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
            /* U+2028 and U+2029 are valid JSON but break JavaScript string literals. */
            esc = p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
        } else if (n == 0) {
            esc = "\xEF\xBF\xBD"; /* U+FFFD for each byte that is not valid UTF-8 */
            n = 1;
        }
        if (esc != NULL) {
            put(w, s.ptr + run, i - run);
            putz(w, esc);
            i += n;
            run = i;
        } else {
            i += n;
        }
    }
    put(w, s.ptr + run, i - run);
    put(w, "\"", 1);
}

void hv_jw_key(struct hv_jw *w, const char *key)
{
    if (w->err != HV_OK)
        return;
    if (w->depth == 0 || w->after_key) {
        w->err = HV_ERR_INTERNAL;
        return;
    }
    before_item(w);
    write_string(w, hv_str_c(key));
    put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
    w->after_key = true;
}

void hv_jw_str(struct hv_jw *w, struct hv_str s)
{
    if (w->err != HV_OK)
        return;
    before_item(w);
    write_string(w, s);
}

void hv_jw_strz(struct hv_jw *w, const char *z)
{
    if (z == NULL)
        hv_jw_null(w);
    else
        hv_jw_str(w, hv_str_c(z));
}

void hv_jw_int(struct hv_jw *w, int64_t v)
{
    char tmp[32];
    if (w->err != HV_OK)
        return;
    before_item(w);
    int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
    put(w, tmp, (size_t)n);
}

void hv_jw_double(struct hv_jw *w, double v)
{
    char tmp[40];
    if (w->err != HV_OK)
        return;
    before_item(w);
    if (!isfinite(v)) {
        /* JSON has no NaN or infinity. */
        put(w, "null", 4);
        return;
    }
    int n = snprintf(tmp, sizeof(tmp), "%.17g", v);
    /* A locale with a decimal comma must not leak into JSON. */
    for (int i = 0; i < n; i++) {
        if (tmp[i] == ',')
            tmp[i] = '.';
    }
    put(w, tmp, (size_t)n);
}

void hv_jw_bool(struct hv_jw *w, bool v)
{
    if (w->err != HV_OK)
        return;
    before_item(w);
    putz(w, v ? "true" : "false");
}

void hv_jw_null(struct hv_jw *w)
{
    if (w->err != HV_OK)
        return;
    before_item(w);
    put(w, "null", 4);
}

void hv_jw_raw(struct hv_jw *w, struct hv_str json)
{
    if (w->err != HV_OK)
        return;
    before_item(w);
    put(w, json.ptr, json.len);
}

enum hv_err hv_jw_err(const struct hv_jw *w)
{
    return w->err;
}
