/* demo_int.h - internals of the demo generator shared by its files: data tables, the person and
 * case records it fills in place, and the generator state. See docs/internals/DEMO.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_DEMO_INT_H
#define HV_DEMO_INT_H

#include <stdio.h>

#include "haven/buf.h"
#include "haven/clock.h"
#include "haven/demo.h"

/* ---- tables (tables.c) ---------------------------------------------------------------- */

#define HV__DEMO_TSV_MAX_COLS 16
/* Longest name cell accepted from a table; keeps every composed name inside its buffer. */
#define HV__DEMO_NAME_CELL_MAX 48

/* A tab-separated table read whole into one heap block; cells are NUL-terminated in place. '#'
 * lines and blank lines are skipped; the first other line is the header. */
struct hv__demo_tsv {
    char *text;         /* heap */
    const char **cells; /* heap, n_rows * n_cols pointers into text */
    size_t n_rows;
    size_t n_cols;
    const char *header[HV__DEMO_TSV_MAX_COLS];
    uint64_t *row_line; /* heap, the file line of each data row */
    char path[512];
};

/* Cumulative weights for picking an index with probability weight / total. */
struct hv__demo_wtable {
    size_t n;
    uint32_t *cum; /* heap; cum[i] = sum of weights 0..i */
    uint32_t total;
};

struct hv__demo_namelist {
    struct hv__demo_tsv tsv;
    size_t n;
    const char **name; /* heap array of n pointers into tsv */
    const char **native;
    struct hv__demo_wtable w;
};

struct hv__demo_honorific {
    const char *name;
    const char *native;
    bool prefix; /* else suffix */
    char sex;    /* 'M', 'F' or '*' */
};

enum hv__demo_scope { HV__DEMO_SCOPE_WORD, HV__DEMO_SCOPE_START, HV__DEMO_SCOPE_END };

struct hv__demo_variant {
    const char *from;
    const char *to;
    size_t from_len;
    size_t to_len;
    enum hv__demo_scope scope;
};

struct hv__demo_province {
    const char *code;
    const char *name;
    char ref[48];     /* LOC-AF-<NAME> */
    uint32_t lang[4]; /* weights of prs, pus, uzb, tuk */
};

struct hv__demo_employer {
    const char *employer;
    const char *hire_type;
    const char *contractor;
    int from_year;
    int to_year;
};

struct hv__demo_role {
    const char *role;
    bool english;
};

struct hv__demo_tables {
    struct hv__demo_namelist male, female, family;
    struct hv__demo_tsv hon_tsv, var_tsv, prov_tsv, emp_tsv, role_tsv, sup_tsv, country_tsv;
    struct hv__demo_honorific *hon; /* heap */
    size_t n_hon;
    struct hv__demo_wtable hon_w_male, hon_w_female;
    struct hv__demo_variant *var; /* heap */
    size_t n_var;
    struct hv__demo_province *prov; /* heap */
    size_t n_prov;
    struct hv__demo_wtable prov_w;
    struct hv__demo_employer *emp; /* heap */
    size_t n_emp;
    struct hv__demo_wtable emp_w;
    struct hv__demo_role *role; /* heap */
    size_t n_role;
    struct hv__demo_wtable role_w;
    const char **sup_val; /* heap: supervisor name parts */
    struct hv__demo_wtable sup_title_w, sup_initial_w, sup_surname_w;
};

HV_MUST_CHECK enum hv_err hv__demo_tables_load(struct hv__demo_tables *t, const char *data_dir,
                                               struct hv_diag *diag);
void hv__demo_tables_finish(struct hv__demo_tables *t);
size_t hv__demo_wpick(const struct hv__demo_wtable *w, struct hv_rng *r);
HV_MUST_CHECK enum hv_err hv__demo_tsv_load(struct hv__demo_tsv *t, const char *path,
                                            struct hv_diag *diag);
void hv__demo_tsv_finish(struct hv__demo_tsv *t);
/* Column index of name, or -1. */
int hv__demo_tsv_col(const struct hv__demo_tsv *t, const char *name);
const char *hv__demo_tsv_cell(const struct hv__demo_tsv *t, size_t row, int col);
/* Joins dir and the relative name into out; HV_ERR_LIMIT when it does not fit. */
HV_MUST_CHECK enum hv_err hv__demo_path(char *out, size_t out_len, const char *dir,
                                        const char *name, struct hv_diag *diag);

/* ---- people and cases (gen.c, dup.c) --------------------------------------------------- */

