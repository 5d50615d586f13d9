/* sites_common.c - names of the module's enums, day numbers, and the look-ups every part of
 * the sites module needs (cases, sites, capacity in force).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <stdio.h>
#include <string.h>

#include "haven/clock.h"
#include "haven/pdate.h"
#include "sites/sites_int.h"

static const char *const bed_kind_names[HV_N_BED_KINDS] = { "family_rooms", "single_men",
                                                            "single_women", "minors" };

const char *hv_bed_kind_name(enum hv_bed_kind k)
{
    return (unsigned)k < HV_N_BED_KINDS ? bed_kind_names[k] : "?";
}

bool hv_bed_kind_parse(struct hv_str s, enum hv_bed_kind *out)
{
    for (int k = 0; k < HV_N_BED_KINDS; k++) {
        if (hv_str_eqz(s, bed_kind_names[k])) {
            *out = (enum hv_bed_kind)k;
            return true;
        }
    }
    return false;
}

static const char *const status_names[] = { "unknown", "open", "restricted", "closed" };

const char *hv_crossing_status_name(enum hv_crossing_status s)
{
    return (unsigned)s < HV_ARRAY_LEN(status_names) ? status_names[s] : "?";
}

bool hv_crossing_status_parse(struct hv_str s, enum hv_crossing_status *out)
{
    for (size_t i = 0; i < HV_ARRAY_LEN(status_names); i++) {
        if (hv_str_eqz(s, status_names[i])) {
            *out = (enum hv_crossing_status)i;
            return true;
        }
    }
    return false;
}

const char *hv_leg_mode_name(enum hv_leg_mode m)
{
    static const char *const names[] = { "road", "crossing", "flight" };
    return (unsigned)m < HV_ARRAY_LEN(names) ? names[m] : "?";
}

const char *hv_move_status_name(enum hv_move_status s)
{
    static const char *const names[] = { "planned", "in_transit", "arrived", "cancelled" };
    return (unsigned)s < HV_ARRAY_LEN(names) ? names[s] : "?";
}

void hv_day_format(int32_t day, char out[11])
{
    char t[21];
    hv_time_format((int64_t)day * HV_SECS_PER_DAY, t);
    memcpy(out, t, 10);
    out[10] = '\0';
}

bool hv_day_parse(const char *z, int32_t *out)
{
    if (z == NULL || strlen(z) != 10)
        return false;
    int64_t t = 0;
    if (!hv_time_parse(z, &t))
        return false;
    *out = (int32_t)(t / HV_SECS_PER_DAY);
    return true;
}

int64_t hv__sites_now(struct hv_ctx *ctx)
{
    return hv_clock_now(&ctx->clock);
}

struct hv_str hv__col_dup(struct hv_arena *a, struct hv_stmt *s, int i)
{
    struct hv_str v = hv_stmt_col_text(s, i);
    char *z = hv_str_dupz(a, v);
    if (z == NULL)
        return HV_STR("");
    return (struct hv_str){ z, v.len };
}

enum hv_err hv__case_lookup(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str case_ref,
                            int64_t *case_id, struct hv_str *location_ref, struct hv_diag *diag)
{
    static const char sql[] = "SELECT id, coalesce(location_ref, '') FROM hv_case WHERE ref = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, case_ref);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(diag, "case", "no case has ref \"%.*s\"",
                    (int)(case_ref.len > 64 ? 64 : case_ref.len), case_ref.ptr);
        return HV_ERR_NOTFOUND;
    }
    *case_id = hv_stmt_col_int(s, 0);
    if (location_ref != NULL)
        *location_ref = hv__col_dup(a, s, 1);
    return HV_OK;
}

enum hv_err hv__site_id(struct hv_ctx *ctx, struct hv_str ref, int64_t *id, struct hv_diag *diag)
{
    static const char sql[] = "SELECT id FROM site WHERE ref = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(diag, "site", "no site has ref \"%.*s\"", (int)(ref.len > 64 ? 64 : ref.len),
                    ref.ptr);
        return HV_ERR_NOTFOUND;
    }
    *id = hv_stmt_col_int(s, 0);
    return HV_OK;
}

enum hv_err hv__site_capacity_at(struct hv_ctx *ctx, int64_t site_id, enum hv_bed_kind kind,
                                 int64_t at, int64_t *beds)
{
    static const char sql[] = "SELECT beds FROM site_capacity WHERE site_id = ?1 AND kind = ?2 "
                              "AND at <= ?3 ORDER BY at DESC, id DESC LIMIT 1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(hv_bed_kind_name(kind)));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, at);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    *beds = row ? hv_stmt_col_int(s, 0) : 0;
    return HV_OK;
}
