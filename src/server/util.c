/* util.c - query strings, percent-decoding, list envelopes, the object-level policy check and
 * the audited read.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <stdio.h>
#include <string.h>

#include "haven/store.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *hv__url_decode(struct hv_arena *a, struct hv_str s, bool plus_is_space)
{
    char *out = hv_arena_alloc(a, s.len + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '%') {
            if (s.len - i < 3)
                return NULL;
            int h = hexval(s.ptr[i + 1]), l = hexval(s.ptr[i + 2]);
            if (h < 0 || l < 0)
                return NULL;
            c = (char)(h * 16 + l);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0')
            return NULL;
        out[n++] = c;
    }
    out[n] = '\0';
    if (!hv_utf8_valid(out, n))
        return NULL;
    return out;
}

bool hv__query_get(struct hv_arena *a, struct hv_str query, const char *name, struct hv_str *out)
{
    size_t nlen = strlen(name);
    size_t i = 0;
    while (i < query.len) {
        size_t j = i;
        while (j < query.len && query.ptr[j] != '&')
            j++;
        struct hv_str kv = { query.ptr + i, j - i };
        if (kv.len > nlen && memcmp(kv.ptr, name, nlen) == 0 && kv.ptr[nlen] == '=') {
            char *d =
                hv__url_decode(a, (struct hv_str){ kv.ptr + nlen + 1, kv.len - nlen - 1 }, true);
            if (d == NULL)
                return false;
            *out = hv_str_c(d);
            return true;
        }
        i = j + 1;
    }
    return false;
}

static enum hv_err query_int(struct hv_rq *r, const char *name, int64_t dflt, int64_t lo,
                             int64_t hi, int64_t *out)
{
    struct hv_str v;
    *out = dflt;
    if (!hv__query_get(r->a, r->req->query, name, &v) || v.len == 0)
        return HV_OK;
    if (!hv_parse_i64(v, out) || *out < lo || *out > hi) {
        hv_diag_set(&r->diag, name, "must be a whole number from %lld to %lld", (long long)lo,
                    (long long)hi);
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

enum hv_err hv__query_page(struct hv_rq *r, int64_t *limit, int64_t *offset)
{
    enum hv_err err = query_int(r, "limit", HV_SRV_LIST_DEFAULT, 1, HV_SRV_LIST_MAX, limit);
    if (err == HV_OK)
        err = query_int(r, "offset", 0, 0, INT32_MAX, offset);
    return err;
}

void hv__list_begin(struct hv_rq *r)
{
    hv_jw_object_begin(&r->jw);
    hv_jw_key(&r->jw, "items");
    hv_jw_array_begin(&r->jw);
}

void hv__list_end(struct hv_rq *r, int64_t total, int64_t limit, int64_t offset)
{
    hv_jw_array_end(&r->jw);
    hv_jw_key(&r->jw, "total");
    hv_jw_int(&r->jw, total);
    hv_jw_key(&r->jw, "limit");
    hv_jw_int(&r->jw, limit);
    hv_jw_key(&r->jw, "offset");
    hv_jw_int(&r->jw, offset);
    hv_jw_object_end(&r->jw);
}

enum hv_err hv__audit_read(struct hv_rq *r, const char *action, const char *entity,
                           int64_t entity_id, const char *detail)
{
    const char *actor = r->authed ? r->sess.who.username : "anonymous";
    return hv__audit_queue_append(r->srv->audit, actor, action, entity, entity_id, detail);
}

enum hv_err hv__audit_push(struct hv_rq *r, const char *action, const char *entity,
                           int64_t entity_id, const char *detail)
{
    uint64_t t = 0;
    const char *actor = r->authed ? r->sess.who.username : "anonymous";
    enum hv_err err =
        hv__audit_queue_push(r->srv->audit, actor, action, entity, entity_id, detail, &t);
    if (err != HV_OK)
        return err;
    if (!r->audit_pending)
        r->audit_first = t;
    r->audit_last = t;
    r->audit_pending = true;
    return HV_OK;
}

enum hv_err hv__audit_flush(struct hv_rq *r)
{
    if (!r->audit_pending)
        return HV_OK;
    r->audit_pending = false;
    return hv__audit_queue_wait(r->srv->audit, r->audit_first, r->audit_last);
}

enum hv_err hv__case_scope(struct hv_rq *r, struct hv_str case_ref, struct hv_case_scope *out)
{
    static const char sql[] = "SELECT c.id, c.disclosure, s.ref, s.country FROM hv_case c "
                              "LEFT JOIN stay st ON st.case_id = c.id AND st.check_out IS NULL "
                              "LEFT JOIN site s ON s.id = st.site_id WHERE c.ref = ?1";
    memset(out, 0, sizeof(*out));
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(r->ctx->store, sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_text(s, 1, case_ref);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    if (err != HV_OK)
        return err;
    if (!row) {
        hv_diag_set(&r->diag, NULL, "no such case");
        return HV_ERR_NOTFOUND;
    }
    out->case_id = hv_stmt_col_int(s, 0);
    char *disc = hv_str_dupz(r->a, hv_stmt_col_text(s, 1));
    struct hv_str site = hv_stmt_col_text(s, 2);
    struct hv_str country = hv_stmt_col_text(s, 3);
    snprintf(out->site_ref, sizeof(out->site_ref), "%.*s", HV_STR_ARG(site));
    snprintf(out->country, sizeof(out->country), "%.*s", HV_STR_ARG(country));
    /* Fetching the statement again resets it, so no read snapshot stays open. */
    err = hv_store_stmt(r->ctx->store, sql, &s);
    if (disc == NULL)
        return HV_ERR_INTERNAL;
    out->scope.site_ref = out->site_ref[0] != '\0' ? out->site_ref : NULL;
    out->scope.country = out->country[0] != '\0' ? out->country : NULL;
    out->scope.disclosure = hv_str_c(disc);
    out->scope.has_disclosure = true;
    return err;
}

enum hv_err hv__check(struct hv_rq *r, const struct hv_access_scope *scope, enum hv_field_class fc,
                      const char *entity, int64_t id)
{
    enum hv_err err = hv_access_check(&r->sess.who, r->action, scope, fc, &r->diag);
    if (err == HV_OK)
        return HV_OK;
    char detail[96];
    snprintf(detail, sizeof(detail), "%s refused", hv_action_name(r->action));
    enum hv_err aerr = hv__audit_read(r, "access.deny", entity, id, detail);
    return aerr != HV_OK ? aerr : err;
}
