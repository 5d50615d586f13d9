/* placement.h - which family goes to which host site: the instance (families, sites, countries,
 * crossings, routes), the model built from it (one column per family x reachable site, capacity
 * rows for beds by kind, people, medical and interpreter places, country quotas), solver
 * backends behind one interface (built-in Lagrangian/LP engine, COIN-OR CBC), plans that
 * explain themselves, MPS/LP export, and the plans kept in the database (propose, accept,
 * reject). See docs/internals/PLACEMENT.md and docs/placement-weights.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_PLACEMENT_H
#define HV_PLACEMENT_H

#include "haven/buf.h"
#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/str.h"

struct hv_arena;

/* Upper bounds on an instance (HV_ERR_LIMIT beyond them). */
#define HV_PLACE_MAX_FILE     (256u << 20)
#define HV_PLACE_MAX_FAMILIES 1000000
#define HV_PLACE_MAX_SITES    1000
#define HV_PLACE_MAX_ROUTES   100000
#define HV_PLACE_MAX_SIZE     100 /* people in one family */
#define HV_PLACE_MAX_CAP      100000000
#define HV_PLACE_MAX_LANGS    32 /* distinct language codes in one instance */
#define HV_PLACE_MAX_SERVICES 32 /* distinct "wants" services in one instance */

/* Capacity rows per site: the four bed kinds of the sites module (a family of two or more
 * takes one family room, a lone person one bed of their kind), then people, medical places
 * (people with medical needs) and interpreter places (people who share no language with the
 * site). */
enum hv_place_cap {
    HV_PLACE_CAP_FAMILY_ROOMS,
    HV_PLACE_CAP_SINGLE_MEN,
    HV_PLACE_CAP_SINGLE_WOMEN,
    HV_PLACE_CAP_MINORS,
    HV_PLACE_CAP_PEOPLE,
    HV_PLACE_CAP_MEDICAL,
    HV_PLACE_CAP_INTERP,
    HV_PLACE_N_CAPS
};
/* "family_rooms", "single_men", "single_women", "minors", "people", "medical", "interp". */
const char *hv_place_cap_name(enum hv_place_cap c);

/* Objective weights (docs/placement-weights.md). Value of placing family f at site s by
 * route r, per person: risk[level] + lang*(shares a language) + service*(wanted services
 * offered) - route_risk*r.risk - cost*r.cost; times the family's size. Options worth <= 0 are
 * not offered. */
struct hv_place_weights {
    double risk[5]; /* by risk level 1..4 (index 0 unused) */
    double lang;
    double service;
    double route_risk;
    double cost;
};
void hv_place_weights_default(struct hv_place_weights *w);

struct hv_place_country {
    struct hv_str code;
    int64_t quota; /* people that may still be placed in this country; -1 = no quota */
};

struct hv_place_crossing {
    struct hv_str id;
    bool open; /* on the planned day; a closed crossing removes every route over it */
};

struct hv_place_site {
    struct hv_str id;
    uint32_t country;             /* index into countries */
    int64_t cap[HV_PLACE_N_CAPS]; /* free capacity on the planned day */
    uint32_t langs;               /* bit per instance language */
    uint32_t services;            /* bit per instance service (school, ...) */
};

struct hv_place_route {
    struct hv_str id;
    struct hv_str origin; /* where families start (province or site ref) */
    uint32_t site;        /* index into sites */
    int32_t crossing;     /* index into crossings, -1 when the route crosses none (a flight) */
    double risk;          /* 0..1 */
    double cost;          /* >= 0, any unit, per person */
};

struct hv_place_family {
    struct hv_str id; /* case ref */
    struct hv_str origin;
    int32_t size;    /* people, >= 1 */
    uint8_t kind;    /* enum hv_place_cap 0..3 */
    uint8_t risk;    /* 1..4 */
    int32_t medical; /* people with medical needs */
    uint32_t langs;
    uint32_t wants; /* services wanted */
};

struct hv_place_instance {
    struct hv_place_weights w;
    struct hv_str day; /* planned day, YYYY-MM-DD, may be empty */
    struct hv_place_country *countries;
    size_t n_countries;
    struct hv_place_crossing *crossings;
    size_t n_crossings;
    struct hv_place_site *sites;
    size_t n_sites;
    struct hv_place_route *routes;
    size_t n_routes;
    struct hv_place_family *families;
    size_t n_families;
    struct hv_str langs[HV_PLACE_MAX_LANGS];
    size_t n_langs;
    struct hv_str services[HV_PLACE_MAX_SERVICES];
    size_t n_services;
};

/* Parses the text instance format (docs/internals/PLACEMENT.md, "Instance format") held in
 * data[0..len) into a (strings point into a). Unknown site/crossing/country references,
 * negative capacities, duplicate ids, bad numbers: HV_ERR_INVALID with file:line: field:
 * reason in diag; sizes beyond the limits above: HV_ERR_LIMIT. */
