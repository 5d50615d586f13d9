/* pipeline.h - the visa pipeline: workflows as data (steps, transitions with required evidence,
 * who controls each step, which clocks it counts toward), transitions of cases with evidence and
 * an audited history, holds that block a transition and their audited override, the statutory
 * clock, and the backlog, clock and throughput reports. See docs/internals/PIPELINE.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_PIPELINE_H
#define HV_PIPELINE_H

#include "haven/buf.h"
#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/str.h"

struct hv_arena;

/* Limits of a workflow file; exceeding one is HV_ERR_INVALID (HV_ERR_LIMIT for the size). */
#define HV_WF_MAX_FILE        (256u * 1024u)
#define HV_WF_MAX_STEPS       64
#define HV_WF_MAX_TRANSITIONS 16 /* per step */
#define HV_WF_MAX_EVIDENCE    8  /* required kinds per transition */
#define HV_WF_MAX_KINDS       64 /* evidence kinds per workflow */
#define HV_WF_MAX_CLOCKS      4
#define HV_WF_MAX_ID          48 /* bytes of a workflow, step, clock or evidence-kind id */

/* The clock id whose limit is the statutory target (9 months for the Afghan SIV). */
#define HV_WF_STATUTORY_CLOCK "statutory"

enum hv_wf_control { HV_WF_APPLICANT, HV_WF_GOVERNMENT };

struct hv_wf_clock {
    const char *id;
    const char *name;
    int64_t limit_days;   /* the target; a case over it is flagged */
    bool government_only; /* only government-controlled steps may count toward it */
};

struct hv_wf_transition {
    const char *to;
    size_t to_index;             /* index of the target in hv_workflow.steps */
    const char *const *evidence; /* evidence kinds every one of which must be given */
    size_t n_evidence;
};

struct hv_wf_step {
    const char *id;
    const char *name;
    enum hv_wf_control control;
    uint32_t clocks; /* bit i set: counts toward hv_workflow.clocks[i] */
    const struct hv_wf_transition *transitions;
    size_t n_transitions; /* 0 for a terminal step */
};

/* A validated workflow. Every pointer is owned by the arena it was parsed into. */
struct hv_workflow {
    const char *id; /* "siv-2021" */
    const char *name;
    const char *programme;  /* the case programme it serves, e.g. "SIV" */
    int64_t effective_from; /* cases starting on or after this day default to it */
    const char *const *evidence_kinds;
    size_t n_evidence_kinds;
    const struct hv_wf_clock *clocks;
    size_t n_clocks;
    const struct hv_wf_step *steps; /* steps[0] is where every case starts */
    size_t n_steps;
};

/* Parses and validates a workflow definition (JSON, see docs/internals/PIPELINE.md) into a.
 * name labels the input in messages (a file name). On HV_ERR_INVALID diag->file is name,
 * diag->field the step (or top-level key) at fault and diag->msg the reason: unknown or missing
 * fields, duplicate step ids, a transition to an unknown step, an unreachable step, no terminal
 * step, an unknown evidence kind or clock, an applicant step on a government-only clock.
 * HV_ERR_LIMIT when the text is larger than HV_WF_MAX_FILE. */
HV_MUST_CHECK enum hv_err hv_workflow_parse(struct hv_arena *a, const char *name, const void *text,
                                            size_t len, const struct hv_workflow **out,
                                            struct hv_diag *diag);
/* Reads path and parses it as above (HV_ERR_IO when it cannot be read, named in diag). */
HV_MUST_CHECK enum hv_err hv_workflow_load_file(struct hv_arena *a, const char *path,
                                                const struct hv_workflow **out,
                                                struct hv_diag *diag);
/* Index of the step with id, or -1. */
int hv_workflow_step(const struct hv_workflow *wf, struct hv_str id);
/* The transition from step index from to step index to, or NULL when there is none. */
const struct hv_wf_transition *hv_workflow_transition(const struct hv_workflow *wf, size_t from,
                                                      size_t to);
/* Index of the clock with id, or -1. */
int hv_workflow_clock(const struct hv_workflow *wf, const char *id);

