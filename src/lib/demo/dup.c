/* dup.c - plants duplicate registrations: a copy of a person as another registrar would have
 * written it (a transliteration variant, an honorific added or dropped, given and family name
 * swapped or the family name missing or replaced by the father's name, only the Arabic-script
 * name, a shifted or coarsened birth date, a mistyped or missing tazkira number).
 * SPDX-License-Identifier: Apache-2.0 */
#include "demo/demo_int.h"

#include <string.h>

enum name_change {
    NAME_NONE,
    NAME_VARIANT,
    NAME_HON_ADDED,
    NAME_HON_DROPPED,
    NAME_SWAP,
    NAME_FAMILY_MISSING,
    NAME_FATHER_AS_FAMILY,
    NAME_NATIVE_ONLY,
    NAME_N
};

/* Relative weights of the name changes when they apply. */
static const uint32_t NAME_WEIGHT[NAME_N] = { 8, 36, 10, 80, 8, 12, 10, 6 };
static const char *const NAME_TOKEN[NAME_N] = {
    "",     "variant",        "honorific_added",  "honorific_dropped",
    "swap", "family_missing", "father_as_family", "native_only",
};

#define MAX_MATCHES 64

struct match {
    uint8_t field; /* 0 given, 1 family */
    uint16_t rule;
    uint16_t pos;
};

static bool is_sep(char c)
{
    return c == ' ' || c == '-';
}

static size_t find_matches(const struct hv__demo_tables *t, const char *s, uint8_t field,
                           struct match *m, size_t n)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < t->n_var && n < MAX_MATCHES; i++) {
        const struct hv__demo_variant *v = &t->var[i];
        for (const char *p = strstr(s, v->from); p != NULL && n < MAX_MATCHES;
             p = strstr(p + 1, v->from)) {
            size_t pos = (size_t)(p - s);
            bool left = pos == 0 || is_sep(s[pos - 1]);
            bool right = pos + v->from_len == len || is_sep(s[pos + v->from_len]);
            bool ok = v->scope == HV__DEMO_SCOPE_WORD    ? left && right
                      : v->scope == HV__DEMO_SCOPE_START ? left
                                                         : right;
            if (ok && len + v->to_len < HV__DEMO_NAME_MAX + v->from_len) {
                m[n].field = field;
                m[n].rule = (uint16_t)i;
                m[n].pos = (uint16_t)pos;
                n++;
            }
        }
    }
    return n;
}

static void apply_match(const struct hv__demo_tables *t, char *s, size_t cap, const struct match *m)
{
    const struct hv__demo_variant *v = &t->var[m->rule];
    char out[HV__DEMO_NAME_MAX];
    size_t len = 0;
    out[0] = '\0';
    char head[HV__DEMO_NAME_MAX];
    memcpy(head, s, m->pos);
    head[m->pos] = '\0';
    hv__demo_cat(out, sizeof(out), &len, head);
    hv__demo_cat(out, sizeof(out), &len, v->to);
    hv__demo_cat(out, sizeof(out), &len, s + m->pos + v->from_len);
    size_t n = len < cap ? len : cap - 1;
    memcpy(s, out, n);
    s[n] = '\0';
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t len = 0;
    dst[0] = '\0';
    hv__demo_cat(dst, cap, &len, src);
}

static void add_token(struct hv__demo_person *d, size_t *len, const char *tok)
{
    if (*len > 0)
        hv__demo_cat(d->dup_kind, sizeof(d->dup_kind), len, ";");
    hv__demo_cat(d->dup_kind, sizeof(d->dup_kind), len, tok);
}

/* One digit changed, or two adjacent different digits swapped. */
static void typo(struct hv_rng *r, char *num)
{
    size_t len = strlen(num);
    size_t digits[32];
    size_t nd = 0;
    for (size_t i = 0; i < len && nd < 32; i++) {
        if (num[i] >= '0' && num[i] <= '9')
            digits[nd++] = i;
    }
    if (nd == 0)
        return;
    size_t i = digits[hv_rng_below(r, nd)];
    if (hv__demo_chance(r, 0.5) && i + 1 < len && num[i + 1] >= '0' && num[i + 1] <= '9' &&
        num[i + 1] != num[i]) {
        char tmp = num[i];
        num[i] = num[i + 1];
        num[i + 1] = tmp;
        return;
    }
    char c = (char)('0' + hv_rng_below(r, 9));
    if (c >= num[i])
        c++;
    num[i] = c;
}

