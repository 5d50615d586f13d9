/* routes_forecast.c - forecasts: run a scenario (data/scenarios/NAME.scn) on the database with
 * the forecast module and keep the result (weekly P10/P50/P90 series) in the server's memory,
 * the newest HV_SRV_FORECASTS; list and read them. Aggregates only, no personal data.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/clock.h"
#include "haven/forecast.h"
#include "req_json.h"

static bool scenario_name_ok(const char *z)
{
    size_t n = strlen(z);
    if (n == 0 || n > 64 || z[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        if (!ok)
            return false;
    }
    return strstr(z, "..") == NULL;
}

static void write_head(struct hv_jw *w, const struct hv_forecast_entry *e)
{
    char at[21];
    hv_time_format(e->created_at, at);
    hv_jw_key(w, "id");
    hv_jw_int(w, e->id);
    hv_jw_key(w, "scenario");
    hv_jw_strz(w, e->scenario);
    hv_jw_key(w, "reps");
    hv_jw_int(w, e->reps);
    hv_jw_key(w, "weeks");
    hv_jw_int(w, e->weeks);
    hv_jw_key(w, "created_at");
    hv_jw_strz(w, at);
    hv_jw_key(w, "created_by");
    hv_jw_strz(w, e->created_by);
}

enum hv_err hv__h_forecast_run(struct hv_rq *r)
{
    const char *scenario = NULL;
    int64_t reps = 100, weeks = 0;
    const struct hv_jfield fields[] = {
        { .name = "scenario",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 64,
          .str = &scenario },
        { .name = "reps", .type = HV_JF_INT, .num = &reps, .min = 1, .max = 2000 },
        { .name = "weeks", .type = HV_JF_INT, .num = &weeks, .min = 1, .max = 520 },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 3, &r->diag);
    if (err != HV_OK)
        return err;
    if (!scenario_name_ok(scenario)) {
        hv_diag_set(&r->diag, "scenario", "a scenario name such as 2021 (data/scenarios)");
        return HV_ERR_INVALID;
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s.scn", r->srv->opt.scenario_dir, scenario);
    const struct hv_forecast_scenario *sc = NULL;
    const struct hv_forecast_model *m = NULL;
    struct hv_forecast_result *res = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    err = hv_forecast_scenario_load(r->a, path, &sc, &d);
    if (err == HV_ERR_IO) {
        hv_diag_set(&r->diag, "scenario", "no scenario %s", scenario);
        return HV_ERR_NOTFOUND;
    }
    if (err == HV_OK)
        err = hv_forecast_model_build(r->ctx, r->a, sc, (int32_t)weeks, &m, &r->diag);
    struct hv_forecast_options fo = { .reps = (uint32_t)reps, .seed = 1, .threads = 1 };
    if (err == HV_OK)
        err = hv_forecast_run(m, &fo, &res, &r->diag);
    struct hv_buf out;
    hv_buf_init(&out, HV_SRV_RESP_LIMIT);
    if (err == HV_OK)
        err = hv_forecast_write_json(res, &out);
    hv_forecast_result_destroy(res);
    if (err != HV_OK) {
        hv_buf_finish(&out);
        if (err == HV_ERR_INVALID && !hv_diag_has(&r->diag))
            r->diag = d;
        return err;
    }
    struct hv_forecast_model_info info;
    hv_forecast_model_info(m, &info);
    struct hv_server *srv = r->srv;
    pthread_mutex_lock(&srv->forecast_mu);
    size_t slot = (size_t)(srv->forecast_next_id % HV_SRV_FORECASTS);
    struct hv_forecast_entry *e = &srv->forecasts[slot];
    free(e->json);
    memset(e, 0, sizeof(*e));
    e->id = ++srv->forecast_next_id;
    snprintf(e->scenario, sizeof(e->scenario), "%s", scenario);
    snprintf(e->created_by, sizeof(e->created_by), "%s", r->sess.who.username);
    e->reps = reps;
    e->weeks = info.weeks;
    e->created_at = hv_clock_now(&r->ctx->clock);
    e->json = out.ptr; /* taken over */
    e->json_len = out.len;
    struct hv_forecast_entry copy = *e;
    pthread_mutex_unlock(&srv->forecast_mu);
    hv_jw_object_begin(&r->jw);
    write_head(&r->jw, &copy);
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

enum hv_err hv__h_forecasts(struct hv_rq *r)
{
    int64_t limit = 0, offset = 0;
    enum hv_err err = hv__query_page(r, &limit, &offset);
    if (err != HV_OK)
        return err;
    struct hv_server *srv = r->srv;
    hv__list_begin(r);
    int64_t total = 0;
    pthread_mutex_lock(&srv->forecast_mu);
    for (int64_t id = srv->forecast_next_id; id >= 1; id--) {
        const struct hv_forecast_entry *e = &srv->forecasts[(size_t)(id - 1) % HV_SRV_FORECASTS];
        if (e->id != id)
            break;
        int64_t k = total++;
        if (k < offset || k >= offset + limit)
            continue;
        hv_jw_object_begin(&r->jw);
        write_head(&r->jw, e);
        hv_jw_object_end(&r->jw);
    }
    pthread_mutex_unlock(&srv->forecast_mu);
    hv__list_end(r, total, limit, offset);
    return HV_OK;
}

enum hv_err hv__h_forecast(struct hv_rq *r)
{
    int64_t id = 0;
    if (!hv_parse_i64(r->id, &id) || id <= 0) {
        hv_diag_set(&r->diag, "id", "must be a positive whole number");
        return HV_ERR_INVALID;
    }
    struct hv_server *srv = r->srv;
    json_t *doc = NULL;
    struct hv_forecast_entry head;
    memset(&head, 0, sizeof(head));
    pthread_mutex_lock(&srv->forecast_mu);
    const struct hv_forecast_entry *e = &srv->forecasts[(size_t)(id - 1) % HV_SRV_FORECASTS];
    if (e->id == id && e->json != NULL) {
        json_error_t jerr;
        doc = json_loadb(e->json, e->json_len, 0, &jerr);
        head = *e;
    }
    pthread_mutex_unlock(&srv->forecast_mu);
    if (doc == NULL) {
        hv_diag_set(&r->diag, NULL, "no such forecast (the server keeps the newest %d)",
                    HV_SRV_FORECASTS);
        return HV_ERR_NOTFOUND;
    }
    /* The result's own members (run, series with p10/p50/p90 ...) after the header. */
    hv_jw_object_begin(&r->jw);
    write_head(&r->jw, &head);
    const char *key;
    json_t *v;
    enum hv_err err = HV_OK;
    json_object_foreach(doc, key, v)
    {
        static const char *const mine[] = { "id",    "scenario",   "reps",
                                            "weeks", "created_at", "created_by" };
        bool skip = false;
        for (size_t i = 0; i < HV_ARRAY_LEN(mine); i++)
            skip = skip || strcmp(key, mine[i]) == 0;
        if (skip)
            continue;
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (text == NULL) {
            err = HV_ERR_NOMEM;
            break;
        }
        hv_jw_key(&r->jw, key);
        hv_jw_raw(&r->jw, hv_str_c(text));
        free(text);
    }
    json_decref(doc);
    hv_jw_object_end(&r->jw);
    return err;
}
