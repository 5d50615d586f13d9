/* forecast_int.h - the forecast module's private types: the parsed scenario, the compiled model
 * the engine runs, one replication's outputs, and the engine entry point (a test seam).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_FORECAST_INT_H
#define HV_FORECAST_INT_H

#include "haven/forecast.h"

/* --- scenario (what the file says, names unresolved) --------------------------------------- */

enum fc_dist_kind {
    FC_DIST_NONE,
    FC_DIST_FIXED,
    FC_DIST_EXP,
    FC_DIST_LOGNORMAL,
    FC_DIST_EMPIRICAL
};

struct fc_sc_step {
    const char *id;
    uint64_t line;
    int gov;          /* -1 unset, 0 applicant, 1 government */
    int terminal;     /* -1 unset */
    const char *next; /* "ID" or "ID:p,ID:p" as written; NULL unset */
    enum fc_dist_kind dist;
    double mean, cv;
    int32_t servers, per_week; /* -1 unset, 0 unlimited */
};

struct fc_sc_window { /* suspend (factor 0) and surge */
    const char *step;
    uint64_t line;
    int32_t from, to; /* days; to = INT32_MAX open-ended */
    double factor;
};

struct fc_sc_country {
    const char *code;
    uint64_t line;
    int64_t quota;   /* people, 0 = none */
    double max_stay; /* days, 0 = none */
    int overflow;    /* -1 unset (yes) */
};

struct fc_sc_site {
    const char *ref, *name, *country;
    uint64_t line;
    int64_t beds;
};

struct fc_sc_crossing {
    const char *ref, *country;
    uint64_t line;
};

struct fc_sc_status {
    const char *crossing;
    uint64_t line;
    int32_t day;
    int status; /* HV_CROSSING_OPEN, RESTRICTED, CLOSED */
};

struct fc_sc_flow {
    const char *via, *country; /* one of them */
    uint64_t line;
    int32_t from, to;
    double per_week;
    bool restricted_ok;
};

struct fc_sc_cohort {
    uint64_t line;
    int64_t n;
    const char *step, *site; /* site NULL = waiting in Afghanistan */
    double elapsed, gov_days;
    int32_t people;
    int32_t arrive; /* 'arrive' lines: the day they reach site; INT32_MIN for cohorts */
};

struct hv_forecast_scenario {
    const char *file;
    const char *name;
    int32_t start, weeks;
    const char *workflow;
    int32_t min_samples;
    double statutory_days; /* 0 = the workflow's clock, else 270 */
    double warmup;
    const char *evac_min_step;
    uint64_t evac_line;
    struct {
        double per_week, people;
        int32_t from, to;
        uint64_t line;
    } reg;
    struct fc_sc_step *steps;
    size_t n_steps;
    struct fc_sc_window *windows;
    size_t n_windows;
    struct fc_sc_country *countries;
    size_t n_countries;
    struct fc_sc_site *sites;
    size_t n_sites;
    struct fc_sc_crossing *crossings;
    size_t n_crossings;
    struct fc_sc_status *statuses;
    size_t n_statuses;
    struct fc_sc_flow *flows;
    size_t n_flows;
    struct fc_sc_cohort *cohorts;
    size_t n_cohorts;
};

/* --- model (resolved, times in days from the start) ---------------------------------------- */

/* An empirical distribution keeps at most this many points: the sorted sample, or its quantile
 * table (equally spaced ranks, linear in between) when there are more visits. */
#define FC_EMP_POINTS 513

struct fc_dist {
    enum fc_dist_kind kind;
    double a, b;          /* fixed: a; exp: a = mean; lognormal: a = mu, b = sigma */
    const float *samples; /* empirical, sorted ascending */
    uint32_t n;
};

struct fc_step {
    const char *id;
    bool gov, terminal, empirical;
    int32_t servers, per_week; /* 0 = unlimited */
    struct fc_dist dur;
    uint32_t n_next;
    const uint16_t *next;   /* step indices */
    const double *next_cum; /* cumulative probabilities, last = 1 */
    uint32_t n_hist;        /* completed visits in the history */
};

struct fc_window {
    int step;
    double from, to; /* days from the start; to may be INFINITY */
    double factor;
};

struct fc_country {
    const char *code;
    int64_t quota;
    double max_stay;
    bool overflow;
    int64_t capacity;
};

