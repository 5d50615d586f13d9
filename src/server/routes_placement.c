/* routes_placement.c - placement proposals: list and read plans, propose one for a day (the
 * built-in LP + repair backend, a 10-second limit), accept (planned movements) or reject with
 * a reason. Plans carry case and site ids only, no personal data.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <stdio.h>
#include <string.h>

#include "haven/clock.h"
#include "haven/placement.h"
#include "haven/sites.h"
#include "haven/store.h"
#include "req_json.h"

static bool plan_id(struct hv_rq *r, int64_t *id)
{
    if (!hv_parse_i64(r->id, id) || *id <= 0) {
        hv_diag_set(&r->diag, "id", "must be a positive whole number");
        return false;
    }
    return true;
}

static void write_plan_head(struct hv_jw *w, const struct hv_place_plan_info *p)
{
    char day[11], at[21];
    hv_day_format(p->day, day);
    hv_time_format(p->created_at, at);
    hv_jw_key(w, "id");
    hv_jw_int(w, p->id);
    hv_jw_key(w, "status");
    hv_jw_str(w, p->status);
    hv_jw_key(w, "backend");
    hv_jw_str(w, p->backend);
    hv_jw_key(w, "day");
    hv_jw_strz(w, day);
    hv_jw_key(w, "created_at");
    hv_jw_strz(w, at);
    hv_jw_key(w, "objective");
    hv_jw_double(w, p->objective);
    hv_jw_key(w, "bound");
    hv_jw_double(w, p->bound);
    hv_jw_key(w, "gap");
    hv_jw_double(w, p->gap);
    hv_jw_key(w, "families");
    hv_jw_int(w, p->n_families);
    hv_jw_key(w, "placed");
    hv_jw_int(w, p->n_placed);
}

enum hv_err hv__h_plans(struct hv_rq *r)
{
    static const char sql[] = "SELECT id FROM place_plan ORDER BY id DESC";
    int64_t limit = 0, offset = 0;
    enum hv_err err = hv__query_page(r, &limit, &offset);
    if (err != HV_OK)
        return err;
    struct hv_stmt *s = NULL;
    bool row = false;
    int64_t ids[HV_SRV_LIST_MAX], n = 0, total = 0;
    err = hv_store_stmt(r->ctx->store, sql, &s);
    while (err == HV_OK && (err = hv_stmt_step(s, &row)) == HV_OK && row) {
        int64_t k = total++;
        if (k >= offset && k < offset + limit)
            ids[n++] = hv_stmt_col_int(s, 0);
    }
    if (err != HV_OK)
        return err;
    hv__list_begin(r);
    for (int64_t i = 0; i < n; i++) {
        struct hv_place_plan_info p;
        err = hv_place_plan_get(r->ctx, r->a, ids[i], false, &p);
        if (err != HV_OK)
            return err;
        hv_jw_object_begin(&r->jw);
        write_plan_head(&r->jw, &p);
        hv_jw_object_end(&r->jw);
    }
    hv__list_end(r, total, limit, offset);
    return HV_OK;
}

enum hv_err hv__h_plan(struct hv_rq *r)
{
    int64_t id = 0;
    if (!plan_id(r, &id))
        return HV_ERR_INVALID;
    struct hv_place_plan_info p;
    enum hv_err err = hv_place_plan_get(r->ctx, r->a, id, true, &p);
    if (err != HV_OK)
        return err;
    struct hv_jw *w = &r->jw;
    hv_jw_object_begin(w);
    write_plan_head(w, &p);
    hv_jw_key(w, "rows");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < p.n_rows; i++) {
        const struct hv_place_plan_row *row = &p.rows[i];
        hv_jw_object_begin(w);
        hv_jw_key(w, "case_id");
        hv_jw_str(w, row->case_ref);
        hv_jw_key(w, "site_id");
        if (row->site_ref.len > 0)
            hv_jw_str(w, row->site_ref);
        else
            hv_jw_null(w);
        hv_jw_key(w, "route");
        hv_jw_str(w, row->route);
        hv_jw_key(w, "value");
        hv_jw_double(w, row->value);
        hv_jw_key(w, "why");
        hv_jw_str(w, row->why);
        hv_jw_key(w, "movement_id");
        hv_jw_int(w, row->movement_id);
        hv_jw_object_end(w);
    }
    hv_jw_array_end(w);
    hv_jw_object_end(w);
    return HV_OK;
}

enum hv_err hv__h_plan_propose(struct hv_rq *r)
{
    const char *date = NULL;
    const struct hv_jfield fields[] = {
        { .name = "date", .type = HV_JF_STRING, .max_len = 10, .str = &date },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 1, &r->diag);
    if (err != HV_OK)
        return err;
    struct hv_place_db_options o;
    memset(&o, 0, sizeof(o));
    o.medical_share = 0.15;
    o.interp_share = 0.3;
    o.day = (int32_t)(hv_clock_now(&r->ctx->clock) / HV_SECS_PER_DAY);
    if (date != NULL && date[0] != '\0' && !hv_day_parse(date, &o.day)) {
        hv_diag_set(&r->diag, "date", "must be YYYY-MM-DD");
        return HV_ERR_INVALID;
    }
    struct hv_place_instance in;
    struct hv_place_model m;
    struct hv_place_result res;
    memset(&res, 0, sizeof(res));
    struct hv_place_params p = { .time_limit = 10, .gap = 1e-4 };
    err = hv_place_db_instance(r->ctx, r->a, &o, &in, &r->diag);
    if (err == HV_OK)
        err = hv_place_model_build(r->a, &in, &m, &r->diag);
    if (err == HV_OK)
        err = hv_place_solve(&m, &p, &res, &r->diag);
    int64_t id = 0;
    if (err == HV_OK)
        err = hv_place_plan_save(r->ctx, &m, &res, o.day, &id, &r->diag);
    hv_place_result_finish(&res);
    if (err != HV_OK)
        return err;
    struct hv_place_plan_info info;
    err = hv_place_plan_get(r->ctx, r->a, id, false, &info);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    write_plan_head(&r->jw, &info);
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

enum hv_err hv__h_plan_accept(struct hv_rq *r)
{
    int64_t id = 0;
    if (!plan_id(r, &id))
        return HV_ERR_INVALID;
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, NULL, 0, &r->diag);
    size_t moved = 0, skipped = 0;
    if (err == HV_OK)
        err = hv_place_plan_accept(r->ctx, id, &moved, &skipped, &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    hv_jw_key(&r->jw, "id");
    hv_jw_int(&r->jw, id);
    hv_jw_key(&r->jw, "status");
    hv_jw_strz(&r->jw, "accepted");
    hv_jw_key(&r->jw, "moved");
    hv_jw_int(&r->jw, (int64_t)moved);
    hv_jw_key(&r->jw, "skipped");
    hv_jw_int(&r->jw, (int64_t)skipped);
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

enum hv_err hv__h_plan_reject(struct hv_rq *r)
{
    int64_t id = 0;
    if (!plan_id(r, &id))
        return HV_ERR_INVALID;
    const char *reason = NULL;
    const struct hv_jfield fields[] = {
        { .name = "reason",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 255,
          .str = &reason },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 1, &r->diag);
    if (err == HV_OK)
        err = hv_place_plan_reject(r->ctx, id, reason, &r->diag);
    if (err != HV_OK)
        return err;
    hv_jw_object_begin(&r->jw);
    hv_jw_key(&r->jw, "id");
    hv_jw_int(&r->jw, id);
    hv_jw_key(&r->jw, "status");
    hv_jw_strz(&r->jw, "rejected");
    hv_jw_object_end(&r->jw);
    return HV_OK;
}
