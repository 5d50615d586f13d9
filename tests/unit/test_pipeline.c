/* test_pipeline.c - transitions (every rule), evidence, holds and their override with audit,
 * workflow defaults and frozen versions, stored clocks (pauses, applicant time, high risk), and
 * the backlog, clock and throughput reports over a hand-built history, checked figure by figure.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/pipeline.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "test.h"

#define DAY 86400

static char dir[64];
static int64_t now_value = 1629936000; /* 2021-08-26 */

static int64_t fake_now(void *ud)
{
    (void)ud;
    return now_value;
}

static int64_t day(const char *z)
{
    int64_t t = 0;
    if (!hv_time_parse(z, &t))
        fprintf(stderr, "bad date %s\n", z);
    return t;
}

struct fixture {
    struct hv_store *st;
    struct hv_vault *v;
    struct hv_ctx ctx;
    char db[128], key[128];
};

static void write_file(const char *name, const char *text)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fputs(text, f);
    fclose(f);
}

static void fixture_open(struct fixture *fx, const char *cases_csv)
{
    memset(fx, 0, sizeof(*fx));
    snprintf(fx->db, sizeof(fx->db), "%s/t.db", dir);
    snprintf(fx->key, sizeof(fx->key), "%s/t.key", dir);
    struct hv_diag d;
    hv_diag_clear(&d);
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
    char in[128];
    snprintf(in, sizeof(in), "%s/in", dir);
    mkdir(in, 0700);
    write_file("in/cases.csv", cases_csv);
    const char *paths[] = { in };
    struct hv_import_options io = { 0 };
    struct hv_import_counts counts;
    CHECK_OK(hv_registry_import(&fx->ctx, paths, 1, &io, &counts, &d));
}