struct fc_site {
    const char *ref, *name;
    int country;
    int64_t capacity;
};

struct fc_crossing {
    const char *ref;
    int country;
    uint32_t n;
    const double *t;       /* change times (days from start), ascending */
    const uint8_t *status; /* status from t[i] on; before t[0]: unknown (treated as closed) */
};

struct fc_flow {
    int crossing; /* -1: by air straight to the country */
    int country;
    double from, to, per_week;
    bool restricted_ok;
};

/* One case: where it is and where it stands at the start. */
struct fc_case0 {
    int16_t step;
    int16_t site; /* -1 Afghanistan */
    uint16_t people;
    float elapsed;       /* days already in the step at the start */
    float gov_days;      /* statutory days already counted */
    float stay_start;    /* days (negative: before the start) when site >= 0 */
    float arrive;        /* > 0: not in the system until then (a later start, a planned arrival) */
    int16_t arrive_site; /* site of a planned arrival, -1 none */
};

struct hv_forecast_model {
    const char *name;
    int32_t start_day, weeks;
    double horizon, warmup, statutory;
    struct fc_step *steps;
    size_t n_steps;
    struct fc_window *windows;
    size_t n_windows;
    struct fc_country *countries;
    size_t n_countries;
    struct fc_site *sites;
    size_t n_sites;
    struct fc_crossing *crossings;
    size_t n_crossings;
    struct fc_flow *flows;
    size_t n_flows;
    int evac_min_step; /* -1: no evacuation flows */
    double reg_per_week, reg_people, reg_from, reg_to;
    struct fc_case0 *cases;
    size_t n_cases;
    size_t n_skipped, n_history_visits;
};

/* --- one replication -------------------------------------------------------------------- */

struct fc_step_acc {
    uint64_t entered, started, done;
    double wait_sum, sojourn_sum, area, window;
};

/* Where a replication writes: caller-owned arrays sized for the model. */
struct fc_rep_out {
    int32_t *beds;  /* [n_series][weeks] weekly peak beds */
    int32_t *over;  /* [weeks] cases over the statutory clock at each week's end */
    int32_t *clear; /* [n_series] clearance day offset (days from start), -1 not cleared */
    int32_t travelled;
    int32_t moved;             /* cases that reached a host site during the run */
    struct fc_step_acc *steps; /* [n_steps], added to */
    uint64_t events;
};

/* Per-thread scratch reused across replications (no allocation per event). */
struct fc_engine;
struct fc_engine *hv__forecast_engine_create(const struct hv_forecast_model *m);
void hv__forecast_engine_destroy(struct fc_engine *e);
/* Runs replication rep with the stream of (seed, rep). */
void hv__forecast_engine_run(struct fc_engine *e, uint64_t seed, uint64_t rep,
                             struct fc_rep_out *out);
size_t hv__forecast_n_series(const struct hv_forecast_model *m);

/* Model building helpers shared by model.c and model_db.c. */
int hv__forecast_find_step(const struct hv_forecast_model *m, const char *id);
/* Index of the country with code, added (no quota, overflow allowed) when absent. */
int hv__forecast_country(struct hv_forecast_model *m, struct hv_arena *a, const char *code);
/* Allocates the model's arrays with room for the database's rows plus the scenario's. */
HV_MUST_CHECK enum hv_err hv__forecast_model_alloc(struct hv_arena *a,
                                                   const struct hv_forecast_scenario *sc,
                                                   struct hv_forecast_model *m, size_t db_sites,
                                                   size_t db_crossings, size_t db_cases,
                                                   struct hv_diag *diag);

/* The clearance day offsets of every replication for series i, every *stride-th element. */
const int32_t *hv__forecast_clear_days(const struct hv_forecast_result *r, size_t i,
                                       size_t *stride);

/* The scenario name and statutory limit (days) a result was run with. */
const char *hv__forecast_result_name(const struct hv_forecast_result *r, double *statutory);

/* History reader (model_db.c). */
HV_MUST_CHECK enum hv_err hv__forecast_model_from_db(struct hv_ctx *ctx, struct hv_arena *a,
                                                     const struct hv_forecast_scenario *sc,
                                                     struct hv_forecast_model *m,
                                                     struct hv_diag *diag);

#endif
