/* routes_sites.c - sites (beds, occupancy, stays), check-in and check-out, occupancy per site
 * and country, crossings with their status history, and movements. No personal data here:
 * stays and movements carry case ids and head counts.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <stdio.h>
#include <string.h>

#include "haven/clock.h"
#include "haven/sites.h"
#include "haven/store.h"
#include "req_json.h"

static void write_beds(struct hv_jw *w, const char *key, const int64_t *beds)
{
    hv_jw_key(w, key);
    hv_jw_object_begin(w);
    for (int k = 0; k < HV_N_BED_KINDS; k++) {
        hv_jw_key(w, hv_bed_kind_name((enum hv_bed_kind)k));
        hv_jw_int(w, beds[k]);
    }
    hv_jw_object_end(w);
}

static void write_site_head(struct hv_jw *w, const struct hv_site *s, const struct hv_occupancy *o)
{
    int64_t cap = hv_occupancy_cap(o), used = hv_occupancy_used(o);
    hv_jw_key(w, "id");
    hv_jw_str(w, s->ref);
    hv_jw_key(w, "name");
    hv_jw_str(w, s->name);
    hv_jw_key(w, "country");
    hv_jw_str(w, s->country);
    hv_jw_key(w, "lat");
    hv_jw_double(w, s->lat);
    hv_jw_key(w, "lon");
    hv_jw_double(w, s->lon);
    hv_jw_key(w, "beds_total");
    hv_jw_int(w, cap);
    hv_jw_key(w, "beds_free");
    hv_jw_int(w, cap > used ? cap - used : 0);
    hv_jw_key(w, "beds_used");
    hv_jw_int(w, used);
    hv_jw_key(w, "people");
    hv_jw_int(w, o->people);
    hv_jw_key(w, "occupancy");
    hv_jw_double(w, cap > 0 ? (double)used / (double)cap : 0.0);
}

enum hv_err hv__h_sites(struct hv_rq *r)
{
    int64_t limit = 0, offset = 0;
    enum hv_err err = hv__query_page(r, &limit, &offset);
    if (err != HV_OK)
        return err;
    struct hv_site *sites = NULL;
    size_t n = 0;
    err = hv_site_list(r->ctx, r->a, &sites, &n);
    if (err != HV_OK)
        return err;
    hv__list_begin(r);
    for (size_t i = (size_t)offset; i < n && i < (size_t)(offset + limit); i++) {
        struct hv_occupancy o;
        err = hv_site_occupancy_at(r->ctx, sites[i].id, 0, &o);
        if (err != HV_OK)
            return err;
        hv_jw_object_begin(&r->jw);
        write_site_head(&r->jw, &sites[i], &o);
        hv_jw_key(&r->jw, "mine");
        char ref[HV_ACCESS_MAX_REF];
        snprintf(ref, sizeof(ref), "%.*s", HV_STR_ARG(sites[i].ref));
        hv_jw_bool(&r->jw, r->sess.who.role == HV_ROLE_SITE_MANAGER &&
                               hv_access_site_allowed(&r->sess.who, ref));
        hv_jw_object_end(&r->jw);
    }
    hv__list_end(r, (int64_t)n, limit, offset);
    return HV_OK;
}

enum hv_err hv__h_site(struct hv_rq *r)
{
    struct hv_site s;
    enum hv_err err = hv_site_get(r->ctx, r->a, r->id, &s);
    if (err != HV_OK)
        return err;
    struct hv_occupancy o;
    err = hv_site_occupancy_at(r->ctx, s.id, 0, &o);
    struct hv_stay *stays = NULL;
    size_t n = 0;
    if (err == HV_OK)
        err = hv_stay_list_open(r->ctx, r->a, s.id, 0, &stays, &n);
    if (err != HV_OK)
        return err;
    struct hv_jw *w = &r->jw;
    hv_jw_object_begin(w);
    write_site_head(w, &s, &o);
    write_beds(w, "beds", o.cap);
    write_beds(w, "beds_in_use", o.used);
    hv_jw_key(w, "services");
    hv_jw_str(w, s.services);
    hv_jw_key(w, "languages");
    hv_jw_str(w, s.languages);
    hv_jw_key(w, "note");
    hv_jw_str(w, s.note);
    hv_jw_key(w, "stays");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        char at[21];
        hv_time_format(stays[i].check_in, at);
        hv_jw_object_begin(w);
        hv_jw_key(w, "id");
        hv_jw_int(w, stays[i].id);
        hv_jw_key(w, "case_id");
        hv_jw_str(w, stays[i].case_ref);
        hv_jw_key(w, "kind");
        hv_jw_strz(w, hv_bed_kind_name(stays[i].kind));
        hv_jw_key(w, "bed");
        hv_jw_int(w, stays[i].bed_no);
        hv_jw_key(w, "people");
        hv_jw_int(w, stays[i].n_people);
        hv_jw_key(w, "check_in");
        hv_jw_strz(w, at);
        hv_jw_key(w, "override");
        hv_jw_bool(w, stays[i].override);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_object_end(w);
    return HV_OK;
}

static void write_stay(struct hv_jw *w, const struct hv_stay *st)
{
    hv_jw_object_begin(w);
    hv_jw_key(w, "stay_id");
    hv_jw_int(w, st->id);
    hv_jw_key(w, "case_id");
    hv_jw_str(w, st->case_ref);
    hv_jw_key(w, "site_id");
    hv_jw_str(w, st->site_ref);
    hv_jw_key(w, "kind");
    hv_jw_strz(w, hv_bed_kind_name(st->kind));
    hv_jw_key(w, "bed");
    hv_jw_int(w, st->bed_no);
    hv_jw_key(w, "people");
    hv_jw_int(w, st->n_people);
    hv_jw_key(w, "checked_out");
    hv_jw_bool(w, st->check_out != 0);
    hv_jw_object_end(w);
}

/* The site manager may act only at their own sites (the target site is the scope). */
static enum hv_err site_scope_check(struct hv_rq *r, struct hv_str site_ref)
{
    char ref[HV_ACCESS_MAX_REF];
    snprintf(ref, sizeof(ref), "%.*s", HV_STR_ARG(site_ref));
    struct hv_access_scope sc = { .site_ref = ref };
    return hv__check(r, &sc, HV_FC_NONE, "site", 0);
}

