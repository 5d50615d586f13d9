/* test_identity_db.c - identity resolution over a small registry: a run stores pairs and opens
 * duplicate_review holds, accept/reject resolve them and are audited, a merge links people
 * without changing them, unmerge restores separate identities, later runs keep decisions.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/identity.h"
#include "haven/pipeline.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "test.h"

static char dir[64];

static int64_t fake_now(void *ud)
{
    (void)ud;
    return 1629936000; /* 2021-08-26 */
}

struct fixture {
    struct hv_store *st;
    struct hv_vault *v;
    struct hv_ctx ctx;
    char db[128], key[128];
};

static const char *givens[] = { "Ahmad",  "Farid",  "Jawad", "Karim",  "Latif", "Nasir",  "Omar",
                                "Qasim",  "Rahim",  "Sami",  "Tariq",  "Wahid", "Yousuf", "Zaher",
                                "Bashir", "Dawood", "Ehsan", "Ghulam", "Hamid", "Idris" };
static const char *families[] = { "Ahmadzai",  "Barakzai", "Durrani", "Hotak",    "Karimi",
                                  "Mohmand",   "Noori",    "Popal",   "Rahimi",   "Safi",
                                  "Stanikzai", "Tokhi",    "Wardak",  "Yusufzai", "Zazai" };
static const char *fathers[] = { "Abdul Rahim", "Gul Ahmad", "Wali",   "Sher Ali",
                                 "Juma Khan",   "Habib",     "Nazar",  "Faqir",
                                 "Sayed Jan",   "Ismail",    "Baz Gul" };

static void write_data(void)
{
    char p[160];
    snprintf(p, sizeof(p), "%s/cases.csv", dir);
    FILE *f = fopen(p, "wb");
    fputs("ref,programme,risk_level\n", f);
    for (int i = 1; i <= 62; i++)
        fprintf(f, "C%d,SIV,2\n", i);
    fclose(f);
    snprintf(p, sizeof(p), "%s/people.csv", dir);
    f = fopen(p, "wb");
    fputs("ref,case_ref,relation,given_name,family_name,father_name,sex,birth_date\n", f);
    for (int i = 1; i <= 60; i++)
        fprintf(f, "P%d,C%d,principal,%s,%s,%s,M,%d-%02d-%02d\n", i, i, givens[i % 20],
                families[(i * 7) % 15], fathers[(i * 3) % 11], 1960 + (i * 13) % 40, 1 + i % 12,
                1 + (i * 5) % 28);
    /* P61 registers P1 again; P62 is P2 with a spelling variant and a year-only birth. */
    fprintf(f, "P61,C61,principal,%s,%s,%s,M,%d-%02d-%02d\n", givens[1], families[7], fathers[3],
            1973, 2, 6);
    fprintf(f, "P62,C62,principal,%s,%s,%s,M,%d\n", "Jawaad", families[14], fathers[6], 1986);
    fclose(f);
    snprintf(p, sizeof(p), "%s/documents.csv", dir);
    f = fopen(p, "wb");
    fputs("ref,person_ref,kind,number\n", f);
    fputs("D1,P1,passport,P01234567\nD61,P61,passport,P01234567\n", f);
    fclose(f);
}

