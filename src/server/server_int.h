/* server_int.h - what the server's files share: the server object, the per-request state,
 * the route table and the response helpers.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_SERVER_INT_H
#define HV_SERVER_INT_H

#include "server.h"

struct hv_search;

/* A cached session, keyed by the token's keyed hash. */
struct hv_session_slot {
    uint8_t hash[32];
    bool used;
    int64_t checked_at; /* when it was last confirmed in the database */
    struct hv_access_session sess;
};

/* A forecast run kept in memory (routes_forecast.c). */
#define HV_SRV_FORECASTS 16
struct hv_forecast_entry {
    int64_t id;
    char scenario[72];
    char created_by[HV_ACCESS_MAX_NAME];
    int64_t reps, weeks, created_at;
    char *json; /* heap: the result as hv_forecast_write_json wrote it */
    size_t json_len;
};

struct hv_server {
    struct hv_server_options opt;
    struct hv_logger log;
    struct hv_store *admin_store; /* the connection create/destroy and the demo users use */
    struct hv_vault *vault;       /* shared by the workers (read-only once open) */
    struct hv_names *names;
    struct hv_search *search;
    char web_dir[4096];
    /* worker pool */
    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    struct hv_worker workers[HV_SRV_MAX_WORKERS];
    size_t n_workers;
    /* session cache */
    pthread_mutex_t cache_mu;
    struct hv_session_slot *cache; /* HV_SRV_CACHE_SLOTS */
    /* group-committed read audit */
    struct hv_audit_queue *audit;
    /* forecasts run through the API, the newest HV_SRV_FORECASTS */
    pthread_mutex_t forecast_mu;
    struct hv_forecast_entry forecasts[HV_SRV_FORECASTS];
    int64_t forecast_next_id;
    /* the OpenAPI document as served */
    struct hv_buf openapi;
};

/* The state of one request inside a handler. */
struct hv_rq {
    struct hv_server *srv;
    struct hv_worker *w;
    struct hv_ctx *ctx;
    struct hv_arena *a;
    const struct hv_http_req *req;
    struct hv_http_resp *resp;
    struct hv_jw jw; /* writes into resp->body */
    bool authed;
    bool via_cookie;
    struct hv_access_session sess; /* token empty unless login just made it */
    struct hv_str token;           /* the token the request presented */
    struct hv_str id;              /* the {id} path segment, decoded */
    enum hv_action action;
    struct hv_diag diag;
    int status; /* set by a handler for non-200 successes */
    bool audit_pending;
    uint64_t audit_first, audit_last;
};

typedef enum hv_err hv_route_fn(struct hv_rq *r);

struct hv_route {
    const char *method;
    const char *path; /* with {id} for one segment */
    enum hv_action action;
    hv_route_fn *fn;
};

/* The table (routes.c). */
extern const struct hv_route hv__routes[];
extern const size_t hv__n_routes;

/* Handlers. */
hv_route_fn hv__h_login, hv__h_logout, hv__h_me, hv__h_openapi, hv__h_audit;
hv_route_fn hv__h_cases, hv__h_case, hv__h_case_advance, hv__h_case_hold, hv__h_case_release;
hv_route_fn hv__h_person;
hv_route_fn hv__h_pairs, hv__h_pair, hv__h_pair_decide, hv__h_hits, hv__h_hit, hv__h_hit_decide;
hv_route_fn hv__h_sites, hv__h_site, hv__h_checkin, hv__h_checkout, hv__h_occupancy;
hv_route_fn hv__h_crossings, hv__h_crossing_history, hv__h_crossing_status;
hv_route_fn hv__h_movements, hv__h_movement_plan;
hv_route_fn hv__h_plans, hv__h_plan, hv__h_plan_propose, hv__h_plan_accept, hv__h_plan_reject;
hv_route_fn hv__h_forecasts, hv__h_forecast, hv__h_forecast_run;

/* Static files under web_dir (GET / and /static/...); false when path is not static. */
bool hv__server_static(struct hv_server *srv, const struct hv_http_req *req,
                       struct hv_http_resp *resp);

/* Writes {"error":{"code","message"}} with the status of code. */
void hv__server_error(struct hv_http_resp *resp, const char *code, const char *message);
/* The stable code and HTTP status of err. */
const char *hv__err_code(enum hv_err err, int *status);

