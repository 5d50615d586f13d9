/* gen.c - generates the founding scenario's cases one at a time: a principal applicant, spouse,
 * children and sometimes a parent or sibling, with names, birth dates, languages, needs,
 * documents, employment and contacts; then plants duplicates and hard negatives. Everything is
 * filled in place into fixed-size records: no allocation per case or person.
 * SPDX-License-Identifier: Apache-2.0 */
#include "demo/demo_int.h"

#include <stdlib.h>
#include <string.h>

/* The scenario's "now": registrations are as of summer 2021. */
#define NOW_YEAR 2021

static const char *const LANG_CODE[4] = { "prs", "pus", "uzb", "tuk" };

/* ---- small helpers ------------------------------------------------------------------------ */

bool hv__demo_chance(struct hv_rng *r, double p)
{
    return hv_rng_unit(r) < p;
}

void hv__demo_cat(char *dst, size_t cap, size_t *len, const char *z)
{
    size_t at = *len;
    if (at + 1 >= cap)
        return;
    size_t i = 0;
    while (z[i] != '\0' && at + 1 < cap)
        dst[at++] = z[i++];
    if (z[i] != '\0') {
        /* Cut short: never inside a UTF-8 sequence, so back off to the start of a code point. */
        while (i > 0 && ((unsigned char)z[i] & 0xC0) == 0x80) {
            i--;
            at--;
        }
    }
    dst[at] = '\0';
    *len = at;
}

void hv__demo_cat_u(char *dst, size_t cap, size_t *len, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n < width && n < 20)
        tmp[n++] = '0';
    char out[24];
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    hv__demo_cat(dst, cap, len, out);
}

static unsigned below(struct hv_rng *r, unsigned n)
{
    return (unsigned)hv_rng_below(r, n);
}

static int days_in_month(int y, int m)
{
    static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* "YYYY-MM-DD", "YYYY-MM" or "YYYY" by precision (3 = day, 2 = month, 1 = year). */
static void format_date(char *out, size_t cap, int y, int m, int d, int prec)
{
    size_t len = 0;
    out[0] = '\0';
    hv__demo_cat_u(out, cap, &len, (uint64_t)y, 4);
    if (prec >= 2) {
        hv__demo_cat(out, cap, &len, "-");
        hv__demo_cat_u(out, cap, &len, (uint64_t)m, 2);
    }
    if (prec >= 3) {
        hv__demo_cat(out, cap, &len, "-");
        hv__demo_cat_u(out, cap, &len, (uint64_t)d, 2);
    }
}

void hv__demo_phone(struct hv_rng *r, char *out, size_t cap)
{
    /* Afghan mobile prefixes 70-79 (75 is rare; left out). */
    static const char op[] = "012346789";
    size_t len = 0;
    out[0] = '\0';
    hv__demo_cat(out, cap, &len, "+93 7");
    char d[2] = { op[below(r, sizeof(op) - 1)], '\0' };
    hv__demo_cat(out, cap, &len, d);
    hv__demo_cat(out, cap, &len, " ");
    hv__demo_cat_u(out, cap, &len, below(r, 1000), 3);
    hv__demo_cat(out, cap, &len, " ");
    hv__demo_cat_u(out, cap, &len, below(r, 10000), 4);
}

static const struct hv__demo_namelist *given_list(const struct hv__demo_tables *t, char sex)
{
    return sex == 'F' ? &t->female : &t->male;
}

void hv__demo_compose(const struct hv__demo_tables *t, char *out, size_t cap, const char *base,
                      int32_t hon_idx, bool native)
{
    size_t len = 0;
    out[0] = '\0';
    if (hon_idx < 0) {
        hv__demo_cat(out, cap, &len, base);
        return;
    }
    const struct hv__demo_honorific *h = &t->hon[hon_idx];
    const char *hz = native ? h->native : h->name;
    if (h->prefix) {
        hv__demo_cat(out, cap, &len, hz);
        hv__demo_cat(out, cap, &len, " ");
        hv__demo_cat(out, cap, &len, base);
    } else {
        hv__demo_cat(out, cap, &len, base);
        hv__demo_cat(out, cap, &len, " ");
        hv__demo_cat(out, cap, &len, hz);
    }
}

void hv__demo_compose_native(const struct hv__demo_tables *t, struct hv__demo_person *p)
{
    const struct hv__demo_namelist *gl = given_list(t, p->sex);
    hv__demo_compose(t, p->native, sizeof(p->native), gl->native[p->given_idx], p->hon_idx, true);
    if (p->family_idx >= 0) {
        size_t len = strlen(p->native);
        hv__demo_cat(p->native, sizeof(p->native), &len, " ");
        hv__demo_cat(p->native, sizeof(p->native), &len, t->family.native[p->family_idx]);
    }
}

/* True when word occurs in name as a whole word. */
static bool has_word(const char *name, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(name, word); p != NULL; p = strstr(p + 1, word)) {
        bool left = p == name || p[-1] == ' ';
        bool right = p[n] == '\0' || p[n] == ' ';
        if (left && right)
            return true;
    }
    return false;
}

/* An honorific for a person of this sex that the base name does not already carry, or -1. */
static int32_t pick_honorific(struct hv__demo_gen *g, char sex, const char *base)
{
    const struct hv__demo_wtable *w = sex == 'F' ? &g->t.hon_w_female : &g->t.hon_w_male;
    size_t i = hv__demo_wpick(w, &g->rng);
    if (has_word(base, g->t.hon[i].name))
        return -1;
    return (int32_t)i;
}

