/* query.c - screening one name against the index: candidate generation from the skeleton keys
 * of the query's parts (weighted by how rare each key is in the lists), the names engine on the
 * best candidates, then the qualifiers (birth date, nationality, sex), ranked and explained.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screening/screening_int.h"

#define MAX_COMPARE    32   /* names compared with the names engine per query */
#define REL_PRE        0.40 /* ... and only those within this share of the best pre-score */
#define MIN_PRE_SHARE  0.20 /* candidates need this share of the query's key weight */
#define EXPAND_ENTRIES 8    /* entries compared on all their names per query form ... */
#define EXPAND_MIN     0.50 /* ... when one of their names scored at least this */
#define KEY_SKEL_MAX   2    /* parts of skeletons this short are also looked up by key */
#define FUZZY_CAP      1000 /* deletion-variant postings longer than this are not walked */
#define SKEL_MAX       64

/* Partial names (subset_score), tuned in bench/screening: the share of the score the query's
 * own coverage gives when its parts are (PREFIX) or are not the entry name's first parts in
 * order, the rest coming from the entry's coverage; applied to queries of at least
 * SUB_MIN_PARTS evidence parts, all aligned, with at least SUB_MIN_COV of their weight. */
#define SUB_BASE        0.70
#define SUB_BASE_PREFIX 0.85
#define SUB_MIN_PARTS   2
#define SUB_MIN_COV     0.90

/* Qualifier effects on the score. */
#define DOB_MATCH_DAY 0.06
#define DOB_MATCH     0.03
#define DOB_CLOSE     0.00
#define DOB_MISMATCH  -0.15
#define NAT_MATCH     0.02
#define NAT_MISMATCH  -0.05
#define SEX_MISMATCH  -0.12
#define KIND_MISMATCH -0.30 /* a person against an entity, vessel or aircraft */

/* A name's pre-score for the current query. */
struct name_acc {
    uint32_t seen;   /* query serial that last touched the name */
    uint32_t pstamp; /* serial * 32 + part + 1 of the last part credited */
    float acc;       /* pre-score */
};

/* Serials wrap below this so that serial * 32 + part + 1 fits 32 bits. */
#define SERIAL_MAX (UINT32_MAX / 64)

struct hv_screen_scratch {
    const struct hv_screen_index *ix;
    struct name_acc *acc; /* per name: pre-score and stamps (one cache line fetch) */
    uint32_t *touched;    /* names touched by this query */
    size_t n_touched;
    uint32_t serial;
    struct hv_name q;
    struct hv_name c;
    struct hv_names_match m;
    struct hv_names_memo memo; /* part scores of the current query form's parts */
    struct hv_screen_cand cands[MAX_COMPARE * 2]; /* candidates of the current query */
    uint32_t cand_eid[MAX_COMPARE * 2];           /* their index entries */
    uint8_t cand_form[MAX_COMPARE * 2];   /* the query form that matched: 0 as given, else 1 + the
                                             cleaned form's index */
    uint8_t order[MAX_COMPARE * 2];       /* candidates in rank order */
    const struct hv_wl_entry *excl_entry; /* test seam: a name left out of every query */
    size_t excl_name;
};

void hv__screen_scratch_exclude(struct hv_screen_scratch *s, const struct hv_wl_entry *e,
                                size_t name_index)
{
    s->excl_entry = e;
    s->excl_name = name_index;
}

struct hv_screen_scratch *hv_screen_scratch_create(const struct hv_screen_index *ix)
{
    struct hv_screen_scratch *s = hv_xcalloc(1, sizeof(*s));
    size_t n = ix->n_names > 0 ? ix->n_names : 1;
    s->ix = ix;
    s->acc = hv_xcalloc(n, sizeof(*s->acc));
    s->touched = hv_xcalloc(n, sizeof(*s->touched));
    return s;
}

void hv_screen_scratch_destroy(struct hv_screen_scratch *s)
{
    if (s == NULL)
        return;
    free(s->acc);
    free(s->touched);
    free(s);
}

