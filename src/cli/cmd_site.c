/* cmd_site.c - `haven site list|show|load|capacity|checkin|checkout|occupancy`: host sites,
 * stays and occupancy (text, --json, --csv, a sparkline in the terminal and an SVG chart).
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/clock.h"
#include "haven/csv.h"
#include "haven/jsonw.h"
#include "haven/sites.h"
#include "record_out.h"

/* Declared here until cli.h lists it with the other subcommands. */

static const char help[] =
    "usage: haven site list\n"
    "       haven site show SITE\n"
    "       haven site load FILE|DIR\n"
    "       haven site capacity SITE KIND BEDS [--at TIME]\n"
    "       haven site checkin CASE SITE [--at TIME] [--kind KIND] [--bed N]\n"
    "                          [--override --reason TEXT]\n"
    "       haven site checkout CASE [--at TIME]\n"
    "       haven site occupancy [SITE|COUNTRY] [--from DAY] [--to DAY] [--by-country]\n"
    "                          [--csv] [--svg FILE]\n"
    "\n"
    "list       sites with beds in use / capacity by kind, now\n"
    "show       one site, its services and the cases staying there (audited read)\n"
    "load       a sites CSV (docs/formats.md), or a directory holding sites.csv,\n"
    "           crossings.csv and crossing_status.csv (the demo scenario)\n"
    "capacity   set the beds of one KIND (family_rooms, single_men, single_women, minors),\n"
    "           audited; refused below the beds in use\n"
    "checkin    a whole case: two or more people take one family room; one person takes a\n"
    "           minors' bed if possibly under 18 or an unaccompanied minor, else a bed for\n"
    "           single men or single women. A full site refuses unless --override --reason\n"
    "           (audited). --kind and --bed choose the bed instead.\n"
    "checkout   the case leaves its bed\n"
    "occupancy  a daily census (23:59:59 UTC) of beds used vs capacity per site, or per\n"
    "           country with --by-country, over --from..--to (default: the last 30 days);\n"
    "           text shows a sparkline per site (one cell per day, \xe2\x96\x81..\xe2\x96\x88 = "
    "share of beds used,\n"
    "           ! = over capacity); --csv and --json give every figure; --svg FILE writes a\n"
    "           chart (one site or country: FILE; several: FILE-<key>.svg)\n"
    "TIME is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC); DAY is YYYY-MM-DD.\n";

static bool parse_time(const char *z, int64_t *out)
{
    return hv_time_parse(z, out);
}

static void print_occ_cells(const struct hv_occupancy *o)
{
    for (int k = 0; k < HV_N_BED_KINDS; k++)
        printf(" %6lld/%-6lld", (long long)o->used[k], (long long)o->cap[k]);
}

static void json_occ(struct hv_jw *w, const struct hv_occupancy *o)
{
    for (int k = 0; k < HV_N_BED_KINDS; k++) {
        hv_jw_key(w, hv_bed_kind_name((enum hv_bed_kind)k));
        hv_jw_object_begin(w);
        hv_jw_key(w, "used");
        hv_jw_int(w, o->used[k]);
        hv_jw_key(w, "capacity");
        hv_jw_int(w, o->cap[k]);
        hv_jw_object_end(w);
    }
    hv_jw_key(w, "used");
    hv_jw_int(w, hv_occupancy_used(o));
    hv_jw_key(w, "capacity");
    hv_jw_int(w, hv_occupancy_cap(o));
    hv_jw_key(w, "people");
    hv_jw_int(w, o->people);
}

static void json_site(struct hv_jw *w, const struct hv_site *s)
{
    hv_jw_key(w, "ref");
    hv_jw_str(w, s->ref);
    hv_jw_key(w, "name");
    hv_jw_str(w, s->name);
    hv_jw_key(w, "country");
    hv_jw_str(w, s->country);
    hv_jw_key(w, "lat");
    hv_jw_double(w, s->lat);
    hv_jw_key(w, "lon");
    hv_jw_double(w, s->lon);
    hv_jw_key(w, "services");
    hv_jw_str(w, s->services);
    hv_jw_key(w, "languages");
    hv_jw_str(w, s->languages);
}

