/* test_registry.c - registry: field validation rules, sealed storage, idempotent import,
 * rejects, find by name and document, edit with audit, reseal after data-key rotation.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "test.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fputs(text, f);
    fclose(f);
}

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
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -f %s/*", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup failed\n");
}

/* Validates one person with one field changed; returns the error and the message. */
static enum hv_err validate_person(const char *field, const char *value, struct hv_diag *d,
                                   struct hv_str *canon)
{
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.kind = hv_kind(HV_KIND_PERSON);
    rec.values[0] = HV_STR("P1");
    rec.values[1] = HV_STR("C1");
    rec.values[3] = HV_STR("Ali");
    int fi = hv_kind_field(rec.kind, hv_str_c(field));
    rec.values[fi] = hv_str_c(value);
    hv_diag_clear(d);
    enum hv_err err = hv_record_validate(&a, &rec, d);
    static char out[256];
    snprintf(out, sizeof(out), "%.*s", HV_STR_ARG(rec.values[fi]));
    if (canon != NULL)
        *canon = hv_str_c(out);
    hv_arena_finish(&a);
    return err;
}

static void test_validation(void)
{
    struct hv_diag d;
    struct hv_str c;
    CHECK_OK(validate_person("birth_date", " 1984 ", &d, &c));
    CHECK_EQ_VIEW(c, "1984");
    CHECK_OK(validate_person("birth_date", "2000-02-29", &d, &c));
    CHECK_EQ_INT(validate_person("birth_date", "2001-02-29", &d, NULL), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "birth_date");
    CHECK_OK(validate_person("sex", "f", &d, &c));
    CHECK_EQ_VIEW(c, "F"); /* enums are canonicalised */
    CHECK_EQ_INT(validate_person("sex", "female", &d, NULL), HV_ERR_INVALID);
    CHECK(strstr(d.msg, "is not one of F, M, X") != NULL);
    CHECK_OK(validate_person("needs", " Medical ; disability;", &d, &c));
    CHECK_EQ_VIEW(c, "medical;disability");
    CHECK_EQ_INT(validate_person("needs", "medical;wheelchair", &d, NULL), HV_ERR_INVALID);
    CHECK_OK(validate_person("nationality", "AF", &d, &c));
    CHECK_EQ_INT(validate_person("nationality", "af", &d, NULL), HV_ERR_INVALID);
    CHECK_EQ_INT(validate_person("nationality", "AFG", &d, NULL), HV_ERR_INVALID);
    CHECK_EQ_INT(validate_person("given_name", "", &d, NULL), HV_ERR_INVALID);
    CHECK_EQ_STR(d.msg, "is required");
    CHECK_EQ_INT(validate_person("given_name", "A\x01li", &d, NULL), HV_ERR_INVALID);
    CHECK_EQ_INT(validate_person("given_name", "\xc0\xaf", &d, NULL), HV_ERR_INVALID);
    CHECK_EQ_STR(d.msg, "is not valid UTF-8");
    CHECK_OK(validate_person("native_name", "محمد نصیر", &d, &c));
    CHECK_EQ_INT(validate_person("ref", "has space", &d, NULL), HV_ERR_INVALID);
    CHECK_OK(validate_person("relation", "", &d, &c));
    CHECK_EQ_VIEW(c, "other"); /* default */

    /* Cases: integer bounds; locations: coordinates. */
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.kind = hv_kind(HV_KIND_CASE);
    rec.values[0] = HV_STR("C1");
    rec.values[1] = HV_STR("SIV");
    rec.values[3] = HV_STR("5");
    CHECK_EQ_INT(hv_record_validate(&a, &rec, &d), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "risk_level");
    rec.values[3] = HV_STR("04");
    CHECK_OK(hv_record_validate(&a, &rec, &d));
    CHECK_EQ_VIEW(rec.values[3], "4");
    CHECK_EQ_VIEW(rec.values[2], "open");
    memset(&rec, 0, sizeof(rec));
    rec.kind = hv_kind(HV_KIND_LOCATION);
    rec.values[0] = HV_STR("L1");
    rec.values[1] = HV_STR("site");
    rec.values[2] = HV_STR("UZ");
    rec.values[3] = HV_STR("Termez");
    rec.values[5] = HV_STR("37.2242");
    rec.values[6] = HV_STR("67.2783");
    CHECK_OK(hv_record_validate(&a, &rec, &d));
    CHECK_EQ_VIEW(rec.values[5], "37.224200");
    rec.values[5] = HV_STR("91");
    CHECK_EQ_INT(hv_record_validate(&a, &rec, &d), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "lat");
    hv_arena_finish(&a);
}