HV_MUST_CHECK enum hv_err hv_place_instance_parse(struct hv_arena *a, const char *file,
                                                  const char *data, size_t len,
                                                  struct hv_place_instance *out,
                                                  struct hv_diag *diag);
/* Writes an instance in the same text format (parse(write(x)) == x). */
HV_MUST_CHECK enum hv_err hv_place_instance_write(const struct hv_place_instance *in,
                                                  struct hv_buf *b);
/* Interns a language or service code into the instance tables; the bit, or 0 when the table
 * is full (HV_PLACE_MAX_LANGS). code must outlive the instance. */
uint32_t hv_place_lang_bit(struct hv_place_instance *in, struct hv_str code);
uint32_t hv_place_service_bit(struct hv_place_instance *in, struct hv_str code);

/* --- the model ---------------------------------------------------------------------- */

#define HV_PLACE_MAX_NZ 5 /* capacity rows one column touches */

/* Why a family has no option at all. */
enum hv_place_why {
    HV_PLACE_WHY_NONE,      /* it has options */
    HV_PLACE_WHY_NO_ROUTE,  /* no open route from its origin to any site */
    HV_PLACE_WHY_TOO_LARGE, /* larger than any reachable site takes (people capacity) */
    HV_PLACE_WHY_NO_BED,    /* no reachable site has a bed of its kind */
    HV_PLACE_WHY_MEDICAL,   /* no reachable site has enough medical places */
    HV_PLACE_WHY_INTERP,    /* shares no language and no interpreter places reachable */
    HV_PLACE_WHY_VALUE,     /* every option is worth <= 0 under the weights */
};
/* A sentence for the reason (no personal data). */
const char *hv_place_why_text(enum hv_place_why w);

/* Columns grouped by family: family f owns columns fam_start[f] .. fam_start[f+1]-1. Rows:
 * site s, cap c is row s*HV_PLACE_N_CAPS + c; country k's quota is row
 * n_sites*HV_PLACE_N_CAPS + k. Rows without a limit have cap = -1 and no coefficients. */
struct hv_place_model {
    const struct hv_place_instance *in; /* borrowed */
    size_t n_fam, n_col, n_row;
    size_t *fam_start; /* n_fam + 1 */
    uint32_t *col_fam;
    uint32_t *col_site;
    uint32_t *col_route;
    double *col_value;
    int32_t *col_row;     /* HV_PLACE_MAX_NZ per column, -1 padded */
    double *col_coef;     /* HV_PLACE_MAX_NZ per column */
    double *row_cap;      /* n_row; -1 = unlimited */
    uint8_t *fam_why;     /* enum hv_place_why per family */
    int64_t largest_site; /* people capacity of the largest site, for messages */
};

/* Builds the model from in (all arrays in a). For every family and site it keeps the best
 * open route (highest value); a family without any option gets its reason in fam_why. */
HV_MUST_CHECK enum hv_err hv_place_model_build(struct hv_arena *a,
                                               const struct hv_place_instance *in,
                                               struct hv_place_model *out, struct hv_diag *diag);
/* The row's name for explanations, e.g. "LOC-SITE-UZ-AIRITOM family_rooms", "quota UZ". */
HV_MUST_CHECK enum hv_err hv_place_row_name(const struct hv_place_model *m, size_t row,
                                            struct hv_buf *b);

/* Writes the exact integer programme (maximise, binary columns) as free MPS or CPLEX LP.
 * Column names are x<family index>_<site index>; families without options are left out.
 * An MPS objective row carries the negated values (MPS minimises): the LP file maximises. */
enum hv_place_format { HV_PLACE_MPS, HV_PLACE_LP };
HV_MUST_CHECK enum hv_err hv_place_model_export(const struct hv_place_model *m,
                                                enum hv_place_format f, struct hv_buf *b);

/* --- solving ------------------------------------------------------------------------ */

struct hv_place_params {
    const char *backend; /* "builtin" (default when NULL) or "cbc" */
    double time_limit;   /* seconds, 0 = 60 */
    double gap;          /* stop when (bound - objective) / bound <= gap; 0 = 1e-4 */
    uint64_t seed;
    bool verbose; /* progress lines on stderr */
};

struct hv_place_result {
    int32_t *assign;  /* per family: column index, or -1 when not placed (heap) */
    double *row_dual; /* per row: price of one unit of capacity from the LP dual (heap) */
    double objective; /* of the plan */
    double bound;     /* proven upper bound (LP relaxation, or CBC's best bound) */
    double gap;       /* (bound - objective) / max(1, |bound|) */
    double t_first;   /* seconds to the first feasible plan */
    double t_total;   /* seconds in the solver */
    size_t n_placed;
    size_t n_fractional; /* families fractional in the LP solution (built-in) */
    bool optimal;        /* proven optimal (CBC) */
    const char *backend;
};
void hv_place_result_finish(struct hv_place_result *r);

/* One solver: fills r (allocating assign and row_dual) with a feasible plan. */
typedef enum hv_err hv_place_solve_fn(const struct hv_place_model *m,
                                      const struct hv_place_params *p, struct hv_place_result *r,
                                      struct hv_diag *diag);
