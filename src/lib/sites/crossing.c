/* crossing.c - border crossings and their dated status history: loading crossings.csv and
 * crossing_status.csv, the status at an instant and for a whole day, and the audited status
 * change.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "sites/sites_int.h"

#define REF_ARG(r) (int)((r).len > 64 ? 64 : (r).len), (r).ptr

#define CROSSING_COLS "id, ref, name, countries, lat, lon, mode, opened, source, note"

static void crossing_from_row(struct hv_arena *a, struct hv_stmt *s, struct hv_crossing *out)
{
    memset(out, 0, sizeof(*out));
    out->id = hv_stmt_col_int(s, 0);
    out->ref = hv__col_dup(a, s, 1);
    out->name = hv__col_dup(a, s, 2);
    out->countries = hv__col_dup(a, s, 3);
    out->lat = hv_stmt_col_double(s, 4);
    out->lon = hv_stmt_col_double(s, 5);
    out->mode = hv__col_dup(a, s, 6);
    out->opened = hv_stmt_col_int(s, 7);
    out->source = hv__col_dup(a, s, 8);
    out->note = hv__col_dup(a, s, 9);
}

enum hv_err hv_crossing_get(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str ref,
                            struct hv_crossing *out)
{
    static const char sql[] = "SELECT " CROSSING_COLS " FROM crossing WHERE ref = ?1";
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
    crossing_from_row(a, s, out);
    return hv_arena_failed(a) ? HV_ERR_LIMIT : HV_OK;
}

enum hv_err hv_crossing_list(struct hv_ctx *ctx, struct hv_arena *a, struct hv_crossing **out,
                             size_t *n_out)
{
    static const char count_sql[] = "SELECT count(*) FROM crossing";
    static const char sql[] = "SELECT " CROSSING_COLS " FROM crossing ORDER BY ref";
    int64_t n = 0;
    *out = NULL;
    *n_out = 0;
    enum hv_err err = hv_store_query_int(ctx->store, count_sql, false, 0, 0, &n);
    if (err != HV_OK || n == 0)
        return err;
    struct hv_crossing *items = hv_arena_alloc_array(a, (size_t)n, sizeof(*items));
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
        crossing_from_row(a, s, &items[i++]);
    }
    if (err != HV_OK)
        return err;
    *out = items;
    *n_out = i;
    return hv_arena_failed(a) ? HV_ERR_LIMIT : HV_OK;
}

static bool crossing_same(const struct hv_crossing *x, const struct hv_crossing *y)
{
    return hv_str_eq(x->name, y->name) && hv_str_eq(x->countries, y->countries) &&
           x->lat == y->lat && x->lon == y->lon && hv_str_eq(x->mode, y->mode) &&
           x->opened == y->opened && hv_str_eq(x->source, y->source) && hv_str_eq(x->note, y->note);
}

static enum hv_err crossing_write(struct hv_ctx *ctx, const struct hv_crossing *x, bool exists,
                                  int64_t now)
{
    static const char ins[] =
        "INSERT INTO crossing (ref, name, countries, lat, lon, mode, opened, source, note,"
        " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
    static const char upd[] =
        "UPDATE crossing SET name = ?2, countries = ?3, lat = ?4, lon = ?5, mode = ?6,"
        " opened = ?7, source = ?8, note = ?9, updated_at = ?10 WHERE ref = ?1";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, exists ? upd : ins, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, x->ref);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, x->name);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, x->countries);
    if (err == HV_OK)
        err = hv_stmt_bind_double(s, 4, x->lat);
    if (err == HV_OK)
        err = hv_stmt_bind_double(s, 5, x->lon);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 6, x->mode);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 7, x->opened);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 8, x->source);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 9, x->note);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 10, now);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static enum hv_err load_crossings(struct hv_ctx *ctx, struct hv_arena *a,
                                  const struct hv_crossing *items, size_t n,
                                  struct hv_load_counts *counts)
{
    struct hv_load_counts c = { 0 };
    int8_t *state = hv_arena_alloc_array(a, n > 0 ? n : 1, 1); /* 0 new, 1 changed, 2 same */
    if (state == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        struct hv_crossing old;
        enum hv_err err = hv_crossing_get(ctx, a, items[i].ref, &old);
        if (err == HV_ERR_NOTFOUND) {
            state[i] = 0;
            c.created++;
        } else if (err != HV_OK) {
            return err;
        } else if (crossing_same(&items[i], &old)) {
            state[i] = 2;
            c.unchanged++;
        } else {
            state[i] = 1;
            c.updated++;
        }
    }
    enum hv_err err = HV_OK;
    if (c.created + c.updated > 0) {
        char detail[160];
        snprintf(detail, sizeof(detail), "created=%llu updated=%llu unchanged=%llu",
                 (unsigned long long)c.created, (unsigned long long)c.updated,
                 (unsigned long long)c.unchanged);
        err = hv_audit_append(ctx, "crossing.load", "crossing", 0, detail, NULL, NULL);
    }
    int64_t now = hv__sites_now(ctx);
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        if (state[i] != 2)
            err = crossing_write(ctx, &items[i], state[i] == 1, now);
    }
    if (err == HV_OK && counts != NULL)
        *counts = c;
    return err;
}

