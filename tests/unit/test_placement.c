/* test_placement.c - the placement model and solvers on small hand-solved instances, one per
 * constraint (beds by kind, people, medical, interpreter, quota, routes and closed crossings,
 * families too large), the instance parser's errors and round trip, the export, and on
 * seeded random instances: the built-in engine's objective is within its printed gap of CBC's
 * proven optimum.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/placement.h"
#include "test.h"

/* Weights that make hand values simple: value = size x risk level. */
#define PLAIN "weights risk=1,2,3,4 lang=0 service=0 route_risk=0 cost=0\n"

struct solved {
    struct hv_arena a;
    struct hv_place_instance in;
    struct hv_place_model m;
    struct hv_place_result r;
    enum hv_err err;
    struct hv_diag d;
};

static void solve(struct solved *s, const char *text, const char *backend)
{
    memset(s, 0, sizeof(*s));
    hv_arena_init(&s->a, 0);
    hv_diag_clear(&s->d);
    s->err = hv_place_instance_parse(&s->a, "t.txt", text, strlen(text), &s->in, &s->d);
    if (s->err == HV_OK)
        s->err = hv_place_model_build(&s->a, &s->in, &s->m, &s->d);
    if (s->err == HV_OK) {
        struct hv_place_params p = { .backend = backend, .time_limit = 5, .gap = 1e-9 };
        s->err = hv_place_solve(&s->m, &p, &s->r, &s->d);
    }
}

static void done(struct solved *s)
{
    hv_place_result_finish(&s->r);
    hv_arena_finish(&s->a);
}

/* Index of family id, or -1. */
static int fam(const struct solved *s, const char *id)
{
    for (size_t f = 0; f < s->in.n_families; f++) {
        if (hv_str_eqz(s->in.families[f].id, id))
            return (int)f;
    }
    return -1;
}

/* The site family id was put at ("" when not placed). */
static const char *site_of(struct solved *s, const char *id)
{
    static char buf[64];
    int f = fam(s, id);
    if (f < 0 || s->r.assign[f] < 0)
        return "";
    struct hv_str sid = s->in.sites[s->m.col_site[s->r.assign[f]]].id;
    snprintf(buf, sizeof(buf), "%.*s", (int)sid.len, sid.ptr);
    return buf;
}

/* Solves text with both backends: both reach the hand optimum, and the plan verifies. */
static void expect_optimum(const char *text, double want, const char *label)
{
    static const char *const backends[] = { "builtin", "cbc" };
    for (size_t b = 0; b < 2; b++) {
        struct solved s;
        solve(&s, text, backends[b]);
        CHECK_OK(s.err);
        if (s.err == HV_OK) {
            if (fabs(s.r.objective - want) > 1e-6)
                fprintf(stderr, "%s (%s): objective %.3f, hand optimum %.3f\n", label, backends[b],
                        s.r.objective, want);
            CHECK(fabs(s.r.objective - want) <= 1e-6);
            CHECK(s.r.bound >= want - 1e-6);
            double obj = 0;
            CHECK_OK(hv_place_verify(&s.m, s.r.assign, &obj, &s.d));
            CHECK(fabs(obj - want) <= 1e-6);
        }
        done(&s);
    }
}

static void test_beds_by_kind(void)
{
    const char *t = "haven-placement 1\n" PLAIN "country UZ\n"
                    "site S1 country=UZ family_rooms=1 single_women=1 people=100\n"
                    "route R1 origin=A site=S1 crossing=- risk=0 cost=0\n"
                    "family A origin=A size=3 risk=4\n"
                    "family B origin=A size=4 risk=2\n"
                    "family W origin=A size=1 kind=single_women risk=1\n"
                    "family M origin=A size=1 kind=single_men risk=4\n";
    /* one room: A (12) beats B (8); W takes the women's bed; M has no bed of its kind */
    expect_optimum(t, 12 + 1, "beds");
    struct solved s;
    solve(&s, t, "builtin");
    CHECK_EQ_STR(site_of(&s, "A"), "S1");
    CHECK_EQ_STR(site_of(&s, "B"), "");
    CHECK_EQ_STR(site_of(&s, "W"), "S1");
    CHECK_EQ_INT(s.m.fam_why[fam(&s, "M")], HV_PLACE_WHY_NO_BED);
    done(&s);
}

