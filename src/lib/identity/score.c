/* score.c - the comparison vector of a pair and its Fellegi-Sunter weight: levels per field,
 * packing, default m/u, log2(m/u) weights and the term-frequency adjustment on names.
 * SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity_int.h"

#include <math.h>
#include <string.h>

static const char *const field_names[HV_ID_N_FIELDS] = {
    "name", "father", "grandfather", "native", "birth",  "document",  "phone",
    "sex",  "extra0", "extra1",      "extra2", "extra3", "household",
};

static const int field_levels[HV_ID_N_FIELDS] = { 4, 4, 4, 4, 4, 3, 3, 2, 3, 3, 3, 3, 2 };

const char *hv_id_field_name(enum hv_id_field f)
{
    return (unsigned)f < HV_ID_N_FIELDS ? field_names[f] : "?";
}

int hv_id_field_levels(enum hv_id_field f)
{
    return (unsigned)f < HV_ID_N_FIELDS ? field_levels[f] : 0;
}

const char *hv_id_level_name(enum hv_id_field f, int level)
{
    static const char *const name_l[] = { "different", "fuzzy", "variant", "exact" };
    static const char *const birth_l[] = { "different", "near", "compatible", "exact" };
    static const char *const doc_l[] = { "different", "one_typo", "exact" };
    static const char *const phone_l[] = { "different", "last_7", "exact" };
    static const char *const sex_l[] = { "different", "same" };
    static const char *const extra_l[] = { "different", "similar", "exact" };
    static const char *const household_l[] = { "other_relation", "compatible" };
    if (level == HV_ID_LEVEL_NULL)
        return "missing";
    if (level < 0 || level >= hv_id_field_levels(f))
        return "?";
    switch (f) {
    case HV_ID_F_NAME:
    case HV_ID_F_FATHER:
    case HV_ID_F_GRANDFATHER:
    case HV_ID_F_NATIVE:
        return name_l[level];
    case HV_ID_F_BIRTH:
        return birth_l[level];
    case HV_ID_F_DOC:
        return doc_l[level];
    case HV_ID_F_PHONE:
        return phone_l[level];
    case HV_ID_F_SEX:
        return sex_l[level];
    case HV_ID_F_HOUSEHOLD:
        return household_l[level];
    default:
        return extra_l[level];
    }
}

uint32_t hv__id_pack(const int8_t level[HV_ID_N_FIELDS])
{
    uint32_t g = 0;
    for (int f = HV_ID_N_FIELDS - 1; f >= 0; f--)
        g = g * 5u + (uint32_t)(level[f] + 1);
    return g;
}

void hv__id_unpack(uint32_t g, int8_t level[HV_ID_N_FIELDS])
{
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        level[f] = (int8_t)((int)(g % 5u) - 1);
        g /= 5u;
    }
}

void hv__id_default_mu(struct hv_id_engine *e)
{
    /* Priors before EM (and for hv_id_engine_compare before a run). */
    static const double m4[4] = { 0.05, 0.10, 0.25, 0.60 };
    static const double u4[4] = { 0.90, 0.07, 0.02, 0.01 };
    static const double m3[3] = { 0.15, 0.10, 0.75 };
    static const double u3[3] = { 0.985, 0.01, 0.005 };
    static const double m2[2] = { 0.05, 0.95 };
    static const double u2[2] = { 0.5, 0.5 };
    memset(e->m, 0, sizeof(e->m));
    memset(e->u, 0, sizeof(e->u));
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        int L = field_levels[f];
        for (int l = 0; l < L; l++) {
            e->m[f][l] = L == 4 ? m4[l] : L == 3 ? m3[l] : m2[l];
            e->u[f][l] = L == 4 ? u4[l] : L == 3 ? u3[l] : u2[l];
        }
    }
    /* Inside one household: a relation conflict is the rule for two different people. */
    e->m[HV_ID_F_HOUSEHOLD][0] = 0.01;
    e->m[HV_ID_F_HOUSEHOLD][1] = 0.99;
    e->u[HV_ID_F_HOUSEHOLD][0] = 0.7;
    e->u[HV_ID_F_HOUSEHOLD][1] = 0.3;
    memcpy(e->u2, e->u, sizeof(e->u2));
    e->lambda = 0.01;
    hv__id_set_weights(e);
}

