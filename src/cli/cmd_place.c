/* cmd_place.c - `haven place propose|show|accept|reject|export|whatif|solve`: which family goes
 * to which host site by which route, as proposals that explain themselves.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/clock.h"
#include "haven/jsonw.h"
#include "haven/placement.h"
#include "haven/sites.h"

static const char help[] =
    "usage: haven place propose [--on DAY] [--backend builtin|cbc] [--time S] [--gap G]\n"
    "                           [--quota CC=N] [--instance-out FILE] [--plan-out FILE]\n"
    "       haven place show [ID] [--all] [--limit N]\n"
    "       haven place accept ID\n"
    "       haven place reject ID --reason TEXT\n"
    "       haven place export (--mps | --lp) [--on DAY] [--quota CC=N] [--out FILE]\n"
    "                          [--instance FILE]\n"
    "       haven place whatif [--on DAY] (--close CROSSING | --site-beds SITE=-N |\n"
    "                          --quota CC=N) [--time S]\n"
    "       haven place solve INSTANCE [--backend B] [--time S] [--plan-out FILE]\n"
    "\n"
    "Placement puts every case awaiting placement (status open, no open stay, no movement\n"
    "under way) at a host site: families are never split; beds by kind, people, medical and\n"
    "interpreter places, country quotas and open routes on DAY (a closed or restricted\n"
    "crossing removes every route over it) are respected; the most at-risk people come first,\n"
    "then language and service fit, then lower route risk and cost (weights:\n"
    "docs/placement-weights.md).\n"
    "\n"
    "propose  solves and saves a proposal: per family the site, the route and why (binding\n"
    "         capacities, the price of a place at each site from the LP duals), with the\n"
    "         objective, the proven LP bound and the gap; audited\n"
    "show     a plan (default the newest): summary and one line per placed family; --all\n"
    "         adds the families not placed, each with its reason\n"
    "accept   creates the planned movements (haven move) of a proposed plan, audited; a\n"
    "         family whose crossing closed since, or that got a movement, is skipped with why\n"
    "reject   marks a proposal rejected with a reason\n"
    "export   writes the exact integer programme of DAY as MPS or LP for any other solver;\n"
    "         --instance also writes the instance (bench/placement/check reads it)\n"
    "whatif   compares the plan of DAY with the plan after a crossing closes, a site loses\n"
    "         family rooms, or a country's quota changes\n"
    "solve    solves an instance file (docs/internals/PLACEMENT.md) without a database\n"
    "DAY is YYYY-MM-DD (default today). --backend cbc polishes with COIN-OR CBC.\n";

struct opts {
    struct hv_place_db_options db;
    struct hv_place_params p;
    const char *instance_out, *plan_out, *out, *reason, *file;
    bool mps, lp, all, has_day;
    long limit;
    int64_t id;
    char quota_cc[8], close_x[128], site[128];
};

static bool parse_i64z(const char *z, int64_t *out)
{
    return hv_parse_i64(hv_str_c(z), out);
}

/* Parses the options shared by the subcommands from argv[2..]. */
static int parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    o->db.medical_share = 0.15;
    o->db.interp_share = 0.3;
    o->p.time_limit = 10;
    o->p.gap = 1e-4;
    o->limit = -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (strcmp(a, "--all") == 0) {
            o->all = true;
            takes = false;
        } else if (strcmp(a, "--mps") == 0) {
            o->mps = true;
            takes = false;
        } else if (strcmp(a, "--lp") == 0) {
            o->lp = true;
            takes = false;
        } else if (strcmp(a, "-v") == 0) {
            o->p.verbose = true;
            takes = false;
        } else if (a[0] != '-') {
            int64_t id;
            if (o->id == 0 && o->file == NULL && parse_i64z(a, &id) && id > 0)
                o->id = id;
            else if (o->file == NULL)
                o->file = a;
            else
                return cli_usage("place", "unexpected argument %s", a);
            takes = false;
        }
        if (!takes)
            continue;
        if (v == NULL)
            return cli_usage("place", "%s needs a value", a);
        i++;
        if (strcmp(a, "--on") == 0) {
            if (!hv_day_parse(v, &o->db.day))
                return cli_usage("place", "--on takes YYYY-MM-DD");
            o->has_day = true;
        } else if (strcmp(a, "--backend") == 0) {
            o->p.backend = v;
        } else if (strcmp(a, "--time") == 0) {
            o->p.time_limit = strtod(v, NULL);
            if (!(o->p.time_limit > 0 && o->p.time_limit <= 86400))
                return cli_usage("place", "--time takes seconds (0 < S <= 86400)");
        } else if (strcmp(a, "--gap") == 0) {
            o->p.gap = strtod(v, NULL);
            if (!(o->p.gap > 0 && o->p.gap < 1))
                return cli_usage("place", "--gap takes a fraction (0 < G < 1)");
        } else if (strcmp(a, "--quota") == 0) {
            const char *eq = strchr(v, '=');
            int64_t q;
            if (eq == NULL || eq == v || eq - v > 7 || !parse_i64z(eq + 1, &q) || q < 0)
                return cli_usage("place", "--quota takes CC=N (people, N >= 0)");
            snprintf(o->quota_cc, sizeof(o->quota_cc), "%.*s", (int)(eq - v), v);
            o->db.quota_country = o->quota_cc;
            o->db.quota = q;
        } else if (strcmp(a, "--close") == 0) {
            snprintf(o->close_x, sizeof(o->close_x), "%s", v);
            o->db.close_crossing = o->close_x;
        } else if (strcmp(a, "--site-beds") == 0) {
            const char *eq = strchr(v, '=');
            int64_t n;
            if (eq == NULL || eq == v || eq - v > 120 || !parse_i64z(eq + 1, &n) || n > 0)
                return cli_usage("place", "--site-beds takes SITE=-N (family rooms lost)");
            snprintf(o->site, sizeof(o->site), "%.*s", (int)(eq - v), v);
            o->db.site_ref = o->site;
            o->db.site_beds_lost = -n;
        } else if (strcmp(a, "--limit") == 0) {
            o->limit = strtol(v, NULL, 10);
        } else if (strcmp(a, "--reason") == 0) {
            o->reason = v;
        } else if (strcmp(a, "--out") == 0) {
            o->out = v;
        } else if (strcmp(a, "--instance") == 0 || strcmp(a, "--instance-out") == 0) {
            o->instance_out = v;
        } else if (strcmp(a, "--plan-out") == 0) {
            o->plan_out = v;
        } else {
            return cli_usage("place", "unknown option %s", a);
        }
    }
    return 0;
}