static void test_people(void)
{
    /* knapsack on people: 4 + 3 = 7 beats 5 (greedy by value would take 5 alone) */
    const char *t = "haven-placement 1\n" PLAIN "country UZ\n"
                    "site S1 country=UZ family_rooms=5 people=7\n"
                    "route R1 origin=A site=S1 crossing=- risk=0 cost=0\n"
                    "family F4 origin=A size=4 risk=1\n"
                    "family F3 origin=A size=3 risk=1\n"
                    "family F5 origin=A size=5 risk=1\n";
    expect_optimum(t, 7, "people");
}

static void test_medical(void)
{
    const char *t = "haven-placement 1\n" PLAIN "country UZ\n"
                    "site S1 country=UZ family_rooms=2 people=20 medical=1\n"
                    "site S2 country=UZ family_rooms=2 people=20 medical=0\n"
                    "route R1 origin=A site=S1 crossing=- risk=0 cost=0\n"
                    "route R2 origin=B site=S2 crossing=- risk=0 cost=0\n"
                    "family A origin=A size=2 risk=2 medical=1\n"
                    "family B origin=A size=2 risk=3 medical=1\n"
                    "family C origin=B size=2 risk=3 medical=1\n";
    /* one medical place reachable for A and B: B (6); C reaches only a site without one */
    expect_optimum(t, 6, "medical");
    struct solved s;
    solve(&s, t, "builtin");
    CHECK_EQ_STR(site_of(&s, "B"), "S1");
    CHECK_EQ_INT(s.m.fam_why[fam(&s, "C")], HV_PLACE_WHY_MEDICAL);
    done(&s);
}

static void test_interpreter(void)
{
    const char *t = "haven-placement 1\n" PLAIN "country UZ\n"
                    "site S1 country=UZ family_rooms=2 people=20 interp=3 langs=uzb\n"
                    "route R1 origin=A site=S1 crossing=- risk=0 cost=0\n"
                    "family A origin=A size=2 risk=1 langs=prs\n"
                    "family B origin=A size=4 risk=1 langs=prs\n"
                    "family C origin=A size=3 risk=1 langs=uzb,prs\n";
    /* B needs 4 interpreter places of 3: never; A (2) and C (3, shares uzb) take the rooms */
    expect_optimum(t, 5, "interpreter");
    struct solved s;
    solve(&s, t, "builtin");
    CHECK_EQ_INT(s.m.fam_why[fam(&s, "B")], HV_PLACE_WHY_INTERP);
    done(&s);
}

static void test_quota(void)
{
    const char *t = "haven-placement 1\n" PLAIN "country UZ quota=5\ncountry TJ\n"
                    "site S1 country=UZ family_rooms=5 people=50\n"
                    "site S2 country=UZ family_rooms=5 people=50\n"
                    "site S3 country=TJ family_rooms=1 people=50\n"
                    "route R1 origin=A site=S1 crossing=- risk=0 cost=0\n"
                    "route R2 origin=A site=S2 crossing=- risk=0 cost=0\n"
                    "route R3 origin=B site=S3 crossing=- risk=0 cost=0\n"
                    "family F1 origin=A size=3 risk=1\n"
                    "family F2 origin=A size=3 risk=1\n"
                    "family F3 origin=A size=2 risk=1\n"
                    "family G1 origin=B size=6 risk=1\n";
    /* UZ takes 5 people of 8: 3 + 2; TJ takes G1 */
    expect_optimum(t, 5 + 6, "quota");
}

