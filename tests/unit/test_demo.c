/* test_demo.c - the founding-scenario generator: option checks, byte-identical output for a seed,
 * every row valid against docs/formats.md (re-read with the CSV reader), the scenario's shape
 * (family sizes, missing family names, year-only birth dates), planted duplicates that really
 * differ in the listed ways, hard negatives, the streaming API, and broken data tables.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/demo.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "haven/csv.h"
#include "haven/pdate.h"
#include "haven/str.h"
#include "test.h"

static char data_dir[1024];

/* ---- helpers: temporary directories, files, a CSV table, a string map ------------------ */

static void make_tmp_dir(char *out, size_t cap)
{
    snprintf(out, cap, "/tmp/hv_test_demo_XXXXXX");
    if (mkdtemp(out) == NULL) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        exit(1);
    }
}

/* Removes a directory tree (two levels are enough here). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[2048];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool write_all(const char *path, const char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return false;
    bool ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static bool same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *pa = read_all(a, &na), *pb = read_all(b, &nb);
    bool same = pa != NULL && pb != NULL && na == nb && memcmp(pa, pb, na) == 0;
    free(pa);
    free(pb);
    return same;
}

struct table {
    size_t n_cols;
    size_t n_rows;
    char **header;
    char **cells;  /* n_rows * n_cols */
    bool cells_ok; /* every cell valid UTF-8 of at most 1,000 bytes */
};

static const char *cell(const struct table *t, size_t row, const char *col)
{
    for (size_t i = 0; i < t->n_cols; i++) {
        if (strcmp(t->header[i], col) == 0)
            return t->cells[row * t->n_cols + i];
    }
    fprintf(stderr, "no column %s\n", col);
    return "";
}

static char *dup_view(struct hv_str v)
{
    char *z = malloc(v.len + 1);
    if (v.len > 0)
        memcpy(z, v.ptr, v.len);
    z[v.len] = '\0';
    return z;
}

/* Reads dir/name with the library's CSV reader; every record must have the header's width. */
static bool load_table(const char *dir, const char *name, struct table *t)
{
    memset(t, 0, sizeof(*t));
    t->cells_ok = true;
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return false;
    }
    struct hv_csv_reader r;
    hv_csv_init_file(&r, f);
    size_t cap = 0;
    bool ok = true;
    for (;;) {
        bool eof = false;
        struct hv_diag diag;
        hv_diag_clear(&diag);
        if (hv_csv_next(&r, &eof, &diag) != HV_OK) {
            fprintf(stderr, "%s: %s\n", path, diag.msg);
            ok = false;
            break;
        }
        if (eof)
            break;
        size_t nf = hv_csv_n_fields(&r);
        if (t->header == NULL) {
            t->n_cols = nf;
            t->header = calloc(nf, sizeof(char *));
            for (size_t i = 0; i < nf; i++)
                t->header[i] = dup_view(hv_csv_field(&r, i));
            continue;
        }
        if (nf != t->n_cols) {
            fprintf(stderr, "%s:%llu: %zu fields, header has %zu\n", path,
                    (unsigned long long)r.record_line, nf, t->n_cols);
            ok = false;
            break;
        }
        if (t->n_rows == cap) {
            cap = cap == 0 ? 1024 : cap * 2;
            t->cells = realloc(t->cells, cap * t->n_cols * sizeof(char *));
        }
        for (size_t i = 0; i < nf; i++) {
            struct hv_str v = hv_csv_field(&r, i);
            if (v.len > 1000 || !hv_utf8_valid(v.ptr, v.len))
                t->cells_ok = false;
            t->cells[t->n_rows * t->n_cols + i] = dup_view(v);
        }
        t->n_rows++;
    }
    hv_csv_finish(&r);
    fclose(f);
    return ok;
}

static void free_table(struct table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i]);
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->header[i]);
    free(t->cells);
    free(t->header);
    memset(t, 0, sizeof(*t));
}

static bool header_is(const struct table *t, const char *const *want, size_t n)
{
    if (t->n_cols != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t->header[i], want[i]) != 0)
            return false;
    }
    return true;
}

/* Open-addressing map from a string (borrowed) to a row index. */
struct map {
    size_t cap;
    const char **key;
    size_t *val;
};

static uint64_t hash(const char *z)
{
    uint64_t h = 1469598103934665603ull;
    for (; *z != '\0'; z++)
        h = (h ^ (unsigned char)*z) * 1099511628211ull;
    return h;
}

static void map_init(struct map *m, size_t n)
{
    m->cap = 16;
    while (m->cap < n * 2)
        m->cap *= 2;
    m->key = calloc(m->cap, sizeof(*m->key));
    m->val = calloc(m->cap, sizeof(*m->val));
}

/* False when the key was already there. */
static bool map_put(struct map *m, const char *k, size_t v)
{
    size_t i = hash(k) & (m->cap - 1);
    while (m->key[i] != NULL) {
        if (strcmp(m->key[i], k) == 0)
            return false;
        i = (i + 1) & (m->cap - 1);
    }
    m->key[i] = k;
    m->val[i] = v;
    return true;
}

static bool map_get(const struct map *m, const char *k, size_t *v)
{
    size_t i = hash(k) & (m->cap - 1);
    while (m->key[i] != NULL) {
        if (strcmp(m->key[i], k) == 0) {
            *v = m->val[i];
            return true;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return false;
}

static void map_free(struct map *m)
{
    free(m->key);
    free(m->val);
}

/* Indexes the ref column; false on a duplicate ref. */
static bool index_refs(const struct table *t, const char *col, struct map *m)
{
    map_init(m, t->n_rows);
    bool unique = true;
    for (size_t i = 0; i < t->n_rows; i++)
        unique = map_put(m, cell(t, i, col), i) && unique;
    return unique;
}

/* True when every ';'-separated item of list is one of the allowed (NULL-terminated). */
static bool list_in(const char *list, const char *const *allowed)
{
    if (list[0] == '\0')
        return true;
    const char *p = list;
    for (;;) {
        const char *semi = strchr(p, ';');
        size_t n = semi != NULL ? (size_t)(semi - p) : strlen(p);
        bool found = false;
        for (const char *const *a = allowed; *a != NULL; a++)
            found = found || (strlen(*a) == n && memcmp(*a, p, n) == 0);
        if (!found)
            return false;
        if (semi == NULL)
            return true;
        p = semi + 1;
    }
}

static bool one_of(const char *z, const char *const *allowed)
{
    for (const char *const *a = allowed; *a != NULL; a++) {
        if (strcmp(z, *a) == 0)
            return true;
    }
    return false;
}

/* A name cell: at most 200 bytes, no control characters (valid UTF-8 is checked on load). */
static bool name_ok(const char *z)
{
    size_t n = strlen(z);
    if (n > 200)
        return false;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)z[i] < 0x20 && z[i] != '\t')
            return false;
    }
    return true;
}

