/* buf.c - a growable byte buffer with a hard cap, always NUL-terminated (curl dynbuf idea).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN_ALLOC 64

void hv_buf_init(struct hv_buf *b, size_t cap)
{
    b->ptr = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

void hv_buf_finish(struct hv_buf *b)
{
    if (b == NULL)
        return;
    free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
    b->alloc = 0;
}

void hv_buf_reset(struct hv_buf *b)
{
    b->len = 0;
    if (b->ptr != NULL)
        b->ptr[0] = '\0';
}

/* Makes room for n more bytes plus the NUL, or returns HV_ERR_LIMIT without changing b. */
static enum hv_err reserve(struct hv_buf *b, size_t n)
{
    if (n > SIZE_MAX - 1 - b->len)
        return HV_ERR_LIMIT;
    if (b->cap != 0 && n > b->cap - b->len)
        return HV_ERR_LIMIT;
    size_t need = b->len + n + 1;
    if (need <= b->alloc)
        return HV_OK;
    size_t alloc = b->alloc != 0 ? b->alloc : BUF_MIN_ALLOC;
    while (alloc < need) {
        if (alloc > SIZE_MAX / 2) {
            alloc = need;
            break;
        }
        alloc *= 2;
    }
    /* Never allocate far beyond what the cap allows. */
    if (b->cap != 0 && b->cap < SIZE_MAX && alloc > b->cap + 1)
        alloc = b->cap + 1;
    b->ptr = hv_xrealloc(b->ptr, alloc);
    b->alloc = alloc;
    return HV_OK;
}

enum hv_err hv_buf_append(struct hv_buf *b, const void *p, size_t n)
{
    enum hv_err err = reserve(b, n);
    if (err != HV_OK)
        return err;
    if (n > 0)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return HV_OK;
}

enum hv_err hv_buf_append_str(struct hv_buf *b, struct hv_str s)
{
    return hv_buf_append(b, s.ptr, s.len);
}

enum hv_err hv_buf_appendz(struct hv_buf *b, const char *z)
{
    return hv_buf_append(b, z, z != NULL ? strlen(z) : 0);
}

enum hv_err hv_buf_appendf(struct hv_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return HV_ERR_INVALID;
    if ((size_t)n < sizeof(small))
        return hv_buf_append(b, small, (size_t)n);

    enum hv_err err = reserve(b, (size_t)n);
    if (err != HV_OK)
        return err;
    va_start(ap, fmt);
    int m = vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (m != n) {
        b->ptr[b->len] = '\0';
        return HV_ERR_INTERNAL;
    }
    b->len += (size_t)n;
    return HV_OK;
}

enum hv_err hv_buf_putc(struct hv_buf *b, char c)
{
    return hv_buf_append(b, &c, 1);
}

struct hv_str hv_buf_str(const struct hv_buf *b)
{
    return (struct hv_str){ b->ptr != NULL ? b->ptr : "", b->len };
}

const char *hv_buf_cstr(const struct hv_buf *b)
{
    return b->ptr != NULL ? b->ptr : "";
}
