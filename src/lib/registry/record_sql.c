/* record_sql.c - builds each kind's SQL from its field table once per store (statements are
 * cached under a static key), so the column lists cannot drift from the field tables.
 * Column order everywhere: the fields in table order (the parent ref as its id column),
 * then created_at, updated_at, row_mac, audit_seq, then one *_bi column per blind field, then
 * name_bis for kinds with name parts.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <stdio.h>

#include "haven/buf.h"
#include "registry/registry_int.h"

/* Only the addresses matter: one cache key per kind and statement. */
static const char stmt_keys[HV_N_KINDS][HV__SQL_N];

static bool has_names(const struct hv_kind_def *k)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        if (k->fields[i].name_part)
            return true;
    }
    return false;
}

static const char *column(const struct hv_kind_def *k, size_t i)
{
    return (int)i == k->parent_field ? k->parent_column : k->fields[i].name;
}

static enum hv_err select_list(struct hv_buf *b, const struct hv_kind_def *k)
{
    const struct hv_kind_def *pk = k->parent_field >= 0 ? hv_kind(k->parent) : NULL;
    enum hv_err err = hv_buf_appendf(b, "SELECT t.id, t.audit_seq, %s%s", pk ? "t." : "",
                                     pk ? k->parent_column : "0");
    for (size_t i = 0; i < k->n_fields && err == HV_OK; i++) {
        if ((int)i == k->parent_field)
            err = hv_buf_appendf(b, ", (SELECT p.ref FROM %s p WHERE p.id = t.%s)", pk->table,
                                 k->parent_column);
        else
            err = hv_buf_appendf(b, ", t.%s", k->fields[i].name);
    }
    if (err == HV_OK)
        err = hv_buf_appendf(b, " FROM %s t", k->table);
    return err;
}

static enum hv_err build(struct hv_buf *b, const struct hv_kind_def *k, enum hv__reg_sql which)
{
    size_t n = k->n_fields;
    enum hv_err err = HV_OK;
    switch (which) {
    case HV__SQL_SELECT_REF:
        return hv_buf_appendf(b, "SELECT id, row_mac%s FROM %s WHERE ref = ?1",
                              has_names(k) ? ", name_bis" : "", k->table);
    case HV__SQL_MAX_ID:
        return hv_buf_appendf(b, "SELECT coalesce(max(id), 0) FROM %s", k->table);
    case HV__SQL_ALL_REFS:
        return hv_buf_appendf(b, "SELECT id, ref FROM %s", k->table);
    case HV__SQL_COUNT:
        return hv_buf_appendf(b, "SELECT count(*) FROM %s", k->table);
    case HV__SQL_INSERT: {
        err = hv_buf_appendf(b, "INSERT INTO %s (id", k->table);
        for (size_t i = 0; i < n && err == HV_OK; i++)
            err = hv_buf_appendf(b, ", %s", column(k, i));
        if (err == HV_OK)
            err = hv_buf_appendz(b, ", created_at, updated_at, row_mac, audit_seq");
        for (size_t i = 0; i < n && err == HV_OK; i++) {
            if (k->fields[i].blind)
                err = hv_buf_appendf(b, ", %s_bi", k->fields[i].name);
        }
        if (err == HV_OK && has_names(k))
            err = hv_buf_appendz(b, ", name_bis");
        if (err == HV_OK)
            err = hv_buf_appendz(b, ") VALUES (?1");
        size_t p = 2;
        for (size_t i = 0; i < n + 4 && err == HV_OK; i++)
            err = hv_buf_appendf(b, ", ?%zu", p++);
        for (size_t i = 0; i < n && err == HV_OK; i++) {
            if (k->fields[i].blind)
                err = hv_buf_appendf(b, ", ?%zu", p++);
        }
        if (err == HV_OK && has_names(k))
            err = hv_buf_appendf(b, ", ?%zu", p++);
        if (err == HV_OK)
            err = hv_buf_putc(b, ')');
        return err;
    }
    case HV__SQL_UPDATE: {
        err = hv_buf_appendf(b, "UPDATE %s SET ", k->table);
        for (size_t i = 0; i < n && err == HV_OK; i++)
            err = hv_buf_appendf(b, "%s = ?%zu, ", column(k, i), i + 2);
        if (err == HV_OK)
            err = hv_buf_appendf(b, "updated_at = ?%zu, row_mac = ?%zu, audit_seq = ?%zu", n + 3,
                                 n + 4, n + 5);
        size_t p = n + 6;
        for (size_t i = 0; i < n && err == HV_OK; i++) {
            if (k->fields[i].blind)
                err = hv_buf_appendf(b, ", %s_bi = ?%zu", k->fields[i].name, p++);
        }
        if (err == HV_OK && has_names(k))
            err = hv_buf_appendf(b, ", name_bis = ?%zu", p++);
        if (err == HV_OK)
            err = hv_buf_appendz(b, " WHERE id = ?1");
        return err;
    }
    case HV__SQL_LOAD_ID:
    case HV__SQL_LOAD_REF:
    case HV__SQL_EACH:
    case HV__SQL_EACH_PARENT:
        err = select_list(b, k);
        if (err != HV_OK)
            return err;
        if (which == HV__SQL_LOAD_ID)
            return hv_buf_appendz(b, " WHERE t.id = ?1");
        if (which == HV__SQL_LOAD_REF)
            return hv_buf_appendz(b, " WHERE t.ref = ?1");
        if (which == HV__SQL_EACH_PARENT)
            return hv_buf_appendf(b, " WHERE t.%s = ?1 ORDER BY t.id", k->parent_column);
        return hv_buf_appendz(b, " ORDER BY t.id");
    default:
        return HV_ERR_INTERNAL;
    }
}

enum hv_err hv__reg_stmt(struct hv_store *st, const struct hv_kind_def *k, enum hv__reg_sql which,
                         struct hv_stmt **out)
{
    const void *key = &stmt_keys[k->id][which];
    enum hv_err err = hv_store_stmt_keyed(st, key, NULL, out);
    if (err != HV_ERR_NOTFOUND)
        return err;
    struct hv_buf b;
    hv_buf_init(&b, 8192);
    err = build(&b, k, which);
    if (err == HV_OK)
        err = hv_store_stmt_keyed(st, key, hv_buf_cstr(&b), out);
    hv_buf_finish(&b);
    return err;
}