static bool pdate_ok(const char *z, struct hv_pdate *d)
{
    const char *why = NULL;
    return hv_pdate_parse(z, strlen(z), d, &why);
}

static bool ascii(const char *z)
{
    for (; *z != '\0'; z++) {
        if ((unsigned char)*z >= 0x80)
            return false;
    }
    return true;
}

static void gen_into(const char *dir, uint64_t seed, uint32_t n_cases, struct hv_demo_summary *sum)
{
    struct hv_demo_options opt;
    hv_demo_options_init(&opt);
    opt.seed = seed;
    opt.n_cases = n_cases;
    opt.data_dir = data_dir;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_demo_generate(&opt, dir, NULL, sum, &diag);
    if (err != HV_OK) {
        char msg[800];
        hv_diag_format(&diag, msg, sizeof(msg));
        fprintf(stderr, "hv_demo_generate: %s: %s\n", hv_err_str(err), msg);
    }
    CHECK_OK(err);
}

static const char *const FILES[] = {
    "locations.csv",  "cases.csv",     "people.csv",           "documents.csv",
    "employment.csv", "contacts.csv",  "truth_duplicates.csv", "truth_hard_negatives.csv",
    "sites.csv",      "crossings.csv", "crossing_status.csv",
};

/* ---- tests ----------------------------------------------------------------------------- */

static void test_options(void)
{
    struct hv_demo_options opt;
    hv_demo_options_init(&opt);
    CHECK_EQ_INT(opt.n_cases, 9000);
    CHECK(fabs(opt.dup_rate - 0.03) < 1e-12);
    opt.data_dir = data_dir;
    struct hv_demo *d = NULL;
    struct hv_diag diag;

    opt.n_cases = 0;
    hv_diag_clear(&diag);
    CHECK_EQ_INT(hv_demo_create(&opt, &d, &diag), HV_ERR_INVALID);
    CHECK(d == NULL);
    CHECK_EQ_STR(diag.field, "n_cases");

    opt.n_cases = 10;
    opt.dup_rate = 0.51;
    CHECK_EQ_INT(hv_demo_create(&opt, &d, &diag), HV_ERR_INVALID);
    opt.dup_rate = NAN;
    CHECK_EQ_INT(hv_demo_create(&opt, &d, &diag), HV_ERR_INVALID);
    opt.dup_rate = 0.03;
    opt.hard_negative_rate = -0.1;
    CHECK_EQ_INT(hv_demo_create(&opt, &d, &diag), HV_ERR_INVALID);
    opt.hard_negative_rate = 0.01;

    opt.data_dir = "/nonexistent/haven-data";
    hv_diag_clear(&diag);
    CHECK_EQ_INT(hv_demo_create(&opt, &d, &diag), HV_ERR_IO);
    CHECK(strstr(diag.file, "given_male.tsv") != NULL);
    CHECK(d == NULL);

    char tmp[64];
    make_tmp_dir(tmp, sizeof(tmp));
    char out[128];
    snprintf(out, sizeof(out), "%s/no/such/dir", tmp);
    opt.data_dir = data_dir;
    hv_diag_clear(&diag);
    CHECK_EQ_INT(hv_demo_generate(&opt, out, NULL, NULL, &diag), HV_ERR_IO);
    CHECK(hv_diag_has(&diag));
    remove_tree(tmp);
}

static void test_deterministic(void)
{
    char a[64], b[64], c[64];
    make_tmp_dir(a, sizeof(a));
    make_tmp_dir(b, sizeof(b));
    make_tmp_dir(c, sizeof(c));
    struct hv_demo_summary sa, sb, sc;
    gen_into(a, 42, 400, &sa);
    gen_into(b, 42, 400, &sb);
    gen_into(c, 43, 400, &sc);
    for (size_t i = 0; i < HV_ARRAY_LEN(FILES); i++) {
        char pa[128], pb[128];
        snprintf(pa, sizeof(pa), "%s/%s", a, FILES[i]);
        snprintf(pb, sizeof(pb), "%s/%s", b, FILES[i]);
        if (!same_file(pa, pb))
            fprintf(stderr, "differs between runs: %s\n", FILES[i]);
        CHECK(same_file(pa, pb));
    }
    CHECK(memcmp(&sa, &sb, sizeof(sa)) == 0);
    /* Another seed gives other people (the copied site files stay the same). */
    char pa[128], pc[128];
    snprintf(pa, sizeof(pa), "%s/people.csv", a);
    snprintf(pc, sizeof(pc), "%s/people.csv", c);
    CHECK(!same_file(pa, pc));
    snprintf(pa, sizeof(pa), "%s/sites.csv", a);
    snprintf(pc, sizeof(pc), "%s/sites.csv", c);
    CHECK(same_file(pa, pc));
    CHECK_EQ_INT(sa.cases, 400);
    CHECK_EQ_INT(sc.cases, 400);
    remove_tree(a);
    remove_tree(b);
    remove_tree(c);
}

static const char *const LOC_COLS[] = {
    "ref", "kind", "country", "name", "parent_ref", "lat", "lon"
};
static const char *const CASE_COLS[] = { "ref",        "programme",    "status",
                                         "risk_level", "location_ref", "workflow",
                                         "step",       "disclosure",   "notes" };
