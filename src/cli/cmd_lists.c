/* cmd_lists.c - `haven lists`: load a watchlist file as a new snapshot (UN XML, OFAC SDN CSV
 * set, custom CSV), list the snapshots, and diff two of them.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "haven/buf.h"
#include "haven/clock.h"
#include "haven/jsonw.h"
#include "haven/screening.h"

/* Declared here until the command is registered in cli.h. */

static const char help[] =
    "usage: haven lists load FILE|DIR --list un|ofac|custom [--name NAME] [--json]\n"
    "       haven lists list [--json]\n"
    "       haven lists diff SNAPSHOT_A SNAPSHOT_B [--json]\n"
    "\n"
    "Watchlists that people are screened against. Every load is stored as a new snapshot of\n"
    "its list (the previous one stays for diffs and for re-screening only what changed).\n"
    "\n"
    "  load   read a list and store it as the current snapshot of its name:\n"
    "           --list un      the UN Security Council consolidated list XML (a file, or a\n"
    "                          directory holding consolidated.xml)\n"
    "           --list ofac    a directory with the OFAC SDN legacy CSV set (sdn.csv, and\n"
    "                          alt.csv and add.csv when present)\n"
    "           --list custom  a CSV: id,type,name,aliases,dob,nationality,sex,program\n"
    "                          (see docs/formats.md)\n"
    "         --name NAME  the list's name (default: un, ofac or custom)\n"
    "         A malformed or truncated file is refused with its line and reason; the stored\n"
    "         lists are left as they were.\n"
    "  list   the snapshots: id, list, source, entries, loaded at, current\n"
    "  diff   entries added, removed or changed between two snapshots (by reference number)\n"
    "\n"
    "After a load, `haven screen run --changed` screens everyone against what changed.\n";

struct diff_out {
    struct hv_jw *w; /* NULL: text */
    int counts[3];
};

static enum hv_err print_change(void *ud, enum hv_wl_change ch, const struct hv_wl_entry *e)
{
    struct diff_out *d = ud;
    d->counts[ch]++;
    if (d->w != NULL) {
        hv_jw_object_begin(d->w);
        hv_jw_key(d->w, "change");
        hv_jw_strz(d->w, hv_wl_change_str(ch));
        hv_jw_key(d->w, "ref");
        hv_jw_strz(d->w, e->ref);
        hv_jw_key(d->w, "name");
        hv_jw_strz(d->w, e->names[0].text);
        hv_jw_object_end(d->w);
    } else {
        printf("%-8s %-16s %s\n", hv_wl_change_str(ch), e->ref, e->names[0].text);
    }
    return HV_OK;
}

static enum hv_err count_change(void *ud, enum hv_wl_change ch, const struct hv_wl_entry *e)
{
    int *n = ud;
    (void)e;
    n[ch]++;
    return HV_OK;
}

static int do_load(struct cli *c, int argc, char **argv)
{
    const char *path = NULL, *list = NULL, *name = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0 && i + 1 < argc)
            list = argv[++i];
        else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            c->json = true;
        else if (argv[i][0] == '-')
            return cli_usage("lists", "unknown option %s", argv[i]);
        else if (path == NULL)
            path = argv[i];
        else
            return cli_usage("lists", "too many arguments");
    }
    enum hv_wl_source src;
    if (path == NULL || list == NULL)
        return cli_usage("lists", "load needs FILE|DIR and --list un|ofac|custom");
    if (!hv_wl_source_parse(list, &src))
        return cli_usage("lists", "--list must be un, ofac or custom");
    if (name != NULL && (strlen(name) == 0 || strlen(name) > 40))
        return cli_usage("lists", "--name must be 1 to 40 bytes");
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_wl_list *l = NULL;
    enum hv_err err = hv_wl_load(src, path, name, &l, &d);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    int rc = cli_open(c, false);
    if (rc != 0) {
        hv_wl_list_destroy(l);
        return rc;
    }
    /* The previous snapshot, for a summary of what changed. */
    struct hv_wl_list **cur = NULL;
    size_t n_cur = 0;
    struct hv_wl_list *prev = NULL;
    err = hv_wl_current(&c->ctx, &cur, &n_cur, &d);
    for (size_t i = 0; err == HV_OK && i < n_cur; i++) {
        if (strcmp(cur[i]->name, l->name) == 0) {
            prev = cur[i];
            cur[i] = NULL;
        }
    }
    hv_wl_lists_free(cur, n_cur);
    int64_t id = 0;
    if (err == HV_OK)
        err = hv_wl_snapshot_store(&c->ctx, l, &id, &d);
    if (err != HV_OK) {
        hv_wl_list_destroy(prev);
        hv_wl_list_destroy(l);
        return cli_fail(c, err, &d);
    }
    int counts[3] = { 0, 0, 0 };
    if (prev != NULL)
        err = hv_wl_diff(prev, l, count_change, counts);
    bool prev_seen = prev != NULL;
    hv_wl_list_destroy(prev);
    if (c->json) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        struct hv_jw w;
        hv_jw_init(&w, &b, true);
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "snapshot");
        hv_jw_int(&w, id);
        hv_jw_key(&w, "list");
        hv_jw_strz(&w, l->name);
        hv_jw_key(&w, "source");
        hv_jw_strz(&w, hv_wl_source_name(l->source));
        hv_jw_key(&w, "entries");
        hv_jw_int(&w, (int64_t)l->n_entries);
        hv_jw_key(&w, "file_hash");
        hv_jw_strz(&w, l->file_hash);
        hv_jw_key(&w, "added");
        hv_jw_int(&w, counts[HV_WL_ADDED]);
        hv_jw_key(&w, "removed");
        hv_jw_int(&w, counts[HV_WL_REMOVED]);
        hv_jw_key(&w, "changed");
        hv_jw_int(&w, counts[HV_WL_CHANGED]);
        hv_jw_object_end(&w);
        cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
    } else {
        printf("loaded %zu entries into snapshot %lld of list %s (%s, sha %.16s)\n", l->n_entries,
               (long long)id, l->name, hv_wl_source_name(l->source), l->file_hash);
        if (prev_seen)
            printf("since the previous snapshot: %d added, %d removed, %d changed\n",
                   counts[HV_WL_ADDED], counts[HV_WL_REMOVED], counts[HV_WL_CHANGED]);
    }
    hv_wl_list_destroy(l);
    cli_close(c);
    return 0;
}