static void test_routes(void)
{
    const char *t = "haven-placement 1\n"
                    "weights risk=100,200,300,400 lang=0 service=0 route_risk=10 cost=1\n"
                    "country UZ\ncrossing X1 open\ncrossing X2 closed\n"
                    "site S1 country=UZ family_rooms=5 people=50\n"
                    "route SAFE origin=A site=S1 crossing=X1 risk=0.1 cost=2\n"
                    "route RISKY origin=A site=S1 crossing=- risk=0.9 cost=1\n"
                    "route SHUT origin=A site=S1 crossing=X2 risk=0 cost=0\n"
                    "route ONLY origin=B site=S1 crossing=X2 risk=0 cost=0\n"
                    "family F origin=A size=2 risk=1\n"
                    "family G origin=B size=2 risk=4\n";
    /* F goes by SAFE (penalty 1 + 2 = 3 per person; RISKY 10; SHUT is closed): 2 x 97 */
    expect_optimum(t, 2 * 97.0, "routes");
    struct solved s;
    solve(&s, t, "builtin");
    int f = fam(&s, "F");
    CHECK(s.r.assign[f] >= 0);
    if (s.r.assign[f] >= 0)
        CHECK_EQ_VIEW(s.in.routes[s.m.col_route[s.r.assign[f]]].id, "SAFE");
    CHECK_EQ_INT(s.m.fam_why[fam(&s, "G")], HV_PLACE_WHY_NO_ROUTE);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    CHECK_OK(hv_place_explain(&s.m, &s.r, (size_t)fam(&s, "G"), &b));
    CHECK(strstr(hv_buf_cstr(&b), "cannot place: no open route") != NULL);
    hv_buf_finish(&b);
    done(&s);
}

static void test_too_large(void)
{
    const char *t = "haven-placement 1\n" PLAIN "country UZ\n"
                    "site S1 country=UZ family_rooms=5 people=10\n"
                    "route R1 origin=A site=S1 crossing=- risk=0 cost=0\n"
                    "family BIG origin=A size=14 risk=4\n"
                    "family OK origin=A size=10 risk=1\n";
    expect_optimum(t, 10, "too large");
    struct solved s;
    solve(&s, t, "builtin");
    CHECK_EQ_INT(s.m.fam_why[fam(&s, "BIG")], HV_PLACE_WHY_TOO_LARGE);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    CHECK_OK(hv_place_explain(&s.m, &s.r, (size_t)fam(&s, "BIG"), &b));
    CHECK(strstr(hv_buf_cstr(&b), "(14 people, largest site takes 10)") != NULL);
    hv_buf_reset(&b);
    CHECK_OK(hv_place_plan_write(&s.m, &s.r, &b));
    CHECK(strstr(hv_buf_cstr(&b), "assign OK S1 R1\n") != NULL);
    CHECK(strstr(hv_buf_cstr(&b), "unplaced BIG cannot place: family larger") != NULL);
    hv_buf_finish(&b);
    done(&s);
}