/* Writes the visible name strings from the indices. */
static void compose_names(const struct hv__demo_tables *t, struct hv__demo_person *p)
{
    const struct hv__demo_namelist *gl = given_list(t, p->sex);
    hv__demo_compose(t, p->given, sizeof(p->given), gl->name[p->given_idx], p->hon_idx, false);
    p->family[0] = '\0';
    if (p->family_idx >= 0) {
        size_t len = 0;
        hv__demo_cat(p->family, sizeof(p->family), &len, t->family.name[p->family_idx]);
    }
    p->father[0] = '\0';
    if (p->father_idx >= 0)
        hv__demo_compose(t, p->father, sizeof(p->father), t->male.name[p->father_idx],
                         p->father_hon_idx, false);
    p->grandfather[0] = '\0';
    if (p->grandfather_idx >= 0) {
        size_t len = 0;
        hv__demo_cat(p->grandfather, sizeof(p->grandfather), &len,
                     t->male.name[p->grandfather_idx]);
    }
    hv__demo_compose_native(t, p);
}

void hv__demo_format_birth(struct hv__demo_person *p)
{
    size_t len = 0;
    p->birth[0] = '\0';
    switch (p->prec) {
    case HV__DEMO_BIRTH_YEAR:
        hv__demo_cat_u(p->birth, sizeof(p->birth), &len, (uint64_t)p->year, 4);
        break;
    case HV__DEMO_BIRTH_DAY:
        format_date(p->birth, sizeof(p->birth), p->year, p->month, p->day, 3);
        break;
    case HV__DEMO_BIRTH_RANGE:
        hv__demo_cat_u(p->birth, sizeof(p->birth), &len, (uint64_t)p->range_lo, 4);
        hv__demo_cat(p->birth, sizeof(p->birth), &len, "..");
        hv__demo_cat_u(p->birth, sizeof(p->birth), &len, (uint64_t)p->range_hi, 4);
        break;
    }
}

/* Most Afghan records carry only a year (70%); some a full date (20%, often 1 January, the
 * default registrars wrote when the day was unknown); some a range of years (10%). */
static void set_birth(struct hv__demo_gen *g, struct hv__demo_person *p, int year)
{
    struct hv_rng *r = &g->rng;
    p->year = (int16_t)year;
    p->month = (uint8_t)(1 + below(r, 12));
    p->day = (uint8_t)(1 + below(r, (unsigned)days_in_month(year, p->month)));
    double u = hv_rng_unit(r);
    if (u < 0.70) {
        p->prec = HV__DEMO_BIRTH_YEAR;
    } else if (u < 0.90) {
        p->prec = HV__DEMO_BIRTH_DAY;
        if (hv__demo_chance(r, 0.4)) {
            p->month = 1;
            p->day = 1;
        }
    } else {
        p->prec = HV__DEMO_BIRTH_RANGE;
        int lo = year - (int)below(r, 3);
        int hi = lo + 2 + (int)below(r, 4);
        if (hi > NOW_YEAR)
            hi = NOW_YEAR;
        if (hi < year)
            hi = year;
        if (lo >= hi)
            lo = hi - 2;
        p->range_lo = (int16_t)lo;
        p->range_hi = (int16_t)hi;
    }
    hv__demo_format_birth(p);
}

/* Resets every field the generator reads before writing; the record is large and this runs for
 * every person, so the string buffers are only emptied, not cleared. */
static void person_init(struct hv__demo_person *p, const char *relation, char sex)
{
    p->ref[0] = '\0';
    p->given[0] = p->family[0] = p->father[0] = p->grandfather[0] = p->native[0] = '\0';
    p->birth[0] = p->languages[0] = p->needs[0] = '\0';
    p->dup_of[0] = p->dup_kind[0] = p->hn_of[0] = '\0';
    p->hn_kind = NULL;
    p->sex_unknown = false;
    p->year = 0;
    p->month = p->day = 0;
    p->prec = HV__DEMO_BIRTH_YEAR;
    p->range_lo = p->range_hi = 0;
    p->n_docs = p->n_jobs = p->n_contacts = 0;
    p->case_index = 0;
    p->relation = relation;
    p->sex = sex;
    p->given_idx = 0;
    p->hon_idx = -1;
    p->family_idx = -1;
    p->father_idx = -1;
    p->father_hon_idx = -1;
    p->grandfather_idx = -1;
    p->nationality[0] = 'A';
    p->nationality[1] = 'F';
    p->nationality[2] = '\0';
}

static void pick_given(struct hv__demo_gen *g, struct hv__demo_person *p)
{
    p->given_idx = (int32_t)hv__demo_wpick(&given_list(&g->t, p->sex)->w, &g->rng);
}

static int age_of(const struct hv__demo_person *p)
{
    return NOW_YEAR - p->year;
}

/* Honorifics are mostly carried by older men (Haji after the pilgrimage). */
static void maybe_honorific(struct hv__demo_gen *g, struct hv__demo_person *p)
{
    int age = age_of(p);
    double prob = 0.0;
    if (p->sex == 'M')
        prob = age >= 45 ? 0.20 : age >= 18 ? 0.08 : 0.0;
    else
        prob = age >= 18 ? 0.02 : 0.0;
    if (prob > 0.0 && hv__demo_chance(&g->rng, prob)) {
        const char *base = given_list(&g->t, p->sex)->name[p->given_idx];
        p->hon_idx = pick_honorific(g, p->sex, base);
    }
}

static void set_father(struct hv__demo_gen *g, struct hv__demo_person *p)
{
    p->father_idx = (int32_t)hv__demo_wpick(&g->t.male.w, &g->rng);
    p->father_hon_idx = -1;
    if (hv__demo_chance(&g->rng, 0.12))
        p->father_hon_idx = pick_honorific(g, 'M', g->t.male.name[p->father_idx]);
}

