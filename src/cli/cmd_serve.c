/* cmd_serve.c - `haven serve`: the HTTP JSON API and the browser UI.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/sites.h"
#include "server.h"

static const char help[] =
    "usage: haven serve [--listen HOST:PORT] [--web DIR] [--threads N] [--demo-users]\n"
    "                   [--secure-cookie] [--session-ttl SECONDS] [--audit-fsync]\n"
    "       haven serve --routes\n"
    "\n"
    "Serves the JSON API under /api/v1 (described at /api/v1/openapi.json) and the browser UI\n"
    "from web/ until interrupted (Ctrl-C). Every request is authenticated (sign in with a user\n"
    "made by `haven user add`), checked by the access policy, and every read of personal data\n"
    "is written to the audit chain.\n"
    "\n"
    "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0 picks one)\n"
    "  --web DIR            the UI's directory (default: the web/ directory compiled in)\n"
    "  --threads N          worker threads (default 2, at most 16)\n"
    "  --demo-users         create one demo user per role (password haven-demo-ROLE; the\n"
    "                       site manager manages the first site) when missing, and print them\n"
    "  --secure-cookie      mark the session cookie Secure (when served behind TLS)\n"
    "  --session-ttl S      lifetime of a sign-in session in seconds (default 28800)\n"
    "  --audit-fsync        fsync every batch of read-audit entries (slower; by default they\n"
    "                       are committed in WAL mode and survive a crash of haven, not a\n"
    "                       power cut of the last few milliseconds)\n"
    "  --routes             print the route table (method, path, policy action) as JSON\n";

struct ready_ctx {
    bool demo;
    const char *site;
    bool json;
};

static void on_ready(void *ud, const char *url)
{
    struct ready_ctx *rc = ud;
    if (rc->json) {
        printf("{\"url\":\"%s\"}\n", url);
    } else {
        printf("haven serve: listening on %s\n", url);
        if (rc->demo) {
            printf("demo logins (user / password):\n");
            for (int r = 0; r < HV_N_ROLES; r++) {
                const char *n = hv_role_name((enum hv_role)r);
                if (r == HV_ROLE_SITE_MANAGER)
                    printf("  %-13s haven-demo-%s   (site %s)\n", n, n, rc->site);
                else
                    printf("  %-13s haven-demo-%s\n", n, n);
            }
        }
        printf("stop with Ctrl-C\n");
    }
    fflush(stdout);
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    struct hv_server_options opt;
    memset(&opt, 0, sizeof(opt));
    opt.listen = "127.0.0.1:8080";
    opt.web_dir = HV_WEB_DIR;
    opt.scenario_dir = HV_SCENARIO_DIR;
    bool demo = false, routes = false;
    for (int i = 1; i < argc; i++) {
        int64_t v = 0;
        if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            opt.listen = argv[++i];
        } else if (strcmp(argv[i], "--web") == 0 && i + 1 < argc) {
            opt.web_dir = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (!hv_parse_i64(hv_str_c(argv[++i]), &v) || v < 1 || v > HV_SRV_MAX_WORKERS)
                return cli_usage("serve", "--threads takes 1 to %d", HV_SRV_MAX_WORKERS);
            opt.threads = (unsigned)v;
        } else if (strcmp(argv[i], "--session-ttl") == 0 && i + 1 < argc) {
            if (!hv_parse_i64(hv_str_c(argv[++i]), &v) || v < 1 || v > 30 * 86400)
                return cli_usage("serve", "--session-ttl takes 1 to 2592000 seconds");
            opt.session_ttl = v;
        } else if (strcmp(argv[i], "--demo-users") == 0) {
            demo = true;
        } else if (strcmp(argv[i], "--secure-cookie") == 0) {
            opt.secure_cookie = true;
        } else if (strcmp(argv[i], "--audit-fsync") == 0) {
            opt.audit_fsync = true;
        } else if (strcmp(argv[i], "--routes") == 0) {
            routes = true;
        } else {
            return cli_usage("serve", "unknown option %s", argv[i]);
        }
    }
    if (routes) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        enum hv_err err = hv_server_routes_json(&b);
        if (err == HV_OK)
            cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
        return hv_err_exit_code(err);
    }
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    char site[128] = "";
    if (demo) {
        struct hv_arena a;
        hv_arena_init(&a, 1u << 20);
        struct hv_site *sites = NULL;
        size_t n = 0;
        enum hv_err err = hv_site_list(&c->ctx, &a, &sites, &n);
        if (err == HV_OK && n == 0) {
            hv_diag_set(&diag, NULL,
                        "--demo-users needs a site for the site manager: load the "
                        "demo (haven demo) or sites (haven site load) first");
            err = HV_ERR_NOTFOUND;
        }
        if (err == HV_OK)
            snprintf(site, sizeof(site), "%.*s", HV_STR_ARG(sites[0].ref));
        hv_arena_finish(&a);
        if (err == HV_OK)
            err = hv_server_demo_users(&c->ctx, site, &diag);
        if (err != HV_OK)
            return cli_fail(c, err, &diag);
    }
    opt.db = c->db;
    opt.key = c->key;
    opt.log = &c->log;
    c->log.min = HV_LOG_WARN;
    struct hv_server *srv = NULL;
    enum hv_err err = hv_server_create(&opt, &srv, &diag);
    struct ready_ctx rcx = { .demo = demo, .site = site, .json = c->json };
    if (err == HV_OK)
        err = hv_server_listen(srv, opt.listen, on_ready, &rcx, &diag);
    hv_server_destroy(srv);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    return 0;
}
