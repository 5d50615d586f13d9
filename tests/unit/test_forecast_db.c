/* test_forecast_db.c - the forecast model built from a database: empirical durations per step
 * of the workflow from completed visits before the start, the scenario's fallback for a step
 * with too little history (and the error when there is none), each case's step and days in it at
 * the start, later starts, cases left out, people per case, open stays and planned movements.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forecast/forecast_int.h"
#include "haven/arena.h"
#include "haven/forecast.h"
#include "haven/sites.h"
#include "haven/store.h"
#include "test.h"

#define DAY 86400LL

static struct hv_store *st;
static struct hv_ctx ctx;
static int64_t t0; /* 2021-07-15 00:00 UTC */

static void add_case(long long id, const char *workflow)
{
    char q[300];
    snprintf(q, sizeof(q),
             "INSERT INTO hv_case (id, ref, programme, status, risk_level, workflow, created_at, "
             "updated_at, row_mac, audit_seq) VALUES (%lld, 'C-%lld', 'SIV', 'open', 2, '%s', 0, "
             "0, x'00', 0)",
             id, id, workflow);
    CHECK_OK(hv_store_exec(st, q));
}

static void add_event(long long case_id, const char *workflow, const char *to, long long at)
{
    char q[300];
    snprintf(q, sizeof(q),
             "INSERT INTO step_event (case_id, workflow, to_step, actor, at, audit_seq) "
             "VALUES (%lld, '%s', '%s', 'unit', %lld, 0)",
             case_id, workflow, to, at);
    CHECK_OK(hv_store_exec(st, q));
}

static void setup(const char *path)
{
    struct hv_diag d;
    struct hv_store_options opt = { .create = true };
    CHECK_OK(hv_store_open(path, &opt, &st, &d));
    CHECK_OK(hv_store_migrate(st, &d));
    ctx.store = st;
    ctx.actor = "unit";
    int32_t day;
    CHECK(hv_day_parse("2021-07-15", &day));
    t0 = (int64_t)day * DAY;
    CHECK_OK(hv_store_exec(st, "INSERT INTO site (id, ref, name, country, lat, lon, family_rooms, "
                               "single_men, single_women, minors, created_at, updated_at) VALUES "
                               "(1, 'S-A', 'Site A', 'UZ', 37, 67, 10, 0, 0, 0, 0, 0), "
                               "(2, 'S-B', 'Site B', 'TJ', 37, 68, 0, 5, 0, 0, 0, 0)"));
    /* 40 cases, each with one completed 10-day visit of com_application, now 20 days into
     * com_completeness */
    for (long long id = 1; id <= 40; id++) {
        add_case(id, "siv-2021");
        add_event(id, "siv-2021", "com_application", t0 - 30 * DAY);
        add_event(id, "siv-2021", "com_completeness", t0 - 20 * DAY);
    }
    add_case(41, "siv-2021"); /* 5 days into com_application */
    add_event(41, "siv-2021", "com_application", t0 - 5 * DAY);
    add_case(42, "siv-2021"); /* travelled before the start: left out */
    add_event(42, "siv-2021", "visa_issuance", t0 - 9 * DAY);
    add_event(42, "siv-2021", "travel", t0 - 2 * DAY);
    add_case(43, "siv-2022"); /* another workflow: left out */
    add_event(43, "siv-2022", "com_application", t0 - 9 * DAY);
    add_case(44, "siv-2021"); /* starts three days after the start */
    add_event(44, "siv-2021", "com_application", t0 + 3 * DAY);
    CHECK_OK(hv_store_exec(st, "INSERT INTO person (ref, case_id, relation, sex, created_at, "
                               "updated_at, row_mac, audit_seq) VALUES "
                               "('P-1', 1, 'principal', 'M', 0, 0, x'00', 0), "
                               "('P-2', 1, 'spouse', 'F', 0, 0, x'00', 0), "
                               "('P-3', 1, 'child', 'M', 0, 0, x'00', 0)"));
    char q[300];
    snprintf(q, sizeof(q),
             "INSERT INTO stay (case_id, site_id, kind, bed_no, n_people, check_in, audit_seq) "
             "VALUES (2, 1, 'family_rooms', 1, 1, %lld, 0)",
             (long long)(t0 - 2 * DAY));
    CHECK_OK(hv_store_exec(st, q));
    snprintf(q, sizeof(q),
             "INSERT INTO movement (case_id, site_id, status, day, created_at, audit_seq) "
             "VALUES (3, 2, 'planned', '2021-07-20', %lld, 0)",
             (long long)t0);
    CHECK_OK(hv_store_exec(st, q));
}

static const char steps_txt[] = "step com_application dist=fixed mean=99\n"
                                "step com_completeness dist=fixed mean=50\n"
                                "step employment_verification dist=fixed mean=50\n"
                                "step com_decision dist=fixed mean=50\n"
                                "step com_appeal dist=fixed mean=50\n"
                                "step i360_petition dist=fixed mean=50\n"
                                "step i360_adjudication dist=fixed mean=50\n"
                                "step nvc_documents dist=fixed mean=50\n"
                                "step interview_scheduling dist=fixed mean=50\n"
                                "step interview dist=fixed mean=50\n"
                                "step administrative_processing dist=fixed mean=50\n"
                                "step medical_exam dist=fixed mean=50\n"
                                "step visa_issuance dist=fixed mean=50\n";