static enum hv_err crossing_id(struct hv_ctx *ctx, struct hv_str ref, int64_t *id)
{
    static const char sql[] = "SELECT id FROM crossing WHERE ref = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK && !row)
        err = HV_ERR_NOTFOUND;
    if (err == HV_OK)
        *id = hv_stmt_col_int(s, 0);
    return err;
}

static enum hv_err event_exists(struct hv_ctx *ctx, int64_t cid, const struct hv_crossing_event *e,
                                bool *exists)
{
    static const char sql[] = "SELECT 1 FROM crossing_status WHERE crossing_id = ?1 AND at = ?2"
                              " AND status = ?3 AND source = ?4";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, cid);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, e->at);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(hv_crossing_status_name(e->status)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, e->source);
    if (err == HV_OK)
        err = hv_stmt_step(s, exists);
    return err;
}

static enum hv_err event_insert(struct hv_ctx *ctx, int64_t cid, const struct hv_crossing_event *e,
                                int64_t now, int64_t seq)
{
    static const char sql[] =
        "INSERT INTO crossing_status (crossing_id, at, status, source, note, recorded_at,"
        " audit_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, cid);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, e->at);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(hv_crossing_status_name(e->status)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, e->source);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, e->note);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 6, now);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 7, seq);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static enum hv_err load_events(struct hv_ctx *ctx, struct hv_arena *a, const char *file,
                               const struct hv_crossing_event *items, size_t n,
                               struct hv_load_counts *counts, struct hv_diag *diag)
{
    struct hv_load_counts c = { 0 };
    int64_t *ids = hv_arena_alloc_array(a, n > 0 ? n : 1, sizeof(*ids));
    bool *have = hv_arena_alloc_array(a, n > 0 ? n : 1, sizeof(*have));
    if (ids == NULL || have == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        enum hv_err err = crossing_id(ctx, items[i].crossing_ref, &ids[i]);
        if (err == HV_ERR_NOTFOUND) {
            hv_diag_at(diag, file, items[i].line);
            hv_diag_set(diag, "crossing_ref",
                        "no crossing has ref \"%.*s\" (load crossings.csv "
                        "first)",
                        REF_ARG(items[i].crossing_ref));
            return HV_ERR_INVALID;
        }
        if (err == HV_OK)
            err = event_exists(ctx, ids[i], &items[i], &have[i]);
        if (err != HV_OK)
            return err;
        if (have[i])
            c.unchanged++;
        else
            c.created++;
    }
    enum hv_err err = HV_OK;
    int64_t seq = 0;
    if (c.created > 0) {
        char detail[160];
        snprintf(detail, sizeof(detail), "created=%llu unchanged=%llu",
                 (unsigned long long)c.created, (unsigned long long)c.unchanged);
        err = hv_audit_append(ctx, "crossing.status_load", "crossing", 0, detail, NULL, &seq);
    }
    int64_t now = hv__sites_now(ctx);
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        if (!have[i])
            err = event_insert(ctx, ids[i], &items[i], now, seq);
        /* The same row twice in one file: keep the first. */
        if (err == HV_ERR_CONFLICT) {
            c.created--;
            c.unchanged++;
            err = HV_OK;
        }
    }
    if (err == HV_OK && counts != NULL)
        *counts = c;
    return err;
}