static void test_name_key(void)
{
    char out[64];
    size_t n = hv_registry_name_key(HV_STR("MOHAMMAD"), out, sizeof(out));
    CHECK(n == 8 && memcmp(out, "mohammad", 8) == 0);
    n = hv_registry_name_key(HV_STR("Zoë"), out, sizeof(out));
    CHECK(n == 3 && memcmp(out, "zoe", 3) == 0);
    /* Arabic yeh/kaf and Persian yeh/keheh index alike; harakat are ignored. */
    char a[64], b[64];
    size_t na = hv_registry_name_key(HV_STR("علي"), a, sizeof(a));
    size_t nb = hv_registry_name_key(HV_STR("علی"), b, sizeof(b));
    CHECK(na == nb && memcmp(a, b, na) == 0);
    na = hv_registry_name_key(HV_STR("مُحَمَّد"), a, sizeof(a));
    nb = hv_registry_name_key(HV_STR("محمد"), b, sizeof(b));
    CHECK(na == nb && memcmp(a, b, na) == 0);
}

static const char cases_csv[] = "ref,programme,risk_level\nC1,SIV,3\nC2,SIV,2\n";
static const char people_csv[] =
    "ref,case_ref,relation,given_name,family_name,father_name,birth_date\n"
    "P1,C1,principal,Mohammad Nasir,Ahmadzai,Abdul Rahim,1984\n"
    "P2,C1,spouse,Fereshta,,Gul Ahmad,1990-03\n"
    "P3,C2,principal,Mohammad,Karimi,Wali,1975..1978\n";
static const char docs_csv[] = "ref,person_ref,kind,number\nD1,P1,tazkira,1400-0101-12345\n";

static void test_import_find_edit(void)
{
    struct fixture fx;
    fixture_open(&fx);
    write_file("cases.csv", cases_csv);
    write_file("people.csv", people_csv);
    write_file("documents.csv", docs_csv);
    const char *paths[] = { dir };
    struct hv_import_counts k;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_registry_import(&fx.ctx, paths, 1, NULL, &k, &d));
    CHECK_EQ_INT(k.created[HV_KIND_CASE], 2);
    CHECK_EQ_INT(k.created[HV_KIND_PERSON], 3);
    CHECK_EQ_INT(k.created[HV_KIND_DOCUMENT], 1);
    /* Again: nothing changes. */
    CHECK_OK(hv_registry_import(&fx.ctx, paths, 1, NULL, &k, &d));
    CHECK_EQ_INT(k.created[HV_KIND_PERSON], 0);
    CHECK_EQ_INT(k.unchanged[HV_KIND_PERSON], 3);
    /* A changed row updates its record. */
    write_file("people.csv", "ref,case_ref,relation,given_name,family_name,father_name,birth_date\n"
                             "P2,C1,spouse,Fereshta,,Gul Ahmad,1990-03-12\n");
    char p2[128];
    snprintf(p2, sizeof(p2), "%s/people.csv", dir);
    const char *one[] = { p2 };
    CHECK_OK(hv_registry_import(&fx.ctx, one, 1, NULL, &k, &d));
    CHECK_EQ_INT(k.updated[HV_KIND_PERSON], 1);

    /* The names are sealed: the raw column is not the name. */
    static const char raw_sql[] = "SELECT given_name FROM person WHERE ref = 'P1'";
    struct hv_stmt *s = NULL;
    bool row = false;
    CHECK_OK(hv_store_stmt(fx.st, raw_sql, &s));
    CHECK_OK(hv_stmt_step(s, &row));
    struct hv_str raw = hv_stmt_col_blob(s, 0);
    CHECK(raw.len == strlen("Mohammad Nasir") + HV_SEAL_OVERHEAD);
    bool plain = false;
    for (size_t i = 0; i + 8 <= raw.len; i++)
        plain = plain || memcmp(raw.ptr + i, "Mohammad", 8) == 0;
    CHECK(!plain);
    CHECK_OK(hv_store_exec(fx.st, "SELECT 1")); /* resets nothing; the statement is cached */

    struct hv_arena a;
    hv_arena_init(&a, 8 << 20);
    struct hv_person_hit *hits;
    size_t n = 0;
    CHECK_OK(hv_person_find(&fx.ctx, &a, HV_STR("mohammad"), HV_STR_NULL, 10, &hits, &n, &d));
    CHECK_EQ_INT(n, 2);
    CHECK_OK(
        hv_person_find(&fx.ctx, &a, HV_STR("Mohammad ahmadzai"), HV_STR_NULL, 10, &hits, &n, &d));
    CHECK_EQ_INT(n, 1);
    CHECK(n == 1 && hv_str_eqz(hits[0].person.values[0], "P1"));
    CHECK(n == 1 && hv_str_eqz(hits[0].case_ref, "C1"));
    CHECK_OK(hv_person_find(&fx.ctx, &a, HV_STR_NULL, HV_STR("14000101 12345"), 10, &hits, &n, &d));
    CHECK_EQ_INT(n, 1);
    CHECK_OK(
        hv_person_find(&fx.ctx, &a, HV_STR_NULL, HV_STR("1400-0101-12346"), 10, &hits, &n, &d));
    CHECK_EQ_INT(n, 0);

    /* Edit: validated, stored, audited; the name index follows. */
    CHECK_OK(hv_record_edit(&fx.ctx, hv_kind(HV_KIND_PERSON), HV_STR("P1"), HV_STR("family_name"),
                            HV_STR("Popal"), &d));
    CHECK_OK(hv_person_find(&fx.ctx, &a, HV_STR("popal"), HV_STR_NULL, 10, &hits, &n, &d));
    CHECK_EQ_INT(n, 1);
    CHECK_OK(hv_person_find(&fx.ctx, &a, HV_STR("ahmadzai"), HV_STR_NULL, 10, &hits, &n, &d));
    CHECK_EQ_INT(n, 0);
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_record_edit(&fx.ctx, hv_kind(HV_KIND_PERSON), HV_STR("P1"),
                                HV_STR("birth_date"), HV_STR("1984-13"), &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "birth_date");
    CHECK_EQ_INT(hv_record_edit(&fx.ctx, hv_kind(HV_KIND_PERSON), HV_STR("P9"),
                                HV_STR("given_name"), HV_STR("X"), &d),
                 HV_ERR_NOTFOUND);
    struct hv_audit_report rep;
    CHECK_OK(hv_audit_verify(&fx.ctx, &rep));
    CHECK(rep.ok);
    CHECK_EQ_INT(rep.n_entries, 4); /* three imports and one edit */

    /* A sealed value moved to another row does not open (row id is bound). */
    CHECK_OK(hv_store_exec(fx.st, "UPDATE person SET given_name = (SELECT given_name FROM "
                                  "person WHERE ref = 'P1') WHERE ref = 'P3'"));
    struct hv_record rec;
    CHECK_EQ_INT(hv_record_get(&fx.ctx, &a, hv_kind(HV_KIND_PERSON), HV_STR("P3"), &rec),
                 HV_ERR_CRYPTO);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

