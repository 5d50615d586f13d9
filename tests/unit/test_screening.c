/* test_screening.c - unit tests of the screening module: the UN XML, OFAC CSV and custom CSV
 * loaders on synthetic inputs (and on the real lists through HV_SHARED_DATA, with truncated and
 * malformed copies made at run time), every qualifier, and ranked queries on the index.
 * Fixtures are synthetic: no real list entry is written here.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "haven/names.h"
#include "haven/screening.h"
#include "screening/screening_int.h"
#include "test.h"

static const char un_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<CONSOLIDATED_LIST dateGenerated=\"2030-01-01T00:00:00Z\">\n"
    " <INDIVIDUALS>\n"
    "  <INDIVIDUAL>\n"
    "   <FIRST_NAME>ZARMINO</FIRST_NAME><SECOND_NAME>QUVALDEK</SECOND_NAME>\n"
    "   <UN_LIST_TYPE>Taliban</UN_LIST_TYPE><REFERENCE_NUMBER>TAi.901</REFERENCE_NUMBER>\n"
    "   <GENDER>Male</GENDER>\n"
    "   "
    "<NAME_ORIGINAL_SCRIPT>\xd8\xb2\xd8\xb1\xd9\x85\xdb\x8c\xd9\x86\xd9\x88</"
    "NAME_ORIGINAL_SCRIPT>\n"
    "   <NATIONALITY><VALUE>Afghanistan</VALUE><VALUE>Pakistan</VALUE></NATIONALITY>\n"
    "   <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Zarmino Quvaldeki</ALIAS_NAME>"
    "</INDIVIDUAL_ALIAS>\n"
    "   <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Qari Zarmino</ALIAS_NAME>"
    "</INDIVIDUAL_ALIAS>\n"
    "   <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>\n"
    "   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1961</YEAR>"
    "</INDIVIDUAL_DATE_OF_BIRTH>\n"
    "   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1964"
    "</FROM_YEAR><TO_YEAR>1966</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>\n"
    "   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1970-02-03</DATE>"
    "</INDIVIDUAL_DATE_OF_BIRTH>\n"
    "  </INDIVIDUAL>\n"
    "  <INDIVIDUAL>\n"
    "   <FIRST_NAME>BELTRAVO</FIRST_NAME><SECOND_NAME>MUNKASSIR</SECOND_NAME>"
    "<THIRD_NAME>OPLETH</THIRD_NAME>\n"
    "   <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.902</REFERENCE_NUMBER>\n"
    "   <GENDER>Female</GENDER>\n"
    "   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1980-05-06</DATE>"
    "</INDIVIDUAL_DATE_OF_BIRTH>\n"
    "  </INDIVIDUAL>\n"
    " </INDIVIDUALS>\n"
    " <ENTITIES>\n"
    "  <ENTITY><FIRST_NAME>GLORVAN TRADING HOUSE</FIRST_NAME>"
    "<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDe.903</REFERENCE_NUMBER>"
    "<ENTITY_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Glorvan House</ALIAS_NAME></ENTITY_ALIAS>"
    "</ENTITY>\n"
    " </ENTITIES>\n"
    "</CONSOLIDATED_LIST>\n";

static const char sdn_csv[] =
    "501,\"QUVALDEK, Zarmino\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
    "\"DOB 03 Feb 1970; alt. DOB 1961; POB Xville; nationality Afghanistan; Gender Male.\"\r\n"
    "502,\"TRELLUX SHIPPING\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
    "503,\"NORVELLI, Anka\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
    "\"DOB 1955 to 1957; citizen Iraq; Gender Female\"\r\n\x1a";
static const char alt_csv[] = "501,11,\"aka\",\"ZARMINO, Qari\",-0- \r\n"
                              "503,12,\"fka\",\"NORVELLO, Anka\",-0- \r\n\x1a";
static const char add_csv[] = "501,21,-0- ,\"Xville\",\"Afghanistan\",-0- \r\n\x1a";

static const char custom_csv[] = "id,type,name,aliases,dob,nationality,sex,program\n"
                                 "C-1,individual,Pelmora Ustavich,P. Ustavich;Pelmora U,"
                                 "1975-04-01;1976,TJ,F,internal\n"
                                 "C-2,entity,Vantor Holdings,,,,,internal\n";

static const struct hv_wl_entry *find(const struct hv_wl_list *l, const char *ref)
{
    for (size_t i = 0; i < l->n_entries; i++) {
        if (strcmp(l->entries[i].ref, ref) == 0)
            return &l->entries[i];
    }
    return NULL;
}

static void test_un_loader(void)
{
    struct hv_wl_list *l = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_wl_load_un_mem("t.xml", un_xml, sizeof(un_xml) - 1, &l, &d));
    if (l == NULL)
        return;
    CHECK_EQ_INT(l->n_entries, 3);
    const struct hv_wl_entry *e = find(l, "TAi.901");
    CHECK(e != NULL);
    if (e != NULL) {
        CHECK(e->individual);
        CHECK_EQ_STR(e->list_type, "Taliban");
        CHECK_EQ_INT(e->sex, 'M');
        CHECK_EQ_INT(e->n_names, 4); /* primary, 2 aliases, original script */
        CHECK_EQ_STR(e->names[0].text, "ZARMINO QUVALDEK");
        CHECK_EQ_INT(e->names[0].kind, HV_WL_NAME_PRIMARY);
        CHECK_EQ_INT(e->names[1].kind, HV_WL_NAME_ALIAS);
        CHECK_EQ_INT(e->names[2].kind, HV_WL_NAME_ALIAS_LOW);
        CHECK_EQ_INT(e->names[3].kind, HV_WL_NAME_ORIGINAL);
        CHECK_EQ_INT(e->n_nats, 2);
        CHECK_EQ_STR(e->nats[0], "AF");
        CHECK_EQ_STR(e->nats[1], "PK");
        CHECK_EQ_INT(e->n_dobs, 3);
        CHECK_EQ_INT(e->dobs[0].precision, HV_PDATE_YEAR);
        CHECK_EQ_INT(e->dobs[1].precision, HV_PDATE_RANGE);
        CHECK_EQ_INT(e->dobs[1].year_to, 1966);
        CHECK_EQ_INT(e->dobs[2].precision, HV_PDATE_DAY);
    }
    e = find(l, "QDe.903");
    CHECK(e != NULL && !e->individual && e->n_names == 2);
    CHECK_EQ_INT(strlen(l->file_hash), 64);
    hv_wl_list_destroy(l);
}