enum hv_err hv__h_checkin(struct hv_rq *r)
{
    const char *case_id = NULL, *reason = NULL;
    bool override = false;
    const struct hv_jfield fields[] = {
        { .name = "case_id",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 64,
          .str = &case_id },
        { .name = "override", .type = HV_JF_BOOL, .flag = &override },
        { .name = "reason", .type = HV_JF_STRING, .max_len = 200, .str = &reason },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 3, &r->diag);
    if (err == HV_OK)
        err = site_scope_check(r, r->id);
    if (err != HV_OK)
        return err;
    struct hv_site site;
    err = hv_site_get(r->ctx, r->a, r->id, &site);
    if (err != HV_OK) {
        hv_diag_set(&r->diag, NULL, "no such site");
        return err;
    }
    struct hv_checkin_options opt = { .override = override, .reason = reason };
    struct hv_stay st;
    err = hv_stay_checkin(r->ctx, r->a, hv_str_c(case_id), r->id, &opt, &st, &r->diag);
    if (err != HV_OK)
        return err;
    write_stay(&r->jw, &st);
    return HV_OK;
}

enum hv_err hv__h_checkout(struct hv_rq *r)
{
    const char *case_id = NULL;
    const struct hv_jfield fields[] = {
        { .name = "case_id",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 64,
          .str = &case_id },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 1, &r->diag);
    if (err == HV_OK)
        err = site_scope_check(r, r->id);
    if (err != HV_OK)
        return err;
    /* The case must be at this site. */
    struct hv_case_scope cs;
    err = hv__case_scope(r, hv_str_c(case_id), &cs);
    if (err != HV_OK)
        return err;
    if (!hv_str_eqz(r->id, cs.site_ref)) {
        hv_diag_set(&r->diag, "case_id", "the case is not checked in at this site");
        return HV_ERR_CONFLICT;
    }
    struct hv_stay st;
    err = hv_stay_checkout(r->ctx, r->a, hv_str_c(case_id), 0, &st, &r->diag);
    if (err != HV_OK)
        return err;
    write_stay(&r->jw, &st);
    return HV_OK;
}