static void test_parse_errors(void)
{
    static const struct {
        const char *text, *want;
        enum hv_err err;
    } cases[] = {
        { "haven-placement 2\n", "first line must be", HV_ERR_INVALID },
        { "haven-placement 1\nsite S1 country=UZ\n", "t.txt:2: country: unknown country",
          HV_ERR_INVALID },
        { "haven-placement 1\ncountry UZ\nsite S1 country=UZ minors=-3\n",
          "t.txt:3: minors: is negative", HV_ERR_INVALID },
        { "haven-placement 1\ncountry UZ quota=-1\n", "quota: is negative", HV_ERR_INVALID },
        { "haven-placement 1\ncountry UZ\nsite S1 country=UZ\nroute R origin=A site=S2\n",
          "t.txt:4: site: unknown site", HV_ERR_INVALID },
        { "haven-placement 1\ncountry UZ\nsite S1 country=UZ\n"
          "route R origin=A site=S1 crossing=X9\n",
          "crossing: unknown crossing", HV_ERR_INVALID },
        { "haven-placement 1\nfamily F origin=A size=2 kind=single_men\n",
          "kind:", HV_ERR_INVALID },
        { "haven-placement 1\nfamily F origin=A size=101\n", "size: is too large", HV_ERR_LIMIT },
        { "haven-placement 1\nfamily F origin=A size=2 risk=5\n", "risk:", HV_ERR_INVALID },
        { "haven-placement 1\nfamily F origin=A size=2 medical=3\n", "medical:", HV_ERR_INVALID },
        { "haven-placement 1\nbogus\n", "unknown record", HV_ERR_INVALID },
    };
    for (size_t i = 0; i < HV_ARRAY_LEN(cases); i++) {
        struct hv_arena a;
        hv_arena_init(&a, 0);
        struct hv_diag d;
        hv_diag_clear(&d);
        struct hv_place_instance in;
        enum hv_err err =
            hv_place_instance_parse(&a, "t.txt", cases[i].text, strlen(cases[i].text), &in, &d);
        CHECK_EQ_INT(err, cases[i].err);
        char msg[512];
        hv_diag_format(&d, msg, sizeof(msg));
        if (strstr(msg, cases[i].want) == NULL)
            fprintf(stderr, "case %zu: \"%s\" lacks \"%s\"\n", i, msg, cases[i].want);
        CHECK(strstr(msg, cases[i].want) != NULL);
        hv_arena_finish(&a);
    }
    /* duplicate family ids are found when the model is built */
    struct solved s;
    solve(&s, "haven-placement 1\nfamily F origin=A size=2\nfamily F origin=A size=3\n", "builtin");
    CHECK_EQ_INT(s.err, HV_ERR_INVALID);
    done(&s);
}

static unsigned lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(*x >> 33);
}

/* A seeded random instance in the generator's spirit, small enough for CBC to prove. */
static void random_instance(struct hv_buf *b, uint64_t seed, int n_fam)
{
    uint64_t x = seed * 2654435761u + 1;
#define RND() lcg(&x)
    CHECK_OK(hv_buf_appendf(b,
                            "haven-placement 1\ncountry UZ quota=%d\ncountry TJ quota=%d\n"
                            "crossing X1 open\ncrossing X2 %s\n",
                            n_fam, n_fam * 2 / 3, seed % 3 == 0 ? "closed" : "open"));
    static const char *const langs[] = { "prs", "pus", "uzb", "tgk" };
    for (int s = 0; s < 6; s++) {
        CHECK_OK(hv_buf_appendf(b,
                                "site S%d country=%s family_rooms=%u single_men=%u "
                                "single_women=%u minors=1 people=%u medical=%u interp=%u "
                                "langs=%s%s\n",
                                s, s < 3 ? "UZ" : "TJ", 1 + RND() % 4, RND() % 2, RND() % 2,
                                6 + RND() % 14, RND() % 3, RND() % 8, langs[RND() % 4],
                                RND() % 2 ? " services=school" : ""));
    }
    for (int o = 0; o < 3; o++) {
        for (int s = 0; s < 6; s++) {
            CHECK_OK(hv_buf_appendf(b,
                                    "route R%d_%d origin=O%d site=S%d crossing=%s risk=0.%u "
                                    "cost=%u\n",
                                    o, s, o, s, s < 3 ? "X1" : "X2", RND() % 10, RND() % 6));
            if (RND() % 3 == 0)
                CHECK_OK(hv_buf_appendf(b,
                                        "route F%d_%d origin=O%d site=S%d crossing=- "
                                        "risk=0.5 cost=9\n",
                                        o, s, o, s));
        }
    }
    for (int f = 0; f < n_fam; f++) {
        unsigned size = 1 + RND() % 7;
        static const char *const singles[] = { "single_men", "single_women", "minors" };
        CHECK_OK(hv_buf_appendf(b,
                                "family F%d origin=O%u size=%u kind=%s risk=%u medical=%u "
                                "langs=%s%s\n",
                                f, RND() % 3, size, size >= 2 ? "family_rooms" : singles[RND() % 3],
                                1 + RND() % 4, RND() % 8 == 0 ? 1u : 0u, langs[RND() % 4],
                                size >= 3 && RND() % 2 ? " wants=school" : ""));
    }
#undef RND
}

