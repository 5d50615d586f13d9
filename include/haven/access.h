/* access.h - who may do what: users (Argon2id password hashes), roles and site scopes,
 * sessions and API tokens (stored only as keyed hashes), lock-out with back-off after failed
 * logins, and THE policy check, hv_access_check (role x action x site scope x field class).
 * Every handler of `haven serve` goes through hv_access_check; nothing else decides access.
 * The only module besides vault that includes sodium.h. See docs/internals/ACCESS.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_ACCESS_H
#define HV_ACCESS_H

#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/str.h"

enum hv_role {
    HV_ROLE_REGISTRAR,    /* case officer: registers cases, moves them through the pipeline */
    HV_ROLE_VETTING,      /* reviews duplicates and watchlist hits */
    HV_ROLE_SITE_MANAGER, /* checks families in and out at their own site(s) */
    HV_ROLE_PLANNER,      /* placement, forecasts, crossings, movements: aggregates and ids */
    HV_ROLE_AUDITOR,      /* reads the audit chain */
    HV_ROLE_ADMIN,        /* everything, every read audited */
    HV_N_ROLES
};

/* "registrar", "vetting", "site_manager", "planner", "auditor", "admin". */
const char *hv_role_name(enum hv_role r);
HV_MUST_CHECK bool hv_role_parse(struct hv_str s, enum hv_role *out);

/* What a request does. Every route of the server declares one. */
enum hv_action {
    HV_ACT_PUBLIC,          /* no session needed (login, the OpenAPI document) */
    HV_ACT_SELF,            /* any signed-in user about their own session (me, logout) */
    HV_ACT_CASE_LIST,       /* search and list cases */
    HV_ACT_CASE_READ,       /* one case */
    HV_ACT_CASE_ADVANCE,    /* pipeline transition */
    HV_ACT_CASE_HOLD,       /* open or release holds */
    HV_ACT_PERSON_READ,     /* one person */
    HV_ACT_DEDUP_READ,      /* duplicate pairs */
    HV_ACT_DEDUP_DECIDE,    /* accept or reject a pair */
    HV_ACT_HIT_READ,        /* screening hits */
    HV_ACT_HIT_DECIDE,      /* adjudicate a hit */
    HV_ACT_SITE_READ,       /* sites, beds, stays (case ids and head counts) */
    HV_ACT_SITE_STAY,       /* check a case in or out */
    HV_ACT_OCCUPANCY_READ,  /* occupancy figures */
    HV_ACT_CROSSING_READ,   /* crossings and their history */
    HV_ACT_CROSSING_WRITE,  /* record a crossing status */
    HV_ACT_MOVEMENT_READ,   /* movements */
    HV_ACT_MOVEMENT_WRITE,  /* plan movements */
    HV_ACT_PLACEMENT_READ,  /* placement proposals */
    HV_ACT_PLACEMENT_WRITE, /* run, accept or reject placement */
    HV_ACT_FORECAST_READ,   /* forecasts */
    HV_ACT_FORECAST_WRITE,  /* run a forecast */
    HV_ACT_AUDIT_READ,      /* the audit chain */
    HV_ACT_USER_ADMIN,      /* users and tokens */
    HV_N_ACTIONS
};

/* "public", "self", "case.list", "case.read", ... (the x-haven-action of the OpenAPI doc). */
const char *hv_action_name(enum hv_action a);
HV_MUST_CHECK bool hv_action_parse(struct hv_str s, enum hv_action *out);

/* Classes of fields a response may carry; each is allowed or withheld per role. */
enum hv_field_class {
    HV_FC_NONE,       /* ids, steps, statuses, counts: no personal data */
    HV_FC_IDENTITY,   /* names, sex, birth date, nationality, needs */
    HV_FC_DOCUMENT,   /* document kinds and numbers */
    HV_FC_EMPLOYMENT, /* employment evidence */
    HV_FC_SCREENING,  /* watchlist hits and duplicate-review detail */
    HV_N_FIELD_CLASSES
};
const char *hv_field_class_name(enum hv_field_class fc);