const char *hv_screen_effect_str(enum hv_screen_effect e)
{
    switch (e) {
    case HV_SCREEN_EFFECT_NONE:
        return "not_compared";
    case HV_SCREEN_EFFECT_MATCH:
        return "match";
    case HV_SCREEN_EFFECT_CLOSE:
        return "close";
    case HV_SCREEN_EFFECT_MISMATCH:
        return "mismatch";
    }
    return "?";
}

bool hv_screen_query_init(struct hv_screen_query *q, struct hv_str name, struct hv_str dob,
                          struct hv_str nationality, struct hv_str sex, const char **why)
{
    memset(q, 0, sizeof(*q));
    q->name = name;
    dob = hv_str_trim(dob);
    if (dob.len > 0) {
        /* "1965-01-01T00:00:00" and similar: keep the date. */
        if (dob.len > 10 && dob.ptr[10] == 'T')
            dob.len = 10;
        if (!hv_pdate_parse(dob.ptr, dob.len, &q->dob, why))
            return false;
    }
    hv_screen_country(nationality, q->nationality, sizeof(q->nationality));
    sex = hv_str_trim(sex);
    if (hv_str_ieq_ascii(sex, "m") || hv_str_ieq_ascii(sex, "male"))
        q->sex = 'M';
    else if (hv_str_ieq_ascii(sex, "f") || hv_str_ieq_ascii(sex, "female"))
        q->sex = 'F';
    return true;
}

/* Relation of two dates at the precision both have: overlap of the days they may stand for is
 * a match; otherwise years one apart are close. */
static enum hv_screen_effect dob_relation(const struct hv_pdate *a, const struct hv_pdate *b)
{
    int32_t af, al, bf, bl;
    hv_pdate_bounds(a, &af, &al);
    hv_pdate_bounds(b, &bf, &bl);
    if (af <= bl && bf <= al)
        return HV_SCREEN_EFFECT_MATCH;
    int gap = a->year_to < b->year ? b->year - a->year_to : a->year - b->year_to;
    return gap <= 1 ? HV_SCREEN_EFFECT_CLOSE : HV_SCREEN_EFFECT_MISMATCH;
}

void hv_screen_qualify(const struct hv_screen_query *q, const struct hv_wl_entry *e,
                       struct hv_screen_cand *c)
{
    c->dob = c->nationality = c->sex = c->kind = HV_SCREEN_EFFECT_NONE;
    c->dob_adj = c->nat_adj = c->sex_adj = c->kind_adj = 0;
    if (!q->entities) {
        c->kind = e->individual ? HV_SCREEN_EFFECT_MATCH : HV_SCREEN_EFFECT_MISMATCH;
        c->kind_adj = e->individual ? 0.0 : KIND_MISMATCH;
    }
    c->dob_index = 0;
    if (q->dob.precision != HV_PDATE_NONE && e->n_dobs > 0) {
        enum hv_screen_effect best = HV_SCREEN_EFFECT_MISMATCH;
        size_t best_i = 0;
        for (size_t i = 0; i < e->n_dobs; i++) {
            enum hv_screen_effect r = dob_relation(&q->dob, &e->dobs[i]);
            /* MATCH < CLOSE < MISMATCH in the enum order after NONE: lower is better. */
            if (r < best || (r == best && r == HV_SCREEN_EFFECT_MATCH &&
                             e->dobs[i].precision == HV_PDATE_DAY)) {
                best = r;
                best_i = i;
            }
        }
        c->dob = best;
        c->dob_index = best_i;
        if (best == HV_SCREEN_EFFECT_MATCH)
            c->dob_adj =
                q->dob.precision == HV_PDATE_DAY && e->dobs[best_i].precision == HV_PDATE_DAY
                    ? DOB_MATCH_DAY
                    : DOB_MATCH;
        else if (best == HV_SCREEN_EFFECT_CLOSE)
            c->dob_adj = DOB_CLOSE;
        else
            c->dob_adj = DOB_MISMATCH;
    }
    if (q->nationality[0] != '\0' && e->n_nats > 0) {
        c->nationality = HV_SCREEN_EFFECT_MISMATCH;
        c->nat_adj = NAT_MISMATCH;
        for (size_t i = 0; i < e->n_nats; i++) {
            if (strcmp(e->nats[i], q->nationality) == 0) {
                c->nationality = HV_SCREEN_EFFECT_MATCH;
                c->nat_adj = NAT_MATCH;
                break;
            }
        }
    }
    if (q->sex != 0 && e->sex != 0) {
        c->sex = q->sex == e->sex ? HV_SCREEN_EFFECT_MATCH : HV_SCREEN_EFFECT_MISMATCH;
        c->sex_adj = q->sex == e->sex ? 0.0 : SEX_MISMATCH;
    }
    double s = c->name_score + c->dob_adj + c->nat_adj + c->sex_adj + c->kind_adj;
    c->score = s < 0 ? 0 : s > 1 ? 1 : s;
}

