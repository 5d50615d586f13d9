/* test_sites.c - the sites module: CSV parsing with file/line/field errors, loading, the bed-kind
 * rule, check-in/out (capacity, double booking, families together, audited override), capacity
 * edits, and the occupancy series on a hand-built history checked figure by figure.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sites_fixture.h"

/* --- parsing -------------------------------------------------------------------------- */

static enum hv_err parse_sites(const char *text, struct hv_diag *d, size_t *n)
{
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_site *sites = NULL;
    hv_diag_clear(d);
    enum hv_err err = hv_sites_parse_csv(&a, "s.csv", text, strlen(text), &sites, n, d);
    hv_arena_finish(&a);
    return err;
}

#define HDR "ref,name,country,lat,lon,family_rooms,single_men,single_women,minors,services\n"

static void test_parse(void)
{
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_site *s = NULL;
    size_t n = 0;
    struct hv_diag d;
    CHECK_OK(hv_sites_parse_csv(&a, "x.csv", sites_csv, strlen(sites_csv), &s, &n, &d));
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_VIEW(s[1].ref, "LOC-SITE-B");
    CHECK_EQ_INT(s[1].beds[HV_BED_FAMILY_ROOM], 2);
    CHECK_EQ_INT(s[0].beds[HV_BED_MINORS], 1);
    CHECK_EQ_VIEW(s[1].services, "interpreter"); /* canonical lower case */
    CHECK_EQ_VIEW(s[0].services, "medical;school");
    CHECK_EQ_VIEW(s[1].note, "hotel, rooms");
    CHECK(s[0].lat > 37.249 && s[0].lat < 37.251);
    hv_arena_finish(&a);

    /* Errors name the file, the line, the field and the reason. */
    CHECK_EQ_INT(parse_sites(HDR "S1,A,UZ,37,67,1,1,1,1,\nS2,B,UZ,95,67,1,1,1,1,\n", &d, &n),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.file, "s.csv");
    CHECK_EQ_INT(d.line, 3);
    CHECK_EQ_STR(d.field, "lat");
    CHECK(strstr(d.msg, "-90 to 90") != NULL);
    CHECK_EQ_INT(parse_sites(HDR "S1,A,UZ,37,67,-1,1,1,1,\n", &d, &n), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "family_rooms");
    CHECK_EQ_INT(d.line, 2);
    CHECK_EQ_INT(parse_sites(HDR "S1,A,UZ,37,67,1,1,1,1,spa\n", &d, &n), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "services");
    CHECK(strstr(d.msg, "\"spa\"") != NULL);
    CHECK_EQ_INT(parse_sites(HDR "S1,A,uz,37,67,1,1,1,1,\n", &d, &n), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "country");
    CHECK_EQ_INT(parse_sites(HDR "S 1,A,UZ,37,67,1,1,1,1,\n", &d, &n), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "ref");
    CHECK_EQ_INT(parse_sites(HDR "S1,A,UZ,37,67,1,1,1,1,\nS1,B,UZ,37,67,1,1,1,1,\n", &d, &n),
                 HV_ERR_INVALID);
    CHECK(strstr(d.msg, "appears twice") != NULL);
    CHECK_EQ_INT(parse_sites("ref,name,country,lat,lon,family_rooms,single_men,minors\n", &d, &n),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "single_women");
    CHECK_EQ_INT(d.line, 1);
    CHECK_EQ_INT(parse_sites(HDR "S1,A,UZ,37,67,1,1,1,1,,extra\n", &d, &n), HV_ERR_INVALID);
    CHECK_EQ_INT(d.line, 2);
    CHECK_EQ_INT(parse_sites("ref,name,colour\n", &d, &n), HV_ERR_INVALID);
    CHECK(strstr(d.msg, "unknown column \"colour\"") != NULL);
    CHECK_EQ_INT(parse_sites("", &d, &n), HV_ERR_INVALID);
    CHECK_EQ_INT(parse_sites(HDR "S1,\"A,UZ\n", &d, &n), HV_ERR_INVALID); /* open quote */
    CHECK_EQ_STR(d.file, "s.csv");
    CHECK_OK(parse_sites(HDR "\nS1,A,UZ,37,67,1,1,1,1,\n\n", &d, &n)); /* blank lines */
    CHECK_EQ_INT(n, 1);

    /* Status file: dates, statuses, required source. */
    hv_arena_init(&a, 1 << 20);
    struct hv_crossing_event *ev = NULL;
    const char *st = "crossing_ref,at,status,source,note\n"
                     "X1,2021-08-14,restricted,news,crowds\n"
                     "X1,2021-08-30T06:30Z,closed,ministry,\n";
    CHECK_OK(hv_crossing_status_parse_csv(&a, "st.csv", st, strlen(st), &ev, &n, &d));
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(ev[0].at, T("2021-08-14"));
    CHECK_EQ_INT(ev[1].at, T("2021-08-30T06:30:00Z"));
    CHECK_EQ_INT(ev[1].status, HV_CROSSING_CLOSED);
    CHECK_EQ_INT(ev[1].line, 3);
    const char *bad = "crossing_ref,at,status,source\nX1,2021-02-30,open,x\n";
    CHECK_EQ_INT(hv_crossing_status_parse_csv(&a, "st.csv", bad, strlen(bad), &ev, &n, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "at");
    CHECK_EQ_INT(d.line, 2);
    bad = "crossing_ref,at,status,source\nX1,2021-02-03,ajar,x\n";
    CHECK_EQ_INT(hv_crossing_status_parse_csv(&a, "st.csv", bad, strlen(bad), &ev, &n, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "status");
    bad = "crossing_ref,at,status,source\nX1,2021-02-03,open,\n";
    CHECK_EQ_INT(hv_crossing_status_parse_csv(&a, "st.csv", bad, strlen(bad), &ev, &n, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "source");
    struct hv_crossing *xs = NULL;
    bad = "ref,name,countries,lat,lon,mode\nX1,Bridge,UZ;af,37,67,road\n";
    CHECK_EQ_INT(hv_crossings_parse_csv(&a, "x.csv", bad, strlen(bad), &xs, &n, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "countries");
    bad = "ref,name,countries,lat,lon,mode\nX1,Bridge,UZ;AF,37,67,ferry\n";
    CHECK_EQ_INT(hv_crossings_parse_csv(&a, "x.csv", bad, strlen(bad), &xs, &n, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "mode");
    hv_arena_finish(&a);
}

/* --- loading and capacity -------------------------------------------------------------- */

static void test_load_and_capacity(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_diag d;
    struct hv_load_counts c;
    char p[128];
    snprintf(p, sizeof(p), "%s/sites.csv", dir);
    /* Reloading is idempotent. */
    CHECK_OK(hv_sites_load_file(&fx.ctx, p, &c, &d));
    CHECK_EQ_INT(c.created, 0);
    CHECK_EQ_INT(c.unchanged, 3);
    CHECK_EQ_INT(audit_count(&fx, "site.load"), 1);
    /* A changed capacity updates the site and its history. */
    write_file("sites2.csv", HDR "LOC-SITE-C,Site C,TJ,38.55,68.78,5,0,0,0,\n");
    snprintf(p, sizeof(p), "%s/sites2.csv", dir);
    now_value = T("2021-09-01");
    CHECK_OK(hv_sites_load_file(&fx.ctx, p, &c, &d));
    CHECK_EQ_INT(c.updated, 1);
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_site s;
    CHECK_OK(hv_site_get(&fx.ctx, &a, HV_STR("LOC-SITE-C"), &s));
    CHECK_EQ_INT(s.beds[HV_BED_FAMILY_ROOM], 5);
    struct hv_occupancy o;
    CHECK_OK(hv_site_occupancy_at(&fx.ctx, s.id, T("2021-08-31T12:00"), &o));
    CHECK_EQ_INT(o.cap[HV_BED_FAMILY_ROOM], 3); /* before the change */
    CHECK_OK(hv_site_occupancy_at(&fx.ctx, s.id, 0, &o));
    CHECK_EQ_INT(o.cap[HV_BED_FAMILY_ROOM], 5);
    /* A file error is reported with its file and line, and nothing is written. */
    write_file("bad.csv", HDR "LOC-SITE-C,Site C,TJ,38.55,68.78,9,0,0,0,\nX,Y,ZZ,1,1,1,1,1,x,\n");
    snprintf(p, sizeof(p), "%s/bad.csv", dir);
    CHECK_EQ_INT(hv_sites_load_file(&fx.ctx, p, &c, &d), HV_ERR_INVALID);
    CHECK(strstr(d.file, "bad.csv") != NULL);
    CHECK_EQ_INT(d.line, 3);
    CHECK_EQ_STR(d.field, "minors");
    CHECK_OK(hv_site_get(&fx.ctx, &a, HV_STR("LOC-SITE-C"), &s));
    CHECK_EQ_INT(s.beds[HV_BED_FAMILY_ROOM], 5);
    snprintf(p, sizeof(p), "%s/missing.csv", dir);
    CHECK_EQ_INT(hv_sites_load_file(&fx.ctx, p, &c, &d), HV_ERR_IO);

    /* Capacity edit: audited; cannot go below the beds in use. */
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("M1"), HV_STR("LOC-SITE-A"), NULL, NULL, &d));
    CHECK_OK(hv_stay_checkin(
        &fx.ctx, &a, HV_STR("K2"), HV_STR("LOC-SITE-A"),
        &(struct hv_checkin_options){ .has_kind = true, .kind = HV_BED_SINGLE_MEN }, NULL, &d));
    CHECK_EQ_INT(hv_site_set_capacity(&fx.ctx, HV_STR("LOC-SITE-A"), HV_BED_SINGLE_MEN, 1, 0, &d),
                 HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "2 single_men are in use") != NULL);
    CHECK_OK(hv_site_set_capacity(&fx.ctx, HV_STR("LOC-SITE-A"), HV_BED_SINGLE_MEN, 10, 0, &d));
    CHECK_EQ_INT(audit_count(&fx, "site.capacity"), 1);
    CHECK_OK(hv_site_get(&fx.ctx, &a, HV_STR("LOC-SITE-A"), &s));
    CHECK_EQ_INT(s.beds[HV_BED_SINGLE_MEN], 10);
    CHECK_EQ_INT(hv_site_set_capacity(&fx.ctx, HV_STR("LOC-NOPE"), HV_BED_MINORS, 1, 0, &d),
                 HV_ERR_NOTFOUND);
    CHECK_EQ_INT(hv_site_set_capacity(&fx.ctx, HV_STR("LOC-SITE-A"), HV_BED_MINORS, -1, 0, &d),
                 HV_ERR_INVALID);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

/* --- the bed-kind rule ------------------------------------------------------------------ */

static enum hv_bed_kind kind_of(struct fixture *fx, const char *case_ref, int64_t *n,
                                enum hv_err *err)
{
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    int64_t id = 0;
    static const char sql[] = "SELECT id FROM hv_case WHERE ref = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    if (hv_store_stmt(fx->st, sql, &s) == HV_OK &&
        hv_stmt_bind_text(s, 1, hv_str_c(case_ref)) == HV_OK && hv_stmt_step(s, &row) == HV_OK &&
        row)
        id = hv_stmt_col_int(s, 0);
    enum hv_bed_kind k = HV_N_BED_KINDS;
    struct hv_diag d;
    hv_diag_clear(&d);
    *err = hv_stay_choose_kind(&fx->ctx, id, T("2021-08-26"), &k, n, &d);
    hv_arena_finish(&a);
    return k;
}

static void test_kind_rule(void)
{
    struct fixture fx;
    fixture_open(&fx);
    int64_t n = 0;
    enum hv_err err;
    CHECK_EQ_INT(kind_of(&fx, "F1", &n, &err), HV_BED_FAMILY_ROOM);
    CHECK_OK(err);
    CHECK_EQ_INT(n, 4);
    CHECK_EQ_INT(kind_of(&fx, "F2", &n, &err), HV_BED_FAMILY_ROOM);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(kind_of(&fx, "M1", &n, &err), HV_BED_SINGLE_MEN);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(kind_of(&fx, "W1", &n, &err), HV_BED_SINGLE_WOMEN);
    CHECK_EQ_INT(kind_of(&fx, "K1", &n, &err), HV_BED_MINORS);
    /* Born "2003": possibly 17 on 2021-08-26 (if born after 26 August), so a minor's bed. */
    CHECK_EQ_INT(kind_of(&fx, "K2", &n, &err), HV_BED_MINORS);
    CHECK_EQ_INT(kind_of(&fx, "K3", &n, &err), HV_BED_MINORS);
    kind_of(&fx, "U1", &n, &err);
    CHECK_EQ_INT(err, HV_ERR_INVALID);
    fixture_close(&fx);
}

/* --- check-in rules -------------------------------------------------------------------- */

static void test_checkin_rules(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_diag d;
    struct hv_stay stay;
    /* A family of four takes Site A's only family room, all together. */
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("F1"), HV_STR("LOC-SITE-A"), NULL, &stay, &d));
    CHECK_EQ_INT(stay.kind, HV_BED_FAMILY_ROOM);
    CHECK_EQ_INT(stay.bed_no, 1);
    CHECK_EQ_INT(stay.n_people, 4);
    CHECK(!stay.override);
    /* The same case cannot be checked in twice. */
    CHECK_EQ_INT(hv_stay_checkin(&fx.ctx, &a, HV_STR("F1"), HV_STR("LOC-SITE-B"), NULL, NULL, &d),
                 HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "already checked in at LOC-SITE-A") != NULL);
    /* Site A is full for families: refused with the reason. */
    CHECK_EQ_INT(hv_stay_checkin(&fx.ctx, &a, HV_STR("F2"), HV_STR("LOC-SITE-A"), NULL, NULL, &d),
                 HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "no free family_rooms: 1 of 1 in use") != NULL);
    /* An override needs a reason, ... */
    struct hv_checkin_options ov = { .override = true };
    CHECK_EQ_INT(hv_stay_checkin(&fx.ctx, &a, HV_STR("F2"), HV_STR("LOC-SITE-A"), &ov, NULL, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "reason");
    CHECK_EQ_INT(audit_count(&fx, "stay.override"), 0);
    /* ... and with one it goes over capacity, into bed 2, audited. */
    ov.reason = "medical evacuation, one night";
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("F2"), HV_STR("LOC-SITE-A"), &ov, &stay, &d));
    CHECK(stay.override);
    CHECK_EQ_INT(stay.bed_no, 2);
    CHECK_EQ_INT(audit_count(&fx, "stay.override"), 1);
    CHECK_EQ_INT(audit_count(&fx, "stay.checkin"), 2);
    struct hv_occupancy o;
    CHECK_OK(hv_site_occupancy_at(&fx.ctx, stay.site_id, 0, &o));
    CHECK_EQ_INT(o.used[HV_BED_FAMILY_ROOM], 2);
    CHECK_EQ_INT(o.cap[HV_BED_FAMILY_ROOM], 1);
    CHECK_EQ_INT(o.people, 6);
    /* A family is never split into single beds. */
    struct hv_checkin_options single = { .has_kind = true, .kind = HV_BED_SINGLE_MEN };
    CHECK_EQ_INT(
        hv_stay_checkin(&fx.ctx, &a, HV_STR("F3"), HV_STR("LOC-SITE-B"), &single, NULL, &d),
        HV_ERR_INVALID);
    CHECK(strstr(d.msg, "family of 2 stays together") != NULL);
    /* No double booking: bed 1 of the family rooms at B is taken by F3, not by anyone else. */
    struct hv_checkin_options bed1 = { .bed_no = 1 };
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("F3"), HV_STR("LOC-SITE-B"), &bed1, &stay, &d));
    CHECK_OK(hv_stay_checkout(&fx.ctx, &a, HV_STR("F2"), 0, NULL, &d));
    CHECK_EQ_INT(hv_stay_checkin(&fx.ctx, &a, HV_STR("F2"), HV_STR("LOC-SITE-B"), &bed1, NULL, &d),
                 HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "bed 1 at LOC-SITE-B is already taken") != NULL);
    struct hv_checkin_options bed9 = { .bed_no = 9 };
    CHECK_EQ_INT(hv_stay_checkin(&fx.ctx, &a, HV_STR("F2"), HV_STR("LOC-SITE-B"), &bed9, NULL, &d),
                 HV_ERR_INVALID);
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("F2"), HV_STR("LOC-SITE-B"), NULL, &stay, &d));
    CHECK_EQ_INT(stay.bed_no, 2);
    /* Single beds by sex and age; Site B has no beds for women or minors. */
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("M1"), HV_STR("LOC-SITE-B"), NULL, &stay, &d));
    CHECK_EQ_INT(stay.kind, HV_BED_SINGLE_MEN);
    CHECK_EQ_INT(hv_stay_checkin(&fx.ctx, &a, HV_STR("W1"), HV_STR("LOC-SITE-B"), NULL, NULL, &d),
                 HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "no free single_women: 0 of 0") != NULL);
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("W1"), HV_STR("LOC-SITE-A"), NULL, &stay, &d));
    CHECK_EQ_INT(stay.kind, HV_BED_SINGLE_WOMEN);
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("K1"), HV_STR("LOC-SITE-A"), NULL, &stay, &d));
    CHECK_EQ_INT(stay.kind, HV_BED_MINORS);
    /* Unknown refs. */
    CHECK_EQ_INT(hv_stay_checkin(&fx.ctx, &a, HV_STR("NOPE"), HV_STR("LOC-SITE-A"), NULL, NULL, &d),
                 HV_ERR_NOTFOUND);
    CHECK_EQ_INT(hv_stay_checkin(&fx.ctx, &a, HV_STR("K3"), HV_STR("LOC-NOPE"), NULL, NULL, &d),
                 HV_ERR_NOTFOUND);
    /* Check-out: frees the bed; twice is "not found"; never before the check-in. */
    now_value = T("2021-08-28");
    CHECK_EQ_INT(hv_stay_checkout(&fx.ctx, &a, HV_STR("F1"), T("2021-08-01"), NULL, &d),
                 HV_ERR_INVALID);
    CHECK_OK(hv_stay_checkout(&fx.ctx, &a, HV_STR("F1"), 0, &stay, &d));
    CHECK_EQ_INT(stay.check_out, T("2021-08-28"));
    CHECK_EQ_INT(stay.check_in, T("2021-08-26"));
    CHECK_EQ_INT(hv_stay_checkout(&fx.ctx, &a, HV_STR("F1"), 0, NULL, &d), HV_ERR_NOTFOUND);
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("F1"), HV_STR("LOC-SITE-A"), NULL, &stay, &d));
    CHECK_EQ_INT(stay.bed_no, 1);
    struct hv_stay *open = NULL;
    size_t n_open = 0;
    CHECK_OK(hv_stay_list_open(&fx.ctx, &a, stay.site_id, 0, &open, &n_open));
    CHECK_EQ_INT(n_open, 3); /* F1, W1, K1 */
    CHECK_EQ_INT(audit_count(&fx, "stay.checkout"), 2);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