static enum hv_err print_snapshot(void *ud, const struct hv_wl_snapshot_info *s)
{
    struct hv_jw *w = ud;
    char t[21];
    hv_time_format(s->loaded_at, t);
    if (w != NULL) {
        hv_jw_object_begin(w);
        hv_jw_key(w, "id");
        hv_jw_int(w, s->id);
        hv_jw_key(w, "list");
        hv_jw_strz(w, s->name);
        hv_jw_key(w, "source");
        hv_jw_strz(w, s->source);
        hv_jw_key(w, "entries");
        hv_jw_int(w, s->n_entries);
        hv_jw_key(w, "loaded_at");
        hv_jw_strz(w, t);
        hv_jw_key(w, "file_hash");
        hv_jw_strz(w, s->file_hash);
        hv_jw_key(w, "current");
        hv_jw_bool(w, s->current);
        hv_jw_object_end(w);
    } else {
        printf("%-6lld %-16s %-7s %8lld  %s  %.16s%s\n", (long long)s->id, s->name, s->source,
               (long long)s->n_entries, t, s->file_hash, s->current ? "  current" : "");
    }
    return HV_OK;
}

static int do_list(struct cli *c)
{
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    hv_jw_init(&w, &b, true);
    if (c->json)
        hv_jw_array_begin(&w);
    else
        printf("%-6s %-16s %-7s %8s  %-20s  %s\n", "id", "list", "source", "entries", "loaded_at",
               "sha");
    enum hv_err err = hv_wl_snapshot_each(&c->ctx, print_snapshot, c->json ? &w : NULL);
    if (c->json) {
        hv_jw_array_end(&w);
        if (err == HV_OK)
            cli_print_json(b.ptr, b.len);
    }
    hv_buf_finish(&b);
    if (err != HV_OK)
        return cli_fail(c, err, NULL);
    cli_close(c);
    return 0;
}

static bool parse_id(const char *z, int64_t *out)
{
    char *end = NULL;
    long long v = strtoll(z, &end, 10);
    if (end == z || *end != '\0' || v <= 0)
        return false;
    *out = v;
    return true;
}

static int do_diff(struct cli *c, int argc, char **argv)
{
    const char *args[2];
    int n = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            c->json = true;
        else if (argv[i][0] == '-')
            return cli_usage("lists", "unknown option %s", argv[i]);
        else if (n < 2)
            args[n++] = argv[i];
        else
            return cli_usage("lists", "too many arguments");
    }
    int64_t ida = 0, idb = 0;
    if (n != 2 || !parse_id(args[0], &ida) || !parse_id(args[1], &idb))
        return cli_usage("lists", "diff needs two snapshot ids (see `haven lists list`)");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_wl_list *a = NULL, *b = NULL;
    enum hv_err err = hv_wl_snapshot_load(&c->ctx, ida, &a, &d);
    if (err == HV_OK)
        err = hv_wl_snapshot_load(&c->ctx, idb, &b, &d);
    struct hv_buf buf;
    hv_buf_init(&buf, 0);
    struct hv_jw w;
    hv_jw_init(&w, &buf, true);
    struct diff_out out = { c->json ? &w : NULL, { 0, 0, 0 } };
    if (err == HV_OK) {
        if (c->json) {
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "changes");
            hv_jw_array_begin(&w);
        }
        err = hv_wl_diff(a, b, print_change, &out);
    }
    if (err == HV_OK) {
        if (c->json) {
            hv_jw_array_end(&w);
            hv_jw_key(&w, "added");
            hv_jw_int(&w, out.counts[HV_WL_ADDED]);
            hv_jw_key(&w, "removed");
            hv_jw_int(&w, out.counts[HV_WL_REMOVED]);
            hv_jw_key(&w, "changed");
            hv_jw_int(&w, out.counts[HV_WL_CHANGED]);
            hv_jw_object_end(&w);
            cli_print_json(buf.ptr, buf.len);
        } else {
            printf("%d added, %d removed, %d changed\n", out.counts[HV_WL_ADDED],
                   out.counts[HV_WL_REMOVED], out.counts[HV_WL_CHANGED]);
        }
    }
    hv_buf_finish(&buf);
    hv_wl_list_destroy(a);
    hv_wl_list_destroy(b);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    cli_close(c);
    return 0;
}

int cmd_lists(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            c->json = true;
    }
    if (strcmp(argv[1], "load") == 0)
        return do_load(c, argc, argv);
    if (strcmp(argv[1], "list") == 0)
        return do_list(c);
    if (strcmp(argv[1], "diff") == 0)
        return do_diff(c, argc, argv);
    return cli_usage("lists", "unknown subcommand %s (load, list or diff)", argv[1]);
}