static void fixture_close(struct fixture *fx)
{
    hv_vault_destroy(fx->v);
    hv_store_close(fx->st);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf %s/*", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup failed\n");
}

static int64_t count(struct fixture *fx, const char *sql)
{
    int64_t n = -1;
    if (hv_store_query_int(fx->st, sql, false, 0, -1, &n) != HV_OK)
        return -2;
    return n;
}

/* The case's workflow and step as "workflow/step". */
static const char *position(struct fixture *fx, const char *ref)
{
    static char out[128];
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    struct hv_record rec;
    out[0] = '\0';
    if (hv_record_get(&fx->ctx, &a, hv_kind(HV_KIND_CASE), hv_str_c(ref), &rec) == HV_OK)
        snprintf(out, sizeof(out), "%.*s/%.*s", HV_STR_ARG(rec.values[5]),
                 HV_STR_ARG(rec.values[6]));
    hv_arena_finish(&a);
    return out;
}

struct audit_find {
    const char *action;
    int n;
    char detail[160];
};

static enum hv_err find_audit(void *ud, const struct hv_audit_entry *e)
{
    struct audit_find *f = ud;
    if (strcmp(e->action, f->action) == 0) {
        f->n++;
        snprintf(f->detail, sizeof(f->detail), "%s", e->detail);
    }
    return HV_OK;
}

static struct audit_find audit_of(struct fixture *fx, const char *action)
{
    struct audit_find f = { .action = action };
    if (hv_audit_list(&fx->ctx, 0, 0, find_audit, &f) != HV_OK)
        f.n = -1;
    return f;
}

static enum hv_err adv(struct fixture *fx, const char *ref, const char *to, const char *ev1,
                       const char *ev2, const char *when, struct hv_diag *d)
{
    const char *ev[2] = { ev1, ev2 };
    size_t n = ev2 != NULL ? 2 : ev1 != NULL ? 1 : 0;
    hv_diag_clear(d);
    return hv_pipeline_advance(&fx->ctx, hv_str_c(ref), to, ev, n, HV_STR_NULL, day(when), d);
}

static const char cases[] = "ref,programme,status,risk_level\n"
                            "C1,SIV,open,2\n"
                            "C2,SIV,open,4\n"
                            "C3,SIV,open,2\n"
                            "C4,SIV,open,1\n";

static void test_transitions(void)
{
    struct fixture fx;
    fixture_open(&fx, cases);
    struct hv_diag d;
    /* A case with no workflow starts at the first step: an illegal jump is refused from
     * there, and nothing is written. */
    CHECK_EQ_INT(adv(&fx, "C1", "interview", NULL, NULL, "2021-01-01", &d), HV_ERR_INVALID);
    CHECK_EQ_STR(d.msg, "no transition from com_application to interview");
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM step_event"), 0);
    CHECK_EQ_STR(position(&fx, "C1"), "/");
    /* Starting: the first step itself. */
    CHECK_OK(adv(&fx, "C1", "com_application", NULL, NULL, "2021-01-01", &d));
    CHECK_EQ_STR(position(&fx, "C1"), "siv-2021/com_application");
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM step_event WHERE from_step = ''"), 1);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM workflow_def WHERE id = 'siv-2021'"), 1);
    /* Evidence rules. */
    CHECK_EQ_INT(adv(&fx, "C1", "com_completeness", NULL, NULL, "2021-01-05", &d), HV_ERR_INVALID);
    CHECK_EQ_STR(d.msg, "the transition from com_application to com_completeness needs evidence "
                        "of kind com_application_package (give --evidence "
                        "com_application_package:REF)");
    CHECK_EQ_INT(adv(&fx, "C1", "com_completeness", "nocolon", NULL, "2021-01-05", &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "evidence");
    CHECK_EQ_INT(adv(&fx, "C1", "com_completeness", "photo:P1", NULL, "2021-01-05", &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.msg, "workflow siv-2021 has no evidence kind \"photo\"");
    CHECK_EQ_INT(adv(&fx, "C1", "com_completeness", "com_application_package:bad ref", NULL,
                     "2021-01-05", &d),
                 HV_ERR_INVALID);
    CHECK_OK(adv(&fx, "C1", "com_completeness", "com_application_package:DOC-1", NULL, "2021-01-11",
                 &d));
    CHECK_EQ_STR(position(&fx, "C1"), "siv-2021/com_completeness");
    /* Two required kinds: one alone is not enough. */
    CHECK_OK(adv(&fx, "C1", "employment_verification", NULL, NULL, "2021-02-10", &d));
    CHECK_EQ_INT(adv(&fx, "C1", "com_decision", "employment_letter:E1", NULL, "2021-03-01", &d),
                 HV_ERR_INVALID);
    CHECK(strstr(d.msg, "needs evidence of kind recommendation_letter") != NULL);
    CHECK_OK(adv(&fx, "C1", "com_decision", "employment_letter:E1", "recommendation_letter:R1",
                 "2021-03-01", &d));
    /* Time never runs backwards, unknown steps and cases are refused. */
    CHECK_EQ_INT(adv(&fx, "C1", "com_appeal", "com_denial_letter:L1", NULL, "2021-02-01", &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "at");
    CHECK_EQ_INT(adv(&fx, "C1", "nope", NULL, NULL, "2021-03-02", &d), HV_ERR_INVALID);
    CHECK_EQ_STR(d.msg, "workflow siv-2021 has no step \"nope\"");
    CHECK_EQ_INT(adv(&fx, "C9", "com_application", NULL, NULL, "2021-03-02", &d), HV_ERR_NOTFOUND);
    /* The appeal loop: denial, appeal, decision again. */
    CHECK_OK(adv(&fx, "C1", "com_appeal", "com_denial_letter:L1", NULL, "2021-04-01", &d));
    CHECK_OK(adv(&fx, "C1", "com_decision", "appeal_letter:A1", NULL, "2021-05-01", &d));
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM step_event WHERE case_id = 1"), 6);
    /* The event records actor, time, evidence and the sealed note. */
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    const char *ev[] = { "com_approval_letter:AP-7" };
    CHECK_OK(hv_pipeline_advance(&fx.ctx, HV_STR("C1"), "i360_petition", ev, 1,
                                 HV_STR("approved after appeal"), day("2021-06-01"), &d));
    struct hv_step_event *events;
    struct hv_hold *holds;
    size_t ne = 0, nh = 0;
    CHECK_OK(hv_pipeline_history(&fx.ctx, &a, HV_STR("C1"), &events, &ne, &holds, &nh, &d));
    CHECK_EQ_INT(ne, 7);
    CHECK_EQ_INT(nh, 0);
    if (ne == 7) {
        CHECK_EQ_STR(events[0].from, "");
        CHECK_EQ_STR(events[0].to, "com_application");
        CHECK_EQ_STR(events[6].from, "com_decision");
        CHECK_EQ_STR(events[6].to, "i360_petition");
        CHECK_EQ_STR(events[6].actor, "unit");
        CHECK_EQ_INT(events[6].at, day("2021-06-01"));
        CHECK_EQ_STR(events[6].evidence, "com_approval_letter:AP-7");
        CHECK_EQ_STR(events[6].note, "approved after appeal");
        CHECK_EQ_STR(events[3].evidence, "employment_letter:E1;recommendation_letter:R1");
    }
    /* The note is not stored in clear. */
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM step_event WHERE instr(note, 'appeal') > 0"), 0);
    /* A note without the key is refused rather than stored in clear. */
    fx.ctx.vault = NULL;
    CHECK_EQ_INT(hv_pipeline_advance(&fx.ctx, HV_STR("C1"), "i360_adjudication",
                                     (const char *[]){ "i360_receipt:IOE-1" }, 1, HV_STR("x"),
                                     day("2021-06-02"), &d),
                 HV_ERR_CRYPTO);
    fx.ctx.vault = fx.v;
    /* Audited: one pipeline.advance per accepted call. */
    struct audit_find f = audit_of(&fx, "pipeline.advance");
    CHECK_EQ_INT(f.n, 7);
    CHECK_EQ_STR(f.detail, "workflow=siv-2021 from=com_decision to=i360_petition evidence=1");

    /* A first advance straight to the second step records the start and the move. */
    CHECK_OK(
        adv(&fx, "C4", "com_completeness", "com_application_package:D4", NULL, "2021-02-01", &d));
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM step_event WHERE case_id = 4"), 2);
    /* ... and C4 walks the whole way to travel with evidence; travel is terminal. */
    static const struct {
        const char *to, *ev1, *ev2, *when;
    } path[] = {
        { "employment_verification", NULL, NULL, "2021-02-15" },
        { "com_decision", "employment_letter:E4", "recommendation_letter:R4", "2021-03-15" },
        { "i360_petition", "com_approval_letter:A4", NULL, "2021-04-15" },
        { "i360_adjudication", "i360_receipt:IOE-4", NULL, "2021-05-01" },
        { "nvc_documents", "i360_approval:I4", NULL, "2021-06-01" },
        { "interview_scheduling", "ds260_confirmation:DS4", "civil_documents:CD4", "2021-06-15" },
        { "interview", "interview_appointment:IA4", NULL, "2021-07-01" },
        { "administrative_processing", "interview_record:IR4", NULL, "2021-07-02" },
        { "medical_exam", "security_clearance:SC4", NULL, "2021-07-20" },
        { "visa_issuance", "medical_report:MR4", NULL, "2021-07-25" },
        { "travel", "visa_foil:VF4", NULL, "2021-08-01" },
    };
    for (size_t i = 0; i < HV_ARRAY_LEN(path); i++)
        CHECK_OK(adv(&fx, "C4", path[i].to, path[i].ev1, path[i].ev2, path[i].when, &d));
    CHECK_EQ_STR(position(&fx, "C4"), "siv-2021/travel");
    CHECK_EQ_INT(adv(&fx, "C4", "visa_issuance", NULL, NULL, "2021-08-02", &d), HV_ERR_INVALID);
    CHECK_EQ_STR(d.msg, "no transition from travel to visa_issuance (travel is a terminal step)");

    /* A case starting after July 2022 defaults to the merged workflow. */
    CHECK_OK(adv(&fx, "C3", "com_application", NULL, NULL, "2022-08-01", &d));
    CHECK_EQ_STR(position(&fx, "C3"), "siv-2022/com_application");
    CHECK_OK(
        adv(&fx, "C3", "com_completeness", "com_application_package:D3", NULL, "2022-08-02", &d));
    CHECK_OK(adv(&fx, "C3", "employment_verification", NULL, NULL, "2022-08-03", &d));
    CHECK_OK(adv(&fx, "C3", "com_decision", "employment_letter:E3", "recommendation_letter:R3",
                 "2022-08-04", &d));
    CHECK_EQ_INT(adv(&fx, "C3", "i360_petition", "com_approval_letter:A3", NULL, "2022-08-05", &d),
                 HV_ERR_INVALID);
    CHECK_OK(adv(&fx, "C3", "nvc_documents", "com_approval_letter:A3", NULL, "2022-08-05", &d));

    /* A case keeps the version it started under: a changed file does not affect it. */
    char wdir[128];
    snprintf(wdir, sizeof(wdir), "%s/wf", dir);
    mkdir(wdir, 0700);
    write_file("wf/siv-2021.json", "{\"id\":\"siv-2021\",\"broken\":true}");
    setenv("HAVEN_WORKFLOW_DIR", wdir, 1);
    CHECK_OK(hv_pipeline_advance(&fx.ctx, HV_STR("C1"), "i360_adjudication",
                                 (const char *[]){ "i360_receipt:IOE-1" }, 1, HV_STR_NULL,
                                 day("2021-06-10"), &d));
    /* A new case defaults to the stored copy too, whatever the file now says. */
    CHECK_OK(adv(&fx, "C2", "com_application", NULL, NULL, "2021-01-01", &d));
    CHECK_EQ_STR(position(&fx, "C2"), "siv-2021/com_application");
    /* An id with neither a stored copy nor a file is not found. */
    struct hv_arena b;
    hv_arena_init(&b, 1u << 20);
    const struct hv_workflow *none = NULL;
    CHECK_EQ_INT(hv_pipeline_workflow(&fx.ctx, &b, HV_STR("siv-2099"), &none, &d), HV_ERR_NOTFOUND);
    hv_arena_finish(&b);
    unsetenv("HAVEN_WORKFLOW_DIR");
    hv_arena_finish(&a);
    fixture_close(&fx);
}

static void test_holds(void)
{
    struct fixture fx;
    fixture_open(&fx, cases);
    struct hv_diag d;
    CHECK_OK(adv(&fx, "C2", "com_application", NULL, NULL, "2021-01-01", &d));
    int64_t h1 = 0, h2 = 0;
    CHECK_EQ_INT(hv_pipeline_hold_open(&fx.ctx, HV_STR("C2"), HV_HOLD_MANUAL, "has space",
                                       day("2021-01-02"), &h1, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_INT(hv_pipeline_hold_open(&fx.ctx, HV_STR("C9"), HV_HOLD_MANUAL, "x",
                                       day("2021-01-02"), &h1, &d),
                 HV_ERR_NOTFOUND);
    CHECK_OK(hv_pipeline_hold_open(&fx.ctx, HV_STR("C2"), HV_HOLD_SCREENING_HIT, "hit:42",
                                   day("2021-01-02"), &h1, &d));
    CHECK(h1 > 0);
    /* An open screening hit blocks the move, with a reason, and writes nothing. */
    CHECK_EQ_INT(
        adv(&fx, "C2", "com_completeness", "com_application_package:D2", NULL, "2021-01-05", &d),
        HV_ERR_CONFLICT);
    CHECK_EQ_STR(d.msg, "case C2 is under 1 open hold(s) (#1 screening_hit: hit:42): release "
                        "it, or override with a reason");
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM step_event"), 1);
    /* Resolved, it no longer blocks. */
    CHECK_OK(hv_pipeline_hold_resolve(&fx.ctx, h1, day("2021-01-06"), &d));
    CHECK_EQ_INT(hv_pipeline_hold_resolve(&fx.ctx, h1, day("2021-01-06"), &d), HV_ERR_CONFLICT);
    CHECK_EQ_INT(hv_pipeline_hold_resolve(&fx.ctx, 99, day("2021-01-06"), &d), HV_ERR_NOTFOUND);
    CHECK_OK(
        adv(&fx, "C2", "com_completeness", "com_application_package:D2", NULL, "2021-01-07", &d));
    /* An open duplicate review blocks too; an override needs a reason code; it advances,
     * resolves the hold as overridden and is audited as pipeline.override. */
    CHECK_OK(hv_pipeline_hold_open(&fx.ctx, HV_STR("C2"), HV_HOLD_DUPLICATE_REVIEW, "dup:PAIR-7",
                                   day("2021-01-08"), &h2, &d));
    CHECK_EQ_INT(adv(&fx, "C2", "employment_verification", NULL, NULL, "2021-01-09", &d),
                 HV_ERR_CONFLICT);
    CHECK_EQ_INT(hv_pipeline_override(&fx.ctx, HV_STR("C2"), "employment_verification", NULL, 0,
                                      HV_STR_NULL, NULL, day("2021-01-09"), &d),
                 HV_ERR_INVALID);
    CHECK_EQ_INT(hv_pipeline_override(&fx.ctx, HV_STR("C2"), "employment_verification", NULL, 0,
                                      HV_STR_NULL, "free text reason", day("2021-01-09"), &d),
                 HV_ERR_INVALID);
    /* The override still obeys the workflow. */
    CHECK_EQ_INT(hv_pipeline_override(&fx.ctx, HV_STR("C2"), "interview", NULL, 0, HV_STR_NULL,
                                      "supervisor_ok", day("2021-01-09"), &d),
                 HV_ERR_INVALID);
    CHECK_OK(hv_pipeline_override(&fx.ctx, HV_STR("C2"), "employment_verification", NULL, 0,
                                  HV_STR_NULL, "supervisor_ok", day("2021-01-09"), &d));
    CHECK_EQ_STR(position(&fx, "C2"), "siv-2021/employment_verification");
    struct audit_find f = audit_of(&fx, "pipeline.override");
    CHECK_EQ_INT(f.n, 1);
    CHECK_EQ_STR(f.detail, "workflow=siv-2021 from=com_completeness to=employment_verification "
                           "evidence=0 holds=2 reason=supervisor_ok");
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM case_hold WHERE resolution = 'overridden' "
                            "AND resolved_by = 'unit' AND id = 2"),
                 1);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM step_event WHERE override_reason = "
                            "'supervisor_ok'"),
                 1);
    /* No hold, no override. */
    CHECK_EQ_INT(
        hv_pipeline_override(&fx.ctx, HV_STR("C2"), "com_decision",
                             (const char *[]){ "employment_letter:E", "recommendation_letter:R" },
                             2, HV_STR_NULL, "supervisor_ok", day("2021-01-10"), &d),
        HV_ERR_INVALID);
    CHECK_EQ_STR(d.msg, "case C2 has no open hold to override");
    /* Release of every open hold of a case, and when there is none. */
    CHECK_OK(hv_pipeline_hold_open(&fx.ctx, HV_STR("C2"), HV_HOLD_MANUAL, "a", day("2021-01-10"),
                                   NULL, &d));
    CHECK_OK(hv_pipeline_hold_open(&fx.ctx, HV_STR("C2"), HV_HOLD_MANUAL, "b", day("2021-01-10"),
                                   NULL, &d));
    int64_t n = 0;
    CHECK_OK(hv_pipeline_hold_release_case(&fx.ctx, HV_STR("C2"), day("2021-01-11"), &n, &d));
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(hv_pipeline_hold_release_case(&fx.ctx, HV_STR("C2"), day("2021-01-11"), &n, &d),
                 HV_ERR_NOTFOUND);
    CHECK_EQ_INT(audit_of(&fx, "pipeline.hold").n, 4);
    CHECK_EQ_INT(audit_of(&fx, "pipeline.release").n, 3);
    /* A hold opened inside the caller's transaction rolls back with it. */
    CHECK_OK(hv_store_begin(fx.st));
    CHECK_OK(hv_pipeline_hold_open(&fx.ctx, HV_STR("C3"), HV_HOLD_SCREENING_HIT, "hit:9",
                                   day("2021-01-12"), NULL, &d));
    CHECK(hv_store_in_tx(fx.st));
    hv_store_rollback(fx.st);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM case_hold WHERE case_id = 3"), 0);
    fixture_close(&fx);
}

