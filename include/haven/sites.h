/* sites.h - host sites with beds by kind and services, stays (check-in and check-out of whole
 * cases), occupancy now and as daily series, border crossings with a dated status history, and
 * movements of a case (legs via crossings or flights, planned -> in transit -> arrived).
 * See docs/internals/SITES.md for the rules and docs/formats.md for the CSV layouts.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_SITES_H
#define HV_SITES_H

#include "haven/buf.h"
#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/str.h"

struct hv_arena;

/* Upper bound on a sites/crossings/status CSV file (HV_ERR_LIMIT beyond it). */
#define HV_SITES_MAX_FILE (16u << 20)
/* Upper bound on the beds of one kind at one site. */
#define HV_SITES_MAX_BEDS 1000000
/* Longest occupancy series, in days (HV_ERR_LIMIT beyond it). */
#define HV_OCCUPANCY_MAX_DAYS 3660

#define HV_SECS_PER_DAY 86400

/* --- sites ---------------------------------------------------------------------------- */

enum hv_bed_kind {
    HV_BED_FAMILY_ROOM,  /* a room for one family (one case of two or more people) */
    HV_BED_SINGLE_MEN,   /* a bed for one adult man travelling alone */
    HV_BED_SINGLE_WOMEN, /* a bed for one adult woman (or adult of sex X) travelling alone */
    HV_BED_MINORS,       /* a bed for one unaccompanied minor */
    HV_N_BED_KINDS
};

/* "family_rooms", "single_men", "single_women", "minors" (the sites.csv columns). */
const char *hv_bed_kind_name(enum hv_bed_kind k);
/* Parses a column name as above; false when unknown. */
HV_MUST_CHECK bool hv_bed_kind_parse(struct hv_str s, enum hv_bed_kind *out);

struct hv_site {
    int64_t id;        /* database id, 0 before it is stored */
    struct hv_str ref; /* the location ref, e.g. LOC-SITE-UZ-AIRITOM */
    struct hv_str name;
    struct hv_str country;        /* ISO 3166-1 alpha-2 */
    double lat, lon;              /* WGS84 degrees */
    int64_t beds[HV_N_BED_KINDS]; /* capacity: rooms for family_rooms, beds otherwise */
    struct hv_str services;       /* ';'-list of medical, school, interpreter */
    struct hv_str languages;      /* ';'-list of ISO 639-3 codes */
    struct hv_str note;
};

/* Parses a sites CSV held in data[0..len) (the layout of data/demo/sites.csv, see
 * docs/formats.md) into an arena array. file names the input in diag. Errors: HV_ERR_INVALID
 * or HV_ERR_LIMIT with file, line, field and reason in diag. Strings point into a. */
HV_MUST_CHECK enum hv_err hv_sites_parse_csv(struct hv_arena *a, const char *file, const char *data,
                                             size_t len, struct hv_site **out, size_t *n_out,
                                             struct hv_diag *diag);

struct hv_load_counts {
    uint64_t created, updated, unchanged;
};

/* Loads a sites CSV file: new refs are created, changed rows updated (a capacity change is
 * recorded in the capacity history), identical rows left alone; one transaction, one audit
 * entry ("site.load"). All or nothing. counts may be NULL. */
HV_MUST_CHECK enum hv_err hv_sites_load_file(struct hv_ctx *ctx, const char *path,
                                             struct hv_load_counts *counts, struct hv_diag *diag);

/* Loads one site by ref into a (HV_ERR_NOTFOUND when none). */
HV_MUST_CHECK enum hv_err hv_site_get(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str ref,
                                      struct hv_site *out);
/* All sites in ref order, into a. */
HV_MUST_CHECK enum hv_err hv_site_list(struct hv_ctx *ctx, struct hv_arena *a, struct hv_site **out,
                                       size_t *n_out);

/* Sets the capacity of one bed kind at a site from time `at` (0 = now), recorded in the
 * capacity history and audited ("site.capacity"). Lowering it below the beds in use at that
 * time is HV_ERR_CONFLICT. */
HV_MUST_CHECK enum hv_err hv_site_set_capacity(struct hv_ctx *ctx, struct hv_str site_ref,
                                               enum hv_bed_kind kind, int64_t beds, int64_t at,
                                               struct hv_diag *diag);

/* --- stays ---------------------------------------------------------------------------- */

struct hv_checkin_options {
    int64_t at;         /* check-in time, 0 = now */
    bool override;      /* allow going over capacity (needs reason) */
    const char *reason; /* why the override; stored with the stay, NUL-terminated */
    bool has_kind;      /* use kind instead of the automatic rule */
    enum hv_bed_kind kind;
    int64_t bed_no; /* a particular bed (1-based), 0 = the lowest free one */
};

