/* compare.c - the identity comparators: birth dates at the precision both sides have,
 * documents with one-typo tolerance, phones, sex, extra strings, and the level of a name match.
 * SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity_int.h"

#include <stdlib.h>
#include <string.h>

#include "names/names_int.h"

int hv__id_cmp_birth(const struct hv_pdate *a, const struct hv_pdate *b)
{
    if (a->precision == HV_PDATE_NONE || b->precision == HV_PDATE_NONE)
        return HV_ID_LEVEL_NULL;
    if (a->precision == b->precision && a->year == b->year && a->year_to == b->year_to &&
        a->month == b->month && a->day == b->day)
        return 3;
    int32_t a0, a1, b0, b1;
    hv_pdate_bounds(a, &a0, &a1);
    hv_pdate_bounds(b, &b0, &b1);
    if (a0 <= b1 && b0 <= a1)
        return 2; /* one date can stand for the other: year-only vs a day in it, ranges */
    /* Year gap between the two spans: 0 when they share a year (different days). */
    int gap;
    if (a->year_to < b->year)
        gap = b->year - a->year_to;
    else if (b->year_to < a->year)
        gap = a->year - b->year_to;
    else
        gap = 0;
    if (gap <= 1)
        return 1;
    /* Day and month transposed (1985-03-04 vs 1985-04-03) counts as near, as does a day
     * typo in an otherwise identical date; handled by gap 0 above. */
    return 0;
}

/* Edit distance at most one, counting an adjacent transposition as one edit. */
static bool within_one(struct hv_str a, struct hv_str b)
{
    if (a.len == b.len) {
        size_t i = 0;
        while (i < a.len && a.ptr[i] == b.ptr[i])
            i++;
        if (i == a.len)
            return true;
        /* One substitution, or a swap of i and i+1. */
        if (i + 1 < a.len && a.ptr[i] == b.ptr[i + 1] && a.ptr[i + 1] == b.ptr[i] &&
            memcmp(a.ptr + i + 2, b.ptr + i + 2, a.len - i - 2) == 0)
            return true;
        return memcmp(a.ptr + i + 1, b.ptr + i + 1, a.len - i - 1) == 0;
    }
    if (a.len + 1 == b.len || b.len + 1 == a.len) {
        struct hv_str s = a.len < b.len ? a : b, l = a.len < b.len ? b : a;
        size_t i = 0;
        while (i < s.len && s.ptr[i] == l.ptr[i])
            i++;
        return memcmp(s.ptr + i, l.ptr + i + 1, s.len - i) == 0;
    }
    return false;
}

int hv__id_cmp_doc(struct hv_str a, struct hv_str b)
{
    if (a.len == 0 || b.len == 0)
        return HV_ID_LEVEL_NULL;
    if (hv_str_eq(a, b))
        return 2;
    /* Short numbers collide by chance too easily for a typo to mean anything. */
    if (a.len >= 5 && b.len >= 5 && within_one(a, b))
        return 1;
    return 0;
}

int hv__id_cmp_phone(struct hv_str a, struct hv_str b)
{
    if (a.len == 0 || b.len == 0)
        return HV_ID_LEVEL_NULL;
    if (hv_str_eq(a, b))
        return 2;
    if (a.len >= 7 && b.len >= 7 && memcmp(a.ptr + a.len - 7, b.ptr + b.len - 7, 7) == 0)
        return 1;
    return 0;
}

int hv__id_cmp_sex(char a, char b)
{
    if ((a != 'M' && a != 'F') || (b != 'M' && b != 'F'))
        return HV_ID_LEVEL_NULL;
    return a == b ? 1 : 0;
}

uint8_t hv__id_relation_code(const char *z)
{
    static const char *const rel[] = {
        "principal", "spouse", "child", "parent", "sibling", "other"
    };
    if (z == NULL)
        return HV__ID_REL_UNKNOWN;
    for (uint8_t i = 0; i < 6; i++) {
        if (strcmp(z, rel[i]) == 0)
            return (uint8_t)(i + 1);
    }
    return HV__ID_REL_UNKNOWN;
}

int hv__id_cmp_household(int64_t ga, uint8_t ra, int64_t gb, uint8_t rb)
{
    if (ga == 0 || ga != gb)
        return HV_ID_LEVEL_NULL;
    /* A re-registration inside the household keeps its relation (or is filed as "other");
     * two different relations to one principal are two people. */
    if (ra == HV__ID_REL_UNKNOWN || rb == HV__ID_REL_UNKNOWN || ra == HV__ID_REL_OTHER ||
        rb == HV__ID_REL_OTHER || ra == rb)
        return 1;
    return 0;
}

int hv__id_cmp_extra(struct hv_str a, struct hv_str b)
{
    if (a.len == 0 || b.len == 0)
        return HV_ID_LEVEL_NULL;
    if (hv_str_eq(a, b))
        return 2;
    return hv__names_jaro_winkler(a, b) >= 0.88 ? 1 : 0;
}

int hv__id_name_level(const struct hv_names_match *m)
{
    if (m->score >= 0.999)
        return 3;
    if (m->score >= 0.92)
        return 2;
    if (m->score >= 0.75)
        return 1;
    return 0;
}

size_t hv__id_norm_doc(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    if (s == NULL || cap == 0)
        return 0;
    for (; *s != '\0' && n + 1 < cap; s++) {
        char c = *s;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            out[n++] = c;
    }
    out[n] = '\0';
    return n;
}

size_t hv__id_norm_phone(const char *s, char *out, size_t cap)
{
    char digits[64];
    size_t n = 0;
    if (s == NULL || cap == 0)
        return 0;
    for (; *s != '\0' && n < sizeof(digits); s++) {
        if (*s >= '0' && *s <= '9')
            digits[n++] = *s;
    }
    size_t from = n > 9 ? n - 9 : 0;
    size_t len = n - from;
    if (len + 1 > cap)
        len = cap - 1;
    memcpy(out, digits + from, len);
    out[len] = '\0';
    return len;
}
