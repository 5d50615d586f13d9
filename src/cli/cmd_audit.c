/* cmd_audit.c - `haven audit verify|list`.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "haven/audit.h"
#include "haven/buf.h"
#include "haven/clock.h"
#include "haven/jsonw.h"

static const char help[] =
    "usage: haven audit verify\n"
    "       haven audit list [--after SEQ] [--limit N]\n"
    "\n"
    "verify  recomputes the hash chain of the whole audit log and reports the first entry\n"
    "        that was altered, deleted or reordered (exit code 2 when the chain is broken).\n"
    "        Prints the head hash: record it elsewhere to detect a rewritten chain.\n"
    "list    entries oldest first: sequence, time, actor, action, entity and detail.\n"
    "No key is needed: the audit log holds no personal data.\n";

static void hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

struct list_state {
    struct cli *c;
    struct hv_jw *w;
    uint8_t last_hash[32];
    int64_t last_seq;
};

static enum hv_err list_one(void *ud, const struct hv_audit_entry *e)
{
    struct list_state *ls = ud;
    char when[21];
    hv_time_format(e->at, when);
    memcpy(ls->last_hash, e->hash, 32);
    ls->last_seq = e->seq;
    if (ls->w != NULL) {
        struct hv_jw *w = ls->w;
        char h[65];
        hex(e->hash, 32, h);
        hv_jw_object_begin(w);
        hv_jw_key(w, "seq");
        hv_jw_int(w, e->seq);
        hv_jw_key(w, "at");
        hv_jw_strz(w, when);
        hv_jw_key(w, "actor");
        hv_jw_strz(w, e->actor);
        hv_jw_key(w, "action");
        hv_jw_strz(w, e->action);
        hv_jw_key(w, "entity");
        hv_jw_strz(w, e->entity);
        hv_jw_key(w, "entity_id");
        hv_jw_int(w, e->entity_id);
        hv_jw_key(w, "detail");
        hv_jw_strz(w, e->detail);
        hv_jw_key(w, "hash");
        hv_jw_strz(w, h);
        hv_jw_object_end(w);
        return hv_jw_err(w);
    }
    printf("%6lld  %s  %-12s %-14s %-10s %6lld  %s\n", (long long)e->seq, when, e->actor, e->action,
           e->entity, (long long)e->entity_id, e->detail);
    return HV_OK;
}

static int audit_verify(struct cli *c)
{
    struct hv_audit_report rep;
    memset(&rep, 0, sizeof(rep));
    enum hv_err err = hv_audit_verify(&c->ctx, &rep);
    cli_progress_done(c);
    if (err != HV_OK)
        return cli_fail(c, err, NULL);
    /* The head hash, for anchoring outside the database. */
    struct list_state ls = { .c = c };
    if (rep.ok && rep.n_entries > 0)
        err = hv_audit_list(&c->ctx, rep.n_entries - 1, 1, list_one, &ls);
    (void)err;
    char h[65];
    hex(ls.last_hash, 32, h);
    if (c->json) {
        printf("{\"ok\":%s,\"entries\":%lld,\"bad_seq\":%lld,\"reason\":\"%s\",\"head\":\"%s\"}\n",
               rep.ok ? "true" : "false", (long long)rep.n_entries, (long long)rep.bad_seq,
               rep.reason, rep.ok ? h : "");
    } else if (rep.ok) {
        printf("audit chain intact: %lld entries, head %s\n", (long long)rep.n_entries, h);
    } else {
        printf("audit chain BROKEN at entry %lld: %s\n", (long long)rep.bad_seq, rep.reason);
    }
    return rep.ok ? 0 : hv_err_exit_code(HV_ERR_INVALID);
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    bool verify = strcmp(argv[1], "verify") == 0;
    if (!verify && strcmp(argv[1], "list") != 0)
        return cli_usage("audit", "unknown subcommand %s", argv[1]);
    int64_t after = 0, limit = 0;
    for (int i = 2; i < argc; i++) {
        int64_t *target = NULL;
        if (strcmp(argv[i], "--after") == 0)
            target = &after;
        else if (strcmp(argv[i], "--limit") == 0)
            target = &limit;
        if (verify || target == NULL || i + 1 >= argc ||
            !hv_parse_i64(hv_str_c(argv[i + 1]), target) || *target < 0)
            return cli_usage("audit", "unexpected argument %s", argv[i]);
        i++;
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    if (verify)
        return audit_verify(c);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    struct list_state ls = { .c = c };
    if (c->json) {
        hv_jw_init(&w, &b, false);
        hv_jw_array_begin(&w);
        ls.w = &w;
    }
    enum hv_err err = hv_audit_list(&c->ctx, after, limit, list_one, &ls);
    if (c->json && err == HV_OK) {
        hv_jw_array_end(&w);
        cli_print_json(b.ptr, b.len);
    }
    hv_buf_finish(&b);
    return err == HV_OK ? 0 : cli_fail(c, err, NULL);
}
