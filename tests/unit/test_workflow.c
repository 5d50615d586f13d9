/* test_workflow.c - the workflow loader (the shipped SIV workflows, and each kind of malformed
 * file with its exact message), look-ups, the clock arithmetic with hand-computed figures, and
 * ISO weeks.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/clock.h"
#include "haven/pipeline.h"
#include "test.h"

#define DAY 86400

/* A small valid workflow: a (applicant) -> b (government, statutory) -> c (government,
 * statutory) -> d (terminal); b can go back to a. */
static const char good[] =
    "{\"id\":\"t\",\"name\":\"T\",\"programme\":\"SIV\",\"effective_from\":\"2020-01-01\","
    "\"evidence_kinds\":[\"letter\",\"stamp\"],"
    "\"clocks\":[{\"id\":\"statutory\",\"name\":\"S\",\"limit_days\":10,\"counts\":\"government\"}]"
    ","
    "\"steps\":["
    "{\"id\":\"a\",\"name\":\"A\",\"controlled_by\":\"applicant\",\"clocks\":[],"
    "\"transitions\":[{\"to\":\"b\",\"evidence\":[\"letter\"]}]},"
    "{\"id\":\"b\",\"name\":\"B\",\"controlled_by\":\"government\",\"clocks\":[\"statutory\"],"
    "\"transitions\":[{\"to\":\"c\",\"evidence\":[]},{\"to\":\"a\",\"evidence\":[]}]},"
    "{\"id\":\"c\",\"name\":\"C\",\"controlled_by\":\"government\",\"clocks\":[\"statutory\"],"
    "\"transitions\":[{\"to\":\"d\",\"evidence\":[\"letter\",\"stamp\"]}]},"
    "{\"id\":\"d\",\"name\":\"D\",\"controlled_by\":\"applicant\",\"clocks\":[],"
    "\"transitions\":[]}]}";

/* good with the first occurrence of from replaced by to. */
static char *mutate(const char *from, const char *to)
{
    static char out[4096];
    const char *p = strstr(good, from);
    if (p == NULL) {
        fprintf(stderr, "mutate: %s not found\n", from);
        exit(1);
    }
    snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - good), good, to, p + strlen(from));
    return out;
}

/* Parses text as "bad.json" and returns the formatted error ("" when it parsed). */
static const char *parse_error(const char *text)
{
    static char msg[600];
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    const struct hv_workflow *wf = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_workflow_parse(&a, "bad.json", text, strlen(text), &wf, &d);
    msg[0] = '\0';
    if (err != HV_OK)
        hv_diag_format(&d, msg, sizeof(msg));
    if (err != HV_OK && err != HV_ERR_INVALID)
        snprintf(msg, sizeof(msg), "unexpected error %d", (int)err);
    hv_arena_finish(&a);
    return msg;
}

static void test_good(void)
{
    CHECK_EQ_STR(parse_error(good), "");
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    const struct hv_workflow *wf = NULL;
    struct hv_diag d;
    CHECK_OK(hv_workflow_parse(&a, "good.json", good, strlen(good), &wf, &d));
    CHECK_EQ_INT(wf->n_steps, 4);
    CHECK_EQ_INT(hv_workflow_step(wf, HV_STR("c")), 2);
    CHECK_EQ_INT(hv_workflow_step(wf, HV_STR("zz")), -1);
    CHECK(hv_workflow_transition(wf, 1, 0) != NULL);
    CHECK(hv_workflow_transition(wf, 0, 2) == NULL);
    CHECK_EQ_INT(hv_workflow_transition(wf, 2, 3)->n_evidence, 2);
    CHECK_EQ_INT(wf->steps[1].control, HV_WF_GOVERNMENT);
    CHECK_EQ_INT(wf->steps[1].clocks, 1);
    CHECK_EQ_INT(wf->steps[0].clocks, 0);
    CHECK_EQ_INT(hv_workflow_clock(wf, "statutory"), 0);
    CHECK_EQ_INT(wf->clocks[0].limit_days, 10);
    CHECK_EQ_INT(wf->effective_from, 1577836800);
    hv_arena_finish(&a);
}

