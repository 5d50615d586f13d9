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
    hv__ref_map_finish(&w->known);
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

enum hv_err hv__reg_load_known(struct hv__reg_writer *w, const struct hv_kind_def *k)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv__reg_stmt(w->ctx->store, k, HV__SQL_ALL_REFS, &s);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        hv__ref_map_put(&w->known, hv__ref_key(k->id, hv_stmt_col_text(s, 1)),
                        hv_stmt_col_int(s, 0), NULL, 0);
    }
    w->known_loaded[k->id] = err == HV_OK;
    return err;
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
    uint64_t key = hv__ref_key(k->parent, ref);
    if (hv__ref_map_get(&w->refs, key, &id, NULL, NULL)) {
        rec->parent_id = id;
        return HV_OK;
    }
    enum hv_err err = HV_OK;
    if (w->defer_names) {
        /* Bulk mode: one scan of the parent table beats a look-up per child. */
        if (!w->known_loaded[k->parent])
            err = hv__reg_load_known(w, hv_kind(k->parent));
        if (err != HV_OK)
            return err;
        if (!hv__ref_map_get(&w->known, key, &id, NULL, NULL))
            id = 0;
    } else {
        err = lookup_ref(w->ctx->store, hv_kind(k->parent), ref, &id, NULL, NULL, NULL);
        if (err != HV_OK)
            return err;
    }
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

#define MAX_NAME_BIS HV__MAX_NAME_BIS

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

/* Computes the statement parameters of rec (sealing, blind indexes, MAC, name_bis) into
 * binds[0..*n) in parameter order (?1 ...), copies in a. Pure: no database access, so the
 * import pipeline can run it on its producer thread. */
static enum hv_err prepare_binds(const struct hv__reg_writer *w, struct hv_arena *a,
                                 const struct hv_record *rec, const uint8_t mac[32],
                                 const int64_t *bis, size_t n_bis, struct hv__bind *binds,
                                 size_t *n_binds)
{
    const struct hv_kind_def *k = rec->kind;
    const struct hv_vault *v = w->ctx->vault;
    size_t n = k->n_fields;
    size_t bi_param = n + 6;
    enum hv_err err = HV_OK;
    binds[0] = (struct hv__bind){ HV__BIND_INT, rec->id, NULL, 0 };
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        const struct hv_field_def *f = &k->fields[i];
        struct hv_str val = rec->values[i];
        struct hv__bind *b = &binds[i + 1];
        if ((int)i == k->parent_field) {
            *b = (struct hv__bind){ HV__BIND_INT, rec->parent_id, NULL, 0 };
        } else if (f->sealed) {
            if (val.len == 0) {
                *b = (struct hv__bind){ HV__BIND_NULL, 0, NULL, 0 };
            } else {
                struct hv_seal_ad ad = { k->table, f->name, rec->id };
                struct hv_str sealed;
                err = hv_vault_seal_str(v, a, &ad, val, &sealed);
                *b = (struct hv__bind){ HV__BIND_BLOB, 0, sealed.ptr, sealed.len };
            }
        } else {
            *b = (struct hv__bind){ HV__BIND_TEXT, 0, val.ptr, val.len };
        }
        if (err == HV_OK && f->blind != NULL) {
            char key[256];
            size_t kn = hv__reg_blind_key(val, key, sizeof(key));
            binds[bi_param - 1] =
                kn == 0 ? (struct hv__bind){ HV__BIND_NULL, 0, NULL, 0 }
                        : (struct hv__bind){ HV__BIND_INT, hv_vault_blind(v, f->blind, key, kn),
                                             NULL, 0 };
            bi_param++;
        }
    }
    if (err != HV_OK)
        return err;
    uint8_t *mac_copy = hv_arena_alloc(a, 32);
    if (mac_copy == NULL)
        return HV_ERR_LIMIT;
    memcpy(mac_copy, mac, 32);
    binds[n + 1] = (struct hv__bind){ HV__BIND_INT, w->now, NULL, 0 };
    binds[n + 2] = (struct hv__bind){ HV__BIND_INT, w->now, NULL, 0 };
    binds[n + 3] = (struct hv__bind){ HV__BIND_BLOB, 0, mac_copy, 32 };
    binds[n + 4] = (struct hv__bind){ HV__BIND_INT, w->audit_seq, NULL, 0 };
    if (bis != NULL) {
        uint8_t *packed = hv_arena_alloc(a, n_bis * 8 + 1);
        if (packed == NULL)
            return HV_ERR_LIMIT;
        for (size_t i = 0; i < n_bis; i++) {
            for (int b = 0; b < 8; b++)
                packed[i * 8 + (size_t)b] = (uint8_t)((uint64_t)bis[i] >> (8 * b));
        }
        binds[bi_param - 1] = (struct hv__bind){ HV__BIND_BLOB, 0, packed, n_bis * 8 };
        bi_param++;
    }
    *n_binds = bi_param - 1;
    return HV_OK;
}

