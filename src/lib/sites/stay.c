/* stay.c - stays: the bed-kind rule, check-in of a whole case (no double booking, capacity
 * with an audited override) and check-out.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/pdate.h"
#include "haven/registry.h"
#include "sites/sites_int.h"

/* Age of majority for the minors' beds. */
#define ADULT_AGE 18

struct lone_person {
    bool seen;
    char sex;           /* 'M', 'F', 'X' or 0 */
    bool unaccompanied; /* needs has unaccompanied_minor */
    bool has_birth;
    struct hv_pdate birth;
};

static bool list_has(struct hv_str list, const char *item)
{
    size_t start = 0;
    for (size_t i = 0; i <= list.len; i++) {
        if (i < list.len && list.ptr[i] != ';')
            continue;
        if (hv_str_eqz(hv_str_trim((struct hv_str){ list.ptr + start, i - start }), item))
            return true;
        start = i + 1;
    }
    return false;
}

static enum hv_err person_seen(void *ud, const struct hv_record *rec)
{
    struct lone_person *p = ud;
    const struct hv_kind_def *k = rec->kind;
    int f_sex = hv_kind_field(k, HV_STR("sex"));
    int f_birth = hv_kind_field(k, HV_STR("birth_date"));
    int f_needs = hv_kind_field(k, HV_STR("needs"));
    if (f_sex < 0 || f_birth < 0 || f_needs < 0)
        return HV_ERR_INTERNAL;
    p->seen = true;
    struct hv_str sex = rec->values[f_sex];
    p->sex = sex.len == 1 ? sex.ptr[0] : 0;
    p->unaccompanied = list_has(rec->values[f_needs], "unaccompanied_minor");
    struct hv_str b = rec->values[f_birth];
    const char *why = NULL;
    p->has_birth = b.len > 0 && hv_pdate_parse(b.ptr, b.len, &p->birth, &why) &&
                   p->birth.precision != HV_PDATE_NONE;
    return HV_OK;
}

/* True when someone born on the latest day the partial date allows is under ADULT_AGE on
 * day: "possibly a minor". */
static bool possibly_minor(const struct hv_pdate *d, int32_t day)
{
    int y = d->precision == HV_PDATE_RANGE ? d->year_to : d->year;
    unsigned m = d->precision == HV_PDATE_DAY || d->precision == HV_PDATE_MONTH ? d->month : 12;
    unsigned dd = d->precision == HV_PDATE_DAY ? d->day : 31;
    while (dd > 28 && !hv_date_valid(y, m, dd))
        dd--;
    /* The birthday of a 29 February child falls on 1 March in common years. */
    int32_t adult_on = hv_date_valid(y + ADULT_AGE, m, dd)
                           ? hv_days_from_civil(y + ADULT_AGE, m, dd)
                           : hv_days_from_civil(y + ADULT_AGE, 3, 1);
    return day < adult_on;
}

enum hv_err hv_stay_choose_kind(struct hv_ctx *ctx, int64_t case_id, int64_t at,
                                enum hv_bed_kind *kind, int64_t *n_people, struct hv_diag *diag)
{
    int64_t n = 0;
    enum hv_err err = hv_case_people_count(ctx, case_id, &n);
    if (err != HV_OK)
        return err;
    *n_people = n;
    if (n == 0) {
        hv_diag_set(diag, "case", "the case has no people registered");
        return HV_ERR_INVALID;
    }
    if (n >= 2) {
        *kind = HV_BED_FAMILY_ROOM;
        return HV_OK;
    }
    struct lone_person p;
    memset(&p, 0, sizeof(p));
    err = hv_record_each(ctx, hv_kind(HV_KIND_PERSON), case_id, person_seen, &p);
    if (err != HV_OK)
        return err;
    if (!p.seen)
        return HV_ERR_INTERNAL;
    int32_t day = (int32_t)(at / HV_SECS_PER_DAY);
    if (p.unaccompanied || (p.has_birth && possibly_minor(&p.birth, day))) {
        *kind = HV_BED_MINORS;
        return HV_OK;
    }
    if (p.sex == 'M') {
        *kind = HV_BED_SINGLE_MEN;
        return HV_OK;
    }
    if (p.sex == 'F' || p.sex == 'X') {
        *kind = HV_BED_SINGLE_WOMEN;
        return HV_OK;
    }
    hv_diag_set(diag, "sex", "the person's sex is not recorded: choose the bed kind");
    return HV_ERR_INVALID;
}

