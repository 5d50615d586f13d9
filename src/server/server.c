/* server.c - the server object (worker pool, session cache), the router with its single
 * policy gate, and the error table.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/audit.h"
#include "haven/clock.h"
#include "haven/names.h"
#include "haven/store.h"

extern const char hv__openapi_json[];
extern const size_t hv__openapi_json_len;

/* --- errors: one table code -> status ------------------------------------------------------ */

static const struct {
    const char *code;
    int status;
} codes[] = {
    { "invalid", 400 },
    { "unauthenticated", 401 },
    { "forbidden", 403 },
    { "not_found", 404 },
    { "method_not_allowed", 405 },
    { "conflict", 409 },
    { "too_large", 413 },
    { "limit", 429 },
    { "internal", 500 },
};

static int code_status(const char *code)
{
    for (size_t i = 0; i < HV_ARRAY_LEN(codes); i++) {
        if (strcmp(codes[i].code, code) == 0)
            return codes[i].status;
    }
    return 500;
}

const char *hv__err_code(enum hv_err err, int *status)
{
    const char *code = "internal";
    switch (err) {
    case HV_ERR_INVALID:
        code = "invalid";
        break;
    case HV_ERR_FORBIDDEN:
        code = "forbidden";
        break;
    case HV_ERR_NOTFOUND:
        code = "not_found";
        break;
    case HV_ERR_CONFLICT:
        code = "conflict";
        break;
    case HV_ERR_LIMIT:
        code = "limit";
        break;
    default:
        break;
    }
    *status = code_status(code);
    return code;
}

void hv__server_error(struct hv_http_resp *resp, const char *code, const char *message)
{
    hv_buf_reset(&resp->body);
    resp->status = code_status(code);
    resp->content_type = "application/json";
    struct hv_jw w;
    hv_jw_init(&w, &resp->body, false);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "error");
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "code");
    hv_jw_strz(&w, code);
    hv_jw_key(&w, "message");
    hv_jw_strz(&w, message);
    hv_jw_object_end(&w);
    hv_jw_object_end(&w);
}

void hv_http_resp_init(struct hv_http_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
    hv_buf_init(&resp->body, HV_SRV_RESP_LIMIT);
    resp->status = 200;
    resp->content_type = "application/json";
    resp->cache_control = "no-store";
}

void hv_http_resp_finish(struct hv_http_resp *resp)
{
    hv_buf_finish(&resp->body);
}

/* --- the OpenAPI document as served: the file plus the role x action table ---------------- */

static enum hv_err build_openapi(struct hv_server *srv, struct hv_diag *diag)
{
    json_error_t jerr;
    json_t *doc = json_loadb(hv__openapi_json, hv__openapi_json_len, 0, &jerr);
    if (doc == NULL) {
        hv_diag_set(diag, NULL, "src/server/openapi.json: %s", jerr.text);
        return HV_ERR_INTERNAL;
    }
    json_t *roles = json_object();
    for (int r = 0; r < HV_N_ROLES; r++) {
        json_t *acts = json_array();
        for (int a = 0; a < HV_N_ACTIONS; a++) {
            if (hv_access_role_can((enum hv_role)r, (enum hv_action)a))
                json_array_append_new(acts, json_string(hv_action_name((enum hv_action)a)));
        }
        json_object_set_new(roles, hv_role_name((enum hv_role)r), acts);
    }
    json_object_set_new(doc, "x-haven-roles", roles);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (text == NULL)
        return HV_ERR_NOMEM;
    hv_buf_init(&srv->openapi, 0);
    enum hv_err err = hv_buf_appendz(&srv->openapi, text);
    free(text);
    return err;
}

enum hv_err hv__h_openapi(struct hv_rq *r)
{
    hv_jw_raw(&r->jw, hv_buf_str(&r->srv->openapi));
    r->resp->cache_control = "public, max-age=300";
    return HV_OK;
}

/* --- life cycle ------------------------------------------------------------------------------ */

static enum hv_err open_store(struct hv_server *srv, struct hv_logger *log, struct hv_store **st,
                              struct hv_diag *diag)
{
    struct hv_store_options so = { .log = log };
    enum hv_err err = hv_store_open(srv->opt.db, &so, st, diag);
    if (err == HV_OK)
        err = hv_store_migrate(*st, diag);
    return err;
}