static void test_shipped(void)
{
    const char *src = getenv("HV_SOURCE_DIR");
    char p[1024];
    struct hv_arena a;
    hv_arena_init(&a, 8u << 20);
    struct hv_diag d;
    hv_diag_clear(&d);
    const struct hv_workflow *wf = NULL;
    snprintf(p, sizeof(p), "%s/data/workflows/siv-2021.json", src ? src : ".");
    CHECK_OK(hv_workflow_load_file(&a, p, &wf, &d));
    if (wf == NULL)
        return;
    CHECK_EQ_INT(wf->n_steps, 14);
    CHECK_EQ_STR(wf->steps[0].id, "com_application");
    CHECK_EQ_STR(wf->steps[13].id, "travel");
    CHECK_EQ_INT(wf->steps[13].n_transitions, 0);
    int stat = hv_workflow_clock(wf, "statutory");
    CHECK_EQ_INT(stat, 0);
    CHECK_EQ_INT(wf->clocks[0].limit_days, 270);
    size_t n_gov = 0;
    for (size_t i = 0; i < wf->n_steps; i++) {
        /* The statutory clock counts government-controlled steps, and all of them. */
        bool counts = (wf->steps[i].clocks & 1u) != 0;
        CHECK_EQ_INT(counts, wf->steps[i].control == HV_WF_GOVERNMENT);
        n_gov += counts;
    }
    CHECK_EQ_INT(n_gov, 8);
    int dec = hv_workflow_step(wf, HV_STR("com_decision"));
    int appeal = hv_workflow_step(wf, HV_STR("com_appeal"));
    int i360 = hv_workflow_step(wf, HV_STR("i360_petition"));
    CHECK(hv_workflow_transition(wf, (size_t)dec, (size_t)appeal) != NULL);
    CHECK(hv_workflow_transition(wf, (size_t)appeal, (size_t)dec) != NULL);
    CHECK(hv_workflow_transition(wf, (size_t)dec, (size_t)i360) != NULL);

    snprintf(p, sizeof(p), "%s/data/workflows/siv-2022.json", src ? src : ".");
    CHECK_OK(hv_workflow_load_file(&a, p, &wf, &d));
    if (wf == NULL)
        return;
    CHECK_EQ_INT(wf->n_steps, 12);
    CHECK_EQ_INT(hv_workflow_step(wf, HV_STR("i360_petition")), -1);
    dec = hv_workflow_step(wf, HV_STR("com_decision"));
    int nvc = hv_workflow_step(wf, HV_STR("nvc_documents"));
    CHECK(hv_workflow_transition(wf, (size_t)dec, (size_t)nvc) != NULL);
    CHECK_EQ_INT(wf->effective_from, 1658275200); /* 2022-07-20 */

    CHECK_EQ_INT(hv_workflow_load_file(&a, "/nonexistent/x.json", &wf, &d), HV_ERR_IO);
    CHECK_EQ_STR(d.file, "/nonexistent/x.json");
    hv_arena_finish(&a);
}