static int site_list(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc != 2)
        return cli_usage("site", "list takes no arguments");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 64u << 20);
    struct hv_site *sites = NULL;
    size_t n = 0;
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, false);
    enum hv_err err = hv_site_list(&c->ctx, &a, &sites, &n);
    if (err == HV_OK && c->json)
        hv_jw_array_begin(&w);
    if (err == HV_OK && !c->json)
        printf("%-28s %-2s %13s %13s %13s %13s %7s\n", "site", "", "family_rooms", "single_men",
               "single_women", "minors", "people");
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        struct hv_occupancy o;
        err = hv_site_occupancy_at(&c->ctx, sites[i].id, 0, &o);
        if (err != HV_OK)
            break;
        if (c->json) {
            hv_jw_object_begin(&w);
            json_site(&w, &sites[i]);
            json_occ(&w, &o);
            hv_jw_object_end(&w);
        } else {
            printf("%-28.*s %-2.*s", HV_STR_ARG(sites[i].ref), HV_STR_ARG(sites[i].country));
            print_occ_cells(&o);
            printf(" %7lld\n", (long long)o.people);
        }
    }
    if (err == HV_OK && c->json) {
        hv_jw_array_end(&w);
        cli_print_json(b.ptr, b.len);
    }
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    return err == HV_OK ? 0 : cli_fail(c, err, NULL);
}

static int site_show(struct cli *c, int argc, char **argv)
{
    if (argc != 3)
        return cli_usage("site", "show takes one site ref");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 64u << 20);
    struct hv_site s;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_occupancy o;
    struct hv_stay *stays = NULL;
    size_t n = 0;
    enum hv_err err = hv_site_get(&c->ctx, &a, hv_str_c(argv[2]), &s);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(&diag, "site", "no site has ref \"%s\"", argv[2]);
    if (err == HV_OK)
        err = hv_site_occupancy_at(&c->ctx, s.id, 0, &o);
    if (err == HV_OK)
        err = hv_stay_list_open(&c->ctx, &a, s.id, 0, &stays, &n);
    /* Who stays where is sensitive for people at risk: the read is audited. */
    if (err == HV_OK)
        err = audit_read(&c->ctx, "site.read", "site", s.id, "site show");
    if (err != HV_OK) {
        hv_arena_finish(&a);
        return cli_fail(c, err, &diag);
    }
    if (c->json) {
        struct hv_buf b;
        struct hv_jw w;
        hv_buf_init(&b, 0);
        hv_jw_init(&w, &b, true);
        hv_jw_object_begin(&w);
        json_site(&w, &s);
        hv_jw_key(&w, "note");
        hv_jw_str(&w, s.note);
        json_occ(&w, &o);
        hv_jw_key(&w, "stays");
        hv_jw_array_begin(&w);
        for (size_t i = 0; i < n; i++) {
            char t[21];
            hv_time_format(stays[i].check_in, t);
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "case");
            hv_jw_str(&w, stays[i].case_ref);
            hv_jw_key(&w, "kind");
            hv_jw_strz(&w, hv_bed_kind_name(stays[i].kind));
            hv_jw_key(&w, "bed");
            hv_jw_int(&w, stays[i].bed_no);
            hv_jw_key(&w, "people");
            hv_jw_int(&w, stays[i].n_people);
            hv_jw_key(&w, "since");
            hv_jw_strz(&w, t);
            hv_jw_key(&w, "override");
            hv_jw_bool(&w, stays[i].override);
            hv_jw_object_end(&w);
        }
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
        cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
    } else {
        printf("site %.*s: %.*s (%.*s, %.4f, %.4f)\n", HV_STR_ARG(s.ref), HV_STR_ARG(s.name),
               HV_STR_ARG(s.country), s.lat, s.lon);
        printf("  services: %.*s\n  languages: %.*s\n", HV_STR_ARG(s.services),
               HV_STR_ARG(s.languages));
        for (int k = 0; k < HV_N_BED_KINDS; k++)
            printf("  %-13s %lld of %lld in use\n", hv_bed_kind_name((enum hv_bed_kind)k),
                   (long long)o.used[k], (long long)o.cap[k]);
        printf("  people: %lld\n", (long long)o.people);
        for (size_t i = 0; i < n; i++) {
            char t[21];
            hv_time_format(stays[i].check_in, t);
            printf("  %-20.*s %-13s bed %-5lld %3lld people  since %s%s\n",
                   HV_STR_ARG(stays[i].case_ref), hv_bed_kind_name(stays[i].kind),
                   (long long)stays[i].bed_no, (long long)stays[i].n_people, t,
                   stays[i].override ? "  (over capacity)" : "");
        }
    }
    hv_arena_finish(&a);
    return 0;
}

