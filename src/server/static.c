/* static.c - the browser UI's files: GET / is web/index.html, GET /static/P is web/P. Paths
 * are decoded once, may not hold "..", backslashes or NUL, and must resolve (symlinks
 * included) inside the web directory; only regular files are served.
 * SPDX-License-Identifier: Apache-2.0 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "server_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".json", "application/json" },
    { ".geojson", "application/geo+json" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
    { ".txt", "text/plain; charset=utf-8" },
    { ".woff2", "font/woff2" },
};

static const char *type_of(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < HV_ARRAY_LEN(types); i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && strcmp(path + n - e, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

/* Decodes the relative path and refuses anything that could leave the directory. */
static bool safe_rel(const char *rel)
{
    if (rel[0] == '\0' || rel[0] == '/')
        return false;
    if (strchr(rel, '\\') != NULL)
        return false;
    const char *p = rel;
    while (*p != '\0') {
        const char *e = strchr(p, '/');
        size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
        if (*p == '/')
            p++;
    }
    return true;
}

static void not_found(struct hv_http_resp *resp)
{
    hv__server_error(resp, "not_found", "no such file");
}

bool hv__server_static(struct hv_server *srv, const struct hv_http_req *req,
                       struct hv_http_resp *resp)
{
    bool get = hv_str_eqz(req->method, "GET") || hv_str_eqz(req->method, "HEAD");
    const char *rel = NULL;
    char relbuf[1024];
    if (hv_str_eqz(req->path, "/")) {
        rel = "index.html";
    } else if (req->path.len > 8 && memcmp(req->path.ptr, "/static/", 8) == 0) {
        struct hv_arena a;
        hv_arena_init(&a, 8192);
        char *d =
            hv__url_decode(&a, (struct hv_str){ req->path.ptr + 8, req->path.len - 8 }, false);
        bool ok = d != NULL && strlen(d) < sizeof(relbuf);
        if (ok)
            snprintf(relbuf, sizeof(relbuf), "%s", d);
        hv_arena_finish(&a);
        if (!ok || !safe_rel(relbuf)) {
            hv__server_error(resp, "not_found", "no such file");
            return true;
        }
        rel = relbuf;
    } else {
        return false;
    }
    if (!get) {
        hv__server_error(resp, "method_not_allowed", "static files are read-only");
        return true;
    }
    if (srv->web_dir[0] == '\0') {
        not_found(resp);
        return true;
    }
    char root[PATH_MAX], want[PATH_MAX * 2], real[PATH_MAX];
    if (realpath(srv->web_dir, root) == NULL) {
        not_found(resp);
        return true;
    }
    snprintf(want, sizeof(want), "%s/%s", root, rel);
    size_t rl = strlen(root);
    if (realpath(want, real) == NULL || strncmp(real, root, rl) != 0 || real[rl] != '/') {
        not_found(resp);
        return true;
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (size_t)st.st_size > HV_SRV_STATIC_LIMIT) {
        if (fd >= 0)
            close(fd);
        not_found(resp);
        return true;
    }
    hv_buf_reset(&resp->body);
    char chunk[16384];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (hv_buf_append(&resp->body, chunk, (size_t)n) != HV_OK)
            break;
    }
    close(fd);
    resp->status = 200;
    resp->content_type = type_of(real);
    resp->cache_control = "no-cache"; /* revalidate: the UI changes with the server */
    return true;
}
