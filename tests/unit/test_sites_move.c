/* test_sites_move.c - crossings and movements: the demo's 2021 Termez status history at each
 * date, status changes (audited, within a day the most restrictive counts), and movement
 * planning refused over a closed or restricted crossing, flights between airports, and the
 * planned -> in_transit -> arrived / cancelled life cycle that checks the case in and out.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/clock.h"
#include "haven/registry.h"
#include "haven/sites.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "test.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fputs(text, f);
    fclose(f);
}

static int64_t now_value = 1629936000; /* 2021-08-26T00:00:00Z */

static int64_t fake_now(void *ud)
{
    (void)ud;
    return now_value;
}

static int64_t T(const char *z)
{
    int64_t t = 0;
    if (!hv_time_parse(z, &t))
        fprintf(stderr, "bad time %s\n", z);
    return t;
}

static int32_t D(const char *z)
{
    int32_t d = 0;
    if (!hv_day_parse(z, &d))
        fprintf(stderr, "bad day %s\n", z);
    return d;
}

struct fixture {
    struct hv_store *st;
    struct hv_vault *v;
    struct hv_ctx ctx;
    char db[128], key[128];
};

/* Registry content: a family of four (F1), a family of two (F2, F3), a lone man (M1), a lone
 * woman (W1), a lone boy born 2010 (K1), a lone youth born 2003 (K2: possibly 17 in 2021), an
 * unaccompanied minor with no birth date (K3) and a lone adult of unrecorded sex (U1). */
static const char cases_csv[] =
    "ref,programme,location_ref\n"
    "F1,SIV,LOC-AF-BALKH\nF2,SIV,LOC-AF-BALKH\nF3,SIV,LOC-AF-BALKH\nM1,SIV,LOC-AF-BALKH\n"
    "W1,SIV,LOC-AF-BALKH\nK1,SIV,LOC-AF-BALKH\nK2,SIV,LOC-AF-BALKH\nK3,SIV,LOC-AF-BALKH\n"
    "U1,SIV,LOC-AF-BALKH\n";
static const char people_csv[] = "ref,case_ref,relation,given_name,sex,birth_date,needs\n"
                                 "F1-1,F1,principal,Ahmad,M,1980,\nF1-2,F1,spouse,Mina,F,1985,\n"
                                 "F1-3,F1,child,Omid,M,2012,\nF1-4,F1,child,Sara,F,2015,\n"
                                 "F2-1,F2,principal,Karim,M,1975,\nF2-2,F2,spouse,Laila,F,1979,\n"
                                 "F3-1,F3,principal,Nabi,M,1970,\nF3-2,F3,spouse,Zarmina,F,1972,\n"
                                 "M1-1,M1,principal,Jawad,M,1990-05-01,\n"
                                 "W1-1,W1,principal,Hila,F,1992,\n"
                                 "K1-1,K1,principal,Samir,M,2010,unaccompanied_minor\n"
                                 "K2-1,K2,principal,Farid,M,2003,\n"
                                 "K3-1,K3,principal,Nasrin,F,,unaccompanied_minor\n"
                                 "U1-1,U1,principal,Wali,,1980,\n";
static const char locations_csv[] =
    "ref,kind,country,name,parent_ref,lat,lon\n"
    "LOC-AF,country,AF,Afghanistan,,,\n"
    "LOC-AF-BALKH,province,AF,Balkh,LOC-AF,36.7551,66.8975\n"
    "LOC-AIR-MZR,airport,AF,Mazar-i-Sharif International Airport,,36.7069,67.2097\n"
    "LOC-AIR-TMJ,airport,UZ,Termez Airport,,37.2867,67.3100\n"
    "LOC-SITE-A,site,UZ,Site A,,37.25,67.29\n";
static const char sites_csv[] =
    "ref,name,country,lat,lon,family_rooms,single_men,single_women,minors,services,languages,note\n"
    "LOC-SITE-A,Site A,UZ,37.25,67.29,1,2,1,1,medical;school,prs;uzb,\n"
    "LOC-SITE-B,Site B,UZ,37.22,67.27,2,2,0,0,Interpreter,prs,\"hotel, rooms\"\n"
    "LOC-SITE-C,Site C,TJ,38.55,68.78,3,0,0,0,,,\n";