static void test_malformed(void)
{
    CHECK_EQ_STR(parse_error(mutate("\"name\":\"T\",", "\"name\":\"T\",\"colour\":1,")),
                 "bad.json: unknown field \"colour\"");
    CHECK_EQ_STR(parse_error(mutate("\"name\":\"B\",", "\"name\":\"B\",\"owner\":\"x\",")),
                 "bad.json: b: unknown field \"owner\"");
    CHECK_EQ_STR(parse_error(mutate("{\"id\":\"c\"", "{\"id\":\"b\"")),
                 "bad.json: b: duplicate step id");
    CHECK_EQ_STR(parse_error(mutate("{\"to\":\"c\"", "{\"to\":\"intervew\"")),
                 "bad.json: b: transition to unknown step \"intervew\"");
    /* c only reachable through b -> c: drop that transition and c and d are unreachable. */
    CHECK_EQ_STR(parse_error(mutate("{\"to\":\"c\",\"evidence\":[]},", "")),
                 "bad.json: c: unreachable from the first step \"a\"");
    CHECK_EQ_STR(parse_error(mutate("\"transitions\":[]", "\"transitions\":[{\"to\":\"a\","
                                                          "\"evidence\":[]}]")),
                 "bad.json: steps: no terminal step (a step without transitions)");
    CHECK_EQ_STR(parse_error(mutate("\"controlled_by\":\"applicant\",\"clocks\":[]",
                                    "\"controlled_by\":\"applicant\",\"clocks\":[\"statutory\"]")),
                 "bad.json: a: an applicant-controlled step cannot count toward the "
                 "government-only clock \"statutory\"");
    CHECK_EQ_STR(parse_error(mutate("\"evidence\":[\"letter\"]", "\"evidence\":[\"photo\"]")),
                 "bad.json: a: transition requires unknown evidence kind \"photo\"");
    CHECK_EQ_STR(parse_error(mutate("\"clocks\":[\"statutory\"]", "\"clocks\":[\"total\"]")),
                 "bad.json: b: counts toward unknown clock \"total\"");
    CHECK_EQ_STR(
        parse_error(mutate("\"controlled_by\":\"government\"", "\"controlled_by\":\"ngo\"")),
        "bad.json: b: controlled_by must be \"applicant\" or \"government\", not \"ngo\"");
    CHECK_EQ_STR(parse_error(mutate("\"controlled_by\":\"government\",", "")),
                 "bad.json: b: missing field \"controlled_by\"");
    CHECK_EQ_STR(parse_error(mutate("{\"to\":\"a\"", "{\"to\":\"b\"")),
                 "bad.json: b: transition to itself");
    CHECK_EQ_STR(parse_error(mutate("{\"to\":\"a\"", "{\"to\":\"c\"")),
                 "bad.json: b: two transitions to \"c\"");
    CHECK_EQ_STR(parse_error(mutate("\"id\":\"t\"", "\"id\":\"Bad Id\"")),
                 "bad.json: id: \"Bad Id\" is not an id (a-z, 0-9, _ and -, at most 48 bytes)");
    CHECK_EQ_STR(parse_error(mutate("\"steps\":[", "\"steps\":[],\"x\":[")),
                 "bad.json: unknown field \"x\"");
    CHECK_EQ_STR(parse_error(mutate("\"2020-01-01\"", "\"2020-02-30\"")),
                 "bad.json: effective_from: \"2020-02-30\" is not a date YYYY-MM-DD");
    /* Duplicate keys and broken JSON are caught by the parser, with a line. */
    CHECK(strstr(parse_error(mutate("\"name\":\"T\",", "\"name\":\"T\",\"name\":\"U\",")),
                 "duplicate object key") != NULL);
    CHECK(strncmp(parse_error("{\"id\":"), "bad.json:1: not valid JSON:", 27) == 0);
    CHECK_EQ_STR(parse_error("[1]"), "bad.json: a workflow must be a JSON object");
    CHECK_EQ_STR(parse_error(mutate("\"steps\":[", "\"steps\":[1,")),
                 "bad.json: steps[0]: each step must be an object");
    /* Oversized input is a limit, not a parse. */
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    const struct hv_workflow *wf = NULL;
    struct hv_diag d;
    CHECK_EQ_INT(hv_workflow_parse(&a, "big.json", good, HV_WF_MAX_FILE + 1, &wf, &d),
                 HV_ERR_LIMIT);
    hv_arena_finish(&a);
}