/* Credits names on the postings of key with weight w for query part part. */
static void credit(struct hv_screen_scratch *s, uint64_t key, double w, size_t part, bool fuzzy)
{
    uint32_t len = 0;
    const uint32_t *p = hv__ix_lookup(s->ix, key, &len);
    if (p == NULL || (fuzzy && len > FUZZY_CAP))
        return;
    uint32_t stamp = s->serial * 32u + (uint32_t)part + 1;
    for (uint32_t i = 0; i < len; i++) {
        uint32_t id = p[i];
        struct name_acc *na = &s->acc[id];
        if (na->seen != s->serial) {
            na->seen = s->serial;
            na->acc = 0;
            s->touched[s->n_touched++] = id;
        } else if (na->pstamp == stamp) {
            continue;
        }
        na->pstamp = stamp;
        na->acc += (float)w;
    }
}

/* Walks the query's keys, most exact first within each part. Returns the total weight. */
static double gather(struct hv_screen_scratch *s)
{
    const struct hv_name *q = &s->q;
    size_t idx[HV_NAMES_MAX_PARTS], k = 0;
    for (size_t i = 0; i < q->n_parts; i++) {
        if ((q->parts[i].flags & HV_NAME_PART_OPTIONAL) == 0)
            idx[k++] = i;
    }
    if (k == 0) {
        for (size_t i = 0; i < q->n_parts; i++)
            idx[k++] = i;
    }
    double total = 0;
    double w[HV_NAMES_MAX_PARTS], wk[HV_NAMES_MAX_PARTS];
    uint64_t kk[HV_NAMES_MAX_PARTS];
    struct hv_str sk[HV_NAMES_MAX_PARTS];
    for (size_t j = 0; j < k; j++) {
        sk[j] = hv__ix_part_skel(q, idx[j]);
        w[j] = sk[j].len > 0 ? hv__ix_idf(s->ix, hv__ix_key(HV__IX_FULL, sk[j].ptr, sk[j].len)) : 0;
        /* The same vowelled key is stronger evidence than the same skeleton when the key is
         * rarer (Loi against every name of skeleton L); a key no list name has adds nothing. */
        struct hv_str key = hv_name_part_key(q, idx[j]);
        kk[j] = key.len > 0 && key.len <= SKEL_MAX && sk[j].len <= KEY_SKEL_MAX
                    ? hv__ix_key(HV__IX_KEY, key.ptr, key.len)
                    : 0;
        uint32_t df = 0;
        if (kk[j] != 0)
            (void)hv__ix_lookup(s->ix, kk[j], &df);
        wk[j] = df > 0 ? hv__ix_idf(s->ix, kk[j]) : 0;
        if (wk[j] < w[j])
            wk[j] = w[j];
        total += wk[j];
    }
    for (size_t j = 0; j < k; j++) {
        struct hv_str t = sk[j];
        if (kk[j] != 0 && wk[j] > w[j])
            credit(s, kk[j], wk[j], idx[j], false);
        if (t.len == 0)
            continue;
        /* Joined with the next part (Gul Ahmad against Gulahmad). */
        if (j + 1 < k && sk[j + 1].len > 0 && t.len + sk[j + 1].len <= SKEL_MAX) {
            char c[SKEL_MAX];
            memcpy(c, t.ptr, t.len);
            memcpy(c + t.len, sk[j + 1].ptr, sk[j + 1].len);
            credit(s, hv__ix_key(HV__IX_FULL, c, t.len + sk[j + 1].len), w[j] + w[j + 1], idx[j],
                   false);
        }
        credit(s, hv__ix_key(HV__IX_FULL, t.ptr, t.len), w[j], idx[j], false);
        /* The entry has one more letter than the query. */
        credit(s, hv__ix_key(HV__IX_DEL, t.ptr, t.len), w[j] * 0.6, idx[j], true);
        if (t.len < 3)
            continue;
        char d[SKEL_MAX];
        for (size_t x = 0; x < t.len; x++) {
            if (x > 0 && t.ptr[x] == t.ptr[x - 1])
                continue;
            memcpy(d, t.ptr, x);
            memcpy(d + x, t.ptr + x + 1, t.len - x - 1);
            /* The query has one more letter; then one letter differs. */
            credit(s, hv__ix_key(HV__IX_FULL, d, t.len - 1), w[j] * 0.6, idx[j], true);
        }
        for (size_t x = 0; x < t.len; x++) {
            if (x > 0 && t.ptr[x] == t.ptr[x - 1])
                continue;
            memcpy(d, t.ptr, x);
            memcpy(d + x, t.ptr + x + 1, t.len - x - 1);
            credit(s, hv__ix_key(HV__IX_DEL, d, t.len - 1), w[j] * 0.5, idx[j], true);
        }
    }
    return total;
}

