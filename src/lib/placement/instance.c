/* instance.c - the placement instance text format: parser (pure, fuzzed by
 * tests/fuzz/fuzz_placement_instance.c) and writer, default weights, language/service bits.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/placement.h"

#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "placement/placement_int.h"

#define MAX_TOKENS 24

static const char *const cap_names[HV_PLACE_N_CAPS] = {
    "family_rooms", "single_men", "single_women", "minors", "people", "medical", "interp",
};

const char *hv_place_cap_name(enum hv_place_cap c)
{
    return (unsigned)c < HV_PLACE_N_CAPS ? cap_names[c] : "?";
}

void hv_place_weights_default(struct hv_place_weights *w)
{
    memset(w, 0, sizeof(*w));
    w->risk[1] = 100;
    w->risk[2] = 250;
    w->risk[3] = 600;
    w->risk[4] = 1500;
    w->lang = 40;
    w->service = 15;
    w->route_risk = 60;
    w->cost = 1;
}

static uint32_t intern(struct hv_str *table, size_t *n, size_t max, struct hv_str code)
{
    for (size_t i = 0; i < *n; i++) {
        if (hv_str_eq(table[i], code))
            return 1u << i;
    }
    if (*n >= max)
        return 0;
    table[*n] = code;
    return 1u << (*n)++;
}

uint32_t hv_place_lang_bit(struct hv_place_instance *in, struct hv_str code)
{
    return intern(in->langs, &in->n_langs, HV_PLACE_MAX_LANGS, code);
}

uint32_t hv_place_service_bit(struct hv_place_instance *in, struct hv_str code)
{
    return intern(in->services, &in->n_services, HV_PLACE_MAX_SERVICES, code);
}

struct line {
    struct hv_str tok[MAX_TOKENS];
    size_t n;
};

struct parser {
    struct hv_arena *a;
    const char *file;
    uint64_t lineno;
    struct hv_diag *diag;
    struct hv_place_instance *in;
};

static enum hv_err fail(struct parser *p, enum hv_err err, const char *field, const char *what,
                        struct hv_str val)
{
    hv_diag_at(p->diag, p->file, p->lineno);
    if (val.len > 0)
        hv_diag_set(p->diag, field, "%s: \"%.*s\"", what, (int)(val.len > 60 ? 60 : val.len),
                    val.ptr);
    else
        hv_diag_set(p->diag, field, "%s", what);
    return err;
}

static bool split_line(struct hv_str s, struct line *l)
{
    l->n = 0;
    size_t i = 0;
    while (i < s.len) {
        while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t' || s.ptr[i] == '\r'))
            i++;
        if (i >= s.len || s.ptr[i] == '#')
            break;
        size_t st = i;
        while (i < s.len && s.ptr[i] != ' ' && s.ptr[i] != '\t' && s.ptr[i] != '\r')
            i++;
        if (l->n == MAX_TOKENS)
            return false;
        l->tok[l->n++] = (struct hv_str){ s.ptr + st, i - st };
    }
    return true;
}

/* Splits "key=value"; false when there is no '='. */
static bool kv(struct hv_str t, struct hv_str *k, struct hv_str *v)
{
    const char *eq = memchr(t.ptr, '=', t.len);
    if (eq == NULL)
        return false;
    *k = (struct hv_str){ t.ptr, (size_t)(eq - t.ptr) };
    *v = (struct hv_str){ eq + 1, t.len - (size_t)(eq - t.ptr) - 1 };
    return true;
}

static enum hv_err parse_int(struct parser *p, struct hv_str k, struct hv_str v, int64_t lo,
                             int64_t hi, int64_t *out)
{
    char field[40];
    snprintf(field, sizeof(field), "%.*s", (int)(k.len > 30 ? 30 : k.len), k.ptr);
    if (!hv_parse_i64(v, out))
        return fail(p, HV_ERR_INVALID, field, "is not a whole number", v);
    if (*out < lo)
        return fail(p, HV_ERR_INVALID, field, lo == 0 ? "is negative" : "is too small", v);
    if (*out > hi)
        return fail(p, HV_ERR_LIMIT, field, "is too large", v);
    return HV_OK;
}