enum hv_err hv_server_create(const struct hv_server_options *opt, struct hv_server **out,
                             struct hv_diag *diag)
{
    struct hv_server *srv = hv_xcalloc(1, sizeof(*srv));
    srv->opt = *opt;
    if (srv->opt.log != NULL)
        srv->log = *srv->opt.log;
    if (srv->opt.threads == 0)
        srv->opt.threads = 2;
    if (srv->opt.threads > HV_SRV_MAX_WORKERS)
        srv->opt.threads = HV_SRV_MAX_WORKERS;
    if (srv->opt.session_ttl <= 0)
        srv->opt.session_ttl = HV_SRV_SESSION_TTL;
    snprintf(srv->web_dir, sizeof(srv->web_dir), "%s", opt->web_dir != NULL ? opt->web_dir : "");
    pthread_mutex_init(&srv->pool_mu, NULL);
    pthread_cond_init(&srv->pool_cv, NULL);
    pthread_mutex_init(&srv->cache_mu, NULL);
    pthread_mutex_init(&srv->forecast_mu, NULL);
    srv->cache = hv_xcalloc(HV_SRV_CACHE_SLOTS, sizeof(*srv->cache));
    *out = srv;

    enum hv_err err = open_store(srv, &srv->log, &srv->admin_store, diag);
    if (err == HV_OK)
        err = hv_vault_open(srv->admin_store, &srv->opt.key, &srv->vault, diag);
    if (err == HV_OK)
        err = build_openapi(srv, diag);
    /* One connection per worker: reads run in parallel under WAL. */
    srv->n_workers = srv->opt.threads;
    for (size_t i = 0; err == HV_OK && i < srv->n_workers; i++) {
        struct hv_worker *w = &srv->workers[i];
        w->log = srv->log;
        err = open_store(srv, &w->log, &w->ctx.store, diag);
        w->ctx.vault = srv->vault;
        w->ctx.log = &w->log;
        w->ctx.actor = "server";
        hv_arena_init(&w->arena, HV_SRV_ARENA_LIMIT);
        hv_arena_init(&w->wf_arena, 0);
    }
    if (err == HV_OK)
        err =
            hv__audit_queue_create(srv->opt.db, &srv->log, srv->opt.audit_fsync, &srv->audit, diag);
    if (err == HV_OK)
        err = hv_names_create(NULL, &srv->names, diag);
    if (err == HV_OK) {
        struct hv_ctx c = srv->workers[0].ctx;
        err = hv__search_create(&c, srv->names, &srv->search);
        if (err != HV_OK)
            hv_diag_set(diag, NULL, "building the name search index failed: %s", hv_err_str(err));
    }
    return err;
}

void hv_server_destroy(struct hv_server *srv)
{
    if (srv == NULL)
        return;
    hv__audit_queue_destroy(srv->audit);
    hv__search_destroy(srv->search);
    hv_names_destroy(srv->names);
    for (size_t i = 0; i < srv->n_workers; i++) {
        hv_arena_finish(&srv->workers[i].arena);
        hv_arena_finish(&srv->workers[i].wf_arena);
        hv_store_close(srv->workers[i].ctx.store);
    }
    hv_vault_destroy(srv->vault);
    hv_store_close(srv->admin_store);
    hv_buf_finish(&srv->openapi);
    hv_access_wipe(srv->cache, HV_SRV_CACHE_SLOTS * sizeof(*srv->cache));
    free(srv->cache);
    pthread_mutex_destroy(&srv->pool_mu);
    pthread_cond_destroy(&srv->pool_cv);
    pthread_mutex_destroy(&srv->cache_mu);
    for (size_t i = 0; i < HV_SRV_FORECASTS; i++)
        free(srv->forecasts[i].json);
    pthread_mutex_destroy(&srv->forecast_mu);
    free(srv);
}

static struct hv_worker *worker_take(struct hv_server *srv)
{
    pthread_mutex_lock(&srv->pool_mu);
    for (;;) {
        for (size_t i = 0; i < srv->n_workers; i++) {
            if (!srv->workers[i].busy) {
                srv->workers[i].busy = true;
                pthread_mutex_unlock(&srv->pool_mu);
                return &srv->workers[i];
            }
        }
        pthread_cond_wait(&srv->pool_cv, &srv->pool_mu);
    }
}

static void worker_give(struct hv_server *srv, struct hv_worker *w)
{
    if (hv_store_in_tx(w->ctx.store))
        hv_store_rollback(w->ctx.store);
    hv_store_release_reads(w->ctx.store);
    hv_arena_reset(&w->arena);
    pthread_mutex_lock(&srv->pool_mu);
    w->busy = false;
    pthread_cond_signal(&srv->pool_cv);
    pthread_mutex_unlock(&srv->pool_mu);
}

/* --- sessions: an in-memory cache in front of the token table -------------------------------- */

