/* test_access.c - the access module: the policy table (role x action x site scope x field
 * class, disclosure lists), users with Argon2id hashes, sign-in with lock-out and back-off,
 * sessions and API tokens stored hashed, expiry, logout and disabled users.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/audit.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "test.h"

static int64_t now_value = 1700000000;

static int64_t fake_now(void *ud)
{
    (void)ud;
    return now_value;
}

static struct hv_principal principal(enum hv_role role, const char *site)
{
    struct hv_principal p;
    memset(&p, 0, sizeof(p));
    snprintf(p.username, sizeof(p.username), "%s", hv_role_name(role));
    p.role = role;
    if (site != NULL) {
        snprintf(p.sites[0], sizeof(p.sites[0]), "%s", site);
        p.n_sites = 1;
    }
    return p;
}

static void test_names(void)
{
    enum hv_role r;
    enum hv_action a;
    for (int i = 0; i < HV_N_ROLES; i++) {
        CHECK(hv_role_parse(hv_str_c(hv_role_name((enum hv_role)i)), &r));
        CHECK_EQ_INT(r, i);
    }
    for (int i = 0; i < HV_N_ACTIONS; i++) {
        CHECK(hv_action_parse(hv_str_c(hv_action_name((enum hv_action)i)), &a));
        CHECK_EQ_INT(a, i);
    }
    CHECK(!hv_role_parse(HV_STR("root"), &r));
    CHECK(!hv_action_parse(HV_STR("case.delete"), &a));
}

static void test_policy_roles(void)
{
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_principal aud = principal(HV_ROLE_AUDITOR, NULL);
    CHECK_EQ_INT(hv_access_check(&aud, HV_ACT_AUDIT_READ, NULL, HV_FC_NONE, &d), HV_OK);
    CHECK_EQ_INT(hv_access_check(&aud, HV_ACT_CASE_READ, NULL, HV_FC_NONE, &d), HV_ERR_FORBIDDEN);
    CHECK(strstr(d.msg, "auditor") != NULL);
    struct hv_principal reg = principal(HV_ROLE_REGISTRAR, NULL);
    CHECK_EQ_INT(hv_access_check(&reg, HV_ACT_CASE_ADVANCE, NULL, HV_FC_NONE, &d), HV_OK);
    CHECK_EQ_INT(hv_access_check(&reg, HV_ACT_HIT_DECIDE, NULL, HV_FC_NONE, &d), HV_ERR_FORBIDDEN);
    CHECK_EQ_INT(hv_access_check(&reg, HV_ACT_AUDIT_READ, NULL, HV_FC_NONE, &d), HV_ERR_FORBIDDEN);
    CHECK(hv_access_sees(&reg, NULL, HV_FC_EMPLOYMENT));
    struct hv_principal vet = principal(HV_ROLE_VETTING, NULL);
    CHECK(!hv_access_sees(&vet, NULL, HV_FC_EMPLOYMENT));
    CHECK(hv_access_sees(&vet, NULL, HV_FC_SCREENING));
    struct hv_principal pln = principal(HV_ROLE_PLANNER, NULL);
    CHECK(!hv_access_sees(&pln, NULL, HV_FC_IDENTITY));
    CHECK(hv_access_sees(&pln, NULL, HV_FC_NONE));
    CHECK_EQ_INT(hv_access_check(&pln, HV_ACT_PERSON_READ, NULL, HV_FC_IDENTITY, &d),
                 HV_ERR_FORBIDDEN);
    CHECK_EQ_INT(hv_access_check(&pln, HV_ACT_CROSSING_WRITE, NULL, HV_FC_NONE, &d), HV_OK);
    /* Only admins manage users; everyone may use public and self routes. */
    for (int r = 0; r < HV_N_ROLES; r++) {
        CHECK_EQ_INT(hv_access_role_can((enum hv_role)r, HV_ACT_USER_ADMIN), r == HV_ROLE_ADMIN);
        CHECK(hv_access_role_can((enum hv_role)r, HV_ACT_PUBLIC));
        CHECK(hv_access_role_can((enum hv_role)r, HV_ACT_SELF));
    }
    CHECK(!hv_access_role_can((enum hv_role)99, HV_ACT_PUBLIC));
    CHECK_EQ_INT(hv_access_check(NULL, HV_ACT_PUBLIC, NULL, HV_FC_NONE, &d), HV_ERR_FORBIDDEN);
}