static int cand_cmp(const struct hv_screen_cand *a, const struct hv_screen_cand *b)
{
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->name_score != b->name_score)
        return a->name_score > b->name_score ? -1 : 1;
    int r = strcmp(a->list->name, b->list->name);
    return r != 0 ? r : strcmp(a->entry->ref, b->entry->ref);
}

/* Keeps the MAX_COMPARE touched names with the best pre-scores (an insertion-sorted top list). */
static size_t top_names(struct hv_screen_scratch *s, double floor, uint32_t *top)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_touched; i++) {
        uint32_t id = s->touched[i];
        float a = s->acc[id].acc;
        if (a < floor)
            continue;
        const struct hv__ix_name *in = &s->ix->ixnames[id];
        if (s->excl_entry != NULL && in->name_index == s->excl_name &&
            s->ix->entries[in->entry].e == s->excl_entry)
            continue;
        if (n == MAX_COMPARE && a <= s->acc[top[n - 1]].acc)
            continue;
        size_t pos = n < MAX_COMPARE ? n++ : n - 1;
        while (pos > 0 && s->acc[top[pos - 1]].acc < a) {
            top[pos] = top[pos - 1];
            pos--;
        }
        top[pos] = id;
    }
    return n;
}

/* Whether the query's evidence parts, in their order, aligned with the entry name's first
 * evidence parts in the same order (Abdul Qadir against Abdul Qadir Basir: a given name and
 * the next, written alone). */
static bool in_prefix(const struct hv_names_match *m)
{
    int want[HV_NAMES_MAX_PARTS]; /* pair index per query part, -1 when none */
    for (size_t i = 0; i < HV_NAMES_MAX_PARTS; i++)
        want[i] = -1;
    for (size_t p = 0; p < m->n_pairs; p++) {
        for (size_t k = 0; k < m->pairs[p].n_a; k++)
            want[m->pairs[p].a[k]] = (int)p;
    }
    size_t next_b = 0; /* the next entry part expected */
    int last = -1;
    for (size_t i = 0; i < m->a->n_parts; i++) {
        if (m->weight_a[i] <= 0 || want[i] < 0 || want[i] == last)
            continue;
        last = want[i];
        const struct hv_names_pair *pr = &m->pairs[want[i]];
        for (size_t k = 0; k < pr->n_b; k++) {
            while (next_b < m->b->n_parts && m->weight_b[next_b] <= 0 && next_b != pr->b[k])
                next_b++;
            if (pr->b[k] != next_b)
                return false;
            next_b++;
        }
    }
    return true;
}