static const struct hv_forecast_model *build(struct hv_arena *a, const char *text, enum hv_err want,
                                             struct hv_diag *d)
{
    const struct hv_forecast_scenario *sc = NULL;
    const struct hv_forecast_model *m = NULL;
    CHECK_OK(hv_forecast_scenario_parse(a, "db.scn", text, strlen(text), &sc, d));
    if (sc == NULL)
        return NULL;
    CHECK_EQ_INT(hv_forecast_model_build(&ctx, a, sc, 0, &m, d), want);
    return m;
}

static void test_history(void)
{
    struct hv_arena a;
    hv_arena_init(&a, 64u << 20);
    char text[2048];
    snprintf(text, sizeof(text), "workflow siv-2021\nstart 2021-07-15\nweeks 4\nmin_samples %d\n%s",
             30, steps_txt);
    struct hv_diag d;
    const struct hv_forecast_model *m = build(&a, text, HV_OK, &d);
    if (m == NULL) {
        hv_arena_finish(&a);
        return;
    }
    struct hv_forecast_model_info mi;
    hv_forecast_model_info(m, &mi);
    CHECK_EQ_INT(mi.n_cases, 42); /* 1..41 and 44 */
    CHECK_EQ_INT(mi.n_skipped, 2);
    CHECK_EQ_INT(mi.n_steps, 14);
    CHECK_EQ_INT(mi.n_steps_empirical, 1);
    CHECK_EQ_INT(mi.n_history_visits, 40 + 1); /* case 42's visa visit counts too */
    CHECK_EQ_INT(mi.n_sites, 2);
    int app = hv__forecast_find_step(m, "com_application");
    int compl = hv__forecast_find_step(m, "com_completeness");
    CHECK(app >= 0 && compl >= 0);
    if (app < 0 || compl < 0) {
        hv_arena_finish(&a);
        return;
    }
    const struct fc_step *sa = &m->steps[app], *sb = &m->steps[compl ];
    CHECK(sa->empirical);
    CHECK_EQ_INT(sa->dur.kind, FC_DIST_EMPIRICAL);
    CHECK_EQ_INT(sa->dur.n, 40);
    CHECK(sa->dur.samples[0] == 10.0f && sa->dur.samples[39] == 10.0f);
    CHECK_EQ_INT(sa->n_next, 1);
    CHECK_EQ_INT(sa->next[0], compl ); /* the branch frequencies of the history */
    CHECK(!sb->empirical);
    CHECK_EQ_INT(sb->dur.kind, FC_DIST_FIXED); /* the scenario's fallback */
    CHECK(sb->dur.a == 50);
    /* the cases at the start */
    CHECK_EQ_INT(m->cases[0].step, compl );
    CHECK(m->cases[0].elapsed == 20.0f);
    CHECK_EQ_INT(m->cases[0].people, 3);
    CHECK_EQ_INT(m->cases[4].people, 1);
    CHECK_EQ_INT(m->cases[1].site, 0); /* case 2 at S-A since two days before */
    CHECK(m->cases[1].stay_start == -2.0f);
    CHECK_EQ_INT(m->cases[2].arrive_site, 1); /* case 3 planned to S-B on 2021-07-20 */
    CHECK(m->cases[2].arrive == 5.0f);
    CHECK_EQ_INT(m->cases[40].step, app);
    CHECK(m->cases[40].elapsed == 5.0f);
    CHECK(m->cases[41].arrive == 3.0f && m->cases[41].arrive_site == -1);
    CHECK_EQ_INT(m->countries[m->sites[0].country].capacity, 10);

    /* a run: case 2 occupies S-A from the start, case 3 reaches S-B on day 5 */
    struct hv_forecast_options o = { .reps = 4, .seed = 5, .threads = 2 };
    struct hv_forecast_result *r = NULL;
    CHECK_OK(hv_forecast_run(m, &o, &r, &d));
    if (r != NULL) {
        int64_t q[3];
        hv_forecast_beds(r, 0, 0, q); /* all sites, week 1 */
        CHECK_EQ_INT(q[1], 2);
        hv_forecast_moved(r, q);
        CHECK_EQ_INT(q[1], 1);
        hv_forecast_result_destroy(r);
    }
    hv_arena_finish(&a);

    /* more history needed: the fallback is used for every step */
    hv_arena_init(&a, 64u << 20);
    snprintf(text, sizeof(text), "workflow siv-2021\nstart 2021-07-15\nweeks 4\nmin_samples %d\n%s",
             41, steps_txt);
    m = build(&a, text, HV_OK, &d);
    if (m != NULL) {
        hv_forecast_model_info(m, &mi);
        CHECK_EQ_INT(mi.n_steps_empirical, 0);
        CHECK(m->steps[app].dur.kind == FC_DIST_FIXED && m->steps[app].dur.a == 99);
    }
    hv_arena_finish(&a);

    /* a thin step without a fallback is refused, naming the step */
    hv_arena_init(&a, 64u << 20);
    snprintf(text, sizeof(text), "workflow siv-2021\nstart 2021-07-15\n");
    build(&a, text, HV_ERR_INVALID, &d);
    CHECK(strstr(d.msg, "step com_completeness has 0 completed visits") != NULL);
    CHECK_EQ_STR(d.file, "db.scn");
    hv_arena_finish(&a);
}

int main(void)
{
    char path[] = "/tmp/test_forecast_db_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    unlink(path);
    setup(path);
    RUN(test_history);
    hv_store_close(st);
    unlink(path);
    char wal[64];
    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", path);
    unlink(wal);
    return test_report();
}
