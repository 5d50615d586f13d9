/* sites_fixture.h - the temporary database with a small registry and three sites that
 * test_sites.c and test_sites_move.c share (each test program includes it once).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_SITES_FIXTURE_H
#define HV_SITES_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/audit.h"
#include "haven/clock.h"
#include "haven/registry.h"
#include "haven/sites.h"
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

static int64_t now_value = 1629936000; /* 2021-08-26T00:00:00Z */

static int64_t fake_now(void *ud)
{
    (void)ud;
    return now_value;
}

static int64_t T(const char *z)
{
    int64_t t = 0;
    if (!hv_time_parse(z, &t))
        fprintf(stderr, "bad time %s\n", z);
    return t;
}

static int32_t D(const char *z)
{
    int32_t d = 0;
    if (!hv_day_parse(z, &d))
        fprintf(stderr, "bad day %s\n", z);
    return d;
}

struct fixture {
    struct hv_store *st;
    struct hv_vault *v;
    struct hv_ctx ctx;
    char db[128], key[128];
};

/* Registry content: a family of four (F1), a family of two (F2, F3), a lone man (M1), a lone
 * woman (W1), a lone boy born 2010 (K1), a lone youth born 2003 (K2: possibly 17 in 2021), an
 * unaccompanied minor with no birth date (K3) and a lone adult of unrecorded sex (U1). */
static const char cases_csv[] =
    "ref,programme,location_ref\n"
    "F1,SIV,LOC-AF-BALKH\nF2,SIV,LOC-AF-BALKH\nF3,SIV,LOC-AF-BALKH\nM1,SIV,LOC-AF-BALKH\n"
    "W1,SIV,LOC-AF-BALKH\nK1,SIV,LOC-AF-BALKH\nK2,SIV,LOC-AF-BALKH\nK3,SIV,LOC-AF-BALKH\n"
    "U1,SIV,LOC-AF-BALKH\n";
static const char people_csv[] = "ref,case_ref,relation,given_name,sex,birth_date,needs\n"
                                 "F1-1,F1,principal,Ahmad,M,1980,\nF1-2,F1,spouse,Mina,F,1985,\n"
                                 "F1-3,F1,child,Omid,M,2012,\nF1-4,F1,child,Sara,F,2015,\n"
                                 "F2-1,F2,principal,Karim,M,1975,\nF2-2,F2,spouse,Laila,F,1979,\n"
                                 "F3-1,F3,principal,Nabi,M,1970,\nF3-2,F3,spouse,Zarmina,F,1972,\n"
                                 "M1-1,M1,principal,Jawad,M,1990-05-01,\n"
                                 "W1-1,W1,principal,Hila,F,1992,\n"
                                 "K1-1,K1,principal,Samir,M,2010,unaccompanied_minor\n"
                                 "K2-1,K2,principal,Farid,M,2003,\n"
                                 "K3-1,K3,principal,Nasrin,F,,unaccompanied_minor\n"
                                 "U1-1,U1,principal,Wali,,1980,\n";
static const char locations_csv[] =
    "ref,kind,country,name,parent_ref,lat,lon\n"
    "LOC-AF,country,AF,Afghanistan,,,\n"
    "LOC-AF-BALKH,province,AF,Balkh,LOC-AF,36.7551,66.8975\n"
    "LOC-AIR-MZR,airport,AF,Mazar-i-Sharif International Airport,,36.7069,67.2097\n"
    "LOC-AIR-TMJ,airport,UZ,Termez Airport,,37.2867,67.3100\n"
    "LOC-SITE-A,site,UZ,Site A,,37.25,67.29\n";
static const char sites_csv[] =
    "ref,name,country,lat,lon,family_rooms,single_men,single_women,minors,services,languages,note\n"
    "LOC-SITE-A,Site A,UZ,37.25,67.29,1,2,1,1,medical;school,prs;uzb,\n"
    "LOC-SITE-B,Site B,UZ,37.22,67.27,2,2,0,0,Interpreter,prs,\"hotel, rooms\"\n"
    "LOC-SITE-C,Site C,TJ,38.55,68.78,3,0,0,0,,,\n";

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
    now_value = T("2021-08-26");

    char reg[96];
    snprintf(reg, sizeof(reg), "%s/reg", dir);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "mkdir -p %s", reg);
    CHECK_EQ_INT(system(cmd), 0);
    write_file("reg/cases.csv", cases_csv);
    write_file("reg/people.csv", people_csv);
    write_file("reg/locations.csv", locations_csv);
    const char *paths[] = { reg };
    struct hv_import_options iopt = { 0 };
    struct hv_import_counts counts;
    hv_diag_clear(&d);
    enum hv_err err = hv_registry_import(&fx->ctx, paths, 1, &iopt, &counts, &d);
    if (err != HV_OK) {
        char m[800];
        hv_diag_format(&d, m, sizeof(m));
        fprintf(stderr, "import: %s\n", m);
    }
    CHECK_OK(err);
    write_file("sites.csv", sites_csv);
    char p[128];
    snprintf(p, sizeof(p), "%s/sites.csv", dir);
    CHECK_OK(hv_sites_load_file(&fx->ctx, p, NULL, &d));
}

static void fixture_close(struct fixture *fx)
{
    struct hv_audit_report rep;
    CHECK_OK(hv_audit_verify(&fx->ctx, &rep));
    CHECK(rep.ok);
    hv_vault_destroy(fx->v);
    hv_store_close(fx->st);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf %s/*", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup failed\n");
}

static int64_t audit_count(struct fixture *fx, const char *action)
{
    static const char sql[] = "SELECT count(*) FROM audit_log WHERE action = ?1";
    struct hv_stmt *s = NULL;
    bool row = false;
    int64_t n = -1;
    if (hv_store_stmt(fx->st, sql, &s) == HV_OK &&
        hv_stmt_bind_text(s, 1, hv_str_c(action)) == HV_OK && hv_stmt_step(s, &row) == HV_OK && row)
        n = hv_stmt_col_int(s, 0);
    return n;
}

#endif
