/* record_out.h - printing registry records as text or JSON.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_RECORD_OUT_H
#define HV_RECORD_OUT_H

#include <stdio.h>

#include "haven/jsonw.h"
#include "haven/registry.h"

/* "  field: value" lines for the non-empty fields, indented by indent spaces. */
void record_print(FILE *out, const struct hv_record *rec, int indent);
/* The record as a JSON object (lists as arrays, numbers as numbers). */
void record_json(struct hv_jw *w, const struct hv_record *rec);
/* Appends an audit entry for a read of personal data in its own transaction. */
HV_MUST_CHECK enum hv_err audit_read(struct hv_ctx *ctx, const char *action, const char *entity,
                                     int64_t id, const char *detail);

#endif