static enum hv_err parse_num(struct parser *p, struct hv_str k, struct hv_str v, double lo,
                             double hi, double *out)
{
    char field[40];
    snprintf(field, sizeof(field), "%.*s", (int)(k.len > 30 ? 30 : k.len), k.ptr);
    if (!hv_parse_double(v, out))
        return fail(p, HV_ERR_INVALID, field, "is not a number", v);
    if (!(*out >= lo && *out <= hi))
        return fail(p, HV_ERR_INVALID, field, "is out of range", v);
    return HV_OK;
}

static bool valid_id(struct hv_str s)
{
    if (s.len == 0 || s.len > 200)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c < 0x21 || c == 0x7f || c == '=')
            return false;
    }
    return true;
}

/* Comma list of codes into bits. */
static enum hv_err parse_bits(struct parser *p, struct hv_str k, struct hv_str v, bool service,
                              uint32_t *out)
{
    *out = 0;
    size_t i = 0;
    while (i < v.len) {
        size_t st = i;
        while (i < v.len && v.ptr[i] != ',')
            i++;
        struct hv_str code = { v.ptr + st, i - st };
        i++;
        if (code.len == 0)
            continue;
        uint32_t bit = service ? hv_place_service_bit(p->in, code) : hv_place_lang_bit(p->in, code);
        if (bit == 0)
            return fail(p, HV_ERR_LIMIT, service ? "services" : "langs",
                        "too many distinct codes in one instance", code);
        *out |= bit;
    }
    (void)k;
    return HV_OK;
}

static int64_t find_id(const struct hv_str *ids, size_t stride, size_t n, struct hv_str id)
{
    /* linear: sites, countries and crossings number at most a few hundred */
    for (size_t i = 0; i < n; i++) {
        const struct hv_str *s = (const struct hv_str *)((const char *)ids + i * stride);
        if (hv_str_eq(*s, id))
            return (int64_t)i;
    }
    return -1;
}

#define FIND(arr, n, key)         find_id(&(arr)[0].id, sizeof((arr)[0]), (n), (key))
#define FIND_COUNTRY(arr, n, key) find_id(&(arr)[0].code, sizeof((arr)[0]), (n), (key))

static enum hv_err parse_weights(struct parser *p, const struct line *l)
{
    struct hv_place_weights *w = &p->in->w;
    for (size_t i = 1; i < l->n; i++) {
        struct hv_str k, v;
        if (!kv(l->tok[i], &k, &v))
            return fail(p, HV_ERR_INVALID, "weights", "expected key=value", l->tok[i]);
        enum hv_err err = HV_OK;
        if (hv_str_eqz(k, "risk")) {
            size_t lv = 1, j = 0;
            while (j <= v.len && lv <= 4) {
                size_t st = j;
                while (j < v.len && v.ptr[j] != ',')
                    j++;
                err = parse_num(p, k, (struct hv_str){ v.ptr + st, j - st }, 0, 1e9, &w->risk[lv]);
                if (err != HV_OK)
                    return err;
                lv++;
                j++;
            }
            if (lv != 5)
                return fail(p, HV_ERR_INVALID, "risk", "needs four values for levels 1..4", v);
        } else if (hv_str_eqz(k, "lang")) {
            err = parse_num(p, k, v, 0, 1e9, &w->lang);
        } else if (hv_str_eqz(k, "service")) {
            err = parse_num(p, k, v, 0, 1e9, &w->service);
        } else if (hv_str_eqz(k, "route_risk")) {
            err = parse_num(p, k, v, 0, 1e9, &w->route_risk);
        } else if (hv_str_eqz(k, "cost")) {
            err = parse_num(p, k, v, 0, 1e9, &w->cost);
        } else {
            return fail(p, HV_ERR_INVALID, "weights", "unknown weight", k);
        }
        if (err != HV_OK)
            return err;
    }
    return HV_OK;
}

static enum hv_err parse_country(struct parser *p, const struct line *l)
{
    struct hv_place_instance *in = p->in;
    if (l->n < 2 || !valid_id(l->tok[1]))
        return fail(p, HV_ERR_INVALID, "country", "needs a code", HV_STR_NULL);
    if (FIND_COUNTRY(in->countries, in->n_countries, l->tok[1]) >= 0)
        return fail(p, HV_ERR_INVALID, "country", "is declared twice", l->tok[1]);
    struct hv_place_country *c = &in->countries[in->n_countries];
    c->code = l->tok[1];
    c->quota = -1;
    for (size_t i = 2; i < l->n; i++) {
        struct hv_str k, v;
        if (!kv(l->tok[i], &k, &v) || !hv_str_eqz(k, "quota"))
            return fail(p, HV_ERR_INVALID, "country", "expected quota=N", l->tok[i]);
        enum hv_err err = parse_int(p, k, v, 0, HV_PLACE_MAX_CAP, &c->quota);
        if (err != HV_OK)
            return err;
    }
    in->n_countries++;
    return HV_OK;
}

