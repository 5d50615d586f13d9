/* forecast.h - Monte Carlo discrete-event simulation of the visa pipeline and the host sites:
 * scenarios as data, a model built from a scenario and (optionally) the case history in the
 * database, replications in parallel threads with a reproducible seed, and the reports (table,
 * CSV, JSON, SVG fan charts) that answer "how many beds, where, for how long, and when does the
 * last family leave". See docs/internals/FORECAST.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_FORECAST_H
#define HV_FORECAST_H

#include "haven/buf.h"
#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/progress.h"

struct hv_arena;

/* Limits; exceeding one is HV_ERR_INVALID (HV_ERR_LIMIT for the file size and the result). */
#define HV_FORECAST_MAX_FILE   (1u << 20) /* scenario text */
#define HV_FORECAST_MAX_WEEKS  1040       /* 20 years */
#define HV_FORECAST_MAX_REPS   100000
#define HV_FORECAST_MAX_ITEMS  4096    /* lines of one kind in a scenario (sites, cohorts, ...) */
#define HV_FORECAST_MAX_CASES  2000000 /* cases in a model, registrations included */
#define HV_FORECAST_MAX_RESULT (1ull << 31) /* bytes of per-replication series kept by a run */

/* A parsed scenario (the line format of docs/internals/FORECAST.md). Opaque; arena-owned. */
struct hv_forecast_scenario;

/* Parses scenario text. name labels the input in messages (a file name). On HV_ERR_INVALID
 * diag has file=name, line, field (the directive or key at fault) and the reason: an unknown
 * directive or key, a malformed or out-of-range number or date, a missing required key, a
 * duplicated singleton, a reference to a step/site/crossing/country the scenario does not
 * define (checked again against the database when the model is built). HV_ERR_LIMIT when the
 * text is larger than HV_FORECAST_MAX_FILE or has too many lines of a kind. */
HV_MUST_CHECK enum hv_err hv_forecast_scenario_parse(struct hv_arena *a, const char *name,
                                                     const char *text, size_t len,
                                                     const struct hv_forecast_scenario **out,
                                                     struct hv_diag *diag);
/* Reads path and parses it (HV_ERR_IO, named in diag, when it cannot be read). */
HV_MUST_CHECK enum hv_err hv_forecast_scenario_load(struct hv_arena *a, const char *path,
                                                    const struct hv_forecast_scenario **out,
                                                    struct hv_diag *diag);
/* The scenario's name ("" when it has none), start day (days since 1970-01-01), weeks. */
const char *hv_forecast_scenario_name(const struct hv_forecast_scenario *sc);
int32_t hv_forecast_scenario_start(const struct hv_forecast_scenario *sc);
int32_t hv_forecast_scenario_weeks(const struct hv_forecast_scenario *sc);
/* True when the scenario names a workflow, so its model is built from the database. */
bool hv_forecast_scenario_needs_db(const struct hv_forecast_scenario *sc);

/* A compiled model: steps with their duration distributions and capacities, sites, countries,
 * crossings with their status timelines, flows, cases with their state at the start. Opaque;
 * arena-owned; read-only once built, shared by every replication thread. */
struct hv_forecast_model;

/* Builds the model of sc. With ctx (and ctx->store) the workflow named by the scenario is
 * loaded, durations and branch probabilities come from the step events completed before the
 * start (per step of that workflow; a step with fewer than the scenario's min_samples visits
 * falls back to the scenario's parameters for it), the cases, their step at the start, their
 * people, open stays, planned movements, the sites and the crossings' status history come from
 * the database, and scenario lines add to or override them. With ctx NULL the scenario must
 * define everything itself (steps, sites, cohorts). weeks > 0 overrides the scenario's.
 * Errors: HV_ERR_INVALID (diag names the scenario line or the missing thing), HV_ERR_NOTFOUND
 * (the workflow), HV_ERR_LIMIT, HV_ERR_DB. */
HV_MUST_CHECK enum hv_err hv_forecast_model_build(struct hv_ctx *ctx, struct hv_arena *a,
                                                  const struct hv_forecast_scenario *sc,
                                                  int32_t weeks,
                                                  const struct hv_forecast_model **out,
                                                  struct hv_diag *diag);

/* Facts about a model for the report header. */
struct hv_forecast_model_info {
    size_t n_cases;   /* cases at the start (in the pipeline or waiting to arrive) */
    size_t n_skipped; /* database cases left out (other workflow, already travelled) */
    size_t n_steps, n_sites, n_countries, n_crossings, n_flows;
    size_t n_steps_empirical; /* steps whose durations come from the history */
    size_t n_history_visits;  /* completed step visits read from the history */
    int32_t start_day, weeks;
};
void hv_forecast_model_info(const struct hv_forecast_model *m, struct hv_forecast_model_info *out);

/* Writes the model as JSON (every parameter and case a replication uses; the input of the
 * SimPy peer in bench/forecast). */
HV_MUST_CHECK enum hv_err hv_forecast_model_write_json(const struct hv_forecast_model *m,
                                                       struct hv_buf *out);

struct hv_forecast_options {
    uint32_t reps;               /* replications, 1..HV_FORECAST_MAX_REPS */
    uint64_t seed;               /* replication r uses a stream derived from (seed, r) only */
    uint32_t threads;            /* 0 = the number of online CPUs; results do not depend on it */
    struct hv_progress progress; /* phase "replications", done/total reps */
};

/* The outcome of a run. Opaque; heap-owned, free with hv_forecast_result_destroy. */
struct hv_forecast_result;

