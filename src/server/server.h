/* server.h - `haven serve`: the HTTP JSON API and the static UI. The HTTP library lives only
 * in http.c; everything else here works on plain request/response structs so that the router
 * and handlers can be called in process (tests, fuzzing) without sockets.
 * See docs/internals/SERVER.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_SERVER_H
#define HV_SERVER_H

#include <pthread.h>

#include "haven/access.h"
#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/ctx.h"
#include "haven/jsonw.h"
#include "haven/log.h"
#include "haven/vault.h"

struct hv_names;
struct hv_server;

/* Limits (named, configured, STYLE C12). */
#define HV_SRV_BODY_LIMIT    (64u * 1024u)         /* bytes of a request body (413 beyond) */
#define HV_SRV_ARENA_LIMIT   (32u * 1024u * 1024u) /* bytes per request arena */
#define HV_SRV_RESP_LIMIT    (16u * 1024u * 1024u) /* bytes of a response */
#define HV_SRV_STATIC_LIMIT  (8u * 1024u * 1024u)  /* bytes of one static file */
#define HV_SRV_TIMEOUT       30                    /* seconds a connection may idle */
#define HV_SRV_MAX_CONNS     1024
#define HV_SRV_LIST_MAX      500 /* largest ?limit= */
#define HV_SRV_LIST_DEFAULT  50
#define HV_SRV_SESSION_TTL   (8 * 3600)
#define HV_SRV_CACHE_SLOTS   4096
#define HV_SRV_CACHE_RECHECK 5 /* seconds before a cached session is looked up again */
#define HV_SRV_MAX_WORKERS   16

struct hv_server_options {
    const char *db;
    struct hv_vault_key_source key;
    const char *web_dir;      /* static UI directory */
    const char *scenario_dir; /* forecast scenarios (NAME.scn) */
    const char *listen;       /* "127.0.0.1:8080" */
    unsigned threads;         /* worker threads (0 = 2) */
    bool secure_cookie;       /* add Secure to the session cookie (behind TLS) */
    bool audit_fsync;         /* fsync every batch of read-audit entries (default: WAL NORMAL) */
    int64_t session_ttl;      /* seconds (0 = HV_SRV_SESSION_TTL) */
    const struct hv_logger *log;
};

/* A request as the router sees it. Views are borrowed for the request's duration. */
struct hv_http_req {
    struct hv_str method;
    struct hv_str path;  /* percent-encoded, without the query */
    struct hv_str query; /* raw query string without '?' */
    struct hv_str body;
    struct hv_str authorization; /* header values, empty when absent */
    struct hv_str cookie;
    struct hv_str csrf;
    struct hv_str content_type;
};

struct hv_http_resp {
    int status;
    struct hv_buf body; /* capped at HV_SRV_RESP_LIMIT */
    const char *content_type;
    const char *cache_control;
    char set_cookie[160];
};

/* One worker: its own store connection, context and request arena. */
struct hv_workflow;
struct hv_worker {
    struct hv_ctx ctx;
    struct hv_logger log;
    struct hv_arena arena;
    bool busy;
    /* Parsed workflows (frozen in the database, so immutable), kept for the server's life. */
    struct hv_arena wf_arena;
    const struct hv_workflow *wf[8];
    size_t n_wf;
};

/* The audit queue: reads of personal data are appended by one writer thread, many per
 * transaction (group commit); a request waits until its entries are committed. */
struct hv_audit_queue;

/* Server life cycle. create opens the database (migrating it), the vault, the workers'
 * connections, the names engine and the search index. */
HV_MUST_CHECK enum hv_err hv_server_create(const struct hv_server_options *opt,
                                           struct hv_server **out, struct hv_diag *diag);
void hv_server_destroy(struct hv_server *srv);

/* Handles one request: authentication, the policy check of the route's action, the handler,
 * errors as JSON. resp must be initialised by hv_http_resp_init; the caller finishes it.
 * Thread-safe: takes a worker from the pool for the duration. */
void hv_server_handle(struct hv_server *srv, const struct hv_http_req *req,
                      struct hv_http_resp *resp);
void hv_http_resp_init(struct hv_http_resp *resp);
void hv_http_resp_finish(struct hv_http_resp *resp);

/* Runs the HTTP listener (http.c) until SIGINT/SIGTERM. ready (may be NULL) is printed
 * once listening, with the bound URL. */
HV_MUST_CHECK enum hv_err hv_server_listen(struct hv_server *srv, const char *listen,
                                           void (*ready)(void *ud, const char *url), void *ud,
                                           struct hv_diag *diag);

/* The route table as JSON ([{"method","path","action"}...]) for `haven serve --routes`. */
HV_MUST_CHECK enum hv_err hv_server_routes_json(struct hv_buf *out);

/* Creates the demo users (one per role, documented passwords) when they do not exist yet;
 * the site manager is scoped to site_ref. Prints nothing. */
HV_MUST_CHECK enum hv_err hv_server_demo_users(struct hv_ctx *ctx, const char *site_ref,
                                               struct hv_diag *diag);

#endif
