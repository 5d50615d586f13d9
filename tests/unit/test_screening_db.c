/* test_screening_db.c - the database side of screening on a temporary database: list snapshots
 * (store, load back, diff), screening people with stored hits and holds, adjudication with a
 * remembered false positive, re-screening only new or changed entries after a list update, and
 * the audit trail. Names are synthetic.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/audit.h"
#include "haven/names.h"
#include "haven/registry.h"
#include "haven/screening.h"
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

static void write_file(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f == NULL)
        return;
    fputs(text, f);
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
}

static void fixture_close(struct fixture *fx)
{
    hv_vault_destroy(fx->v);
    hv_store_close(fx->st);
}

static const char list_v1[] = "id,name,aliases,dob,nationality,sex\n"
                              "X-1,Zarmino Quvaldek,Qari Zarmino,1961,AF,M\n"
                              "X-2,Trovaldi Menkisar,,1950,IQ,M\n";
static const char list_v2[] = "id,name,aliases,dob,nationality,sex\n"
                              "X-1,Zarmino Quvaldek,Qari Zarmino;Zarmino Quvaldeki,1961,AF,M\n"
                              "X-3,Bexal Tornivy,,1972,AF,F\n";

static int64_t count(struct fixture *fx, const char *sql)
{
    int64_t n = -1;
    if (hv_store_query_int(fx->st, sql, false, 0, -1, &n) != HV_OK)
        return -1;
    return n;
}

static enum hv_err count_change(void *ud, enum hv_wl_change c, const struct hv_wl_entry *e)
{
    int *n = ud;
    (void)e;
    n[c]++;
    return HV_OK;
}

struct hits {
    int64_t ids[8];
    size_t n;
};

static enum hv_err collect(void *ud, const struct hv_screen_hit *h)
{
    struct hits *hs = ud;
    if (hs->n < 8)
        hs->ids[hs->n++] = h->id;
    return HV_OK;
}

static void test_screen_flow(void)
{
    struct fixture fx;
    fixture_open(&fx);
    struct hv_diag d;
    hv_diag_clear(&d);
    write_file("cases.csv", "ref,programme,status,risk_level\nK1,SIV,open,2\nK2,SIV,open,2\n");
    write_file("people.csv", "ref,case_ref,relation,given_name,family_name,sex,birth_date,"
                             "nationality\n"
                             "K1-P1,K1,principal,Zarmino,Quvaldek,M,1961,AF\n"
                             "K1-P2,K1,child,Zarmino,Quvaldek,M,2015,AF\n"
                             "K2-P1,K2,principal,Bexal,Tornivy,F,1972-05-01,AF\n");
    char paths0[128];
    snprintf(paths0, sizeof(paths0), "%s", dir);
    const char *paths[] = { paths0 };
    struct hv_import_counts k;
    CHECK_OK(hv_registry_import(&fx.ctx, paths, 1, NULL, &k, &d));
    struct hv_names *names = NULL;
    CHECK_OK(hv_names_create(NULL, &names, &d));

    /* Snapshot 1. */
    struct hv_wl_list *v1 = NULL;
    CHECK_OK(hv_wl_load_custom_mem("v1.csv", list_v1, sizeof(list_v1) - 1, &v1, &d));
    if (v1 == NULL || names == NULL)
        return;
    snprintf(v1->name, sizeof(v1->name), "internal");
    int64_t s1 = 0;
    CHECK_OK(hv_wl_snapshot_store(&fx.ctx, v1, &s1, &d));
    CHECK(s1 > 0);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM wl_entry"), 2);
    /* Loaded back, it is the same list. */
    struct hv_wl_list *back = NULL;
    CHECK_OK(hv_wl_snapshot_load(&fx.ctx, s1, &back, &d));
    int ch[3] = { 0, 0, 0 };
    if (back != NULL) {
        CHECK_OK(hv_wl_diff(v1, back, count_change, ch));
        CHECK_EQ_INT(ch[0] + ch[1] + ch[2], 0);
        CHECK_EQ_STR(back->name, "internal");
        CHECK_EQ_STR(back->file_hash, v1->file_hash);
    }
    hv_wl_list_destroy(back);

    /* Screening everyone: the adult matches, the child is not screened. */
    struct hv_screen_run_stats rs;
    CHECK_OK(hv_screen_all(&fx.ctx, names, false, &rs, &d));
    CHECK_EQ_INT(rs.people, 2);
    CHECK_EQ_INT(rs.hits, 1);
    CHECK_EQ_INT(rs.holds, 1);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM case_hold WHERE kind = 'screening_hit'"
                            " AND resolved_at IS NULL"),
                 1);
    int64_t k1 = count(&fx, "SELECT id FROM hv_case WHERE ref = 'K1'");
    bool blocked = false;
    CHECK_OK(hv_screen_case_blocked(&fx.ctx, k1, &blocked));
    CHECK(blocked);
    /* The explanation is sealed at rest and opens with the vault. */
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM screening_hit WHERE instr(explanation,"
                            " 'Zarmino') > 0"),
                 0);
    struct hits hs = { { 0 }, 0 };
    CHECK_OK(hv_screen_hits_each(&fx.ctx, HV_HIT_OPEN, collect, &hs));
    CHECK_EQ_INT(hs.n, 1);
    struct hv_arena a;
    hv_arena_init(&a, 0);
    struct hv_screen_hit h;
    CHECK_OK(hv_screen_hit_get(&fx.ctx, &a, hs.ids[0], &h));
    CHECK_EQ_STR(h.entry_ref, "X-1");
    CHECK_EQ_STR(h.person_ref, "K1-P1");
    CHECK(h.explanation != NULL && strstr(h.explanation, "\"pairs\"") != NULL);
    CHECK(h.score >= HV_SCREEN_REVIEW_THRESHOLD);

    /* Screening again raises nothing new. */
    CHECK_OK(hv_screen_person(&fx.ctx, names, NULL, HV_STR("K1-P1"), &rs, &d));
    CHECK_EQ_INT(rs.hits, 0);

    /* Adjudication: a reason is required; a false positive releases the hold. */
    CHECK_EQ_INT(hv_screen_hit_decide(&fx.ctx, hs.ids[0], HV_HIT_FALSE_POSITIVE, HV_STR(" "), &d),
                 HV_ERR_INVALID);
    CHECK_OK(hv_screen_hit_decide(&fx.ctx, hs.ids[0], HV_HIT_FALSE_POSITIVE,
                                  HV_STR("different father and birthplace"), &d));
    CHECK_OK(hv_screen_case_blocked(&fx.ctx, k1, &blocked));
    CHECK(!blocked);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM case_hold WHERE resolved_at IS NULL"), 0);
    CHECK_EQ_INT(hv_screen_hit_decide(&fx.ctx, hs.ids[0], HV_HIT_TRUE_MATCH, HV_STR("x"), &d),
                 HV_ERR_CONFLICT);
    CHECK_EQ_INT(hv_screen_hit_decide(&fx.ctx, 9999, HV_HIT_TRUE_MATCH, HV_STR("x"), &d),
                 HV_ERR_NOTFOUND);
    /* Remembered: the same pair does not alert again. */
    CHECK_OK(hv_screen_all(&fx.ctx, names, false, &rs, &d));
    CHECK_EQ_INT(rs.hits, 0);
    CHECK_EQ_INT(rs.suppressed, 1);

    /* Snapshot 2 changes X-1, removes X-2 and adds X-3. */
    struct hv_wl_list *v2 = NULL;
    CHECK_OK(hv_wl_load_custom_mem("v2.csv", list_v2, sizeof(list_v2) - 1, &v2, &d));
    if (v2 == NULL)
        return;
    snprintf(v2->name, sizeof(v2->name), "internal");
    memset(ch, 0, sizeof(ch));
    CHECK_OK(hv_wl_diff(v1, v2, count_change, ch));
    CHECK_EQ_INT(ch[HV_WL_ADDED], 1);
    CHECK_EQ_INT(ch[HV_WL_REMOVED], 1);
    CHECK_EQ_INT(ch[HV_WL_CHANGED], 1);
    int64_t s2 = 0;
    CHECK_OK(hv_wl_snapshot_store(&fx.ctx, v2, &s2, &d));
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM wl_snapshot WHERE is_current = 1"), 1);
    /* Re-screening only the changes: X-1 changed (the old decision no longer holds) and X-3 is
     * new. */
    CHECK_OK(hv_screen_all(&fx.ctx, names, true, &rs, &d));
    CHECK_EQ_INT(rs.hits, 2);
    CHECK_EQ_INT(rs.suppressed, 0);
    hs.n = 0;
    CHECK_OK(hv_screen_hits_each(&fx.ctx, HV_HIT_OPEN, collect, &hs));
    CHECK_EQ_INT(hs.n, 2);
    /* A true match keeps the case blocked. */
    int64_t k2 = count(&fx, "SELECT id FROM hv_case WHERE ref = 'K2'");
    int64_t k2hit = count(&fx, "SELECT id FROM screening_hit WHERE entry_ref = 'X-3'");
    CHECK_OK(hv_screen_hit_decide(&fx.ctx, k2hit, HV_HIT_TRUE_MATCH, HV_STR("confirmed"), &d));
    CHECK_OK(hv_screen_case_blocked(&fx.ctx, k2, &blocked));
    CHECK(blocked);
    /* Re-screening with nothing changed touches nothing. */
    CHECK_OK(hv_screen_all(&fx.ctx, names, true, &rs, &d));
    CHECK_EQ_INT(rs.hits, 0);
    /* A person registered since is screened against everything, not only the changes. */
    write_file("people.csv", "ref,case_ref,relation,given_name,family_name,sex,birth_date\n"
                             "K2-P2,K2,spouse,Bexal,Tornivy,F,1972\n");
    char pp[128];
    snprintf(pp, sizeof(pp), "%s/people.csv", dir);
    const char *ppaths[] = { pp };
    CHECK_OK(hv_registry_import(&fx.ctx, ppaths, 1, NULL, &k, &d));
    CHECK_OK(hv_screen_all(&fx.ctx, names, true, &rs, &d));
    CHECK_EQ_INT(rs.hits, 1);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM screening_hit h JOIN person p ON"
                            " p.id = h.person_id WHERE p.ref = 'K2-P2' AND h.entry_ref = 'X-3'"),
                 1);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM screening_person"), 3);

    /* Every step is in the audit chain, which verifies. */
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM audit_log WHERE action = 'lists.load'"), 2);
    CHECK_EQ_INT(count(&fx, "SELECT count(*) FROM audit_log WHERE action = 'screening.decide'"), 2);
    CHECK(count(&fx, "SELECT count(*) FROM audit_log WHERE action = 'screening.hit'") == 4);
    struct hv_audit_report rep;
    CHECK_OK(hv_audit_verify(&fx.ctx, &rep));
    CHECK(rep.ok);

    hv_arena_finish(&a);
    hv_wl_list_destroy(v1);
    hv_wl_list_destroy(v2);
    hv_names_destroy(names);
    fixture_close(&fx);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/hv-test-scrdb-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_screen_flow);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup failed\n");
    return test_report();
}