static void test_clock_arithmetic(void)
{
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    const struct hv_workflow *wf = NULL;
    struct hv_diag d;
    CHECK_OK(hv_workflow_parse(&a, "good.json", good, strlen(good), &wf, &d));
    int64_t t0 = 1609459200; /* 2021-01-01 */
    /* a (applicant) 10 days, b (gov) 20 days, back to a 5 days, b 7 days, c (gov) since. */
    struct hv_step_visit v[] = { { 0, t0 },
                                 { 1, t0 + 10 * DAY },
                                 { 0, t0 + 30 * DAY },
                                 { 1, t0 + 35 * DAY },
                                 { 2, t0 + 42 * DAY } };
    int64_t as_of = t0 + 50 * DAY;
    /* Applicant time does not count: 20 + 7 + 8 = 35 days. */
    CHECK_EQ_INT(hv_pipeline_clock_seconds(wf, 0, v, 5, NULL, 0, as_of), 35 * DAY);
    /* As of day 40: 20 + 5 (second b visit cut at as_of) = 25. */
    CHECK_EQ_INT(hv_pipeline_clock_seconds(wf, 0, v, 5, NULL, 0, t0 + 40 * DAY), 25 * DAY);
    /* A hold from day 15 to 18 (inside b) pauses 3 days; one from day 5 to 12 only covers 2
     * days of b (days 10-12); overlapping holds count once. */
    struct hv_pause p[] = { { t0 + 15 * DAY, t0 + 18 * DAY, -1 },
                            { t0 + 5 * DAY, t0 + 12 * DAY, -1 },
                            { t0 + 16 * DAY, t0 + 17 * DAY, -1 } };
    CHECK_EQ_INT(hv_pipeline_clock_seconds(wf, 0, v, 5, p, 3, as_of), 30 * DAY);
    /* A hold during applicant time changes nothing. */
    struct hv_pause q[] = { { t0 + 31 * DAY, t0 + 34 * DAY, -1 } };
    CHECK_EQ_INT(hv_pipeline_clock_seconds(wf, 0, v, 5, q, 1, as_of), 35 * DAY);
    /* An open hold (to = INT64_MAX) from day 45 stops the clock: 35 - 5 = 30. */
    struct hv_pause o[] = { { t0 + 45 * DAY, INT64_MAX, -1 } };
    CHECK_EQ_INT(hv_pipeline_clock_seconds(wf, 0, v, 5, o, 1, as_of), 30 * DAY);
    /* A suspension of step c only (index 2) from day 40 to 60 pauses days 42-50: 27. */
    struct hv_pause s[] = { { t0 + 40 * DAY, t0 + 60 * DAY, 2 } };
    CHECK_EQ_INT(hv_pipeline_clock_seconds(wf, 0, v, 5, s, 1, as_of), 27 * DAY);
    /* A suspension of step a does not touch government time. */
    struct hv_pause s2[] = { { t0, t0 + 60 * DAY, 0 } };
    CHECK_EQ_INT(hv_pipeline_clock_seconds(wf, 0, v, 5, s2, 1, as_of), 35 * DAY);
    /* Unknown clock index: 0. */
    CHECK_EQ_INT(hv_pipeline_clock_seconds(wf, 3, v, 5, NULL, 0, as_of), 0);
    hv_arena_finish(&a);
}

static void test_iso_week(void)
{
    int y, w;
    hv_iso_week(1609459200, &y, &w); /* Fri 2021-01-01 */
    CHECK_EQ_INT(y, 2020);
    CHECK_EQ_INT(w, 53);
    hv_iso_week(1609718400, &y, &w); /* Mon 2021-01-04 */
    CHECK_EQ_INT(y, 2021);
    CHECK_EQ_INT(w, 1);
    hv_iso_week(1546214400, &y, &w); /* Mon 2018-12-31 */
    CHECK_EQ_INT(y, 2019);
    CHECK_EQ_INT(w, 1);
    hv_iso_week(1629936000, &y, &w); /* Thu 2021-08-26 */
    CHECK_EQ_INT(y, 2021);
    CHECK_EQ_INT(w, 34);
    hv_iso_week(1640908800 + 86399, &y, &w); /* Fri 2021-12-31, last second */
    CHECK_EQ_INT(y, 2021);
    CHECK_EQ_INT(w, 52);
}

int main(void)
{
    RUN(test_good);
    RUN(test_shipped);
    RUN(test_malformed);
    RUN(test_clock_arithmetic);
    RUN(test_iso_week);
    return test_report();
}