static void set_languages(struct hv__demo_person *p, int first, bool second, bool eng)
{
    size_t len = 0;
    p->languages[0] = '\0';
    hv__demo_cat(p->languages, sizeof(p->languages), &len, LANG_CODE[first]);
    if (second) {
        hv__demo_cat(p->languages, sizeof(p->languages), &len, ";");
        hv__demo_cat(p->languages, sizeof(p->languages), &len, LANG_CODE[first == 0 ? 1 : 0]);
    }
    if (eng)
        hv__demo_cat(p->languages, sizeof(p->languages), &len, ";eng");
}

static void set_needs(struct hv__demo_gen *g, struct hv__demo_person *p, double uam)
{
    struct hv_rng *r = &g->rng;
    int age = age_of(p);
    const char *need[5];
    size_t n = 0;
    if (hv__demo_chance(r, 0.12))
        need[n++] = "medical";
    if (hv__demo_chance(r, 0.03))
        need[n++] = "disability";
    if (age < 18 && uam > 0.0 && hv__demo_chance(r, uam))
        need[n++] = "unaccompanied_minor";
    if (p->sex == 'F' && age >= 18 && age <= 42 && hv__demo_chance(r, 0.06))
        need[n++] = "pregnant";
    if (age >= 65 && hv__demo_chance(r, 0.85))
        need[n++] = "elderly";
    size_t len = 0;
    p->needs[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            hv__demo_cat(p->needs, sizeof(p->needs), &len, ";");
        hv__demo_cat(p->needs, sizeof(p->needs), &len, need[i]);
    }
}

/* ---- documents, employment, contacts ------------------------------------------------------ */

static struct hv__demo_doc *add_doc(struct hv__demo_person *p, const char *kind, const char *issuer)
{
    if (p->n_docs >= HV__DEMO_MAX_DOCS)
        return NULL;
    struct hv__demo_doc *d = &p->docs[p->n_docs++];
    memset(d, 0, sizeof(*d));
    d->kind = kind;
    d->issuer = issuer;
    return d;
}

/* e-tazkira (issued since 2018): "1400-0101-12345" = Solar Hijri year of issue, province and
 * office, serial. Paper tazkira: a registration number, sometimes as volume/page/entry. */
static void add_tazkira(struct hv__demo_gen *g, struct hv__demo_person *p, size_t prov)
{
    struct hv_rng *r = &g->rng;
    bool electronic = hv__demo_chance(r, p->year >= 2015 ? 0.6 : 0.35);
    if (p->year > 2017)
        electronic = true;
    struct hv__demo_doc *d = add_doc(p, "tazkira", electronic ? "ACCRA" : "AF");
    if (d == NULL)
        return;
    size_t len = 0;
    if (electronic) {
        int sh = 1397 + (int)below(r, 4);
        hv__demo_cat_u(d->number, sizeof(d->number), &len, (uint64_t)sh, 4);
        hv__demo_cat(d->number, sizeof(d->number), &len, "-");
        hv__demo_cat_u(d->number, sizeof(d->number), &len, prov + 1, 2);
        hv__demo_cat_u(d->number, sizeof(d->number), &len, 1 + below(r, 12), 2);
        hv__demo_cat(d->number, sizeof(d->number), &len, "-");
        hv__demo_cat_u(d->number, sizeof(d->number), &len, below(r, 100000), 5);
        /* The Solar Hijri year starts about 21 March; 1400 is the current year, issued by
         * July 2021. */
        unsigned m = sh == 1400 ? below(r, 4) : below(r, 12);
        int gy = sh + 621 + (m >= 9 ? 1 : 0);
        int gm = m >= 9 ? (int)m - 8 : 4 + (int)m;
        format_date(d->issued_on, sizeof(d->issued_on), gy, gm, 1 + (int)below(r, 28), 3);
    } else {
        if (hv__demo_chance(r, 0.6)) {
            hv__demo_cat_u(d->number, sizeof(d->number), &len, 10000 + below(r, 9990000), 0);
        } else {
            hv__demo_cat_u(d->number, sizeof(d->number), &len, 1 + below(r, 250), 0);
            hv__demo_cat(d->number, sizeof(d->number), &len, "/");
            hv__demo_cat_u(d->number, sizeof(d->number), &len, 1 + below(r, 300), 0);
            hv__demo_cat(d->number, sizeof(d->number), &len, "/");
            hv__demo_cat_u(d->number, sizeof(d->number), &len, 1 + below(r, 9999), 0);
        }
        int first = p->year > 1980 ? p->year : 1980;
        if (first <= 2017 && hv__demo_chance(r, 0.5))
            format_date(d->issued_on, sizeof(d->issued_on),
                        first + (int)below(r, (unsigned)(2018 - first)), 1, 1, 1);
    }
}

static void add_passport(struct hv__demo_gen *g, struct hv__demo_person *p)
{
    struct hv_rng *r = &g->rng;
    struct hv__demo_doc *d = add_doc(p, "passport", "AF");
    if (d == NULL)
        return;
    size_t len = 0;
    hv__demo_cat(d->number, sizeof(d->number), &len, "P");
    hv__demo_cat_u(d->number, sizeof(d->number), &len, below(r, 100000000), 8);
    int first = p->year > 2011 ? p->year : 2011;
    int y = first + (int)below(r, (unsigned)(NOW_YEAR - first + 1));
    int m = 1 + (int)below(r, y == NOW_YEAR ? 7 : 12);
    int day = 1 + (int)below(r, 28);
    int valid = age_of(p) < 18 ? 5 : (hv__demo_chance(r, 0.5) ? 10 : 5);
    format_date(d->issued_on, sizeof(d->issued_on), y, m, day, 3);
    format_date(d->expires_on, sizeof(d->expires_on), y + valid, m, day, 3);
}