static void fixture_open(struct fixture *fx)
{
    memset(fx, 0, sizeof(*fx));
    snprintf(fx->db, sizeof(fx->db), "%s/t.db", dir);
    snprintf(fx->key, sizeof(fx->key), "%s/t.key", dir);
    struct hv_diag d;
    struct hv_store_options opt = { .create = true };
    CHECK_OK(hv_vault_keyfile_create(fx->key, &d));
    CHECK_OK(hv_store_open(fx->db, &opt, &fx->st, &d));
    CHECK_OK(hv_store_migrate(fx->st, &d));
    struct hv_vault_key_source src = { .key_file = fx->key };
    CHECK_OK(hv_vault_setup(fx->st, &src, &d));
    CHECK_OK(hv_vault_open(fx->st, &src, &fx->v, &d));
    fx->ctx.store = fx->st;
    fx->ctx.vault = fx->v;
    fx->ctx.actor = "unit";
    fx->ctx.clock.now = fake_now;
    now_value = T("2021-08-26");

    char reg[96];
    snprintf(reg, sizeof(reg), "%s/reg", dir);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "mkdir -p %s", reg);
    CHECK_EQ_INT(system(cmd), 0);
    write_file("reg/cases.csv", cases_csv);
    write_file("reg/people.csv", people_csv);
    write_file("reg/locations.csv", locations_csv);
    const char *paths[] = { reg };
    struct hv_import_options iopt = { 0 };
    struct hv_import_counts counts;
    hv_diag_clear(&d);
    enum hv_err err = hv_registry_import(&fx->ctx, paths, 1, &iopt, &counts, &d);
    if (err != HV_OK) {
        char m[800];
        hv_diag_format(&d, m, sizeof(m));
        fprintf(stderr, "import: %s\n", m);
    }
    CHECK_OK(err);
    write_file("sites.csv", sites_csv);
    char p[128];
    snprintf(p, sizeof(p), "%s/sites.csv", dir);
    CHECK_OK(hv_sites_load_file(&fx->ctx, p, NULL, &d));
    /* The demo's crossings and their 2021 history, straight from data/demo. */
    const char *srcdir = getenv("HV_SOURCE_DIR");
    char demo[4096];
    snprintf(demo, sizeof(demo), "%s/data/demo", srcdir != NULL ? srcdir : "../..");
    hv_diag_clear(&d);
    err = hv_sites_demo_load(&fx->ctx, demo, &d);
    if (err != HV_OK) {
        char m[800];
        hv_diag_format(&d, m, sizeof(m));
        fprintf(stderr, "demo load: %s\n", m);
    }
    CHECK_OK(err);
}