static const char *const PEOPLE_COLS[] = {
    "ref",         "case_ref",         "relation",    "given_name", "family_name",
    "father_name", "grandfather_name", "native_name", "sex",        "birth_date",
    "nationality", "languages",        "needs"
};
static const char *const DOC_COLS[] = { "ref",    "person_ref", "kind",      "number",
                                        "issuer", "issued_on",  "expires_on" };
static const char *const EMP_COLS[] = { "ref",        "person_ref",   "employer",   "hire_type",
                                        "contractor", "role",         "start_date", "end_date",
                                        "supervisor", "verification", "evidence" };
static const char *const CONTACT_COLS[] = { "ref", "person_ref", "kind", "value", "note" };
static const char *const TRUTH_COLS[] = { "person_ref_a", "person_ref_b", "kind" };

static const char *const LOC_KINDS[] = { "country", "province", "district", "city",
                                         "site",    "crossing", "airport",  NULL };
static const char *const COUNTRIES[] = { "AF", "UZ", "TJ", "KZ", NULL };
static const char *const HOSTS[] = { "UZ", "TJ", "KZ", NULL };
static const char *const STATUSES[] = {
    "open", "on_hold", "closed", "travelled", "withdrawn", NULL
};
static const char *const RELATIONS[] = { "principal", "spouse", "child", "parent",
                                         "sibling",   "other",  NULL };
static const char *const SEXES[] = { "", "M", "F", "X", NULL };
static const char *const LANGS[] = { "prs", "pus", "uzb", "tuk", "eng", NULL };
static const char *const NEEDS[] = { "medical",  "disability", "unaccompanied_minor",
                                     "pregnant", "elderly",    NULL };
static const char *const DOC_KINDS[] = { "tazkira",           "passport", "visa", "com_letter",
                                         "employment_letter", "other",    NULL };
static const char *const HIRE_TYPES[] = { "direct", "contractor", NULL };
static const char *const VERIFICATIONS[] = { "unverified", "pending", "verified", "rejected",
                                             NULL };
static const char *const CONTACT_KINDS[] = {
    "phone", "whatsapp", "signal", "email", "address", NULL
};
static const char *const DUP_TOKENS[] = {
    "same_case",
    "other_case",
    "variant",
    "honorific_added",
    "honorific_dropped",
    "swap",
    "family_missing",
    "father_as_family",
    "native_only",
    "birth_shift",
    "birth_coarsened",
    "doc_typo",
    "doc_missing",
    "exact",
    NULL,
};

struct scenario {
    struct table loc, cases, people, docs, emp, contacts, dups, hn;
    struct map loc_ix, case_ix, person_ix, doc_ix;
};

static bool load_scenario(const char *dir, struct scenario *s)
{
    bool ok = load_table(dir, "locations.csv", &s->loc);
    ok = load_table(dir, "cases.csv", &s->cases) && ok;
    ok = load_table(dir, "people.csv", &s->people) && ok;
    ok = load_table(dir, "documents.csv", &s->docs) && ok;
    ok = load_table(dir, "employment.csv", &s->emp) && ok;
    ok = load_table(dir, "contacts.csv", &s->contacts) && ok;
    ok = load_table(dir, "truth_duplicates.csv", &s->dups) && ok;
    ok = load_table(dir, "truth_hard_negatives.csv", &s->hn) && ok;
    CHECK(ok);
    CHECK(header_is(&s->loc, LOC_COLS, HV_ARRAY_LEN(LOC_COLS)));
    CHECK(header_is(&s->cases, CASE_COLS, HV_ARRAY_LEN(CASE_COLS)));
    CHECK(header_is(&s->people, PEOPLE_COLS, HV_ARRAY_LEN(PEOPLE_COLS)));
    CHECK(header_is(&s->docs, DOC_COLS, HV_ARRAY_LEN(DOC_COLS)));
    CHECK(header_is(&s->emp, EMP_COLS, HV_ARRAY_LEN(EMP_COLS)));
    CHECK(header_is(&s->contacts, CONTACT_COLS, HV_ARRAY_LEN(CONTACT_COLS)));
    CHECK(header_is(&s->dups, TRUTH_COLS, HV_ARRAY_LEN(TRUTH_COLS)));
    CHECK(header_is(&s->hn, TRUTH_COLS, HV_ARRAY_LEN(TRUTH_COLS)));
    CHECK(s->loc.cells_ok && s->cases.cells_ok && s->people.cells_ok && s->docs.cells_ok &&
          s->emp.cells_ok && s->contacts.cells_ok);
    CHECK(index_refs(&s->loc, "ref", &s->loc_ix));
    CHECK(index_refs(&s->cases, "ref", &s->case_ix));
    CHECK(index_refs(&s->people, "ref", &s->person_ix));
    CHECK(index_refs(&s->docs, "ref", &s->doc_ix));
    return ok;
}

static void free_scenario(struct scenario *s)
{
    map_free(&s->loc_ix);
    map_free(&s->case_ix);
    map_free(&s->person_ix);
    map_free(&s->doc_ix);
    free_table(&s->loc);
    free_table(&s->cases);
    free_table(&s->people);
    free_table(&s->docs);
    free_table(&s->emp);
    free_table(&s->contacts);
    free_table(&s->dups);
    free_table(&s->hn);
}