static void test_policy_sites(void)
{
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_principal sm = principal(HV_ROLE_SITE_MANAGER, "SITE-A");
    struct hv_access_scope at_a = {
        .site_ref = "SITE-A", .country = "UZ", .disclosure = HV_STR("UZ;TJ"), .has_disclosure = true
    };
    struct hv_access_scope at_b = at_a;
    at_b.site_ref = "SITE-B";
    struct hv_access_scope nowhere = at_a;
    nowhere.site_ref = NULL;
    CHECK_EQ_INT(hv_access_check(&sm, HV_ACT_CASE_READ, &at_a, HV_FC_IDENTITY, &d), HV_OK);
    CHECK_EQ_INT(hv_access_check(&sm, HV_ACT_CASE_READ, &at_b, HV_FC_NONE, &d), HV_ERR_FORBIDDEN);
    CHECK(strstr(d.msg, "own sites") != NULL);
    CHECK_EQ_INT(hv_access_check(&sm, HV_ACT_CASE_READ, &nowhere, HV_FC_NONE, &d),
                 HV_ERR_FORBIDDEN);
    /* The router's gate (no object yet) checks the role only. */
    CHECK_EQ_INT(hv_access_check(&sm, HV_ACT_CASE_READ, NULL, HV_FC_NONE, &d), HV_OK);
    /* Never employment or screening detail, even at their own site. */
    CHECK(!hv_access_sees(&sm, &at_a, HV_FC_EMPLOYMENT));
    CHECK(!hv_access_sees(&sm, &at_a, HV_FC_SCREENING));
    /* Disclosure lists: a host-country official sees names only when listed. */
    struct hv_access_scope undisclosed = at_a;
    undisclosed.disclosure = HV_STR("TJ;KZ");
    CHECK(!hv_access_sees(&sm, &undisclosed, HV_FC_IDENTITY));
    CHECK(hv_access_sees(&sm, &undisclosed, HV_FC_NONE));
    undisclosed.disclosure = HV_STR("");
    CHECK(!hv_access_sees(&sm, &undisclosed, HV_FC_DOCUMENT));
    undisclosed.disclosure = HV_STR("UZX;U");
    CHECK(!hv_access_sees(&sm, &undisclosed, HV_FC_IDENTITY));
    /* Other roles are not host-country officials. */
    struct hv_principal reg = principal(HV_ROLE_REGISTRAR, NULL);
    CHECK(hv_access_sees(&reg, &undisclosed, HV_FC_IDENTITY));
    CHECK(hv_access_site_allowed(&reg, NULL));
    CHECK(!hv_access_site_allowed(&sm, "SITE-AB"));
}

struct fixture {
    char dir[64], db[96], key[96];
    struct hv_store *st;
    struct hv_vault *v;
    struct hv_ctx ctx;
};

static void fixture_open(struct fixture *fx)
{
    memset(fx, 0, sizeof(*fx));
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/hv_access_XXXXXX");
    CHECK(mkdtemp(fx->dir) != NULL);
    snprintf(fx->db, sizeof(fx->db), "%s/a.db", fx->dir);
    snprintf(fx->key, sizeof(fx->key), "%s/a.key", fx->dir);
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_store_options opt = { .create = true };
    CHECK_OK(hv_vault_keyfile_create(fx->key, &d));
    CHECK_OK(hv_store_open(fx->db, &opt, &fx->st, &d));
    CHECK_OK(hv_store_migrate(fx->st, &d));
    struct hv_vault_key_source src = { .key_file = fx->key };
    CHECK_OK(hv_vault_setup(fx->st, &src, &d));
    CHECK_OK(hv_vault_open(fx->st, &src, &fx->v, &d));
    CHECK_OK(hv_store_exec(fx->st, "INSERT INTO site (ref, name, country, lat, lon, family_rooms,"
                                   " single_men, single_women, minors, created_at, updated_at)"
                                   " VALUES ('SITE-A', 'A', 'UZ', 0, 0, 1, 1, 1, 1, 0, 0)"));
    fx->ctx.store = fx->st;
    fx->ctx.vault = fx->v;
    fx->ctx.actor = "unit";
    fx->ctx.clock.now = fake_now;
}