static enum name_change pick_change(struct hv__demo_gen *g, const struct hv__demo_person *o,
                                    size_t n_matches, int32_t *hon)
{
    const struct hv__demo_tables *t = &g->t;
    bool ok[NAME_N];
    ok[NAME_NONE] = true;
    ok[NAME_VARIANT] = n_matches > 0;
    /* Nobody writes "Haji" before a child's name. */
    ok[NAME_HON_ADDED] = o->hon_idx < 0 && 2021 - o->year >= 18;
    ok[NAME_HON_DROPPED] = o->hon_idx >= 0;
    ok[NAME_SWAP] = o->family[0] != '\0';
    ok[NAME_FAMILY_MISSING] = o->family[0] != '\0';
    ok[NAME_FATHER_AS_FAMILY] = o->father[0] != '\0' && strcmp(o->father, o->family) != 0;
    ok[NAME_NATIVE_ONLY] = true;
    uint32_t total = 0;
    for (int i = 0; i < NAME_N; i++)
        total += ok[i] ? NAME_WEIGHT[i] : 0;
    uint32_t x = (uint32_t)hv_rng_below(&g->rng, total);
    enum name_change ch = NAME_NONE;
    for (int i = 0; i < NAME_N; i++) {
        uint32_t w = ok[i] ? NAME_WEIGHT[i] : 0;
        if (x < w) {
            ch = (enum name_change)i;
            break;
        }
        x -= w;
    }
    if (ch == NAME_HON_ADDED) {
        const struct hv__demo_wtable *w = o->sex == 'F' ? &t->hon_w_female : &t->hon_w_male;
        size_t h = hv__demo_wpick(w, &g->rng);
        /* Adding "Sayed" to "Sayed Jawad" would not be a change anyone makes. */
        const char *name = t->hon[h].name;
        const char *p = strstr(o->given, name);
        if (p != NULL)
            return NAME_NONE;
        *hon = (int32_t)h;
    }
    return ch;
}

void hv__demo_make_duplicate(struct hv__demo_gen *g, const struct hv__demo_person *o,
                             struct hv__demo_person *d)
{
    const struct hv__demo_tables *t = &g->t;
    struct hv_rng *r = &g->rng;
    *d = *o;
    d->hn_of[0] = '\0';
    d->hn_kind = NULL;
    copy_str(d->dup_of, sizeof(d->dup_of), o->ref);
    d->dup_kind[0] = '\0';
    size_t klen = 0;

    /* Names. */
    struct match m[MAX_MATCHES];
    size_t nm = find_matches(t, o->given, 0, m, 0);
    nm = find_matches(t, o->family, 1, m, nm);
    int32_t hon = -1;
    enum name_change ch = pick_change(g, o, nm, &hon);
    const struct hv__demo_namelist *gl = o->sex == 'F' ? &t->female : &t->male;
    switch (ch) {
    case NAME_NONE:
    case NAME_N:
        break;
    case NAME_VARIANT: {
        const struct match *mm = &m[hv_rng_below(r, nm)];
        if (mm->field == 0)
            apply_match(t, d->given, sizeof(d->given), mm);
        else
            apply_match(t, d->family, sizeof(d->family), mm);
        break;
    }
    case NAME_HON_ADDED:
        hv__demo_compose(t, d->given, sizeof(d->given), o->given, hon, false);
        break;
    case NAME_HON_DROPPED:
        copy_str(d->given, sizeof(d->given), gl->name[o->given_idx]);
        break;
    case NAME_SWAP:
        copy_str(d->given, sizeof(d->given), o->family);
        copy_str(d->family, sizeof(d->family), o->given);
        break;
    case NAME_FAMILY_MISSING:
        d->family[0] = '\0';
        break;
    case NAME_FATHER_AS_FAMILY:
        copy_str(d->family, sizeof(d->family), o->father);
        break;
    case NAME_NATIVE_ONLY:
        hv__demo_compose(t, d->given, sizeof(d->given), gl->native[o->given_idx], o->hon_idx, true);
        d->family[0] = '\0';
        if (o->family_idx >= 0)
            copy_str(d->family, sizeof(d->family), t->family.native[o->family_idx]);
        d->father[0] = '\0';
        if (o->father_idx >= 0)
            hv__demo_compose(t, d->father, sizeof(d->father), t->male.native[o->father_idx],
                             o->father_hon_idx, true);
        d->grandfather[0] = '\0';
        if (o->grandfather_idx >= 0)
            copy_str(d->grandfather, sizeof(d->grandfather), t->male.native[o->grandfather_idx]);
        break;
    }
    if (ch != NAME_NONE)
        add_token(d, &klen, NAME_TOKEN[ch]);

