/* movement.c - movements of a case to a site: legs built from the route (crossings and
 * flights), refused on the planned day when a crossing is closed (or restricted, unless
 * overridden), and the life cycle planned -> in_transit -> arrived (which checks the case in)
 * or cancelled. Every step is audited.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "sites/sites_int.h"

#define REF_ARG(r) (int)((r).len > 64 ? 64 : (r).len), (r).ptr
/* Legs one movement may have. */
#define MAX_LEGS 16

/* The kind of the location with ref, or "" when there is none. */
static enum hv_err location_kind(struct hv_ctx *ctx, struct hv_str ref, char kind[17])
{
    static const char sql[] = "SELECT kind FROM location WHERE ref = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    kind[0] = '\0';
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, ref);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err == HV_OK && row) {
        struct hv_str k = hv_stmt_col_text(s, 0);
        snprintf(kind, 17, "%.*s", (int)(k.len > 16 ? 16 : k.len), k.ptr != NULL ? k.ptr : "");
    }
    return err;
}

static enum hv_err check_airport(struct hv_ctx *ctx, struct hv_str ref, struct hv_diag *diag)
{
    char kind[17];
    enum hv_err err = hv__check_ref("flight", ref, diag);
    if (err == HV_OK)
        err = location_kind(ctx, ref, kind);
    if (err != HV_OK)
        return err;
    if (kind[0] == '\0') {
        hv_diag_set(diag, "flight", "no location has ref \"%.*s\"", REF_ARG(ref));
        return HV_ERR_NOTFOUND;
    }
    if (strcmp(kind, "airport") != 0) {
        hv_diag_set(diag, "flight", "%.*s is a %s, not an airport", REF_ARG(ref), kind);
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

/* Where the case is now: its open stay's site, else its registry location. */
static enum hv_err case_origin(struct hv_ctx *ctx, struct hv_arena *a, int64_t case_id,
                               struct hv_str location_ref, struct hv_str *origin)
{
    static const char sql[] = "SELECT site.ref FROM stay JOIN site ON site.id = stay.site_id"
                              " WHERE stay.case_id = ?1 AND stay.check_out IS NULL";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, case_id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    *origin = row ? hv__col_dup(a, s, 0) : location_ref;
    return HV_OK;
}

static void add_leg(struct hv_leg *legs, size_t *n, enum hv_leg_mode mode, struct hv_str from,
                    struct hv_str to, struct hv_str crossing, int32_t day)
{
    struct hv_leg *l = &legs[(*n)++];
    memset(l, 0, sizeof(*l));
    l->seq = (int)*n;
    l->mode = mode;
    l->from_ref = from;
    l->to_ref = to;
    l->crossing_ref = crossing;
    l->day = day;
}

/* Builds the legs: each crossing step goes from the current point to the next step's start
 * (the next flight's airport, the next crossing, or the site); a flight is preceded by a road
 * leg to its airport when the case is elsewhere, and a road leg to the site ends the trip. */
static enum hv_err build_legs(const struct hv_move_request *req, struct hv_str origin,
                              struct hv_leg *legs, size_t *n_legs, struct hv_diag *diag)
{
    size_t n = 0;
    struct hv_str cur = origin;
    if (req->n_steps == 0) {
        hv_diag_set(diag, "via", "a movement needs at least one crossing or flight");
        return HV_ERR_INVALID;
    }
    if (req->n_steps > MAX_LEGS / 2 - 1) {
        hv_diag_set(diag, "via", "at most %d crossings and flights", MAX_LEGS / 2 - 1);
        return HV_ERR_LIMIT;
    }
    for (size_t i = 0; i < req->n_steps; i++) {
        const struct hv_route_step *st = &req->steps[i];
        if (st->flight) {
            if (cur.len > 0 && !hv_str_eq(cur, st->from_ref))
                add_leg(legs, &n, HV_LEG_ROAD, cur, st->from_ref, HV_STR(""), req->day);
            add_leg(legs, &n, HV_LEG_FLIGHT, st->from_ref, st->to_ref, HV_STR(""), req->day);
            cur = st->to_ref;
            continue;
        }
        struct hv_str to = req->site_ref;
        if (i + 1 < req->n_steps)
            to = req->steps[i + 1].flight ? req->steps[i + 1].from_ref
                                          : req->steps[i + 1].crossing_ref;
        add_leg(legs, &n, HV_LEG_CROSSING, cur, to, st->crossing_ref, req->day);
        cur = to;
    }
    if (!hv_str_eq(cur, req->site_ref))
        add_leg(legs, &n, HV_LEG_ROAD, cur, req->site_ref, HV_STR(""), req->day);
    *n_legs = n;
    return HV_OK;
}

/* Checks a crossing leg against the status history. *needs_override is set when the status is
 * restricted or unknown; closed is refused outright. */
static enum hv_err check_crossing(struct hv_ctx *ctx, struct hv_arena *a, const struct hv_leg *l,
                                  bool override, bool *needs_override, struct hv_diag *diag)
{
    struct hv_crossing c;
    enum hv_err err = hv_crossing_get(ctx, a, l->crossing_ref, &c);
    if (err == HV_ERR_NOTFOUND)
        hv_diag_set(diag, "via", "no crossing has ref \"%.*s\"", REF_ARG(l->crossing_ref));
    if (err != HV_OK)
        return err;
    struct hv_crossing_event e;
    err = hv_crossing_status_on_day(ctx, a, l->crossing_ref, l->day, &e);
    if (err != HV_OK)
        return err;
    char day[11], since[11];
    hv_day_format(l->day, day);
    hv_day_format((int32_t)(e.at / HV_SECS_PER_DAY), since);
    if (e.status == HV_CROSSING_OPEN)
        return HV_OK;
    if (e.status == HV_CROSSING_UNKNOWN) {
        if (override) {
            *needs_override = true;
            return HV_OK;
        }
        hv_diag_set(diag, "via",
                    "%.*s has no recorded status on %s (an override with a reason "
                    "may accept it)",
                    HV_STR_ARG(c.name), day);
        return HV_ERR_CONFLICT;
    }
    if (e.status == HV_CROSSING_RESTRICTED && override) {
        *needs_override = true;
        return HV_OK;
    }
    hv_diag_set(diag, "via", "%.*s was %s on %s (since %s, source %.*s)%s", HV_STR_ARG(c.name),
                hv_crossing_status_name(e.status), day, since,
                (int)(e.source.len > 120 ? 120 : e.source.len), e.source.ptr,
                e.status == HV_CROSSING_RESTRICTED
                    ? "; an override with a reason may accept a restricted crossing"
                    : "");
    return HV_ERR_CONFLICT;
}

static enum hv_err active_movement(struct hv_ctx *ctx, int64_t case_id, int64_t *id)
{
    static const char sql[] = "SELECT id FROM movement WHERE case_id = ?1"
                              " AND status IN ('planned', 'in_transit') LIMIT 1";
    return hv_store_query_int(ctx->store, sql, true, case_id, 0, id);
}

static enum hv_err insert_movement(struct hv_ctx *ctx, int64_t case_id, int64_t site_id,
                                   int32_t day, const char *reason, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO movement (case_id, site_id, status, day, override_reason, created_at,"
        " audit_seq) VALUES (?1, ?2, 'planned', ?3, ?4, ?5, 0)";
    static const char id_sql[] = "SELECT max(id) FROM movement WHERE case_id = ?1";
    char d[11];
    hv_day_format(day, d);
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, case_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, site_id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(d));
    if (err == HV_OK)
        err = reason != NULL ? hv_stmt_bind_text(s, 4, hv_str_c(reason)) : hv_stmt_bind_null(s, 4);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 5, hv__sites_now(ctx));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    if (err == HV_OK)
        err = hv_store_query_int(ctx->store, id_sql, true, case_id, 0, id);
    return err;
}

static enum hv_err insert_leg(struct hv_ctx *ctx, struct hv_arena *a, int64_t movement_id,
                              const struct hv_leg *l)
{
    static const char sql[] =
        "INSERT INTO movement_leg (movement_id, seq, mode, from_ref, to_ref, crossing_id, day)"
        " VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM crossing WHERE ref = ?6), ?7)";
    (void)a;
    char d[11];
    hv_day_format(l->day, d);
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, movement_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, l->seq);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 3, hv_str_c(hv_leg_mode_name(l->mode)));
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 4, l->from_ref);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 5, l->to_ref);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 6, l->crossing_ref);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 7, hv_str_c(d));
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static enum hv_err set_seq(struct hv_ctx *ctx, int64_t movement_id, int64_t seq)
{
    static const char sql[] = "UPDATE movement SET audit_seq = ?2 WHERE id = ?1";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, movement_id);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, seq);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