struct hv_stay {
    int64_t id;
    int64_t case_id;
    struct hv_str case_ref;
    int64_t site_id;
    struct hv_str site_ref;
    enum hv_bed_kind kind;
    int64_t bed_no; /* 1..capacity, or above capacity for an override bed */
    int64_t n_people;
    int64_t check_in;  /* seconds since the epoch, UTC */
    int64_t check_out; /* 0 while the case is still there */
    bool override;     /* checked in over capacity */
};

/* Chooses the bed kind for a case under the rule of docs/internals/SITES.md: two or more
 * people -> a family room; one person -> minors when marked unaccompanied_minor or possibly
 * under 18 on `at` by their birth date, else single_men (M) or single_women (F or X). A lone
 * adult with no recorded sex is HV_ERR_INVALID (pass a kind). Reads the case's people (the
 * birth date is sealed: needs the vault). *n_people receives the head count. */
HV_MUST_CHECK enum hv_err hv_stay_choose_kind(struct hv_ctx *ctx, int64_t case_id, int64_t at,
                                              enum hv_bed_kind *kind, int64_t *n_people,
                                              struct hv_diag *diag);

/* Checks a whole case in at a site: all its people together, in one family room or one single
 * bed of the kind the rule gives. Refused (HV_ERR_CONFLICT, reason in diag) when the case is
 * already checked in somewhere, when the bed asked for is taken, or when every bed of the kind
 * is taken and opt->override is not set; an override needs a reason and is audited as
 * "stay.override". out (may be NULL) receives the stay, its strings in a. */
HV_MUST_CHECK enum hv_err hv_stay_checkin(struct hv_ctx *ctx, struct hv_arena *a,
                                          struct hv_str case_ref, struct hv_str site_ref,
                                          const struct hv_checkin_options *opt, struct hv_stay *out,
                                          struct hv_diag *diag);

/* Checks the case out of its open stay at time at (0 = now); HV_ERR_NOTFOUND when it has
 * none, HV_ERR_INVALID when at is before the check-in. Audited ("stay.checkout"). */
HV_MUST_CHECK enum hv_err hv_stay_checkout(struct hv_ctx *ctx, struct hv_arena *a,
                                           struct hv_str case_ref, int64_t at, struct hv_stay *out,
                                           struct hv_diag *diag);

/* Stays at a site (site_id 0 = all sites) open at time at (0 = now), in bed order. */
HV_MUST_CHECK enum hv_err hv_stay_list_open(struct hv_ctx *ctx, struct hv_arena *a, int64_t site_id,
                                            int64_t at, struct hv_stay **out, size_t *n_out);

/* --- occupancy ------------------------------------------------------------------------ */

/* Beds in use and capacity at one instant (or for one census day). */
struct hv_occupancy {
    int64_t used[HV_N_BED_KINDS];
    int64_t cap[HV_N_BED_KINDS];
    int64_t people;
};

/* Sums used/cap over the kinds. */
int64_t hv_occupancy_used(const struct hv_occupancy *o);
int64_t hv_occupancy_cap(const struct hv_occupancy *o);

/* Occupancy of one site at instant at (0 = now): a stay counts when check_in <= at and it was
 * not checked out by at. */
HV_MUST_CHECK enum hv_err hv_site_occupancy_at(struct hv_ctx *ctx, int64_t site_id, int64_t at,
                                               struct hv_occupancy *out);

/* A daily series for one site or one country. days[i] is the census of day first_day + i
 * (days since 1970-01-01), taken at 23:59:59 UTC of that day. */
struct hv_occupancy_series {
    struct hv_str key;  /* site ref, or country code when grouped by country */
    struct hv_str name; /* site name, or the country code again */
    int32_t first_day;
    size_t n_days;
    struct hv_occupancy *days;
};

enum hv_occupancy_group { HV_OCC_BY_SITE, HV_OCC_BY_COUNTRY };

/* Computes the daily series over [from_day, to_day] (inclusive, at most HV_OCCUPANCY_MAX_DAYS)
 * for every site or country; filter (may be empty) keeps one site ref or one country. One pass
 * over the stays that overlap the range. Arrays in a, in key order. */
HV_MUST_CHECK enum hv_err hv_occupancy_series(struct hv_ctx *ctx, struct hv_arena *a,
                                              int32_t from_day, int32_t to_day,
                                              enum hv_occupancy_group group, struct hv_str filter,
                                              struct hv_occupancy_series **out, size_t *n_out,
                                              struct hv_diag *diag);

/* Writes an SVG chart of one series (beds used as a filled area, capacity as a line, one
 * point per day) into b; a site manager's picture of the same figures. */
