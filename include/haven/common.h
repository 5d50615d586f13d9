/* common.h - compiler attributes and small helpers shared by every Haven header.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_COMMON_H
#define HV_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HV_MUST_CHECK   __attribute__((warn_unused_result))
#define HV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define HV_ARRAY_LEN(x) (sizeof(x) / sizeof((x)[0]))

/* Heap exhaustion aborts (see docs/internals/ERRORS.md); configured limits are errors. */
void *hv_xmalloc(size_t size);
void *hv_xcalloc(size_t n, size_t size);
void *hv_xrealloc(void *p, size_t size);
char *hv_xstrdup(const char *s);

#endif