static void write_occ(struct hv_jw *w, const struct hv_occupancy *o)
{
    int64_t cap = hv_occupancy_cap(o), used = hv_occupancy_used(o);
    hv_jw_key(w, "beds_total");
    hv_jw_int(w, cap);
    hv_jw_key(w, "beds_used");
    hv_jw_int(w, used);
    hv_jw_key(w, "people");
    hv_jw_int(w, o->people);
    hv_jw_key(w, "occupancy");
    hv_jw_double(w, cap > 0 ? (double)used / (double)cap : 0.0);
    write_beds(w, "by_kind_used", o->used);
    write_beds(w, "by_kind_total", o->cap);
}

enum hv_err hv__h_occupancy(struct hv_rq *r)
{
    struct hv_str date;
    int32_t day = (int32_t)(hv_clock_now(&r->ctx->clock) / HV_SECS_PER_DAY);
    if (hv__query_get(r->a, r->req->query, "date", &date) && date.len > 0) {
        char *z = hv_str_dupz(r->a, date);
        if (z == NULL || !hv_day_parse(z, &day)) {
            hv_diag_set(&r->diag, "date", "must be YYYY-MM-DD");
            return HV_ERR_INVALID;
        }
    }
    struct hv_jw *w = &r->jw;
    char dz[11];
    hv_day_format(day, dz);
    hv_jw_object_begin(w);
    hv_jw_key(w, "date");
    hv_jw_strz(w, dz);
    static const char *const keys[] = { "sites", "countries" };
    for (int g = 0; g < 2; g++) {
        struct hv_occupancy_series *ser = NULL;
        size_t n = 0;
        enum hv_err err =
            hv_occupancy_series(r->ctx, r->a, day, day, g == 0 ? HV_OCC_BY_SITE : HV_OCC_BY_COUNTRY,
                                HV_STR_NULL, &ser, &n, &r->diag);
        if (err != HV_OK)
            return err;
        hv_jw_key(w, keys[g]);
        hv_jw_array_begin(w);
        for (size_t i = 0; i < n; i++) {
            hv_jw_object_begin(w);
            hv_jw_key(w, "id");
            hv_jw_str(w, ser[i].key);
            hv_jw_key(w, "name");
            hv_jw_str(w, ser[i].name);
            if (ser[i].n_days > 0)
                write_occ(w, &ser[i].days[0]);
            hv_jw_object_end(w);
        }
        hv_jw_array_end(w);
    }
    hv_jw_object_end(w);
    return HV_OK;
}

/* --- crossings ----------------------------------------------------------------------------- */

static void write_event(struct hv_jw *w, const struct hv_crossing_event *e)
{
    char at[21];
    hv_time_format(e->at, at);
    hv_jw_key(w, "status");
    hv_jw_strz(w, hv_crossing_status_name(e->status));
    hv_jw_key(w, "since");
    if (e->at != 0)
        hv_jw_strz(w, at);
    else
        hv_jw_null(w);
    hv_jw_key(w, "source");
    hv_jw_str(w, e->source);
    hv_jw_key(w, "note");
    hv_jw_str(w, e->note);
}