/* The partial-name ("subset") score of a comparison: when every evidence part of a query of
 * at least two such parts aligned with the entry name, the query's aligned share counts
 * strongly and the entry's parts left over only weakly (Abdul Qadir against Abdul Qadir Basir).
 * 0 when it does not apply. */
static double subset_score(const struct hv_names_match *m)
{
    const struct hv_name *a = m->a, *b = m->b;
    double qtot = 0, etot = 0, qa = 0, eb = 0;
    size_t q_ev = 0;
    for (size_t i = 0; i < a->n_parts; i++) {
        qtot += m->weight_a[i];
        q_ev += m->weight_a[i] > 0;
    }
    for (size_t i = 0; i < b->n_parts; i++)
        etot += m->weight_b[i];
    if (q_ev < SUB_MIN_PARTS || !(qtot > 0) || !(etot > 0))
        return 0;
    for (size_t i = 0; i < m->n_unmatched_a; i++) {
        if (m->weight_a[m->unmatched_a[i]] > 0)
            return 0;
    }
    for (size_t p = 0; p < m->n_pairs; p++) {
        const struct hv_names_pair *pr = &m->pairs[p];
        for (size_t k = 0; k < pr->n_a; k++)
            qa += pr->sim * m->weight_a[pr->a[k]];
        for (size_t k = 0; k < pr->n_b; k++)
            eb += pr->sim * m->weight_b[pr->b[k]];
    }
    double qcov = qa / qtot, ecov = eb / etot;
    if (qcov < SUB_MIN_COV)
        return 0;
    double base = in_prefix(m) ? SUB_BASE_PREFIX : SUB_BASE;
    return qcov * (base + (1.0 - base) * ecov);
}

static bool excluded(const struct hv_screen_scratch *s, uint32_t id)
{
    const struct hv__ix_name *in = &s->ix->ixnames[id];
    return s->excl_entry != NULL && in->name_index == s->excl_name &&
           s->ix->entries[in->entry].e == s->excl_entry;
}

/* Compares the parsed query with indexed name id and merges the result into cands (one
 * candidate per entry: its best name). */
static void compare_name(const struct hv_screen_index *ix, struct hv_screen_scratch *s, uint32_t id,
                         uint8_t form, struct hv_screen_cand *cands, size_t *n_c, size_t max_c)
{
    const struct hv__ix_name *in = &ix->ixnames[id];
    hv__ix_name_get(ix, id, &s->c);
    hv_names_compare_parsed_memo(ix->names, &s->q, &s->c, &ix->weights, &s->memo, &s->m);
    double sub = subset_score(&s->m);
    if (sub > s->m.score)
        s->m.score = sub;
    const struct hv__ix_entry *ie = &ix->entries[in->entry];
    /* One candidate per entry: its best name. */
    size_t k = 0;
    while (k < *n_c && cands[k].entry != ie->e)
        k++;
    if (k < *n_c && cands[k].name_score >= s->m.score)
        return;
    if (k == *n_c) {
        if (*n_c == max_c)
            return;
        (*n_c)++;
    }
    /* The rest (qualifiers, query_form) is set for the candidates that are returned. */
    struct hv_screen_cand *c = &cands[k];
    c->list = ie->list;
    c->entry = ie->e;
    c->name_index = in->name_index;
    c->name_text =
        in->form_off == UINT32_MAX ? ie->e->names[in->name_index].text : ix->forms + in->form_off;
    c->name_score = s->m.score;
    c->dob_index = 0;
    s->cand_eid[k] = in->entry;
    s->cand_form[k] = form;
}

