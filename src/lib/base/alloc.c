/* alloc.c - heap allocation wrappers that abort on exhaustion (the OOM policy in
 * docs/internals/ERRORS.md); configured limits are reported as HV_ERR_LIMIT elsewhere.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void out_of_memory(size_t size)
{
    fprintf(stderr, "haven: out of memory (allocating %zu bytes)\n", size);
    abort();
}

void *hv_xmalloc(size_t size)
{
    /* malloc(0) may return NULL; ask for one byte so NULL always means exhaustion. */
    void *p = malloc(size != 0 ? size : 1);
    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *hv_xcalloc(size_t n, size_t size)
{
    if (n == 0 || size == 0) {
        n = 1;
        size = 1;
    }
    void *p = calloc(n, size);
    if (p == NULL)
        out_of_memory(size > 0 && n > SIZE_MAX / size ? SIZE_MAX : n * size);
    return p;
}

void *hv_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size != 0 ? size : 1);
    if (q == NULL)
        out_of_memory(size);
    return q;
}

char *hv_xstrdup(const char *s)
{
    if (s == NULL)
        s = "";
    size_t n = strlen(s) + 1;
    char *p = hv_xmalloc(n);
    memcpy(p, s, n);
    return p;
}
