/* routes_auth.c - sign-in, sign-out, the current user, and the audit chain for auditors.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <stdio.h>
#include <string.h>

#include "haven/audit.h"
#include "haven/store.h"
#include "req_json.h"

static void write_user(struct hv_jw *w, const struct hv_principal *p)
{
    hv_jw_key(w, "user");
    hv_jw_object_begin(w);
    hv_jw_key(w, "username");
    hv_jw_strz(w, p->username);
    hv_jw_key(w, "role");
    hv_jw_strz(w, hv_role_name(p->role));
    hv_jw_key(w, "sites");
    hv_jw_array_begin(w);
    for (size_t i = 0; i < p->n_sites; i++)
        hv_jw_strz(w, p->sites[i]);
    hv_jw_array_end(w);
    hv_jw_key(w, "actions");
    hv_jw_array_begin(w);
    for (int a = HV_ACT_CASE_LIST; a < HV_N_ACTIONS; a++) {
        if (hv_access_role_can(p->role, (enum hv_action)a))
            hv_jw_strz(w, hv_action_name((enum hv_action)a));
    }
    hv_jw_array_end(w);
    hv_jw_object_end(w);
}

enum hv_err hv__h_login(struct hv_rq *r)
{
    const char *username = NULL, *password = NULL;
    const struct hv_jfield fields[] = {
        { .name = "username",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = 64,
          .str = &username },
        { .name = "password",
          .type = HV_JF_STRING,
          .required = true,
          .max_len = HV_ACCESS_MAX_PASSWORD,
          .str = &password },
    };
    enum hv_err err = hv_req_json_parse(r->a, r->req->body, fields, 2, &r->diag);
    if (err != HV_OK)
        return err;
    /* A token the client presented is never adopted: login always makes a new one. */
    struct hv_access_session s;
    err = hv_access_login(r->ctx, username, password, r->srv->opt.session_ttl, &s, &r->diag);
    hv_access_wipe((void *)password, strlen(password));
    if (err == HV_ERR_FORBIDDEN) {
        hv__server_error(r->resp, "unauthenticated", "wrong username or password");
        r->status = 401;
        hv_jw_init(&r->jw, &r->resp->body, false);
        return HV_OK; /* already written */
    }
    if (err != HV_OK)
        return err;
    r->sess = s; /* wiped when the request ends */
    hv_jw_object_begin(&r->jw);
    write_user(&r->jw, &s.who);
    hv_jw_key(&r->jw, "token");
    hv_jw_strz(&r->jw, s.token);
    hv_jw_key(&r->jw, "csrf");
    hv_jw_strz(&r->jw, s.csrf);
    hv_jw_key(&r->jw, "expires_at");
    hv_jw_int(&r->jw, s.expires_at);
    hv_jw_object_end(&r->jw);
    snprintf(r->resp->set_cookie, sizeof(r->resp->set_cookie),
             "hv_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", s.token,
             (long long)r->srv->opt.session_ttl, r->srv->opt.secure_cookie ? "; Secure" : "");
    hv_access_wipe(&s, sizeof(s));
    return HV_OK;
}

enum hv_err hv__h_logout(struct hv_rq *r)
{
    enum hv_err err = hv_access_logout(r->ctx, r->token);
    if (err != HV_OK)
        return err;
    snprintf(r->resp->set_cookie, sizeof(r->resp->set_cookie),
             "hv_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             r->srv->opt.secure_cookie ? "; Secure" : "");
    hv_jw_object_begin(&r->jw);
    hv_jw_key(&r->jw, "ok");
    hv_jw_bool(&r->jw, true);
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

enum hv_err hv__h_me(struct hv_rq *r)
{
    hv_jw_object_begin(&r->jw);
    write_user(&r->jw, &r->sess.who);
    hv_jw_key(&r->jw, "csrf");
    hv_jw_strz(&r->jw, r->sess.csrf);
    hv_jw_key(&r->jw, "expires_at");
    hv_jw_int(&r->jw, r->sess.expires_at);
    hv_jw_key(&r->jw, "api_token");
    hv_jw_bool(&r->jw, r->sess.api);
    hv_jw_object_end(&r->jw);
    return HV_OK;
}

struct audit_walk {
    struct hv_rq *r;
    struct hv_str actor, action;
    int64_t limit, offset, matched;
};

static enum hv_err audit_row(void *ud, const struct hv_audit_entry *e)
{
    struct audit_walk *aw = ud;
    if (aw->actor.len > 0 && !hv_str_eqz(aw->actor, e->actor))
        return HV_OK;
    if (aw->action.len > 0 && !hv_str_eqz(aw->action, e->action))
        return HV_OK;
    int64_t k = aw->matched++;
    if (k < aw->offset || k >= aw->offset + aw->limit)
        return HV_OK;
    struct hv_jw *w = &aw->r->jw;
    char at[21], hex[65];
    hv_time_format(e->at, at);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", e->hash[i]);
    hv_jw_object_begin(w);
    hv_jw_key(w, "seq");
    hv_jw_int(w, e->seq);
    hv_jw_key(w, "at");
    hv_jw_strz(w, at);
    hv_jw_key(w, "actor");
    hv_jw_strz(w, e->actor);
    hv_jw_key(w, "action");
    hv_jw_strz(w, e->action);
    hv_jw_key(w, "entity");
    hv_jw_strz(w, e->entity);
    hv_jw_key(w, "entity_id");
    hv_jw_int(w, e->entity_id);
    hv_jw_key(w, "detail");
    hv_jw_strz(w, e->detail);
    hv_jw_key(w, "hash");
    hv_jw_strz(w, hex);
    hv_jw_object_end(w);
    return HV_OK;
}

enum hv_err hv__h_audit(struct hv_rq *r)
{
    struct audit_walk aw = { .r = r };
    enum hv_err err = hv__query_page(r, &aw.limit, &aw.offset);
    if (err != HV_OK)
        return err;
    struct hv_str after = HV_STR_NULL;
    int64_t after_seq = 0;
    if (hv__query_get(r->a, r->req->query, "after", &after) && after.len > 0 &&
        (!hv_parse_i64(after, &after_seq) || after_seq < 0)) {
        hv_diag_set(&r->diag, "after", "must be a sequence number");
        return HV_ERR_INVALID;
    }
    if (!hv__query_get(r->a, r->req->query, "actor", &aw.actor))
        aw.actor = HV_STR_NULL;
    if (!hv__query_get(r->a, r->req->query, "action", &aw.action))
        aw.action = HV_STR_NULL;
    hv__list_begin(r);
    err = hv_audit_list(r->ctx, after_seq, 0, audit_row, &aw);
    if (err != HV_OK)
        return err;
    hv__list_end(r, aw.matched, aw.limit, aw.offset);
    return HV_OK;
}