enum hv_err hv__h_crossings(struct hv_rq *r)
{
    int64_t limit = 0, offset = 0;
    enum hv_err err = hv__query_page(r, &limit, &offset);
    if (err != HV_OK)
        return err;
    struct hv_crossing *xs = NULL;
    size_t n = 0;
    err = hv_crossing_list(r->ctx, r->a, &xs, &n);
    if (err != HV_OK)
        return err;
    int64_t now = hv_clock_now(&r->ctx->clock);
    struct hv_jw *w = &r->jw;
    hv__list_begin(r);
    for (size_t i = (size_t)offset; i < n && i < (size_t)(offset + limit); i++) {
        struct hv_crossing_event e;
        err = hv_crossing_status_at(r->ctx, r->a, xs[i].ref, now, &e);
        if (err != HV_OK)
            return err;
        hv_jw_object_begin(w);
        hv_jw_key(w, "id");
        hv_jw_str(w, xs[i].ref);
        hv_jw_key(w, "name");
        hv_jw_str(w, xs[i].name);
        hv_jw_key(w, "countries");
        hv_jw_str(w, xs[i].countries);
        hv_jw_key(w, "lat");
        hv_jw_double(w, xs[i].lat);
        hv_jw_key(w, "lon");
        hv_jw_double(w, xs[i].lon);
        hv_jw_key(w, "mode");
        hv_jw_str(w, xs[i].mode);
        write_event(w, &e);
        hv_jw_object_end(w);
    }
    hv__list_end(r, (int64_t)n, limit, offset);
    return HV_OK;
}

enum hv_err hv__h_crossing_history(struct hv_rq *r)
{
    struct hv_crossing x;
    enum hv_err err = hv_crossing_get(r->ctx, r->a, r->id, &x);
    if (err != HV_OK)
        return err;
    struct hv_crossing_event *ev = NULL;
    size_t n = 0;
    err = hv_crossing_history(r->ctx, r->a, r->id, &ev, &n);
    if (err != HV_OK)
        return err;
    struct hv_jw *w = &r->jw;
    hv_jw_object_begin(w);
    hv_jw_key(w, "id");
    hv_jw_str(w, x.ref);
    hv_jw_key(w, "name");
    hv_jw_str(w, x.name);
    hv_jw_key(w, "items");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        hv_jw_object_begin(w);
        char at[21];
        hv_time_format(ev[i].at, at);
        hv_jw_key(w, "at");
        hv_jw_strz(w, at);
        write_event(w, &ev[i]);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_key(w, "total");
    hv_jw_int(w, (int64_t)n);
    hv_jw_object_end(w);
    return HV_OK;
}