static void check_locations(const struct scenario *s)
{
    const struct table *t = &s->loc;
    size_t provinces = 0, bad = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        const char *kind = cell(t, i, "kind"), *parent = cell(t, i, "parent_ref");
        size_t j = 0;
        double lat = 0, lon = 0;
        bool row_ok = cell(t, i, "ref")[0] != '\0' && one_of(kind, LOC_KINDS) &&
                      one_of(cell(t, i, "country"), COUNTRIES) && cell(t, i, "name")[0] != '\0' &&
                      name_ok(cell(t, i, "name")) &&
                      (parent[0] == '\0' || map_get(&s->loc_ix, parent, &j)) &&
                      hv_parse_double(hv_str_c(cell(t, i, "lat")), &lat) &&
                      hv_parse_double(hv_str_c(cell(t, i, "lon")), &lon) && lat > 25 && lat < 56 &&
                      lon > 45 && lon < 90;
        if (!row_ok && bad++ < 5)
            fprintf(stderr, "bad location row %zu\n", i + 2);
        if (strcmp(kind, "province") == 0) {
            provinces++;
            CHECK_EQ_STR(cell(t, i, "country"), "AF");
            CHECK_EQ_STR(parent, "LOC-AF");
            /* Afghanistan's bounding box. */
            CHECK(lat > 29 && lat < 39 && lon > 60 && lon < 75.5);
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(provinces, 34);
    size_t j = 0;
    CHECK(map_get(&s->loc_ix, "LOC-AF-BALKH", &j));
    CHECK(map_get(&s->loc_ix, "LOC-X-TERMEZ-HAIRATAN", &j));
    CHECK(map_get(&s->loc_ix, "LOC-UZ", &j));
}

static void check_cases(const struct scenario *s)
{
    const struct table *t = &s->cases;
    size_t bad = 0, provinces_seen = 0;
    struct map seen;
    map_init(&seen, 64);
    for (size_t i = 0; i < t->n_rows; i++) {
        const char *risk = cell(t, i, "risk_level"), *loc = cell(t, i, "location_ref");
        size_t j = 0;
        bool row_ok = strncmp(cell(t, i, "ref"), "AFG-SIV-", 8) == 0 &&
                      strcmp(cell(t, i, "programme"), "SIV") == 0 &&
                      one_of(cell(t, i, "status"), STATUSES) && strlen(risk) == 1 &&
                      risk[0] >= '1' && risk[0] <= '4' && map_get(&s->loc_ix, loc, &j) &&
                      list_in(cell(t, i, "disclosure"), HOSTS);
        if (!row_ok && bad++ < 5)
            fprintf(stderr, "bad case row %zu\n", i + 2);
        if (map_put(&seen, loc, 0))
            provinces_seen++;
    }
    CHECK_EQ_INT(bad, 0);
    /* Every province sends cases at these weights (9,000 cases). */
    CHECK(provinces_seen >= 30);
    map_free(&seen);
}

struct people_stats {
    size_t no_family, year_only, ranges, full, medical, uam, mohammad, male, hon_like;
};

static void check_people(const struct scenario *s, struct people_stats *st)
{
    const struct table *t = &s->people;
    size_t bad = 0;
    size_t *principals = calloc(s->cases.n_rows + 1, sizeof(size_t));
    memset(st, 0, sizeof(*st));
    for (size_t i = 0; i < t->n_rows; i++) {
        size_t c = 0;
        struct hv_pdate bd;
        const char *rel = cell(t, i, "relation"), *birth = cell(t, i, "birth_date");
        const char *given = cell(t, i, "given_name");
        bool row_ok =
            map_get(&s->case_ix, cell(t, i, "case_ref"), &c) && one_of(rel, RELATIONS) &&
            given[0] != '\0' && name_ok(given) && name_ok(cell(t, i, "family_name")) &&
            name_ok(cell(t, i, "father_name")) && name_ok(cell(t, i, "grandfather_name")) &&
            name_ok(cell(t, i, "native_name")) && one_of(cell(t, i, "sex"), SEXES) &&
            birth[0] != '\0' && pdate_ok(birth, &bd) && bd.year >= 1900 && bd.year_to <= 2021 &&
            strcmp(cell(t, i, "nationality"), "AF") == 0 && cell(t, i, "languages")[0] != '\0' &&
            list_in(cell(t, i, "languages"), LANGS) && list_in(cell(t, i, "needs"), NEEDS) &&
            strncmp(cell(t, i, "ref"), cell(t, i, "case_ref"), strlen(cell(t, i, "case_ref"))) == 0;
        if (!row_ok && bad++ < 5)
            fprintf(stderr, "bad people row %zu: %s\n", i + 2, cell(t, i, "ref"));
        if (row_ok && strcmp(rel, "principal") == 0)
            principals[c]++;
        st->no_family += cell(t, i, "family_name")[0] == '\0';
        if (row_ok) {
            st->year_only += bd.precision == HV_PDATE_YEAR;
            st->ranges += bd.precision == HV_PDATE_RANGE;
            st->full += bd.precision == HV_PDATE_DAY;
        }
        st->medical += strstr(cell(t, i, "needs"), "medical") != NULL;
        st->uam += strstr(cell(t, i, "needs"), "unaccompanied_minor") != NULL;
        if (strcmp(cell(t, i, "sex"), "M") == 0) {
            st->male++;
            st->mohammad += strstr(given, "Mohammad") != NULL;
        }
        st->hon_like += strncmp(given, "Haji ", 5) == 0;
    }
    CHECK_EQ_INT(bad, 0);
    size_t wrong = 0;
    for (size_t c = 0; c < s->cases.n_rows; c++)
        wrong += principals[c] != 1;
    CHECK_EQ_INT(wrong, 0); /* exactly one principal per case */
    free(principals);
}

static void check_documents(const struct scenario *s)
{
    const struct table *t = &s->docs;
    size_t bad = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        size_t p = 0;
        struct hv_pdate issued = { 0 }, expires = { 0 };
        const char *is = cell(t, i, "issued_on"), *ex = cell(t, i, "expires_on");
        const char *kind = cell(t, i, "kind"), *num = cell(t, i, "number");
        bool row_ok = map_get(&s->person_ix, cell(t, i, "person_ref"), &p) &&
                      one_of(kind, DOC_KINDS) && num[0] != '\0' &&
                      (is[0] == '\0' || pdate_ok(is, &issued)) &&
                      (ex[0] == '\0' || pdate_ok(ex, &expires));
        if (row_ok && is[0] != '\0' && ex[0] != '\0') {
            int32_t a0, a1, b0, b1;
            hv_pdate_bounds(&issued, &a0, &a1);
            hv_pdate_bounds(&expires, &b0, &b1);
            row_ok = b0 > a1;
        }
        if (row_ok && strcmp(kind, "passport") == 0)
            row_ok = strlen(num) == 9 && num[0] == 'P';
        if (row_ok && strcmp(kind, "tazkira") == 0 && strcmp(cell(t, i, "issuer"), "ACCRA") == 0)
            row_ok = strlen(num) == 15 && num[4] == '-' && num[9] == '-';
        if (!row_ok && bad++ < 5)
            fprintf(stderr, "bad document row %zu: %s\n", i + 2, cell(t, i, "ref"));
    }
    CHECK_EQ_INT(bad, 0);
}