/* Runs one form of the query name and merges its candidates (best name per entry) into cands. */
static enum hv_err run_form(const struct hv_screen_index *ix, struct hv_screen_scratch *s,
                            struct hv_str name, uint8_t form, struct hv_screen_cand *cands,
                            size_t *n_c, size_t max_c)
{
    enum hv_err err = hv_names_parse(ix->names, name, &s->q);
    if (err != HV_OK)
        return err;
    if (s->q.n_parts == 0 || ix->n_names == 0)
        return HV_OK;
    s->serial++;
    if (s->serial == 0 || s->serial >= SERIAL_MAX) {
        memset(s->acc, 0, ix->n_names * sizeof(*s->acc));
        s->serial = 1;
    }
    s->n_touched = 0;
    hv_names_memo_reset(&s->memo);
    double total = gather(s);
    uint32_t top[MAX_COMPARE];
    size_t n_top = top_names(s, total * MIN_PRE_SHARE, top);
    if (n_top > 0) {
        float cut = (float)(s->acc[top[0]].acc * REL_PRE);
        while (n_top > 1 && s->acc[top[n_top - 1]].acc < cut)
            n_top--;
    }
    for (size_t i = 0; i < n_top; i++)
        compare_name(ix, s, top[i], form, cands, n_c, max_c);
    /* The entity is the unit: an entry met through one of its names is compared on all of them
     * (its best name may share fewer keys with the query than another did), for the best
     * EXPAND_ENTRIES entries whose best name so far reaches EXPAND_MIN. */
    size_t expanded = 0;
    for (size_t k = 0; k < *n_c && expanded < EXPAND_ENTRIES; k++) {
        if (cands[k].name_score < EXPAND_MIN)
            continue;
        const struct hv__ix_entry *ie = &ix->entries[s->cand_eid[k]];
        expanded++;
        for (uint32_t id = ie->first_name; id < ie->first_name + ie->n_names; id++) {
            bool done = false;
            for (size_t t = 0; t < n_top && !done; t++)
                done = top[t] == id;
            if (done || excluded(s, id))
                continue;
            compare_name(ix, s, id, form, cands, n_c, max_c);
        }
    }
    return HV_OK;
}

#define MAX_FORMS 3

enum hv_err hv_screen_query_run(const struct hv_screen_index *ix, struct hv_screen_scratch *s,
                                const struct hv_screen_query *q, double min_score,
                                struct hv_screen_cand *out, size_t max_out, size_t *n_out)
{
    *n_out = 0;
    struct hv_screen_cand *cands = s->cands;
    size_t n_c = 0, max_c = HV_ARRAY_LEN(s->cands);
    enum hv_err err = run_form(ix, s, q->name, 0, cands, &n_c, max_c);
    if (err != HV_OK)
        return err;
    char forms[MAX_FORMS][HV_NAMES_MAX_INPUT];
    size_t nf = hv__screen_name_forms(q->name, forms, MAX_FORMS);
    for (size_t f = 0; err == HV_OK && f < nf; f++)
        err = run_form(ix, s, hv_str_c(forms[f]), (uint8_t)(f + 1), cands, &n_c, max_c);
    if (err != HV_OK)
        return err;
    /* Qualify, keep those at min_score, rank (an insertion sort of indexes: at most
     * 2 * MAX_COMPARE candidates of a few hundred bytes each are not moved). */
    size_t w = 0;
    for (size_t i = 0; i < n_c; i++) {
        hv_screen_qualify(q, cands[i].entry, &cands[i]);
        if (cands[i].score < min_score)
            continue;
        size_t pos = w++;
        while (pos > 0 && cand_cmp(&cands[i], &cands[s->order[pos - 1]]) < 0) {
            s->order[pos] = s->order[pos - 1];
            pos--;
        }
        s->order[pos] = (uint8_t)i;
    }
    size_t n = w < max_out ? w : max_out;
    for (size_t i = 0; i < n; i++) {
        size_t k = s->order[i];
        out[i] = cands[k];
        const char *form = s->cand_form[k] == 0 ? "" : forms[s->cand_form[k] - 1];
        snprintf(out[i].query_form, sizeof(out[i].query_form), "%s", form);
    }
    *n_out = n;
    return HV_OK;
}

