/* str.h - (ptr,len) string views, passed by value; not necessarily NUL-terminated.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_STR_H
#define HV_STR_H

#include "haven/common.h"

struct hv_arena;

struct hv_str {
    const char *ptr; /* not necessarily NUL-terminated; may be NULL when len == 0 */
    size_t len;
};

#define HV_STR(lit)   ((struct hv_str){ (lit), sizeof(lit) - 1 })
#define HV_STR_NULL   ((struct hv_str){ NULL, 0 })
#define HV_STR_FMT    "%.*s"
#define HV_STR_ARG(s) (int)(s).len, (s).ptr

struct hv_str hv_str_c(const char *z); /* view of a NUL-terminated string (NULL -> empty) */
bool hv_str_eq(struct hv_str a, struct hv_str b);
bool hv_str_eqz(struct hv_str a, const char *z);
bool hv_str_ieq_ascii(struct hv_str a, const char *z);
struct hv_str hv_str_trim(struct hv_str s);
/* NUL-terminated arena copy; NULL when the arena limit is hit. */
char *hv_str_dupz(struct hv_arena *a, struct hv_str s);
/* True when s is valid UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
bool hv_utf8_valid(const char *p, size_t len);
/* Number of code points in valid UTF-8. */
size_t hv_utf8_count(const char *p, size_t len);

/* Strict integer parsing of a whole view: optional sign, digits only, range-checked. */
HV_MUST_CHECK bool hv_parse_i64(struct hv_str s, int64_t *out);
HV_MUST_CHECK bool hv_parse_double(struct hv_str s, double *out);

#endif