/* Where the case's open stay is, for the message; *found false when none. */
static enum hv_err open_stay_of(struct hv_ctx *ctx, int64_t case_id, bool *found, int64_t *stay_id,
                                int64_t *check_in, char site[65])
{
    static const char sql[] = "SELECT stay.id, stay.check_in, site.ref FROM stay"
                              " JOIN site ON site.id = stay.site_id"
                              " WHERE stay.case_id = ?1 AND stay.check_out IS NULL";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, case_id);
    if (err == HV_OK)
        err = hv_stmt_step(s, found);
    if (err != HV_OK || !*found)
        return err;
    *stay_id = hv_stmt_col_int(s, 0);
    *check_in = hv_stmt_col_int(s, 1);
    struct hv_str r = hv_stmt_col_text(s, 2);
    snprintf(site, 65, "%.*s", (int)(r.len > 64 ? 64 : r.len), r.ptr != NULL ? r.ptr : "");
    return HV_OK;
}

/* Beds of the kind taken at the site from instant at on, as a sorted array in a. */
static enum hv_err beds_taken(struct hv_ctx *ctx, struct hv_arena *a, int64_t site_id,
                              enum hv_bed_kind kind, int64_t at, int64_t **beds, size_t *n)
{
    static const char sql[] = "SELECT bed_no FROM stay WHERE site_id = ?1 AND kind = ?2"
                              " AND (check_out IS NULL OR check_out > ?3) ORDER BY bed_no";
    size_t cap = 0;
    *beds = NULL;
    *n = 0;
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hv_bed_kind_name(kind)));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, at);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        if (*n == cap) {
            size_t ncap = cap == 0 ? 64 : cap * 2;
            int64_t *grown = hv_arena_alloc_array(a, ncap, sizeof(*grown));
            if (grown == NULL)
                return HV_ERR_LIMIT;
            if (*n > 0)
                memcpy(grown, *beds, *n * sizeof(*grown));
            *beds = grown;
            cap = ncap;
        }
        (*beds)[(*n)++] = hv_stmt_col_int(s, 0);
    }
    return err;
}

static bool bed_in(const int64_t *beds, size_t n, int64_t bed)
{
    for (size_t i = 0; i < n; i++) {
        if (beds[i] == bed)
            return true;
    }
    return false;
}

static enum hv_err insert_stay(struct hv_ctx *ctx, int64_t case_id, int64_t site_id,
                               enum hv_bed_kind kind, int64_t bed, int64_t n_people, int64_t at,
                               const char *reason, int64_t movement_id, int64_t *stay_id)
{
    static const char sql[] =
        "INSERT INTO stay (case_id, site_id, kind, bed_no, n_people, check_in, override_reason,"
        " movement_id, audit_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)";
    static const char id_sql[] = "SELECT id FROM stay WHERE case_id = ?1 AND check_out IS NULL";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, case_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(hv_bed_kind_name(kind)));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, bed);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 5, n_people);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 6, at);
    if (err == HV_OK)
        err = reason != NULL ? hv_stmt_bind_text(s, 7, hv_str_c(reason)) : hv_stmt_bind_null(s, 7);
    if (err == HV_OK)
        err = movement_id != 0 ? hv_stmt_bind_int(s, 8, movement_id) : hv_stmt_bind_null(s, 8);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, id_sql, true, case_id, 0, stay_id);
    return err;
}