enum hv_err hv_screen_explain_json(const struct hv_screen_index *ix,
                                   const struct hv_screen_query *q, const struct hv_screen_cand *c,
                                   struct hv_jw *w)
{
    struct hv_names_result *r = hv_xmalloc(sizeof(*r));
    const struct hv_wl_name *nm = &c->entry->names[c->name_index];
    struct hv_str qn = c->query_form[0] != '\0' ? hv_str_c(c->query_form) : q->name;
    enum hv_err err = hv_names_compare(ix->names, qn, hv_str_c(c->name_text), &ix->weights, r);
    if (err != HV_OK) {
        free(r);
        return err;
    }
    hv_jw_object_begin(w);
    hv_jw_key(w, "list");
    hv_jw_strz(w, c->list->name);
    hv_jw_key(w, "entry");
    hv_jw_strz(w, c->entry->ref);
    hv_jw_key(w, "list_type");
    hv_jw_strz(w, c->entry->list_type);
    hv_jw_key(w, "score");
    hv_jw_double(w, c->score);
    hv_jw_key(w, "name_score");
    hv_jw_double(w, c->name_score);
    hv_jw_key(w, "matched_name");
    hv_jw_strz(w, nm->text);
    if (c->name_text != nm->text) {
        hv_jw_key(w, "matched_form");
        hv_jw_strz(w, c->name_text);
    }
    if (c->query_form[0] != '\0') {
        hv_jw_key(w, "query_form");
        hv_jw_strz(w, c->query_form);
    }
    hv_jw_key(w, "matched_name_kind");
    hv_jw_strz(w, hv_wl_name_kind_str(nm->kind));
    hv_jw_key(w, "names");
    hv_names_explain_json(&r->match, w);
    hv_jw_key(w, "qualifiers");
    hv_jw_object_begin(w);
    char t[16];
    hv_jw_key(w, "birth_date");
    hv_jw_object_begin(w);
    hv_jw_key(w, "effect");
    hv_jw_strz(w, hv_screen_effect_str(c->dob));
    hv_jw_key(w, "adjust");
    hv_jw_double(w, c->dob_adj);
    if (q->dob.precision != HV_PDATE_NONE) {
        hv_pdate_format(&q->dob, t);
        hv_jw_key(w, "query");
        hv_jw_strz(w, t);
    }
    if (c->entry->n_dobs > 0) {
        hv_pdate_format(&c->entry->dobs[c->dob_index], t);
        hv_jw_key(w, "entry");
        hv_jw_strz(w, t);
    }
    hv_jw_object_end(w);
    hv_jw_key(w, "nationality");
    hv_jw_object_begin(w);
    hv_jw_key(w, "effect");
    hv_jw_strz(w, hv_screen_effect_str(c->nationality));
    hv_jw_key(w, "adjust");
    hv_jw_double(w, c->nat_adj);
    hv_jw_object_end(w);
    hv_jw_key(w, "sex");
    hv_jw_object_begin(w);
    hv_jw_key(w, "effect");
    hv_jw_strz(w, hv_screen_effect_str(c->sex));
    hv_jw_key(w, "adjust");
    hv_jw_double(w, c->sex_adj);
    hv_jw_object_end(w);
    hv_jw_key(w, "kind");
    hv_jw_object_begin(w);
    hv_jw_key(w, "effect");
    hv_jw_strz(w, hv_screen_effect_str(c->kind));
    hv_jw_key(w, "adjust");
    hv_jw_double(w, c->kind_adj);
    hv_jw_key(w, "entry");
    hv_jw_strz(w, c->entry->individual ? "individual" : "entity");
    hv_jw_object_end(w);
    hv_jw_object_end(w);
    hv_jw_object_end(w);
    free(r);
    return hv_jw_err(w);
}