static void test_within_gap_of_cbc(void)
{
    int checked = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        random_instance(&b, seed, 14 + (int)(seed % 5) * 3);
        struct solved ours, cbc;
        solve(&ours, hv_buf_cstr(&b), "builtin");
        solve(&cbc, hv_buf_cstr(&b), "cbc");
        CHECK_OK(ours.err);
        CHECK_OK(cbc.err);
        if (ours.err == HV_OK && cbc.err == HV_OK) {
            CHECK(cbc.r.optimal);
            double opt = cbc.r.objective;
            /* the bound is an upper bound of the optimum, and the plan is within its gap */
            CHECK(ours.r.bound >= opt - 1e-6 * (opt > 1 ? opt : 1));
            double allowed = ours.r.gap * (fabs(ours.r.bound) > 1 ? fabs(ours.r.bound) : 1);
            if (!(opt - ours.r.objective <= allowed + 1e-6))
                fprintf(stderr, "seed %llu: builtin %.3f, cbc optimum %.3f, printed gap %.5f\n",
                        (unsigned long long)seed, ours.r.objective, opt, ours.r.gap);
            CHECK(opt - ours.r.objective <= allowed + 1e-6);
            CHECK(ours.r.objective <= opt + 1e-6);
            checked++;
        }
        done(&ours);
        done(&cbc);
        hv_buf_finish(&b);
    }
    CHECK_EQ_INT(checked, 12);
}

static void test_roundtrip_and_export(void)
{
    struct hv_buf b, w, e;
    hv_buf_init(&b, 0);
    hv_buf_init(&w, 0);
    hv_buf_init(&e, 0);
    random_instance(&b, 7, 20);
    struct solved s;
    solve(&s, hv_buf_cstr(&b), "builtin");
    CHECK_OK(s.err);
    CHECK_OK(hv_place_instance_write(&s.in, &w));
    struct solved s2;
    solve(&s2, hv_buf_cstr(&w), "builtin");
    CHECK_OK(s2.err);
    CHECK_EQ_INT(s2.m.n_col, s.m.n_col);
    CHECK(fabs(s2.r.bound - s.r.bound) <= 1e-6 * (1 + fabs(s.r.bound)));
    CHECK_OK(hv_place_model_export(&s.m, HV_PLACE_MPS, &e));
    CHECK(strncmp(hv_buf_cstr(&e), "NAME haven-placement\nROWS\n N obj\n", 33) == 0);
    CHECK(strstr(hv_buf_cstr(&e), "ENDATA\n") != NULL);
    size_t bounds = 0;
    for (const char *p = hv_buf_cstr(&e); (p = strstr(p, " UP bnd ")) != NULL; p++)
        bounds++;
    CHECK_EQ_INT(bounds, s.m.n_col);
    hv_buf_reset(&e);
    CHECK_OK(hv_place_model_export(&s.m, HV_PLACE_LP, &e));
    CHECK(strstr(hv_buf_cstr(&e), "Maximize") != NULL);
    CHECK(strstr(hv_buf_cstr(&e), "Binaries") != NULL);
    /* the duals price what binds: a row with spare capacity in an optimal LP costs nothing */
    CHECK(s.r.row_dual != NULL);
    done(&s);
    done(&s2);
    hv_buf_finish(&b);
    hv_buf_finish(&w);
    hv_buf_finish(&e);
}

static void test_unknown_backend(void)
{
    struct solved s;
    solve(&s, "haven-placement 1\n", "glpk");
    CHECK_EQ_INT(s.err, HV_ERR_NOTFOUND);
    char msg[256];
    hv_diag_format(&s.d, msg, sizeof(msg));
    CHECK(strstr(msg, "unknown solver backend") != NULL);
    done(&s);
}

int main(void)
{
    RUN(test_beds_by_kind);
    RUN(test_people);
    RUN(test_medical);
    RUN(test_interpreter);
    RUN(test_quota);
    RUN(test_routes);
    RUN(test_too_large);
    RUN(test_parse_errors);
    RUN(test_within_gap_of_cbc);
    RUN(test_roundtrip_and_export);
    RUN(test_unknown_backend);
    return test_report();
}