static void fixture_open(struct fixture *fx)
{
    memset(fx, 0, sizeof(*fx));
    snprintf(fx->db, sizeof(fx->db), "%s/t.db", dir);
    snprintf(fx->key, sizeof(fx->key), "%s/t.key", dir);
    struct hv_diag d;
    struct hv_store_options opt = { .create = true };
    CHECK_OK(hv_vault_keyfile_create(fx->key, &d));
    CHECK_OK(hv_store_open(fx->db, &opt, &fx->st, &d));
    CHECK_OK(hv_store_migrate(fx->st, &d));
    struct hv_vault_key_source src = { .key_file = fx->key };
    CHECK_OK(hv_vault_setup(fx->st, &src, &d));
    CHECK_OK(hv_vault_open(fx->st, &src, &fx->v, &d));
    fx->ctx.store = fx->st;
    fx->ctx.vault = fx->v;
    fx->ctx.actor = "unit";
    fx->ctx.clock.now = fake_now;
    write_data();
    char p[3][160];
    const char *paths[3];
    const char *names[3] = { "cases.csv", "people.csv", "documents.csv" };
    for (int i = 0; i < 3; i++) {
        snprintf(p[i], sizeof(p[i]), "%s/%s", dir, names[i]);
        paths[i] = p[i];
    }
    struct hv_import_counts k;
    hv_diag_clear(&d);
    CHECK_OK(hv_registry_import(&fx->ctx, paths, 3, NULL, &k, &d));
    CHECK_EQ_INT(k.created[HV_KIND_PERSON], 62);
}

