/* demo.h - the founding-scenario generator (summer 2021): synthetic SIV cases and families with
 * realistic Afghan names, documents, employment and contacts, planted duplicate registrations and
 * hard negatives (ground truth for the identity benchmark), plus host sites and border crossings.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_DEMO_H
#define HV_DEMO_H

#include "haven/common.h"
#include "haven/err.h"
#include "haven/progress.h"

#define HV_DEMO_DEFAULT_CASES              9000u
#define HV_DEMO_DEFAULT_DUP_RATE           0.03
#define HV_DEMO_DEFAULT_HARD_NEGATIVE_RATE 0.01
/* Upper bounds accepted for the two rates (HV_ERR_INVALID above them). */
#define HV_DEMO_MAX_RATE 0.5
/* Upper bound for n_cases (the case ref has room for it). */
#define HV_DEMO_MAX_CASES 9999999u

struct hv_demo_options {
    uint64_t seed;             /* all randomness comes from hv_rng seeded with this */
    uint32_t n_cases;          /* founding cases, 1..HV_DEMO_MAX_CASES */
    double dup_rate;           /* share of people registered a second time, 0..0.5 */
    double hard_negative_rate; /* share of principals and spouses given the common given name
                                * and birth year of an earlier, different person, 0..0.5 */
    const char *data_dir;      /* the repository's data/ directory, NUL-terminated; NULL means
                                * the directory compiled in (HV_DATA_DIR) */
};

/* Fills opt with the defaults: seed 1, 9,000 cases, 3% duplicates, 1% hard negatives, the
 * compiled-in data directory. */
void hv_demo_options_init(struct hv_demo_options *opt);

/* Rows written per file by hv_demo_generate (headers not counted). */
struct hv_demo_summary {
    uint64_t locations;
    uint64_t cases;
    uint64_t people; /* including the planted duplicates */
    uint64_t documents;
    uint64_t employment;
    uint64_t contacts;
    uint64_t duplicates;     /* rows of truth_duplicates.csv */
    uint64_t hard_negatives; /* rows of truth_hard_negatives.csv */
    uint64_t sites;
    uint64_t crossings;
    uint64_t crossing_status;
};

/* Generates the scenario into out_dir (created, mode 0700, when it does not exist; existing
 * files of the same names are replaced):
 *   locations.csv cases.csv people.csv documents.csv employment.csv contacts.csv
 *       - the registry formats of docs/formats.md, importable with `haven import out_dir`;
 *   truth_duplicates.csv      person_ref_a,person_ref_b,kind - b is a second registration of a;
 *                             kind is a ';' list of how b differs (see docs/internals/DEMO.md);
 *   truth_hard_negatives.csv  person_ref_a,person_ref_b,kind - different people that share a
 *                             common given name and birth year;
 *   sites.csv crossings.csv crossing_status.csv - copies of the files in data_dir/demo/.
 * The same options give byte-identical files. The tables are read from opt->data_dir (see
 * data/README.md). progress (may be NULL) gets the phase "cases" with done/total cases; sum (may
 * be NULL) gets the row counts. Errors: HV_ERR_INVALID (bad options, or a malformed data table,
 * with its file and line in diag), HV_ERR_LIMIT (a table cell or path too long), HV_ERR_IO (a
 * file that cannot be read or written, named in diag). Files already written are left on error.
 * Memory does not grow with n_cases. */
HV_MUST_CHECK enum hv_err hv_demo_generate(const struct hv_demo_options *opt, const char *out_dir,
                                           const struct hv_progress *progress,
                                           struct hv_demo_summary *sum, struct hv_diag *diag);

/* A streaming generator yielding the same people as people.csv of hv_demo_generate with the
 * same options, in the same order, without writing anything (for benchmarks: a million people
 * in about a second). Heap object: hv_demo_create / hv_demo_destroy. */
struct hv_demo;

/* One generated person. Every string is NUL-terminated and borrowed from the generator: valid
 * until the next hv_demo_next or hv_demo_destroy. Empty strings mean "not known". */
struct hv_demo_person {
    const char *ref;
    const char *case_ref;
    const char *relation;
    const char *given_name;
    const char *family_name;
    const char *father_name;
    const char *grandfather_name;
    const char *native_name;
    const char *sex;        /* "M", "F" or "" */
    const char *birth_date; /* "1985", "1985-03-12" or "1980..1985" */
    const char *nationality;
    const char *languages;        /* ';'-separated ISO 639-3 */
    const char *needs;            /* ';'-separated */
    const char *tazkira;          /* the tazkira number, or "" */
    const char *passport;         /* the passport number, or "" */
    const char *phone;            /* the first phone number, or "" */
    const char *duplicate_of;     /* ref of the person this one re-registers, or "" */
    const char *duplicate_kind;   /* as in truth_duplicates.csv, or "" */
    const char *hard_negative_of; /* ref of the different person sharing name and year, or "" */
};

/* Loads the tables and seeds the generator. Errors as for hv_demo_generate. *out is NULL on
 * error. */
HV_MUST_CHECK enum hv_err hv_demo_create(const struct hv_demo_options *opt, struct hv_demo **out,
                                         struct hv_diag *diag);
/* NULL is a no-op. */
void hv_demo_destroy(struct hv_demo *d);
/* The next person, or *eof = true after the last person of the last case. Does not fail once
 * created; the return value is kept for future limits. */
HV_MUST_CHECK enum hv_err hv_demo_next(struct hv_demo *d, struct hv_demo_person *out, bool *eof);

#endif