static int write_out(struct cli *c, const char *path, const struct hv_buf *b)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        fwrite(b->ptr != NULL ? b->ptr : "", 1, b->len, stdout);
        return 0;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(b->ptr != NULL ? b->ptr : "", 1, b->len, f) != b->len) {
        if (f != NULL)
            fclose(f);
        struct hv_diag d;
        hv_diag_clear(&d);
        hv_diag_at(&d, path, 0);
        hv_diag_set(&d, NULL, "cannot write");
        return cli_fail(c, HV_ERR_IO, &d);
    }
    if (fclose(f) != 0)
        return cli_fail(c, HV_ERR_IO, NULL);
    return 0;
}

static void default_day(struct cli *c, struct opts *o)
{
    if (!o->has_day)
        o->db.day = (int32_t)(hv_clock_now(&c->ctx.clock) / HV_SECS_PER_DAY);
}

/* Counts families without options by reason. */
static void why_counts(const struct hv_place_model *m, size_t counts[8])
{
    memset(counts, 0, 8 * sizeof(size_t));
    for (size_t f = 0; f < m->n_fam; f++)
        counts[m->fam_why[f] < 8 ? m->fam_why[f] : 0]++;
}

static void print_result(struct cli *c, const struct hv_place_model *m,
                         const struct hv_place_result *r, int64_t plan_id, const char *day)
{
    size_t counts[8];
    why_counts(m, counts);
    if (c->json) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        struct hv_jw w;
        hv_jw_init(&w, &b, true);
        hv_jw_object_begin(&w);
        if (plan_id > 0) {
            hv_jw_key(&w, "plan");
            hv_jw_int(&w, plan_id);
        }
        hv_jw_key(&w, "day");
        hv_jw_strz(&w, day);
        hv_jw_key(&w, "backend");
        hv_jw_strz(&w, r->backend);
        hv_jw_key(&w, "families");
        hv_jw_int(&w, (int64_t)m->n_fam);
        hv_jw_key(&w, "placed");
        hv_jw_int(&w, (int64_t)r->n_placed);
        hv_jw_key(&w, "objective");
        hv_jw_double(&w, r->objective);
        hv_jw_key(&w, "bound");
        hv_jw_double(&w, r->bound);
        hv_jw_key(&w, "gap");
        hv_jw_double(&w, r->gap);
        hv_jw_key(&w, "optimal");
        hv_jw_bool(&w, r->optimal);
        hv_jw_key(&w, "seconds");
        hv_jw_double(&w, r->t_total);
        hv_jw_key(&w, "cannot_place");
        hv_jw_object_begin(&w);
        for (int k = 1; k < 8; k++) {
            if (counts[k] > 0) {
                hv_jw_key(&w, hv_place_why_text((enum hv_place_why)k));
                hv_jw_int(&w, (int64_t)counts[k]);
            }
        }
        hv_jw_object_end(&w);
        hv_jw_object_end(&w);
        cli_print_json(b.ptr, b.len);
        hv_buf_finish(&b);
        return;
    }
    if (plan_id > 0)
        printf("plan %lld for %s (%s): ", (long long)plan_id, day, r->backend);
    else
        printf("%s (%s): ", day, r->backend);
    printf("%zu of %zu families placed; objective %.1f, bound %.1f, gap %.4f%%%s, %.2f s\n",
           r->n_placed, m->n_fam, r->objective, r->bound, 100 * r->gap,
           r->optimal ? " (proven optimal)" : "", r->t_total);
    for (int k = 1; k < 8; k++) {
        if (counts[k] > 0)
            printf("  cannot place %zu: %s\n", counts[k], hv_place_why_text((enum hv_place_why)k));
    }
    size_t outranked = m->n_fam - r->n_placed;
    for (int k = 1; k < 8; k++)
        outranked -= counts[k];
    if (outranked > 0)
        printf("  not placed %zu: capacity went to families that outrank them\n", outranked);
}