static void test_rejects_and_atomicity(void)
{
    struct fixture fx;
    fixture_open(&fx);
    write_file("cases.csv", cases_csv);
    write_file("people.csv", "ref,case_ref,given_name,birth_date\n"
                             "P1,C1,Ali,1980\nP2,C9,Omar,1981\nP3,C1,Wali,19x\nP4,C2,Karim,1970\n");
    const char *paths[] = { dir };
    struct hv_import_counts k;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_registry_import(&fx.ctx, paths, 1, NULL, &k, &d), HV_ERR_INVALID);
    CHECK_EQ_INT(d.line, 3);
    CHECK_EQ_STR(d.field, "case_ref");
    int64_t counts[HV_N_KINDS];
    CHECK_OK(hv_registry_counts(&fx.ctx, counts));
    CHECK_EQ_INT(counts[HV_KIND_CASE], 0); /* the good rows before it were not committed */
    char rej[128];
    snprintf(rej, sizeof(rej), "%s/rejects.out", dir);
    struct hv_import_options opt = { .reject_file = rej };
    CHECK_OK(hv_registry_import(&fx.ctx, paths, 1, &opt, &k, &d));
    CHECK_EQ_INT(k.created[HV_KIND_PERSON], 2);
    CHECK_EQ_INT(k.rejected[HV_KIND_PERSON], 2);
    FILE *f = fopen(rej, "rb");
    char buf[2048] = { 0 };
    size_t got = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    CHECK(got > 0);
    CHECK(strstr(buf, "people.csv,3,case_ref,\"no case has ref \"\"C9\"\"\",\"P2,C9,Omar,1981\"") !=
          NULL);
    CHECK(strstr(buf, ",4,birth_date,") != NULL);
    fixture_close(&fx);
}

/* Imports into empty tables take the two-thread path: its errors must name the same line
 * and field as the row-by-row path, across batch boundaries, and leave nothing behind. */
