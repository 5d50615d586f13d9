/* cmd_user.c - `haven user add|passwd|disable|enable|list|token`: the people who use Haven,
 * their roles and site scopes, and API tokens for partner systems.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "haven/access.h"
#include "haven/buf.h"
#include "haven/jsonw.h"

static const char help[] =
    "usage: haven user add NAME --role ROLE [--site SITE]...\n"
    "       haven user passwd NAME\n"
    "       haven user disable|enable NAME\n"
    "       haven user list [--json]\n"
    "       haven user token NAME [--label TEXT] [--ttl SECONDS]\n"
    "\n"
    "add      create a user; ROLE is registrar, vetting, site_manager, planner, auditor or\n"
    "         admin; a site manager needs one or more --site (site refs, e.g.\n"
    "         LOC-SITE-UZ-AIRITOM). The password (8 to 256 bytes) is read from the first line\n"
    "         of standard input, or from $HAVEN_PASSWORD - never from the command line.\n"
    "         Stored as an Argon2id hash.\n"
    "passwd   set a new password (read the same way); clears a lock-out, ends sessions\n"
    "disable  stop a user signing in and end their sessions and tokens (enable undoes it)\n"
    "list     users with role, sites, state\n"
    "token    issue an API token for a partner system acting as NAME (default 90 days);\n"
    "         printed once, stored only as a keyed hash\n";

static int read_password(char *out, size_t cap)
{
    const char *env = getenv("HAVEN_PASSWORD");
    if (env != NULL && env[0] != '\0') {
        snprintf(out, cap, "%s", env);
        return 0;
    }
    if (isatty(0))
        fprintf(stderr, "password: ");
    if (fgets(out, (int)cap, stdin) == NULL)
        return -1;
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return 0;
}

struct list_ctx {
    struct hv_jw *w;
    bool json;
};

static enum hv_err print_user(void *ud, const struct hv_access_user *u)
{
    struct list_ctx *lc = ud;
    if (lc->json) {
        struct hv_jw *w = lc->w;
        hv_jw_object_begin(w);
        hv_jw_key(w, "username");
        hv_jw_strz(w, u->username);
        hv_jw_key(w, "role");
        hv_jw_strz(w, hv_role_name(u->role));
        hv_jw_key(w, "sites");
        hv_jw_strz(w, u->sites);
        hv_jw_key(w, "disabled");
        hv_jw_bool(w, u->disabled);
        hv_jw_key(w, "failed_logins");
        hv_jw_int(w, u->failed);
        hv_jw_key(w, "locked_until");
        hv_jw_int(w, u->locked_until);
        hv_jw_object_end(w);
    } else {
        printf("%-20s %-13s %-9s %s\n", u->username, hv_role_name(u->role),
               u->disabled ? "disabled" : "active", u->sites);
    }
    return HV_OK;
}

int cmd_user(struct cli *c, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2)
        return cli_usage("user", "give add, passwd, disable, enable, list or token");
    const char *sub = argv[1];
    bool list = strcmp(sub, "list") == 0;
    if (!list && argc < 3)
        return cli_usage("user", "%s needs a user name", sub);
    const char *name = list ? NULL : argv[2];
    const char *role_s = NULL, *label = "";
    char sites[HV_ACCESS_MAX_SITES * HV_ACCESS_MAX_REF] = "";
    int64_t ttl = 90 * 86400;
    for (int i = list ? 2 : 3; i < argc; i++) {
        if (strcmp(argv[i], "--role") == 0 && i + 1 < argc) {
            role_s = argv[++i];
        } else if (strcmp(argv[i], "--site") == 0 && i + 1 < argc) {
            size_t n = strlen(sites);
            snprintf(sites + n, sizeof(sites) - n, "%s%s", n > 0 ? ";" : "", argv[++i]);
        } else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc) {
            label = argv[++i];
        } else if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc) {
            if (!hv_parse_i64(hv_str_c(argv[++i]), &ttl) || ttl < 1 || ttl > 3650 * 86400)
                return cli_usage("user", "--ttl takes 1 to 315360000 seconds");
        } else {
            return cli_usage("user", "unknown option %s", argv[i]);
        }
    }
    bool need_key = strcmp(sub, "token") == 0;
    int rc = cli_open(c, need_key);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = HV_OK;
    char password[HV_ACCESS_MAX_PASSWORD + 2];
    if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
        enum hv_role role = HV_ROLE_REGISTRAR;
        if (strcmp(sub, "add") == 0 && (role_s == NULL || !hv_role_parse(hv_str_c(role_s), &role)))
            return cli_usage("user", "--role is one of registrar, vetting, site_manager, "
                                     "planner, auditor, admin");
        if (read_password(password, sizeof(password)) != 0)
            return cli_usage("user", "no password on standard input");
        if (strcmp(sub, "add") == 0)
            err = hv_access_user_add(&c->ctx, name, role, sites, password, &diag);
        else
            err = hv_access_user_passwd(&c->ctx, name, password, &diag);
        hv_access_wipe(password, sizeof(password));
        if (err == HV_OK && !c->quiet)
            printf("%s %s\n", strcmp(sub, "add") == 0 ? "added" : "password set for", name);
    } else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
        bool off = strcmp(sub, "disable") == 0;
        err = hv_access_user_disable(&c->ctx, name, off, &diag);
        if (err == HV_OK && !c->quiet)
            printf("%s %s\n", off ? "disabled" : "enabled", name);
    } else if (list) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        struct hv_jw w;
        hv_jw_init(&w, &b, false);
        struct list_ctx lc = { .w = &w, .json = c->json };
        if (c->json)
            hv_jw_array_begin(&w);
        err = hv_access_user_each(&c->ctx, print_user, &lc);
        if (c->json) {
            hv_jw_array_end(&w);
            if (err == HV_OK)
                err = hv_jw_err(&w);
            if (err == HV_OK)
                cli_print_json(b.ptr, b.len);
        }
        hv_buf_finish(&b);
    } else if (strcmp(sub, "token") == 0) {
        struct hv_access_session s;
        err = hv_access_token_create(&c->ctx, name, label, ttl, &s, &diag);
        if (err == HV_OK) {
            if (c->json)
                printf("{\"token\":\"%s\",\"expires_at\":%lld}\n", s.token,
                       (long long)s.expires_at);
            else
                printf("%s\n", s.token);
        }
        hv_access_wipe(&s, sizeof(s));
    } else {
        return cli_usage("user", "unknown subcommand %s", sub);
    }
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    return 0;
}