enum hv_err hv__h_crossing_status(struct hv_rq *r)
{
    const char *status = NULL, *note = NULL, *source = NULL, *at = NULL;
    const struct hv_jfield fields[] = {
        { .name = "status", .type = HV_JF_STRING, .required = true, .max_len = 16, .str = &status },
        { .name = "note", .type = HV_JF_STRING, .max_len = 500, .str = &note },
        { .name = "source",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 200,
          .str = &source },
        { .name = "at", .type = HV_JF_STRING, .max_len = 32, .str = &at },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 4, &r->diag);
    if (err != HV_OK)
        return err;
    enum hv_crossing_status st;
    if (!hv_crossing_status_parse(hv_str_c(status), &st) || st == HV_CROSSING_UNKNOWN) {
        hv_diag_set(&r->diag, "status", "must be open, restricted or closed");
        return HV_ERR_INVALID;
    }
    if (source[0] == '\0') {
        hv_diag_set(&r->diag, "source", "is required");
        return HV_ERR_INVALID;
    }
    int64_t t = hv_clock_now(&r->ctx->clock);
    if (at != NULL && at[0] != '\0' && !hv_time_parse(at, &t)) {
        hv_diag_set(&r->diag, "at", "must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z");
        return HV_ERR_INVALID;
    }
    err = hv_crossing_set_status(r->ctx, r->id, st, t, hv_str_c(source),
                                 note != NULL ? hv_str_c(note) : HV_STR_NULL, &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    hv_jw_key(&r->jw, "id");
    hv_jw_str(&r->jw, r->id);
    hv_jw_key(&r->jw, "status");
    hv_jw_strz(&r->jw, hv_crossing_status_name(st));
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

/* --- movements ----------------------------------------------------------------------------- */

enum hv_err hv__h_movements(struct hv_rq *r)
{
    static const char sql[] =
        "SELECT m.id, c.ref, s.ref, m.status, m.day, m.created_at FROM movement m "
        "JOIN hv_case c ON c.id = m.case_id JOIN site s ON s.id = m.site_id "
        "WHERE (?1 = '' OR m.status = ?1) ORDER BY m.id DESC";
    int64_t limit = 0, offset = 0;
    enum hv_err err = hv__query_page(r, &limit, &offset);
    if (err != HV_OK)
        return err;
    struct hv_str status;
    if (!hv__query_get(r->a, r->req->query, "status", &status))
        status = HV_STR("");
    struct hv_stmt *s = NULL;
    bool row = false;
    int64_t n = 0;
    struct hv_jw *w = &r->jw;
    hv__list_begin(r);
    err = hv_store_stmt(r->ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, status);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        int64_t k = n++;
        if (k < offset || k >= offset + limit)
            continue;
        hv_jw_object_begin(w);
        hv_jw_key(w, "id");
        hv_jw_int(w, hv_stmt_col_int(s, 0));
        hv_jw_key(w, "case_id");
        hv_jw_str(w, hv_stmt_col_text(s, 1));
        hv_jw_key(w, "site_id");
        hv_jw_str(w, hv_stmt_col_text(s, 2));
        hv_jw_key(w, "status");
        hv_jw_str(w, hv_stmt_col_text(s, 3));
        hv_jw_key(w, "day");
        hv_jw_str(w, hv_stmt_col_text(s, 4));
        hv_jw_object_end(w);
    }
    if (err != HV_OK)
        return err;
    hv__list_end(r, n, limit, offset);
    return HV_OK;
}

enum hv_err hv__h_movement_plan(struct hv_rq *r)
{
    const char *case_id = NULL, *site_id = NULL, *date = NULL, *reason = NULL, **crossings = NULL;
    size_t n_crossings = 0;
    bool override = false;
    const struct hv_jfield fields[] = {
        { .name = "case_id",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 64,
          .str = &case_id },
        { .name = "site_id",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 64,
          .str = &site_id },
        { .name = "crossings",
          .type = HV_JF_STRINGS,
          .max_len = 64,
          .max_items = 8,
          .strs = &crossings,
          .n_strs = &n_crossings },
        { .name = "date", .type = HV_JF_STRING, .max_len = 10, .str = &date },
        { .name = "override", .type = HV_JF_BOOL, .flag = &override },
        { .name = "reason", .type = HV_JF_STRING, .max_len = 200, .str = &reason },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 6, &r->diag);
    if (err != HV_OK)
        return err;
    int32_t day = (int32_t)(hv_clock_now(&r->ctx->clock) / HV_SECS_PER_DAY);
    if (date != NULL && date[0] != '\0' && !hv_day_parse(date, &day)) {
        hv_diag_set(&r->diag, "date", "must be YYYY-MM-DD");
        return HV_ERR_INVALID;
    }
    struct hv_route_step *steps = hv_arena_alloc_array(r->a, n_crossings + 1, sizeof(*steps));
    if (steps == NULL)
        return HV_ERR_LIMIT;
    for (size_t i = 0; i < n_crossings; i++)
        steps[i].crossing_ref = hv_str_c(crossings[i]);
    struct hv_move_request mr = {
        .case_ref = hv_str_c(case_id),
        .site_ref = hv_str_c(site_id),
        .steps = steps,
        .n_steps = n_crossings,
        .day = day,
        .override = override,
        .reason = reason,
    };
    int64_t id = 0;
    err = hv_move_plan(r->ctx, &mr, &id, &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    hv_jw_key(&r->jw, "id");
    hv_jw_int(&r->jw, id);
    hv_jw_key(&r->jw, "status");
    hv_jw_strz(&r->jw, "planned");
    hv_jw_object_end(&r->jw);
    return HV_OK;
}