static void test_un_malformed(void)
{
    struct hv_wl_list *l = NULL;
    struct hv_diag d;
    /* Truncated in the middle of the second record. */
    size_t cut = (size_t)(strstr(un_xml, "QDi.902") - un_xml);
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_un_mem("t.xml", un_xml, cut, &l, &d), HV_ERR_INVALID);
    CHECK(l == NULL);
    CHECK(d.line > 0);
    CHECK(strstr(d.msg, "malformed XML") != NULL);
    /* Mismatched tag. */
    static const char bad[] = "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X"
                              "</SECOND_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_un_mem("b.xml", bad, sizeof(bad) - 1, &l, &d), HV_ERR_INVALID);
    /* A record without a reference number. */
    static const char noref[] = "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X"
                                "</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_un_mem("n.xml", noref, sizeof(noref) - 1, &l, &d), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "ref");
    /* A bad year range. */
    static const char badyear[] =
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME>"
        "<REFERENCE_NUMBER>T.1</REFERENCE_NUMBER><INDIVIDUAL_DATE_OF_BIRTH><FROM_YEAR>1970"
        "</FROM_YEAR><TO_YEAR>1960</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL>"
        "</INDIVIDUALS></CONSOLIDATED_LIST>";
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_un_mem("y.xml", badyear, sizeof(badyear) - 1, &l, &d), HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "INDIVIDUAL_DATE_OF_BIRTH");
    /* Wrong root, and an empty list. */
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_un_mem("r.xml", "<LIST/>", 7, &l, &d), HV_ERR_INVALID);
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_un_mem("e.xml", "<CONSOLIDATED_LIST/>", 20, &l, &d), HV_ERR_INVALID);
    CHECK(l == NULL);
}