static int site_load(struct cli *c, int argc, char **argv)
{
    if (argc != 3)
        return cli_usage("site", "load takes one file or directory");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct stat sb;
    enum hv_err err;
    struct hv_load_counts n = { 0 };
    if (stat(argv[2], &sb) == 0 && S_ISDIR(sb.st_mode)) {
        err = hv_sites_demo_load(&c->ctx, argv[2], &diag);
        if (err == HV_OK)
            printf(c->json ? "{\"loaded\":\"%s\"}\n" : "loaded sites and crossings from %s\n",
                   argv[2]);
    } else {
        err = hv_sites_load_file(&c->ctx, argv[2], &n, &diag);
        if (err == HV_OK && c->json)
            printf("{\"created\":%llu,\"updated\":%llu,\"unchanged\":%llu}\n",
                   (unsigned long long)n.created, (unsigned long long)n.updated,
                   (unsigned long long)n.unchanged);
        else if (err == HV_OK)
            printf("sites: %llu created, %llu updated, %llu unchanged\n",
                   (unsigned long long)n.created, (unsigned long long)n.updated,
                   (unsigned long long)n.unchanged);
    }
    return err == HV_OK ? 0 : cli_fail(c, err, &diag);
}

static int site_capacity(struct cli *c, int argc, char **argv)
{
    if (argc < 5)
        return cli_usage("site", "capacity takes SITE KIND BEDS");
    enum hv_bed_kind kind;
    int64_t beds = 0, at = 0;
    if (!hv_bed_kind_parse(hv_str_c(argv[3]), &kind))
        return cli_usage("site", "KIND is family_rooms, single_men, single_women or minors");
    if (!hv_parse_i64(hv_str_c(argv[4]), &beds))
        return cli_usage("site", "BEDS takes a whole number");
    for (int i = 5; i < argc; i++) {
        if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
            if (!parse_time(argv[++i], &at))
                return cli_usage("site", "--at takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z");
        } else {
            return cli_usage("site", "unknown option %s", argv[i]);
        }
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_site_set_capacity(&c->ctx, hv_str_c(argv[2]), kind, beds, at, &diag);
    if (err != HV_OK)
        return cli_fail(c, err, &diag);
    printf(c->json ? "{\"site\":\"%s\",\"kind\":\"%s\",\"beds\":%lld}\n"
                   : "%s: %s capacity set to %lld\n",
           argv[2], argv[3], (long long)beds);
    return 0;
}

static int site_checkin(struct cli *c, int argc, char **argv)
{
    if (argc < 4)
        return cli_usage("site", "checkin takes CASE SITE");
    struct hv_checkin_options opt = { 0 };
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
            if (!parse_time(argv[++i], &opt.at))
                return cli_usage("site", "--at takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z");
        } else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc) {
            if (!hv_bed_kind_parse(hv_str_c(argv[++i]), &opt.kind))
                return cli_usage("site", "--kind is family_rooms, single_men, single_women or "
                                         "minors");
            opt.has_kind = true;
        } else if (strcmp(argv[i], "--bed") == 0 && i + 1 < argc) {
            if (!hv_parse_i64(hv_str_c(argv[++i]), &opt.bed_no) || opt.bed_no < 1)
                return cli_usage("site", "--bed takes a bed number from 1");
        } else if (strcmp(argv[i], "--override") == 0) {
            opt.override = true;
        } else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
            opt.reason = argv[++i];
        } else {
            return cli_usage("site", "unknown option %s", argv[i]);
        }
    }
    if (opt.reason != NULL && !opt.override)
        return cli_usage("site", "--reason goes with --override");
    int rc = cli_open(c, true);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_stay s;
    enum hv_err err =
        hv_stay_checkin(&c->ctx, &a, hv_str_c(argv[2]), hv_str_c(argv[3]), &opt, &s, &diag);
    if (err == HV_OK) {
        if (c->json)
            printf("{\"case\":\"%s\",\"site\":\"%s\",\"kind\":\"%s\",\"bed\":%lld,\"people\":%lld,"
                   "\"override\":%s}\n",
                   argv[2], argv[3], hv_bed_kind_name(s.kind), (long long)s.bed_no,
                   (long long)s.n_people, s.override ? "true" : "false");
        else
            printf("checked in %s at %s: %lld people, %s bed %lld%s\n", argv[2], argv[3],
                   (long long)s.n_people, hv_bed_kind_name(s.kind), (long long)s.bed_no,
                   s.override ? " (over capacity, override recorded)" : "");
    }
    hv_arena_finish(&a);
    return err == HV_OK ? 0 : cli_fail(c, err, &diag);
}