static void fixture_close(struct fixture *fx)
{
    hv_vault_destroy(fx->v);
    hv_store_close(fx->st);
    char p[160];
    const char *names[] = { "a.db", "a.db-wal", "a.db-shm", "a.key" };
    for (size_t i = 0; i < HV_ARRAY_LEN(names); i++) {
        snprintf(p, sizeof(p), "%s/%s", fx->dir, names[i]);
        unlink(p);
    }
    rmdir(fx->dir);
}

static int64_t count(struct fixture *fx, const char *sql)
{
    int64_t n = -1;
    if (hv_store_query_int(fx->st, sql, false, 0, -1, &n) != HV_OK)
        return -2;
    return n;
}

static void test_users_and_sessions(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_access_user_add(&fx.ctx, "ana", HV_ROLE_REGISTRAR, "", "ana password", &d));
    CHECK_EQ_INT(hv_access_user_add(&fx.ctx, "ana", HV_ROLE_VETTING, "", "other password", &d),
                 HV_ERR_CONFLICT);
    CHECK_EQ_INT(hv_access_user_add(&fx.ctx, "Bad Name", HV_ROLE_VETTING, "", "long enough", &d),
                 HV_ERR_INVALID);
    CHECK_EQ_INT(hv_access_user_add(&fx.ctx, "bob", HV_ROLE_VETTING, "", "short", &d),
                 HV_ERR_INVALID);
    CHECK_EQ_INT(hv_access_user_add(&fx.ctx, "sam", HV_ROLE_SITE_MANAGER, "", "sam password", &d),
                 HV_ERR_INVALID);
    CHECK_EQ_INT(
        hv_access_user_add(&fx.ctx, "sam", HV_ROLE_SITE_MANAGER, "NOPE", "sam password", &d),
        HV_ERR_NOTFOUND);
    CHECK_OK(
        hv_access_user_add(&fx.ctx, "sam", HV_ROLE_SITE_MANAGER, "SITE-A", "sam password", &d));
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM access_user WHERE pw_hash LIKE '$argon2id$%'"),
                 2);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM audit_log WHERE action = 'user.add'"), 2);

    /* Sign in: a session token, stored only as a keyed hash. */
    struct hv_access_session s;
    CHECK_OK(hv_access_login(&fx.ctx, "sam", "sam password", 3600, &s, &d));
    CHECK(strncmp(s.token, "hvs_", 4) == 0 && strlen(s.token) == 47);
    CHECK_EQ_INT(s.who.role, HV_ROLE_SITE_MANAGER);
    CHECK_EQ_INT((int64_t)s.who.n_sites, 1);
    CHECK_EQ_STR(s.who.sites[0], "SITE-A");
    uint8_t h[32];
    hv_access_token_hash(&fx.ctx, hv_str_c(s.token), h);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM access_token WHERE length(token_hash) = 32"), 1);
    struct hv_access_session look;
    CHECK_OK(hv_access_authenticate(&fx.ctx, hv_str_c(s.token), &look));
    CHECK_EQ_STR(look.who.username, "sam");
    CHECK_EQ_STR(look.csrf, s.csrf);
    CHECK(look.token[0] == '\0');
    CHECK_EQ_INT(hv_access_authenticate(&fx.ctx, HV_STR("hvs_forged-token-value-0000"), &look),
                 HV_ERR_NOTFOUND);
    CHECK_EQ_INT(hv_access_authenticate(&fx.ctx, HV_STR("'; DROP TABLE x; --"), &look),
                 HV_ERR_NOTFOUND);
    /* Expiry by the clock. */
    now_value += 3601;
    CHECK_EQ_INT(hv_access_authenticate(&fx.ctx, hv_str_c(s.token), &look), HV_ERR_NOTFOUND);

    /* Logout revokes. */
    CHECK_OK(hv_access_login(&fx.ctx, "ana", "ana password", 3600, &s, &d));
    CHECK_OK(hv_access_logout(&fx.ctx, hv_str_c(s.token)));
    CHECK_EQ_INT(hv_access_authenticate(&fx.ctx, hv_str_c(s.token), &look), HV_ERR_NOTFOUND);
    CHECK_EQ_INT(hv_access_logout(&fx.ctx, hv_str_c(s.token)), HV_ERR_NOTFOUND);

    /* Wrong passwords and unknown users: one refusal; lock-out with back-off. */
    CHECK_EQ_INT(hv_access_login(&fx.ctx, "nobody", "whatever pw", 60, &s, &d), HV_ERR_FORBIDDEN);
    char msg_unknown[320];
    snprintf(msg_unknown, sizeof(msg_unknown), "%s", d.msg);
    CHECK_EQ_INT(hv_access_login(&fx.ctx, "ana", "wrong pw 1", 60, &s, &d), HV_ERR_FORBIDDEN);
    CHECK_EQ_STR(d.msg, msg_unknown);
    for (int i = 0; i < HV_ACCESS_LOCK_AFTER - 1; i++)
        CHECK_EQ_INT(hv_access_login(&fx.ctx, "ana", "wrong pw 2", 60, &s, &d), HV_ERR_FORBIDDEN);
    CHECK_EQ_INT(hv_access_login(&fx.ctx, "ana", "ana password", 60, &s, &d), HV_ERR_LIMIT);
    CHECK(strstr(d.msg, "30 seconds") != NULL);
    now_value += HV_ACCESS_LOCK_BASE + 1;
    /* One more failure doubles the lock. */
    CHECK_EQ_INT(hv_access_login(&fx.ctx, "ana", "wrong pw 3", 60, &s, &d), HV_ERR_FORBIDDEN);
    CHECK_EQ_INT(hv_access_login(&fx.ctx, "ana", "ana password", 60, &s, &d), HV_ERR_LIMIT);
    CHECK(strstr(d.msg, "60 seconds") != NULL);
    now_value += 2 * HV_ACCESS_LOCK_BASE + 1;
    CHECK_OK(hv_access_login(&fx.ctx, "ana", "ana password", 60, &s, &d));
    CHECK_EQ_INT(count(&fx, "SELECT failed FROM access_user WHERE username = 'ana'"), 0);
    CHECK(count(&fx, "SELECT count(*) FROM audit_log WHERE action = 'auth.fail'") >= 6);
    CHECK(count(&fx, "SELECT count(*) FROM audit_log WHERE action = 'auth.locked'") >= 2);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM audit_log WHERE detail LIKE '%password%'"), 0);

    /* API tokens; disabling revokes everything; passwd works and clears the lock. */
    struct hv_access_session api;
    CHECK_OK(hv_access_token_create(&fx.ctx, "ana", "partner", 86400, &api, &d));
    CHECK(strncmp(api.token, "hvt_", 4) == 0);
    CHECK_OK(hv_access_authenticate(&fx.ctx, hv_str_c(api.token), &look));
    CHECK(look.api);
    CHECK_OK(hv_access_token_expire(&fx.ctx, hv_str_c(api.token), now_value - 1));
    CHECK_EQ_INT(hv_access_authenticate(&fx.ctx, hv_str_c(api.token), &look), HV_ERR_NOTFOUND);
    CHECK_OK(hv_access_token_create(&fx.ctx, "ana", "", 86400, &api, &d));
    CHECK_OK(hv_access_user_disable(&fx.ctx, "ana", true, &d));
    CHECK_EQ_INT(hv_access_authenticate(&fx.ctx, hv_str_c(api.token), &look), HV_ERR_NOTFOUND);
    CHECK_EQ_INT(hv_access_login(&fx.ctx, "ana", "ana password", 60, &s, &d), HV_ERR_FORBIDDEN);
    CHECK_EQ_INT(hv_access_token_create(&fx.ctx, "ana", "", 60, &api, &d), HV_ERR_NOTFOUND);
    CHECK_OK(hv_access_user_disable(&fx.ctx, "ana", false, &d));
    CHECK_OK(hv_access_user_passwd(&fx.ctx, "ana", "new ana password", &d));
    CHECK_EQ_INT(hv_access_login(&fx.ctx, "ana", "ana password", 60, &s, &d), HV_ERR_FORBIDDEN);
    CHECK_OK(hv_access_login(&fx.ctx, "ana", "new ana password", 60, &s, &d));
    CHECK_EQ_INT(hv_access_user_passwd(&fx.ctx, "ghost", "new ana password", &d), HV_ERR_NOTFOUND);
    struct hv_audit_report rep;
    CHECK_OK(hv_audit_verify(&fx.ctx, &rep));
    CHECK(rep.ok);
    hv_access_wipe(&s, sizeof(s));
    fixture_close(&fx);
}

int main(void)
{
    RUN(test_names);
    RUN(test_policy_roles);
    RUN(test_policy_sites);
    RUN(test_users_and_sessions);
    return test_report();
}