    /* Birth date. */
    double u = hv_rng_unit(r);
    if (o->prec != HV__DEMO_BIRTH_RANGE && u < 0.25) {
        int y = o->year + (hv__demo_chance(r, 0.5) ? 1 : -1);
        if (y > 2021)
            y = o->year - 1;
        d->year = (int16_t)y;
        if (d->month == 2 && d->day == 29)
            d->day = 28;
        hv__demo_format_birth(d);
        add_token(d, &klen, "birth_shift");
    } else if (o->prec == HV__DEMO_BIRTH_DAY && u < 0.45) {
        d->prec = HV__DEMO_BIRTH_YEAR;
        hv__demo_format_birth(d);
        add_token(d, &klen, "birth_coarsened");
    }

    /* Documents: the tazkira (maybe mistyped or missing), sometimes the passport; the letters
     * stay with the first registration. */
    d->n_docs = 0;
    bool had_tazkira = false;
    for (size_t i = 0; i < o->n_docs; i++) {
        if (strcmp(o->docs[i].kind, "tazkira") == 0) {
            had_tazkira = true;
            break;
        }
    }
    u = hv_rng_unit(r);
    const char *doc_token = NULL;
    if (had_tazkira && u < 0.15)
        doc_token = "doc_typo";
    else if (had_tazkira && u < 0.30)
        doc_token = "doc_missing";
    for (size_t i = 0; i < o->n_docs; i++) {
        const struct hv__demo_doc *od = &o->docs[i];
        if (strcmp(od->kind, "tazkira") == 0) {
            if (doc_token != NULL && strcmp(doc_token, "doc_missing") == 0)
                continue;
            d->docs[d->n_docs] = *od;
            if (doc_token != NULL)
                typo(r, d->docs[d->n_docs].number);
            d->n_docs++;
        } else if (strcmp(od->kind, "passport") == 0 && hv__demo_chance(r, 0.6)) {
            d->docs[d->n_docs++] = *od;
        }
    }
    if (doc_token != NULL)
        add_token(d, &klen, doc_token);

    /* Employment: half the time the same story is told again; without the letter reference. */
    if (o->n_jobs > 0 && hv__demo_chance(r, 0.5)) {
        for (size_t i = 0; i < d->n_jobs; i++)
            d->jobs[i].evidence &= (uint8_t)~HV__DEMO_EV_LETTER;
    } else {
        d->n_jobs = 0;
    }

    /* Contacts: the same phone, a new one, or none. */
    d->n_contacts = 0;
    if (o->n_contacts > 0 && strcmp(o->contacts[0].kind, "phone") == 0) {
        u = hv_rng_unit(r);
        if (u < 0.5) {
            d->contacts[d->n_contacts++] = o->contacts[0];
        } else if (u < 0.8) {
            d->contacts[0].kind = "phone";
            hv__demo_phone(r, d->contacts[0].value, sizeof(d->contacts[0].value));
            d->n_contacts = 1;
        }
    }

    if (klen == 0)
        add_token(d, &klen, "exact");
}
