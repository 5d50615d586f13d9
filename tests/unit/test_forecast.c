/* test_forecast.c - the forecast engine against theory and by hand: an M/M/c queue reproduces
 * the Erlang-C mean wait and Little's law within 2%; a deterministic scenario reproduces a
 * hand-computed occupancy series exactly; results do not depend on the thread count; malformed
 * scenarios are refused with file, line, field and reason; the reports and charts are written.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/forecast.h"
#include "haven/sites.h"
#include "test.h"

static struct hv_forecast_result *run_text(const char *text, uint32_t reps, uint32_t threads,
                                           uint64_t seed)
{
    struct hv_arena a;
    hv_arena_init(&a, 256u << 20);
    const struct hv_forecast_scenario *sc = NULL;
    const struct hv_forecast_model *m = NULL;
    struct hv_forecast_result *r = NULL;
    struct hv_diag d;
    enum hv_err err = hv_forecast_scenario_parse(&a, "t.scn", text, strlen(text), &sc, &d);
    if (err == HV_OK)
        err = hv_forecast_model_build(NULL, &a, sc, 0, &m, &d);
    if (err == HV_OK) {
        struct hv_forecast_options o = { .reps = reps, .seed = seed, .threads = threads };
        err = hv_forecast_run(m, &o, &r, &d);
    }
    if (err != HV_OK) {
        char msg[800];
        hv_diag_format(&d, msg, sizeof(msg));
        fprintf(stderr, "run_text: %s: %s\n", hv_err_str(err), msg);
    }
    CHECK_OK(err);
    hv_arena_finish(&a);
    return r;
}

/* --- M/M/c against Erlang C and Little's law ------------------------------------------------ */

/* Erlang C: the probability that an arrival waits, for c servers and offered load a = lambda/mu. */
static double erlang_c(int c, double a)
{
    double term = 1, sum = 1; /* a^k/k! for k = 0 */
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double top = term * a / c / (1 - a / c);
    return top / (sum + top);
}

static const char mmc[] = "name \"M/M/3, rho 2/3\"\n"
                          "start 2021-01-04\n"
                          "weeks 520\n"
                          "warmup 70\n"
                          "# lambda = 20 a day, mu = 10 a day per server, c = 3\n"
                          "registration per_week=140 from=2021-01-04 people=1\n"
                          "step serve dist=exp mean=0.1 servers=3\n"
                          "step gone terminal=yes\n";

static void test_mmc(void)
{
    struct hv_forecast_result *r = run_text(mmc, 24, 2, 20210830);
    if (r == NULL)
        return;
    struct hv_forecast_step_stats st;
    hv_forecast_step_stats(r, 0, &st);
    double lambda = 20, mu = 10;
    int c = 3;
    double wq_theory = erlang_c(c, lambda / mu) / (c * mu - lambda);
    double wq = st.wait_sum / (double)st.started;
    double w = st.sojourn_sum / (double)st.done;
    double lam_hat = (double)st.entered / st.window;
    double l = st.area / st.window;
    printf("M/M/3: customers %llu, Wq %.5f (Erlang C %.5f, %+.2f%%), L %.4f vs lambda*W %.4f "
           "(%+.2f%%), lambda %.3f\n",
           (unsigned long long)st.entered, wq, wq_theory, 100 * (wq / wq_theory - 1), l,
           lam_hat * w, 100 * (l / (lam_hat * w) - 1), lam_hat);
    CHECK(st.entered > 1000000);
    CHECK(fabs(wq / wq_theory - 1) < 0.02);
    CHECK(fabs(l / (lam_hat * w) - 1) < 0.02);
    CHECK(fabs(l / (lambda * (wq_theory + 1 / mu)) - 1) < 0.02); /* and L against theory */
    hv_forecast_result_destroy(r);
}

/* --- a deterministic scenario, by hand -------------------------------------------------------- */

