/* site.c - host sites: loading sites.csv (upsert by ref, capacity history), reading them, and
 * the audited capacity edit.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "sites/sites_int.h"

#define SITE_COLS                                                                        \
    "id, ref, name, country, lat, lon, family_rooms, single_men, single_women, minors, " \
    "services, languages, note"

static void site_from_row(struct hv_arena *a, struct hv_stmt *s, struct hv_site *out)
{
    memset(out, 0, sizeof(*out));
    out->id = hv_stmt_col_int(s, 0);
    out->ref = hv__col_dup(a, s, 1);
    out->name = hv__col_dup(a, s, 2);
    out->country = hv__col_dup(a, s, 3);
    out->lat = hv_stmt_col_double(s, 4);
    out->lon = hv_stmt_col_double(s, 5);
    for (int k = 0; k < HV_N_BED_KINDS; k++)
        out->beds[k] = hv_stmt_col_int(s, 6 + k);
    out->services = hv__col_dup(a, s, 10);
    out->languages = hv__col_dup(a, s, 11);
    out->note = hv__col_dup(a, s, 12);
}

enum hv_err hv_site_get(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str ref,
                        struct hv_site *out)
{
    static const char sql[] = "SELECT " SITE_COLS " FROM site WHERE ref = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row)
        return HV_ERR_NOTFOUND;
    site_from_row(a, s, out);
    return hv_arena_failed(a) ? HV_ERR_LIMIT : HV_OK;
}

enum hv_err hv_site_list(struct hv_ctx *ctx, struct hv_arena *a, struct hv_site **out,
                         size_t *n_out)
{
    static const char count_sql[] = "SELECT count(*) FROM site";
    static const char sql[] = "SELECT " SITE_COLS " FROM site ORDER BY ref";
    int64_t n = 0;
    *out = NULL;
    *n_out = 0;
    enum hv_err err = hv_store_query_int(ctx->store, count_sql, false, 0, 0, &n);
    if (err != HV_OK || n == 0)
        return err;
    struct hv_site *items = hv_arena_alloc_array(a, (size_t)n, sizeof(*items));
    if (items == NULL)
        return HV_ERR_LIMIT;
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, sql, &s);
    size_t i = 0;
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row || i == (size_t)n)
            break;
        site_from_row(a, s, &items[i++]);
    }
    if (err != HV_OK)
        return err;
    *out = items;
    *n_out = i;
    return hv_arena_failed(a) ? HV_ERR_LIMIT : HV_OK;
}

static bool site_same(const struct hv_site *x, const struct hv_site *y)
{
    if (!hv_str_eq(x->name, y->name) || !hv_str_eq(x->country, y->country) || x->lat != y->lat ||
        x->lon != y->lon || !hv_str_eq(x->services, y->services) ||
        !hv_str_eq(x->languages, y->languages) || !hv_str_eq(x->note, y->note))
        return false;
    for (int k = 0; k < HV_N_BED_KINDS; k++) {
        if (x->beds[k] != y->beds[k])
            return false;
    }
    return true;
}

static enum hv_err capacity_insert(struct hv_ctx *ctx, int64_t site_id, enum hv_bed_kind kind,
                                   int64_t at, int64_t beds, int64_t seq)
{
    static const char sql[] = "INSERT INTO site_capacity (site_id, kind, at, beds, audit_seq) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hv_bed_kind_name(kind)));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, at);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, beds);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 5, seq);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static enum hv_err bind_site(struct hv_stmt *s, const struct hv_site *x, int64_t now)
{
    enum hv_err err = hv_stmt_bind_text(s, 1, x->ref);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, x->name);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, x->country);
    if (err == HV_OK)
        err = hv_stmt_bind_double(s, 4, x->lat);
    if (err == HV_OK)
        err = hv_stmt_bind_double(s, 5, x->lon);
    for (int k = 0; k < HV_N_BED_KINDS && err == HV_OK; k++)
        err = hv_stmt_bind_int(s, 6 + k, x->beds[k]);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 10, x->services);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 11, x->languages);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 12, x->note);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 13, now);
    return err;
}

/* Writes one parsed site: insert (capacity since always) or update (capacity change now). */
static enum hv_err site_write(struct hv_ctx *ctx, const struct hv_site *x,
                              const struct hv_site *old, int64_t now, int64_t seq)
{
    static const char ins[] =
        "INSERT INTO site (ref, name, country, lat, lon, family_rooms, single_men, single_women,"
        " minors, services, languages, note, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)";
    static const char upd[] =
        "UPDATE site SET name = ?2, country = ?3, lat = ?4, lon = ?5, family_rooms = ?6,"
        " single_men = ?7, single_women = ?8, minors = ?9, services = ?10, languages = ?11,"
        " note = ?12, updated_at = ?13 WHERE ref = ?1";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, old == NULL ? ins : upd, &s);
    if (err == HV_OK)
        err = bind_site(s, x, now);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err != HV_OK)
        return err;
    int64_t id = old != NULL ? old->id : 0;
    if (old == NULL) {
        err = hv__site_id(ctx, x->ref, &id, NULL);
        if (err != HV_OK)
            return err;
    }
    for (int k = 0; k < HV_N_BED_KINDS && err == HV_OK; k++) {
        if (old == NULL)
            err = capacity_insert(ctx, id, (enum hv_bed_kind)k, 0, x->beds[k], seq);
        else if (old->beds[k] != x->beds[k])
            err = capacity_insert(ctx, id, (enum hv_bed_kind)k, now, x->beds[k], seq);
    }
    return err;
}

