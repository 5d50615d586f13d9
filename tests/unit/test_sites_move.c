/* test_sites_move.c - crossings and movements: the demo's 2021 Termez status history at each
 * date, status changes (audited, within a day the most restrictive counts), and movement
 * planning refused over a closed or restricted crossing, flights between airports, and the
 * planned -> in_transit -> arrived / cancelled life cycle that checks the case in and out.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sites_fixture.h"

/* The shared fixture plus the demo's crossings and their 2021 history. */
static void fixture_open_with_crossings(struct fixture *fx)
{
    fixture_open(fx);
    const char *srcdir = getenv("HV_SOURCE_DIR");
    char demo[4096];
    snprintf(demo, sizeof(demo), "%s/data/demo", srcdir != NULL ? srcdir : "../..");
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_sites_demo_load(&fx->ctx, demo, &d);
    if (err != HV_OK) {
        char m[800];
        hv_diag_format(&d, m, sizeof(m));
        fprintf(stderr, "demo load: %s\n", m);
    }
    CHECK_OK(err);
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
    fixture_open_with_crossings(&fx);
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
    fixture_open_with_crossings(&fx);
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