/* Worked out in docs/internals/FORECAST.md ("The hand-computed scenario"). */
static const char det[] = "name deterministic\n"
                          "start 2021-07-05\n"
                          "weeks 6\n"
                          "statutory_days 12\n"
                          "step wait dist=fixed mean=10 gov=yes next=visa\n"
                          "step visa dist=fixed mean=5 gov=yes\n"
                          "step travel terminal=yes\n"
                          "evacuate min_step=wait\n"
                          "country UZ max_stay=11.5\n"
                          "site A country=UZ beds=3 name=\"Site A\"\n"
                          "site B country=UZ beds=2\n"
                          "crossing X country=UZ\n"
                          "status X open 2021-07-05\n"
                          "status X closed 2021-07-09\n"
                          "flow via=X from=2021-07-05 per_week=7\n"
                          "cohort n=2 step=visa site=A elapsed=1\n"
                          "cohort n=6 step=wait\n"
                          "arrive n=1 site=B date=2021-07-08 step=wait\n";

static void check_series(const struct hv_forecast_result *r, size_t i, const int64_t *want, int n)
{
    for (int32_t w = 0; w < n; w++) {
        int64_t q[3];
        hv_forecast_beds(r, i, w, q);
        CHECK_EQ_INT(q[0], want[w]);
        CHECK_EQ_INT(q[1], want[w]);
        CHECK_EQ_INT(q[2], want[w]);
    }
}

static void test_deterministic(void)
{
    struct hv_forecast_result *r = run_text(det, 3, 2, 7);
    if (r == NULL)
        return;
    /* series: ALL, UZ, A, B */
    CHECK_EQ_INT(hv_forecast_n_series(r), 4);
    struct hv_forecast_series_info si;
    hv_forecast_series(r, 2, &si);
    CHECK_EQ_STR(si.key, "A");
    CHECK_EQ_STR(si.name, "Site A");
    CHECK_EQ_INT(si.capacity, 3);
    static const int64_t all[6] = { 7, 5, 2, 0, 0, 0 };
    static const int64_t a[6] = { 4, 2, 1, 0, 0, 0 };
    static const int64_t b[6] = { 3, 3, 1, 0, 0, 0 };
    check_series(r, 0, all, 6);
    check_series(r, 1, all, 6);
    check_series(r, 2, a, 6);
    check_series(r, 3, b, 6);
    int64_t q[3];
    hv_forecast_weeks_over(r, 1, q);
    CHECK_EQ_INT(q[1], 1);
    hv_forecast_weeks_over(r, 2, q);
    CHECK_EQ_INT(q[1], 1);
    hv_forecast_weeks_over(r, 3, q);
    CHECK_EQ_INT(q[1], 2);
    int32_t c[3];
    double share;
    hv_forecast_clearance(r, 0, c, &share);
    char day[16];
    hv_day_format(c[1], day);
    CHECK_EQ_STR(day, "2021-07-19");
    CHECK(share == 1.0);
    static const int64_t over[6] = { 0, 7, 0, 0, 0, 0 };
    for (int32_t w = 0; w < 6; w++) {
        hv_forecast_over_clock(r, w, q);
        CHECK_EQ_INT(q[1], over[w]);
    }
    hv_forecast_travelled(r, q);
    CHECK_EQ_INT(q[1], 9);

    /* reports */
    struct hv_buf b2;
    hv_buf_init(&b2, 0);
    CHECK_OK(hv_forecast_write_csv(r, &b2));
    CHECK(strstr(hv_buf_cstr(&b2), "series,name,week,week_start,capacity,p10,p50,p90\n") != NULL);
    CHECK(strstr(hv_buf_cstr(&b2), "A,\"Site A\",1,2021-07-05,3,4,4,4\n") != NULL);
    hv_buf_reset(&b2);
    CHECK_OK(hv_forecast_write_table(r, 1, &b2));
    CHECK(strstr(hv_buf_cstr(&b2), "2021-07-19") != NULL);
    CHECK(strstr(hv_buf_cstr(&b2), "7 [7-7] !") != NULL);
    hv_buf_reset(&b2);
    CHECK_OK(hv_forecast_write_json(r, &b2));
    CHECK(strstr(hv_buf_cstr(&b2), "\"clearance\":{\"p10\":\"2021-07-19\"") != NULL);
    hv_buf_reset(&b2);
    CHECK_OK(hv_forecast_svg_fan(r, 1, "Beds in <UZ> & co", &b2));
    const char *svg = hv_buf_cstr(&b2);
    CHECK(strncmp(svg, "<?xml", 5) == 0);
    CHECK(strstr(svg, "Beds in &lt;UZ&gt; &amp; co") != NULL);
    CHECK(strstr(svg, "capacity 5") != NULL);
    CHECK(strstr(svg, "2021-07-12") != NULL); /* a dated week tick */
    CHECK(strstr(svg, "</svg>\n") != NULL);
    hv_buf_reset(&b2);
    CHECK_OK(hv_forecast_svg_clearance(r, "Clearance", &b2));
    CHECK(strstr(hv_buf_cstr(&b2), "statutory clock") != NULL);
    hv_buf_reset(&b2);
    CHECK_OK(hv_forecast_write_compare(r, "a", r, "b", false, &b2));
    CHECK(strstr(hv_buf_cstr(&b2), "UZ") != NULL);
    hv_buf_finish(&b2);
    hv_forecast_result_destroy(r);
}