static void check_employment(const struct scenario *s)
{
    const struct table *t = &s->emp;
    size_t bad = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        size_t p = 0;
        struct hv_pdate a = { 0 }, b = { 0 };
        const char *hire = cell(t, i, "hire_type"), *contractor = cell(t, i, "contractor");
        const char *start = cell(t, i, "start_date"), *end = cell(t, i, "end_date");
        bool row_ok = map_get(&s->person_ix, cell(t, i, "person_ref"), &p) &&
                      cell(t, i, "employer")[0] != '\0' && one_of(hire, HIRE_TYPES) &&
                      (strcmp(hire, "contractor") == 0) == (contractor[0] != '\0') &&
                      start[0] != '\0' && pdate_ok(start, &a) &&
                      (end[0] == '\0' || pdate_ok(end, &b)) &&
                      one_of(cell(t, i, "verification"), VERIFICATIONS) && a.year >= 2002 &&
                      name_ok(cell(t, i, "supervisor"));
        if (row_ok && end[0] != '\0') {
            int32_t a0, a1, b0, b1;
            hv_pdate_bounds(&a, &a0, &a1);
            hv_pdate_bounds(&b, &b0, &b1);
            row_ok = b0 >= a1 && b.year <= 2021; /* end not before start */
        }
        /* Evidence that names a document names one of this person's documents. */
        const char *ev = cell(t, i, "evidence");
        const char *pref = cell(t, i, "person_ref");
        if (row_ok && strncmp(ev, pref, strlen(pref)) == 0) {
            char dref[96];
            size_t n = strcspn(ev, ";");
            snprintf(dref, sizeof(dref), "%.*s", (int)n, ev);
            size_t d = 0;
            row_ok = map_get(&s->doc_ix, dref, &d) &&
                     strcmp(cell(&s->docs, d, "kind"), "employment_letter") == 0;
        }
        if (!row_ok && bad++ < 5)
            fprintf(stderr, "bad employment row %zu: %s\n", i + 2, cell(t, i, "ref"));
    }
    CHECK_EQ_INT(bad, 0);
}

static void check_contacts(const struct scenario *s)
{
    const struct table *t = &s->contacts;
    size_t bad = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        size_t p = 0;
        const char *kind = cell(t, i, "kind"), *value = cell(t, i, "value");
        bool row_ok = map_get(&s->person_ix, cell(t, i, "person_ref"), &p) &&
                      one_of(kind, CONTACT_KINDS) && value[0] != '\0';
        if (row_ok && strcmp(kind, "email") == 0)
            row_ok = strstr(value, "@example.org") != NULL;
        else if (row_ok)
            row_ok = strncmp(value, "+93 7", 5) == 0 && strlen(value) == 15;
        if (!row_ok && bad++ < 5)
            fprintf(stderr, "bad contact row %zu: %s\n", i + 2, cell(t, i, "ref"));
    }
    CHECK_EQ_INT(bad, 0);
}

/* The tazkira number of person row p, or NULL. */
static const char *tazkira_of(const struct scenario *s, const char *ref)
{
    char dref[96];
    for (int k = 1; k <= 4; k++) {
        size_t d = 0;
        snprintf(dref, sizeof(dref), "%s-D%d", ref, k);
        if (map_get(&s->doc_ix, dref, &d) && strcmp(cell(&s->docs, d, "kind"), "tazkira") == 0)
            return cell(&s->docs, d, "number");
    }
    return NULL;
}

static bool has_token(const char *kind, const char *tok)
{
    const char *tokens[] = { tok, NULL };
    const char *p = kind;
    for (;;) {
        const char *semi = strchr(p, ';');
        size_t n = semi != NULL ? (size_t)(semi - p) : strlen(p);
        char one[64];
        snprintf(one, sizeof(one), "%.*s", (int)n, p);
        if (one_of(one, tokens))
            return true;
        if (semi == NULL)
            return false;
        p = semi + 1;
    }
}

static int year_of(const char *birth)
{
    struct hv_pdate d;
    return pdate_ok(birth, &d) ? d.year : -1;
}

/* One mistyped digit, or two adjacent digits swapped. */
static bool is_typo(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b) || strcmp(a, b) == 0)
        return false;
    size_t first = 0;
    while (a[first] == b[first])
        first++;
    size_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff += a[i] != b[i];
    if (diff == 1)
        return true;
    return diff == 2 && first + 1 < n && a[first] == b[first + 1] && a[first + 1] == b[first];
}