/* --- occupancy series ------------------------------------------------------------------ */

static void checkin_at(struct fixture *fx, const char *kase, const char *site, const char *at)
{
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_diag d;
    struct hv_checkin_options o = { .at = T(at) };
    CHECK_OK(hv_stay_checkin(&fx->ctx, &a, hv_str_c(kase), hv_str_c(site), &o, NULL, &d));
    hv_arena_finish(&a);
}

static void checkout_at(struct fixture *fx, const char *kase, const char *at)
{
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_diag d;
    CHECK_OK(hv_stay_checkout(&fx->ctx, &a, hv_str_c(kase), T(at), NULL, &d));
    hv_arena_finish(&a);
}

static void test_occupancy_series(void)
{
    struct fixture fx;
    fixture_open(&fx);
    now_value = T("2021-08-20");
    /* The history, site B (family rooms 2, single men 2) and C (family rooms 3, TJ):
     *   F1 (4 people) B room  08-01T10:00 .. 08-04T09:00
     *   F2 (2)        B room  08-02T23:00 .. still there
     *   M1 (1)        B men   08-03T00:00 .. 08-03T18:00  (same day: never at a census)
     *   M1 (1)        B men   08-05T12:00 .. 08-07T00:00  (leaves at midnight: counted 08-06)
     *   F3 (2)        C room  08-04T08:00 .. still there
     *   F1 (4)        C room  08-06T08:00 .. still there
     * and B's single_men capacity goes from 2 to 5 on 08-05T06:00. */
    checkin_at(&fx, "F1", "LOC-SITE-B", "2021-08-01T10:00");
    checkin_at(&fx, "F2", "LOC-SITE-B", "2021-08-02T23:00");
    checkin_at(&fx, "M1", "LOC-SITE-B", "2021-08-03T00:00");
    checkout_at(&fx, "M1", "2021-08-03T18:00");
    checkout_at(&fx, "F1", "2021-08-04T09:00");
    checkin_at(&fx, "F3", "LOC-SITE-C", "2021-08-04T08:00");
    struct hv_diag d;
    CHECK_OK(hv_site_set_capacity(&fx.ctx, HV_STR("LOC-SITE-B"), HV_BED_SINGLE_MEN, 5,
                                  T("2021-08-05T06:00"), &d));
    checkin_at(&fx, "M1", "LOC-SITE-B", "2021-08-05T12:00");
    checkout_at(&fx, "M1", "2021-08-07T00:00");
    checkin_at(&fx, "F1", "LOC-SITE-C", "2021-08-06T08:00");

    struct hv_arena a;
    hv_arena_init(&a, 4 << 20);
    struct hv_occupancy_series *s = NULL;
    size_t n = 0;
    CHECK_OK(hv_occupancy_series(&fx.ctx, &a, D("2021-07-31"), D("2021-08-07"), HV_OCC_BY_SITE,
                                 HV_STR(""), &s, &n, &d));
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_VIEW(s[1].key, "LOC-SITE-B");
    CHECK_EQ_INT(s[1].n_days, 8);
    /* Site B, day by day: family rooms used, men's beds used, people, men's capacity. */
    static const int64_t b_rooms[8] = { 0, 1, 2, 2, 1, 1, 1, 1 };
    static const int64_t b_men[8] = { 0, 0, 0, 0, 0, 1, 1, 0 };
    static const int64_t b_people[8] = { 0, 4, 6, 6, 2, 3, 3, 2 };
    static const int64_t b_mencap[8] = { 2, 2, 2, 2, 2, 5, 5, 5 };
    for (int i = 0; i < 8; i++) {
        CHECK_EQ_INT(s[1].days[i].used[HV_BED_FAMILY_ROOM], b_rooms[i]);
        CHECK_EQ_INT(s[1].days[i].used[HV_BED_SINGLE_MEN], b_men[i]);
        CHECK_EQ_INT(s[1].days[i].people, b_people[i]);
        CHECK_EQ_INT(s[1].days[i].cap[HV_BED_SINGLE_MEN], b_mencap[i]);
        CHECK_EQ_INT(s[1].days[i].cap[HV_BED_FAMILY_ROOM], 2);
        CHECK_EQ_INT(hv_occupancy_cap(&s[1].days[i]), 2 + b_mencap[i]);
    }
    static const int64_t c_rooms[8] = { 0, 0, 0, 0, 1, 1, 2, 2 };
    static const int64_t c_people[8] = { 0, 0, 0, 0, 2, 2, 6, 6 };
    for (int i = 0; i < 8; i++) {
        CHECK_EQ_INT(s[2].days[i].used[HV_BED_FAMILY_ROOM], c_rooms[i]);
        CHECK_EQ_INT(s[2].days[i].people, c_people[i]);
        CHECK_EQ_INT(hv_occupancy_used(&s[0].days[i]), 0);
    }
    /* By country: UZ = A + B, TJ = C. Countries sorted by code. */
    CHECK_OK(hv_occupancy_series(&fx.ctx, &a, D("2021-07-31"), D("2021-08-07"), HV_OCC_BY_COUNTRY,
                                 HV_STR(""), &s, &n, &d));
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_VIEW(s[0].key, "TJ");
    CHECK_EQ_VIEW(s[1].key, "UZ");
    for (int i = 0; i < 8; i++) {
        CHECK_EQ_INT(s[1].days[i].people, b_people[i]);
        CHECK_EQ_INT(hv_occupancy_cap(&s[1].days[i]), 5 + 2 + b_mencap[i]);
        CHECK_EQ_INT(s[0].days[i].people, c_people[i]);
        CHECK_EQ_INT(hv_occupancy_cap(&s[0].days[i]), 3);
    }
    /* Filter and a range inside the stays. */
    CHECK_OK(hv_occupancy_series(&fx.ctx, &a, D("2021-08-03"), D("2021-08-03"), HV_OCC_BY_SITE,
                                 HV_STR("LOC-SITE-B"), &s, &n, &d));
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(s[0].days[0].people, 6); /* F1 leaves on the 4th, M1 came and went */
    CHECK_EQ_INT(hv_occupancy_series(&fx.ctx, &a, D("2021-08-03"), D("2021-08-03"), HV_OCC_BY_SITE,
                                     HV_STR("LOC-NOPE"), &s, &n, &d),
                 HV_ERR_NOTFOUND);
    CHECK_EQ_INT(hv_occupancy_series(&fx.ctx, &a, D("2021-08-03"), D("2021-08-01"), HV_OCC_BY_SITE,
                                     HV_STR(""), &s, &n, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_INT(hv_occupancy_series(&fx.ctx, &a, D("2000-01-01"), D("2021-08-01"), HV_OCC_BY_SITE,
                                     HV_STR(""), &s, &n, &d),
                 HV_ERR_LIMIT);
    /* The instant view agrees with the census. */
    int64_t b_id = 0;
    CHECK_OK(hv_store_query_int(fx.st, "SELECT id FROM site WHERE ref = 'LOC-SITE-B'", false, 0, 0,
                                &b_id));
    struct hv_occupancy o;
    CHECK_OK(hv_site_occupancy_at(&fx.ctx, b_id, T("2021-08-02T23:59:59"), &o));
    CHECK_EQ_INT(o.people, 6);
    CHECK_OK(hv_site_occupancy_at(&fx.ctx, b_id, T("2021-08-03T12:00"), &o));
    CHECK_EQ_INT(o.people, 7);

    /* Charts: the SVG names the site and has one point per day; the sparkline one cell per
     * day. */
    CHECK_OK(hv_occupancy_series(&fx.ctx, &a, D("2021-07-31"), D("2021-08-07"), HV_OCC_BY_SITE,
                                 HV_STR("LOC-SITE-C"), &s, &n, &d));
    struct hv_buf b;
    hv_buf_init(&b, 0);
    CHECK_OK(hv_occupancy_svg(&b, &s[0]));
    CHECK(strstr(hv_buf_cstr(&b), "<svg") != NULL);
    CHECK(strstr(hv_buf_cstr(&b), "Site C (LOC-SITE-C)") != NULL);
    CHECK(strstr(hv_buf_cstr(&b), "2021-07-31 to 2021-08-07") != NULL);
    hv_buf_reset(&b);
    CHECK_OK(hv_occupancy_sparkline(&b, &s[0], 80));
    /* 0,0,0,0 of 3 -> lowest block; 1 of 3 -> level 2; 2 of 3 -> level 5. */
    CHECK_EQ_STR(hv_buf_cstr(&b), "▁▁▁▁▃▃▆▆");
    hv_buf_reset(&b);
    CHECK_OK(hv_occupancy_sparkline(&b, &s[0], 4)); /* two days a cell, the fuller shown */
    CHECK_EQ_STR(hv_buf_cstr(&b), "▁▁▃▆");
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/hv-sites-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_parse);
    RUN(test_load_and_capacity);
    RUN(test_kind_rule);
    RUN(test_checkin_rules);
    RUN(test_occupancy_series);
    rmdir(dir);
    return test_report();
}