/* --- reproducibility ----------------------------------------------------------------------- */

static const char stoch[] = "start 2021-07-05\n"
                            "weeks 30\n"
                            "step apply dist=lognormal mean=20 cv=0.8 gov=yes "
                            "next=visa:0.7,apply:0.3\n"
                            "step visa dist=exp mean=15 gov=yes servers=4\n"
                            "step travel terminal=yes\n"
                            "evacuate min_step=apply\n"
                            "country UZ quota=300 max_stay=60\n"
                            "country TJ\n"
                            "site A country=UZ beds=40\n"
                            "site B country=TJ beds=30\n"
                            "crossing X country=UZ\n"
                            "status X open 2021-07-01\n"
                            "status X closed 2021-08-30\n"
                            "flow via=X from=2021-07-05 per_week=20 restricted=yes\n"
                            "flow country=TJ from=2021-07-20 to=2021-10-01 per_week=10\n"
                            "suspend visa from=2021-08-01 to=2021-09-01\n"
                            "surge visa from=2021-09-01 factor=3\n"
                            "registration per_week=15 from=2021-07-05 to=2021-12-01 people=4.4\n"
                            "cohort n=200 step=apply elapsed=3 people=5\n";

static void test_threads(void)
{
    struct hv_forecast_result *r1 = run_text(stoch, 40, 1, 99);
    struct hv_forecast_result *r3 = run_text(stoch, 40, 3, 99);
    struct hv_forecast_result *rs = run_text(stoch, 40, 3, 100);
    if (r1 == NULL || r3 == NULL || rs == NULL)
        return;
    bool same = true, differs = false;
    for (size_t i = 0; i < hv_forecast_n_series(r1); i++) {
        for (int32_t w = 0; w < 30; w++) {
            int64_t a[3], b[3], c[3];
            hv_forecast_beds(r1, i, w, a);
            hv_forecast_beds(r3, i, w, b);
            hv_forecast_beds(rs, i, w, c);
            same &= memcmp(a, b, sizeof(a)) == 0;
            differs |= memcmp(a, c, sizeof(a)) != 0;
        }
    }
    CHECK(same);
    CHECK(differs); /* another seed gives another sample */
    struct hv_forecast_step_stats s1, s3;
    hv_forecast_step_stats(r1, 1, &s1);
    hv_forecast_step_stats(r3, 1, &s3);
    CHECK(s1.wait_sum == s3.wait_sum && s1.entered == s3.entered);
    CHECK(s1.wait_sum > 0); /* the suspension made cases wait */
    int64_t q[3];
    hv_forecast_beds(r1, 1, 5, q); /* UZ holds people */
    CHECK(q[1] > 0);
    hv_forecast_result_destroy(r1);
    hv_forecast_result_destroy(r3);
    hv_forecast_result_destroy(rs);
}

/* --- malformed scenarios -------------------------------------------------------------------- */

