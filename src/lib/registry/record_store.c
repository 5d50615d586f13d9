/* record_store.c - writes records to their tables (sealing personal fields, keeping blind
 * indexes and the person name index current) and reads them back.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <stdlib.h>
#include <string.h>

#include "haven/buf.h"
#include "haven/clock.h"
#include "registry/registry_int.h"

enum hv_err hv__reg_next_audit_seq(struct hv_ctx *ctx, int64_t *out)
{
    static const char sql[] = "SELECT seq FROM audit_head WHERE id = 1";
    int64_t head = 0;
    enum hv_err err = hv_store_query_int(ctx->store, sql, false, 0, 0, &head);
    *out = head + 1;
    return err;
}

enum hv_err hv__reg_writer_init(struct hv__reg_writer *w, struct hv_ctx *ctx)
{
    memset(w, 0, sizeof(*w));
    w->ctx = ctx;
    w->now = hv_clock_now(&ctx->clock);
    hv_hash_init(&w->change);
    hv_buf_init(&w->scratch, 1u << 20);
    for (int i = 0; i < HV_N_KINDS; i++) {
        struct hv_stmt *s = NULL;
        enum hv_err err = hv__reg_stmt(ctx->store, hv_kind(i), HV__SQL_MAX_ID, &s);
        bool row = false;
        if (err == HV_OK)
            err = hv_stmt_step(s, &row);
        if (err != HV_OK)
            return err;
        int64_t max_id = row ? hv_stmt_col_int(s, 0) : 0;
        w->next_id[i] = max_id + 1;
        w->was_empty[i] = max_id == 0;
    }
    return hv__reg_next_audit_seq(ctx, &w->audit_seq);
}

void hv__reg_writer_discard(struct hv__reg_writer *w)
{
    hv__ref_map_finish(&w->refs);
    free(w->names);
    w->names = NULL;
    w->n_names = w->cap_names = 0;
    hv_buf_finish(&w->scratch);
}

enum hv_err hv__reg_writer_finish(struct hv__reg_writer *w)
{
    enum hv_err err = HV_OK;
    if (w->n_names > 0)
        err = hv__name_index_add_many(w->ctx, w->names, w->n_names);
    hv__reg_writer_discard(w);
    return err;
}

static enum hv_err lookup_ref(struct hv_store *st, const struct hv_kind_def *k, struct hv_str ref,
                              int64_t *id, uint8_t mac[32], struct hv_arena *a,
                              struct hv_str *old_bis)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv__reg_stmt(st, k, HV__SQL_SELECT_REF, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    bool row = false;
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        *id = 0;
        return HV_OK;
    }
    *id = hv_stmt_col_int(s, 0);
    if (mac != NULL) {
        struct hv_str m = hv_stmt_col_blob(s, 1);
        memset(mac, 0, 32);
        if (m.len == 32)
            memcpy(mac, m.ptr, 32);
    }
    if (old_bis != NULL) {
        struct hv_str b = hv_stmt_col_blob(s, 2);
        *old_bis = HV_STR_NULL;
        if (b.len > 0) {
            char *copy = hv_arena_alloc(a, b.len);
            if (copy == NULL)
                return HV_ERR_LIMIT;
            memcpy(copy, b.ptr, b.len);
            *old_bis = (struct hv_str){ copy, b.len };
        }
    }
    return HV_OK;
}

enum hv_err hv__reg_resolve_parent(struct hv__reg_writer *w, struct hv_record *rec,
                                   struct hv_diag *diag)
{
    const struct hv_kind_def *k = rec->kind;
    if (k->parent_field < 0) {
        rec->parent_id = 0;
        return HV_OK;
    }
    struct hv_str ref = rec->values[k->parent_field];
    int64_t id = 0;
    if (hv__ref_map_get(&w->refs, hv__ref_key(k->parent, ref), &id, NULL, NULL)) {
        rec->parent_id = id;
        return HV_OK;
    }
    enum hv_err err = lookup_ref(w->ctx->store, hv_kind(k->parent), ref, &id, NULL, NULL, NULL);
    if (err != HV_OK)
        return err;
    if (id == 0) {
        hv_diag_set(diag, k->fields[k->parent_field].name, "no %s has ref \"%.*s\"",
                    hv_kind(k->parent)->name, (int)(ref.len > 64 ? 64 : ref.len), ref.ptr);
        return HV_ERR_INVALID;
    }
    rec->parent_id = id;
    return HV_OK;
}

/* Keyed fingerprint of a record's content: equal content gives an equal MAC. */
static void record_mac(const struct hv_vault *v, const struct hv_record *rec, uint8_t out[32],
                       struct hv_buf *scratch)
{
    hv_buf_reset(scratch);
    enum hv_err err = hv_buf_appendz(scratch, rec->kind->name);
    for (size_t i = 0; i < rec->kind->n_fields && err == HV_OK; i++) {
        uint32_t n = (uint32_t)rec->values[i].len;
        uint8_t len[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
        err = hv_buf_append(scratch, len, 4);
        if (err == HV_OK)
            err = hv_buf_append(scratch, rec->values[i].ptr, rec->values[i].len);
    }
    hv_vault_mac(v, scratch->ptr, scratch->len, out);
}

#define MAX_NAME_BIS 64

/* The blind index of every normalised token of every name part of rec (at most
 * MAX_NAME_BIS), split on spaces and punctuation. */
static size_t name_bis(const struct hv_vault *v, const struct hv_record *rec, int64_t *out)
{
    size_t n_out = 0;
    for (size_t f = 0; f < rec->kind->n_fields; f++) {
        struct hv_str name = rec->values[f];
        if (!rec->kind->fields[f].name_part || name.len == 0)
            continue;
        size_t start = 0;
        for (size_t i = 0; i <= name.len && n_out < MAX_NAME_BIS; i++) {
            char c = i < name.len ? name.ptr[i] : ' ';
            if (!(c == ' ' || c == '-' || c == ',' || c == '.' || c == '\t' || c == '(' ||
                  c == ')' || c == '/'))
                continue;
            if (i > start) {
                char key[256];
                size_t kn = hv_registry_name_key((struct hv_str){ name.ptr + start, i - start },
                                                 key, sizeof(key));
                if (kn > 0)
                    out[n_out++] = hv_vault_blind(v, "name", key, kn);
            }
            start = i + 1;
        }
    }
    return n_out;
}

/* Replaces a person's name-index entries: the old ones (from its name_bis) go, the new ones
 * come, now or, in bulk mode, sorted at finish. */
static enum hv_err reindex_person(struct hv__reg_writer *w, int64_t person_id,
                                  struct hv_str old_bis, const int64_t *bis, size_t n_bis)
{
    enum hv_err err = HV_OK;
    for (size_t i = 0; i + 8 <= old_bis.len && err == HV_OK; i += 8) {
        uint64_t bi = 0;
        for (int b = 0; b < 8; b++)
            bi |= (uint64_t)(unsigned char)old_bis.ptr[i + (size_t)b] << (8 * b);
        err = hv__name_index_remove(w->ctx, (int64_t)bi, person_id);
    }
    for (size_t i = 0; i < n_bis && err == HV_OK; i++) {
        if (w->defer_names) {
            if (w->n_names == w->cap_names) {
                w->cap_names = w->cap_names ? w->cap_names * 2 : 65536;
                w->names = hv_xrealloc(w->names, w->cap_names * sizeof(*w->names));
            }
            w->names[w->n_names++] = (struct hv__name_pair){ bis[i], person_id };
        } else {
            err = hv__name_index_add(w->ctx, bis[i], person_id);
        }
    }
    return err;
}

static enum hv_err bind_record(struct hv__reg_writer *w, struct hv_arena *a, struct hv_stmt *s,
                               const struct hv_record *rec, const uint8_t mac[32],
                               const int64_t *bis, size_t n_bis)
{
    const struct hv_kind_def *k = rec->kind;
    const struct hv_vault *v = w->ctx->vault;
    size_t n = k->n_fields;
    enum hv_err err = hv_stmt_bind_int(s, 1, rec->id);
    size_t bi_param = n + 6;
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        const struct hv_field_def *f = &k->fields[i];
        struct hv_str val = rec->values[i];
        int p = (int)(i + 2);
        if ((int)i == k->parent_field) {
            err = hv_stmt_bind_int(s, p, rec->parent_id);
        } else if (f->sealed) {
            if (val.len == 0) {
                err = hv_stmt_bind_null(s, p);
            } else {
                struct hv_seal_ad ad = { k->table, f->name, rec->id };
                struct hv_str sealed;
                err = hv_vault_seal_str(v, a, &ad, val, &sealed);
                if (err == HV_OK)
                    err = hv_stmt_bind_blob(s, p, sealed.ptr, sealed.len);
            }
        } else {
            err = hv_stmt_bind_text(s, p, val);
        }
        if (err == HV_OK && f->blind != NULL) {
            char key[256];
            size_t kn = hv__reg_blind_key(val, key, sizeof(key));
            if (kn == 0)
                err = hv_stmt_bind_null(s, (int)bi_param);
            else
                err = hv_stmt_bind_int(s, (int)bi_param, hv_vault_blind(v, f->blind, key, kn));
            bi_param++;
        }
    }
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, (int)n + 2, w->now);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, (int)n + 3, w->now);
    if (err == HV_OK)
        err = hv_stmt_bind_blob(s, (int)n + 4, mac, 32);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, (int)n + 5, w->audit_seq);
    if (err == HV_OK && bis != NULL) {
        uint8_t packed[MAX_NAME_BIS * 8];
        for (size_t i = 0; i < n_bis; i++) {
            for (int b = 0; b < 8; b++)
                packed[i * 8 + (size_t)b] = (uint8_t)((uint64_t)bis[i] >> (8 * b));
        }
        err = hv_stmt_bind_blob(s, (int)bi_param, packed, n_bis * 8);
    }
    return err;
}