static enum hv_err plan_tx(struct hv_ctx *ctx, struct hv_arena *a,
                           const struct hv_move_request *req, int64_t *movement_id,
                           struct hv_diag *diag)
{
    int64_t case_id = 0, site_id = 0, other = 0, seq = 0;
    struct hv_str location_ref, origin;
    enum hv_err err = hv__case_lookup(ctx, a, req->case_ref, &case_id, &location_ref, diag);
    if (err == HV_OK)
        err = hv__site_id(ctx, req->site_ref, &site_id, diag);
    if (err == HV_OK)
        err = active_movement(ctx, case_id, &other);
    if (err != HV_OK)
        return err;
    if (other != 0) {
        hv_diag_set(diag, "case", "case %.*s already has movement %lld under way; cancel it first",
                    REF_ARG(req->case_ref), (long long)other);
        return HV_ERR_CONFLICT;
    }
    for (size_t i = 0; i < req->n_steps; i++) {
        const struct hv_route_step *st = &req->steps[i];
        if (st->flight) {
            err = check_airport(ctx, st->from_ref, diag);
            if (err == HV_OK)
                err = check_airport(ctx, st->to_ref, diag);
            if (err == HV_OK && hv_str_eq(st->from_ref, st->to_ref)) {
                hv_diag_set(diag, "flight", "a flight needs two different airports");
                err = HV_ERR_INVALID;
            }
        } else {
            err = hv__check_ref("via", st->crossing_ref, diag);
        }
        if (err != HV_OK)
            return err;
    }
    err = case_origin(ctx, a, case_id, location_ref, &origin);
    if (err != HV_OK)
        return err;
    struct hv_leg legs[MAX_LEGS];
    size_t n_legs = 0;
    err = build_legs(req, origin, legs, &n_legs, diag);
    if (err != HV_OK)
        return err;
    bool used_override = false;
    for (size_t i = 0; i < n_legs && err == HV_OK; i++) {
        if (legs[i].mode == HV_LEG_CROSSING)
            err = check_crossing(ctx, a, &legs[i], req->override, &used_override, diag);
    }
    if (err != HV_OK)
        return err;
    if (used_override &&
        (req->reason == NULL || req->reason[0] == '\0' || strlen(req->reason) > 500)) {
        hv_diag_set(diag, "reason", "an override needs a reason (at most 500 bytes)");
        return HV_ERR_INVALID;
    }
    err = insert_movement(ctx, case_id, site_id, req->day, used_override ? req->reason : NULL,
                          movement_id);
    for (size_t i = 0; i < n_legs && err == HV_OK; i++)
        err = insert_leg(ctx, a, *movement_id, &legs[i]);
    char detail[160], d[11];
    hv_day_format(req->day, d);
    if (err == HV_OK) {
        snprintf(detail, sizeof(detail), "case=%.*s to=%.*s day=%s legs=%zu",
                 REF_ARG(req->case_ref), REF_ARG(req->site_ref), d, n_legs);
        err = hv_audit_append(ctx, "move.plan", "movement", *movement_id, detail, NULL, &seq);
    }
    if (err == HV_OK && used_override) {
        snprintf(detail, sizeof(detail), "case=%.*s day=%s crossing status overridden",
                 REF_ARG(req->case_ref), d);
        err = hv_audit_append(ctx, "move.override", "movement", *movement_id, detail, NULL, &seq);
    }
    if (err == HV_OK)
        err = set_seq(ctx, *movement_id, seq);
    return err;
}