static void refused(const char *text, enum hv_err want, uint64_t line, const char *field,
                    const char *msg_part)
{
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    const struct hv_forecast_scenario *sc = NULL;
    const struct hv_forecast_model *m = NULL;
    struct hv_diag d;
    enum hv_err err = hv_forecast_scenario_parse(&a, "bad.scn", text, strlen(text), &sc, &d);
    if (err == HV_OK)
        err = hv_forecast_model_build(NULL, &a, sc, 0, &m, &d);
    CHECK_EQ_INT(err, want);
    CHECK_EQ_STR(d.file, "bad.scn");
    CHECK_EQ_INT(d.line, line);
    CHECK_EQ_STR(d.field, field);
    if (strstr(d.msg, msg_part) == NULL)
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", d.msg, msg_part);
    CHECK(strstr(d.msg, msg_part) != NULL);
    hv_arena_finish(&a);
}

static void test_malformed(void)
{
    refused("start 2021-02-30\n", HV_ERR_INVALID, 1, "start", "not a date");
    refused("start 2021-01-01\nweeks 0\n", HV_ERR_INVALID, 2, "weeks", "out of range");
    refused("start 2021-01-01\nfrobnicate x\n", HV_ERR_INVALID, 2, "frobnicate",
            "unknown directive");
    refused("start 2021-01-01\nstep a dist=exp mean=1 colour=red\n", HV_ERR_INVALID, 2, "colour",
            "unknown key");
    refused("start 2021-01-01\nstep a dist=gamma mean=1\n", HV_ERR_INVALID, 2, "dist",
            "fixed, exp or lognormal");
    refused("start 2021-01-01\nstep a dist=exp\n", HV_ERR_INVALID, 2, "mean", "required");
    refused("start 2021-01-01\nstep a dist=exp mean=-1\n", HV_ERR_INVALID, 2, "mean",
            "out of range");
    refused("start 2021-01-01\nsuspend visa from=2021-03-01 to=2021-02-01\n", HV_ERR_INVALID, 2,
            "to", "after from");
    refused("start 2021-01-01\nname \"unterminated\n", HV_ERR_INVALID, 2, "", "unterminated");
    refused("start 2021-01-01\ncountry Uzbekistan\n", HV_ERR_INVALID, 2, "country", "ISO 3166");
    refused("start 2021-01-01\nflow from=2021-01-01 per_week=3\n", HV_ERR_INVALID, 2, "via",
            "exactly one");
    refused("weeks 3\n", HV_ERR_INVALID, 0, "start", "required");
    refused("start 2021-01-01\nstart 2021-01-02\n", HV_ERR_INVALID, 2, "start", "twice");
    refused("start 2021-01-01\nstep a dist=exp mean=1 next=b:0.5,c:0.6\nstep b dist=exp mean=1\n"
            "step c terminal=yes\n",
            HV_ERR_INVALID, 2, "next", "add up to 1");
    /* errors found when the model is built still name the line */
    refused("start 2021-01-01\nstep a dist=exp mean=1 next=nowhere\nstep b terminal=yes\n",
            HV_ERR_INVALID, 2, "next", "no step nowhere");
    refused("start 2021-01-01\nstep a dist=exp mean=1\nstep b terminal=yes\n"
            "suspend zzz from=2021-02-01\n",
            HV_ERR_INVALID, 4, "step", "no step zzz");
    refused("start 2021-01-01\nstep a dist=exp mean=1\nstep b terminal=yes\n"
            "cohort n=3 step=a site=NOWHERE\n",
            HV_ERR_INVALID, 4, "site", "no site NOWHERE");
    refused("start 2021-01-01\nstep a dist=exp mean=1\nstep b terminal=yes\n"
            "flow via=X from=2021-01-01 per_week=3\nevacuate min_step=a\n",
            HV_ERR_INVALID, 4, "via", "no crossing X");
    refused("start 2021-01-01\nstep a\nstep b terminal=yes\n", HV_ERR_INVALID, 2, "dist",
            "needs a distribution");
    refused("start 2021-01-01\nworkflow siv-2021\n", HV_ERR_INVALID, 0, "workflow",
            "needs a database");
}

int main(void)
{
    RUN(test_deterministic);
    RUN(test_malformed);
    RUN(test_threads);
    RUN(test_mmc);
    return test_report();
}