/* Runs opt->reps replications of m. Replication r draws only from its own random stream, so
 * the result is the same for any thread count. HV_ERR_INVALID for bad options, HV_ERR_LIMIT
 * when the per-replication series would exceed HV_FORECAST_MAX_RESULT bytes. */
HV_MUST_CHECK enum hv_err hv_forecast_run(const struct hv_forecast_model *m,
                                          const struct hv_forecast_options *opt,
                                          struct hv_forecast_result **out, struct hv_diag *diag);
void hv_forecast_result_destroy(struct hv_forecast_result *r);

/* Series of a result: index 0 is the total of all host sites, then one per country (model
 * order), then one per site. */
size_t hv_forecast_n_series(const struct hv_forecast_result *r);
struct hv_forecast_series_info {
    const char *key;  /* "ALL", a country code or a site ref */
    const char *name; /* "all host sites", the country code, or the site's name */
    bool is_site;
    int64_t capacity; /* beds (family rooms plus single beds) */
};
void hv_forecast_series(const struct hv_forecast_result *r, size_t i,
                        struct hv_forecast_series_info *out);
/* Weekly peak beds in use of series i in week w across the replications: P10, P50, P90
 * (nearest rank). */
void hv_forecast_beds(const struct hv_forecast_result *r, size_t i, int32_t w, int64_t q[3]);
/* Weeks over capacity of series i: P10, P50, P90 across replications. */
void hv_forecast_weeks_over(const struct hv_forecast_result *r, size_t i, int64_t q[3]);
/* Clearance of series i (the day its last family left, after which it stayed empty to the
 * horizon): P10, P50, P90 as day numbers (days since 1970-01-01; INT32_MAX = not cleared by
 * the horizon) and the share of replications cleared by the horizon. */
void hv_forecast_clearance(const struct hv_forecast_result *r, size_t i, int32_t q[3],
                           double *cleared);
/* Cases over the statutory clock (not yet travelled) at the end of week w: P10, P50, P90. */
void hv_forecast_over_clock(const struct hv_forecast_result *r, int32_t w, int64_t q[3]);
/* Cases that travelled by the horizon: P10, P50, P90. */
void hv_forecast_travelled(const struct hv_forecast_result *r, int64_t q[3]);
/* Cases moved into a host site during the run (planned movements and flows): P10, P50, P90. */
void hv_forecast_moved(const struct hv_forecast_result *r, int64_t q[3]);

/* Per-step queueing statistics summed over every replication, for the customers that entered
 * the step at or after the scenario's warmup (validation against queueing theory). */
struct hv_forecast_step_stats {
    const char *step;
    uint64_t entered, started, done;
    double wait_sum;    /* days from entering to starting service, over `started` */
    double sojourn_sum; /* days from entering to leaving, over `done` */
    double area;        /* integral of the number in the step (queue + service) over time */
    double window;      /* days observed (horizon - warmup, times replications) */
};
size_t hv_forecast_n_steps(const struct hv_forecast_result *r);
void hv_forecast_step_stats(const struct hv_forecast_result *r, size_t i,
                            struct hv_forecast_step_stats *out);

/* The run's shape: replications, weeks, start day, seed, threads used, wall seconds. */
struct hv_forecast_run_info {
    uint32_t reps, threads;
    int32_t weeks, start_day;
    uint64_t seed;
    double seconds;
    uint64_t events; /* events processed, all replications */
};
void hv_forecast_run_info(const struct hv_forecast_result *r, struct hv_forecast_run_info *out);

/* --- reports ------------------------------------------------------------------------------ */

/* A text report for a planner: run header, beds per country per week (P10/P50/P90 with
 * capacity and "!" over it; every `every` weeks, 1 = all), weeks over capacity, clearance dates
 * per country and overall, cases over the statutory clock. */
HV_MUST_CHECK enum hv_err hv_forecast_write_table(const struct hv_forecast_result *r, int every,
                                                  struct hv_buf *out);
/* CSV, one row per series and week: series,name,week,week_start,capacity,p10,p50,p90. */
HV_MUST_CHECK enum hv_err hv_forecast_write_csv(const struct hv_forecast_result *r,
                                                struct hv_buf *out);
/* The whole result as one JSON object (run, series with weekly quantiles, weeks over capacity,
 * clearance, statutory clock, travelled, steps). */
HV_MUST_CHECK enum hv_err hv_forecast_write_json(const struct hv_forecast_result *r,
                                                 struct hv_buf *out);
/* An SVG fan chart of series i: the P10-P90 band, the P50 line, the capacity line, dated weekly
 * axis, title and legend; self-contained (no scripts, no external fonts). */
HV_MUST_CHECK enum hv_err hv_forecast_svg_fan(const struct hv_forecast_result *r, size_t i,
                                              const char *title, struct hv_buf *out);
/* An SVG chart of the clearance date distribution (histogram by week of series 0's clearance)
 * and of cases over the statutory clock (fan). */
HV_MUST_CHECK enum hv_err hv_forecast_svg_clearance(const struct hv_forecast_result *r,
                                                    const char *title, struct hv_buf *out);
/* Two results side by side (same sites and start expected; series matched by key): per
 * country the P50 peak beds, weeks over capacity and P50 clearance of each, with differences,
 * and travelled cases. a_name/b_name label the columns. json selects a JSON object instead. */
HV_MUST_CHECK enum hv_err hv_forecast_write_compare(const struct hv_forecast_result *a,
                                                    const char *a_name,
                                                    const struct hv_forecast_result *b,
                                                    const char *b_name, bool json,
                                                    struct hv_buf *out);

#endif