static void test_ofac_loader(void)
{
    struct hv_wl_list *l = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_wl_load_ofac_mem(sdn_csv, sizeof(sdn_csv) - 1, alt_csv, sizeof(alt_csv) - 1,
                                 add_csv, sizeof(add_csv) - 1, &l, &d));
    if (l == NULL)
        return;
    CHECK_EQ_INT(l->n_entries, 3);
    const struct hv_wl_entry *e = find(l, "501");
    CHECK(e != NULL);
    if (e != NULL) {
        CHECK(e->individual);
        CHECK_EQ_STR(e->list_type, "SDGT");
        CHECK_EQ_INT(e->n_names, 2);
        CHECK_EQ_STR(e->names[1].text, "ZARMINO, Qari");
        CHECK_EQ_INT(e->n_dobs, 2);
        CHECK_EQ_INT(e->dobs[0].precision, HV_PDATE_DAY);
        CHECK_EQ_INT(e->dobs[1].year, 1961);
        CHECK_EQ_INT(e->n_nats, 1);
        CHECK_EQ_STR(e->nats[0], "AF");
        CHECK_EQ_INT(e->sex, 'M');
    }
    e = find(l, "503");
    CHECK(e != NULL && e->n_dobs == 1 && e->dobs[0].precision == HV_PDATE_RANGE && e->sex == 'F' &&
          e->n_nats == 1 && strcmp(e->nats[0], "IQ") == 0);
    e = find(l, "502");
    CHECK(e != NULL && !e->individual);
    hv_wl_list_destroy(l);
}

static void test_ofac_malformed(void)
{
    struct hv_wl_list *l = NULL;
    struct hv_diag d;
    /* No end-of-file byte: truncated. */
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_ofac_mem(sdn_csv, sizeof(sdn_csv) - 2, NULL, 0, NULL, 0, &l, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.file, "sdn.csv");
    /* A short record on line 2. */
    static const char shortrec[] = "1,\"A, B\",\"individual\",\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- "
                                   ",-0- ,-0- \r\n2,\"C\",-0- \r\n\x1a";
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_ofac_mem(shortrec, sizeof(shortrec) - 1, NULL, 0, NULL, 0, &l, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_INT(d.line, 2);
    /* A bad ent_num in alt.csv. */
    static const char badalt[] = "x1,2,\"aka\",\"Q\",-0- \r\n\x1a";
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_ofac_mem(sdn_csv, sizeof(sdn_csv) - 1, badalt, sizeof(badalt) - 1, NULL,
                                     0, &l, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.file, "alt.csv");
    CHECK_EQ_STR(d.field, "ent_num");
    /* An unterminated quote. */
    static const char quote[] = "1,\"A, B,\"individual\r\n\x1a";
    hv_diag_clear(&d);
    CHECK(hv_wl_load_ofac_mem(quote, sizeof(quote) - 1, NULL, 0, NULL, 0, &l, &d) != HV_OK);
    CHECK(l == NULL);
}

static void test_custom_loader(void)
{
    struct hv_wl_list *l = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_wl_load_custom_mem("c.csv", custom_csv, sizeof(custom_csv) - 1, &l, &d));
    if (l != NULL) {
        CHECK_EQ_INT(l->n_entries, 2);
        const struct hv_wl_entry *e = find(l, "C-1");
        CHECK(e != NULL && e->n_names == 3 && e->n_dobs == 2 && e->sex == 'F' && e->n_nats == 1 &&
              strcmp(e->nats[0], "TJ") == 0);
        e = find(l, "C-2");
        CHECK(e != NULL && !e->individual);
        hv_wl_list_destroy(l);
    }
    static const char baddob[] = "id,name,dob\nX,Some Name,1975-13-01\n";
    hv_diag_clear(&d);
    l = NULL;
    CHECK_EQ_INT(hv_wl_load_custom_mem("c.csv", baddob, sizeof(baddob) - 1, &l, &d),
                 HV_ERR_INVALID);
    CHECK_EQ_STR(d.field, "dob");
    CHECK_EQ_INT(d.line, 2);
    static const char dup[] = "id,name\nX,A B\nX,C D\n";
    CHECK_EQ_INT(hv_wl_load_custom_mem("c.csv", dup, sizeof(dup) - 1, &l, &d), HV_ERR_INVALID);
    static const char unknown[] = "id,name,colour\nX,A B,red\n";
    CHECK_EQ_INT(hv_wl_load_custom_mem("c.csv", unknown, sizeof(unknown) - 1, &l, &d),
                 HV_ERR_INVALID);
    static const char noname[] = "id,aliases\nX,A\n";
    CHECK_EQ_INT(hv_wl_load_custom_mem("c.csv", noname, sizeof(noname) - 1, &l, &d),
                 HV_ERR_INVALID);
    CHECK(l == NULL);
}