enum hv_err hv_crossings_load_file(struct hv_ctx *ctx, const char *path,
                                   struct hv_load_counts *counts, struct hv_diag *diag)
{
    struct hv_buf b;
    struct hv_arena a;
    hv_buf_init(&b, 0);
    hv_arena_init(&a, 256u << 20);
    struct hv_crossing *items = NULL;
    size_t n = 0;
    enum hv_err err = hv__sites_read_file(path, &b, diag);
    if (err == HV_OK)
        err = hv_crossings_parse_csv(&a, path, b.ptr != NULL ? b.ptr : "", b.len, &items, &n, diag);
    if (err == HV_OK)
        err = hv_store_begin(ctx->store);
    if (err == HV_OK) {
        err = load_crossings(ctx, &a, items, n, counts);
        if (err != HV_OK)
            hv_store_rollback(ctx->store);
        else
            err = hv_store_commit(ctx->store);
    }
    hv_arena_finish(&a);
    hv_buf_finish(&b);
    return err;
}

enum hv_err hv_crossing_status_load_file(struct hv_ctx *ctx, const char *path,
                                         struct hv_load_counts *counts, struct hv_diag *diag)
{
    struct hv_buf b;
    struct hv_arena a;
    hv_buf_init(&b, 0);
    hv_arena_init(&a, 256u << 20);
    struct hv_crossing_event *items = NULL;
    size_t n = 0;
    enum hv_err err = hv__sites_read_file(path, &b, diag);
    if (err == HV_OK)
        err = hv_crossing_status_parse_csv(&a, path, b.ptr != NULL ? b.ptr : "", b.len, &items, &n,
                                           diag);
    if (err == HV_OK)
        err = hv_store_begin(ctx->store);
    if (err == HV_OK) {
        err = load_events(ctx, &a, path, items, n, counts, diag);
        if (err != HV_OK)
            hv_store_rollback(ctx->store);
        else
            err = hv_store_commit(ctx->store);
    }
    hv_arena_finish(&a);
    hv_buf_finish(&b);
    return err;
}

#define EVENT_SELECT                                                                       \
    "SELECT crossing_status.id, crossing.ref, crossing_status.at, crossing_status.status," \
    " crossing_status.source, crossing_status.note FROM crossing_status"                   \
    " JOIN crossing ON crossing.id = crossing_status.crossing_id"

static void event_from_row(struct hv_arena *a, struct hv_stmt *s, struct hv_crossing_event *e)
{
    memset(e, 0, sizeof(*e));
    e->id = hv_stmt_col_int(s, 0);
    e->crossing_ref = hv__col_dup(a, s, 1);
    e->at = hv_stmt_col_int(s, 2);
    if (!hv_crossing_status_parse(hv_stmt_col_text(s, 3), &e->status))
        e->status = HV_CROSSING_UNKNOWN;
    e->source = hv__col_dup(a, s, 4);
    e->note = hv__col_dup(a, s, 5);
}

enum hv_err hv_crossing_history(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str ref,
                                struct hv_crossing_event **out, size_t *n_out)
{
    static const char sql[] = EVENT_SELECT " WHERE crossing.ref = ?1"
                                           " ORDER BY crossing_status.at, crossing_status.id";
    *out = NULL;
    *n_out = 0;
    int64_t cid = 0;
    enum hv_err err = crossing_id(ctx, ref, &cid);
    if (err != HV_OK)
        return err;
    size_t cap = 0;
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        if (*n_out == cap) {
            size_t ncap = cap == 0 ? 16 : cap * 2;
            struct hv_crossing_event *grown = hv_arena_alloc_array(a, ncap, sizeof(*grown));
            if (grown == NULL)
                return HV_ERR_LIMIT;
            if (*n_out > 0)
                memcpy(grown, *out, *n_out * sizeof(*grown));
            *out = grown;
            cap = ncap;
        }
        event_from_row(a, s, &(*out)[(*n_out)++]);
    }
    return err;
}