static int site_checkout(struct cli *c, int argc, char **argv)
{
    if (argc < 3)
        return cli_usage("site", "checkout takes CASE");
    int64_t at = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
            if (!parse_time(argv[++i], &at))
                return cli_usage("site", "--at takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z");
        } else {
            return cli_usage("site", "unknown option %s", argv[i]);
        }
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_stay s;
    enum hv_err err = hv_stay_checkout(&c->ctx, &a, hv_str_c(argv[2]), at, &s, &diag);
    if (err == HV_OK)
        printf(c->json ? "{\"case\":\"%s\",\"site\":\"%.*s\"}\n" : "checked out %s from %.*s\n",
               argv[2], HV_STR_ARG(s.site_ref));
    hv_arena_finish(&a);
    return err == HV_OK ? 0 : cli_fail(c, err, &diag);
}

static enum hv_err write_svg(const char *base, bool many, const struct hv_occupancy_series *s)
{
    char path[4200];
    if (many) {
        size_t bl = strlen(base);
        if (bl > 4 && strcmp(base + bl - 4, ".svg") == 0)
            bl -= 4;
        snprintf(path, sizeof(path), "%.*s-%.*s.svg", (int)bl, base, HV_STR_ARG(s->key));
    } else {
        snprintf(path, sizeof(path), "%s", base);
    }
    struct hv_buf b;
    hv_buf_init(&b, 0);
    enum hv_err err = hv_occupancy_svg(&b, s);
    if (err == HV_OK) {
        FILE *f = fopen(path, "wb");
        if (f == NULL)
            err = HV_ERR_IO;
        else {
            if (fwrite(b.ptr, 1, b.len, f) != b.len)
                err = HV_ERR_IO;
            if (fclose(f) != 0)
                err = HV_ERR_IO;
        }
    }
    hv_buf_finish(&b);
    return err;
}

static void csv_out(const struct hv_occupancy_series *s, size_t n, bool by_country)
{
    printf("%s,day,family_rooms_used,family_rooms_capacity,single_men_used,"
           "single_men_capacity,single_women_used,single_women_capacity,minors_used,"
           "minors_capacity,used,capacity,people\n",
           by_country ? "country" : "site");
    struct hv_buf b;
    hv_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        hv_buf_reset(&b);
        if (hv_csv_write_field(&b, s[i].key) != HV_OK)
            break;
        for (size_t d = 0; d < s[i].n_days; d++) {
            char day[11];
            hv_day_format(s[i].first_day + (int32_t)d, day);
            const struct hv_occupancy *o = &s[i].days[d];
            printf("%s,%s", hv_buf_cstr(&b), day);
            for (int k = 0; k < HV_N_BED_KINDS; k++)
                printf(",%lld,%lld", (long long)o->used[k], (long long)o->cap[k]);
            printf(",%lld,%lld,%lld\n", (long long)hv_occupancy_used(o),
                   (long long)hv_occupancy_cap(o), (long long)o->people);
        }
    }
    hv_buf_finish(&b);
}

static void json_out(const struct hv_occupancy_series *s, size_t n, bool by_country)
{
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, false);
    hv_jw_array_begin(&w);
    for (size_t i = 0; i < n; i++) {
        hv_jw_object_begin(&w);
        hv_jw_key(&w, by_country ? "country" : "site");
        hv_jw_str(&w, s[i].key);
        hv_jw_key(&w, "name");
        hv_jw_str(&w, s[i].name);
        hv_jw_key(&w, "days");
        hv_jw_array_begin(&w);
        for (size_t d = 0; d < s[i].n_days; d++) {
            char day[11];
            hv_day_format(s[i].first_day + (int32_t)d, day);
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "day");
            hv_jw_strz(&w, day);
            json_occ(&w, &s[i].days[d]);
            hv_jw_object_end(&w);
        }
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
    }
    hv_jw_array_end(&w);
    cli_print_json(b.ptr, b.len);
    hv_buf_finish(&b);
}