HV_MUST_CHECK enum hv_err hv_occupancy_svg(struct hv_buf *b, const struct hv_occupancy_series *s);

/* Writes a one-line text sparkline of used/capacity per day (▁..█, '!' over capacity) into
 * b, at most width characters (days are grouped by their maximum when there are more). */
HV_MUST_CHECK enum hv_err hv_occupancy_sparkline(struct hv_buf *b,
                                                 const struct hv_occupancy_series *s, size_t width);

/* --- crossings ------------------------------------------------------------------------ */

enum hv_crossing_status {
    HV_CROSSING_UNKNOWN, /* nothing recorded yet at that time */
    HV_CROSSING_OPEN,
    HV_CROSSING_RESTRICTED,
    HV_CROSSING_CLOSED,
};

/* "unknown", "open", "restricted", "closed". */
const char *hv_crossing_status_name(enum hv_crossing_status s);
HV_MUST_CHECK bool hv_crossing_status_parse(struct hv_str s, enum hv_crossing_status *out);

struct hv_crossing {
    int64_t id;
    struct hv_str ref; /* the location ref, e.g. LOC-X-TERMEZ-HAIRATAN */
    struct hv_str name;
    struct hv_str countries; /* ';'-list, host country first */
    double lat, lon;
    struct hv_str mode; /* ';'-list of road, rail */
    int64_t opened;     /* year, 0 when not known */
    struct hv_str source;
    struct hv_str note;
};

/* One dated status change of a crossing. */
struct hv_crossing_event {
    int64_t id;
    struct hv_str crossing_ref;
    int64_t at; /* seconds since the epoch, UTC (a date means 00:00 UTC) */
    enum hv_crossing_status status;
    struct hv_str source;
    struct hv_str note;
    uint64_t line; /* CSV line it was parsed from, 0 when read from the store */
};