static void test_country(void)
{
    char c[48];
    CHECK_EQ_INT(hv_screen_country(HV_STR("af"), c, sizeof(c)), 2);
    CHECK_EQ_STR(c, "AF");
    hv_screen_country(HV_STR("Afghan"), c, sizeof(c));
    CHECK_EQ_STR(c, "AF");
    hv_screen_country(HV_STR("Iran (Islamic Republic of)"), c, sizeof(c));
    CHECK_EQ_STR(c, "IR");
    hv_screen_country(HV_STR("United Kingdom of Great Britain and Northern Ireland"), c, sizeof(c));
    CHECK_EQ_STR(c, "GB");
    hv_screen_country(HV_STR("T\xc3\xbcrkiye"), c, sizeof(c));
    CHECK_EQ_STR(c, "TR");
    hv_screen_country(HV_STR("Atlantis"), c, sizeof(c));
    CHECK_EQ_STR(c, "atlantis");
    CHECK_EQ_INT(hv_screen_country(HV_STR(" "), c, sizeof(c)), 0);
}

/* A synthetic entry for the qualifier tests. */
static struct hv_wl_entry qual_entry(struct hv_pdate *dobs, size_t n_dobs, const char **nats,
                                     size_t n_nats, char sex)
{
    struct hv_wl_entry e;
    memset(&e, 0, sizeof(e));
    e.ref = "Q.1";
    e.individual = true;
    e.dobs = dobs;
    e.n_dobs = n_dobs;
    e.nats = nats;
    e.n_nats = n_nats;
    e.sex = sex;
    return e;
}

static void test_qualifiers(void)
{
    struct hv_screen_query q;
    const char *why = NULL;
    struct hv_pdate dobs[2];
    const char *why2 = NULL;
    CHECK(hv_pdate_parse("1961", 4, &dobs[0], &why2));
    CHECK(hv_pdate_parse("1964..1966", 10, &dobs[1], &why2));
    const char *nats[1] = { "AF" };
    struct hv_wl_entry e = qual_entry(dobs, 2, nats, 1, 'M');
    struct hv_screen_cand c;

    /* Nothing known on the query side: no effect. */
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR_NULL, HV_STR_NULL, HV_STR_NULL, &why));
    memset(&c, 0, sizeof(c));
    c.name_score = 0.85;
    hv_screen_qualify(&q, &e, &c);
    CHECK_EQ_INT(c.dob, HV_SCREEN_EFFECT_NONE);
    CHECK_EQ_INT(c.nationality, HV_SCREEN_EFFECT_NONE);
    CHECK_EQ_INT(c.sex, HV_SCREEN_EFFECT_NONE);
    CHECK(c.score == 0.85);

    /* A full date inside the listed year range matches (year precision on the list side). */
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR("1965-07-14"), HV_STR("Afghanistan"),
                               HV_STR("male"), &why));
    hv_screen_qualify(&q, &e, &c);
    CHECK_EQ_INT(c.dob, HV_SCREEN_EFFECT_MATCH);
    CHECK_EQ_INT(c.dob_index, 1);
    CHECK(c.dob_adj > 0);
    CHECK_EQ_INT(c.nationality, HV_SCREEN_EFFECT_MATCH);
    CHECK(c.nat_adj > 0);
    CHECK_EQ_INT(c.sex, HV_SCREEN_EFFECT_MATCH);
    CHECK(c.score > 0.85);

    /* One year off: close, no penalty. */
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR("1962"), HV_STR_NULL, HV_STR_NULL, &why));
    hv_screen_qualify(&q, &e, &c);
    CHECK_EQ_INT(c.dob, HV_SCREEN_EFFECT_CLOSE);
    CHECK(c.dob_adj == 0);

    /* Far off, another nationality, the other sex: each lowers the score. */
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR("1990-01-01"), HV_STR("pk"), HV_STR("F"),
                               &why));
    hv_screen_qualify(&q, &e, &c);
    CHECK_EQ_INT(c.dob, HV_SCREEN_EFFECT_MISMATCH);
    CHECK(c.dob_adj < 0);
    CHECK_EQ_INT(c.nationality, HV_SCREEN_EFFECT_MISMATCH);
    CHECK(c.nat_adj < 0);
    CHECK_EQ_INT(c.sex, HV_SCREEN_EFFECT_MISMATCH);
    CHECK(c.sex_adj < 0);
    CHECK(c.score < 0.85 - 0.2);

    /* Full dates on both sides that agree weigh more than agreeing years. */
    struct hv_pdate day;
    CHECK(hv_pdate_parse("1970-02-03", 10, &day, &why2));
    struct hv_wl_entry e2 = qual_entry(&day, 1, NULL, 0, 0);
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR("1970-02-03"), HV_STR_NULL, HV_STR_NULL,
                               &why));
    hv_screen_qualify(&q, &e2, &c);
    double day_adj = c.dob_adj;
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR("1970"), HV_STR_NULL, HV_STR_NULL, &why));
    hv_screen_qualify(&q, &e2, &c);
    CHECK_EQ_INT(c.dob, HV_SCREEN_EFFECT_MATCH);
    CHECK(day_adj > c.dob_adj);
    /* The same day one month off is a mismatch at day precision but close by year. */
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR("1970-03-03"), HV_STR_NULL, HV_STR_NULL,
                               &why));
    hv_screen_qualify(&q, &e2, &c);
    CHECK_EQ_INT(c.dob, HV_SCREEN_EFFECT_CLOSE);
    /* Unknown sex on the list side: not compared. */
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR_NULL, HV_STR_NULL, HV_STR("M"), &why));
    hv_screen_qualify(&q, &e2, &c);
    CHECK_EQ_INT(c.sex, HV_SCREEN_EFFECT_NONE);
    /* A person's name against an entity is marked down, unless the query may be one. */
    e2.individual = false;
    CHECK(hv_screen_query_init(&q, HV_STR("x"), HV_STR_NULL, HV_STR_NULL, HV_STR_NULL, &why));
    c.name_score = 0.9;
    hv_screen_qualify(&q, &e2, &c);
    CHECK_EQ_INT(c.kind, HV_SCREEN_EFFECT_MISMATCH);
    CHECK(c.kind_adj < 0 && c.score < 0.7);
    q.entities = true;
    hv_screen_qualify(&q, &e2, &c);
    CHECK_EQ_INT(c.kind, HV_SCREEN_EFFECT_NONE);
    CHECK(c.score == 0.9);
    /* A bad date is refused with a reason. */
    CHECK(!hv_screen_query_init(&q, HV_STR("x"), HV_STR("1970-02-30"), HV_STR_NULL, HV_STR_NULL,
                                &why));
    CHECK(why != NULL);
}