void hv__id_set_weights(struct hv_id_engine *e)
{
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        for (int l = 0; l < HV_ID_MAX_LEVELS; l++) {
            double m = e->m[f][l], u = e->u[f][l], u2 = e->u2[f][l];
            e->w[f][l] = (m > 0 && u > 0) ? log2(m / u) : 0.0;
            e->w2[f][l] = (m > 0 && u2 > 0) ? log2(m / u2) : 0.0;
        }
    }
    double lam = e->lambda;
    if (lam < 1e-9)
        lam = 1e-9;
    if (lam > 1 - 1e-9)
        lam = 1 - 1e-9;
    e->prior_bits = log2(lam / (1 - lam));
}

double hv__id_prob(double bits)
{
    if (bits > 60)
        return 1.0;
    if (bits < -60)
        return 0.0;
    double bf = exp2(bits);
    return bf / (1.0 + bf);
}

static struct hv_str str_of(const struct hv_id_engine *e, uint32_t id)
{
    if (id == HV__ID_NONE)
        return HV_STR_NULL;
    return (struct hv_str){ e->str_pool + e->str[id].off, e->str[id].len };
}

static void name_cmp(const struct hv_id_engine *e, struct hv__id_scratch *s, uint32_t a, uint32_t b,
                     int8_t *level, float *score)
{
    if (a == HV__ID_NONE || b == HV__ID_NONE) {
        *level = HV_ID_LEVEL_NULL;
        *score = 0;
        return;
    }
    if (a == b) {
        *level = 3;
        *score = 1;
        return;
    }
    uint64_t key = a < b ? ((uint64_t)a << 32 | b) : ((uint64_t)b << 32 | a);
    key += 1;
    struct hv__id_cache_slot *slot = NULL;
    if (s->cache != NULL) {
        slot = &s->cache[(key * 0x9e3779b97f4a7c15ull) >> (64 - HV__ID_CACHE_BITS)];
        if (slot->key == key) {
            *level = slot->level;
            *score = slot->score;
            return;
        }
    }
    hv__id_name_load(e, a, &s->a);
    hv__id_name_load(e, b, &s->b);
    hv_names_compare_parsed(e->names, &s->a, &s->b, NULL, &s->match);
    *score = (float)s->match.score;
    *level = (int8_t)hv__id_name_level(&s->match);
    if (slot != NULL) {
        slot->key = key;
        slot->score = *score;
        slot->level = *level;
    }
}

void hv__id_gamma(const struct hv_id_engine *e, struct hv__id_scratch *s, uint32_t a, uint32_t b,
                  int8_t level[HV_ID_N_FIELDS], float score[HV_ID_N_FIELDS])
{
    const struct hv__id_rec *ra = &e->recs[a], *rb = &e->recs[b];
    float dummy[HV_ID_N_FIELDS];
    if (score == NULL)
        score = dummy;
    memset(score, 0, sizeof(float) * HV_ID_N_FIELDS);
    name_cmp(e, s, ra->name[NM_NAME], rb->name[NM_NAME], &level[HV_ID_F_NAME],
             &score[HV_ID_F_NAME]);
    name_cmp(e, s, ra->name[NM_FATHER], rb->name[NM_FATHER], &level[HV_ID_F_FATHER],
             &score[HV_ID_F_FATHER]);
    name_cmp(e, s, ra->name[NM_GRAND], rb->name[NM_GRAND], &level[HV_ID_F_GRANDFATHER],
             &score[HV_ID_F_GRANDFATHER]);
    name_cmp(e, s, ra->name[NM_NATIVE], rb->name[NM_NATIVE], &level[HV_ID_F_NATIVE],
             &score[HV_ID_F_NATIVE]);
    level[HV_ID_F_BIRTH] = (int8_t)hv__id_cmp_birth(&ra->birth, &rb->birth);
    int best = HV_ID_LEVEL_NULL;
    for (size_t i = 0; i < HV_ID_MAX_DOCS && best < 2; i++) {
        if (ra->docs[i] == HV__ID_NONE)
            continue;
        for (size_t j = 0; j < HV_ID_MAX_DOCS; j++) {
            if (rb->docs[j] == HV__ID_NONE)
                continue;
            int l = ra->docs[i] == rb->docs[j]
                        ? 2
                        : hv__id_cmp_doc(str_of(e, ra->docs[i]), str_of(e, rb->docs[j]));
            if (l > best)
                best = l;
        }
    }
    level[HV_ID_F_DOC] = (int8_t)best;
    level[HV_ID_F_PHONE] =
        (int8_t)(ra->phone == rb->phone && ra->phone != HV__ID_NONE
                     ? 2
                     : hv__id_cmp_phone(str_of(e, ra->phone), str_of(e, rb->phone)));
    level[HV_ID_F_SEX] = (int8_t)hv__id_cmp_sex(ra->sex, rb->sex);
    for (int i = 0; i < HV_ID_MAX_EXTRA; i++) {
        uint32_t x = ra->extra[i], y = rb->extra[i];
        level[HV_ID_F_EXTRA0 + i] =
            (int8_t)(x == y && x != HV__ID_NONE ? 2 : hv__id_cmp_extra(str_of(e, x), str_of(e, y)));
    }
    level[HV_ID_F_HOUSEHOLD] =
        (int8_t)hv__id_cmp_household(ra->group, ra->relation, rb->group, rb->relation);
}