static void test_pipelined_errors(void)
{
    struct fixture fx;
    fixture_open(&fx);
    write_file("cases.csv", cases_csv);
    char big[64 * 1024];
    size_t used =
        (size_t)snprintf(big, sizeof(big), "ref,case_ref,relation,given_name,birth_date\n");
    for (int i = 0; i < 1000; i++) {
        const char *date = i == 700 ? "1985-02-30" : "1985";
        used += (size_t)snprintf(big + used, sizeof(big) - used, "P%d,C%d,%s,Ali,%s\n", i,
                                 1 + (i % 2), i < 2 ? "principal" : "child", date);
    }
    write_file("people.csv", big);
    const char *paths[] = { dir };
    struct hv_import_counts k;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_registry_import(&fx.ctx, paths, 1, NULL, &k, &d), HV_ERR_INVALID);
    CHECK_EQ_INT(d.line, 702); /* row 700 is on line 702 */
    CHECK_EQ_STR(d.field, "birth_date");
    int64_t counts[HV_N_KINDS];
    CHECK_OK(hv_registry_counts(&fx.ctx, counts));
    CHECK_EQ_INT(counts[HV_KIND_PERSON], 0);
    CHECK_EQ_INT(counts[HV_KIND_CASE], 0);
    /* A database-side refusal (a second principal) on the inserting thread. */
    used = (size_t)snprintf(big, sizeof(big), "ref,case_ref,relation,given_name\n");
    for (int i = 0; i < 600; i++)
        used += (size_t)snprintf(big + used, sizeof(big) - used, "P%d,C1,%s,Ali\n", i,
                                 i == 0 || i == 500 ? "principal" : "child");
    write_file("people.csv", big);
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_registry_import(&fx.ctx, paths, 1, NULL, &k, &d), HV_ERR_INVALID);
    CHECK_EQ_INT(d.line, 502);
    CHECK_EQ_STR(d.field, "relation");
    CHECK_OK(hv_registry_counts(&fx.ctx, counts));
    CHECK_EQ_INT(counts[HV_KIND_PERSON], 0);
    /* And a good file goes through, every row once. */
    used = (size_t)snprintf(big, sizeof(big), "ref,case_ref,relation,given_name\n");
    for (int i = 0; i < 900; i++)
        used += (size_t)snprintf(big + used, sizeof(big) - used, "P%d,C%d,%s,Ali Reza\n", i,
                                 1 + (i % 2), i < 2 ? "principal" : "child");
    write_file("people.csv", big);
    CHECK_OK(hv_registry_import(&fx.ctx, paths, 1, NULL, &k, &d));
    CHECK_EQ_INT(k.created[HV_KIND_PERSON], 900);
    CHECK_OK(hv_registry_counts(&fx.ctx, counts));
    CHECK_EQ_INT(counts[HV_KIND_PERSON], 900);
    struct hv_arena a;
    hv_arena_init(&a, 8 << 20);
    struct hv_person_hit *hits;
    size_t n = 0;
    CHECK_OK(hv_person_find(&fx.ctx, &a, HV_STR("reza ali"), HV_STR_NULL, 1000, &hits, &n, &d));
    CHECK_EQ_INT(n, 900);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

static void test_reseal(void)
{
    struct fixture fx;
    fixture_open(&fx);
    write_file("cases.csv", cases_csv);
    write_file("people.csv", people_csv);
    const char *paths[] = { dir };
    struct hv_import_counts k;
    struct hv_diag d;
    CHECK_OK(hv_registry_import(&fx.ctx, paths, 1, NULL, &k, &d));
    uint32_t old_id = hv_vault_current_key_id(fx.v), new_id = 0;
    CHECK_OK(hv_vault_rotate_data_key(fx.st, fx.v, &new_id, &d));
    CHECK(new_id != old_id);
    uint64_t n = 0;
    CHECK_OK(hv_registry_reseal(&fx.ctx, &n, &d));
    CHECK_EQ_INT(n, 5);
    CHECK_OK(hv_vault_retire_old_keys(fx.st, fx.v, &d));
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_record rec;
    CHECK_OK(hv_record_get(&fx.ctx, &a, hv_kind(HV_KIND_PERSON), HV_STR("P1"), &rec));
    CHECK_EQ_VIEW(rec.values[3], "Mohammad Nasir");
    static const char sql[] = "SELECT given_name FROM person WHERE ref = 'P2'";
    struct hv_stmt *s = NULL;
    bool row = false;
    CHECK_OK(hv_store_stmt(fx.st, sql, &s));
    CHECK_OK(hv_stmt_step(s, &row));
    CHECK_EQ_INT(hv_vault_sealed_key_id(hv_stmt_col_blob(s, 0)), new_id);
    hv_arena_finish(&a);
    fixture_close(&fx);
}

int main(void)
{
    strcpy(dir, "/tmp/hv-test-registry-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_validation);
    RUN(test_name_key);
    RUN(test_import_find_edit);
    RUN(test_rejects_and_atomicity);
    RUN(test_pipelined_errors);
    RUN(test_reseal);
    rmdir(dir);
    return test_report();
}