static void test_query(void)
{
    struct hv_names *names = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_names_create(NULL, &names, &d));
    struct hv_wl_list *un = NULL, *ofac = NULL, *cu = NULL;
    CHECK_OK(hv_wl_load_un_mem("t.xml", un_xml, sizeof(un_xml) - 1, &un, &d));
    CHECK_OK(hv_wl_load_ofac_mem(sdn_csv, sizeof(sdn_csv) - 1, alt_csv, sizeof(alt_csv) - 1, NULL,
                                 0, &ofac, &d));
    CHECK_OK(hv_wl_load_custom_mem("c.csv", custom_csv, sizeof(custom_csv) - 1, &cu, &d));
    if (names == NULL || un == NULL || ofac == NULL || cu == NULL)
        return;
    struct hv_wl_list *lists[3] = { un, ofac, cu };
    struct hv_screen_index *ix = NULL;
    CHECK_OK(hv_screen_index_create(names, lists, 3, &ix));
    struct hv_screen_index_stats st;
    hv_screen_index_stats(ix, &st);
    CHECK_EQ_INT(st.n_entries, 8);
    CHECK(st.n_names >= 14);
    struct hv_screen_scratch *s = hv_screen_scratch_create(ix);
    struct hv_screen_cand c[8];
    size_t n = 0;
    struct hv_screen_query q;
    const char *why = NULL;

    /* Reordered, with a typo: both lists' entries for the person come first. */
    CHECK(hv_screen_query_init(&q, HV_STR("Quvaldec Zarmino"), HV_STR("1961"), HV_STR("AF"),
                               HV_STR_NULL, &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.3, c, 8, &n));
    CHECK(n >= 2);
    if (n >= 2) {
        CHECK(strcmp(c[0].entry->ref, "TAi.901") == 0 || strcmp(c[0].entry->ref, "501") == 0);
        CHECK(strcmp(c[1].entry->ref, "TAi.901") == 0 || strcmp(c[1].entry->ref, "501") == 0);
        CHECK(c[0].score >= HV_SCREEN_REVIEW_THRESHOLD);
        CHECK_EQ_INT(c[0].dob, HV_SCREEN_EFFECT_MATCH);
        CHECK(c[0].score >= c[1].score);
    }
    /* The exact name scores higher than the typo. */
    double typo = n > 0 ? c[0].name_score : 0;
    CHECK(hv_screen_query_init(&q, HV_STR("ZARMINO QUVALDEK"), HV_STR_NULL, HV_STR_NULL,
                               HV_STR_NULL, &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.3, c, 8, &n));
    CHECK(n > 0 && c[0].name_score > typo && c[0].name_score > 0.99);

    /* Arabic script against the Latin entries (original-script names included). */
    CHECK(hv_screen_query_init(&q, HV_STR("\xd8\xb2\xd8\xb1\xd9\x85\xdb\x8c\xd9\x86\xd9\x88"),
                               HV_STR_NULL, HV_STR_NULL, HV_STR_NULL, &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.3, c, 8, &n));
    CHECK(n > 0 && strcmp(c[0].entry->ref, "TAi.901") == 0);

    /* An unrelated name raises nothing at the review threshold. */
    CHECK(hv_screen_query_init(&q, HV_STR("Henrietta Washburn"), HV_STR_NULL, HV_STR_NULL,
                               HV_STR_NULL, &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, HV_SCREEN_REVIEW_THRESHOLD, c, 8, &n));
    CHECK_EQ_INT(n, 0);

    /* Qualifiers break a tie between two people of the same name: the other sex. */
    CHECK(hv_screen_query_init(&q, HV_STR("Anka Norvelli"), HV_STR("1956"), HV_STR_NULL,
                               HV_STR("M"), &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.0, c, 8, &n));
    CHECK(n > 0 && strcmp(c[0].entry->ref, "503") == 0 && c[0].sex == HV_SCREEN_EFFECT_MISMATCH &&
          c[0].dob == HV_SCREEN_EFFECT_MATCH && c[0].score < c[0].name_score + 0.05);

    /* The explanation names the entry, the alignment and each qualifier. */
    CHECK(hv_screen_query_init(&q, HV_STR("Pelmora Ustavich"), HV_STR("1975"), HV_STR("TJ"),
                               HV_STR("F"), &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.5, c, 8, &n));
    CHECK(n > 0);
    if (n > 0) {
        struct hv_buf b;
        hv_buf_init(&b, 0);
        struct hv_jw w;
        hv_jw_init(&w, &b, false);
        CHECK_OK(hv_screen_explain_json(ix, &q, &c[0], &w));
        const char *j = hv_buf_cstr(&b);
        CHECK(strstr(j, "\"entry\":\"C-1\"") != NULL);
        CHECK(strstr(j, "\"pairs\"") != NULL);
        CHECK(strstr(j, "\"birth_date\":{\"effect\":\"match\"") != NULL);
        CHECK(strstr(j, "\"nationality\":{\"effect\":\"match\"") != NULL);
        hv_buf_finish(&b);
    }
    hv_screen_scratch_destroy(s);
    hv_screen_index_destroy(ix);
    hv_wl_list_destroy(un);
    hv_wl_list_destroy(ofac);
    hv_wl_list_destroy(cu);
    hv_names_destroy(names);
}