static void random_date_in_year(struct hv_rng *r, int y, int *m, int *d)
{
    *m = 1 + (int)below(r, y == NOW_YEAR ? 7 : 12);
    *d = 1 + (int)below(r, 28);
}

/* Partial dates as registrars write them: mostly year and month. */
static int date_precision(struct hv_rng *r)
{
    double u = hv_rng_unit(r);
    return u < 0.7 ? 2 : u < 0.9 ? 1 : 3;
}

static void supervisor_name(struct hv__demo_gen *g, char *out, size_t cap)
{
    const struct hv__demo_tables *t = &g->t;
    size_t len = 0;
    out[0] = '\0';
    hv__demo_cat(out, cap, &len, t->sup_val[hv__demo_wpick(&t->sup_title_w, &g->rng)]);
    hv__demo_cat(out, cap, &len, " ");
    hv__demo_cat(out, cap, &len, t->sup_val[hv__demo_wpick(&t->sup_initial_w, &g->rng)]);
    hv__demo_cat(out, cap, &len, " ");
    hv__demo_cat(out, cap, &len, t->sup_val[hv__demo_wpick(&t->sup_surname_w, &g->rng)]);
}

static const char *pick_verification(struct hv_rng *r)
{
    double u = hv_rng_unit(r);
    return u < 0.40 ? "verified" : u < 0.65 ? "pending" : u < 0.95 ? "unverified" : "rejected";
}

/* 1-3 jobs in sequence, each within its employer's years and after the person turned 18. */
static void add_jobs(struct hv__demo_gen *g, struct hv__demo_person *p)
{
    struct hv_rng *r = &g->rng;
    const struct hv__demo_tables *t = &g->t;
    double u = hv_rng_unit(r);
    unsigned want = u < 0.70 ? 1 : u < 0.95 ? 2 : 3;
    int earliest = p->year + 18;
    for (unsigned j = 0; j < want; j++) {
        size_t e = 0;
        int lo = 0, hi = -1;
        for (int tries = 0; tries < 8 && lo > hi; tries++) {
            e = hv__demo_wpick(&t->emp_w, r);
            lo = t->emp[e].from_year > earliest ? t->emp[e].from_year : earliest;
            hi = t->emp[e].to_year - 1 < NOW_YEAR - 1 ? t->emp[e].to_year - 1 : NOW_YEAR - 1;
        }
        if (lo > hi)
            break;
        struct hv__demo_job *job = &p->jobs[p->n_jobs++];
        memset(job, 0, sizeof(*job));
        job->employer = (uint16_t)e;
        if (j > 0 && hv__demo_chance(r, 0.7))
            job->role = p->jobs[j - 1].role;
        else
            job->role = (uint16_t)hv__demo_wpick(&t->role_w, r);
        int start = lo + (int)below(r, (unsigned)(hi - lo + 1));
        int end = start + 1 + (int)below(r, 7);
        if (end > t->emp[e].to_year)
            end = t->emp[e].to_year;
        int m = 0, d = 0;
        random_date_in_year(r, start, &m, &d);
        format_date(job->start, sizeof(job->start), start, m, d, date_precision(r));
        bool current = end == NOW_YEAR && hv__demo_chance(r, 0.3);
        random_date_in_year(r, end, &m, &d);
        int prec = date_precision(r);
        if (!current)
            format_date(job->end, sizeof(job->end), end, m, d, prec);
        if (hv__demo_chance(r, 0.85))
            supervisor_name(g, job->supervisor, sizeof(job->supervisor));
        job->verification = pick_verification(r);
        if (hv__demo_chance(r, 0.4))
            job->evidence |= HV__DEMO_EV_BADGE;
        if (hv__demo_chance(r, 0.3))
            job->evidence |= HV__DEMO_EV_RECOMMENDATION;
        earliest = end;
    }
}

static void add_letters(struct hv__demo_gen *g, struct hv__demo_person *p)
{
    struct hv_rng *r = &g->rng;
    if (hv__demo_chance(r, 0.35)) {
        struct hv__demo_doc *d = add_doc(p, "com_letter", "US Embassy Kabul");
        if (d != NULL) {
            int y = 2019 + (int)below(r, 3);
            int m = 0, day = 0;
            random_date_in_year(r, y, &m, &day);
            size_t len = 0;
            hv__demo_cat(d->number, sizeof(d->number), &len, "COM-");
            hv__demo_cat_u(d->number, sizeof(d->number), &len, (uint64_t)y, 4);
            hv__demo_cat(d->number, sizeof(d->number), &len, "-");
            hv__demo_cat_u(d->number, sizeof(d->number), &len, below(r, 1000000), 6);
            format_date(d->issued_on, sizeof(d->issued_on), y, m, day, 3);
        }
    }
    if (p->n_jobs > 0 && hv__demo_chance(r, 0.65)) {
        const struct hv__demo_job *job = &p->jobs[0];
        struct hv__demo_doc *d = add_doc(p, "employment_letter", g->t.emp[job->employer].employer);
        if (d != NULL) {
            int y = 2021;
            if (job->end[0] != '\0')
                y = (job->end[0] - '0') * 1000 + (job->end[1] - '0') * 100 +
                    (job->end[2] - '0') * 10 + (job->end[3] - '0');
            size_t len = 0;
            hv__demo_cat(d->number, sizeof(d->number), &len, "HR/");
            hv__demo_cat_u(d->number, sizeof(d->number), &len, (uint64_t)y, 4);
            hv__demo_cat(d->number, sizeof(d->number), &len, "/");
            hv__demo_cat_u(d->number, sizeof(d->number), &len, 1 + below(r, 9999), 4);
            format_date(d->issued_on, sizeof(d->issued_on), y, 1, 1, 1);
            p->jobs[0].evidence |= HV__DEMO_EV_LETTER;
        }
    }
}