static enum hv_err set_audit_seq(struct hv_ctx *ctx, int64_t stay_id, int64_t seq)
{
    static const char sql[] = "UPDATE stay SET audit_seq = ?2 WHERE id = ?1";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, stay_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, seq);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

#define REF_ARG(r) (int)((r).len > 64 ? 64 : (r).len), (r).ptr

enum hv_err hv__stay_checkin_tx(struct hv_ctx *ctx, struct hv_arena *a, int64_t case_id,
                                struct hv_str case_ref, struct hv_str site_ref,
                                const struct hv_checkin_options *opt, int64_t movement_id,
                                struct hv_stay *out, struct hv_diag *diag)
{
    static const struct hv_checkin_options none = { 0 };
    if (opt == NULL)
        opt = &none;
    int64_t at = opt->at != 0 ? opt->at : hv__sites_now(ctx);
    bool found = false;
    int64_t other_id = 0, other_in = 0;
    char other_site[65];
    enum hv_err err = open_stay_of(ctx, case_id, &found, &other_id, &other_in, other_site);
    if (err != HV_OK)
        return err;
    if (found) {
        char t[21];
        hv_time_format(other_in, t);
        hv_diag_set(diag, "case",
                    "case %.*s is already checked in at %s since %s; check it "
                    "out first",
                    REF_ARG(case_ref), other_site, t);
        return HV_ERR_CONFLICT;
    }
    int64_t site_id = 0;
    err = hv__site_id(ctx, site_ref, &site_id, diag);
    if (err != HV_OK)
        return err;
    enum hv_bed_kind kind = HV_BED_FAMILY_ROOM;
    int64_t n_people = 0;
    if (opt->has_kind) {
        kind = opt->kind;
        if ((unsigned)kind >= HV_N_BED_KINDS)
            return HV_ERR_INVALID;
        err = hv_case_people_count(ctx, case_id, &n_people);
        if (err != HV_OK)
            return err;
        if (n_people == 0) {
            hv_diag_set(diag, "case", "the case has no people registered");
            return HV_ERR_INVALID;
        }
        if (n_people > 1 && kind != HV_BED_FAMILY_ROOM) {
            hv_diag_set(diag, "kind", "a family of %lld stays together in a family room",
                        (long long)n_people);
            return HV_ERR_INVALID;
        }
    } else {
        err = hv_stay_choose_kind(ctx, case_id, at, &kind, &n_people, diag);
        if (err != HV_OK)
            return err;
    }
    int64_t cap = 0;
    err = hv__site_capacity_at(ctx, site_id, kind, at, &cap);
    if (err != HV_OK)
        return err;
    int64_t *taken = NULL;
    size_t n_taken = 0;
    err = beds_taken(ctx, a, site_id, kind, at, &taken, &n_taken);
    if (err != HV_OK)
        return err;
    bool over = (int64_t)n_taken >= cap;
    if (over && !opt->override) {
        hv_diag_set(diag, "site",
                    "%.*s has no free %s: %zu of %lld in use (an override with a "
                    "reason may go over capacity)",
                    REF_ARG(site_ref), hv_bed_kind_name(kind), n_taken, (long long)cap);
        return HV_ERR_CONFLICT;
    }
    if (over && (opt->reason == NULL || opt->reason[0] == '\0' || strlen(opt->reason) > 500)) {
        hv_diag_set(diag, "reason", "an override needs a reason (at most 500 bytes)");
        return HV_ERR_INVALID;
    }
    int64_t bed = opt->bed_no;
    if (bed != 0) {
        if (bed < 1 || (bed > cap && !over)) {
            hv_diag_set(diag, "bed", "%s at %.*s are numbered 1 to %lld", hv_bed_kind_name(kind),
                        REF_ARG(site_ref), (long long)cap);
            return HV_ERR_INVALID;
        }
        if (bed_in(taken, n_taken, bed)) {
            hv_diag_set(diag, "bed", "%s bed %lld at %.*s is already taken", hv_bed_kind_name(kind),
                        (long long)bed, REF_ARG(site_ref));
            return HV_ERR_CONFLICT;
        }
    } else {
        /* The lowest free number: within capacity there is one unless over. */
        bed = 1;
        while (bed_in(taken, n_taken, bed))
            bed++;
    }
    int64_t stay_id = 0, seq = 0;
    err = insert_stay(ctx, case_id, site_id, kind, bed, n_people, at, over ? opt->reason : NULL,
                      movement_id, &stay_id);
    if (err == HV_ERR_CONFLICT) {
        hv_diag_set(diag, "bed", "the bed or the case is already taken by an open stay");
        return err;
    }
    char detail[160];
    if (err == HV_OK) {
        snprintf(detail, sizeof(detail), "case=%.*s site=%.*s kind=%s bed=%lld people=%lld",
                 REF_ARG(case_ref), REF_ARG(site_ref), hv_bed_kind_name(kind), (long long)bed,
                 (long long)n_people);
        err = hv_audit_append(ctx, "stay.checkin", "stay", stay_id, detail, NULL, &seq);
    }
    if (err == HV_OK && over) {
        snprintf(detail, sizeof(detail), "case=%.*s site=%.*s kind=%s in_use=%zu capacity=%lld",
                 REF_ARG(case_ref), REF_ARG(site_ref), hv_bed_kind_name(kind), n_taken,
                 (long long)cap);
        err = hv_audit_append(ctx, "stay.override", "stay", stay_id, detail, NULL, &seq);
    }
    if (err == HV_OK)
        err = set_audit_seq(ctx, stay_id, seq);
    if (err != HV_OK)
        return err;
    if (out != NULL) {
        memset(out, 0, sizeof(*out));
        out->id = stay_id;
        out->case_id = case_id;
        out->case_ref = (struct hv_str){ hv_str_dupz(a, case_ref), case_ref.len };
        out->site_id = site_id;
        out->site_ref = (struct hv_str){ hv_str_dupz(a, site_ref), site_ref.len };
        out->kind = kind;
        out->bed_no = bed;
        out->n_people = n_people;
        out->check_in = at;
        out->override = over;
    }
    return hv_arena_failed(a) ? HV_ERR_LIMIT : HV_OK;
}