static enum hv_err load_sites(struct hv_ctx *ctx, struct hv_arena *a, const struct hv_site *sites,
                              size_t n, struct hv_load_counts *counts)
{
    /* Classify first so that the audit entry (whose sequence number every capacity row
     * carries) can state the counts. */
    struct hv_site *old = hv_arena_alloc_array(a, n > 0 ? n : 1, sizeof(*old));
    bool *exists = hv_arena_alloc_array(a, n > 0 ? n : 1, sizeof(*exists));
    if (old == NULL || exists == NULL)
        return HV_ERR_LIMIT;
    struct hv_load_counts c = { 0 };
    for (size_t i = 0; i < n; i++) {
        enum hv_err err = hv_site_get(ctx, a, sites[i].ref, &old[i]);
        if (err == HV_ERR_NOTFOUND) {
            exists[i] = false;
            c.created++;
            continue;
        }
        if (err != HV_OK)
            return err;
        exists[i] = true;
        if (site_same(&sites[i], &old[i]))
            c.unchanged++;
        else
            c.updated++;
    }
    char detail[160];
    snprintf(detail, sizeof(detail), "created=%llu updated=%llu unchanged=%llu",
             (unsigned long long)c.created, (unsigned long long)c.updated,
             (unsigned long long)c.unchanged);
    int64_t seq = 0;
    enum hv_err err = HV_OK;
    if (c.created + c.updated > 0)
        err = hv_audit_append(ctx, "site.load", "site", 0, detail, NULL, &seq);
    int64_t now = hv__sites_now(ctx);
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        if (exists[i] && site_same(&sites[i], &old[i]))
            continue;
        err = site_write(ctx, &sites[i], exists[i] ? &old[i] : NULL, now, seq);
    }
    if (err == HV_OK && counts != NULL)
        *counts = c;
    return err;
}

enum hv_err hv_sites_load_file(struct hv_ctx *ctx, const char *path, struct hv_load_counts *counts,
                               struct hv_diag *diag)
{
    struct hv_buf b;
    struct hv_arena a;
    hv_buf_init(&b, 0);
    hv_arena_init(&a, 256u << 20);
    struct hv_site *sites = NULL;
    size_t n = 0;
    enum hv_err err = hv__sites_read_file(path, &b, diag);
    if (err == HV_OK)
        err = hv_sites_parse_csv(&a, path, b.ptr != NULL ? b.ptr : "", b.len, &sites, &n, diag);
    if (err != HV_OK)
        goto out;
    err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        goto out;
    err = load_sites(ctx, &a, sites, n, counts);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        goto out;
    }
    err = hv_store_commit(ctx->store);
out:
    hv_arena_finish(&a);
    hv_buf_finish(&b);
    return err;
}

/* Beds of kind in use at a site from instant at on (stays not checked out by then). */
static enum hv_err beds_in_use_from(struct hv_ctx *ctx, int64_t site_id, enum hv_bed_kind kind,
                                    int64_t at, int64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM stay WHERE site_id = ?1 AND kind = ?2"
                              " AND (check_out IS NULL OR check_out > ?3)";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hv_bed_kind_name(kind)));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, at);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK)
        *n = row ? hv_stmt_col_int(s, 0) : 0;
    return err;
}

static enum hv_err update_column(struct hv_ctx *ctx, int64_t site_id, enum hv_bed_kind kind,
                                 int64_t beds, int64_t now)
{
    static const char *const sql[HV_N_BED_KINDS] = {
        "UPDATE site SET family_rooms = ?2, updated_at = ?3 WHERE id = ?1",
        "UPDATE site SET single_men = ?2, updated_at = ?3 WHERE id = ?1",
        "UPDATE site SET single_women = ?2, updated_at = ?3 WHERE id = ?1",
        "UPDATE site SET minors = ?2, updated_at = ?3 WHERE id = ?1",
    };
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt_keyed(ctx->store, &sql[kind], sql[kind], &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, beds);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, now);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

enum hv_err hv_site_set_capacity(struct hv_ctx *ctx, struct hv_str site_ref, enum hv_bed_kind kind,
                                 int64_t beds, int64_t at, struct hv_diag *diag)
{
    if ((unsigned)kind >= HV_N_BED_KINDS || beds < 0 || beds > HV_SITES_MAX_BEDS) {
        hv_diag_set(diag, "beds", "must be a whole number from 0 to %d", HV_SITES_MAX_BEDS);
        return HV_ERR_INVALID;
    }
    int64_t now = hv__sites_now(ctx);
    if (at == 0)
        at = now;
    int64_t site_id = 0, used = 0, was = 0, seq = 0;
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    err = hv__site_id(ctx, site_ref, &site_id, diag);
    if (err == HV_OK)
        err = beds_in_use_from(ctx, site_id, kind, at, &used);
    if (err == HV_OK)
        err = hv__site_capacity_at(ctx, site_id, kind, at, &was);
    if (err == HV_OK && beds < used) {
        hv_diag_set(diag, "beds",
                    "%lld %s are in use; check cases out before lowering the "
                    "capacity to %lld",
                    (long long)used, hv_bed_kind_name(kind), (long long)beds);
        err = HV_ERR_CONFLICT;
    }
    if (err == HV_OK) {
        char detail[160];
        snprintf(detail, sizeof(detail), "site=%.*s kind=%s beds=%lld was=%lld",
                 (int)(site_ref.len > 64 ? 64 : site_ref.len), site_ref.ptr, hv_bed_kind_name(kind),
                 (long long)beds, (long long)was);
        err = hv_audit_append(ctx, "site.capacity", "site", site_id, detail, NULL, &seq);
    }
    if (err == HV_OK)
        err = capacity_insert(ctx, site_id, kind, at, beds, seq);
    if (err == HV_OK && at <= now)
        err = update_column(ctx, site_id, kind, beds, now);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        return err;
    }
    return hv_store_commit(ctx->store);
}