static enum hv_err parse_crossing(struct parser *p, const struct line *l)
{
    struct hv_place_instance *in = p->in;
    if (l->n != 3 || !valid_id(l->tok[1]))
        return fail(p, HV_ERR_INVALID, "crossing", "expected: crossing ID open|closed",
                    HV_STR_NULL);
    if (FIND(in->crossings, in->n_crossings, l->tok[1]) >= 0)
        return fail(p, HV_ERR_INVALID, "crossing", "is declared twice", l->tok[1]);
    struct hv_place_crossing *x = &in->crossings[in->n_crossings];
    x->id = l->tok[1];
    if (hv_str_eqz(l->tok[2], "open"))
        x->open = true;
    else if (hv_str_eqz(l->tok[2], "closed"))
        x->open = false;
    else
        return fail(p, HV_ERR_INVALID, "crossing", "status must be open or closed", l->tok[2]);
    in->n_crossings++;
    return HV_OK;
}

static enum hv_err parse_site(struct parser *p, const struct line *l)
{
    struct hv_place_instance *in = p->in;
    if (l->n < 2 || !valid_id(l->tok[1]))
        return fail(p, HV_ERR_INVALID, "site", "needs an id", HV_STR_NULL);
    if (FIND(in->sites, in->n_sites, l->tok[1]) >= 0)
        return fail(p, HV_ERR_INVALID, "site", "is declared twice", l->tok[1]);
    struct hv_place_site *s = &in->sites[in->n_sites];
    memset(s, 0, sizeof(*s));
    s->id = l->tok[1];
    bool has_country = false;
    for (size_t i = 2; i < l->n; i++) {
        struct hv_str k, v;
        if (!kv(l->tok[i], &k, &v))
            return fail(p, HV_ERR_INVALID, "site", "expected key=value", l->tok[i]);
        enum hv_err err = HV_OK;
        if (hv_str_eqz(k, "country")) {
            int64_t c = FIND_COUNTRY(in->countries, in->n_countries, v);
            if (c < 0)
                return fail(p, HV_ERR_INVALID, "country", "unknown country", v);
            s->country = (uint32_t)c;
            has_country = true;
        } else if (hv_str_eqz(k, "langs")) {
            err = parse_bits(p, k, v, false, &s->langs);
        } else if (hv_str_eqz(k, "services")) {
            err = parse_bits(p, k, v, true, &s->services);
        } else {
            size_t c = 0;
            while (c < HV_PLACE_N_CAPS && !hv_str_eqz(k, cap_names[c]))
                c++;
            if (c == HV_PLACE_N_CAPS)
                return fail(p, HV_ERR_INVALID, "site", "unknown field", k);
            err = parse_int(p, k, v, 0, HV_PLACE_MAX_CAP, &s->cap[c]);
        }
        if (err != HV_OK)
            return err;
    }
    if (!has_country)
        return fail(p, HV_ERR_INVALID, "country", "is missing", HV_STR_NULL);
    in->n_sites++;
    return HV_OK;
}