enum hv_err hv_move_plan(struct hv_ctx *ctx, const struct hv_move_request *req,
                         int64_t *movement_id, struct hv_diag *diag)
{
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    enum hv_err err = hv_store_begin(ctx->store);
    if (err == HV_OK) {
        err = plan_tx(ctx, &a, req, movement_id, diag);
        if (err != HV_OK)
            hv_store_rollback(ctx->store);
        else
            err = hv_store_commit(ctx->store);
    }
    hv_arena_finish(&a);
    return err;
}

/* --- life cycle ------------------------------------------------------------------------ */

static enum hv_err load_head(struct hv_ctx *ctx, struct hv_arena *a, int64_t id,
                             struct hv_movement *m, struct hv_diag *diag)
{
    static const char sql[] =
        "SELECT movement.id, hv_case.ref, site.ref, movement.status, movement.day,"
        " movement.created_at, coalesce(movement.started_at, 0),"
        " coalesce(movement.arrived_at, 0), coalesce(movement.cancelled_at, 0),"
        " coalesce(movement.stay_id, 0), movement.case_id FROM movement"
        " JOIN hv_case ON hv_case.id = movement.case_id JOIN site ON site.id = movement.site_id"
        " WHERE movement.id = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(diag, "movement", "no movement has id %lld", (long long)id);
        return HV_ERR_NOTFOUND;
    }
    memset(m, 0, sizeof(*m));
    m->id = hv_stmt_col_int(s, 0);
    m->case_ref = hv__col_dup(a, s, 1);
    m->site_ref = hv__col_dup(a, s, 2);
    struct hv_str st = hv_stmt_col_text(s, 3);
    for (int i = HV_MOVE_PLANNED; i <= HV_MOVE_CANCELLED; i++) {
        if (hv_str_eqz(st, hv_move_status_name((enum hv_move_status)i)))
            m->status = (enum hv_move_status)i;
    }
    struct hv_str d = hv_stmt_col_text(s, 4);
    char dz[11];
    snprintf(dz, sizeof(dz), "%.*s", (int)(d.len > 10 ? 10 : d.len), d.ptr != NULL ? d.ptr : "");
    if (!hv_day_parse(dz, &m->day))
        m->day = 0;
    m->created_at = hv_stmt_col_int(s, 5);
    m->started_at = hv_stmt_col_int(s, 6);
    m->arrived_at = hv_stmt_col_int(s, 7);
    m->cancelled_at = hv_stmt_col_int(s, 8);
    m->stay_id = hv_stmt_col_int(s, 9);
    return HV_OK;
}

