/* test_identity.c - identity resolution: every comparator and level with real examples
 * (including Arabic-script names), EM convergence on a synthetic set with known m/u, blocking
 * and deduplication of candidate pairs, clustering with the chaining guard, the CSV adapter.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "haven/clock.h"
#include "identity/identity_int.h"
#include "test.h"

static struct hv_names *nm;

static struct hv_pdate pd(const char *s)
{
    struct hv_pdate d;
    const char *why;
    memset(&d, 0, sizeof(d));
    if (!hv_pdate_parse(s, strlen(s), &d, &why))
        memset(&d, 0, sizeof(d));
    return d;
}

static int birth(const char *a, const char *b)
{
    struct hv_pdate x = pd(a), y = pd(b);
    return hv__id_cmp_birth(&x, &y);
}

static void test_birth(void)
{
    CHECK_EQ_INT(birth("1985", "1985"), 3);
    CHECK_EQ_INT(birth("1985-03-12", "1985-03-12"), 3);
    CHECK_EQ_INT(birth("1980..1985", "1980..1985"), 3);
    CHECK_EQ_INT(birth("1985", "1985-03-12"), 2); /* year only vs a day in it */
    CHECK_EQ_INT(birth("1985-03", "1985-03-12"), 2);
    CHECK_EQ_INT(birth("1980..1985", "1983"), 2);       /* range holds the year */
    CHECK_EQ_INT(birth("1980..1985", "1984..1990"), 2); /* ranges overlap */
    CHECK_EQ_INT(birth("1985", "1986"), 1);             /* off by one year */
    CHECK_EQ_INT(birth("1985-03-12", "1985-04-03"), 1); /* same year, another day */
    CHECK_EQ_INT(birth("1980..1985", "1986"), 1);
    CHECK_EQ_INT(birth("1985", "1987"), 0);
    CHECK_EQ_INT(birth("1960", "1985-01-01"), 0);
    CHECK_EQ_INT(birth("", "1985"), HV_ID_LEVEL_NULL);
}

static int doc(const char *a, const char *b)
{
    char x[64], y[64];
    size_t xl = hv__id_norm_doc(a, x, sizeof(x)), yl = hv__id_norm_doc(b, y, sizeof(y));
    return hv__id_cmp_doc((struct hv_str){ x, xl }, (struct hv_str){ y, yl });
}

static void test_documents(void)
{
    CHECK_EQ_INT(doc("1399-0407-12345", "1399040712345"), 2); /* punctuation ignored */
    CHECK_EQ_INT(doc("p01234567", "P01234567"), 2);
    CHECK_EQ_INT(doc("1399-0407-12345", "1399-0407-12346"), 1); /* one digit changed */
    CHECK_EQ_INT(doc("1399-0407-12345", "1399-0407-12354"), 1); /* adjacent swap */
    CHECK_EQ_INT(doc("4823917", "482397"), 1);                  /* one digit lost */
    CHECK_EQ_INT(doc("4823917", "48239170"), 1);                /* one digit added */
    CHECK_EQ_INT(doc("4823917", "4832971"), 0);
    CHECK_EQ_INT(doc("1234", "1235"), 0); /* too short for a typo to mean anything */
    CHECK_EQ_INT(doc("", "4823917"), HV_ID_LEVEL_NULL);
    char ph[32], ph2[32];
    size_t l1 = hv__id_norm_phone("+93 70 123 4567", ph, sizeof(ph));
    size_t l2 = hv__id_norm_phone("0701234567", ph2, sizeof(ph2));
    CHECK_EQ_STR(ph, "701234567");
    CHECK_EQ_INT(hv__id_cmp_phone((struct hv_str){ ph, l1 }, (struct hv_str){ ph2, l2 }), 2);
    l2 = hv__id_norm_phone("0791234567", ph2, sizeof(ph2));
    CHECK_EQ_INT(hv__id_cmp_phone((struct hv_str){ ph, l1 }, (struct hv_str){ ph2, l2 }), 1);
    l2 = hv__id_norm_phone("0799999999", ph2, sizeof(ph2));
    CHECK_EQ_INT(hv__id_cmp_phone((struct hv_str){ ph, l1 }, (struct hv_str){ ph2, l2 }), 0);
    CHECK_EQ_INT(hv__id_cmp_sex('M', 'M'), 1);
    CHECK_EQ_INT(hv__id_cmp_sex('M', 'F'), 0);
    CHECK_EQ_INT(hv__id_cmp_sex(0, 'F'), HV_ID_LEVEL_NULL);
    CHECK_EQ_INT(hv__id_cmp_extra(HV_STR("kabul"), HV_STR("kabul")), 2);
    CHECK_EQ_INT(hv__id_cmp_extra(HV_STR("mazar-i-sharif"), HV_STR("mazar-e-sharif")), 1);
    CHECK_EQ_INT(hv__id_cmp_extra(HV_STR("kabul"), HV_STR("herat")), 0);
}