static enum hv_err parse_route(struct parser *p, const struct line *l)
{
    struct hv_place_instance *in = p->in;
    if (l->n < 2 || !valid_id(l->tok[1]))
        return fail(p, HV_ERR_INVALID, "route", "needs an id", HV_STR_NULL);
    struct hv_place_route *r = &in->routes[in->n_routes];
    memset(r, 0, sizeof(*r));
    r->id = l->tok[1];
    r->crossing = -1;
    bool has_site = false;
    for (size_t i = 2; i < l->n; i++) {
        struct hv_str k, v;
        if (!kv(l->tok[i], &k, &v))
            return fail(p, HV_ERR_INVALID, "route", "expected key=value", l->tok[i]);
        enum hv_err err = HV_OK;
        if (hv_str_eqz(k, "origin")) {
            if (!valid_id(v))
                return fail(p, HV_ERR_INVALID, "origin", "is not a valid id", v);
            r->origin = v;
        } else if (hv_str_eqz(k, "site")) {
            int64_t s = FIND(in->sites, in->n_sites, v);
            if (s < 0)
                return fail(p, HV_ERR_INVALID, "site", "unknown site", v);
            r->site = (uint32_t)s;
            has_site = true;
        } else if (hv_str_eqz(k, "crossing")) {
            if (!hv_str_eqz(v, "-")) {
                int64_t x = FIND(in->crossings, in->n_crossings, v);
                if (x < 0)
                    return fail(p, HV_ERR_INVALID, "crossing", "unknown crossing", v);
                r->crossing = (int32_t)x;
            }
        } else if (hv_str_eqz(k, "risk")) {
            err = parse_num(p, k, v, 0, 1, &r->risk);
        } else if (hv_str_eqz(k, "cost")) {
            err = parse_num(p, k, v, 0, 1e9, &r->cost);
        } else {
            return fail(p, HV_ERR_INVALID, "route", "unknown field", k);
        }
        if (err != HV_OK)
            return err;
    }
    if (!has_site || r->origin.len == 0)
        return fail(p, HV_ERR_INVALID, "route", "needs origin= and site=", HV_STR_NULL);
    in->n_routes++;
    return HV_OK;
}

static enum hv_err parse_family(struct parser *p, const struct line *l)
{
    struct hv_place_instance *in = p->in;
    if (l->n < 2 || !valid_id(l->tok[1]))
        return fail(p, HV_ERR_INVALID, "family", "needs an id", HV_STR_NULL);
    struct hv_place_family *f = &in->families[in->n_families];
    memset(f, 0, sizeof(*f));
    f->id = l->tok[1];
    f->size = 0;
    f->risk = 1;
    bool has_kind = false;
    for (size_t i = 2; i < l->n; i++) {
        struct hv_str k, v;
        if (!kv(l->tok[i], &k, &v))
            return fail(p, HV_ERR_INVALID, "family", "expected key=value", l->tok[i]);
        enum hv_err err = HV_OK;
        int64_t x = 0;
        if (hv_str_eqz(k, "origin")) {
            if (!valid_id(v))
                return fail(p, HV_ERR_INVALID, "origin", "is not a valid id", v);
            f->origin = v;
        } else if (hv_str_eqz(k, "size")) {
            err = parse_int(p, k, v, 1, HV_PLACE_MAX_SIZE, &x);
            f->size = (int32_t)x;
        } else if (hv_str_eqz(k, "risk")) {
            err = parse_int(p, k, v, 1, 4, &x);
            if (err == HV_ERR_LIMIT)
                err = HV_ERR_INVALID;
            f->risk = (uint8_t)x;
        } else if (hv_str_eqz(k, "medical")) {
            err = parse_int(p, k, v, 0, HV_PLACE_MAX_SIZE, &x);
            f->medical = (int32_t)x;
        } else if (hv_str_eqz(k, "kind")) {
            size_t c = 0;
            while (c < 4 && !hv_str_eqz(v, cap_names[c]))
                c++;
            if (c == 4)
                return fail(p, HV_ERR_INVALID, "kind", "unknown bed kind", v);
            f->kind = (uint8_t)c;
            has_kind = true;
        } else if (hv_str_eqz(k, "langs")) {
            err = parse_bits(p, k, v, false, &f->langs);
        } else if (hv_str_eqz(k, "wants")) {
            err = parse_bits(p, k, v, true, &f->wants);
        } else {
            return fail(p, HV_ERR_INVALID, "family", "unknown field", k);
        }
        if (err != HV_OK)
            return err;
    }
    if (f->size == 0 || f->origin.len == 0)
        return fail(p, HV_ERR_INVALID, "family", "needs origin= and size=", HV_STR_NULL);
    if (!has_kind)
        f->kind = f->size >= 2 ? HV_PLACE_CAP_FAMILY_ROOMS : HV_PLACE_CAP_SINGLE_MEN;
    if ((f->size >= 2) != (f->kind == HV_PLACE_CAP_FAMILY_ROOMS))
        return fail(p, HV_ERR_INVALID, "kind",
                    "a family of two or more takes a family room, a lone person a single bed",
                    HV_STR_NULL);
    if (f->medical > f->size)
        return fail(p, HV_ERR_INVALID, "medical", "is larger than the family", HV_STR_NULL);
    in->n_families++;
    return HV_OK;
}