static size_t slot_of(const uint8_t hash[32])
{
    uint32_t v = (uint32_t)hash[0] | (uint32_t)hash[1] << 8 | (uint32_t)hash[2] << 16 |
                 (uint32_t)hash[3] << 24;
    return v % HV_SRV_CACHE_SLOTS;
}

/* Finds the session of token: from the cache when confirmed in the last HV_SRV_CACHE_RECHECK
 * seconds and not expired, else from the database (then cached). */
static bool session_lookup(struct hv_rq *r, struct hv_str token)
{
    struct hv_server *srv = r->srv;
    uint8_t h[32];
    hv_access_token_hash(r->ctx, token, h);
    int64_t now = hv_clock_now(&r->ctx->clock);
    size_t i = slot_of(h);
    bool hit = false;
    pthread_mutex_lock(&srv->cache_mu);
    struct hv_session_slot *s = &srv->cache[i];
    if (s->used && hv_access_equal(s->hash, h, 32) && s->sess.expires_at > now &&
        now - s->checked_at < HV_SRV_CACHE_RECHECK) {
        r->sess = s->sess;
        hit = true;
    }
    pthread_mutex_unlock(&srv->cache_mu);
    if (hit)
        return true;
    struct hv_access_session sess;
    if (hv_access_authenticate(r->ctx, token, &sess) != HV_OK) {
        pthread_mutex_lock(&srv->cache_mu);
        if (s->used && hv_access_equal(s->hash, h, 32))
            memset(s, 0, sizeof(*s));
        pthread_mutex_unlock(&srv->cache_mu);
        return false;
    }
    pthread_mutex_lock(&srv->cache_mu);
    memcpy(s->hash, h, 32);
    s->used = true;
    s->checked_at = now;
    s->sess = sess;
    pthread_mutex_unlock(&srv->cache_mu);
    r->sess = sess;
    return true;
}

static void session_forget(struct hv_rq *r, struct hv_str token)
{
    uint8_t h[32];
    hv_access_token_hash(r->ctx, token, h);
    pthread_mutex_lock(&r->srv->cache_mu);
    struct hv_session_slot *s = &r->srv->cache[slot_of(h)];
    if (s->used && hv_access_equal(s->hash, h, 32))
        memset(s, 0, sizeof(*s));
    pthread_mutex_unlock(&r->srv->cache_mu);
}

/* The token a request presents: "Authorization: Bearer T", else the hv_session cookie. */
static struct hv_str find_token(const struct hv_http_req *req, bool *via_cookie)
{
    *via_cookie = false;
    struct hv_str a = hv_str_trim(req->authorization);
    if (a.len > 7 && hv_str_ieq_ascii((struct hv_str){ a.ptr, 7 }, "bearer "))
        return hv_str_trim((struct hv_str){ a.ptr + 7, a.len - 7 });
    struct hv_str c = req->cookie;
    size_t i = 0;
    while (i < c.len) {
        while (i < c.len && (c.ptr[i] == ' ' || c.ptr[i] == ';'))
            i++;
        size_t j = i;
        while (j < c.len && c.ptr[j] != ';')
            j++;
        struct hv_str kv = { c.ptr + i, j - i };
        if (kv.len > 11 && memcmp(kv.ptr, "hv_session=", 11) == 0) {
            *via_cookie = true;
            return hv_str_trim((struct hv_str){ kv.ptr + 11, kv.len - 11 });
        }
        i = j + 1;
    }
    return HV_STR_NULL;
}

/* --- routing ------------------------------------------------------------------------------ */

/* Matches path against a pattern with at most one {id} segment; *id receives it (encoded). */
static bool match(const char *pattern, struct hv_str path, struct hv_str *id)
{
    const char *p = pattern;
    size_t i = 0;
    while (*p != '\0') {
        if (strncmp(p, "{id}", 4) == 0) {
            size_t j = i;
            while (j < path.len && path.ptr[j] != '/')
                j++;
            if (j == i)
                return false;
            *id = (struct hv_str){ path.ptr + i, j - i };
            i = j;
            p += 4;
            continue;
        }
        if (i >= path.len || path.ptr[i] != *p)
            return false;
        i++;
        p++;
    }
    return i == path.len;
}

static void fail(struct hv_rq *r, enum hv_err err)
{
    int status = 500;
    const char *code = hv__err_code(err, &status);
    char msg[700];
    if (hv_diag_has(&r->diag))
        hv_diag_format(&r->diag, msg, sizeof(msg));
    else
        snprintf(msg, sizeof(msg), "%s", hv_err_str(err));
    if (status == 500) {
        hv_log(&r->srv->log, HV_LOG_ERROR, "request failed: %s (%s)", hv_err_str(err),
               hv_action_name(r->action));
        snprintf(msg, sizeof(msg), "internal error");
    }
    hv__server_error(r->resp, code, msg);
}