/* Builds the instance (from the database or a file) and its model into a. */
static int build(struct cli *c, struct opts *o, struct hv_arena *a, struct hv_buf *file_buf,
                 struct hv_place_instance *in, struct hv_place_model *m)
{
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err;
    if (o->file != NULL) {
        FILE *f = fopen(o->file, "rb");
        if (f == NULL) {
            hv_diag_at(&d, o->file, 0);
            hv_diag_set(&d, NULL, "cannot open");
            return cli_fail(c, HV_ERR_IO, &d);
        }
        char chunk[65536];
        size_t n;
        err = HV_OK;
        while (err == HV_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            err = hv_buf_append(file_buf, chunk, n);
        fclose(f);
        if (err != HV_OK) {
            hv_diag_at(&d, o->file, 0);
            hv_diag_set(&d, NULL, "instance is larger than %u bytes", HV_PLACE_MAX_FILE);
            return cli_fail(c, HV_ERR_LIMIT, &d);
        }
        err = hv_place_instance_parse(a, o->file, file_buf->ptr != NULL ? file_buf->ptr : "",
                                      file_buf->len, in, &d);
    } else {
        default_day(c, o);
        err = hv_place_db_instance(&c->ctx, a, &o->db, in, &d);
    }
    if (err == HV_OK)
        err = hv_place_model_build(a, in, m, &d);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    return 0;
}

static int do_propose(struct cli *c, struct opts *o, bool save)
{
    int rc = save || o->file == NULL ? cli_open(c, false) : 0;
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_buf fb, b;
    hv_buf_init(&fb, HV_PLACE_MAX_FILE);
    hv_buf_init(&b, 0);
    struct hv_place_instance in;
    struct hv_place_model m;
    struct hv_place_result r;
    memset(&r, 0, sizeof(r));
    rc = build(c, o, &a, &fb, &in, &m);
    if (rc != 0)
        goto out;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_place_solve(&m, &o->p, &r, &d);
    if (err != HV_OK) {
        rc = cli_fail(c, err, &d);
        goto out;
    }
    int64_t plan_id = 0;
    if (save) {
        err = hv_place_plan_save(&c->ctx, &m, &r, o->db.day, &plan_id, &d);
        if (err != HV_OK) {
            rc = cli_fail(c, err, &d);
            goto out;
        }
    }
    if (o->instance_out != NULL) {
        if (hv_place_instance_write(&in, &b) != HV_OK) {
            rc = cli_fail(c, HV_ERR_LIMIT, NULL);
            goto out;
        }
        rc = write_out(c, o->instance_out, &b);
        hv_buf_reset(&b);
        if (rc != 0)
            goto out;
    }
    if (o->plan_out != NULL) {
        if (hv_place_plan_write(&m, &r, &b) != HV_OK) {
            rc = cli_fail(c, HV_ERR_LIMIT, NULL);
            goto out;
        }
        rc = write_out(c, o->plan_out, &b);
        if (rc != 0)
            goto out;
    }
    char day[16];
    snprintf(day, sizeof(day), HV_STR_FMT, HV_STR_ARG(in.day));
    print_result(c, &m, &r, plan_id, day);
    if (!c->json && save)
        printf("see: haven place show %lld; accept: haven place accept %lld\n", (long long)plan_id,
               (long long)plan_id);
    if (!c->json && !save && o->plan_out == NULL) {
        /* a solve without a database prints each family */
        for (size_t f = 0; f < m.n_fam; f++) {
            hv_buf_reset(&b);
            if (hv_place_explain(&m, &r, f, &b) != HV_OK)
                break;
            int32_t j = r.assign[f];
            printf("  " HV_STR_FMT " -> " HV_STR_FMT " by " HV_STR_FMT ": %s\n",
                   HV_STR_ARG(in.families[f].id),
                   HV_STR_ARG(j >= 0 ? in.sites[m.col_site[j]].id : HV_STR("(none)")),
                   HV_STR_ARG(j >= 0 ? in.routes[m.col_route[j]].id : HV_STR("-")),
                   hv_buf_cstr(&b));
        }
    }
out:
    hv_place_result_finish(&r);
    hv_buf_finish(&fb);
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    if (rc == 0)
        cli_close(c);
    return rc;
}

static int do_show(struct cli *c, struct opts *o)
{
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_place_plan_info pi;
    enum hv_err err = hv_place_plan_get(&c->ctx, &a, o->id, true, &pi);
    if (err != HV_OK) {
        struct hv_diag d;
        hv_diag_clear(&d);
        if (err == HV_ERR_NOTFOUND)
            hv_diag_set(&d, "plan",
                        o->id > 0 ? "no such plan" : "no plan yet (haven place propose)");
        hv_arena_finish(&a);
        return cli_fail(c, err, &d);
    }
    char day[11];
    hv_day_format(pi.day, day);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    struct hv_jw w;
    hv_jw_init(&w, &b, true);
    if (c->json) {
        hv_jw_object_begin(&w);
        hv_jw_key(&w, "plan");
        hv_jw_int(&w, pi.id);
        hv_jw_key(&w, "status");
        hv_jw_str(&w, pi.status);
        hv_jw_key(&w, "day");
        hv_jw_strz(&w, day);
        hv_jw_key(&w, "backend");
        hv_jw_str(&w, pi.backend);
        hv_jw_key(&w, "objective");
        hv_jw_double(&w, pi.objective);
        hv_jw_key(&w, "bound");
        hv_jw_double(&w, pi.bound);
        hv_jw_key(&w, "gap");
        hv_jw_double(&w, pi.gap);
        hv_jw_key(&w, "families");
        hv_jw_int(&w, pi.n_families);
        hv_jw_key(&w, "placed");
        hv_jw_int(&w, pi.n_placed);
        hv_jw_key(&w, "rows");
        hv_jw_array_begin(&w);
    } else {
        printf("plan %lld (%.*s) for %s by %.*s: %lld of %lld families placed; objective %.1f, "
               "bound %.1f, gap %.4f%%\n",
               (long long)pi.id, HV_STR_ARG(pi.status), day, HV_STR_ARG(pi.backend),
               (long long)pi.n_placed, (long long)pi.n_families, pi.objective, pi.bound,
               100 * pi.gap);
    }
    long shown = 0;
    for (size_t i = 0; i < pi.n_rows; i++) {
        const struct hv_place_plan_row *r = &pi.rows[i];
        if (r->site_ref.len == 0 && !o->all)
            continue;
        if (o->limit >= 0 && shown >= o->limit)
            break;
        shown++;
        if (c->json) {
            hv_jw_object_begin(&w);
            hv_jw_key(&w, "case");
            hv_jw_str(&w, r->case_ref);
            hv_jw_key(&w, "site");
            if (r->site_ref.len > 0)
                hv_jw_str(&w, r->site_ref);
            else
                hv_jw_null(&w);
            hv_jw_key(&w, "route");
            hv_jw_str(&w, r->route);
            hv_jw_key(&w, "value");
            hv_jw_double(&w, r->value);
            hv_jw_key(&w, "why");
            hv_jw_str(&w, r->why);
            if (r->movement_id > 0) {
                hv_jw_key(&w, "movement");
                hv_jw_int(&w, r->movement_id);
            }
            hv_jw_object_end(&w);
        } else {
            printf("%.*s -> %.*s by %.*s", HV_STR_ARG(r->case_ref),
                   HV_STR_ARG(r->site_ref.len > 0 ? r->site_ref : HV_STR("(not placed)")),
                   HV_STR_ARG(r->route.len > 0 ? r->route : HV_STR("-")));
            if (r->movement_id > 0)
                printf(" [movement %lld]", (long long)r->movement_id);
            printf(": %.*s\n", HV_STR_ARG(r->why));
        }
    }
    if (c->json) {
        hv_jw_array_end(&w);
        hv_jw_object_end(&w);
        cli_print_json(b.ptr, b.len);
    }
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    cli_close(c);
    return 0;
}

static int do_decide(struct cli *c, struct opts *o, bool accept)
{
    if (o->id <= 0)
        return cli_usage("place", "%s takes a plan id", accept ? "accept" : "reject");
    if (!accept && o->reason == NULL)
        return cli_usage("place", "reject needs --reason TEXT");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct hv_diag d;
    hv_diag_clear(&d);
    size_t moved = 0, skipped = 0;
    enum hv_err err = accept ? hv_place_plan_accept(&c->ctx, o->id, &moved, &skipped, &d)
                             : hv_place_plan_reject(&c->ctx, o->id, o->reason, &d);
    if (err != HV_OK)
        return cli_fail(c, err, &d);
    if (c->json) {
        char buf[200];
        int n = snprintf(buf, sizeof(buf),
                         "{\"plan\": %lld, \"status\": \"%s\", \"movements\": %zu, "
                         "\"skipped\": %zu}",
                         (long long)o->id, accept ? "accepted" : "rejected", moved, skipped);
        cli_print_json(buf, (size_t)n);
    } else if (accept) {
        printf("plan %lld accepted: %zu planned movements, %zu skipped (haven place show %lld "
               "--all says why)\n",
               (long long)o->id, moved, skipped, (long long)o->id);
    } else {
        printf("plan %lld rejected\n", (long long)o->id);
    }
    cli_close(c);
    return 0;
}

static int do_export(struct cli *c, struct opts *o)
{
    if (o->mps == o->lp)
        return cli_usage("place", "export takes one of --mps or --lp");
    int rc = o->file == NULL ? cli_open(c, false) : 0;
    if (rc != 0)
        return rc;
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_buf fb, b;
    hv_buf_init(&fb, HV_PLACE_MAX_FILE);
    hv_buf_init(&b, 0);
    struct hv_place_instance in;
    struct hv_place_model m;
    rc = build(c, o, &a, &fb, &in, &m);
    if (rc == 0 && hv_place_model_export(&m, o->mps ? HV_PLACE_MPS : HV_PLACE_LP, &b) != HV_OK)
        rc = cli_fail(c, HV_ERR_LIMIT, NULL);
    if (rc == 0)
        rc = write_out(c, o->out, &b);
    if (rc == 0 && o->instance_out != NULL) {
        hv_buf_reset(&b);
        if (hv_place_instance_write(&in, &b) != HV_OK)
            rc = cli_fail(c, HV_ERR_LIMIT, NULL);
        else
            rc = write_out(c, o->instance_out, &b);
    }
    if (rc == 0 && o->out != NULL && strcmp(o->out, "-") != 0 && !c->quiet)
        fprintf(stderr, "haven: wrote %zu columns, %zu families to %s\n", m.n_col, m.n_fam, o->out);
    hv_buf_finish(&fb);
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    if (rc == 0)
        cli_close(c);
    return rc;
}

/* People placed per country and families per route crossing, for what-if comparisons. */
struct tally {
    int64_t people[16];
    size_t n_placed;
    double objective;
};

static void tally_of(const struct hv_place_model *m, const struct hv_place_result *r,
                     struct tally *t)
{
    memset(t, 0, sizeof(*t));
    for (size_t f = 0; f < m->n_fam; f++) {
        if (r->assign[f] < 0)
            continue;
        uint32_t k = m->in->sites[m->col_site[r->assign[f]]].country;
        if (k < 16)
            t->people[k] += m->in->families[f].size;
        t->n_placed++;
    }
    t->objective = r->objective;
}

static int do_whatif(struct cli *c, struct opts *o)
{
    if (o->db.close_crossing == NULL && o->db.site_ref == NULL && o->db.quota_country == NULL)
        return cli_usage("place", "whatif needs --close, --site-beds or --quota");
    int rc = cli_open(c, false);
    if (rc != 0)
        return rc;
    struct opts base = *o;
    base.db.close_crossing = NULL;
    base.db.site_ref = NULL;
    base.db.quota_country = NULL;
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_buf fb;
    hv_buf_init(&fb, 0);
    struct hv_place_instance in0, in1;
    struct hv_place_model m0, m1;
    struct hv_place_result r0, r1;
    memset(&r0, 0, sizeof(r0));
    memset(&r1, 0, sizeof(r1));
    struct hv_diag d;
    hv_diag_clear(&d);
    rc = build(c, &base, &a, &fb, &in0, &m0);
    if (rc == 0)
        rc = build(c, o, &a, &fb, &in1, &m1);
    enum hv_err err = HV_OK;
    if (rc == 0)
        err = hv_place_solve(&m0, &o->p, &r0, &d);
    if (rc == 0 && err == HV_OK)
        err = hv_place_solve(&m1, &o->p, &r1, &d);
    if (rc == 0 && err != HV_OK)
        rc = cli_fail(c, err, &d);
    if (rc == 0) {
        struct tally t0, t1;
        tally_of(&m0, &r0, &t0);
        tally_of(&m1, &r1, &t1);
        /* the same families in both instances (same query): compare by index */
        size_t moved = 0, lost = 0, gained = 0;
        for (size_t f = 0; f < m0.n_fam && f < m1.n_fam; f++) {
            int32_t j0 = r0.assign[f], j1 = r1.assign[f];
            if (j0 >= 0 && j1 < 0)
                lost++;
            else if (j0 < 0 && j1 >= 0)
                gained++;
            else if (j0 >= 0 && m0.col_site[j0] != m1.col_site[j1])
                moved++;
        }
        if (c->json) {
            char buf[600];
            int n =
                snprintf(buf, sizeof(buf),
                         "{\"placed_before\": %zu, \"placed_after\": %zu, \"objective_before\": "
                         "%.3f, \"objective_after\": %.3f, \"families_moved\": %zu, "
                         "\"families_no_longer_placed\": %zu, \"families_newly_placed\": %zu}",
                         t0.n_placed, t1.n_placed, t0.objective, t1.objective, moved, lost, gained);
            cli_print_json(buf, (size_t)n);
        } else {
            printf("what if on %.*s: placed %zu -> %zu families, objective %.1f -> %.1f\n",
                   HV_STR_ARG(in0.day), t0.n_placed, t1.n_placed, t0.objective, t1.objective);
            printf("  %zu families go to another site, %zu are no longer placed, %zu newly "
                   "placed\n",
                   moved, lost, gained);
            for (size_t k = 0; k < in0.n_countries && k < 16; k++)
                printf("  %.*s: %lld -> %lld people\n", HV_STR_ARG(in0.countries[k].code),
                       (long long)t0.people[k], (long long)t1.people[k]);
        }
    }
    hv_place_result_finish(&r0);
    hv_place_result_finish(&r1);
    hv_buf_finish(&fb);
    hv_arena_finish(&a);
    if (rc == 0)
        cli_close(c);
    return rc;
}

int cmd_place(struct cli *c, int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? HV_EXIT_USAGE : 0;
    }
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc;
    const char *sub = argv[1];
    if (strcmp(sub, "propose") == 0)
        return do_propose(c, &o, true);
    if (strcmp(sub, "solve") == 0) {
        if (o.file == NULL)
            return cli_usage("place", "solve takes an instance file");
        return do_propose(c, &o, false);
    }
    if (strcmp(sub, "show") == 0)
        return do_show(c, &o);
    if (strcmp(sub, "accept") == 0)
        return do_decide(c, &o, true);
    if (strcmp(sub, "reject") == 0)
        return do_decide(c, &o, false);
    if (strcmp(sub, "export") == 0)
        return do_export(c, &o);
    if (strcmp(sub, "whatif") == 0)
        return do_whatif(c, &o);
    return cli_usage("place",
                     "unknown subcommand %s (propose, show, accept, reject, export, "
                     "whatif, solve)",
                     sub);
}