static struct hv_str next_line(const char *data, size_t len, size_t *pos)
{
    size_t st = *pos;
    const char *nl = memchr(data + st, '\n', len - st);
    size_t end = nl != NULL ? (size_t)(nl - data) : len;
    *pos = nl != NULL ? end + 1 : len;
    return (struct hv_str){ data + st, end - st };
}

enum hv_err hv_place_instance_parse(struct hv_arena *a, const char *file, const char *data,
                                    size_t len, struct hv_place_instance *out, struct hv_diag *diag)
{
    memset(out, 0, sizeof(*out));
    hv_place_weights_default(&out->w);
    struct parser p = { .a = a, .file = file, .diag = diag, .in = out };
    if (len > HV_PLACE_MAX_FILE)
        return fail(&p, HV_ERR_LIMIT, NULL, "instance file is too large", HV_STR_NULL);
    /* pass 1: count the records of each kind */
    size_t n[4] = { 0, 0, 0, 0 }, pos = 0;
    while (pos < len) {
        struct hv_str s = next_line(data, len, &pos);
        size_t i = 0;
        while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t'))
            i++;
        s = (struct hv_str){ s.ptr + i, s.len - i };
        static const char *const heads[4] = { "country ", "crossing ", "site ", "route " };
        for (size_t h = 0; h < 4; h++) {
            size_t hl = strlen(heads[h]);
            if (s.len >= hl && memcmp(s.ptr, heads[h], hl) == 0)
                n[h]++;
        }
        if (s.len >= 7 && memcmp(s.ptr, "family ", 7) == 0)
            out->n_families++;
    }
    size_t n_fam = out->n_families;
    out->n_families = 0;
    if (n_fam > HV_PLACE_MAX_FAMILIES || n[2] > HV_PLACE_MAX_SITES || n[0] > HV_PLACE_MAX_SITES ||
        n[1] > HV_PLACE_MAX_SITES || n[3] > HV_PLACE_MAX_ROUTES)
        return fail(&p, HV_ERR_LIMIT, NULL, "too many records in one instance", HV_STR_NULL);
    out->countries = hv_arena_alloc_array(a, n[0] + 1, sizeof(*out->countries));
    out->crossings = hv_arena_alloc_array(a, n[1] + 1, sizeof(*out->crossings));
    out->sites = hv_arena_alloc_array(a, n[2] + 1, sizeof(*out->sites));
    out->routes = hv_arena_alloc_array(a, n[3] + 1, sizeof(*out->routes));
    out->families = hv_arena_alloc_array(a, n_fam + 1, sizeof(*out->families));
    if (hv_arena_failed(a))
        return fail(&p, HV_ERR_LIMIT, NULL, "instance does not fit in memory", HV_STR_NULL);

    pos = 0;
    bool header = false;
    while (pos < len) {
        p.lineno++;
        struct hv_str s = next_line(data, len, &pos);
        struct line l;
        if (!split_line(s, &l))
            return fail(&p, HV_ERR_INVALID, NULL, "too many fields on one line", HV_STR_NULL);
        if (l.n == 0)
            continue;
        struct hv_str h = l.tok[0];
        enum hv_err err = HV_OK;
        if (!header) {
            if (!hv_str_eqz(h, "haven-placement") || l.n != 2 || !hv_str_eqz(l.tok[1], "1"))
                return fail(&p, HV_ERR_INVALID, NULL,
                            "not a placement instance (first line must be \"haven-placement 1\")",
                            HV_STR_NULL);
            header = true;
            continue;
        }
        if (hv_str_eqz(h, "day")) {
            if (l.n != 2)
                return fail(&p, HV_ERR_INVALID, "day", "expected: day YYYY-MM-DD", HV_STR_NULL);
            out->day = l.tok[1];
        } else if (hv_str_eqz(h, "weights")) {
            err = parse_weights(&p, &l);
        } else if (hv_str_eqz(h, "country")) {
            err = parse_country(&p, &l);
        } else if (hv_str_eqz(h, "crossing")) {
            err = parse_crossing(&p, &l);
        } else if (hv_str_eqz(h, "site")) {
            err = parse_site(&p, &l);
        } else if (hv_str_eqz(h, "route")) {
            err = parse_route(&p, &l);
        } else if (hv_str_eqz(h, "family")) {
            err = parse_family(&p, &l);
        } else {
            err = fail(&p, HV_ERR_INVALID, NULL, "unknown record", h);
        }
        if (err != HV_OK)
            return err;
    }
    if (!header)
        return fail(&p, HV_ERR_INVALID, NULL, "empty instance", HV_STR_NULL);
    return HV_OK;
}

