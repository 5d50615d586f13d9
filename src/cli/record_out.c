/* record_out.c - printing registry records as text or JSON, and auditing the reads.
 * SPDX-License-Identifier: Apache-2.0 */
#include "record_out.h"

#include "haven/audit.h"
#include "haven/store.h"

void record_print(FILE *out, const struct hv_record *rec, int indent)
{
    for (size_t i = 0; i < rec->kind->n_fields; i++) {
        if (rec->values[i].len == 0)
            continue;
        fprintf(out, "%*s%-17s %.*s\n", indent, "", rec->kind->fields[i].name,
                HV_STR_ARG(rec->values[i]));
    }
}

void record_json(struct hv_jw *w, const struct hv_record *rec)
{
    const struct hv_kind_def *k = rec->kind;
    hv_jw_object_begin(w);
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct hv_field_def *f = &k->fields[i];
        struct hv_str v = rec->values[i];
        if (v.len == 0)
            continue;
        hv_jw_key(w, f->name);
        if (f->type == HV_FT_LIST) {
            hv_jw_array_begin(w);
            size_t start = 0;
            for (size_t j = 0; j <= v.len; j++) {
                if (j == v.len || v.ptr[j] == ';') {
                    hv_jw_str(w, (struct hv_str){ v.ptr + start, j - start });
                    start = j + 1;
                }
            }
            hv_jw_array_end(w);
        } else if (f->type == HV_FT_INT || f->type == HV_FT_REAL) {
            hv_jw_raw(w, v);
        } else {
            hv_jw_str(w, v);
        }
    }
    hv_jw_object_end(w);
}

enum hv_err audit_read(struct hv_ctx *ctx, const char *action, const char *entity, int64_t id,
                       const char *detail)
{
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    err = hv_audit_append(ctx, action, entity, id, detail, NULL, NULL);
    if (err == HV_OK)
        return hv_store_commit(ctx->store);
    hv_store_rollback(ctx->store);
    return err;
}