struct hv_place_backend {
    const char *name;
    hv_place_solve_fn *solve;
};
/* The backend called name, or NULL when unknown or not built in. */
const struct hv_place_backend *hv_place_backend_find(const char *name);

/* Solves m with p->backend. HV_ERR_NOTFOUND for an unknown backend, HV_ERR_LIMIT when the
 * time limit ends before any plan (the built-in engine always has one). */
HV_MUST_CHECK enum hv_err hv_place_solve(const struct hv_place_model *m,
                                         const struct hv_place_params *p, struct hv_place_result *r,
                                         struct hv_diag *diag);

/* Recomputes a plan's objective and checks every constraint; HV_ERR_INVALID with the first
 * violation in diag. */
HV_MUST_CHECK enum hv_err hv_place_verify(const struct hv_place_model *m, const int32_t *assign,
                                          double *objective, struct hv_diag *diag);

/* Writes the plan text (docs/internals/PLACEMENT.md, "Plan format"): one "assign FAMILY SITE
 * ROUTE" line per placed family and one "unplaced FAMILY reason" line for every other, with
 * objective, bound and gap first. The checker bench/placement/check reads it. */
HV_MUST_CHECK enum hv_err hv_place_plan_write(const struct hv_place_model *m,
                                              const struct hv_place_result *r, struct hv_buf *b);

/* Why family f went where it did (or not): the binding capacity rows of its site (used up
 * in the plan) with their prices, the price of a bed for it at each option site (sum of
 * dual x coefficient) and the runner-up. One line, no personal data. */
HV_MUST_CHECK enum hv_err hv_place_explain(const struct hv_place_model *m,
                                           const struct hv_place_result *r, size_t f,
                                           struct hv_buf *b);

/* --- plans in the database ------------------------------------------------------------ */

struct hv_place_db_options {
    int32_t day;          /* planned day (days since 1970-01-01) */
    double medical_share; /* medical places per person of capacity at a site with medical */
    double interp_share;  /* interpreter places likewise */
    /* what-if changes applied to the instance read from the database */
    const char *close_crossing; /* treat this crossing as closed, may be NULL */
    const char *site_ref;       /* site losing beds, may be NULL */
    int64_t site_beds_lost;     /* family rooms removed at site_ref */
    const char *quota_country;  /* country with a changed quota, may be NULL */
    int64_t quota;              /* its new quota in people */
};

/* Builds the instance of the day from the database: every case of status "active" with no
 * open stay and no planned or in-transit movement (those hold their beds), its people
 * (sizes, languages, medical needs, bed kind), every site's free beds (capacity minus open
 * stays minus movements heading there), crossings' status on the day (restricted counts as
 * closed: planning never overrides) and the demo's routes (docs/internals/PLACEMENT.md).
 * Reads no sealed field. Strings in a. */
HV_MUST_CHECK enum hv_err hv_place_db_instance(struct hv_ctx *ctx, struct hv_arena *a,
                                               const struct hv_place_db_options *o,
                                               struct hv_place_instance *out, struct hv_diag *diag);

/* Saves a proposed plan (status "proposed") with one row per family (site, route, value,
 * explanation); audited ("place.propose"). *plan_id receives its id. */
HV_MUST_CHECK enum hv_err hv_place_plan_save(struct hv_ctx *ctx, const struct hv_place_model *m,
                                             const struct hv_place_result *r, int32_t day,
                                             int64_t *plan_id, struct hv_diag *diag);

/* Accepts a proposed plan: one planned movement per placed family through the sites module
 * (hv_move_plan, each audited), then the plan's status "accepted" ("place.accept"). A family
 * whose case meanwhile got a movement, or whose crossing closed, is skipped and counted in
 * *n_skipped with the reason stored on its row. HV_ERR_CONFLICT unless the plan is proposed. */
HV_MUST_CHECK enum hv_err hv_place_plan_accept(struct hv_ctx *ctx, int64_t plan_id, size_t *n_moved,
                                               size_t *n_skipped, struct hv_diag *diag);
/* Rejects a proposed plan ("place.reject"), reason required. */
HV_MUST_CHECK enum hv_err hv_place_plan_reject(struct hv_ctx *ctx, int64_t plan_id,
                                               const char *reason, struct hv_diag *diag);

struct hv_place_plan_row {
    struct hv_str case_ref, site_ref, route, why;
    double value;
    int64_t movement_id; /* after accept, 0 otherwise */
};
struct hv_place_plan_info {
    int64_t id;
    struct hv_str status, backend;
    int32_t day;
    int64_t created_at;
    double objective, bound, gap;
    int64_t n_families, n_placed;
    struct hv_place_plan_row *rows; /* when asked for */
    size_t n_rows;
};
/* One plan (rows too when with_rows), into a. HV_ERR_NOTFOUND for an unknown id; id 0 =
 * the newest plan. */
HV_MUST_CHECK enum hv_err hv_place_plan_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t id,
                                            bool with_rows, struct hv_place_plan_info *out);

#endif