enum hv_err hv_crossing_status_at(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str ref,
                                  int64_t at, struct hv_crossing_event *out)
{
    static const char sql[] =
        EVENT_SELECT " WHERE crossing.ref = ?1 AND crossing_status.at <= ?2"
                     " ORDER BY crossing_status.at DESC, crossing_status.id DESC LIMIT 1";
    int64_t cid = 0;
    enum hv_err err = crossing_id(ctx, ref, &cid);
    if (err != HV_OK)
        return err;
    struct hv_stmt *s = NULL;
    bool row = false;
    err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, at);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (row) {
        event_from_row(a, s, out);
    } else {
        memset(out, 0, sizeof(*out));
        out->crossing_ref = (struct hv_str){ hv_str_dupz(a, ref), ref.len };
        out->status = HV_CROSSING_UNKNOWN;
        out->source = HV_STR("");
        out->note = HV_STR("");
    }
    return hv_arena_failed(a) ? HV_ERR_LIMIT : HV_OK;
}

/* Rank for "most restrictive": closed > restricted > unknown > open. */
static int severity(enum hv_crossing_status s)
{
    switch (s) {
    case HV_CROSSING_OPEN:
        return 0;
    case HV_CROSSING_UNKNOWN:
        return 1;
    case HV_CROSSING_RESTRICTED:
        return 2;
    case HV_CROSSING_CLOSED:
        return 3;
    }
    return 3;
}

enum hv_err hv_crossing_status_on_day(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str ref,
                                      int32_t day, struct hv_crossing_event *out)
{
    static const char sql[] = EVENT_SELECT " WHERE crossing.ref = ?1 AND crossing_status.at > ?2"
                                           " AND crossing_status.at < ?3"
                                           " ORDER BY crossing_status.at, crossing_status.id";
    int64_t start = (int64_t)day * HV_SECS_PER_DAY;
    enum hv_err err = hv_crossing_status_at(ctx, a, ref, start, out);
    if (err != HV_OK)
        return err;
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, start);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, start + HV_SECS_PER_DAY);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        struct hv_crossing_event e;
        event_from_row(a, s, &e);
        if (severity(e.status) > severity(out->status))
            *out = e;
    }
    return err;
}

enum hv_err hv_crossing_set_status(struct hv_ctx *ctx, struct hv_str ref,
                                   enum hv_crossing_status status, int64_t at, struct hv_str source,
                                   struct hv_str note, struct hv_diag *diag)
{
    if (status == HV_CROSSING_UNKNOWN || (unsigned)status > HV_CROSSING_CLOSED) {
        hv_diag_set(diag, "status", "is not one of open, restricted, closed");
        return HV_ERR_INVALID;
    }
    enum hv_err err = hv__check_text("source", source, 300, true, diag);
    if (err == HV_OK)
        err = hv__check_text("note", note, 1000, false, diag);
    if (err != HV_OK)
        return err;
    err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    int64_t cid = 0, seq = 0;
    bool exists = false;
    struct hv_crossing_event e = { .at = at, .status = status, .source = source, .note = note };
    err = crossing_id(ctx, ref, &cid);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(diag, "crossing", "no crossing has ref \"%.*s\"", REF_ARG(ref));
    if (err == HV_OK)
        err = event_exists(ctx, cid, &e, &exists);
    if (err == HV_OK && exists) {
        hv_diag_set(diag, "status", "this status change is already recorded");
        err = HV_ERR_CONFLICT;
    }
    if (err == HV_OK) {
        char detail[160], t[21];
        hv_time_format(at, t);
        snprintf(detail, sizeof(detail), "crossing=%.*s status=%s at=%s", REF_ARG(ref),
                 hv_crossing_status_name(status), t);
        err = hv_audit_append(ctx, "crossing.status", "crossing", cid, detail, NULL, &seq);
    }
    if (err == HV_OK)
        err = event_insert(ctx, cid, &e, hv__sites_now(ctx), seq);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        return err;
    }
    return hv_store_commit(ctx->store);
}