static void fixture_close(struct fixture *fx)
{
    hv_vault_destroy(fx->v);
    hv_store_close(fx->st);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -f %s/*", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup failed\n");
}

static int64_t q(struct fixture *fx, const char *sql, int64_t param)
{
    int64_t v = -1;
    CHECK_OK(hv_store_query_int(fx->st, sql, true, param, -1, &v));
    return v;
}

static int64_t person_id(struct fixture *fx, const char *ref)
{
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_record rec;
    memset(&rec, 0, sizeof(rec));
    CHECK_OK(hv_record_get(&fx->ctx, &a, hv_kind(HV_KIND_PERSON), hv_str_c(ref), &rec));
    int64_t id = rec.id;
    hv_arena_finish(&a);
    return id;
}

/* The stored pair of two people, or -1. */
static int64_t pair_of(struct fixture *fx, int64_t a, int64_t b)
{
    static const char sql[] = "SELECT id FROM match_pair WHERE person_a * 1000000 + person_b = ?1";
    return q(fx, sql, (a < b ? a : b) * 1000000 + (a < b ? b : a));
}

/* Open duplicate_review holds of the case (of pair pair_id only when it is not 0). */
static int open_holds(struct fixture *fx, const char *case_ref, int64_t pair_id)
{
    char code[32];
    snprintf(code, sizeof(code), "pair:%lld", (long long)pair_id);
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_step_event *ev;
    struct hv_hold *h;
    size_t n_ev = 0, n_h = 0;
    struct hv_diag d;
    CHECK_OK(hv_pipeline_history(&fx->ctx, &a, hv_str_c(case_ref), &ev, &n_ev, &h, &n_h, &d));
    int open = 0;
    for (size_t i = 0; i < n_h; i++)
        if (h[i].resolved_at == 0 && strcmp(h[i].kind, "duplicate_review") == 0 &&
            (pair_id == 0 || strcmp(h[i].reason_code, code) == 0))
            open++;
    hv_arena_finish(&a);
    return open;
}

static void test_review_accept_reject_unmerge(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_diag d;
    hv_diag_clear(&d);

    /* Without a key the sealed names cannot be read. */
    struct hv_ctx nokey = fx.ctx;
    nokey.vault = NULL;
    struct hv_identity_summary sum;
    CHECK_EQ_INT(hv_identity_run(&nokey, NULL, &sum, &d), HV_ERR_FORBIDDEN);

    /* Nothing merges automatically: every pair found goes to review. */
    struct hv_id_options opt;
    hv_id_options_default(&opt);
    opt.merge_threshold = 1.01;
    CHECK_OK(hv_identity_run(&fx.ctx, &opt, &sum, &d));
    CHECK_EQ_INT((int64_t)sum.people, 62);
    CHECK_EQ_INT((int64_t)sum.merged, 0);
    CHECK(sum.review >= 2);
    CHECK_EQ_INT((int64_t)sum.holds_opened, (int64_t)(2 * sum.review));
    int64_t p1 = person_id(&fx, "P1"), p61 = person_id(&fx, "P61");
    int64_t p2 = person_id(&fx, "P2"), p62 = person_id(&fx, "P62");
    int64_t dup = pair_of(&fx, p1, p61), var = pair_of(&fx, p2, p62);
    CHECK(dup > 0);
    CHECK(var > 0);
    CHECK_EQ_INT(open_holds(&fx, "C1", dup), 1);
    CHECK_EQ_INT(open_holds(&fx, "C61", dup), 1);
    CHECK_EQ_INT(q(&fx,
                   "SELECT count(*) FROM audit_log WHERE action = 'identity.run' "
                   "AND entity_id = ?1",
                   sum.run_id),
                 1);

    /* The explanation carries labels, levels and weights, never the names or numbers. */
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_identity_pair pr;
    CHECK_OK(hv_identity_pair_get(&fx.ctx, &a, dup, &pr));
    CHECK_EQ_STR(pr.decision, "review");
    CHECK(strstr(pr.explanation, "\"field\":\"name\"") != NULL);
    CHECK(strstr(pr.explanation, "\"field\":\"doc\"") != NULL ||
          strstr(pr.explanation, "\"field\":\"document\"") != NULL);
    CHECK(strstr(pr.explanation, "Farid") == NULL);
    CHECK(strstr(pr.explanation, "01234567") == NULL);
    CHECK(strstr(pr.explanation, "1973") == NULL);
    CHECK(pr.prob >= 0.3);
    CHECK_EQ_INT(pr.cluster_a, p1);
    CHECK_EQ_INT(pr.cluster_b, p61);
    CHECK_EQ_INT(hv_identity_pair_get(&fx.ctx, &a, 999999, &pr), HV_ERR_NOTFOUND);
    struct hv_identity_pair *list;
    size_t n_list = 0;
    CHECK_OK(hv_identity_pairs(&fx.ctx, &a, "review", 0, &list, &n_list));
    CHECK_EQ_INT((int64_t)n_list, (int64_t)sum.review);

    /* Accept: the holds are released, the two people form one identity, records unchanged. */
    CHECK_EQ_INT(hv_identity_decide(&fx.ctx, dup, HV_IDENTITY_ACCEPT, "same person", &d),
                 HV_ERR_INVALID);
    CHECK_OK(hv_identity_decide(&fx.ctx, dup, HV_IDENTITY_ACCEPT, "same_passport", &d));
    CHECK_EQ_INT(open_holds(&fx, "C1", dup), 0);
    CHECK_EQ_INT(open_holds(&fx, "C61", dup), 0);
    int64_t cl = 0;
    CHECK_OK(hv_identity_cluster_of(&fx.ctx, p61, &cl));
    CHECK_EQ_INT(cl, p1);
    CHECK_EQ_INT(hv_identity_decide(&fx.ctx, dup, HV_IDENTITY_REJECT, "oops", &d), HV_ERR_CONFLICT);
    CHECK_EQ_INT(hv_identity_decide(&fx.ctx, 999999, HV_IDENTITY_REJECT, "x", &d), HV_ERR_NOTFOUND);
    CHECK_EQ_INT(q(&fx, "SELECT count(*) FROM person WHERE id >= ?1", 0), 62);
    CHECK_EQ_INT(q(&fx,
                   "SELECT count(*) FROM audit_log WHERE action = 'identity.accept' "
                   "AND entity_id = ?1 AND detail LIKE '%same_passport%'",
                   dup),
                 1);

    /* Reject: holds released, the identities stay apart. */
    CHECK_OK(hv_identity_decide(&fx.ctx, var, HV_IDENTITY_REJECT, "different_father", &d));
    CHECK_EQ_INT(open_holds(&fx, "C62", var), 0);
    CHECK_OK(hv_identity_cluster_of(&fx.ctx, p62, &cl));
    CHECK_EQ_INT(cl, p62);

    /* A second run finds the same pairs and keeps their decisions. */
    hv_id_options_default(&opt);
    CHECK_OK(hv_identity_run(&fx.ctx, &opt, &sum, &d));
    CHECK(sum.known_pairs >= 2);
    CHECK_OK(hv_identity_pair_get(&fx.ctx, &a, var, &pr));
    CHECK_EQ_STR(pr.decision, "rejected");
    CHECK_OK(hv_identity_pair_get(&fx.ctx, &a, dup, &pr));
    CHECK_EQ_STR(pr.decision, "accepted");

    /* Unmerge by pair restores two identities; unmerging it again is a conflict. */
    int64_t n = 0;
    CHECK_OK(hv_identity_unmerge(&fx.ctx, HV_IDENTITY_PAIR, dup, "wrong_merge", &n, &d));
    CHECK_EQ_INT(n, 1);
    CHECK_OK(hv_identity_cluster_of(&fx.ctx, p61, &cl));
    CHECK_EQ_INT(cl, p61);
    CHECK_EQ_INT(hv_identity_unmerge(&fx.ctx, HV_IDENTITY_PAIR, dup, "again", &n, &d),
                 HV_ERR_CONFLICT);
    CHECK_EQ_INT(hv_identity_unmerge(&fx.ctx, HV_IDENTITY_CLUSTER, p1, "none", &n, &d),
                 HV_ERR_NOTFOUND);
    CHECK_EQ_INT(q(&fx,
                   "SELECT count(*) FROM audit_log WHERE action = 'identity.unmerge' "
                   "AND entity_id = ?1",
                   dup),
                 1);
    struct hv_audit_report rep;
    CHECK_OK(hv_audit_verify(&fx.ctx, &rep));
    CHECK(rep.ok);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

static void test_auto_merge_and_cluster_unmerge(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_identity_summary sum;
    /* Everything found merges (review band empty) unless the chaining guard refuses it. */
    struct hv_id_options opt;
    hv_id_options_default(&opt);
    opt.merge_threshold = 0.3;
    opt.review_threshold = 0.3;
    CHECK_OK(hv_identity_run(&fx.ctx, &opt, &sum, &d));
    CHECK(sum.merged >= 1);
    CHECK(sum.review <= 2);
    CHECK_EQ_INT((int64_t)sum.holds_opened, (int64_t)(2 * sum.review));
    int64_t p1 = person_id(&fx, "P1"), p61 = person_id(&fx, "P61");
    int64_t dup = pair_of(&fx, p1, p61);
    CHECK(dup > 0);
    int64_t cl = 0;
    CHECK_OK(hv_identity_cluster_of(&fx.ctx, p61, &cl));
    CHECK_EQ_INT(cl, p1);
    CHECK(sum.clusters >= 1);
    /* Accepting a merged pair is refused: it is not under review. */
    CHECK_EQ_INT(hv_identity_decide(&fx.ctx, dup, HV_IDENTITY_ACCEPT, "x", &d), HV_ERR_CONFLICT);
    int64_t n = 0;
    CHECK_OK(hv_identity_unmerge(&fx.ctx, HV_IDENTITY_CLUSTER, p1, "split", &n, &d));
    CHECK(n >= 1);
    CHECK_OK(hv_identity_cluster_of(&fx.ctx, p61, &cl));
    CHECK_EQ_INT(cl, p61);
    CHECK_OK(hv_identity_cluster_of(&fx.ctx, p1, &cl));
    CHECK_EQ_INT(cl, p1);
    /* A later run does not merge the unmerged pair again. */
    CHECK_OK(hv_identity_run(&fx.ctx, &opt, &sum, &d));
    CHECK_OK(hv_identity_cluster_of(&fx.ctx, p61, &cl));
    CHECK_EQ_INT(cl, p61);
    fixture_close(&fx);
}

/* Candidates for a registration being typed: none before a run, the key needed, then found
 * through the blind blocking index (a spelling variant with a year-only birth) and through a
 * document number alone, scored with the run's model, an unrelated name finding nothing, and
 * each call audited. */
static void test_candidates(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_arena a;
    hv_arena_init(&a, 16u << 20);
    struct hv_identity_candidate *c = NULL;
    size_t n = 0;
    struct hv_id_record r;
    memset(&r, 0, sizeof(r));
    r.given = "Jawaad"; /* P2 is Jawad */
    r.family = families[14];
    r.father = fathers[6];
    const char *why = NULL;
    CHECK(hv_pdate_parse("1986", 4, &r.birth, &why));
    r.sex = 'M';
    CHECK_EQ_INT(hv_identity_candidates(&fx.ctx, &a, NULL, &r, 0.3, 10, &c, &n, &d),
                 HV_ERR_NOTFOUND);
    struct hv_ctx nokey = fx.ctx;
    nokey.vault = NULL;
    CHECK_EQ_INT(hv_identity_candidates(&nokey, &a, NULL, &r, 0.3, 10, &c, &n, &d),
                 HV_ERR_FORBIDDEN);
    struct hv_identity_summary sum;
    CHECK_OK(hv_identity_run(&fx.ctx, NULL, &sum, &d));
    CHECK(q(&fx, "SELECT count(*) FROM identity_block WHERE ?1 = ?1", 0) >= 62);
    CHECK_EQ_INT(q(&fx, "SELECT count(*) FROM identity_model WHERE run_id = ?1", sum.run_id), 1);

    CHECK_OK(hv_identity_candidates(&fx.ctx, &a, NULL, &r, 0.3, 10, &c, &n, &d));
    CHECK(n >= 2);
    if (n >= 2) {
        /* P2 and its re-registration P62 (Jawaad, 1986), best first, both likely. */
        bool p2 = strcmp(c[0].ref, "P2") == 0 || strcmp(c[1].ref, "P2") == 0;
        bool p62 = strcmp(c[0].ref, "P62") == 0 || strcmp(c[1].ref, "P62") == 0;
        CHECK(p2 && p62);
        CHECK(c[0].prob >= c[1].prob);
        CHECK(c[1].prob >= 0.9);
        CHECK(c[0].cmp.level[HV_ID_F_FATHER] == 3);
        CHECK_EQ_STR(c[0].case_ref, strcmp(c[0].ref, "P2") == 0 ? "C2" : "C62");
    }
    for (size_t i = 2; i < n; i++)
        CHECK(c[i].prob <= c[1].prob);
    CHECK_EQ_INT(q(&fx,
                   "SELECT count(*) FROM audit_log WHERE action = 'identity.candidates' "
                   "AND ?1 = ?1",
                   0),
                 1);

    /* A document number alone (and a name that does not match) still finds its holders. */
    struct hv_id_record doc;
    memset(&doc, 0, sizeof(doc));
    doc.given = "Someone";
    doc.docs[0] = "P0123 4567"; /* spacing differs */
    CHECK_OK(hv_identity_candidates(&fx.ctx, &a, NULL, &doc, 0.0001, 10, &c, &n, &d));
    CHECK_EQ_INT((int64_t)n, 2);
    for (size_t i = 0; i < n; i++) {
        CHECK(strcmp(c[i].ref, "P1") == 0 || strcmp(c[i].ref, "P61") == 0);
        CHECK_EQ_INT(c[i].cmp.level[HV_ID_F_DOC], 2);
    }

    /* An unrelated name and year: nothing likely. */
    struct hv_id_record other;
    memset(&other, 0, sizeof(other));
    other.given = "Zzyzx";
    other.family = "Qwrtp";
    CHECK(hv_pdate_parse("1901", 4, &other.birth, &why));
    CHECK_OK(hv_identity_candidates(&fx.ctx, &a, NULL, &other, 0.3, 10, &c, &n, &d));
    CHECK_EQ_INT((int64_t)n, 0);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/hv-iddb-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_review_accept_reject_unmerge);
    RUN(test_auto_merge_and_cluster_unmerge);
    RUN(test_candidates);
    rmdir(dir);
    return test_report();
}