static void add_contact(struct hv__demo_person *p, const char *kind, const char *value)
{
    if (p->n_contacts >= HV__DEMO_MAX_CONTACTS)
        return;
    struct hv__demo_contact *c = &p->contacts[p->n_contacts++];
    c->kind = kind;
    size_t len = 0;
    c->value[0] = '\0';
    hv__demo_cat(c->value, sizeof(c->value), &len, value);
}

/* Lower-case ASCII letters of z appended to out. */
static void cat_letters(char *out, size_t cap, size_t *len, const char *z)
{
    for (; *z != '\0'; z++) {
        char ch = *z;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch >= 'a' && ch <= 'z') {
            char s[2] = { ch, '\0' };
            hv__demo_cat(out, cap, len, s);
        }
    }
}

static void add_contacts(struct hv__demo_gen *g, struct hv__demo_person *p, bool principal)
{
    struct hv_rng *r = &g->rng;
    int age = age_of(p);
    double phone_p = principal ? 0.97 : age >= 18 ? 0.33 : age >= 16 ? 0.15 : 0.0;
    if (!hv__demo_chance(r, phone_p))
        return;
    char phone[24];
    hv__demo_phone(r, phone, sizeof(phone));
    add_contact(p, "phone", phone);
    if (!principal)
        return;
    if (hv__demo_chance(r, 0.6)) {
        if (hv__demo_chance(r, 0.2))
            hv__demo_phone(r, phone, sizeof(phone));
        add_contact(p, "whatsapp", phone);
    }
    if (hv__demo_chance(r, 0.1))
        add_contact(p, "signal", phone);
    if (hv__demo_chance(r, 0.25)) {
        /* example.org: never a real mailbox. */
        char mail[64];
        size_t len = 0;
        mail[0] = '\0';
        cat_letters(mail, sizeof(mail), &len, given_list(&g->t, p->sex)->name[p->given_idx]);
        hv__demo_cat(mail, sizeof(mail), &len, ".");
        cat_letters(mail, sizeof(mail), &len, p->family[0] != '\0' ? p->family : p->father);
        hv__demo_cat_u(mail, sizeof(mail), &len, below(r, 100), 2);
        hv__demo_cat(mail, sizeof(mail), &len, "@example.org");
        add_contact(p, "email", mail);
    }
}

static void add_documents(struct hv__demo_gen *g, struct hv__demo_person *p, size_t prov)
{
    struct hv_rng *r = &g->rng;
    bool adult = age_of(p) >= 18;
    if (hv__demo_chance(r, adult ? 0.92 : 0.75))
        add_tazkira(g, p, prov);
    if (hv__demo_chance(r, adult ? 0.45 : 0.25))
        add_passport(g, p);
}

/* ---- the family of one case --------------------------------------------------------------- */

struct family {
    size_t prov;
    int lang;        /* index into LANG_CODE */
    bool has_family; /* the family uses a family name */
    int32_t family_idx;
};

static int pick_language(struct hv__demo_gen *g, const struct hv__demo_province *p)
{
    uint32_t total = p->lang[0] + p->lang[1] + p->lang[2] + p->lang[3];
    uint32_t x = (uint32_t)hv_rng_below(&g->rng, total);
    for (int i = 0; i < 4; i++) {
        if (x < p->lang[i])
            return i;
        x -= p->lang[i];
    }
    return 0;
}

/* Plants a hard negative: this person gets the given name (and sometimes the family name) and
 * birth year of an earlier, different person of the same sex, with a different father. */
static bool plant_hard_negative(struct hv__demo_gen *g, struct hv__demo_person *p)
{
    int s = p->sex == 'F' ? 1 : 0;
    if (g->opt.hard_negative_rate <= 0.0 || g->n_tmpl[s] == 0 ||
        !hv__demo_chance(&g->rng, g->opt.hard_negative_rate))
        return false;
    const struct hv__demo_template *tm = &g->tmpl[s][below(&g->rng, (unsigned)g->n_tmpl[s])];
    p->given_idx = tm->given_idx;
    p->hon_idx = tm->hon_idx;
    p->hn_kind = "same_name_year";
    if (tm->family_idx >= 0 && hv__demo_chance(&g->rng, 0.5)) {
        p->family_idx = tm->family_idx;
        p->hn_kind = "same_name_family_year";
    }
    p->year = tm->year;
    /* A different father: never the template's father's name, never an honorific. */
    for (int tries = 0; tries < 64; tries++) {
        p->father_idx = (int32_t)hv__demo_wpick(&g->t.male.w, &g->rng);
        p->father_hon_idx = -1;
        if (p->father_idx != tm->father_idx &&
            strcmp(g->t.male.name[p->father_idx], tm->father) != 0)
            break;
    }
    size_t len = 0;
    p->hn_of[0] = '\0';
    hv__demo_cat(p->hn_of, sizeof(p->hn_of), &len, tm->ref);
    return true;
}