/* Partial names: a query naming only some of an entry's parts (all of them found) scores
 * above the names engine's plain score, more when they are the entry name's first parts in
 * order; a one-part query gets no such lift. */
static void test_partial_names(void)
{
    static const char csv[] = "id,type,name,aliases,dob,nationality,sex,program\n"
                              "P-1,individual,Quorban Deltaso Hemmaki Vutrol,,,,,internal\n"
                              "P-2,individual,Zelvar Deltaso Brontak Quorban,,,,,internal\n"
                              "P-3,individual,Pirsto Quorban,,,,,internal\n";
    struct hv_names *names = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_names_create(NULL, &names, &d));
    struct hv_wl_list *cu = NULL;
    CHECK_OK(hv_wl_load_custom_mem("p.csv", csv, sizeof(csv) - 1, &cu, &d));
    if (names == NULL || cu == NULL)
        return;
    struct hv_screen_index *ix = NULL;
    CHECK_OK(hv_screen_index_create(names, &cu, 1, &ix));
    struct hv_screen_scratch *s = hv_screen_scratch_create(ix);
    struct hv_names_result *r = malloc(sizeof(*r));
    struct hv_screen_cand c[8];
    size_t n = 0;
    struct hv_screen_query q;
    const char *why = NULL;
    CHECK(hv_screen_query_init(&q, HV_STR("Quorban Deltaso"), HV_STR_NULL, HV_STR_NULL, HV_STR_NULL,
                               &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.0, c, 8, &n));
    CHECK(n >= 2);
    if (n >= 2 && r != NULL) {
        CHECK_EQ_STR(c[0].entry->ref, "P-1");
        CHECK_EQ_STR(c[1].entry->ref, "P-2");
        CHECK(c[0].name_score > c[1].name_score);
        CHECK_OK(hv_names_compare(names, q.name, hv_str_c(c[0].name_text), NULL, r));
        CHECK(c[0].name_score > r->match.score + 0.05);
        CHECK(c[0].name_score < 1.0);
    }
    /* One part: the plain score. */
    CHECK(hv_screen_query_init(&q, HV_STR("Quorban"), HV_STR_NULL, HV_STR_NULL, HV_STR_NULL, &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.0, c, 8, &n));
    CHECK(n >= 1);
    for (size_t i = 0; i < n && r != NULL; i++) {
        CHECK_OK(hv_names_compare(names, q.name, hv_str_c(c[i].name_text), NULL, r));
        CHECK(fabs(c[i].name_score - r->match.score) < 1e-9);
    }
    /* An initial meets a part starting with its letter (the names engine's refinement that
     * screening turns on), and a wrong initial scores lower. */
    CHECK(
        hv_screen_query_init(&q, HV_STR("Q. Vutrol"), HV_STR_NULL, HV_STR_NULL, HV_STR_NULL, &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.0, c, 8, &n));
    CHECK(n >= 1);
    double right = n >= 1 && strcmp(c[0].entry->ref, "P-1") == 0 ? c[0].score : 0;
    CHECK(right > 0.5);
    CHECK(
        hv_screen_query_init(&q, HV_STR("K. Vutrol"), HV_STR_NULL, HV_STR_NULL, HV_STR_NULL, &why));
    CHECK_OK(hv_screen_query_run(ix, s, &q, 0.0, c, 8, &n));
    CHECK(n >= 1);
    CHECK(n >= 1 && strcmp(c[0].entry->ref, "P-1") == 0 && c[0].score < right);
    free(r);
    hv_screen_scratch_destroy(s);
    hv_screen_index_destroy(ix);
    hv_wl_list_destroy(cu);
    hv_names_destroy(names);
}