enum hv_err hv_stay_checkin(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str case_ref,
                            struct hv_str site_ref, const struct hv_checkin_options *opt,
                            struct hv_stay *out, struct hv_diag *diag)
{
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    int64_t case_id = 0;
    err = hv__case_lookup(ctx, a, case_ref, &case_id, NULL, diag);
    if (err == HV_OK)
        err = hv__stay_checkin_tx(ctx, a, case_id, case_ref, site_ref, opt, 0, out, diag);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        return err;
    }
    return hv_store_commit(ctx->store);
}

enum hv_err hv__stay_checkout_tx(struct hv_ctx *ctx, int64_t case_id, struct hv_str case_ref,
                                 int64_t at, bool *found, struct hv_diag *diag)
{
    static const char sql[] = "UPDATE stay SET check_out = ?2, audit_seq = ?3 WHERE id = ?1";
    int64_t stay_id = 0, check_in = 0, seq = 0;
    char site[65];
    enum hv_err err = open_stay_of(ctx, case_id, found, &stay_id, &check_in, site);
    if (err != HV_OK || !*found)
        return err;
    if (at < check_in) {
        hv_diag_set(diag, "at", "the check-out is before the check-in");
        return HV_ERR_INVALID;
    }
    char detail[160];
    snprintf(detail, sizeof(detail), "case=%.*s site=%s", REF_ARG(case_ref), site);
    err = hv_audit_append(ctx, "stay.checkout", "stay", stay_id, detail, NULL, &seq);
    struct hv_stmt *s = NULL;
    if (err == HV_OK)
        err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, stay_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, at);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, seq);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static enum hv_err stay_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t stay_id,
                            struct hv_stay *out);