static void finish_person(struct hv__demo_gen *g, struct hv__demo_person *p, const struct family *f,
                          bool principal, double uam)
{
    struct hv_rng *r = &g->rng;
    int age = age_of(p);
    if (p->hn_kind != NULL && p->prec == HV__DEMO_BIRTH_RANGE) {
        /* A hard negative shows the same birth year as its template, not a range around it. */
        p->prec = HV__DEMO_BIRTH_YEAR;
        hv__demo_format_birth(p);
    }
    compose_names(&g->t, p);
    if (principal)
        add_jobs(g, p);
    add_documents(g, p, f->prov);
    if (principal)
        add_letters(g, p);
    add_contacts(g, p, principal);
    bool eng = false;
    if (principal)
        eng = (p->n_jobs > 0 && g->t.role[p->jobs[0].role].english) || hv__demo_chance(r, 0.3);
    else if (age >= 10)
        eng = hv__demo_chance(r, age < 18 ? 0.25 : 0.1);
    bool second = age >= 6 && hv__demo_chance(r, principal ? 0.5 : 0.25);
    set_languages(p, f->lang, second, eng);
    set_needs(g, p, uam);
    /* A few registrations of small children leave the sex empty. */
    if (strcmp(p->relation, "child") == 0 && age < 5 && hv__demo_chance(r, 0.01))
        p->sex_unknown = true;
}

static int clamp_year(int y, int lo, int hi)
{
    return y < lo ? lo : y > hi ? hi : y;
}

/* Generates the originals of case c; returns how many. */
static size_t gen_family(struct hv__demo_gen *g, struct hv__demo_case *c)
{
    struct hv_rng *r = &g->rng;
    const struct hv__demo_tables *t = &g->t;
    struct family f;
    f.prov = hv__demo_wpick(&t->prov_w, r);
    f.lang = pick_language(g, &t->prov[f.prov]);
    f.has_family = hv__demo_chance(r, 0.61);
    f.family_idx = f.has_family ? (int32_t)hv__demo_wpick(&t->family.w, r) : -1;
    c->location_ref = t->prov[f.prov].ref;
    size_t n = 0;

    /* Principal applicant: the one who worked with the mission. */
    struct hv__demo_person *pr = &c->people[n++];
    person_init(pr, "principal", hv__demo_chance(r, 0.93) ? 'M' : 'F');
    int age = 22 + (int)below(r, 14) + (int)below(r, 14);
    pr->year = (int16_t)(NOW_YEAR - age);
    pick_given(g, pr);
    pr->family_idx = f.family_idx;
    set_father(g, pr);
    pr->grandfather_idx = hv__demo_chance(r, 0.8) ? (int32_t)hv__demo_wpick(&t->male.w, r) : -1;
    if (!plant_hard_negative(g, pr))
        maybe_honorific(g, pr);
    age = age_of(pr);
    set_birth(g, pr, pr->year);
    finish_person(g, pr, &f, true, 0.0);

    /* Spouse. */
    struct hv__demo_person *sp = NULL;
    if (age >= 22 && hv__demo_chance(r, 0.85)) {
        sp = &c->people[n++];
        char sex = pr->sex == 'M' ? 'F' : 'M';
        person_init(sp, "spouse", sex);
        int y = sex == 'F' ? pr->year + (int)below(r, 10) : pr->year - (int)below(r, 8);
        sp->year = (int16_t)clamp_year(y, 1940, NOW_YEAR - 18);
        pick_given(g, sp);
        if (sex == 'F') {
            double u = hv_rng_unit(r);
            if (f.has_family)
                sp->family_idx = u < 0.5    ? f.family_idx
                                 : u < 0.65 ? (int32_t)hv__demo_wpick(&t->family.w, r)
                                            : -1;
            else
                sp->family_idx = u < 0.1 ? (int32_t)hv__demo_wpick(&t->family.w, r) : -1;
        } else {
            sp->family_idx = f.has_family              ? f.family_idx
                             : hv__demo_chance(r, 0.4) ? (int32_t)hv__demo_wpick(&t->family.w, r)
                                                       : -1;
        }
        set_father(g, sp);
        sp->grandfather_idx =
            hv__demo_chance(r, 0.75) ? (int32_t)hv__demo_wpick(&t->male.w, r) : -1;
        if (!plant_hard_negative(g, sp))
            maybe_honorific(g, sp);
        set_birth(g, sp, sp->year);
        finish_person(g, sp, &f, false, 0.0);
    }

    /* Children. The father is the principal or the spouse, whichever is the man. */
    const struct hv__demo_person *father = pr->sex == 'M' ? pr : sp;
    const struct hv__demo_person *mother = pr->sex == 'F' ? pr : sp;
    unsigned kids = 0;
    int first_year = pr->year + 19;
    if (sp != NULL) {
        for (int i = 0; i < 7; i++)
            kids += hv__demo_chance(r, 0.40) ? 1u : 0u;
        int fy = father->year + 19, my = mother->year + 17;
        first_year = fy > my ? fy : my;
    } else if (hv__demo_chance(r, 0.1)) {
        kids = 1 + below(r, 3);
    }
    if (first_year > NOW_YEAR)
        kids = 0;
    else if (kids > (unsigned)(NOW_YEAR - first_year) / 2 + 1)
        kids = (unsigned)(NOW_YEAR - first_year) / 2 + 1;
    int years[8];
    for (unsigned k = 0; k < kids; k++)
        years[k] = first_year + (int)below(r, (unsigned)(NOW_YEAR - first_year + 1));
    /* Oldest first. */
    for (unsigned i = 1; i < kids; i++) {
        for (unsigned j = i; j > 0 && years[j - 1] > years[j]; j--) {
            int tmp = years[j];
            years[j] = years[j - 1];
            years[j - 1] = tmp;
        }
    }
    for (unsigned k = 0; k < kids; k++) {
        struct hv__demo_person *ch = &c->people[n++];
        person_init(ch, "child", hv__demo_chance(r, 0.5) ? 'M' : 'F');
        ch->year = (int16_t)years[k];
        pick_given(g, ch);
        if (f.has_family && (father == NULL || father->family_idx == f.family_idx))
            ch->family_idx = hv__demo_chance(r, 0.92) ? f.family_idx : -1;
        if (father != NULL) {
            ch->father_idx = father->given_idx;
            ch->father_hon_idx = hv__demo_chance(r, 0.25) ? father->hon_idx : -1;
            ch->grandfather_idx = father->father_idx;
        } else {
            set_father(g, ch);
        }
        set_birth(g, ch, ch->year);
        finish_person(g, ch, &f, false, 0.002);
    }

    /* Sometimes a parent of the principal: the father carries the principal's father's name. */
    if (hv__demo_chance(r, 0.12)) {
        bool dad = hv__demo_chance(r, 0.6);
        struct hv__demo_person *pa = &c->people[n++];
        person_init(pa, "parent", dad ? 'M' : 'F');
        pa->year = (int16_t)clamp_year(pr->year - 20 - (int)below(r, 16), 1921, NOW_YEAR - 35);
        if (dad) {
            pa->given_idx = pr->father_idx;
            pa->hon_idx = pr->father_hon_idx;
            pa->family_idx = f.family_idx;
            if (pr->grandfather_idx >= 0)
                pa->father_idx = pr->grandfather_idx;
            else
                set_father(g, pa);
        } else {
            pick_given(g, pa);
            pa->family_idx = f.has_family && hv__demo_chance(r, 0.3) ? f.family_idx : -1;
            set_father(g, pa);
        }
        pa->grandfather_idx = hv__demo_chance(r, 0.5) ? (int32_t)hv__demo_wpick(&t->male.w, r) : -1;
        set_birth(g, pa, pa->year);
        finish_person(g, pa, &f, false, 0.0);
    }

    /* Sometimes a sibling of the principal: same father and grandfather. */
    if (hv__demo_chance(r, 0.12)) {
        struct hv__demo_person *si = &c->people[n++];
        person_init(si, "sibling", hv__demo_chance(r, 0.5) ? 'M' : 'F');
        si->year = (int16_t)clamp_year(pr->year + (int)below(r, 17) - 8, 1930, NOW_YEAR - 3);
        pick_given(g, si);
        si->family_idx = f.family_idx;
        si->father_idx = pr->father_idx;
        si->father_hon_idx = pr->father_hon_idx;
        si->grandfather_idx = pr->grandfather_idx;
        maybe_honorific(g, si);
        set_birth(g, si, si->year);
        finish_person(g, si, &f, false, 0.2);
    }
    return n;
}