/* Writes len bytes of data to path. */
static bool write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static void test_real_files(void)
{
    const char *dir = getenv("HV_SHARED_DATA");
    char p[4096];
    struct stat st;
    if (dir == NULL || (snprintf(p, sizeof(p), "%s/un_sc_consolidated/consolidated.xml", dir),
                        stat(p, &st) != 0)) {
        printf("skipping the real-list tests: HV_SHARED_DATA is not set or has no lists\n");
        return;
    }
    struct hv_wl_list *un = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_wl_load_un(p, &un, &d));
    if (un == NULL)
        return;
    size_t ind = 0, tai = 0, tai_orig = 0;
    for (size_t i = 0; i < un->n_entries; i++) {
        const struct hv_wl_entry *e = &un->entries[i];
        ind += e->individual;
        if (strncmp(e->ref, "TAi.", 4) == 0) {
            tai++;
            for (size_t k = 0; k < e->n_names; k++)
                tai_orig += e->names[k].kind == HV_WL_NAME_ORIGINAL;
        }
    }
    CHECK_EQ_INT(un->n_entries, 1003);
    CHECK_EQ_INT(ind, 730);
    CHECK_EQ_INT(tai, 135);
    CHECK_EQ_INT(tai_orig, 135);

    /* A truncated copy and a corrupted copy are refused with a line and a reason. */
    char *data = NULL;
    FILE *f = fopen(p, "rb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    data = malloc((size_t)st.st_size);
    CHECK(fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size);
    fclose(f);
    char tmp[] = "/tmp/hv-test-screening-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char tp[4200];
    snprintf(tp, sizeof(tp), "%s/truncated.xml", tmp);
    CHECK(write_file(tp, data, (size_t)st.st_size / 2));
    struct hv_wl_list *bad = NULL;
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_un(tp, &bad, &d), HV_ERR_INVALID);
    CHECK(bad == NULL && d.line > 0 && strstr(d.file, "truncated.xml") != NULL);
    remove(tp);
    snprintf(tp, sizeof(tp), "%s/corrupt.xml", tmp);
    char *mid = strstr(data + st.st_size / 3, "</FIRST_NAME>");
    CHECK(mid != NULL);
    if (mid != NULL)
        memcpy(mid, "</FIRST_NAMX>", 13);
    CHECK(write_file(tp, data, (size_t)st.st_size));
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_wl_load_un(tp, &bad, &d), HV_ERR_INVALID);
    CHECK(d.line > 1);
    remove(tp);
    free(data);

    /* OFAC 2021-07, and a truncated sdn.csv. */
    snprintf(p, sizeof(p), "%s/ofac_sdn/2021-07", dir);
    struct hv_wl_list *ofac = NULL;
    hv_diag_clear(&d);
    CHECK_OK(hv_wl_load_ofac(p, &ofac, &d));
    if (ofac != NULL) {
        CHECK_EQ_INT(ofac->n_entries, 8976);
        size_t with_dob = 0;
        for (size_t i = 0; i < ofac->n_entries; i++)
            with_dob += ofac->entries[i].n_dobs > 0;
        CHECK(with_dob > 4000);
    }
    char sp[4200];
    snprintf(sp, sizeof(sp), "%s/sdn.csv", p);
    f = fopen(sp, "rb");
    if (f != NULL && stat(sp, &st) == 0) {
        data = malloc((size_t)st.st_size);
        CHECK(fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size);
        fclose(f);
        snprintf(tp, sizeof(tp), "%s/sdn.csv", tmp);
        CHECK(write_file(tp, data, (size_t)st.st_size - 5000));
        hv_diag_clear(&d);
        CHECK_EQ_INT(hv_wl_load_ofac(tmp, &bad, &d), HV_ERR_INVALID);
        CHECK(bad == NULL && d.line > 0 && strstr(d.file, "sdn.csv") != NULL);
        remove(tp);
        free(data);
    }
    rmdir(tmp);
    hv_wl_list_destroy(ofac);
    hv_wl_list_destroy(un);
}

