/* str.c - (ptr,len) string views: comparison, trimming, arena copies and strict number
 * parsing of a whole view.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/str.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"

/* The longest text hv_parse_double accepts; longer input is rejected rather than truncated. */
#define DOUBLE_TEXT_MAX 128

struct hv_str hv_str_c(const char *z)
{
    if (z == NULL)
        return HV_STR_NULL;
    return (struct hv_str){ z, strlen(z) };
}

bool hv_str_eq(struct hv_str a, struct hv_str b)
{
    if (a.len != b.len)
        return false;
    return a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0;
}

bool hv_str_eqz(struct hv_str a, const char *z)
{
    return hv_str_eq(a, hv_str_c(z));
}

static unsigned char lower_ascii(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

bool hv_str_ieq_ascii(struct hv_str a, const char *z)
{
    struct hv_str b = hv_str_c(z);
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++) {
        if (lower_ascii((unsigned char)a.ptr[i]) != lower_ascii((unsigned char)b.ptr[i]))
            return false;
    }
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

struct hv_str hv_str_trim(struct hv_str s)
{
    while (s.len > 0 && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && is_space(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

char *hv_str_dupz(struct hv_arena *a, struct hv_str s)
{
    if (s.len == SIZE_MAX)
        return NULL;
    char *p = hv_arena_alloc(a, s.len + 1);
    if (p == NULL)
        return NULL;
    if (s.len > 0)
        memcpy(p, s.ptr, s.len);
    p[s.len] = '\0';
    return p;
}

bool hv_parse_i64(struct hv_str s, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (s.len == 0)
        return false;
    if (s.ptr[0] == '+' || s.ptr[0] == '-') {
        neg = s.ptr[0] == '-';
        i = 1;
    }
    if (i == s.len)
        return false;
    /* Accumulate as a negative number so INT64_MIN is representable. */
    int64_t v = 0;
    for (; i < s.len; i++) {
        char c = s.ptr[i];
        if (c < '0' || c > '9')
            return false;
        int d = c - '0';
        if (v < (INT64_MIN + d) / 10)
            return false;
        v = v * 10 - d;
    }
    if (!neg) {
        if (v == INT64_MIN)
            return false;
        v = -v;
    }
    *out = v;
    return true;
}

static size_t skip_digits(struct hv_str s, size_t i)
{
    while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9')
        i++;
    return i;
}

bool hv_parse_double(struct hv_str s, double *out)
{
    /* Grammar: [+-] digits [. digits] [(e|E) [+-] digits], with at least one mantissa digit.
     * No whitespace, hex, inf or nan: strtod alone would accept all of those. */
    size_t i = 0;
    if (s.len == 0 || s.len >= DOUBLE_TEXT_MAX)
        return false;
    if (s.ptr[i] == '+' || s.ptr[i] == '-')
        i++;
    size_t int_start = i;
    i = skip_digits(s, i);
    size_t n_mant = i - int_start;
    if (i < s.len && s.ptr[i] == '.') {
        size_t frac_start = ++i;
        i = skip_digits(s, i);
        n_mant += i - frac_start;
    }
    if (n_mant == 0)
        return false;
    if (i < s.len && (s.ptr[i] == 'e' || s.ptr[i] == 'E')) {
        i++;
        if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-'))
            i++;
        size_t exp_start = i;
        i = skip_digits(s, i);
        if (i == exp_start)
            return false;
    }
    if (i != s.len)
        return false;

    char tmp[DOUBLE_TEXT_MAX];
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + s.len)
        return false;
    if (!isfinite(v))
        return false;
    /* Underflow to zero or a denormal is acceptable; overflow produced inf above. */
    *out = v;
    return true;
}