static void test_case_clock(void)
{
    struct fixture fx;
    fixture_open(&fx, cases);
    struct hv_diag d;
    struct hv_case_clock ck;
    /* C1: applicant 2021-01-01..01-11 (not counted), completeness 01-11..02-10 (30 days),
     * employment verification from 02-10 with a hold 03-01..03-11 (10 days) and a suspension of
     * every step 04-01..04-06 (5 days), as of 2021-06-01: 30 + 111 - 10 - 5 = 126 days. */
    CHECK_OK(adv(&fx, "C1", "com_application", NULL, NULL, "2021-01-01", &d));
    CHECK_OK(
        adv(&fx, "C1", "com_completeness", "com_application_package:D", NULL, "2021-01-11", &d));
    CHECK_OK(adv(&fx, "C1", "employment_verification", NULL, NULL, "2021-02-10", &d));
    int64_t h = 0, s = 0;
    CHECK_OK(hv_pipeline_hold_open(&fx.ctx, HV_STR("C1"), HV_HOLD_MANUAL, "check",
                                   day("2021-03-01"), &h, &d));
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C1"), day("2021-03-05"), &ck, &d));
    CHECK(ck.held);
    CHECK_EQ_INT(ck.statutory, (30 + 19) * DAY);
    CHECK_OK(hv_pipeline_hold_resolve(&fx.ctx, h, day("2021-03-11"), &d));
    CHECK_OK(hv_pipeline_suspension_open(&fx.ctx, "siv-2021", NULL, "embassy_closed",
                                         day("2021-04-01"), &s, &d));
    CHECK_OK(hv_pipeline_suspension_close(&fx.ctx, s, day("2021-04-06"), &d));
    CHECK_EQ_INT(hv_pipeline_suspension_close(&fx.ctx, s, day("2021-04-07"), &d), HV_ERR_NOTFOUND);
    CHECK_EQ_INT(hv_pipeline_suspension_open(&fx.ctx, "siv-2021", "nope", "x", 0, NULL, &d),
                 HV_ERR_INVALID);
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C1"), day("2021-06-01"), &ck, &d));
    CHECK_EQ_STR(ck.case_ref, "C1");
    CHECK_EQ_STR(ck.workflow, "siv-2021");
    CHECK_EQ_STR(ck.step, "employment_verification");
    CHECK_EQ_INT(ck.entered_at, day("2021-02-10"));
    CHECK_EQ_INT(ck.time_in_step, 111 * DAY);
    CHECK_EQ_INT(ck.statutory, 126 * DAY);
    CHECK_EQ_INT(ck.limit, 270 * DAY);
    CHECK(!ck.over);
    CHECK(!ck.held);
    CHECK(!ck.high_risk);
    /* A suspension of one step only pauses cases in that step. */
    CHECK_OK(hv_pipeline_suspension_open(&fx.ctx, "siv-2021", "interview", "no_interviews",
                                         day("2021-05-01"), NULL, &d));
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C1"), day("2021-06-01"), &ck, &d));
    CHECK_EQ_INT(ck.statutory, 126 * DAY);
    /* Over the limit: as of 2021-12-01, 30 + 294 - 10 - 5 = 309 days > 270. */
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C1"), day("2021-12-01"), &ck, &d));
    CHECK_EQ_INT(ck.statutory, 309 * DAY);
    CHECK(ck.over);
    /* Exactly at the limit is not over: 270 days counted as of 2021-10-23. */
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C1"), day("2021-10-23"), &ck, &d));
    CHECK_EQ_INT(ck.statutory, 270 * DAY);
    CHECK(!ck.over);
    /* High risk: risk level 4 (C2), or the marker (C3). */
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C2"), day("2021-06-01"), &ck, &d));
    CHECK(ck.high_risk);
    CHECK_EQ_INT(ck.statutory, 0);
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C3"), day("2021-06-01"), &ck, &d));
    CHECK(!ck.high_risk);
    CHECK_OK(hv_pipeline_mark_high_risk(&fx.ctx, HV_STR("C3"), true, &d));
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C3"), day("2021-06-01"), &ck, &d));
    CHECK(ck.high_risk);
    CHECK_OK(hv_pipeline_mark_high_risk(&fx.ctx, HV_STR("C3"), false, &d));
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("C3"), day("2021-06-01"), &ck, &d));
    CHECK(!ck.high_risk);
    CHECK_EQ_INT(audit_of(&fx, "pipeline.mark").n, 2);
    CHECK_EQ_INT(audit_of(&fx, "pipeline.suspend").n, 2);
    fixture_close(&fx);
}

