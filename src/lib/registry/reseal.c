/* reseal.c - re-encrypts every sealed field under the current data key, so that old data
 * keys can be retired after a rotation.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/audit.h"
#include "registry/registry_int.h"

/* Ids are collected first: rows are rewritten while no read statement of their table is
 * open. */
static enum hv_err collect_ids(struct hv_ctx *ctx, const struct hv_kind_def *k, int64_t **ids,
                               size_t *n)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv__reg_stmt(ctx->store, k, HV__SQL_EACH, &s);
    size_t cap = 1024;
    *ids = hv_xmalloc(cap * sizeof(**ids));
    *n = 0;
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        if (*n == cap) {
            cap *= 2;
            *ids = hv_xrealloc(*ids, cap * sizeof(**ids));
        }
        (*ids)[(*n)++] = hv_stmt_col_int(s, 0);
    }
    return err;
}

enum hv_err hv_registry_reseal(struct hv_ctx *ctx, uint64_t *n_records, struct hv_diag *diag)
{
    *n_records = 0;
    if (ctx->vault == NULL) {
        hv_diag_set(diag, "key", "no key was given");
        return HV_ERR_CRYPTO;
    }
    int64_t total_rows = 0;
    int64_t counts[HV_N_KINDS];
    enum hv_err err = hv_registry_counts(ctx, counts);
    for (int k = 0; k < HV_N_KINDS; k++)
        total_rows += counts[k];
    if (err == HV_OK)
        err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    struct hv__reg_writer w;
    memset(&w, 0, sizeof(w));
    err = hv__reg_writer_init(&w, ctx);
    struct hv_arena a;
    hv_arena_init(&a, 4u << 20);
    for (int k = 0; k < HV_N_KINDS && err == HV_OK; k++) {
        const struct hv_kind_def *kd = hv_kind(k);
        int64_t *ids = NULL;
        size_t n = 0;
        err = collect_ids(ctx, kd, &ids, &n);
        for (size_t i = 0; i < n && err == HV_OK; i++) {
            struct hv_record rec;
            err = hv_record_get_id(ctx, &a, kd, ids[i], &rec);
            if (err == HV_OK)
                err = hv__reg_rewrite(&w, &a, &rec);
            hv_arena_reset(&a);
            (*n_records)++;
            if ((*n_records & 1023) == 0)
                hv_progress_report(&ctx->progress, "reseal", *n_records, (uint64_t)total_rows);
        }
        free(ids);
    }
    hv_arena_finish(&a);
    hv__reg_writer_discard(&w); /* a rewrite changes no name: nothing deferred */
    if (err == HV_OK) {
        char detail[64];
        snprintf(detail, sizeof(detail), "records=%llu", (unsigned long long)*n_records);
        err = hv_audit_append(ctx, "key.reseal", "registry", 0, detail, NULL, NULL);
    }
    if (err == HV_OK)
        err = hv_store_commit(ctx->store);
    else
        hv_store_rollback(ctx->store);
    return err;
}