enum hv_err hv__reg_upsert(struct hv__reg_writer *w, struct hv_arena *a, struct hv_record *rec,
                           enum hv__reg_outcome *outcome, const char *file, uint64_t line,
                           struct hv_diag *diag)
{
    struct hv_ctx *ctx = w->ctx;
    const struct hv_kind_def *k = rec->kind;
    if (ctx->vault == NULL) {
        hv_diag_set(diag, "key", "no key was given: the registry cannot be written");
        return HV_ERR_CRYPTO;
    }
    uint64_t key = hv__ref_key(k->id, rec->values[0]);
    const char *first_file = NULL;
    uint64_t first_line = 0;
    if (hv__ref_map_get(&w->refs, key, NULL, &first_file, &first_line)) {
        hv_diag_set(diag, "ref", "\"%.*s\" appears twice in this import (first at %s:%llu)",
                    (int)rec->values[0].len, rec->values[0].ptr, first_file ? first_file : "?",
                    (unsigned long long)first_line);
        return HV_ERR_INVALID;
    }
    uint8_t old_mac[32], mac[32];
    int64_t id = 0;
    enum hv_err err = HV_OK;
    bool named = k->id == HV_KIND_PERSON;
    struct hv_str old_bis = HV_STR_NULL;
    /* A table that was empty when the transaction began holds only this transaction's rows,
     * and those are all in the map: no need to ask the database. */
    if (!w->was_empty[k->id])
        err = lookup_ref(ctx->store, k, rec->values[0], &id, old_mac, a,
                         named ? &old_bis : NULL);
    if (err != HV_OK)
        return err;
    record_mac(ctx->vault, rec, mac, &w->scratch);
    if (id != 0 && memcmp(mac, old_mac, 32) == 0) {
        rec->id = id;
        hv__ref_map_put(&w->refs, key, id, file, line);
        *outcome = HV__REG_UNCHANGED;
        return HV_OK;
    }
    bool fresh = id == 0;
    rec->id = fresh ? w->next_id[k->id]++ : id;
    struct hv_stmt *s = NULL;
    int64_t bis[MAX_NAME_BIS];
    size_t n_bis = named ? name_bis(ctx->vault, rec, bis) : 0;
    err = hv__reg_stmt(ctx->store, k, fresh ? HV__SQL_INSERT : HV__SQL_UPDATE, &s);
    if (err == HV_OK)
        err = bind_record(w, a, s, rec, mac, named ? bis : NULL, n_bis);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_ERR_CONFLICT && k->id == HV_KIND_PERSON) {
        hv_diag_set(diag, "relation", "the case already has a principal applicant");
        return HV_ERR_INVALID;
    }
    if (err == HV_OK && named)
        err = reindex_person(w, rec->id, old_bis, bis, n_bis);
    if (err != HV_OK)
        return err;
    hv__ref_map_put(&w->refs, key, rec->id, file, line);
    uint8_t tag[9];
    tag[0] = (uint8_t)k->id;
    for (int i = 0; i < 8; i++)
        tag[1 + i] = (uint8_t)((uint64_t)rec->id >> (8 * i));
    hv_hash_update(&w->change, tag, sizeof(tag));
    hv_hash_update(&w->change, mac, sizeof(mac));
    *outcome = fresh ? HV__REG_CREATED : HV__REG_UPDATED;
    return HV_OK;
}