#define HV__DEMO_NAME_MAX     160
#define HV__DEMO_REF_MAX      40
#define HV__DEMO_MAX_DOCS     4
#define HV__DEMO_MAX_JOBS     3
#define HV__DEMO_MAX_CONTACTS 4
/* People one case can hold: originals (at most 13) plus duplicates placed in it. */
#define HV__DEMO_CASE_MAX 64
/* Duplicates waiting for a later case. */
#define HV__DEMO_PENDING_MAX 1024
/* How many cases later a duplicate registered in another case may appear. */
#define HV__DEMO_DUP_WINDOW 40
/* Earlier principals and spouses kept per sex as hard-negative templates. */
#define HV__DEMO_TEMPLATES 64

/* Evidence flags of an employment record. */
#define HV__DEMO_EV_LETTER         1u /* the person's employment_letter document */
#define HV__DEMO_EV_BADGE          2u
#define HV__DEMO_EV_RECOMMENDATION 4u

enum hv__demo_prec { HV__DEMO_BIRTH_YEAR, HV__DEMO_BIRTH_DAY, HV__DEMO_BIRTH_RANGE };

struct hv__demo_doc {
    const char *kind;   /* static */
    const char *issuer; /* static or table */
    char number[32];
    char issued_on[12];
    char expires_on[12];
};

struct hv__demo_job {
    uint16_t employer; /* index into tables.emp */
    uint16_t role;     /* index into tables.role */
    uint8_t evidence;  /* HV__DEMO_EV_* */
    const char *verification;
    char start[12];
    char end[12];
    char supervisor[48];
};

struct hv__demo_contact {
    const char *kind; /* static */
    char value[64];
};

struct hv__demo_person {
    char ref[HV__DEMO_REF_MAX];
    const char *relation; /* static */
    char given[HV__DEMO_NAME_MAX];
    char family[HV__DEMO_NAME_MAX];
    char father[HV__DEMO_NAME_MAX];
    char grandfather[HV__DEMO_NAME_MAX];
    char native[2 * HV__DEMO_NAME_MAX];
    /* How the names were built (indices into the tables, -1 for none); used by the duplicate
     * and hard-negative planting. */
    int32_t given_idx; /* into male or female by sex */
    int32_t hon_idx;   /* honorific of the given name */
    int32_t family_idx;
    int32_t father_idx; /* male */
    int32_t father_hon_idx;
    int32_t grandfather_idx; /* male */
    char sex;                /* 'M' or 'F': decides the name tables */
    bool sex_unknown;        /* the registration left sex empty */
    int16_t year;            /* true birth year */
    uint8_t month, day;      /* true birth month and day */
    enum hv__demo_prec prec;
    int16_t range_lo, range_hi;
    char birth[16];
    char nationality[3];
    char languages[32];
    char needs[80];
    uint8_t n_docs, n_jobs, n_contacts;
    struct hv__demo_doc docs[HV__DEMO_MAX_DOCS];
    struct hv__demo_job jobs[HV__DEMO_MAX_JOBS];
    struct hv__demo_contact contacts[HV__DEMO_MAX_CONTACTS];
    /* Ground truth. */
    uint32_t case_index; /* case the original was generated in */
    char dup_of[HV__DEMO_REF_MAX];
    char dup_kind[96];
    char hn_of[HV__DEMO_REF_MAX];
    const char *hn_kind; /* static or NULL */
};

struct hv__demo_case {
    uint32_t index;
    char ref[24];
    const char *status; /* static */
    int risk;
    const char *location_ref;
    const char *disclosure; /* static */
    size_t n_people;
    struct hv__demo_person people[HV__DEMO_CASE_MAX];
};

struct hv__demo_template {
    char ref[HV__DEMO_REF_MAX];
    char father[HV__DEMO_NAME_MAX];
    int32_t given_idx, hon_idx, family_idx, father_idx;
    int16_t year;
};

struct hv__demo_pending {
    uint32_t target; /* case index where it is placed */
    struct hv__demo_person p;
};