enum hv_err hv__reg_apply_binds(struct hv_stmt *s, const struct hv__bind *binds, size_t n)
{
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        const struct hv__bind *b = &binds[i];
        int p = (int)i + 1;
        switch (b->type) {
        case HV__BIND_NULL:
            err = hv_stmt_bind_null(s, p);
            break;
        case HV__BIND_INT:
            err = hv_stmt_bind_int(s, p, b->i);
            break;
        case HV__BIND_TEXT:
            err = hv_stmt_bind_text(s, p, (struct hv_str){ b->p, b->n });
            break;
        case HV__BIND_BLOB:
            err = hv_stmt_bind_blob(s, p, b->p, b->n);
            break;
        }
    }
    return err;
}

static enum hv_err bind_record(struct hv__reg_writer *w, struct hv_arena *a, struct hv_stmt *s,
                               const struct hv_record *rec, const uint8_t mac[32],
                               const int64_t *bis, size_t n_bis)
{
    struct hv__bind binds[HV__MAX_BINDS];
    size_t n = 0;
    enum hv_err err = prepare_binds(w, a, rec, mac, bis, n_bis, binds, &n);
    if (err == HV_OK)
        err = hv__reg_apply_binds(s, binds, n);
    return err;
}

/* Records a written row in the transaction's change hash. */
static void hash_change(struct hv__reg_writer *w, const struct hv_record *rec,
                        const uint8_t mac[32])
{
    uint8_t tag[9];
    tag[0] = (uint8_t)rec->kind->id;
    for (int i = 0; i < 8; i++)
        tag[1 + i] = (uint8_t)((uint64_t)rec->id >> (8 * i));
    hv_hash_update(&w->change, tag, sizeof(tag));
    hv_hash_update(&w->change, mac, 32);
}

/* The duplicate-ref check shared by both paths. */
static enum hv_err check_new_ref(struct hv__reg_writer *w, const struct hv_record *rec,
                                 uint64_t key, struct hv_diag *diag)
{
    const char *first_file = NULL;
    uint64_t first_line = 0;
    if (hv__ref_map_get(&w->refs, key, NULL, &first_file, &first_line)) {
        hv_diag_set(diag, "ref", "\"%.*s\" appears twice in this import (first at %s:%llu)",
                    (int)rec->values[0].len, rec->values[0].ptr, first_file ? first_file : "?",
                    (unsigned long long)first_line);
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

enum hv_err hv__reg_claim_new(struct hv__reg_writer *w, struct hv_record *rec, const char *file,
                              uint64_t line, struct hv_diag *diag)
{
    uint64_t key = hv__ref_key(rec->kind->id, rec->values[0]);
    enum hv_err err = check_new_ref(w, rec, key, diag);
    if (err != HV_OK)
        return err;
    rec->id = w->next_id[rec->kind->id]++;
    hv__ref_map_put(&w->refs, key, rec->id, file, line);
    return HV_OK;
}

enum hv_err hv__reg_seal_new(const struct hv__reg_writer *w, struct hv_arena *a,
                             const struct hv_record *rec, struct hv_buf *scratch,
                             struct hv__prepared *out)
{
    record_mac(w->ctx->vault, rec, out->mac, scratch);
    bool named = rec->kind->id == HV_KIND_PERSON;
    out->n_bis = named ? name_bis(w->ctx->vault, rec, out->bis) : 0;
    out->kind = rec->kind;
    out->id = rec->id;
    return prepare_binds(w, a, rec, out->mac, named ? out->bis : NULL, out->n_bis, out->binds,
                         &out->n_binds);
}

enum hv_err hv__reg_insert_prepared(struct hv__reg_writer *w, const struct hv__prepared *p,
                                    struct hv_diag *diag)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv__reg_stmt(w->ctx->store, p->kind, HV__SQL_INSERT, &s);
    if (err == HV_OK)
        err = hv__reg_apply_binds(s, p->binds, p->n_binds);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_ERR_CONFLICT && p->kind->id == HV_KIND_PERSON) {
        hv_diag_set(diag, "relation", "the case already has a principal applicant");
        return HV_ERR_INVALID;
    }
    if (err == HV_OK && p->n_bis > 0)
        err = reindex_person(w, p->id, HV_STR_NULL, p->bis, p->n_bis); /* deferred */
    if (err != HV_OK)
        return err;
    struct hv_record tag = { .kind = p->kind, .id = p->id };
    hash_change(w, &tag, p->mac);
    return HV_OK;
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
    enum hv_err err = check_new_ref(w, rec, key, diag);
    if (err != HV_OK)
        return err;
    uint8_t old_mac[32], mac[32];
    int64_t id = 0;
    bool named = k->id == HV_KIND_PERSON;
    struct hv_str old_bis = HV_STR_NULL;
    /* A table that was empty when the transaction began holds only this transaction's rows,
     * and those are all in the map: no need to ask the database. */
    if (!w->was_empty[k->id])
        err = lookup_ref(ctx->store, k, rec->values[0], &id, old_mac, a, named ? &old_bis : NULL);
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
    hash_change(w, rec, mac);
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