enum hv_err hv_move_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t movement_id,
                        struct hv_movement *out)
{
    static const char sql[] =
        "SELECT movement_leg.seq, movement_leg.mode, movement_leg.from_ref, movement_leg.to_ref,"
        " coalesce(crossing.ref, ''), movement_leg.day FROM movement_leg"
        " LEFT JOIN crossing ON crossing.id = movement_leg.crossing_id"
        " WHERE movement_leg.movement_id = ?1 ORDER BY movement_leg.seq";
    enum hv_err err = load_head(ctx, a, movement_id, out, NULL);
    if (err != HV_OK)
        return err;
    out->legs = hv_arena_alloc_array(a, MAX_LEGS, sizeof(*out->legs));
    if (out->legs == NULL)
        return HV_ERR_LIMIT;
    struct hv_stmt *s = NULL;
    err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, movement_id);
    while (err == HV_OK && out->n_legs < MAX_LEGS) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        struct hv_leg *l = &out->legs[out->n_legs++];
        memset(l, 0, sizeof(*l));
        l->seq = (int)hv_stmt_col_int(s, 0);
        struct hv_str mode = hv_stmt_col_text(s, 1);
        l->mode = hv_str_eqz(mode, "crossing") ? HV_LEG_CROSSING
                  : hv_str_eqz(mode, "flight") ? HV_LEG_FLIGHT
                                               : HV_LEG_ROAD;
        l->from_ref = hv__col_dup(a, s, 2);
        l->to_ref = hv__col_dup(a, s, 3);
        l->crossing_ref = hv__col_dup(a, s, 4);
        struct hv_str d = hv__col_dup(a, s, 5);
        if (!hv_day_parse(d.ptr, &l->day))
            l->day = 0;
    }
    return err == HV_OK && hv_arena_failed(a) ? HV_ERR_LIMIT : err;
}

static enum hv_err refuse_transition(const struct hv_movement *m, const char *to,
                                     struct hv_diag *diag)
{
    hv_diag_set(diag, "movement", "movement %lld is %s; it cannot become %s", (long long)m->id,
                hv_move_status_name(m->status), to);
    return HV_ERR_CONFLICT;
}