/* The directory holding <id>.json workflow files: $HAVEN_WORKFLOW_DIR when set, else the
 * data/workflows directory compiled in. */
const char *hv_pipeline_workflow_dir(void);

/* The workflow with id as the database knows it: the frozen copy stored when the first case
 * started under it, else the file <dir>/<id>.json. HV_ERR_NOTFOUND when neither exists. */
HV_MUST_CHECK enum hv_err hv_pipeline_workflow(struct hv_ctx *ctx, struct hv_arena *a,
                                               struct hv_str id, const struct hv_workflow **out,
                                               struct hv_diag *diag);

/* --- transitions ------------------------------------------------------------------------ */

/* One piece of evidence given on a transition: "kind:ref", the kind one of the workflow's
 * evidence kinds, the ref an external id ([A-Za-z0-9._:/-], at most 64 bytes). */
#define HV_PIPELINE_MAX_EVIDENCE 16

/* Moves the case with ref case_ref to step to_step at time at (0 = now), with evidence
 * (n_evidence strings "kind:ref", borrowed) and an optional note (sealed at rest; needs the
 * vault when not empty). A case with no workflow first starts at the first step of the default
 * workflow for its programme and date (the start is its own event); to_step may then be that
 * first step. Records a step event and updates the case's workflow and step, with one audit
 * entry ("pipeline.advance"), in one transaction. Refusals (nothing written, diag says why):
 * HV_ERR_NOTFOUND no such case; HV_ERR_INVALID no such step, "no transition from A to B",
 * missing or malformed evidence, a time before the case's last event; HV_ERR_CONFLICT the case
 * is under an open hold (use hv_pipeline_override). */
HV_MUST_CHECK enum hv_err hv_pipeline_advance(struct hv_ctx *ctx, struct hv_str case_ref,
                                              const char *to_step, const char *const *evidence,
                                              size_t n_evidence, struct hv_str note, int64_t at,
                                              struct hv_diag *diag);

/* Like hv_pipeline_advance for a case under open holds: the transition rules and evidence
 * still apply, the holds are resolved as "overridden" by ctx->actor, and the audit entry is
 * "pipeline.override" with the hold ids and reason_code (a code such as "supervisor_review",
 * [A-Za-z0-9._:/-], 1..64 bytes; HV_ERR_INVALID otherwise). Whether the actor is a supervisor
 * is the access module's policy check, made by the caller. */
HV_MUST_CHECK enum hv_err hv_pipeline_override(struct hv_ctx *ctx, struct hv_str case_ref,
                                               const char *to_step, const char *const *evidence,
                                               size_t n_evidence, struct hv_str note,
                                               const char *reason_code, int64_t at,
                                               struct hv_diag *diag);

/* --- holds ------------------------------------------------------------------------------ */

enum hv_hold_kind { HV_HOLD_DUPLICATE_REVIEW, HV_HOLD_SCREENING_HIT, HV_HOLD_MANUAL };

/* "duplicate_review", "screening_hit", "manual". */
const char *hv_hold_kind_name(enum hv_hold_kind k);

/* Opens a hold of kind on the case (reason_code as for hv_pipeline_override) at time at
 * (0 = now); *hold_id (may be NULL) receives its id. Audited as "pipeline.hold". Joins the
 * caller's transaction when one is open (so identity and screening can open a hold together
 * with their own writes), else runs in its own. HV_ERR_NOTFOUND when there is no such case. */
HV_MUST_CHECK enum hv_err hv_pipeline_hold_open(struct hv_ctx *ctx, struct hv_str case_ref,
                                                enum hv_hold_kind kind, const char *reason_code,
                                                int64_t at, int64_t *hold_id, struct hv_diag *diag);
/* Resolves the open hold hold_id (resolution "released", by ctx->actor) at time at (0 = now).
 * Audited as "pipeline.release". HV_ERR_NOTFOUND when there is no such hold, HV_ERR_CONFLICT
 * when it is already resolved. Joins an open transaction like hv_pipeline_hold_open. */