/* Checks that a duplicate differs from its original exactly in the listed ways. */
static bool check_dup_pair(const struct scenario *s, size_t a, size_t b, const char *kind)
{
    const struct table *t = &s->people;
#define F(row, col) cell(t, row, col)
    bool ok = true;
    if (!list_in(kind, DUP_TOKENS))
        return false;
    bool same_case = strcmp(F(a, "case_ref"), F(b, "case_ref")) == 0;
    ok = ok && has_token(kind, same_case ? "same_case" : "other_case");
    ok = ok && strcmp(F(a, "native_name"), F(b, "native_name")) == 0;
    ok = ok && strcmp(F(a, "ref"), F(b, "ref")) != 0;
    /* Names. */
    const char *ga = F(a, "given_name"), *gb = F(b, "given_name");
    const char *fa = F(a, "family_name"), *fb = F(b, "family_name");
    bool same_given = strcmp(ga, gb) == 0, same_family = strcmp(fa, fb) == 0;
    bool same_fathers = strcmp(F(a, "father_name"), F(b, "father_name")) == 0 &&
                        strcmp(F(a, "grandfather_name"), F(b, "grandfather_name")) == 0;
    if (has_token(kind, "variant"))
        ok = ok && (!same_given || !same_family) && same_fathers;
    else if (has_token(kind, "honorific_added"))
        ok = ok && strstr(gb, ga) != NULL && strlen(gb) > strlen(ga) && same_family;
    else if (has_token(kind, "honorific_dropped"))
        ok = ok && strstr(ga, gb) != NULL && strlen(ga) > strlen(gb) && same_family;
    else if (has_token(kind, "swap"))
        ok = ok && fa[0] != '\0' && strcmp(gb, fa) == 0 && strcmp(fb, ga) == 0;
    else if (has_token(kind, "family_missing"))
        ok = ok && fa[0] != '\0' && fb[0] == '\0' && same_given;
    else if (has_token(kind, "father_as_family"))
        ok = ok && strcmp(fb, F(a, "father_name")) == 0 && !same_family && same_given;
    else if (has_token(kind, "native_only"))
        ok = ok && ascii(ga) && !ascii(gb) && !same_given;
    else
        ok = ok && same_given && same_family && same_fathers;
    /* Birth date. */
    const char *ba = F(a, "birth_date"), *bb = F(b, "birth_date");
    if (has_token(kind, "birth_shift"))
        ok = ok && abs(year_of(ba) - year_of(bb)) == 1 && strlen(ba) == strlen(bb);
    else if (has_token(kind, "birth_coarsened"))
        ok = ok && strlen(ba) == 10 && strlen(bb) == 4 && strncmp(ba, bb, 4) == 0;
    else
        ok = ok && strcmp(ba, bb) == 0;
    /* Documents. */
    const char *ta = tazkira_of(s, F(a, "ref")), *tb = tazkira_of(s, F(b, "ref"));
    if (has_token(kind, "doc_typo"))
        ok = ok && ta != NULL && tb != NULL && is_typo(ta, tb);
    else if (has_token(kind, "doc_missing"))
        ok = ok && ta != NULL && tb == NULL;
    else
        ok = ok && (ta == NULL ? tb == NULL : tb != NULL && strcmp(ta, tb) == 0);
    if (has_token(kind, "exact"))
        ok = ok && same_given && same_family && strcmp(ba, bb) == 0;
    ok = ok && strcmp(F(a, "sex"), F(b, "sex")) == 0;
#undef F
    return ok;
}

static void check_truth(const struct scenario *s, size_t *token_counts)
{
    const struct table *t = &s->dups;
    size_t bad = 0;
    struct map pairs;
    map_init(&pairs, t->n_rows + 1);
    for (size_t i = 0; i < t->n_rows; i++) {
        size_t a = 0, b = 0;
        const char *kind = cell(t, i, "kind");
        bool ok = map_get(&s->person_ix, cell(t, i, "person_ref_a"), &a) &&
                  map_get(&s->person_ix, cell(t, i, "person_ref_b"), &b) && a < b &&
                  check_dup_pair(s, a, b, kind);
        /* Each duplicate row appears once as b. */
        ok = ok && map_put(&pairs, cell(t, i, "person_ref_b"), i);
        if (!ok && bad++ < 10)
            fprintf(stderr, "bad duplicate %s -> %s (%s)\n", cell(t, i, "person_ref_a"),
                    cell(t, i, "person_ref_b"), kind);
        for (size_t k = 0; DUP_TOKENS[k] != NULL; k++)
            token_counts[k] += has_token(kind, DUP_TOKENS[k]);
    }
    CHECK_EQ_INT(bad, 0);

    const struct table *h = &s->hn;
    bad = 0;
    for (size_t i = 0; i < h->n_rows; i++) {
        size_t a = 0, b = 0, x = 0;
        const char *kind = cell(h, i, "kind");
        bool ok = map_get(&s->person_ix, cell(h, i, "person_ref_a"), &a) &&
                  map_get(&s->person_ix, cell(h, i, "person_ref_b"), &b) && a < b &&
                  !map_get(&pairs, cell(h, i, "person_ref_a"), &x) &&
                  !map_get(&pairs, cell(h, i, "person_ref_b"), &x);
        if (ok) {
            const struct table *p = &s->people;
            ok = strcmp(cell(p, a, "given_name"), cell(p, b, "given_name")) == 0 &&
                 year_of(cell(p, a, "birth_date")) == year_of(cell(p, b, "birth_date")) &&
                 cell(p, a, "father_name")[0] != '\0' && cell(p, b, "father_name")[0] != '\0' &&
                 strcmp(cell(p, a, "father_name"), cell(p, b, "father_name")) != 0 &&
                 strcmp(cell(p, a, "case_ref"), cell(p, b, "case_ref")) != 0 &&
                 strcmp(cell(p, a, "sex"), cell(p, b, "sex")) == 0;
            if (strcmp(kind, "same_name_family_year") == 0)
                ok = ok && cell(p, a, "family_name")[0] != '\0' &&
                     strcmp(cell(p, a, "family_name"), cell(p, b, "family_name")) == 0;
            else
                ok = ok && strcmp(kind, "same_name_year") == 0;
        }
        if (!ok && bad++ < 10)
            fprintf(stderr, "bad hard negative %s / %s\n", cell(h, i, "person_ref_a"),
                    cell(h, i, "person_ref_b"));
    }
    CHECK_EQ_INT(bad, 0);
    map_free(&pairs);
}