/* Term frequency of a name (its class of equal keys) in the engine's records. */
static double name_tf(const struct hv_id_engine *e, uint32_t id)
{
    if (id == HV__ID_NONE || e->n_recs == 0)
        return 0;
    return (double)e->tf_count[e->nm[id].tf_class] / (double)e->n_recs;
}

double hv__id_weight(const struct hv_id_engine *e, uint32_t a, uint32_t b,
                     const int8_t level[HV_ID_N_FIELDS], float *field_w, float *tf_w)
{
    static const int nm_of[4] = { NM_NAME, NM_FATHER, NM_GRAND, NM_NATIVE };
    double total = e->prior_bits;
    double fw[HV_ID_N_FIELDS];
    /* Inside one household the agreements are weighed against pairs of that household. */
    bool inside = level[HV_ID_F_HOUSEHOLD] >= 0;
    const double(*W)[HV_ID_MAX_LEVELS] = inside ? e->w2 : e->w;
    const double(*U)[HV_ID_MAX_LEVELS] = inside ? e->u2 : e->u;
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        double w = 0, adj = 0;
        int l = level[f];
        if (l >= 0) {
            w = W[f][l];
            /* Not inside a household: how common a name is in the registry says nothing about
             * two members of one family bearing it. */
            if (e->opt.tf_adjust && !inside && f <= HV_ID_F_NATIVE && l >= 2) {
                /* A match on a common name is weaker evidence, on a rare one stronger: the
                 * level's u is replaced by the name's own frequency (Splink's adjustment),
                 * bounded so one rare spelling cannot outweigh everything else. */
                double ta = name_tf(e, e->recs[a].name[nm_of[f]]);
                double tb = name_tf(e, e->recs[b].name[nm_of[f]]);
                double tf = ta > tb ? ta : tb;
                if (tf > 0) {
                    adj = log2(U[f][l] / tf);
                    if (adj > 4)
                        adj = 4;
                    if (adj < -6)
                        adj = -6;
                }
            }
        }
        if (field_w != NULL)
            field_w[f] = (float)(w + adj);
        if (tf_w != NULL)
            tf_w[f] = (float)adj;
        fw[f] = w + adj;
        total += w + adj;
    }
    /* The native name is the same person's given and family name in another script: the two
     * are not independent evidence, so only the stronger of the two counts. */
    if (level[HV_ID_F_NAME] >= 0 && level[HV_ID_F_NATIVE] >= 0) {
        int drop = fw[HV_ID_F_NAME] >= fw[HV_ID_F_NATIVE] ? HV_ID_F_NATIVE : HV_ID_F_NAME;
        total -= fw[drop];
        if (field_w != NULL)
            field_w[drop] = 0;
        if (tf_w != NULL)
            tf_w[drop] = 0;
    }
    /* Father and grandfather are family-level evidence: siblings share both, so when both
     * agree the grandfather adds only half of his weight on top of the father. */
    if (fw[HV_ID_F_FATHER] > 0 && fw[HV_ID_F_GRANDFATHER] > 0 && level[HV_ID_F_FATHER] >= 2) {
        double half = fw[HV_ID_F_GRANDFATHER] / 2;
        total -= half;
        if (field_w != NULL)
            field_w[HV_ID_F_GRANDFATHER] = (float)half;
    }
    return total;
}