static bool is_read(struct hv_str method)
{
    return hv_str_eqz(method, "GET") || hv_str_eqz(method, "HEAD");
}

void hv_server_handle(struct hv_server *srv, const struct hv_http_req *req,
                      struct hv_http_resp *resp)
{
    struct hv_str path = req->path;
    if (!(path.len >= 5 && memcmp(path.ptr, "/api/", 5) == 0)) {
        if (!hv__server_static(srv, req, resp))
            hv__server_error(resp, "not_found", "no such page");
        return;
    }
    const struct hv_route *route = NULL;
    bool path_known = false;
    struct hv_str id = HV_STR_NULL;
    for (size_t i = 0; i < hv__n_routes; i++) {
        struct hv_str rid = HV_STR_NULL;
        if (!match(hv__routes[i].path, path, &rid))
            continue;
        path_known = true;
        if (hv_str_eqz(req->method, hv__routes[i].method) ||
            (hv_str_eqz(req->method, "HEAD") && strcmp(hv__routes[i].method, "GET") == 0)) {
            route = &hv__routes[i];
            id = rid;
            break;
        }
    }
    if (route == NULL) {
        if (path_known)
            hv__server_error(resp, "method_not_allowed", "this method is not allowed here");
        else
            hv__server_error(resp, "not_found", "no such endpoint");
        return;
    }

    struct hv_worker *w = worker_take(srv);
    struct hv_rq r;
    memset(&r, 0, sizeof(r));
    r.srv = srv;
    r.w = w;
    r.ctx = &w->ctx;
    r.a = &w->arena;
    r.req = req;
    r.resp = resp;
    r.action = route->action;
    r.status = 200;
    w->ctx.actor = "anonymous";
    hv_jw_init(&r.jw, &resp->body, false);

    if (id.len > 0) {
        char *d = hv__url_decode(r.a, id, false);
        if (d == NULL) {
            hv__server_error(resp, "invalid", "malformed id in the path");
            goto out;
        }
        r.id = hv_str_c(d);
    }
    /* The query string must decode (UTF-8, no NUL, well-formed escapes) as a whole. */
    if (req->query.len > 0 && hv__url_decode(r.a, req->query, true) == NULL) {
        hv__server_error(resp, "invalid", "malformed query string");
        goto out;
    }
    hv_store_release_reads(w->ctx.store);
    r.token = find_token(req, &r.via_cookie);
    if (route->action != HV_ACT_PUBLIC) {
        if (r.token.len == 0) {
            hv__server_error(resp, "unauthenticated", "sign in first");
            goto out;
        }
        if (!session_lookup(&r, r.token)) {
            hv__server_error(resp, "unauthenticated", "the session is unknown or has expired");
            goto out;
        }
        r.authed = true;
        w->ctx.actor = r.sess.who.username;
        /* Cookie sessions must echo the CSRF value on every request that changes anything. */
        if (r.via_cookie && !r.sess.api && !is_read(req->method)) {
            struct hv_str c = req->csrf;
            size_t n = strlen(r.sess.csrf);
            if (c.len != n || n == 0 || !hv_access_equal(c.ptr, r.sess.csrf, n)) {
                hv__server_error(resp, "forbidden", "missing or wrong X-Haven-CSRF header");
                goto out;
            }
        }
        /* THE gate: every route declares its action and the policy decides (rule 1). */
        enum hv_err err = hv_access_check(&r.sess.who, route->action, NULL, HV_FC_NONE, &r.diag);
        if (err != HV_OK) {
            enum hv_err aerr =
                hv__audit_read(&r, "access.deny", "route", 0, hv_action_name(route->action));
            fail(&r, aerr != HV_OK ? aerr : err);
            goto out;
        }
    }
    enum hv_err err = route->fn(&r);
    enum hv_err ferr = hv__audit_flush(&r); /* reads are durable before data is sent */
    if (err == HV_OK)
        err = ferr;
    if (err == HV_OK && hv_jw_err(&r.jw) != HV_OK)
        err = hv_jw_err(&r.jw);
    if (err == HV_OK && hv_arena_failed(r.a))
        err = HV_ERR_INTERNAL; /* the request arena's cap: logged */
    if (err != HV_OK) {
        if (hv_store_in_tx(w->ctx.store))
            hv_store_rollback(w->ctx.store);
        fail(&r, err);
    } else {
        resp->status = r.status;
    }
    if (route->fn == hv__h_logout && err == HV_OK)
        session_forget(&r, r.token);
out:
    hv_access_wipe(&r.sess, sizeof(r.sess));
    worker_give(srv, w);
}