/* Query parameters: the decoded value of name (false when absent). */
bool hv__query_get(struct hv_arena *a, struct hv_str query, const char *name, struct hv_str *out);
/* ?limit=&offset= with defaults and bounds (HV_ERR_INVALID with diag). */
HV_MUST_CHECK enum hv_err hv__query_page(struct hv_rq *r, int64_t *limit, int64_t *offset);
/* Percent-decodes s into the arena (NULL on malformed escapes, NUL bytes or invalid UTF-8). */
char *hv__url_decode(struct hv_arena *a, struct hv_str s, bool plus_is_space);

/* Starts/ends a list response {"items":[ ... ],"total":N,"limit":L,"offset":O}. */
void hv__list_begin(struct hv_rq *r);
void hv__list_end(struct hv_rq *r, int64_t total, int64_t limit, int64_t offset);

/* Records a read of personal data (or a refusal) in the audit chain and waits for the commit
 * (group commit). HV_OK once durable; an error means the data must not be sent. */
HV_MUST_CHECK enum hv_err hv__audit_read(struct hv_rq *r, const char *action, const char *entity,
                                         int64_t entity_id, const char *detail);

/* The audit queue (audit_queue.c). */
/* sync_full: fsync every batch (else WAL with synchronous=NORMAL, see SERVER.md). */
HV_MUST_CHECK enum hv_err hv__audit_queue_create(const char *db, const struct hv_logger *log,
                                                 bool sync_full, struct hv_audit_queue **out,
                                                 struct hv_diag *diag);
void hv__audit_queue_destroy(struct hv_audit_queue *q);
/* Queues an entry without waiting; *ticket identifies it for hv__audit_queue_wait. */
HV_MUST_CHECK enum hv_err hv__audit_queue_push(struct hv_audit_queue *q, const char *actor,
                                               const char *action, const char *entity,
                                               int64_t entity_id, const char *detail,
                                               uint64_t *ticket);
/* Waits until tickets first..last are committed; HV_ERR_DB when any of them failed. */
HV_MUST_CHECK enum hv_err hv__audit_queue_wait(struct hv_audit_queue *q, uint64_t first,
                                               uint64_t last);
HV_MUST_CHECK enum hv_err hv__audit_queue_append(struct hv_audit_queue *q, const char *actor,
                                                 const char *action, const char *entity,
                                                 int64_t entity_id, const char *detail);

/* Name search (search.c): an in-memory index of every person's names, built at start. */
struct hv_search_hit {
    int64_t case_id;
    int64_t person_id;
    double score;      /* share of the query found in the name, rounded to 0.001 */
    double similarity; /* the names engine's symmetric score (ties) */
};
HV_MUST_CHECK enum hv_err hv__search_create(struct hv_ctx *ctx, const struct hv_names *names,
                                            struct hv_search **out);
void hv__search_destroy(struct hv_search *s);
/* Cases whose people's names match query (names engine score >= min), best first, at most
 * max, one hit per case (its best person), into the arena. */
HV_MUST_CHECK enum hv_err hv__search_run(const struct hv_search *s, struct hv_arena *a,
                                         struct hv_str query, double min, size_t max,
                                         struct hv_search_hit **out, size_t *n);
size_t hv__search_size(const struct hv_search *s);

/* Queues a read entry for this request (no wait); hv__audit_flush waits for all of them. */
HV_MUST_CHECK enum hv_err hv__audit_push(struct hv_rq *r, const char *action, const char *entity,
                                         int64_t entity_id, const char *detail);
HV_MUST_CHECK enum hv_err hv__audit_flush(struct hv_rq *r);

/* Where a case is, for the policy check: its id, site of the open stay, the site's country,
 * its disclosure list (in the arena). HV_ERR_NOTFOUND when there is no such case. */
struct hv_case_scope {
    int64_t case_id;
    struct hv_access_scope scope;
    char site_ref[HV_ACCESS_MAX_REF];
    char country[4];
};
HV_MUST_CHECK enum hv_err hv__case_scope(struct hv_rq *r, struct hv_str case_ref,
                                         struct hv_case_scope *out);
/* The policy check for one object: refusals are audited ("access.deny") and answered 403. */
HV_MUST_CHECK enum hv_err hv__check(struct hv_rq *r, const struct hv_access_scope *scope,
                                    enum hv_field_class fc, const char *entity, int64_t id);

#endif