struct hv__demo_gen {
    struct hv_demo_options opt;
    struct hv__demo_tables t;
    struct hv_rng rng;
    uint32_t next_case; /* index of the next case to generate */
    struct hv__demo_case cur;
    struct hv__demo_pending *pending;             /* heap, HV__DEMO_PENDING_MAX slots */
    uint16_t pending_order[HV__DEMO_PENDING_MAX]; /* slot indices in insertion order */
    uint16_t pending_free[HV__DEMO_PENDING_MAX];  /* free slot stack */
    size_t n_pending, n_free;
    struct hv__demo_template tmpl[2][HV__DEMO_TEMPLATES]; /* [0] male, [1] female */
    size_t n_tmpl[2], tmpl_next[2];
    struct hv__demo_person scratch[HV__DEMO_CASE_MAX]; /* same-case duplicates being built */
};

/* The data directory of opt: opt->data_dir, or the one compiled in. */
const char *hv__demo_data_dir(const struct hv_demo_options *opt);

/* Checks the options, loads the tables and seeds the generator (heap parts freed by finish). */
HV_MUST_CHECK enum hv_err
hv__demo_gen_init(struct hv__demo_gen *g, const struct hv_demo_options *opt, struct hv_diag *diag);
void hv__demo_gen_finish(struct hv__demo_gen *g);
/* Generates the next case into g->cur; false when all cases were generated. */
bool hv__demo_gen_case(struct hv__demo_gen *g);

/* dup.c: builds in *d a second registration of *o (already carrying its ref), filling
 * d->dup_of and d->dup_kind (without the placement token). */
void hv__demo_make_duplicate(struct hv__demo_gen *g, const struct hv__demo_person *o,
                             struct hv__demo_person *d);

/* Small helpers shared by gen.c and dup.c. */
bool hv__demo_chance(struct hv_rng *r, double p);
/* Appends z to dst (capacity cap, NUL-terminated, current length *len); never overflows and
 * never cuts inside a UTF-8 sequence. */
void hv__demo_cat(char *dst, size_t cap, size_t *len, const char *z);
/* Writes the birth text of p from its true date and precision. */
void hv__demo_format_birth(struct hv__demo_person *p);
/* Rebuilds p->native from the given/family indices and honorific. */
void hv__demo_compose_native(const struct hv__demo_tables *t, struct hv__demo_person *p);
/* Appends v in decimal, zero-padded to width digits (same guarantees as hv__demo_cat). */
void hv__demo_cat_u(char *dst, size_t cap, size_t *len, uint64_t v, int width);
/* Writes "+93 7x xxx xxxx" into out (at least 16 bytes). */
void hv__demo_phone(struct hv_rng *r, char *out, size_t cap);
/* Composes a name: honorific (may be -1) around the base. */
void hv__demo_compose(const struct hv__demo_tables *t, char *out, size_t cap, const char *base,
                      int32_t hon_idx, bool native);

/* ---- output (sink.c, scenario.c) ------------------------------------------------------ */

/* A CSV file written through a fixed buffer; errors are sticky and reported by close. */
struct hv__demo_sink {
    FILE *f;
    char *buf;            /* heap, HV__DEMO_SINK_BUF bytes */
    size_t len;           /* bytes buffered */
    struct hv_buf quoted; /* scratch for fields that need quoting */
    enum hv_err err;
    bool row_open; /* a field was written on the current row */
    uint64_t rows; /* rows ended, the header not counted */
    char path[1024];
};

#define HV__DEMO_SINK_BUF (1u << 20)

/* Creates dir/name and writes the header line (given without its newline). */
HV_MUST_CHECK enum hv_err hv__demo_sink_open(struct hv__demo_sink *s, const char *dir,
                                             const char *name, const char *header,
                                             struct hv_diag *diag);
void hv__demo_sink_field(struct hv__demo_sink *s, const char *z);
void hv__demo_sink_end_row(struct hv__demo_sink *s);
/* Flushes and closes (safe on a sink that failed to open or was zeroed); the first error of the
 * sink's life is returned, with the path in diag. */
HV_MUST_CHECK enum hv_err hv__demo_sink_close(struct hv__demo_sink *s, struct hv_diag *diag);

/* Writes locations.csv rows: countries, provinces, sites, crossings, airports. */
HV_MUST_CHECK enum hv_err hv__demo_write_locations(const struct hv__demo_tables *t,
                                                   const char *data_dir, struct hv__demo_sink *s,
                                                   struct hv_diag *diag);
/* Copies data_dir/demo/name to out_dir/name and counts its records (header excluded), checking
 * that it is valid CSV with the given required columns (NULL-terminated list). */
HV_MUST_CHECK enum hv_err hv__demo_copy_csv(const char *data_dir, const char *out_dir,
                                            const char *name, const char *const *required,
                                            uint64_t *records, struct hv_diag *diag);

#endif
