/* http.c - the listener on libmicrohttpd (the only file that includes microhttpd.h): a pool
 * of polling threads (epoll), request bodies collected up to HV_SRV_BODY_LIMIT (413 beyond,
 * decided from Content-Length before reading when it is given), idle timeouts, and the raw
 * (still percent-encoded) path and query handed to the router.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn_state {
    struct hv_buf body;
    bool too_large;
};

/* Keeps paths and arguments as sent: the router decodes exactly once. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    struct hv_buf *q = cls;
    enum hv_err err = HV_OK;
    if (q->len > 0)
        err = hv_buf_putc(q, '&');
    if (err == HV_OK)
        err = hv_buf_appendz(q, key);
    if (err == HV_OK && value != NULL) {
        err = hv_buf_putc(q, '=');
        if (err == HV_OK)
            err = hv_buf_appendz(q, value);
    }
    return err == HV_OK ? MHD_YES : MHD_NO;
}

static struct hv_str header(struct MHD_Connection *c, const char *name)
{
    return hv_str_c(MHD_lookup_connection_value(c, MHD_HEADER_KIND, name));
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct hv_http_resp *resp, bool head)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        head ? 0 : resp->body.len, head ? (void *)"" : (void *)hv_buf_cstr(&resp->body),
        MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", resp->content_type);
    MHD_add_response_header(r, "Cache-Control", resp->cache_control);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' "
                            "'unsafe-inline'; object-src 'none'; frame-ancestors 'none'");
    if (resp->set_cookie[0] != '\0')
        MHD_add_response_header(r, "Set-Cookie", resp->set_cookie);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result too_large(struct MHD_Connection *c)
{
    struct hv_http_resp resp;
    hv_http_resp_init(&resp);
    char msg[96];
    snprintf(msg, sizeof(msg), "the request body is larger than %u bytes", HV_SRV_BODY_LIMIT);
    hv__server_error(&resp, "too_large", msg);
    enum MHD_Result ret = send_resp(c, &resp, false);
    hv_http_resp_finish(&resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct hv_server *srv = cls;
    struct conn_state *cs = *con_cls;
    if (cs == NULL) {
        cs = hv_xcalloc(1, sizeof(*cs));
        hv_buf_init(&cs->body, HV_SRV_BODY_LIMIT);
        *con_cls = cs;
        int64_t clen = 0;
        struct hv_str cl = header(c, "Content-Length");
        if (cl.len > 0 && (!hv_parse_i64(cl, &clen) || clen < 0 || clen > HV_SRV_BODY_LIMIT)) {
            cs->too_large = true;
            return too_large(c); /* answered before the body is read */
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!cs->too_large && hv_buf_append(&cs->body, upload_data, *upload_data_size) != HV_OK)
            cs->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (cs->too_large)
        return too_large(c);

    struct hv_buf query;
    hv_buf_init(&query, HV_SRV_BODY_LIMIT);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &query);
    struct hv_http_req req = {
        .method = hv_str_c(method),
        .path = hv_str_c(url),
        .query = hv_buf_str(&query),
        .body = hv_buf_str(&cs->body),
        .authorization = header(c, "Authorization"),
        .cookie = header(c, "Cookie"),
        .csrf = header(c, "X-Haven-CSRF"),
        .content_type = header(c, "Content-Type"),
    };
    struct hv_http_resp resp;
    hv_http_resp_init(&resp);
    if (!hv_utf8_valid(req.path.ptr, req.path.len))
        hv__server_error(&resp, "invalid", "the path is not UTF-8");
    else
        hv_server_handle(srv, &req, &resp);
    enum MHD_Result ret = send_resp(c, &resp, strcmp(method, "HEAD") == 0);
    hv_http_resp_finish(&resp);
    hv_buf_finish(&query);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)c;
    (void)code;
    struct conn_state *cs = *con_cls;
    if (cs != NULL) {
        hv_buf_finish(&cs->body);
        free(cs);
        *con_cls = NULL;
    }
}

static bool parse_listen(const char *listen, struct sockaddr_in *sa, struct hv_diag *diag)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    const char *colon = strrchr(listen, ':');
    char host[64];
    int64_t port = 0;
    if (colon == NULL || (size_t)(colon - listen) >= sizeof(host) ||
        !hv_parse_i64(hv_str_c(colon + 1), &port) || port < 0 || port > 65535) {
        hv_diag_set(diag, "listen", "give HOST:PORT, e.g. 127.0.0.1:8080");
        return false;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        hv_diag_set(diag, "listen", "%s is not an IPv4 address", host);
        return false;
    }
    sa->sin_port = htons((uint16_t)port);
    return true;
}

enum hv_err hv_server_listen(struct hv_server *srv, const char *listen,
                             void (*ready)(void *ud, const char *url), void *ud,
                             struct hv_diag *diag)
{
    struct sockaddr_in sa;
    if (!parse_listen(listen != NULL ? listen : "127.0.0.1:8080", &sa, diag))
        return HV_ERR_INVALID;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the daemon's threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        on_request, srv, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)srv->n_workers, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)HV_SRV_TIMEOUT, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HV_SRV_MAX_CONNS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_UNESCAPE_CALLBACK,
        keep_escaped, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
    if (d == NULL) {
        hv_diag_set(diag, "listen", "cannot listen on %s (in use, or not allowed)",
                    listen != NULL ? listen : "127.0.0.1:8080");
        return HV_ERR_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof(addr));
    char url[96];
    snprintf(url, sizeof(url), "http://%s:%u/", addr,
             info != NULL ? (unsigned)info->port : (unsigned)ntohs(sa.sin_port));
    if (ready != NULL)
        ready(ud, url);
    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return HV_OK;
}