/* Parse crossings.csv and crossing_status.csv layouts (docs/formats.md); as hv_sites_parse_csv. */
HV_MUST_CHECK enum hv_err hv_crossings_parse_csv(struct hv_arena *a, const char *file,
                                                 const char *data, size_t len,
                                                 struct hv_crossing **out, size_t *n_out,
                                                 struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv_crossing_status_parse_csv(struct hv_arena *a, const char *file,
                                                       const char *data, size_t len,
                                                       struct hv_crossing_event **out,
                                                       size_t *n_out, struct hv_diag *diag);

/* Load the files (upsert by ref; a status row already recorded is left alone), each in one
 * transaction with one audit entry ("crossing.load", "crossing.status_load"). A status row
 * naming an unknown crossing is HV_ERR_INVALID with its line. */
HV_MUST_CHECK enum hv_err hv_crossings_load_file(struct hv_ctx *ctx, const char *path,
                                                 struct hv_load_counts *counts,
                                                 struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv_crossing_status_load_file(struct hv_ctx *ctx, const char *path,
                                                       struct hv_load_counts *counts,
                                                       struct hv_diag *diag);

HV_MUST_CHECK enum hv_err hv_crossing_get(struct hv_ctx *ctx, struct hv_arena *a, struct hv_str ref,
                                          struct hv_crossing *out);
HV_MUST_CHECK enum hv_err hv_crossing_list(struct hv_ctx *ctx, struct hv_arena *a,
                                           struct hv_crossing **out, size_t *n_out);
/* The status history of one crossing, oldest first. */
HV_MUST_CHECK enum hv_err hv_crossing_history(struct hv_ctx *ctx, struct hv_arena *a,
                                              struct hv_str ref, struct hv_crossing_event **out,
                                              size_t *n_out);

/* The status in force at instant at: the latest change with time <= at (status UNKNOWN and
 * at = 0 when there is none). HV_ERR_NOTFOUND for an unknown crossing. */
HV_MUST_CHECK enum hv_err hv_crossing_status_at(struct hv_ctx *ctx, struct hv_arena *a,
                                                struct hv_str ref, int64_t at,
                                                struct hv_crossing_event *out);
/* The status for a whole day (days since 1970-01-01): the most restrictive status in force at
 * any moment of that UTC day (closed > restricted > unknown > open), with the change that set
 * it. This is what movement planning checks. */
HV_MUST_CHECK enum hv_err hv_crossing_status_on_day(struct hv_ctx *ctx, struct hv_arena *a,
                                                    struct hv_str ref, int32_t day,
                                                    struct hv_crossing_event *out);

/* Records a status change (source required; note may be empty), audited ("crossing.status"). */
HV_MUST_CHECK enum hv_err hv_crossing_set_status(struct hv_ctx *ctx, struct hv_str ref,
                                                 enum hv_crossing_status status, int64_t at,
                                                 struct hv_str source, struct hv_str note,
                                                 struct hv_diag *diag);

/* --- movements ------------------------------------------------------------------------ */

enum hv_leg_mode { HV_LEG_ROAD, HV_LEG_CROSSING, HV_LEG_FLIGHT };
const char *hv_leg_mode_name(enum hv_leg_mode m); /* "road", "crossing", "flight" */

enum hv_move_status {
    HV_MOVE_PLANNED,
    HV_MOVE_IN_TRANSIT,
    HV_MOVE_ARRIVED,
    HV_MOVE_CANCELLED,
};
const char *hv_move_status_name(enum hv_move_status s); /* "planned", "in_transit", ... */

/* One step of a route as the planner gives it: over a crossing, or a flight between two
 * airports (locations of kind airport). */
struct hv_route_step {
    bool flight;
    struct hv_str crossing_ref; /* when !flight */
    struct hv_str from_ref;     /* airport, when flight */
    struct hv_str to_ref;       /* airport, when flight */
};

struct hv_leg {
    int seq; /* 1, 2, ... */
    enum hv_leg_mode mode;
    struct hv_str from_ref; /* location, site, crossing or airport ref; "" when unknown */
    struct hv_str to_ref;
    struct hv_str crossing_ref; /* for HV_LEG_CROSSING */
    int32_t day;                /* planned day, days since 1970-01-01 */
};

struct hv_move_request {
    struct hv_str case_ref;
    struct hv_str site_ref; /* destination site */
    const struct hv_route_step *steps;
    size_t n_steps;
    int32_t day;        /* planned day of every leg */
    bool override;      /* accept restricted or unknown crossing status */
    const char *reason; /* required with override; NUL-terminated */
};

struct hv_movement {
    int64_t id;
    struct hv_str case_ref;
    struct hv_str site_ref;
    enum hv_move_status status;
    int32_t day;
    int64_t created_at, started_at, arrived_at, cancelled_at; /* 0 when not (yet) */
    struct hv_leg *legs;
    size_t n_legs;
    int64_t stay_id; /* the stay arrival created, 0 before */
};

/* Plans a movement: legs from the case's current place (its open stay's site, else its
 * registry location) through the route to the site. Refused (HV_ERR_CONFLICT) when a crossing
 * leg's crossing is closed on the day, or restricted / without a recorded status unless
 * overridden with a reason - diag then says e.g. "Termez–Hairatan Friendship Bridge was closed
 * on 2021-08-31 (since 2021-08-30, source ...)"; when the case already has a planned or
 * in-transit movement. Unknown refs are HV_ERR_NOTFOUND; a flight endpoint that is not an
 * airport is HV_ERR_INVALID. Audited ("move.plan", and "move.override" when used). */
HV_MUST_CHECK enum hv_err hv_move_plan(struct hv_ctx *ctx, const struct hv_move_request *req,
                                       int64_t *movement_id, struct hv_diag *diag);

/* planned -> in_transit at time at (0 = now); checks the case out of its open stay, if any. */
HV_MUST_CHECK enum hv_err hv_move_start(struct hv_ctx *ctx, int64_t movement_id, int64_t at,
                                        struct hv_diag *diag);
/* in_transit -> arrived: checks the case in at the destination site (opt as for
 * hv_stay_checkin, opt->at defaults to at). A full site refuses the arrival unless opt
 * overrides. */
HV_MUST_CHECK enum hv_err hv_move_arrive(struct hv_ctx *ctx, int64_t movement_id, int64_t at,
                                         const struct hv_checkin_options *opt,
                                         struct hv_diag *diag);
/* planned or in_transit -> cancelled. */
HV_MUST_CHECK enum hv_err hv_move_cancel(struct hv_ctx *ctx, int64_t movement_id, int64_t at,
                                         struct hv_diag *diag);
/* One movement with its legs, into a. */
HV_MUST_CHECK enum hv_err hv_move_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t movement_id,
                                      struct hv_movement *out);

/* --- demo ----------------------------------------------------------------------------- */

/* Loads sites.csv, crossings.csv and crossing_status.csv from the scenario directory that
 * hv_demo_generate wrote (call it after the registry import). Idempotent. */
HV_MUST_CHECK enum hv_err hv_sites_demo_load(struct hv_ctx *ctx, const char *scenario_dir,
                                             struct hv_diag *diag);

/* "YYYY-MM-DD" for a day number (days since 1970-01-01), out at least 11 bytes. */
void hv_day_format(int32_t day, char out[11]);
/* Parses "YYYY-MM-DD" into a day number. */
HV_MUST_CHECK bool hv_day_parse(const char *z, int32_t *out);

#endif