static enum hv_err put_bits(struct hv_buf *b, const char *key, const struct hv_str *table, size_t n,
                            uint32_t bits)
{
    if (bits == 0)
        return HV_OK;
    enum hv_err err = hv_buf_appendf(b, " %s=", key);
    bool first = true;
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        if (bits & (1u << i)) {
            err = hv_buf_appendf(b, "%s" HV_STR_FMT, first ? "" : ",", HV_STR_ARG(table[i]));
            first = false;
        }
    }
    return err;
}

enum hv_err hv_place_instance_write(const struct hv_place_instance *in, struct hv_buf *b)
{
    enum hv_err err = hv_buf_appendz(b, "haven-placement 1\n");
    if (err == HV_OK && in->day.len > 0)
        err = hv_buf_appendf(b, "day " HV_STR_FMT "\n", HV_STR_ARG(in->day));
    if (err == HV_OK)
        err = hv_buf_appendf(b,
                             "weights risk=%.17g,%.17g,%.17g,%.17g lang=%.17g service=%.17g "
                             "route_risk=%.17g cost=%.17g\n",
                             in->w.risk[1], in->w.risk[2], in->w.risk[3], in->w.risk[4], in->w.lang,
                             in->w.service, in->w.route_risk, in->w.cost);
    for (size_t i = 0; i < in->n_countries && err == HV_OK; i++) {
        err = hv_buf_appendf(b, "country " HV_STR_FMT, HV_STR_ARG(in->countries[i].code));
        if (err == HV_OK && in->countries[i].quota >= 0)
            err = hv_buf_appendf(b, " quota=%lld", (long long)in->countries[i].quota);
        if (err == HV_OK)
            err = hv_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < in->n_crossings && err == HV_OK; i++)
        err = hv_buf_appendf(b, "crossing " HV_STR_FMT " %s\n", HV_STR_ARG(in->crossings[i].id),
                             in->crossings[i].open ? "open" : "closed");
    for (size_t i = 0; i < in->n_sites && err == HV_OK; i++) {
        const struct hv_place_site *s = &in->sites[i];
        err = hv_buf_appendf(b, "site " HV_STR_FMT " country=" HV_STR_FMT, HV_STR_ARG(s->id),
                             HV_STR_ARG(in->countries[s->country].code));
        for (size_t c = 0; c < HV_PLACE_N_CAPS && err == HV_OK; c++)
            err = hv_buf_appendf(b, " %s=%lld", cap_names[c], (long long)s->cap[c]);
        if (err == HV_OK)
            err = put_bits(b, "langs", in->langs, in->n_langs, s->langs);
        if (err == HV_OK)
            err = put_bits(b, "services", in->services, in->n_services, s->services);
        if (err == HV_OK)
            err = hv_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < in->n_routes && err == HV_OK; i++) {
        const struct hv_place_route *r = &in->routes[i];
        struct hv_str x = r->crossing >= 0 ? in->crossings[r->crossing].id : HV_STR("-");
        err = hv_buf_appendf(b,
                             "route " HV_STR_FMT " origin=" HV_STR_FMT " site=" HV_STR_FMT
                             " crossing=" HV_STR_FMT " risk=%.17g cost=%.17g\n",
                             HV_STR_ARG(r->id), HV_STR_ARG(r->origin),
                             HV_STR_ARG(in->sites[r->site].id), HV_STR_ARG(x), r->risk, r->cost);
    }
    for (size_t i = 0; i < in->n_families && err == HV_OK; i++) {
        const struct hv_place_family *f = &in->families[i];
        err = hv_buf_appendf(
            b, "family " HV_STR_FMT " origin=" HV_STR_FMT " size=%d kind=%s risk=%d medical=%d",
            HV_STR_ARG(f->id), HV_STR_ARG(f->origin), (int)f->size, cap_names[f->kind],
            (int)f->risk, (int)f->medical);
        if (err == HV_OK)
            err = put_bits(b, "langs", in->langs, in->n_langs, f->langs);
        if (err == HV_OK)
            err = put_bits(b, "wants", in->services, in->n_services, f->wants);
        if (err == HV_OK)
            err = hv_buf_putc(b, '\n');
    }
    return err;
}