#define HV_ACCESS_MAX_SITES 8
#define HV_ACCESS_MAX_NAME  64 /* bytes of a username, NUL included */
#define HV_ACCESS_MAX_REF   68 /* bytes of a site ref, NUL included */

/* The signed-in user a request acts for. */
struct hv_principal {
    int64_t user_id;
    char username[HV_ACCESS_MAX_NAME];
    enum hv_role role;
    size_t n_sites; /* site_manager scope: the site refs below */
    char sites[HV_ACCESS_MAX_SITES][HV_ACCESS_MAX_REF];
};

/* Where the object of a request is: the site it is at (a case's open stay), that site's host
 * country, and the case's host-country disclosure list. Unset parts are NULL / empty. */
struct hv_access_scope {
    const char *site_ref;     /* NUL-terminated, NULL when the object is at no site */
    const char *country;      /* ISO alpha-2 of that site, NULL when none */
    struct hv_str disclosure; /* ';'-list of country codes allowed to see personal fields */
    bool has_disclosure;      /* the object is a case (or part of one) with such a list */
};

/* THE policy check. HV_OK when principal p may perform action a on an object in scope
 * (NULL = not site-specific) seeing fields of class fc; HV_ERR_FORBIDDEN otherwise (with the
 * reason in diag, safe to show: no personal data). Rules (docs/internals/ACCESS.md):
 * 1. the role must hold the action (the role x action table);
 * 2. a site manager acts only on objects at one of their sites (scope->site_ref; an object
 *    at no site is outside it). scope NULL means "before the object is known" (the router's
 *    gate): then only rules 1 and 3 apply, and the handler checks again with the object's
 *    scope. Listing and aggregate reads are filtered by the caller;
 * 3. the role must be allowed fc (site managers and planners never see employment or
 *    screening detail; planners and auditors no identity; auditors nothing personal);
 * 4. a site manager (a host-country official) sees personal fields of a case only when the
 *    country of the site is on the case's disclosure list.
 * Pure: no I/O; thread-safe. */
HV_MUST_CHECK enum hv_err hv_access_check(const struct hv_principal *p, enum hv_action a,
                                          const struct hv_access_scope *scope,
                                          enum hv_field_class fc, struct hv_diag *diag);
/* True when hv_access_check would allow fc (the same rules 3 and 4, for filtering fields). */
bool hv_access_sees(const struct hv_principal *p, const struct hv_access_scope *scope,
                    enum hv_field_class fc);
/* True when the role holds the action at all (rule 1). */
bool hv_access_role_can(enum hv_role r, enum hv_action a);
/* True when the principal's scope covers site_ref (always for roles without a site scope). */
bool hv_access_site_allowed(const struct hv_principal *p, const char *site_ref);

/* --- users -------------------------------------------------------------------------------- */

/* Limits of the password rules. */
#define HV_ACCESS_MIN_PASSWORD 8
#define HV_ACCESS_MAX_PASSWORD 256

/* Creates a user with an Argon2id hash of password (libsodium crypto_pwhash_str, interactive
 * limits). username: [a-z0-9._-], 1..63 bytes; sites: ';'-list of existing site refs (only for
 * site_manager, required there). Audited ("user.add"). HV_ERR_CONFLICT when the name is
 * taken, HV_ERR_INVALID for a bad name, role, site list or password (8..256 bytes). */
HV_MUST_CHECK enum hv_err hv_access_user_add(struct hv_ctx *ctx, const char *username,
                                             enum hv_role role, const char *sites,
                                             const char *password, struct hv_diag *diag);
/* Sets a new password, clears the lock-out and revokes the user's sessions ("user.passwd"). */
HV_MUST_CHECK enum hv_err hv_access_user_passwd(struct hv_ctx *ctx, const char *username,
                                                const char *password, struct hv_diag *diag);
/* Disables (or enables) the user and revokes every session and token ("user.disable"). */
HV_MUST_CHECK enum hv_err hv_access_user_disable(struct hv_ctx *ctx, const char *username,
                                                 bool disabled, struct hv_diag *diag);