enum hv_err hv_stay_checkout(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str case_ref,
                             int64_t at, struct hv_stay *out, struct hv_diag *diag)
{
    if (at == 0)
        at = hv__sites_now(ctx);
    enum hv_err err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        return err;
    int64_t case_id = 0, stay_id = 0, check_in = 0;
    bool found = false;
    char site[65];
    err = hv__case_lookup(ctx, a, case_ref, &case_id, NULL, diag);
    if (err == HV_OK)
        err = open_stay_of(ctx, case_id, &found, &stay_id, &check_in, site);
    if (err == HV_OK)
        err = hv__stay_checkout_tx(ctx, case_id, case_ref, at, &found, diag);
    if (err == HV_OK && !found) {
        hv_diag_set(diag, "case", "case %.*s is not checked in anywhere", REF_ARG(case_ref));
        err = HV_ERR_NOTFOUND;
    }
    if (err == HV_OK && out != NULL)
        err = stay_get(ctx, a, stay_id, out);
    if (err != HV_OK) {
        hv_store_rollback(ctx->store);
        return err;
    }
    return hv_store_commit(ctx->store);
}

#define STAY_SELECT                                                                         \
    "SELECT stay.id, stay.case_id, hv_case.ref, stay.site_id, site.ref, stay.kind,"         \
    " stay.bed_no, stay.n_people, stay.check_in, coalesce(stay.check_out, 0),"              \
    " stay.override_reason IS NOT NULL FROM stay JOIN hv_case ON hv_case.id = stay.case_id" \
    " JOIN site ON site.id = stay.site_id"

static void stay_from_row(struct hv_arena *a, struct hv_stmt *s, struct hv_stay *out)
{
    memset(out, 0, sizeof(*out));
    out->id = hv_stmt_col_int(s, 0);
    out->case_id = hv_stmt_col_int(s, 1);
    out->case_ref = hv__col_dup(a, s, 2);
    out->site_id = hv_stmt_col_int(s, 3);
    out->site_ref = hv__col_dup(a, s, 4);
    if (!hv_bed_kind_parse(hv_stmt_col_text(s, 5), &out->kind))
        out->kind = HV_BED_FAMILY_ROOM;
    out->bed_no = hv_stmt_col_int(s, 6);
    out->n_people = hv_stmt_col_int(s, 7);
    out->check_in = hv_stmt_col_int(s, 8);
    out->check_out = hv_stmt_col_int(s, 9);
    out->override = hv_stmt_col_int(s, 10) != 0;
}

static enum hv_err stay_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t stay_id,
                            struct hv_stay *out)
{
    static const char sql[] = STAY_SELECT " WHERE stay.id = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, stay_id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row)
        return HV_ERR_NOTFOUND;
    stay_from_row(a, s, out);
    return HV_OK;
}

enum hv_err hv_stay_list_open(struct hv_ctx *ctx, struct hv_arena *a, int64_t site_id, int64_t at,
                              struct hv_stay **out, size_t *n_out)
{
    static const char sql[] =
        STAY_SELECT " WHERE (?1 = 0 OR stay.site_id = ?1) AND stay.check_in <= ?2"
                    " AND (stay.check_out IS NULL OR stay.check_out > ?2)"
                    " ORDER BY site.ref, stay.kind, stay.bed_no";
    if (at == 0)
        at = hv__sites_now(ctx);
    *out = NULL;
    *n_out = 0;
    size_t cap = 0;
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, at);
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        if (*n_out == cap) {
            size_t ncap = cap == 0 ? 32 : cap * 2;
            struct hv_stay *grown = hv_arena_alloc_array(a, ncap, sizeof(*grown));
            if (grown == NULL)
                return HV_ERR_LIMIT;
            if (*n_out > 0)
                memcpy(grown, *out, *n_out * sizeof(*grown));
            *out = grown;
            cap = ncap;
        }
        stay_from_row(a, s, &(*out)[(*n_out)++]);
    }
    return err;
}