static void text_out(const struct hv_occupancy_series *s, size_t n)
{
    struct hv_buf b;
    hv_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        int64_t peak = 0, peak_cap = 0;
        size_t peak_day = 0;
        for (size_t d = 0; d < s[i].n_days; d++) {
            if (hv_occupancy_used(&s[i].days[d]) > peak) {
                peak = hv_occupancy_used(&s[i].days[d]);
                peak_cap = hv_occupancy_cap(&s[i].days[d]);
                peak_day = d;
            }
        }
        const struct hv_occupancy *last = &s[i].days[s[i].n_days - 1];
        char pd[11];
        hv_day_format(s[i].first_day + (int32_t)peak_day, pd);
        hv_buf_reset(&b);
        if (hv_occupancy_sparkline(&b, &s[i], 60) != HV_OK)
            break;
        printf("%-28.*s %s  last %lld/%lld beds, %lld people; peak %lld/%lld on %s\n",
               HV_STR_ARG(s[i].key), hv_buf_cstr(&b), (long long)hv_occupancy_used(last),
               (long long)hv_occupancy_cap(last), (long long)last->people, (long long)peak,
               (long long)peak_cap, peak ? pd : "-");
    }
    hv_buf_finish(&b);
}

static int site_occupancy(struct cli *c, int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *svg = NULL, *filter = NULL;
    bool by_country = false, csv = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            from = argv[++i];
        else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            to = argv[++i];
        else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc)
            svg = argv[++i];
        else if (strcmp(argv[i], "--by-country") == 0)
            by_country = true;
        else if (strcmp(argv[i], "--csv") == 0)
            csv = true;
        else if (argv[i][0] != '-' && filter == NULL)
            filter = argv[i];
        else
            return cli_usage("site", "unknown option %s", argv[i]);
    }
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    int32_t today = (int32_t)(hv_clock_now(&c->ctx.clock) / HV_SECS_PER_DAY);
    int32_t d0 = today - 29, d1 = today;
    if (to != NULL && !hv_day_parse(to, &d1))
        return cli_usage("site", "--to takes YYYY-MM-DD");
    if (from != NULL && !hv_day_parse(from, &d0))
        return cli_usage("site", "--from takes YYYY-MM-DD");
    if (from == NULL && to != NULL)
        d0 = d1 - 29;
    struct hv_arena a;
    hv_arena_init(&a, 512u << 20);
    struct hv_diag diag;
    hv_diag_clear(&diag);
    struct hv_occupancy_series *s = NULL;
    size_t n = 0;
    enum hv_err err =
        hv_occupancy_series(&c->ctx, &a, d0, d1, by_country ? HV_OCC_BY_COUNTRY : HV_OCC_BY_SITE,
                            hv_str_c(filter), &s, &n, &diag);
    for (size_t i = 0; i < n && err == HV_OK && svg != NULL; i++) {
        err = write_svg(svg, n > 1, &s[i]);
        if (err != HV_OK)
            hv_diag_set(&diag, "svg", "cannot write the chart");
    }
    if (err == HV_OK) {
        if (c->json)
            json_out(s, n, by_country);
        else if (csv)
            csv_out(s, n, by_country);
        else
            text_out(s, n);
    }
    hv_arena_finish(&a);
    return err == HV_OK ? 0 : cli_fail(c, err, &diag);
}

int cmd_site(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "list") == 0)
        return site_list(c, argc, argv);
    if (strcmp(argv[1], "show") == 0)
        return site_show(c, argc, argv);
    if (strcmp(argv[1], "load") == 0)
        return site_load(c, argc, argv);
    if (strcmp(argv[1], "capacity") == 0)
        return site_capacity(c, argc, argv);
    if (strcmp(argv[1], "checkin") == 0)
        return site_checkin(c, argc, argv);
    if (strcmp(argv[1], "checkout") == 0)
        return site_checkout(c, argc, argv);
    if (strcmp(argv[1], "occupancy") == 0)
        return site_occupancy(c, argc, argv);
    return cli_usage("site", "unknown subcommand %s", argv[1]);
}
