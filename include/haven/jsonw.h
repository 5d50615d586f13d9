/* jsonw.h - a small streaming JSON writer into an hv_buf (escaped UTF-8, no allocation
 * beyond the buffer). Errors are sticky: check hv_jw_err() once at the end.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_JSONW_H
#define HV_JSONW_H

#include "haven/buf.h"

#define HV_JW_MAX_DEPTH 32

struct hv_jw {
    struct hv_buf *out; /* borrowed */
    int depth;
    bool need_comma[HV_JW_MAX_DEPTH];
    bool after_key;
    bool pretty;     /* newlines and two-space indents */
    enum hv_err err; /* sticky */
};

void hv_jw_init(struct hv_jw *w, struct hv_buf *out, bool pretty);
void hv_jw_object_begin(struct hv_jw *w);
void hv_jw_object_end(struct hv_jw *w);
void hv_jw_array_begin(struct hv_jw *w);
void hv_jw_array_end(struct hv_jw *w);
void hv_jw_key(struct hv_jw *w, const char *key);
void hv_jw_str(struct hv_jw *w, struct hv_str s);
void hv_jw_strz(struct hv_jw *w, const char *z); /* NULL writes null */
void hv_jw_int(struct hv_jw *w, int64_t v);
void hv_jw_double(struct hv_jw *w, double v);
void hv_jw_bool(struct hv_jw *w, bool v);
void hv_jw_null(struct hv_jw *w);
/* Writes already-encoded JSON text as a value. */
void hv_jw_raw(struct hv_jw *w, struct hv_str json);
enum hv_err hv_jw_err(const struct hv_jw *w);

#endif