/* ---- cases, duplicates and the generator --------------------------------------------------- */

static void person_ref(const struct hv__demo_case *c, size_t k, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    hv__demo_cat(out, cap, &len, c->ref);
    hv__demo_cat(out, cap, &len, "-P");
    hv__demo_cat_u(out, cap, &len, k + 1, 2);
}

static void case_fields(struct hv__demo_gen *g, struct hv__demo_case *c)
{
    struct hv_rng *r = &g->rng;
    size_t len = 0;
    c->ref[0] = '\0';
    hv__demo_cat(c->ref, sizeof(c->ref), &len, "AFG-SIV-");
    hv__demo_cat_u(c->ref, sizeof(c->ref), &len, (uint64_t)c->index + 1, 6);
    double u = hv_rng_unit(r);
    c->status = u < 0.94 ? "open" : u < 0.98 ? "on_hold" : u < 0.99 ? "withdrawn" : "closed";
    u = hv_rng_unit(r);
    c->risk = u < 0.10 ? 1 : u < 0.50 ? 2 : u < 0.85 ? 3 : 4;
    u = hv_rng_unit(r);
    c->disclosure = u < 0.25   ? ""
                    : u < 0.55 ? "UZ"
                    : u < 0.75 ? "UZ;TJ"
                    : u < 0.85 ? "TJ"
                    : u < 0.95 ? "UZ;TJ;KZ"
                               : "KZ";
}

/* Appends placement and transformations as the final kind: "other_case;variant;..." */
static void set_placement(struct hv__demo_person *d, bool same_case)
{
    char kind[sizeof(d->dup_kind)];
    size_t len = 0;
    kind[0] = '\0';
    hv__demo_cat(kind, sizeof(kind), &len, same_case ? "same_case;" : "other_case;");
    hv__demo_cat(kind, sizeof(kind), &len, d->dup_kind);
    memcpy(d->dup_kind, kind, sizeof(kind));
}

static void place_relation(struct hv__demo_gen *g, struct hv__demo_person *d, bool same_case)
{
    if (same_case) {
        if (strcmp(d->relation, "principal") == 0)
            d->relation = "other";
    } else if (age_of(d) >= 18 && hv__demo_chance(&g->rng, 0.4)) {
        d->relation = "sibling";
    } else {
        d->relation = "other";
    }
}

static void remember_templates(struct hv__demo_gen *g, const struct hv__demo_case *c, size_t n_orig)
{
    for (size_t k = 0; k < n_orig; k++) {
        const struct hv__demo_person *p = &c->people[k];
        bool adult_couple =
            strcmp(p->relation, "principal") == 0 || strcmp(p->relation, "spouse") == 0;
        /* A template's birth year must be plain to see: no ranges. */
        if (!adult_couple || p->hn_kind != NULL || p->father[0] == '\0' ||
            p->prec == HV__DEMO_BIRTH_RANGE)
            continue;
        int s = p->sex == 'F' ? 1 : 0;
        struct hv__demo_template *tm = &g->tmpl[s][g->tmpl_next[s]];
        g->tmpl_next[s] = (g->tmpl_next[s] + 1) % HV__DEMO_TEMPLATES;
        if (g->n_tmpl[s] < HV__DEMO_TEMPLATES)
            g->n_tmpl[s]++;
        size_t len = 0;
        tm->ref[0] = '\0';
        hv__demo_cat(tm->ref, sizeof(tm->ref), &len, p->ref);
        len = 0;
        tm->father[0] = '\0';
        hv__demo_cat(tm->father, sizeof(tm->father), &len, p->father);
        tm->given_idx = p->given_idx;
        tm->hon_idx = p->hon_idx;
        tm->family_idx = p->family_idx;
        tm->father_idx = p->father_idx;
        tm->year = p->year;
    }
}