static void test_name_forms(void)
{
    char f[3][HV_NAMES_MAX_INPUT];
    /* Outside and inside parentheses, each without its patronymic tail. */
    size_t n = hv__screen_name_forms(
        HV_STR("Qari Zarmino son of Beltravo (\xd8\xb2\xd8\xb1\xd9\x85 \xd9\x88\xd9\x84\xd8\xaf "
               "\xd8\xa8\xd9\x84)"),
        f, 3);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_STR(f[0], "\xd8\xb2\xd8\xb1\xd9\x85");
    CHECK_EQ_STR(f[1], "Qari Zarmino");
    n = hv__screen_name_forms(HV_STR("Zarmino S/O Beltravo"), f, 3);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_STR(f[0], "Zarmino");
    /* A birth note some aliases carry is not part of the name. */
    n = hv__screen_name_forms(HV_STR("Zarmino Beltravo, born in Quvald on 01 Jan. 1967"), f, 3);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_STR(f[0], "Zarmino Beltravo");
    n = hv__screen_name_forms(HV_STR("Zarmino Beltravo born in 1963"), f, 3);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_STR(f[0], "Zarmino Beltravo");
    /* Nothing to clean: no forms; "Sonia Ofelia" is not a patronymic. */
    CHECK_EQ_INT(hv__screen_name_forms(HV_STR("Sonia Ofelia Quvaldek"), f, 3), 0);
    CHECK_EQ_INT(hv__screen_name_forms(HV_STR(""), f, 3), 0);
    /* An unclosed parenthesis still yields both sides. */
    n = hv__screen_name_forms(HV_STR("Glorvan (Glorvan House"), f, 3);
    CHECK_EQ_INT(n, 2);
}

int main(void)
{
    RUN(test_name_forms);
    RUN(test_un_loader);
    RUN(test_un_malformed);
    RUN(test_ofac_loader);
    RUN(test_ofac_malformed);
    RUN(test_custom_loader);
    RUN(test_country);
    RUN(test_qualifiers);
    RUN(test_query);
    RUN(test_partial_names);
    RUN(test_real_files);
    return test_report();
}