struct hv_access_user {
    int64_t id;
    char username[HV_ACCESS_MAX_NAME];
    enum hv_role role;
    char sites[HV_ACCESS_MAX_SITES * HV_ACCESS_MAX_REF];
    bool disabled;
    int64_t failed, locked_until, created_at;
};
typedef enum hv_err hv_access_user_fn(void *ud, const struct hv_access_user *u);
/* Every user by name. */
HV_MUST_CHECK enum hv_err hv_access_user_each(struct hv_ctx *ctx, hv_access_user_fn *fn, void *ud);

/* --- sessions and tokens ------------------------------------------------------------------ */

/* Session tokens start "hvs_", API tokens "hvt_"; 32 random bytes, base64url. */
#define HV_ACCESS_TOKEN_LEN 48 /* bytes of a token, NUL included */
#define HV_ACCESS_CSRF_LEN  44

/* Lock-out: after HV_ACCESS_LOCK_AFTER consecutive failures the account is locked for
 * HV_ACCESS_LOCK_BASE seconds, doubling with each further failure, at most HV_ACCESS_LOCK_MAX. */
#define HV_ACCESS_LOCK_AFTER 5
#define HV_ACCESS_LOCK_BASE  30
#define HV_ACCESS_LOCK_MAX   3600

struct hv_access_session {
    struct hv_principal who;
    char token[HV_ACCESS_TOKEN_LEN]; /* secret: show once, then wipe */
    char csrf[HV_ACCESS_CSRF_LEN];   /* the value mutating cookie requests must echo */
    bool api;                        /* an API token, not a login session */
    int64_t expires_at;
};

/* Verifies username and password and opens a session of ttl seconds. Refusals, each audited
 * ("auth.fail", or "auth.locked") with the user id and never the password: HV_ERR_FORBIDDEN
 * for a wrong name or password or a disabled user (one message for all, so names cannot be
 * probed; the hash work is done for unknown names too), HV_ERR_LIMIT while locked out (diag
 * says for how long). Success is audited ("auth.login") and resets the failure count.
 * Needs ctx->vault (tokens are stored as keyed hashes). */
HV_MUST_CHECK enum hv_err hv_access_login(struct hv_ctx *ctx, const char *username,
                                          const char *password, int64_t ttl,
                                          struct hv_access_session *out, struct hv_diag *diag);
/* Issues an API token for a partner system acting as username, valid ttl seconds
 * ("token.create"). */
HV_MUST_CHECK enum hv_err hv_access_token_create(struct hv_ctx *ctx, const char *username,
                                                 const char *label, int64_t ttl,
                                                 struct hv_access_session *out,
                                                 struct hv_diag *diag);
/* Looks a token up: HV_OK with out filled (token left empty) when it is live;
 * HV_ERR_NOTFOUND when it is unknown, revoked, expired or its user disabled. Read-only. */
HV_MUST_CHECK enum hv_err hv_access_authenticate(struct hv_ctx *ctx, struct hv_str token,
                                                 struct hv_access_session *out);
/* Revokes the token (logout), audited ("auth.logout"); HV_ERR_NOTFOUND when not live. */
HV_MUST_CHECK enum hv_err hv_access_logout(struct hv_ctx *ctx, struct hv_str token);
/* Sets a token's expiry (tests of expired tokens, `haven user expire`). Not audited. */
HV_MUST_CHECK enum hv_err hv_access_token_expire(struct hv_ctx *ctx, struct hv_str token,
                                                 int64_t expires_at);

/* Keyed hash of a token as stored (BLAKE2b-256 under the vault's index key). */
void hv_access_token_hash(const struct hv_ctx *ctx, struct hv_str token, uint8_t out[32]);
/* Constant-time comparison of two byte strings of equal length n. */
bool hv_access_equal(const void *a, const void *b, size_t n);
/* Wipes secret memory (tokens, passwords). */
void hv_access_wipe(void *p, size_t n);

#endif