static void test_default_scenario(void)
{
    char dir[64];
    make_tmp_dir(dir, sizeof(dir));
    struct hv_demo_summary sum;
    memset(&sum, 0, sizeof(sum));
    gen_into(dir, 1, HV_DEMO_DEFAULT_CASES, &sum);

    struct scenario s;
    memset(&s, 0, sizeof(s));
    load_scenario(dir, &s);
    CHECK_EQ_INT(s.cases.n_rows, 9000);
    CHECK_EQ_INT(sum.cases, s.cases.n_rows);
    CHECK_EQ_INT(sum.people, s.people.n_rows);
    CHECK_EQ_INT(sum.documents, s.docs.n_rows);
    CHECK_EQ_INT(sum.employment, s.emp.n_rows);
    CHECK_EQ_INT(sum.contacts, s.contacts.n_rows);
    CHECK_EQ_INT(sum.locations, s.loc.n_rows);
    CHECK_EQ_INT(sum.duplicates, s.dups.n_rows);
    CHECK_EQ_INT(sum.hard_negatives, s.hn.n_rows);
    CHECK_EQ_INT(sum.sites, 20);
    CHECK(sum.crossings >= 5);
    CHECK(sum.crossing_status >= sum.crossings);

    check_locations(&s);
    check_cases(&s);
    struct people_stats st;
    check_people(&s, &st);
    check_documents(&s);
    check_employment(&s);
    check_contacts(&s);
    size_t tokens[HV_ARRAY_LEN(DUP_TOKENS)] = { 0 };
    check_truth(&s, tokens);

    /* The scenario's shape. */
    double n = (double)s.people.n_rows;
    double originals = n - (double)s.dups.n_rows;
    double per_case = originals / (double)s.cases.n_rows;
    fprintf(stderr,
            "demo: %.0f people, %.2f per case, %.3f without family name, %.3f year-only, "
            "%.3f ranges, %.3f medical, %zu duplicates, %zu hard negatives\n",
            n, per_case, st.no_family / n, st.year_only / n, st.ranges / n, st.medical / n,
            s.dups.n_rows, s.hn.n_rows);
    CHECK(per_case > 4.2 && per_case < 4.6);
    CHECK(st.no_family / n > 0.40 && st.no_family / n < 0.50);
    CHECK(st.year_only / n > 0.65 && st.year_only / n < 0.75);
    CHECK(st.ranges / n > 0.07 && st.ranges / n < 0.13);
    CHECK(st.full / n > 0.15 && st.full / n < 0.25);
    CHECK(st.medical / n > 0.10 && st.medical / n < 0.14);
    CHECK(st.uam > 0 && st.uam < n / 200);
    CHECK(st.mohammad > st.male / 6); /* Mohammad (alone or in compounds) is very common */
    CHECK(st.hon_like > 0);
    double dup_share = (double)s.dups.n_rows / originals;
    CHECK(dup_share > 0.025 && dup_share < 0.035);
    CHECK(s.hn.n_rows > 50);
    /* Every kind of difference is planted somewhere in the default scenario. */
    for (size_t k = 0; DUP_TOKENS[k] != NULL; k++) {
        if (tokens[k] == 0)
            fprintf(stderr, "no duplicate of kind %s\n", DUP_TOKENS[k]);
        CHECK(tokens[k] > 0);
    }
    free_scenario(&s);
    remove_tree(dir);
}

static void test_stream_matches_files(void)
{
    char dir[64];
    make_tmp_dir(dir, sizeof(dir));
    struct hv_demo_summary sum;
    gen_into(dir, 5, 300, &sum);
    struct table people, dups;
    CHECK(load_table(dir, "people.csv", &people));
    CHECK(load_table(dir, "truth_duplicates.csv", &dups));

    struct hv_demo_options opt;
    hv_demo_options_init(&opt);
    opt.seed = 5;
    opt.n_cases = 300;
    opt.data_dir = data_dir;
    struct hv_demo *d = NULL;
    CHECK_OK(hv_demo_create(&opt, &d, NULL));
    size_t i = 0, mismatches = 0, n_dups = 0;
    for (;;) {
        struct hv_demo_person p;
        bool eof = false;
        CHECK_OK(hv_demo_next(d, &p, &eof));
        if (eof)
            break;
        if (i < people.n_rows) {
            bool same = strcmp(p.ref, cell(&people, i, "ref")) == 0 &&
                        strcmp(p.case_ref, cell(&people, i, "case_ref")) == 0 &&
                        strcmp(p.given_name, cell(&people, i, "given_name")) == 0 &&
                        strcmp(p.family_name, cell(&people, i, "family_name")) == 0 &&
                        strcmp(p.father_name, cell(&people, i, "father_name")) == 0 &&
                        strcmp(p.native_name, cell(&people, i, "native_name")) == 0 &&
                        strcmp(p.birth_date, cell(&people, i, "birth_date")) == 0 &&
                        strcmp(p.sex, cell(&people, i, "sex")) == 0 &&
                        strcmp(p.needs, cell(&people, i, "needs")) == 0;
            mismatches += !same;
        }
        if (p.duplicate_of[0] != '\0') {
            CHECK(n_dups < dups.n_rows &&
                  strcmp(p.duplicate_of, cell(&dups, n_dups, "person_ref_a")) == 0 &&
                  strcmp(p.ref, cell(&dups, n_dups, "person_ref_b")) == 0 &&
                  strcmp(p.duplicate_kind, cell(&dups, n_dups, "kind")) == 0);
            n_dups++;
        }
        i++;
    }
    CHECK_EQ_INT(i, people.n_rows);
    CHECK_EQ_INT(mismatches, 0);
    CHECK_EQ_INT(n_dups, dups.n_rows);
    /* After the end it stays at the end. */
    struct hv_demo_person p;
    bool eof = false;
    CHECK_OK(hv_demo_next(d, &p, &eof));
    CHECK(eof);
    hv_demo_destroy(d);
    hv_demo_destroy(NULL);
    free_table(&people);
    free_table(&dups);
    remove_tree(dir);
}

