/* buf.h - growable byte buffer with a cap, always NUL-terminated; the length is the truth.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_BUF_H
#define HV_BUF_H

#include "haven/common.h"
#include "haven/err.h"
#include "haven/str.h"

struct hv_buf {
    char *ptr;    /* heap; NULL until the first append */
    size_t len;   /* bytes used, not counting the NUL */
    size_t alloc; /* bytes allocated */
    size_t cap;   /* hard cap on len, 0 = unlimited */
};

void hv_buf_init(struct hv_buf *b, size_t cap);
void hv_buf_finish(struct hv_buf *b); /* frees; safe on a zeroed buffer */
void hv_buf_reset(struct hv_buf *b);  /* len = 0, keeps memory */
/* HV_ERR_LIMIT when the cap would be exceeded (the buffer is left unchanged). */
HV_MUST_CHECK enum hv_err hv_buf_append(struct hv_buf *b, const void *p, size_t n);
HV_MUST_CHECK enum hv_err hv_buf_append_str(struct hv_buf *b, struct hv_str s);
HV_MUST_CHECK enum hv_err hv_buf_appendz(struct hv_buf *b, const char *z);
HV_MUST_CHECK enum hv_err hv_buf_appendf(struct hv_buf *b, const char *fmt, ...) HV_PRINTF(2, 3);
HV_MUST_CHECK enum hv_err hv_buf_putc(struct hv_buf *b, char c);
struct hv_str hv_buf_str(const struct hv_buf *b);
/* The contents as a C string ("" when empty); valid until the next append or finish. */
const char *hv_buf_cstr(const struct hv_buf *b);

#endif