enum hv_err hv__reg_rewrite(struct hv__reg_writer *w, struct hv_arena *a, struct hv_record *rec)
{
    uint8_t mac[32];
    record_mac(w->ctx->vault, rec, mac, &w->scratch);
    bool named = rec->kind->id == HV_KIND_PERSON;
    int64_t bis[MAX_NAME_BIS];
    size_t n_bis = named ? name_bis(w->ctx->vault, rec, bis) : 0;
    struct hv_stmt *s = NULL;
    enum hv_err err = hv__reg_stmt(w->ctx->store, rec->kind, HV__SQL_UPDATE, &s);
    if (err == HV_OK)
        err = bind_record(w, a, s, rec, mac, named ? bis : NULL, n_bis);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

enum hv_err hv__reg_row(struct hv_ctx *ctx, struct hv_arena *a, const struct hv_kind_def *k,
                        struct hv_stmt *s, struct hv_record *rec)
{
    memset(rec, 0, sizeof(*rec));
    rec->kind = k;
    rec->id = hv_stmt_col_int(s, 0);
    rec->audit_seq = hv_stmt_col_int(s, 1);
    rec->parent_id = hv_stmt_col_int(s, 2);
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct hv_field_def *f = &k->fields[i];
        int col = (int)i + 3;
        if (f->sealed) {
            struct hv_str sealed = hv_stmt_col_blob(s, col);
            if (sealed.len == 0)
                continue;
            if (ctx->vault == NULL)
                return HV_ERR_CRYPTO;
            struct hv_seal_ad ad = { k->table, f->name, rec->id };
            enum hv_err err = hv_vault_unseal_str(ctx->vault, a, &ad, sealed, &rec->values[i]);
            if (err != HV_OK)
                return err;
        } else {
            struct hv_str t = hv_stmt_col_text(s, col);
            if (t.len == 0)
                continue;
            char *z = hv_str_dupz(a, t);
            if (z == NULL)
                return HV_ERR_LIMIT;
            rec->values[i] = (struct hv_str){ z, t.len };
        }
    }
    return HV_OK;
}