bool hv__demo_gen_case(struct hv__demo_gen *g)
{
    if (g->next_case >= g->opt.n_cases)
        return false;
    struct hv__demo_case *c = &g->cur;
    struct hv_rng *r = &g->rng;
    c->index = g->next_case++;
    bool last = c->index + 1 == g->opt.n_cases;
    case_fields(g, c);
    size_t n_orig = gen_family(g, c);
    for (size_t k = 0; k < n_orig; k++) {
        c->people[k].case_index = c->index;
        person_ref(c, k, c->people[k].ref, sizeof(c->people[k].ref));
    }

    /* Decide the duplicates of this case's originals. */
    size_t n_same = 0;
    for (size_t k = 0; k < n_orig; k++) {
        if (g->opt.dup_rate <= 0.0 || !hv__demo_chance(r, g->opt.dup_rate))
            continue;
        bool same = last || hv__demo_chance(r, 0.3) || g->n_free == 0;
        struct hv__demo_person *d = NULL;
        if (same) {
            d = &g->scratch[n_same++];
        } else {
            uint16_t slot = g->pending_free[--g->n_free];
            struct hv__demo_pending *pe = &g->pending[slot];
            uint32_t target = c->index + 1 + (uint32_t)below(r, HV__DEMO_DUP_WINDOW);
            if (target >= g->opt.n_cases)
                target = g->opt.n_cases - 1;
            pe->target = target;
            g->pending_order[g->n_pending++] = slot;
            d = &pe->p;
        }
        hv__demo_make_duplicate(g, &c->people[k], d);
        place_relation(g, d, same);
        set_placement(d, same);
    }

    /* Place them: same-case duplicates first, then those arriving from earlier cases. */
    size_t n = n_orig;
    for (size_t k = 0; k < n_same && n < HV__DEMO_CASE_MAX; k++)
        c->people[n++] = g->scratch[k];
    size_t keep = 0;
    for (size_t i = 0; i < g->n_pending; i++) {
        uint16_t slot = g->pending_order[i];
        struct hv__demo_pending *pe = &g->pending[slot];
        if (pe->target <= c->index && n < HV__DEMO_CASE_MAX) {
            c->people[n++] = pe->p;
            g->pending_free[g->n_free++] = slot;
        } else if (last) {
            /* No room left in the last case: this duplicate is never written. */
            g->pending_free[g->n_free++] = slot;
        } else {
            g->pending_order[keep++] = slot;
        }
    }
    g->n_pending = keep;
    for (size_t k = n_orig; k < n; k++)
        person_ref(c, k, c->people[k].ref, sizeof(c->people[k].ref));
    c->n_people = n;
    remember_templates(g, c, n_orig);
    return true;
}

void hv_demo_options_init(struct hv_demo_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->seed = 1;
    opt->n_cases = HV_DEMO_DEFAULT_CASES;
    opt->dup_rate = HV_DEMO_DEFAULT_DUP_RATE;
    opt->hard_negative_rate = HV_DEMO_DEFAULT_HARD_NEGATIVE_RATE;
    opt->data_dir = NULL;
}

#ifndef HV_DATA_DIR
#define HV_DATA_DIR "data"
#endif

const char *hv__demo_data_dir(const struct hv_demo_options *opt)
{
    return opt->data_dir != NULL ? opt->data_dir : HV_DATA_DIR;
}

enum hv_err hv__demo_gen_init(struct hv__demo_gen *g, const struct hv_demo_options *opt,
                              struct hv_diag *diag)
{
    memset(g, 0, sizeof(*g));
    if (opt->n_cases < 1 || opt->n_cases > HV_DEMO_MAX_CASES) {
        hv_diag_set(diag, "n_cases", "must be between 1 and %u", HV_DEMO_MAX_CASES);
        return HV_ERR_INVALID;
    }
    /* Written to reject NaN as well. */
    if (!(opt->dup_rate >= 0.0 && opt->dup_rate <= HV_DEMO_MAX_RATE)) {
        hv_diag_set(diag, "dup_rate", "must be between 0 and %.1f", HV_DEMO_MAX_RATE);
        return HV_ERR_INVALID;
    }
    if (!(opt->hard_negative_rate >= 0.0 && opt->hard_negative_rate <= HV_DEMO_MAX_RATE)) {
        hv_diag_set(diag, "hard_negative_rate", "must be between 0 and %.1f", HV_DEMO_MAX_RATE);
        return HV_ERR_INVALID;
    }
    g->opt = *opt;
    g->opt.data_dir = NULL; /* borrowed: not kept past init */
    enum hv_err err = hv__demo_tables_load(&g->t, hv__demo_data_dir(opt), diag);
    if (err != HV_OK)
        return err;
    hv_rng_seed(&g->rng, opt->seed);
    g->pending = hv_xcalloc(HV__DEMO_PENDING_MAX, sizeof(*g->pending));
    for (size_t i = 0; i < HV__DEMO_PENDING_MAX; i++)
        g->pending_free[i] = (uint16_t)(HV__DEMO_PENDING_MAX - 1 - i);
    g->n_free = HV__DEMO_PENDING_MAX;
    return HV_OK;
}

void hv__demo_gen_finish(struct hv__demo_gen *g)
{
    hv__demo_tables_finish(&g->t);
    free(g->pending);
    g->pending = NULL;
}