/* Without duplicates or hard negatives the truth files hold only their headers. */
static void test_rates_zero(void)
{
    char dir[64];
    make_tmp_dir(dir, sizeof(dir));
    struct hv_demo_options opt;
    hv_demo_options_init(&opt);
    opt.n_cases = 200;
    opt.dup_rate = 0.0;
    opt.hard_negative_rate = 0.0;
    opt.data_dir = data_dir;
    struct hv_demo_summary sum;
    CHECK_OK(hv_demo_generate(&opt, dir, NULL, &sum, NULL));
    CHECK_EQ_INT(sum.duplicates, 0);
    CHECK_EQ_INT(sum.hard_negatives, 0);
    struct table t;
    CHECK(load_table(dir, "truth_duplicates.csv", &t));
    CHECK_EQ_INT(t.n_rows, 0);
    free_table(&t);
    /* A high rate stays within bounds and every duplicate is still written in full. */
    opt.dup_rate = 0.5;
    opt.n_cases = 300;
    CHECK_OK(hv_demo_generate(&opt, dir, NULL, &sum, NULL));
    struct scenario s;
    memset(&s, 0, sizeof(s));
    load_scenario(dir, &s);
    size_t tokens[HV_ARRAY_LEN(DUP_TOKENS)] = { 0 };
    check_truth(&s, tokens);
    CHECK((double)sum.duplicates > 0.4 * (double)(sum.people - sum.duplicates));
    free_scenario(&s);
    remove_tree(dir);
}

static const char *const DATA_FILES[] = {
    "names/given_male.tsv",     "names/given_female.tsv", "names/family.tsv",
    "names/honorifics.tsv",     "names/variants.tsv",     "names/supervisors.tsv",
    "geo/af_provinces.tsv",     "geo/countries.tsv",      "demo/employers.tsv",
    "demo/roles.tsv",           "demo/sites.csv",         "demo/crossings.csv",
    "demo/crossing_status.csv", "demo/airports.csv",
};

/* Copies the data tree into dir, replacing file `broken` with `text`. */
static void copy_data(const char *dir, const char *broken, const char *text)
{
    static const char *const sub[] = { "names", "geo", "demo" };
    for (size_t i = 0; i < HV_ARRAY_LEN(sub); i++) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
        mkdir(p, 0700);
    }
    for (size_t i = 0; i < HV_ARRAY_LEN(DATA_FILES); i++) {
        char src[2048], dst[256];
        snprintf(src, sizeof(src), "%s/%s", data_dir, DATA_FILES[i]);
        snprintf(dst, sizeof(dst), "%s/%s", dir, DATA_FILES[i]);
        size_t n = 0;
        char *p = read_all(src, &n);
        CHECK(p != NULL);
        if (p == NULL)
            continue;
        if (broken != NULL && strcmp(DATA_FILES[i], broken) == 0)
            CHECK(write_all(dst, text, strlen(text)));
        else
            CHECK(write_all(dst, p, n));
        free(p);
    }
}

static void expect_table_error(const char *file, const char *text, enum hv_err want, uint64_t line)
{
    char dir[64];
    make_tmp_dir(dir, sizeof(dir));
    copy_data(dir, file, text);
    struct hv_demo_options opt;
    hv_demo_options_init(&opt);
    opt.n_cases = 5;
    opt.data_dir = dir;
    char out[128];
    snprintf(out, sizeof(out), "%s/out", dir);
    struct hv_diag diag;
    hv_diag_clear(&diag);
    enum hv_err err = hv_demo_generate(&opt, out, NULL, NULL, &diag);
    CHECK_EQ_INT(err, want);
    const char *base = strrchr(file, '/') + 1;
    if (strstr(diag.file, base) == NULL)
        fprintf(stderr, "expected an error naming %s, got %s: %s\n", base, diag.file, diag.msg);
    CHECK(strstr(diag.file, base) != NULL);
    if (line != 0)
        CHECK_EQ_INT(diag.line, line);
    remove_tree(dir);
}

static void test_broken_tables(void)
{
    /* A copy of the real data works. */
    char dir[64];
    make_tmp_dir(dir, sizeof(dir));
    copy_data(dir, NULL, NULL);
    struct hv_demo_options opt;
    hv_demo_options_init(&opt);
    opt.n_cases = 5;
    opt.data_dir = dir;
    char out[128];
    snprintf(out, sizeof(out), "%s/out", dir);
    CHECK_OK(hv_demo_generate(&opt, out, NULL, NULL, NULL));
    remove_tree(dir);

    expect_table_error("names/given_male.tsv", "# c\nname\tnative\tweight\nAhmad\tاحمد\n",
                       HV_ERR_INVALID, 3);
    expect_table_error("names/given_male.tsv", "name\tnative\tweight\nAhmad\tاحمد\tmany\n",
                       HV_ERR_INVALID, 2);
    expect_table_error("names/given_male.tsv", "name\tnative\tweight\nAhmad\tاحمد\t0\n",
                       HV_ERR_INVALID, 0);
    expect_table_error("names/family.tsv", "name\tweight\nPopal\t3\n", HV_ERR_INVALID, 0);
    expect_table_error("names/variants.tsv", "from\tto\tscope\nMohammad\tMuhammad\tmiddle\n",
                       HV_ERR_INVALID, 2);
    expect_table_error("names/honorifics.tsv",
                       "honorific\tnative\tposition\tsex\tweight\nHaji\tحاجی\tinside\tM\t1\n",
                       HV_ERR_INVALID, 2);
    expect_table_error("demo/employers.tsv",
                       "employer\thire_type\tcontractor\tweight\tfrom_year\tto_year\n"
                       "ISAF\tdirect\tDynCorp\t1\t2002\t2014\n",
                       HV_ERR_INVALID, 2);
    expect_table_error("geo/af_provinces.tsv", "not\xff utf8\n", HV_ERR_INVALID, 0);
    expect_table_error("demo/sites.csv", "ref,name,country\nA,\"unterminated\n", HV_ERR_INVALID, 0);
    expect_table_error("demo/crossing_status.csv", "crossing_ref,at,status\nX,2021-08-30,closed\n",
                       HV_ERR_INVALID, 0);
}

int main(void)
{
    const char *src = getenv("HV_SOURCE_DIR");
    snprintf(data_dir, sizeof(data_dir), "%s/data", src != NULL ? src : ".");
    RUN(test_options);
    RUN(test_deterministic);
    RUN(test_default_scenario);
    RUN(test_stream_matches_files);
    RUN(test_rates_zero);
    RUN(test_broken_tables);
    return test_report();
}
