/* edit.c - corrects one field of one record: validated as on import, written with its
 * audit entry in one transaction.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <stdio.h>
#include <string.h>

#include "haven/audit.h"
#include "registry/registry_int.h"

enum hv_err hv_record_edit(struct hv_ctx *ctx, const struct hv_kind_def *k, struct hv_str ref,
                           struct hv_str field, struct hv_str value, struct hv_diag *diag)
{
    int fi = hv_kind_field(k, field);
    if (fi < 0) {
        hv_diag_set(diag, "field", "a %s has no field \"%.*s\"", k->name,
                    (int)(field.len > 64 ? 64 : field.len), field.ptr);
        return HV_ERR_INVALID;
    }
    if (fi == 0) {
        hv_diag_set(diag, "ref", "the ref of a record cannot be changed");
        return HV_ERR_INVALID;
    }
    struct hv_arena a;
    hv_arena_init(&a, 4u << 20);
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        goto out;
    struct hv_record rec;
    err = hv_record_get(ctx, &a, k, ref, &rec);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(diag, "ref", "no %s has ref \"%.*s\"", k->name,
                    (int)(ref.len > 64 ? 64 : ref.len), ref.ptr);
    struct hv__reg_writer w;
    memset(&w, 0, sizeof(w));
    if (err == HV_OK)
        err = hv__reg_writer_init(&w, ctx);
    if (err == HV_OK) {
        rec.values[fi] = value;
        err = hv_record_validate(&a, &rec, diag);
    }
    if (err == HV_OK)
        err = hv__reg_resolve_parent(&w, &rec, diag);
    enum hv__reg_outcome outcome = HV__REG_UNCHANGED;
    if (err == HV_OK)
        err = hv__reg_upsert(&w, &a, &rec, &outcome, NULL, 0, diag);
    if (err == HV_OK && outcome != HV__REG_UNCHANGED) {
        char action[48], detail[160];
        uint8_t change[32];
        snprintf(action, sizeof(action), "%s.edit", k->name);
        snprintf(detail, sizeof(detail), "field=%s", k->fields[fi].name);
        hv_hash_final(&w.change, change);
        int64_t seq = 0;
        err = hv_audit_append(ctx, action, k->name, rec.id, detail, change, &seq);
    }
    if (err == HV_OK)
        err = hv__reg_writer_finish(&w);
    else
        hv__reg_writer_discard(&w);
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    else
        hv_store_rollback(ctx->store);
out:
    hv_arena_finish(&a);
    return err;
}