HV_MUST_CHECK enum hv_err hv_pipeline_hold_resolve(struct hv_ctx *ctx, int64_t hold_id, int64_t at,
                                                   struct hv_diag *diag);
/* Resolves every open hold of the case; *n_resolved (may be NULL) receives how many
 * (HV_ERR_NOTFOUND with a message when it has none). */
HV_MUST_CHECK enum hv_err hv_pipeline_hold_release_case(struct hv_ctx *ctx, struct hv_str case_ref,
                                                        int64_t at, int64_t *n_resolved,
                                                        struct hv_diag *diag);

/* Sets (on) or clears the high_risk marker of a case; audited as "pipeline.mark". */
HV_MUST_CHECK enum hv_err hv_pipeline_mark_high_risk(struct hv_ctx *ctx, struct hv_str case_ref,
                                                     bool on, struct hv_diag *diag);

/* Opens a suspension of workflow (one step, or every step when step is NULL or "") from at:
 * the clocks of cases in it pause until it is closed. Audited ("pipeline.suspend"). */
HV_MUST_CHECK enum hv_err hv_pipeline_suspension_open(struct hv_ctx *ctx, const char *workflow,
                                                      const char *step, const char *reason_code,
                                                      int64_t at, int64_t *id,
                                                      struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv_pipeline_suspension_close(struct hv_ctx *ctx, int64_t id, int64_t at,
                                                       struct hv_diag *diag);

/* --- history ---------------------------------------------------------------------------- */

struct hv_step_event {
    int64_t id;
    const char *workflow;
    const char *from; /* "" for the event that starts the case */
    const char *to;
    const char *actor;
    int64_t at;
    const char *evidence;        /* "kind:ref;kind:ref" */
    const char *note;            /* unsealed; "" when none (or when no vault was given) */
    const char *override_reason; /* "" unless a hold was overridden */
};

struct hv_hold {
    int64_t id;
    const char *kind;
    const char *reason_code;
    int64_t opened_at;
    const char *opened_by;
    int64_t resolved_at;     /* 0 while open */
    const char *resolved_by; /* "" while open */
    const char *resolution;  /* "released", "overridden" or "" */
};

/* The case's step events (oldest first) and holds (by id), allocated in a. Notes are unsealed
 * when ctx->vault is set. HV_ERR_NOTFOUND when there is no such case. */
HV_MUST_CHECK enum hv_err hv_pipeline_history(struct hv_ctx *ctx, struct hv_arena *a,
                                              struct hv_str case_ref, struct hv_step_event **events,
                                              size_t *n_events, struct hv_hold **holds,
                                              size_t *n_holds, struct hv_diag *diag);

/* --- clocks ----------------------------------------------------------------------------- */

/* A stretch of time that does not count (an open hold, a suspension): [from, to), to may be
 * INT64_MAX while it lasts. step is the step index it applies to, or -1 for every step. */
struct hv_pause {
    int64_t from, to;
    int step;
};

/* A visit to a step: the case entered steps[step] at entered_at and stayed until the next
 * visit's entered_at (or as_of for the last one). */
struct hv_step_visit {
    int step;
    int64_t entered_at;
};

/* Seconds counted by clock index clock over the visits (in time order) up to as_of: the time
 * spent in steps that count toward the clock, less any time covered by a pause that applies to
 * the step (overlapping pauses count once). Visits after as_of are ignored. Pure. */
int64_t hv_pipeline_clock_seconds(const struct hv_workflow *wf, int clock,
                                  const struct hv_step_visit *visits, size_t n_visits,
                                  const struct hv_pause *pauses, size_t n_pauses, int64_t as_of);

struct hv_case_clock {
    char case_ref[68];
    char workflow[HV_WF_MAX_ID + 1];
    char step[HV_WF_MAX_ID + 1];
    int64_t entered_at;   /* when it entered its current step */
    int64_t time_in_step; /* seconds, as_of - entered_at */
    int64_t statutory;    /* seconds on the statutory clock (0 when the workflow has none) */
    int64_t limit;        /* the statutory limit in seconds (0 when none) */
    bool over;            /* statutory > limit */
    bool high_risk;       /* risk_level 4 or the high_risk marker */
    bool held;            /* an open hold at as_of */
};

/* The clocks of one case as of as_of (0 = now). A case with events but no start event, or
 * with a workflow/step and no events, counts from its created_at. */
HV_MUST_CHECK enum hv_err hv_pipeline_case_clock(struct hv_ctx *ctx, struct hv_str case_ref,
                                                 int64_t as_of, struct hv_case_clock *out,
                                                 struct hv_diag *diag);

/* --- reports ---------------------------------------------------------------------------- */

enum hv_cell_type { HV_CELL_TEXT, HV_CELL_INT, HV_CELL_REAL, HV_CELL_BOOL };

struct hv_cell {
    enum hv_cell_type type;
    const char *text; /* HV_CELL_TEXT, arena-owned */
    int64_t i;        /* HV_CELL_INT and HV_CELL_BOOL */
    double d;         /* HV_CELL_REAL (days, printed with one decimal in tables) */
};

/* A report as a table: n_rows rows of n_cols cells, row-major, all in the arena. */
struct hv_report {
    const char *name;
    const char *const *cols;
    size_t n_cols;
    struct hv_cell *cells;
    size_t n_rows;
};

enum hv_report_format { HV_REPORT_TABLE, HV_REPORT_JSON, HV_REPORT_CSV };

/* Writes rep to out: an aligned text table, a JSON array of objects keyed by column, or CSV
 * with a header line. */
HV_MUST_CHECK enum hv_err hv_report_write(const struct hv_report *rep, enum hv_report_format fmt,
                                          struct hv_buf *out);

/* Cases per step with their ageing, as of as_of (0 = now): workflow, step, controlled_by,
 * cases, held, median_days, p90_days (time in the current step; nearest-rank P90; the median of
 * an even count is the mean of the two middle values). Rows in workflow, then step order. */
HV_MUST_CHECK enum hv_err hv_pipeline_report_backlog(struct hv_ctx *ctx, struct hv_arena *a,
                                                     int64_t as_of, struct hv_report *out);
/* Cases on the statutory clock, most days first (ties by case ref): case, workflow, step,
 * statutory_days, limit_days, over, high_risk, held, days_in_step. all=false keeps only the cases
 * over the limit that are not at a terminal step (travelled). */
HV_MUST_CHECK enum hv_err hv_pipeline_report_clocks(struct hv_ctx *ctx, struct hv_arena *a,
                                                    int64_t as_of, bool all, struct hv_report *out);
/* Transitions into each step per ISO week ("2021-W33"), for events in [from, to) (0 and 0 =
 * everything): week, step, transitions. Rows by week, then step id. Start events count as
 * transitions into the first step. */
HV_MUST_CHECK enum hv_err hv_pipeline_report_throughput(struct hv_ctx *ctx, struct hv_arena *a,
                                                        int64_t from, int64_t to,
                                                        struct hv_report *out);

/* ISO 8601 week of t (UTC): *year and *week (1..53). */
void hv_iso_week(int64_t t, int *year, int *week);

/* --- demo ------------------------------------------------------------------------------- */

/* Gives every case that has no workflow yet a plausible siv-2021 history up to as_of (0 means
 * the founding scenario's date, 2021-08-31): a COM application date between 2018-01-01 and
 * as_of, then step durations drawn from the assumptions documented in
 * docs/internals/PIPELINE.md (about 2.6 years from application to travel on average), ending
 * at a realistic current step. Demo events carry no evidence. One transaction, one audit entry
 * ("pipeline.demo"). The same seed and the same cases give the same history. *n_cases (may be
 * NULL) receives how many cases were given one. Call it after the demo import. */
HV_MUST_CHECK enum hv_err hv_pipeline_demo_history(struct hv_ctx *ctx, uint64_t seed, int64_t as_of,
                                                   int64_t *n_cases, struct hv_diag *diag);

#endif