/* The report history (figures worked out by hand in the comments; as of 2021-06-01):
 *   R1 completeness 30, employment 120, decision since 2020-06-09: 357, less the suspension
 *      of com_decision 2021-01-01..03-01 (59 days; R1 was in that step) -> 448, over
 *   R2 application (not counted), completeness since 2021-03-02: 91, hold from 05-20 open: -12
 *      -> 79, held
 *   R3 completeness 30, employment 151 less a 90-day hold, decision since 2020-09-08: 266,
 *      less the same suspension (59) -> 298, over
 *   R4 application since 2021-05-01 (31 days)      R6 application since 2021-05-21 (11 days)
 *   R5 (risk 4) completeness 30, employment 120, decision since 2020-11-08: 205, less a
 *      suspension of com_decision 2021-01-01..03-01 (59) -> 296, over, high risk */
static void test_reports(void)
{
    struct fixture fx;
    fixture_open(&fx, "ref,programme,status,risk_level\n"
                      "R1,SIV,open,2\nR2,SIV,open,2\nR3,SIV,open,2\nR4,SIV,open,2\n"
                      "R5,SIV,open,4\nR6,SIV,open,2\n");
    struct hv_diag d;
    const char *pkg = "com_application_package:P";
    const char *el = "employment_letter:E", *rl = "recommendation_letter:R";
    CHECK_OK(adv(&fx, "R1", "com_application", NULL, NULL, "2020-01-01", &d));
    CHECK_OK(adv(&fx, "R1", "com_completeness", pkg, NULL, "2020-01-11", &d));
    CHECK_OK(adv(&fx, "R1", "employment_verification", NULL, NULL, "2020-02-10", &d));
    CHECK_OK(adv(&fx, "R1", "com_decision", el, rl, "2020-06-09", &d));
    CHECK_OK(adv(&fx, "R2", "com_application", NULL, NULL, "2021-01-01", &d));
    CHECK_OK(adv(&fx, "R2", "com_completeness", pkg, NULL, "2021-03-02", &d));
    CHECK_OK(hv_pipeline_hold_open(&fx.ctx, HV_STR("R2"), HV_HOLD_DUPLICATE_REVIEW, "dup:1",
                                   day("2021-05-20"), NULL, &d));
    CHECK_OK(adv(&fx, "R3", "com_application", NULL, NULL, "2020-03-01", &d));
    CHECK_OK(adv(&fx, "R3", "com_completeness", pkg, NULL, "2020-03-11", &d));
    CHECK_OK(adv(&fx, "R3", "employment_verification", NULL, NULL, "2020-04-10", &d));
    int64_t h = 0;
    CHECK_OK(hv_pipeline_hold_open(&fx.ctx, HV_STR("R3"), HV_HOLD_SCREENING_HIT, "hit:3",
                                   day("2020-05-01"), &h, &d));
    CHECK_OK(hv_pipeline_hold_resolve(&fx.ctx, h, day("2020-07-30"), &d));
    CHECK_OK(adv(&fx, "R3", "com_decision", el, rl, "2020-09-08", &d));
    CHECK_OK(adv(&fx, "R4", "com_application", NULL, NULL, "2021-05-01", &d));
    CHECK_OK(adv(&fx, "R5", "com_application", NULL, NULL, "2020-06-01", &d));
    CHECK_OK(adv(&fx, "R5", "com_completeness", pkg, NULL, "2020-06-11", &d));
    CHECK_OK(adv(&fx, "R5", "employment_verification", NULL, NULL, "2020-07-11", &d));
    CHECK_OK(adv(&fx, "R5", "com_decision", el, rl, "2020-11-08", &d));
    int64_t s = 0;
    CHECK_OK(hv_pipeline_suspension_open(&fx.ctx, "siv-2021", "com_decision", "covid",
                                         day("2021-01-01"), &s, &d));
    CHECK_OK(hv_pipeline_suspension_close(&fx.ctx, s, day("2021-03-01"), &d));
    CHECK_OK(adv(&fx, "R6", "com_application", NULL, NULL, "2021-05-21", &d));

    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    struct hv_report rep;
    struct hv_buf b;
    hv_buf_init(&b, 0);
    int64_t as_of = day("2021-06-01");

    CHECK_OK(hv_pipeline_report_backlog(&fx.ctx, &a, as_of, &rep));
    CHECK_OK(hv_report_write(&rep, HV_REPORT_CSV, &b));
    CHECK_EQ_STR(hv_buf_cstr(&b), "workflow,step,controlled_by,cases,held,median_days,p90_days\n"
                                  "siv-2021,com_application,applicant,2,0,21,31\n"
                                  "siv-2021,com_completeness,government,1,1,91,91\n"
                                  "siv-2021,com_decision,government,3,0,266,357\n");
    hv_buf_reset(&b);
    CHECK_OK(hv_report_write(&rep, HV_REPORT_JSON, &b));
    CHECK(strstr(hv_buf_cstr(&b), "{\"workflow\":\"siv-2021\",\"step\":\"com_decision\","
                                  "\"controlled_by\":\"government\",\"cases\":3,\"held\":0,"
                                  "\"median_days\":266,\"p90_days\":357}") != NULL);
    hv_buf_reset(&b);
    CHECK_OK(hv_report_write(&rep, HV_REPORT_TABLE, &b));
    CHECK(strstr(hv_buf_cstr(&b), "siv-2021  com_decision      government         3     0  "
                                  "      266.0     357.0") != NULL);

    hv_buf_reset(&b);
    CHECK_OK(hv_pipeline_report_clocks(&fx.ctx, &a, as_of, false, &rep));
    CHECK_OK(hv_report_write(&rep, HV_REPORT_CSV, &b));
    CHECK_EQ_STR(hv_buf_cstr(&b),
                 "case,workflow,step,statutory_days,limit_days,over,high_risk,held,days_in_step\n"
                 "R1,siv-2021,com_decision,448,270,true,false,false,357\n"
                 "R3,siv-2021,com_decision,298,270,true,false,false,266\n"
                 "R5,siv-2021,com_decision,296,270,true,true,false,205\n");
    hv_buf_reset(&b);
    CHECK_OK(hv_pipeline_report_clocks(&fx.ctx, &a, as_of, true, &rep));
    CHECK_OK(hv_report_write(&rep, HV_REPORT_CSV, &b));
    CHECK(strstr(hv_buf_cstr(&b),
                 "R5,siv-2021,com_decision,296,270,true,true,false,205\n"
                 "R2,siv-2021,com_completeness,79,270,false,false,true,91\n"
                 "R4,siv-2021,com_application,0,270,false,false,false,31\n"
                 "R6,siv-2021,com_application,0,270,false,false,false,11\n") != NULL);
    CHECK_EQ_INT(rep.n_rows, 6);
    /* The per-case clock agrees with the report. */
    struct hv_case_clock ck;
    CHECK_OK(hv_pipeline_case_clock(&fx.ctx, HV_STR("R3"), as_of, &ck, &d));
    CHECK_EQ_INT(ck.statutory, 298 * DAY);

    hv_buf_reset(&b);
    CHECK_OK(hv_pipeline_report_throughput(&fx.ctx, &a, 0, 0, &rep));
    CHECK_OK(hv_report_write(&rep, HV_REPORT_CSV, &b));
    CHECK_EQ_STR(hv_buf_cstr(&b), "week,step,transitions\n"
                                  "2020-W01,com_application,1\n"
                                  "2020-W02,com_completeness,1\n"
                                  "2020-W07,employment_verification,1\n"
                                  "2020-W09,com_application,1\n"
                                  "2020-W11,com_completeness,1\n"
                                  "2020-W15,employment_verification,1\n"
                                  "2020-W23,com_application,1\n"
                                  "2020-W24,com_completeness,1\n"
                                  "2020-W24,com_decision,1\n"
                                  "2020-W28,employment_verification,1\n"
                                  "2020-W37,com_decision,1\n"
                                  "2020-W45,com_decision,1\n"
                                  "2020-W53,com_application,1\n"
                                  "2021-W09,com_completeness,1\n"
                                  "2021-W17,com_application,1\n"
                                  "2021-W20,com_application,1\n");
    /* A window: 2020-06-01 (W23) to 2020-06-15 (exclusive). */
    hv_buf_reset(&b);
    CHECK_OK(
        hv_pipeline_report_throughput(&fx.ctx, &a, day("2020-06-01"), day("2020-06-15"), &rep));
    CHECK_OK(hv_report_write(&rep, HV_REPORT_CSV, &b));
    CHECK_EQ_STR(hv_buf_cstr(&b), "week,step,transitions\n"
                                  "2020-W23,com_application,1\n"
                                  "2020-W24,com_completeness,1\n"
                                  "2020-W24,com_decision,1\n");
    hv_buf_finish(&b);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

static void test_demo_history(void)
{
    char csv[64 * 40 + 64];
    size_t off = (size_t)snprintf(csv, sizeof(csv), "ref,programme,status,risk_level\n");
    for (int i = 1; i <= 60; i++)
        off += (size_t)snprintf(csv + off, sizeof(csv) - off, "D%02d,SIV,open,%d\n", i,
                                i % 7 == 0 ? 4 : 2);
    struct fixture fx;
    fixture_open(&fx, csv);
    struct hv_diag d;
    int64_t n = 0;
    CHECK_OK(hv_pipeline_demo_history(&fx.ctx, 7, 0, &n, &d));
    CHECK_EQ_INT(n, 60);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM hv_case WHERE workflow = 'siv-2021'"), 60);
    CHECK(count(&fx, "SELECT count(*) FROM step_event") > 120);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM step_event WHERE at < 1514764800 "
                            "OR at > 1630368000"),
                 0);
    /* Every case's current step is the target of its last event. */
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM hv_case c WHERE c.step <> (SELECT e.to_step "
                            "FROM step_event e WHERE e.case_id = c.id ORDER BY e.at DESC, e.id "
                            "DESC LIMIT 1)"),
                 0);
    /* Every event follows a transition of the workflow (checked against the stored copy). */
    struct hv_arena a;
    hv_arena_init(&a, 8u << 20);
    const struct hv_workflow *wf = NULL;
    CHECK_OK(hv_pipeline_workflow(&fx.ctx, &a, HV_STR("siv-2021"), &wf, &d));
    struct hv_stmt *s = NULL;
    static const char sql[] = "SELECT from_step, to_step FROM step_event WHERE from_step <> ''";
    bool row = false;
    int bad = 0, total = 0;
    CHECK_OK(hv_store_stmt(fx.st, sql, &s));
    while (hv_stmt_step(s, &row) == HV_OK && row) {
        int f = hv_workflow_step(wf, hv_stmt_col_text(s, 0));
        int t = hv_workflow_step(wf, hv_stmt_col_text(s, 1));
        total++;
        if (f < 0 || t < 0 || hv_workflow_transition(wf, (size_t)f, (size_t)t) == NULL)
            bad++;
    }
    CHECK(total > 60);
    CHECK_EQ_INT(bad, 0);
    /* A fixed seed gives the same history: a second database gets the same events. */
    char first[64];
    snprintf(first, sizeof(first), "%lld",
             (long long)count(&fx, "SELECT sum(at % 100003 * id) FROM step_event"));
    hv_arena_finish(&a);
    CHECK_EQ_INT(audit_of(&fx, "pipeline.demo").n, 1);
    /* Cases already in the pipeline are left alone. */
    CHECK_OK(hv_pipeline_demo_history(&fx.ctx, 7, 0, &n, &d));
    CHECK_EQ_INT(n, 0);
    fixture_close(&fx);
    fixture_open(&fx, csv);
    CHECK_OK(hv_pipeline_demo_history(&fx.ctx, 7, 0, &n, &d));
    char second[64];
    snprintf(second, sizeof(second), "%lld",
             (long long)count(&fx, "SELECT sum(at % 100003 * id) FROM step_event"));
    CHECK_EQ_STR(first, second);
    fixture_close(&fx);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/hv-pipeline-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    unsetenv("HAVEN_WORKFLOW_DIR");
    RUN(test_transitions);
    RUN(test_holds);
    RUN(test_case_clock);
    RUN(test_reports);
    RUN(test_demo_history);
    rmdir(dir);
    return test_report();
}
