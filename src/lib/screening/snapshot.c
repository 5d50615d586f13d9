/* snapshot.c - watchlist snapshots in the database: every load stored as a new version of its
 * list (entries and names), read back into a list for the index, listed, and compared entry by
 * entry (added, removed, changed by content hash).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/audit.h"
#include "haven/store.h"
#include "screening/screening_int.h"

static void hex32(const uint8_t h[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[64] = '\0';
}

static enum hv_err store_entry(struct hv_store *st, struct hv_arena *a, int64_t snap,
                               const struct hv_wl_entry *e)
{
    static const char ins_entry[] =
        "INSERT INTO wl_entry (snapshot_id, ref, list_type, individual, sex, dobs,"
        " nationalities, content_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    static const char ins_name[] =
        "INSERT INTO wl_name (entry_id, seq, kind, name) VALUES (?1, ?2, ?3, ?4)";
    static const char last_id[] = "SELECT last_insert_rowid()";
    struct hv_stmt *s = NULL;
    char h[65], sex[2] = { e->sex, '\0' };
    hex32(e->hash, h);
    enum hv_err err = hv_store_stmt(st, ins_entry, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, snap);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(e->ref));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(e->list_type));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, e->individual ? 1 : 0);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, hv_str_c(sex));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 6, hv_str_c(hv__wl_dobs_text(a, e)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 7, hv_str_c(hv__wl_nats_text(a, e)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 8, hv_str_c(h));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    int64_t id = 0;
    if (err == HV_OK)
        err = hv_store_query_int(st, last_id, false, 0, 0, &id);
    for (size_t i = 0; err == HV_OK && i < e->n_names; i++) {
        err = hv_store_stmt(st, ins_name, &s);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 1, id);
        if (err == HV_OK)
            err = hv_stmt_bind_int(s, 2, (int64_t)i);
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 3, hv_str_c(hv_wl_name_kind_str(e->names[i].kind)));
        if (err == HV_OK)
            err = hv_stmt_bind_text(s, 4, hv_str_c(e->names[i].text));
        if (err == HV_OK)
            err = hv_stmt_run(s);
    }
    return err;
}

enum hv_err hv_wl_snapshot_store(struct hv_ctx *ctx, struct hv_wl_list *list, int64_t *snapshot_id,
                                 struct hv_diag *diag)
{
    static const char ins[] =
        "INSERT INTO wl_snapshot (list_name, source, file_hash, loaded_at, loaded_by, n_entries,"
        " is_current) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)";
    static const char clear_cur[] =
        "UPDATE wl_snapshot SET is_current = 0 WHERE list_name = ?1 AND is_current = 1";
    static const char last_id[] = "SELECT last_insert_rowid()";
    struct hv_store *st = ctx->store;
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_stmt *s = NULL;
    int64_t id = 0;
    enum hv_err err = hv_store_begin(st);
    if (err != HV_OK)
        goto out;
    err = hv_store_stmt(st, clear_cur, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(list->name));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = hv_store_stmt(st, ins, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, hv_str_c(list->name));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hv_wl_source_name(list->source)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(list->file_hash));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, hv_clock_now(&ctx->clock));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, hv_str_c(ctx->actor != NULL ? ctx->actor : ""));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 6, (int64_t)list->n_entries);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = hv_store_query_int(st, last_id, false, 0, 0, &id);
    for (size_t i = 0; err == HV_OK && i < list->n_entries; i++) {
        err = store_entry(st, &a, id, &list->entries[i]);
        if (err == HV_ERR_CONFLICT)
            hv_diag_set(diag, "ref", "duplicate entry reference %.60s", list->entries[i].ref);
        hv_arena_reset(&a);
    }
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof(detail), "list=%.40s source=%s entries=%zu hash=%.16s", list->name,
                 hv_wl_source_name(list->source), list->n_entries, list->file_hash);
        err = hv_audit_append(ctx, "lists.load", "wl_snapshot", id, detail, NULL, NULL);
    }
    if (err == HV_OK)
        err = hv_store_commit(st);
    if (err != HV_OK) {
        hv_store_rollback(st);
        goto out;
    }
    list->snapshot_id = id;
    if (snapshot_id != NULL)
        *snapshot_id = id;
out:
    hv_arena_finish(&a);
    return err;
}

enum hv_err hv_wl_snapshot_load(struct hv_ctx *ctx, int64_t snapshot_id, struct hv_wl_list **out,
                                struct hv_diag *diag)
{
    static const char snap_sql[] =
        "SELECT list_name, source, file_hash FROM wl_snapshot WHERE id = ?1";
    static const char entries_sql[] =
        "SELECT e.id, e.ref, e.list_type, e.individual, e.sex, e.dobs, e.nationalities,"
        " n.kind, n.name FROM wl_entry e JOIN wl_name n ON n.entry_id = e.id"
        " WHERE e.snapshot_id = ?1 ORDER BY e.ref, e.id, n.seq";
    struct hv_store *st = ctx->store;
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(st, snap_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, snapshot_id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(diag, NULL, "no snapshot %lld", (long long)snapshot_id);
        return HV_ERR_NOTFOUND;
    }
    char name[64];
    struct hv_str nm = hv_stmt_col_text(s, 0);
    snprintf(name, sizeof(name), "%.*s", (int)(nm.len < 63 ? nm.len : 63), nm.ptr);
    char src[16];
    struct hv_str sv = hv_stmt_col_text(s, 1);
    snprintf(src, sizeof(src), "%.*s", (int)(sv.len < 15 ? sv.len : 15), sv.ptr);
    enum hv_wl_source source = HV_WL_CUSTOM;
    if (!hv_wl_source_parse(src, &source))
        return HV_ERR_INTERNAL;
    struct hv_wl_list *l = hv_wl_list_create(name, source);
    struct hv_str fh = hv_stmt_col_text(s, 2);
    snprintf(l->file_hash, sizeof(l->file_hash), "%.*s", (int)(fh.len < 64 ? fh.len : 64), fh.ptr);
    l->snapshot_id = snapshot_id;
    struct hv__wl_builder *b = hv_xmalloc(sizeof(*b));
    hv__wl_begin(b, l);
    int64_t cur = 0;
    err = hv_store_stmt(st, entries_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, snapshot_id);
    while (err == HV_OK) {
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        int64_t eid = hv_stmt_col_int(s, 0);
        if (eid != cur) {
            if (cur != 0)
                err = hv__wl_end(b, diag);
            if (err != HV_OK)
                break;
            hv__wl_begin(b, l);
            cur = eid;
            b->ref = hv__wl_text(l, hv_stmt_col_text(s, 1));
            b->list_type = hv__wl_text(l, hv_stmt_col_text(s, 2));
            b->individual = hv_stmt_col_int(s, 3) != 0;
            struct hv_str sex = hv_stmt_col_text(s, 4);
            b->sex = sex.len == 1 ? sex.ptr[0] : 0;
            err = hv__wl_parse_dobs(b, hv_stmt_col_text(s, 5));
            if (err == HV_OK)
                err = hv__wl_parse_nats(b, hv_stmt_col_text(s, 6));
            if (err != HV_OK)
                break;
        }
        enum hv_wl_name_kind k = HV_WL_NAME_ALIAS;
        if (!hv_wl_name_kind_parse(hv_stmt_col_text(s, 7), &k)) {
            err = HV_ERR_INTERNAL;
            break;
        }
        err = hv__wl_add_name(b, k, hv_stmt_col_text(s, 8));
    }
    if (err == HV_OK && cur != 0)
        err = hv__wl_end(b, diag);
    free(b);
    if (err != HV_OK) {
        hv_wl_list_destroy(l);
        return err == HV_ERR_INVALID || err == HV_ERR_LIMIT ? HV_ERR_INTERNAL : err;
    }
    *out = l;
    return HV_OK;
}

void hv_wl_lists_free(struct hv_wl_list **lists, size_t n)
{
    if (lists == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        hv_wl_list_destroy(lists[i]);
    free(lists);
}

enum hv_err hv_wl_current(struct hv_ctx *ctx, struct hv_wl_list ***lists, size_t *n,
                          struct hv_diag *diag)
{
    static const char sql[] = "SELECT id FROM wl_snapshot WHERE is_current = 1 ORDER BY list_name";
    int64_t ids[64];
    size_t k = 0;
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    while (err == HV_OK) {
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        if (k == HV_ARRAY_LEN(ids)) {
            hv_diag_set(diag, NULL, "more than %zu lists", HV_ARRAY_LEN(ids));
            return HV_ERR_LIMIT;
        }
        ids[k++] = hv_stmt_col_int(s, 0);
    }
    if (err != HV_OK)
        return err;
    struct hv_wl_list **out = hv_xcalloc(k > 0 ? k : 1, sizeof(*out));
    for (size_t i = 0; i < k; i++) {
        err = hv_wl_snapshot_load(ctx, ids[i], &out[i], diag);
        if (err != HV_OK) {
            hv_wl_lists_free(out, i);
            return err;
        }
    }
    *lists = out;
    *n = k;
    return HV_OK;
}

enum hv_err hv_wl_snapshot_each(struct hv_ctx *ctx, hv_wl_snapshot_fn *fn, void *ud)
{
    static const char sql[] = "SELECT id, list_name, source, file_hash, loaded_at, n_entries,"
                              " is_current FROM wl_snapshot ORDER BY id";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    while (err == HV_OK) {
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        struct hv_wl_snapshot_info in;
        memset(&in, 0, sizeof(in));
        in.id = hv_stmt_col_int(s, 0);
        struct hv_str t = hv_stmt_col_text(s, 1);
        snprintf(in.name, sizeof(in.name), "%.*s", (int)(t.len < 63 ? t.len : 63), t.ptr);
        t = hv_stmt_col_text(s, 2);
        snprintf(in.source, sizeof(in.source), "%.*s", (int)(t.len < 15 ? t.len : 15), t.ptr);
        t = hv_stmt_col_text(s, 3);
        snprintf(in.file_hash, sizeof(in.file_hash), "%.*s", (int)(t.len < 64 ? t.len : 64), t.ptr);
        in.loaded_at = hv_stmt_col_int(s, 4);
        in.n_entries = hv_stmt_col_int(s, 5);
        in.current = hv_stmt_col_int(s, 6) != 0;
        err = fn(ud, &in);
    }
    return err;
}

const char *hv_wl_change_str(enum hv_wl_change c)
{
    switch (c) {
    case HV_WL_ADDED:
        return "added";
    case HV_WL_REMOVED:
        return "removed";
    case HV_WL_CHANGED:
        return "changed";
    }
    return "?";
}

static int ent_ptr_cmp(const void *pa, const void *pb)
{
    const struct hv_wl_entry *const *a = pa, *const *b = pb;
    return strcmp((*a)->ref, (*b)->ref);
}

static const struct hv_wl_entry **sorted(const struct hv_wl_list *l)
{
    const struct hv_wl_entry **p = hv_xmalloc((l->n_entries + 1) * sizeof(*p));
    for (size_t i = 0; i < l->n_entries; i++)
        p[i] = &l->entries[i];
    qsort(p, l->n_entries, sizeof(*p), ent_ptr_cmp);
    return p;
}

enum hv_err hv_wl_diff(const struct hv_wl_list *a, const struct hv_wl_list *b, hv_wl_diff_fn *fn,
                       void *ud)
{
    const struct hv_wl_entry **pa = sorted(a), **pb = sorted(b);
    size_t i = 0, j = 0;
    enum hv_err err = HV_OK;
    while (err == HV_OK && (i < a->n_entries || j < b->n_entries)) {
        int c = i == a->n_entries ? 1 : j == b->n_entries ? -1 : strcmp(pa[i]->ref, pb[j]->ref);
        if (c < 0) {
            err = fn(ud, HV_WL_REMOVED, pa[i++]);
        } else if (c > 0) {
            err = fn(ud, HV_WL_ADDED, pb[j++]);
        } else {
            if (memcmp(pa[i]->hash, pb[j]->hash, 32) != 0)
                err = fn(ud, HV_WL_CHANGED, pb[j]);
            i++;
            j++;
        }
    }
    free(pa);
    free(pb);
    return err;
}