static int name_level(const char *a, const char *b)
{
    static struct hv_names_result r;
    if (hv_names_compare(nm, hv_str_c(a), hv_str_c(b), NULL, &r) != HV_OK)
        return -9;
    return hv__id_name_level(&r.match);
}

static void test_name_levels(void)
{
    CHECK_EQ_INT(name_level("Mohammad Nasir", "Mohammad Nasir"), 3);
    CHECK_EQ_INT(name_level("Nasir Ahmadzai", "Ahmadzai Nasir"), 3); /* order-free */
    CHECK(name_level("Mohammad Nasir", "Muhammad Naseer") >= 2);     /* variants */
    CHECK(name_level("Abdul Rahman Stanekzai", "Abdurrahman Stanekzay") >= 2);
    CHECK(name_level("محمد نصیر", "Mohammad Nasir") >= 2); /* Arabic script vs Latin */
    CHECK(name_level("Zabihullah Ahmadzai", "Zabihulla Ahmadzai") >= 2);
    CHECK_EQ_INT(name_level("Mohammad Nasir", "Mohammad Karim"), 0); /* common part only */
    CHECK_EQ_INT(name_level("Zabihullah", "Habibullah"), 0);
}

/* EM recovers known m from patterns drawn from a two-class mixture with known m, u, lambda. */
static void test_em(void)
{
    double m_true[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS], u[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    memset(m_true, 0, sizeof(m_true));
    memset(u, 0, sizeof(u));
    /* Three binary-ish fields over levels 0/3 (name-like) and 0/2 (document-like). */
    const int fields[3] = { HV_ID_F_NAME, HV_ID_F_FATHER, HV_ID_F_BIRTH };
    const double mt[3] = { 0.9, 0.8, 0.85 }, ut[3] = { 0.05, 0.1, 0.2 };
    for (int i = 0; i < 3; i++) {
        m_true[fields[i]][3] = mt[i];
        m_true[fields[i]][0] = 1 - mt[i];
        u[fields[i]][3] = ut[i];
        u[fields[i]][0] = 1 - ut[i];
    }
    struct hv_rng rng;
    hv_rng_seed(&rng, 42);
    static struct hv__id_pattern pat[8];
    size_t n_pat = 0;
    const double lambda_true = 0.2;
    for (int k = 0; k < 200000; k++) {
        bool match = hv_rng_unit(&rng) < lambda_true;
        int8_t lv[HV_ID_N_FIELDS];
        for (int f = 0; f < HV_ID_N_FIELDS; f++)
            lv[f] = HV_ID_LEVEL_NULL;
        for (int i = 0; i < 3; i++) {
            double p = match ? mt[i] : ut[i];
            lv[fields[i]] = hv_rng_unit(&rng) < p ? 3 : 0;
        }
        uint32_t g = hv__id_pack(lv);
        size_t j = 0;
        while (j < n_pat && pat[j].gamma != g)
            j++;
        if (j == n_pat)
            pat[n_pat++] = (struct hv__id_pattern){ g, 0 };
        pat[j].count++;
    }
    CHECK(n_pat == 8);
    double m[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    for (int f = 0; f < HV_ID_N_FIELDS; f++) {
        for (int l = 0; l < HV_ID_MAX_LEVELS; l++)
            m[f][l] = 0.25;
    }
    double lambda = 0.5;
    int it = hv__id_em(pat, n_pat, u, u, m, &lambda, 200, HV__ID_EM_ALL);
    CHECK(it > 1 && it < 200);
    CHECK(fabs(lambda - lambda_true) < 0.02);
    for (int i = 0; i < 3; i++)
        CHECK(fabs(m[fields[i]][3] - mt[i]) < 0.03);
    /* Fixed m: only lambda moves. */
    double m2[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    memcpy(m2, m_true, sizeof(m2));
    lambda = 0.5;
    (void)hv__id_em(pat, n_pat, u, u, m2, &lambda, 200, 0);
    CHECK(fabs(lambda - lambda_true) < 0.02);
    CHECK(m2[HV_ID_F_NAME][3] == mt[0]);
}

static struct hv_id_record person(const char *given, const char *family, const char *father,
                                  const char *birth_s, const char *tazkira)
{
    struct hv_id_record r;
    memset(&r, 0, sizeof(r));
    r.given = given;
    r.family = family;
    r.father = father;
    r.birth = pd(birth_s);
    r.sex = 'M';
    r.docs[0] = tazkira;
    return r;
}

/* A small register: two true duplicates among people who share common names. */
static void test_engine(void)
{
    struct hv_id_options o;
    hv_id_options_default(&o);
    o.u_samples = 20000;
    struct hv_id_engine *e = NULL;
    CHECK_OK(hv_id_engine_create(nm, &o, &e));
    if (e == NULL)
        return;
    static const char *const givens[] = { "Mohammad",   "Ahmad",  "Abdul Karim", "Gul Ahmad",
                                          "Naqibullah", "Farid",  "Hamid",       "Rahim",
                                          "Wahid",      "Sardar", "Jawed",       "Khalid" };
    static const char *const families[] = { "Ahmadzai", "Stanikzai", "Popal",  "Karimi",
                                            "Amiri",    "Safi",      "Wardak", "" };
    static const char *const fathers[] = { "Abdul",        "Ghulam", "Mohammad Akbar", "Nazar",
                                           "Shah Mahmood", "Faqir",  "Haji Juma" };
    char tz[600][16], by[600][8];
    for (int i = 0; i < 600; i++) {
        snprintf(tz[i], sizeof(tz[i]), "%07d", 1000000 + i * 7919 % 900000);
        snprintf(by[i], sizeof(by[i]), "%d", 1960 + (i * 37) % 40);
        struct hv_id_record r =
            person(givens[i % 12], families[(i / 12) % 8], fathers[(i / 3) % 7], by[i], tz[i]);
        r.id = i;
        CHECK_OK(hv_id_engine_add(e, &r, NULL));
    }
    /* Duplicates of records 5 and 17: a spelling variant with a document typo, and the
     * Arabic-script given name with the birth year coarsened. */
    char typo[16];
    memcpy(typo, tz[5], sizeof(typo));
    typo[6] = typo[6] == '9' ? '0' : (char)(typo[6] + 1);
    struct hv_id_record d1 = person("Fareed", "Ahmadzay", fathers[(5 / 3) % 7], by[5], typo);
    d1.id = 1000;
    uint32_t i1, i2;
    CHECK_OK(hv_id_engine_add(e, &d1, &i1));
    struct hv_id_record d2 =
        person("Hamid", families[(17 / 12) % 8], fathers[(17 / 3) % 7], by[17], tz[17]);
    d2.given = givens[17 % 12];
    d2.id = 1001;
    CHECK_OK(hv_id_engine_add(e, &d2, &i2));
    CHECK_OK(hv_id_engine_run(e, NULL, NULL));
    CHECK(hv_id_engine_run(e, NULL, NULL) == HV_ERR_INVALID);
    CHECK_EQ_INT(hv_id_engine_cluster(e, i1), 5);
    CHECK_EQ_INT(hv_id_engine_cluster(e, i2), 17);
    CHECK_EQ_INT(hv_id_engine_record_id(e, i1), 1000);
    /* Candidate pairs are deduplicated across rules: each (a, b) at most once, sorted. */
    size_t n;
    const struct hv_id_pair *p = hv_id_engine_pairs(e, &n);
    bool sorted = true;
    for (size_t k = 1; k < n; k++)
        sorted = sorted && (p[k - 1].a < p[k].a || (p[k - 1].a == p[k].a && p[k - 1].b < p[k].b));
    CHECK(sorted);
    /* Explanation of the typo pair. */
    struct hv_id_comparison c;
    hv_id_engine_compare(e, 5, i1, &c);
    CHECK_EQ_INT(c.level[HV_ID_F_DOC], 1);
    CHECK_EQ_INT(c.level[HV_ID_F_BIRTH], 3);
    CHECK(c.level[HV_ID_F_NAME] >= 2);
    CHECK(c.prob >= 0.9);
    /* Same common given name and year, other father and document: rejected. */
    hv_id_engine_compare(e, 0, 12, &c);
    CHECK(c.prob < 0.3);
    /* Candidates for a new registration: record 17 again. */
    struct hv_id_record q =
        person(givens[17 % 12], families[(17 / 12) % 8], fathers[(17 / 3) % 7], by[17], "");
    struct hv_id_candidate cand[5];
    size_t nc = 0;
    CHECK_OK(hv_id_engine_candidates(e, &q, 0.3, 5, cand, &nc));
    bool found = false;
    for (size_t k = 0; k < nc; k++)
        found = found || cand[k].index == 17 || cand[k].index == i2;
    CHECK(found);
    CHECK_EQ_INT(hv_id_engine_n_records(e), 602);
    CHECK(e->m[HV_ID_F_DOC][0] <= HV__ID_DOC_DIFF_MAX_M);
    CHECK(e->m[HV_ID_F_FATHER][0] <= HV__ID_FATHER_DIFF_MAX_M);
    hv_id_engine_destroy(e);
}

/* The chaining guard: A~B and B~C merge only if A and C are compatible. */
static void test_cluster_guard(void)
{
    struct hv_id_options o;
    hv_id_options_default(&o);
    struct hv_id_engine *e = NULL;
    CHECK_OK(hv_id_engine_create(nm, &o, &e));
    if (e == NULL)
        return;
    struct hv_id_record a = person("Zabihullah", "Ahmadzai", "Nazar", "1980", "1111111");
    struct hv_id_record b = person("Zabihullah", "Ahmadzai", "Nazar", "1980", "2222222");
    struct hv_id_record c = person("Karim", "Popal", "Faqir", "1951", "2222222");
    CHECK_OK(hv_id_engine_add(e, &a, NULL));
    CHECK_OK(hv_id_engine_add(e, &b, NULL));
    CHECK_OK(hv_id_engine_add(e, &c, NULL));
    e->ran = true;
    e->pairs = hv_xmalloc(2 * sizeof(*e->pairs));
    e->pairs[0] = (struct hv_id_pair){ 0, 1, 10, 0.99f };
    e->pairs[1] = (struct hv_id_pair){ 1, 2, 8, 0.95f };
    e->n_pairs = 2;
    hv__id_cluster(e);
    CHECK_EQ_INT(hv_id_engine_cluster(e, 1), 0);
    CHECK_EQ_INT(hv_id_engine_cluster(e, 2), 2); /* refused: 0 and 2 are very different */
    CHECK_EQ_INT(e->stats.chain_refusals, 1);
    /* Unmerge in memory = the pair no longer above the threshold: records separate again. */
    e->pairs[0].prob = 0.1f;
    hv__id_cluster(e);
    CHECK_EQ_INT(hv_id_engine_cluster(e, 1), 1);
    hv_id_engine_destroy(e);
}

/* Oversized blocks: split by the father's name rather than dropped; a block that stays
 * oversized after both rounds is skipped and counted. */
static void test_block_split(void)
{
    struct hv_id_options o;
    hv_id_options_default(&o);
    o.u_samples = 2000;
    o.max_block = 10;
    o.blocks = HV_ID_BLOCK_GIVEN_YEAR;
    struct hv_id_engine *e = NULL;
    CHECK_OK(hv_id_engine_create(nm, &o, &e));
    if (e == NULL)
        return;
    static const char *const fathers[] = { "Nazar", "Faqir", "Ghulam Sakhi", "Juma Khan" };
    /* 32 people named Zabihullah born 1980: one block of 32 > 10, four fathers of 8. */
    for (int i = 0; i < 32; i++) {
        struct hv_id_record r = person("Zabihullah", "Ahmadzai", fathers[i % 4], "1980", "");
        r.id = i;
        CHECK_OK(hv_id_engine_add(e, &r, NULL));
    }
    /* 12 people named Karim born 1975 with the same father and family: still oversized. */
    for (int i = 0; i < 12; i++) {
        struct hv_id_record r = person("Karim", "Popal", "Faqir", "1975", "");
        r.id = 100 + i;
        CHECK_OK(hv_id_engine_add(e, &r, NULL));
    }
    CHECK_OK(hv_id_engine_run(e, NULL, NULL));
    struct hv_id_stats st;
    hv_id_engine_stats(e, &st);
    CHECK(st.split_blocks >= 2); /* Zabihullah once, Karim twice */
    CHECK_EQ_INT(st.skipped_blocks, 1);
    CHECK_EQ_INT(st.skipped_records, 12);
    /* Pairs only within a father's group: 4 x C(8,2) = 112, none across groups. */
    CHECK_EQ_INT(st.candidate_pairs, 112);
    size_t n;
    const struct hv_id_pair *p = hv_id_engine_pairs(e, &n);
    bool same_father = true;
    for (size_t k = 0; k < n; k++)
        same_father = same_father && p[k].a < 32 && p[k].a % 4 == p[k].b % 4;
    CHECK(same_father);
    /* Candidates for a new registration reach a block that was split. */
    struct hv_id_record q = person("Zabihullah", "Ahmadzai", "Ghulam Sakhi", "1980", "");
    struct hv_id_candidate cand[40];
    size_t nc = 0;
    CHECK_OK(hv_id_engine_candidates(e, &q, 0.0, 40, cand, &nc));
    CHECK_EQ_INT(nc, 8);
    bool group = nc > 0;
    for (size_t k = 0; k < nc; k++)
        group = group && cand[k].index % 4 == 2 && cand[k].index < 32;
    CHECK(group);
    hv_id_engine_destroy(e);
}

/* Family-level evidence: with the father agreeing the grandfather counts half; EM's m of the
 * "different" levels of document and father are bounded. */
static void test_weight_dependence(void)
{
    struct hv_id_options o;
    hv_id_options_default(&o);
    o.tf_adjust = false;
    struct hv_id_engine *e = NULL;
    CHECK_OK(hv_id_engine_create(nm, &o, &e));
    if (e == NULL)
        return;
    struct hv_id_record a = person("Zabihullah", "Ahmadzai", "Nazar", "1980", "1111111");
    CHECK_OK(hv_id_engine_add(e, &a, NULL));
    CHECK_OK(hv_id_engine_add(e, &a, NULL));
    int8_t lv[HV_ID_N_FIELDS];
    memset(lv, HV_ID_LEVEL_NULL, sizeof(lv));
    float fw[HV_ID_N_FIELDS];
    lv[HV_ID_F_GRANDFATHER] = 3;
    lv[HV_ID_F_FATHER] = 0;
    double w_alone = hv__id_weight(e, 0, 1, lv, fw, NULL);
    CHECK(fabs(fw[HV_ID_F_GRANDFATHER] - e->w[HV_ID_F_GRANDFATHER][3]) < 1e-4);
    lv[HV_ID_F_FATHER] = 3;
    double w_both = hv__id_weight(e, 0, 1, lv, fw, NULL);
    CHECK(fabs(fw[HV_ID_F_GRANDFATHER] - e->w[HV_ID_F_GRANDFATHER][3] / 2) < 1e-4);
    CHECK(fabs(w_both - w_alone - (e->w[HV_ID_F_FATHER][3] - e->w[HV_ID_F_FATHER][0]) +
               e->w[HV_ID_F_GRANDFATHER][3] / 2) < 1e-3);
    hv_id_engine_destroy(e);
}

/* Households: relation codes, the household level, u inside households (siblings share the
 * father: his agreement weighs little there), a relation conflict as evidence against. */
static void test_household(void)
{
    CHECK_EQ_INT(hv__id_relation_code("spouse"), HV__ID_REL_SPOUSE);
    CHECK_EQ_INT(hv__id_relation_code("other"), HV__ID_REL_OTHER);
    CHECK_EQ_INT(hv__id_relation_code("cousin"), HV__ID_REL_UNKNOWN);
    CHECK_EQ_INT(hv__id_relation_code(NULL), HV__ID_REL_UNKNOWN);
    CHECK_EQ_INT(hv__id_cmp_household(7, HV__ID_REL_SPOUSE, 7, HV__ID_REL_CHILD), 0);
    CHECK_EQ_INT(hv__id_cmp_household(7, HV__ID_REL_CHILD, 7, HV__ID_REL_CHILD), 1);
    CHECK_EQ_INT(hv__id_cmp_household(7, HV__ID_REL_PRINCIPAL, 7, HV__ID_REL_OTHER), 1);
    CHECK_EQ_INT(hv__id_cmp_household(7, HV__ID_REL_SPOUSE, 7, HV__ID_REL_UNKNOWN), 1);
    CHECK_EQ_INT(hv__id_cmp_household(7, HV__ID_REL_SPOUSE, 8, HV__ID_REL_CHILD), HV_ID_LEVEL_NULL);
    CHECK_EQ_INT(hv__id_cmp_household(0, HV__ID_REL_SPOUSE, 0, HV__ID_REL_CHILD), HV_ID_LEVEL_NULL);

    /* 200 families: father, mother, two children named after their father's line. */
    struct hv_id_options o;
    hv_id_options_default(&o);
    o.u_samples = 30000;
    struct hv_id_engine *e = NULL;
    CHECK_OK(hv_id_engine_create(nm, &o, &e));
    if (e == NULL)
        return;
    static const char *const men[] = { "Ahmad", "Farid", "Hamid", "Jawed", "Khalid", "Nasir",
                                       "Omar",  "Qasim", "Rahim", "Sami",  "Tariq",  "Wahid" };
    static const char *const women[] = { "Fereshta", "Gulalai", "Mariam",  "Nazia",
                                         "Parwana",  "Shabana", "Zarghona" };
    static const char *const rel[] = { "principal", "spouse", "child", "child" };
    char by[800][8];
    for (int i = 0; i < 800; i++) {
        int fam = i / 4, k = i % 4;
        const char *given = k == 1 ? women[fam % 7] : men[(fam * 5 + k * 3) % 12];
        const char *father = k >= 2 ? men[fam % 12] : men[(fam + 7) % 12];
        snprintf(by[i], sizeof(by[i]), "%d", k >= 2 ? 2000 + k + fam % 9 : 1970 + fam % 20);
        struct hv_id_record r = person(given, "", father, by[i], NULL);
        r.id = i;
        r.group = 1000 + fam;
        r.relation = rel[k];
        CHECK_OK(hv_id_engine_add(e, &r, NULL));
    }
    CHECK_OK(hv_id_engine_run(e, NULL, NULL));
    struct hv_id_stats st;
    hv_id_engine_stats(e, &st);
    CHECK(st.u_household_pairs > 1000);
    /* Inside a household the father agrees far more often than between random people. */
    CHECK(st.u_household[HV_ID_F_FATHER][3] > 0.2);
    CHECK(st.u_household[HV_ID_F_FATHER][3] > 10 * st.u[HV_ID_F_FATHER][3]);
    CHECK(e->w2[HV_ID_F_FATHER][3] < e->w[HV_ID_F_FATHER][3] - 2);
    /* The two children of family 0 are compared as one household, the spouse and a child
     * conflict, and records of two households have no household level. */
    struct hv_id_comparison c;
    hv_id_engine_compare(e, 2, 3, &c);
    CHECK_EQ_INT(c.level[HV_ID_F_HOUSEHOLD], 1);
    CHECK_EQ_INT(c.level[HV_ID_F_FATHER], 3);
    CHECK(c.weight[HV_ID_F_FATHER] < e->w[HV_ID_F_FATHER][3] - 2);
    hv_id_engine_compare(e, 1, 2, &c);
    CHECK_EQ_INT(c.level[HV_ID_F_HOUSEHOLD], 0);
    CHECK(c.weight[HV_ID_F_HOUSEHOLD] < -3);
    hv_id_engine_compare(e, 2, 6, &c);
    CHECK_EQ_INT(c.level[HV_ID_F_HOUSEHOLD], HV_ID_LEVEL_NULL);
    hv_id_engine_destroy(e);
}

/* The model survives its text form; anything else is refused. */
static void test_model_text(void)
{
    struct hv_id_engine *e = NULL;
    CHECK_OK(hv_id_engine_create(nm, NULL, &e));
    if (e == NULL)
        return;
    struct hv_id_model m, back;
    hv_id_engine_model(e, &m);
    m.lambda = 0.0041;
    m.m[HV_ID_F_DOC][2] = 0.874;
    m.u_household[HV_ID_F_FATHER][3] = 0.88;
    char text[HV_ID_MODEL_TEXT_MAX];
    size_t n = hv_id_model_format(&m, text, sizeof(text));
    CHECK(n > 0 && n < sizeof(text));
    CHECK(hv_id_model_parse(text, &back));
    CHECK(fabs(back.lambda - 0.0041) < 1e-12);
    CHECK(fabs(back.m[HV_ID_F_DOC][2] - 0.874) < 1e-12);
    CHECK(fabs(back.u_household[HV_ID_F_FATHER][3] - 0.88) < 1e-12);
    CHECK_EQ_INT(hv_id_model_format(&m, text, 40), 0);
    CHECK(!hv_id_model_parse("v1 0.5 0.1", &back));
    CHECK(!hv_id_model_parse("v2 0.5", &back));
    hv_id_model_format(&m, text, sizeof(text));
    text[3] = '7'; /* lambda 7.x: not a probability */
    CHECK(!hv_id_model_parse(text, &back));
    hv_id_engine_set_model(e, &m);
    struct hv_id_stats st;
    hv_id_engine_stats(e, &st);
    CHECK(fabs(st.lambda - 0.0041) < 1e-12);
    hv_id_engine_destroy(e);
}

static void test_csv(void)
{
    struct hv_id_csv_map map;
    struct hv_diag d;
    CHECK_OK(hv_id_csv_map_parse("id=id,first=given,last=family,dob=birth,ssn=doc,label=truth",
                                 &map, &d));
    CHECK(hv_id_csv_map_parse("first=nonsense", &map, &d) == HV_ERR_INVALID);
    CHECK(hv_id_csv_map_parse("first", &map, &d) == HV_ERR_INVALID);
    CHECK_OK(hv_id_csv_map_parse("id=id,first=given,last=family,dob=birth,ssn=doc,label=truth",
                                 &map, &d));
    static const char data[] = "id,first,last,dob,ssn,label\n"
                               "r1,Mohammad,Ahmadzai,19850312,1234567,a\n"
                               "r2,Muhammad,Ahmadzay,1985-03-12,1234567,a\n"
                               "r3,Karim,Popal,19850230,7654321,b\n";
    struct hv_id_csv *c = NULL;
    CHECK_OK(hv_id_csv_create(&c));
    CHECK_OK(hv_id_csv_read_mem(c, data, sizeof(data) - 1, "t.csv", 0, &map, &d));
    CHECK_EQ_INT(hv_id_csv_n_rows(c), 3);
    struct hv_id_record r;
    hv_id_csv_record(c, 2, &r);
    CHECK_EQ_INT(r.birth.precision, HV_PDATE_MONTH); /* impossible day falls back */
    CHECK_EQ_STR(hv_id_csv_row_id(c, 1), "r2");
    CHECK_EQ_STR(hv_id_csv_truth(c, 1), "a");
    static const char bad[] = "id,first\nr1,x\n";
    CHECK(hv_id_csv_read_mem(c, bad, sizeof(bad) - 1, "bad.csv", 0, &map, &d) == HV_ERR_INVALID);
    CHECK(strstr(d.field, "last") != NULL);
    hv_id_csv_destroy(c);
}

int main(void)
{
    struct hv_diag d;
    if (hv_names_create(NULL, &nm, &d) != HV_OK) {
        fprintf(stderr, "names: %s\n", d.msg);
        return 1;
    }
    RUN(test_birth);
    RUN(test_documents);
    RUN(test_name_levels);
    RUN(test_em);
    RUN(test_engine);
    RUN(test_cluster_guard);
    RUN(test_block_split);
    RUN(test_weight_dependence);
    RUN(test_csv);
    RUN(test_household);
    RUN(test_model_text);
    hv_names_destroy(nm);
    return test_report();
}