static void fixture_close(struct fixture *fx)
{
    struct hv_audit_report rep;
    CHECK_OK(hv_audit_verify(&fx->ctx, &rep));
    CHECK(rep.ok);
    hv_vault_destroy(fx->v);
    hv_store_close(fx->st);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf %s/*", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup failed\n");
}

static int64_t audit_count(struct fixture *fx, const char *action)
{
    static const char sql[] = "SELECT count(*) FROM audit_log WHERE action = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    int64_t n = -1;
    if (hv_store_stmt(fx->st, sql, &s) == HV_OK &&
        hv_stmt_bind_text(s, 1, hv_str_c(action)) == HV_OK && hv_stmt_step(s, &row) == HV_OK && row)
        n = hv_stmt_col_int(s, 0);
    return n;
}

#define TERMEZ "LOC-X-TERMEZ-HAIRATAN"

static enum hv_crossing_status on_day(struct fixture *fx, const char *ref, const char *day,
                                      struct hv_crossing_event *e, struct hv_arena *a)
{
    CHECK_OK(hv_crossing_status_on_day(&fx->ctx, a, hv_str_c(ref), D(day), e));
    return e->status;
}

static void test_termez_history(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_crossing_event e;
    struct hv_crossing c;
    CHECK_OK(hv_crossing_get(&fx.ctx, &a, HV_STR(TERMEZ), &c));
    CHECK_EQ_VIEW(c.name, "Termez–Hairatan Friendship Bridge");
    CHECK_EQ_VIEW(c.countries, "UZ;AF");
    CHECK_EQ_INT(c.opened, 1982);
    struct hv_crossing *all = NULL;
    size_t n = 0;
    CHECK_OK(hv_crossing_list(&fx.ctx, &a, &all, &n));
    CHECK_EQ_INT(n, 8);
    struct hv_crossing_event *hist = NULL;
    CHECK_OK(hv_crossing_history(&fx.ctx, &a, HV_STR(TERMEZ), &hist, &n));
    CHECK_EQ_INT(n, 6);

    /* Before the first record nothing is known. */
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-06-30", &e, &a), HV_CROSSING_UNKNOWN);
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-07-01", &e, &a), HV_CROSSING_OPEN);
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-13", &e, &a), HV_CROSSING_OPEN);
    /* 14 August: crowds, restricted. */
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-14", &e, &a), HV_CROSSING_RESTRICTED);
    CHECK(strstr(e.note.ptr, "crowds") != NULL);
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-18", &e, &a), HV_CROSSING_RESTRICTED);
    CHECK(strstr(e.note.ptr, "crowds") != NULL);
    /* 19 August: trucks only. */
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-19", &e, &a), HV_CROSSING_RESTRICTED);
    CHECK(strstr(e.note.ptr, "trucks only") != NULL);
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-25", &e, &a), HV_CROSSING_RESTRICTED);
    /* 26-27 August: open. */
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-26", &e, &a), HV_CROSSING_OPEN);
    CHECK_EQ_INT(e.at, T("2021-08-26"));
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-27", &e, &a), HV_CROSSING_OPEN);
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-28", &e, &a), HV_CROSSING_RESTRICTED);
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-29", &e, &a), HV_CROSSING_RESTRICTED);
    /* 30 August: closed, and still closed after. */
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-30", &e, &a), HV_CROSSING_CLOSED);
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2021-08-31", &e, &a), HV_CROSSING_CLOSED);
    CHECK_EQ_INT(e.at, T("2021-08-30"));
    CHECK_EQ_VIEW(e.source, "Uzbek Foreign Ministry via TASS 2021-08-30");
    CHECK_EQ_INT(on_day(&fx, TERMEZ, "2022-01-01", &e, &a), HV_CROSSING_CLOSED);
    /* Instants. */
    CHECK_OK(hv_crossing_status_at(&fx.ctx, &a, HV_STR(TERMEZ), T("2021-08-27T23:59:59"), &e));
    CHECK_EQ_INT(e.status, HV_CROSSING_OPEN);
    CHECK_OK(hv_crossing_status_at(&fx.ctx, &a, HV_STR(TERMEZ), T("2021-08-28T00:00"), &e));
    CHECK_EQ_INT(e.status, HV_CROSSING_RESTRICTED);
    CHECK_EQ_INT(hv_crossing_status_at(&fx.ctx, &a, HV_STR("LOC-X-NOPE"), 0, &e), HV_ERR_NOTFOUND);
    /* Panji Poyon: closed 15 Aug, cargo again 10 Sep. */
    CHECK_EQ_INT(on_day(&fx, "LOC-X-PANJIPOYON-SHERKHAN", "2021-09-09", &e, &a),
                 HV_CROSSING_CLOSED);
    CHECK_EQ_INT(on_day(&fx, "LOC-X-PANJIPOYON-SHERKHAN", "2021-09-10", &e, &a),
                 HV_CROSSING_RESTRICTED);

    /* A change during a day: the whole day counts as the most restrictive status, the instant
     * query sees the change. */
    struct hv_diag d;
    CHECK_OK(hv_crossing_set_status(&fx.ctx, HV_STR("LOC-X-PANJIPOYON-SHERKHAN"), HV_CROSSING_OPEN,
                                    T("2021-09-20T12:00"), HV_STR("unit test"),
                                    HV_STR("reopened at noon"), &d));
    CHECK_EQ_INT(audit_count(&fx, "crossing.status"), 1);
    CHECK_EQ_INT(on_day(&fx, "LOC-X-PANJIPOYON-SHERKHAN", "2021-09-20", &e, &a),
                 HV_CROSSING_RESTRICTED);
    CHECK_EQ_INT(on_day(&fx, "LOC-X-PANJIPOYON-SHERKHAN", "2021-09-21", &e, &a), HV_CROSSING_OPEN);
    CHECK_OK(hv_crossing_status_at(&fx.ctx, &a, HV_STR("LOC-X-PANJIPOYON-SHERKHAN"),
                                   T("2021-09-20T13:00"), &e));
    CHECK_EQ_INT(e.status, HV_CROSSING_OPEN);
    CHECK_EQ_VIEW(e.note, "reopened at noon");
    /* The same record twice, a missing source, an unknown crossing. */
    CHECK_EQ_INT(hv_crossing_set_status(&fx.ctx, HV_STR("LOC-X-PANJIPOYON-SHERKHAN"),
                                        HV_CROSSING_OPEN, T("2021-09-20T12:00"),
                                        HV_STR("unit test"), HV_STR(""), &d),
                 HV_ERR_CONFLICT);
    CHECK_EQ_INT(hv_crossing_set_status(&fx.ctx, HV_STR(TERMEZ), HV_CROSSING_OPEN, T("2021-09-20"),
                                        HV_STR(""), HV_STR(""), &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "source");
    CHECK_EQ_INT(hv_crossing_set_status(&fx.ctx, HV_STR("LOC-X-NOPE"), HV_CROSSING_OPEN,
                                        T("2021-09-20"), HV_STR("x"), HV_STR(""), &d),
                 HV_ERR_NOTFOUND);
    /* Reloading the demo files changes nothing. */
    const char *srcdir = getenv("HV_SOURCE_DIR");
    char p[4096];
    snprintf(p, sizeof(p), "%s/data/demo/crossing_status.csv", srcdir != NULL ? srcdir : "../..");
    struct hv_load_counts lc;
    CHECK_OK(hv_crossing_status_load_file(&fx.ctx, p, &lc, &d));
    CHECK_EQ_INT(lc.created, 0);
    CHECK_EQ_INT(lc.unchanged, 21);
    /* A status row for an unknown crossing names its line. */
    write_file("st.csv", "crossing_ref,at,status,source\n" TERMEZ ",2021-09-01,closed,x\n"
                         "LOC-X-NOPE,2021-09-01,closed,x\n");
    snprintf(p, sizeof(p), "%s/st.csv", dir);
    CHECK_EQ_INT(hv_crossing_status_load_file(&fx.ctx, p, &lc, &d), HV_ERR_INVALID);
    CHECK_EQ_INT(d.line, 3);
    CHECK_EQ_STR(d.field, "crossing_ref");
    hv_arena_finish(&a);
    fixture_close(&fx);
}

static enum hv_err plan(struct fixture *fx, const char *kase, const char *site, const char *via,
                        const char *day, const char *reason, int64_t *id, struct hv_diag *d)
{
    struct hv_route_step step = { .crossing_ref = hv_str_c(via) };
    struct hv_move_request req = { .case_ref = hv_str_c(kase),
                                   .site_ref = hv_str_c(site),
                                   .steps = &step,
                                   .n_steps = 1,
                                   .day = D(day),
                                   .override = reason != NULL,
                                   .reason = reason };
    hv_diag_clear(d);
    return hv_move_plan(&fx->ctx, &req, id, d);
}

static void test_movements(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_diag d;
    int64_t id = 0;
    /* Over the Friendship Bridge on 31 August 2021: closed, refused with the reason. */
    CHECK_EQ_INT(plan(&fx, "F1", "LOC-SITE-UZ-AIRITOM", TERMEZ, "2021-08-31", NULL, &id, &d),
                 HV_ERR_CONFLICT);
    CHECK_EQ_STR(d.msg, "Termez–Hairatan Friendship Bridge was closed on 2021-08-31 (since "
                        "2021-08-30, source Uzbek Foreign Ministry via TASS 2021-08-30)");
    /* Closed cannot be overridden. */
    CHECK_EQ_INT(plan(&fx, "F1", "LOC-SITE-UZ-AIRITOM", TERMEZ, "2021-08-31", "urgent", &id, &d),
                 HV_ERR_CONFLICT);
    /* Restricted on 20 August: refused, unless overridden with a reason (audited). */
    CHECK_EQ_INT(plan(&fx, "F1", "LOC-SITE-UZ-AIRITOM", TERMEZ, "2021-08-20", NULL, &id, &d),
                 HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "was restricted on 2021-08-20 (since 2021-08-19") != NULL);
    CHECK_EQ_INT(plan(&fx, "F1", "LOC-SITE-UZ-AIRITOM", TERMEZ, "2021-08-20", "", &id, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "reason");
    CHECK_EQ_INT(audit_count(&fx, "move.plan"), 0);
    CHECK_OK(
        plan(&fx, "F2", "LOC-SITE-UZ-AIRITOM", TERMEZ, "2021-08-20", "escorted convoy", &id, &d));
    CHECK_EQ_INT(audit_count(&fx, "move.override"), 1);
    CHECK_OK(hv_move_cancel(&fx.ctx, id, 0, &d));
    /* On 26 August it was open: accepted, one crossing leg from Balkh to the site. */
    CHECK_OK(plan(&fx, "F1", "LOC-SITE-UZ-AIRITOM", TERMEZ, "2021-08-26", NULL, &id, &d));
    struct hv_movement m;
    CHECK_OK(hv_move_get(&fx.ctx, &a, id, &m));
    CHECK_EQ_INT(m.status, HV_MOVE_PLANNED);
    CHECK_EQ_INT(m.n_legs, 1);
    CHECK_EQ_INT(m.legs[0].mode, HV_LEG_CROSSING);
    CHECK_EQ_VIEW(m.legs[0].from_ref, "LOC-AF-BALKH");
    CHECK_EQ_VIEW(m.legs[0].to_ref, "LOC-SITE-UZ-AIRITOM");
    CHECK_EQ_VIEW(m.legs[0].crossing_ref, TERMEZ);
    CHECK_EQ_INT(m.day, D("2021-08-26"));
    /* One movement under way per case. */
    CHECK_EQ_INT(plan(&fx, "F1", "LOC-SITE-A", TERMEZ, "2021-08-27", NULL, &id, &d),
                 HV_ERR_CONFLICT);
    /* Life cycle: arrive before start is refused; start; arrive checks the family in. */
    CHECK_EQ_INT(hv_move_arrive(&fx.ctx, m.id, 0, NULL, &d), HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "is planned; it cannot become arrived") != NULL);
    now_value = T("2021-08-26T08:00");
    CHECK_OK(hv_move_start(&fx.ctx, m.id, 0, &d));
    now_value = T("2021-08-26T15:00");
    CHECK_OK(hv_move_arrive(&fx.ctx, m.id, 0, NULL, &d));
    CHECK_OK(hv_move_get(&fx.ctx, &a, m.id, &m));
    CHECK_EQ_INT(m.status, HV_MOVE_ARRIVED);
    CHECK_EQ_INT(m.started_at, T("2021-08-26T08:00"));
    CHECK_EQ_INT(m.arrived_at, T("2021-08-26T15:00"));
    CHECK(m.stay_id != 0);
    struct hv_stay *open = NULL;
    size_t n_open = 0;
    CHECK_OK(hv_stay_list_open(&fx.ctx, &a, 0, 0, &open, &n_open));
    CHECK_EQ_INT(n_open, 1);
    CHECK_EQ_VIEW(open[0].case_ref, "F1");
    CHECK_EQ_VIEW(open[0].site_ref, "LOC-SITE-UZ-AIRITOM");
    CHECK_EQ_INT(open[0].n_people, 4);
    CHECK_EQ_INT(open[0].check_in, T("2021-08-26T15:00"));
    CHECK_EQ_INT(hv_move_cancel(&fx.ctx, m.id, 0, &d), HV_ERR_CONFLICT);
    CHECK_EQ_INT(audit_count(&fx, "move.arrive"), 1);
    CHECK_EQ_INT(audit_count(&fx, "stay.checkin"), 1);

    /* Flights: from the site by road to Termez airport, fly to Mazar... and a non-airport. */
    struct hv_route_step fl = { .flight = true,
                                .from_ref = HV_STR("LOC-AIR-TMJ"),
                                .to_ref = HV_STR("LOC-AIR-MZR") };
    struct hv_move_request req = { .case_ref = HV_STR("F1"),
                                   .site_ref = HV_STR("LOC-SITE-A"),
                                   .steps = &fl,
                                   .n_steps = 1,
                                   .day = D("2021-09-01") };
    CHECK_OK(hv_move_plan(&fx.ctx, &req, &id, &d));
    CHECK_OK(hv_move_get(&fx.ctx, &a, id, &m));
    CHECK_EQ_INT(m.n_legs, 3);
    CHECK_EQ_INT(m.legs[0].mode, HV_LEG_ROAD);
    CHECK_EQ_VIEW(m.legs[0].from_ref, "LOC-SITE-UZ-AIRITOM");
    CHECK_EQ_VIEW(m.legs[0].to_ref, "LOC-AIR-TMJ");
    CHECK_EQ_INT(m.legs[1].mode, HV_LEG_FLIGHT);
    CHECK_EQ_VIEW(m.legs[1].to_ref, "LOC-AIR-MZR");
    CHECK_EQ_INT(m.legs[2].mode, HV_LEG_ROAD);
    CHECK_EQ_VIEW(m.legs[2].to_ref, "LOC-SITE-A");
    /* Starting checks the case out of its stay. */
    now_value = T("2021-09-01T06:00");
    CHECK_OK(hv_move_start(&fx.ctx, id, 0, &d));
    CHECK_OK(hv_stay_list_open(&fx.ctx, &a, 0, 0, &open, &n_open));
    CHECK_EQ_INT(n_open, 0);
    /* Site A has one family room: fill it, then the arrival is refused unless overridden. */
    CHECK_OK(hv_stay_checkin(&fx.ctx, &a, HV_STR("F3"), HV_STR("LOC-SITE-A"), NULL, NULL, &d));
    now_value = T("2021-09-01T12:00");
    CHECK_EQ_INT(hv_move_arrive(&fx.ctx, id, 0, NULL, &d), HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "no free family_rooms") != NULL);
    struct hv_checkin_options ov = { .override = true, .reason = "overflow room" };
    CHECK_OK(hv_move_arrive(&fx.ctx, id, 0, &ov, &d));
    CHECK_EQ_INT(audit_count(&fx, "stay.override"), 1);

    fl.from_ref = HV_STR("LOC-AF-BALKH");
    req.case_ref = HV_STR("M1");
    CHECK_EQ_INT(hv_move_plan(&fx.ctx, &req, &id, &d), HV_ERR_INVALID);
    CHECK(strstr(d.msg, "LOC-AF-BALKH is a province, not an airport") != NULL);
    fl.from_ref = HV_STR("LOC-AIR-XXX");
    CHECK_EQ_INT(hv_move_plan(&fx.ctx, &req, &id, &d), HV_ERR_NOTFOUND);
    /* Unknown crossing, case, site; no route at all. */
    CHECK_EQ_INT(plan(&fx, "M1", "LOC-SITE-A", "LOC-X-NOPE", "2021-08-26", NULL, &id, &d),
                 HV_ERR_NOTFOUND);
    CHECK_EQ_INT(plan(&fx, "NOPE", "LOC-SITE-A", TERMEZ, "2021-08-26", NULL, &id, &d),
                 HV_ERR_NOTFOUND);
    CHECK_EQ_INT(plan(&fx, "M1", "LOC-NOPE", TERMEZ, "2021-08-26", NULL, &id, &d), HV_ERR_NOTFOUND);
    req.n_steps = 0;
    CHECK_EQ_INT(hv_move_plan(&fx.ctx, &req, &id, &d), HV_ERR_INVALID);
    /* Before any recorded status: refused without an override. */
    CHECK_EQ_INT(plan(&fx, "M1", "LOC-SITE-A", TERMEZ, "2021-06-01", NULL, &id, &d),
                 HV_ERR_CONFLICT);
    CHECK(strstr(d.msg, "has no recorded status on 2021-06-01") != NULL);
    CHECK_EQ_INT(hv_move_start(&fx.ctx, 999, 0, &d), HV_ERR_NOTFOUND);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/hv-sites-move-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_termez_history);
    RUN(test_movements);
    rmdir(dir);
    return test_report();
}