static enum hv_err set_status(struct hv_ctx *ctx, int64_t id, const char *status, int64_t at,
                              int64_t stay_id, int64_t seq)
{
    static const char sql[] =
        "UPDATE movement SET status = ?2, audit_seq = ?4,"
        " started_at = CASE WHEN ?2 = 'in_transit' THEN ?3 ELSE started_at END,"
        " arrived_at = CASE WHEN ?2 = 'arrived' THEN ?3 ELSE arrived_at END,"
        " cancelled_at = CASE WHEN ?2 = 'cancelled' THEN ?3 ELSE cancelled_at END,"
        " stay_id = CASE WHEN ?5 <> 0 THEN ?5 ELSE stay_id END WHERE id = ?1";
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, id);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 2, hv_str_c(status));
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 3, at);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 4, seq);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 5, stay_id);
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

enum move_op { OP_START, OP_ARRIVE, OP_CANCEL };

static enum hv_err transition_tx(struct hv_ctx *ctx, struct hv_arena *a, int64_t id, int64_t at,
                                 enum move_op op, const struct hv_checkin_options *opt,
                                 struct hv_diag *diag)
{
    struct hv_movement m;
    enum hv_err err = load_head(ctx, a, id, &m, diag);
    if (err != HV_OK)
        return err;
    int64_t case_id = 0, seq = 0, stay_id = 0;
    err = hv__case_lookup(ctx, a, m.case_ref, &case_id, NULL, diag);
    if (err != HV_OK)
        return err;
    const char *to = op == OP_START ? "in_transit" : op == OP_ARRIVE ? "arrived" : "cancelled";
    const char *action = op == OP_START    ? "move.start"
                         : op == OP_ARRIVE ? "move.arrive"
                                           : "move.cancel";
    bool ok = (op == OP_START && m.status == HV_MOVE_PLANNED) ||
              (op == OP_ARRIVE && m.status == HV_MOVE_IN_TRANSIT) ||
              (op == OP_CANCEL && (m.status == HV_MOVE_PLANNED || m.status == HV_MOVE_IN_TRANSIT));
    if (!ok)
        return refuse_transition(&m, to, diag);
    if (op == OP_START) {
        bool found = false;
        err = hv__stay_checkout_tx(ctx, case_id, m.case_ref, at, &found, diag);
    } else if (op == OP_ARRIVE) {
        struct hv_checkin_options o = { 0 };
        if (opt != NULL)
            o = *opt;
        if (o.at == 0)
            o.at = at;
        struct hv_stay stay;
        err = hv__stay_checkin_tx(ctx, a, case_id, m.case_ref, m.site_ref, &o, id, &stay, diag);
        stay_id = stay.id;
    }
    if (err != HV_OK)
        return err;
    char detail[160];
    snprintf(detail, sizeof(detail), "case=%.*s to=%.*s status=%s", REF_ARG(m.case_ref),
             REF_ARG(m.site_ref), to);
    err = hv_audit_append(ctx, action, "movement", id, detail, NULL, &seq);
    if (err == HV_OK)
        err = set_status(ctx, id, to, at, stay_id, seq);
    return err;
}

static enum hv_err transition(struct hv_ctx *ctx, int64_t id, int64_t at, enum move_op op,
                              const struct hv_checkin_options *opt, struct hv_diag *diag)
{
    if (at == 0)
        at = hv__sites_now(ctx);
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    enum hv_err err = hv_store_begin(ctx->store);
    if (err == HV_OK) {
        err = transition_tx(ctx, &a, id, at, op, opt, diag);
        if (err != HV_OK)
            hv_store_rollback(ctx->store);
        else
            err = hv_store_commit(ctx->store);
    }
    hv_arena_finish(&a);
    return err;
}

enum hv_err hv_move_start(struct hv_ctx *ctx, int64_t movement_id, int64_t at, struct hv_diag *diag)
{
    return transition(ctx, movement_id, at, OP_START, NULL, diag);
}

enum hv_err hv_move_arrive(struct hv_ctx *ctx, int64_t movement_id, int64_t at,
                           const struct hv_checkin_options *opt, struct hv_diag *diag)
{
    return transition(ctx, movement_id, at, OP_ARRIVE, opt, diag);
}

enum hv_err hv_move_cancel(struct hv_ctx *ctx, int64_t movement_id, int64_t at,
                           struct hv_diag *diag)
{
    return transition(ctx, movement_id, at, OP_CANCEL, NULL, diag);
}
