/* registry.h - cases, people, documents, employment, contacts and locations: validation,
 * sealed storage, import (CSV/JSON), export, look-up and correction.
 *
 * Records travel as struct hv_record: the kind's field table (struct hv_kind_def) says what
 * each value means; values are canonical text (dates normalised, lists ';'-joined). One
 * table-driven path serves CSV, JSON, storage and export so they cannot drift apart. The
 * formats are documented in docs/formats.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_REGISTRY_H
#define HV_REGISTRY_H

#include <stdio.h>
#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/str.h"

struct hv_arena;
struct hv_vault_key_source;

enum hv_kind_id {
    HV_KIND_LOCATION,
    HV_KIND_CASE,
    HV_KIND_PERSON,
    HV_KIND_DOCUMENT,
    HV_KIND_EMPLOYMENT,
    HV_KIND_CONTACT,
    HV_N_KINDS
};

enum hv_field_type {
    HV_FT_TEXT,    /* free text (UTF-8, no control characters but tab) */
    HV_FT_REF,     /* an external id: [A-Za-z0-9._:/-], 1..64 bytes */
    HV_FT_ENUM,    /* one of def->allowed */
    HV_FT_LIST,    /* ';'-separated values, each one of def->allowed (or free when NULL) */
    HV_FT_INT,     /* integer within [min, max] */
    HV_FT_REAL,    /* decimal number within [min, max] */
    HV_FT_PDATE,   /* partial date, see pdate.h */
    HV_FT_COUNTRY, /* ISO 3166-1 alpha-2, upper case */
};

struct hv_field_def {
    const char *name; /* CSV column and JSON key */
    enum hv_field_type type;
    bool required;
    bool sealed;                /* encrypted at rest */
    uint16_t max_len;           /* bytes */
    const char *const *allowed; /* NULL-terminated, for ENUM and LIST */
    const char *dflt;           /* canonical default when empty, or NULL */
    double min, max;            /* INT and REAL bounds */
    const char *blind;          /* blind-index domain (exact look-up), or NULL */
    bool name_part;             /* its tokens go into the person name index */
};

#define HV_REC_MAX_FIELDS 16

struct hv_kind_def {
    enum hv_kind_id id;
    const char *name;   /* "person" */
    const char *plural; /* "people": JSON key and CLI word */
    const char *file;   /* "people.csv" */
    const char *table;  /* SQL table */
    const struct hv_field_def *fields;
    size_t n_fields;           /* field 0 is always "ref" */
    int parent_field;          /* index of the parent-ref field (case_ref, person_ref) or -1 */
    enum hv_kind_id parent;    /* kind the parent ref points to */
    const char *parent_column; /* "case_id" */
};

/* A record: values[i] is field i's canonical text (empty = not known). Arena-owned. */
struct hv_record {
    const struct hv_kind_def *kind;
    int64_t id;        /* database id, 0 before it is stored */
    int64_t parent_id; /* database id of the parent, 0 when none */
    int64_t audit_seq; /* audit entry that last wrote it (read only) */
    struct hv_str values[HV_REC_MAX_FIELDS];
};

const struct hv_kind_def *hv_kind(enum hv_kind_id id);
/* By singular or plural name ("person"/"people"); NULL when unknown. */
const struct hv_kind_def *hv_kind_by_name(struct hv_str name);
/* Index of a field by name, or -1. */
int hv_kind_field(const struct hv_kind_def *k, struct hv_str name);

/* Validates and canonicalises rec in place (trims, fills defaults, normalises dates and
 * lists); canonical text is allocated in a. On failure diag names the field and the reason. */
HV_MUST_CHECK enum hv_err hv_record_validate(struct hv_arena *a, struct hv_record *rec,
                                             struct hv_diag *diag);

/* --- import --------------------------------------------------------------------------- */

struct hv_import_counts {
    uint64_t created[HV_N_KINDS];
    uint64_t updated[HV_N_KINDS];
    uint64_t unchanged[HV_N_KINDS];
    uint64_t rejected[HV_N_KINDS];
};

struct hv_import_options {
    const char *reject_file; /* NULL: all-or-nothing; else commit valid rows, write rejects */
    bool dry_run;            /* validate and count, then roll back */
    const struct hv_vault_key_source *key_source; /* opens sealed exports; may be NULL */
};

/* Imports files (CSV files, directories of them, JSON documents, sealed exports) in one
 * transaction with one audit entry. On HV_ERR_INVALID without a reject file nothing was
 * written and diag names the file, line, field and reason. */
HV_MUST_CHECK enum hv_err hv_registry_import(struct hv_ctx *ctx, const char *const *paths,
                                             size_t n_paths, const struct hv_import_options *opt,
                                             struct hv_import_counts *counts, struct hv_diag *diag);

/* --- export --------------------------------------------------------------------------- */

enum hv_export_format { HV_EXPORT_CSV, HV_EXPORT_JSON };

/* CSV: writes one file per kind into the directory out (created if missing).
 * JSON: writes one document to out ("-" for stdout). sealed (JSON only) writes it through the
 * vault's sealed-file format. */
HV_MUST_CHECK enum hv_err hv_registry_export(struct hv_ctx *ctx, enum hv_export_format format,
                                             const char *out, bool sealed, struct hv_diag *diag);

/* --- reading -------------------------------------------------------------------------- */

/* Loads one record by ref (unsealed into a). HV_ERR_NOTFOUND when there is none. */
HV_MUST_CHECK enum hv_err hv_record_get(struct hv_ctx *ctx, struct hv_arena *a,
                                        const struct hv_kind_def *k, struct hv_str ref,
                                        struct hv_record *out);
/* Loads one record by database id. */
HV_MUST_CHECK enum hv_err hv_record_get_id(struct hv_ctx *ctx, struct hv_arena *a,
                                           const struct hv_kind_def *k, int64_t id,
                                           struct hv_record *out);

typedef enum hv_err hv_record_fn(void *ud, const struct hv_record *rec);
/* Calls fn for every record of kind k (parent_id 0 = all, else only that parent's), in id
 * order, each unsealed into a scratch arena that is reset between records. */
HV_MUST_CHECK enum hv_err hv_record_each(struct hv_ctx *ctx, const struct hv_kind_def *k,
                                         int64_t parent_id, hv_record_fn *fn, void *ud);

/* A case with everything under it. */
struct hv_case_view {
    struct hv_record kase;
    struct hv_record *people;
    size_t n_people;
    struct hv_record *documents;
    size_t n_documents;
    struct hv_record *employment;
    size_t n_employment;
    struct hv_record *contacts;
    size_t n_contacts;
};
HV_MUST_CHECK enum hv_err hv_case_view_get(struct hv_ctx *ctx, struct hv_arena *a,
                                           struct hv_str case_ref, struct hv_case_view *out);

/* People whose name tokens include every token of query (exact after normalisation, through
 * the blind index), or whose document number equals doc. At most max results. */
struct hv_person_hit {
    struct hv_record person;
    struct hv_str case_ref;
};
HV_MUST_CHECK enum hv_err hv_person_find(struct hv_ctx *ctx, struct hv_arena *a,
                                         struct hv_str name_query, struct hv_str doc_number,
                                         size_t max, struct hv_person_hit **hits, size_t *n_hits,
                                         struct hv_diag *diag);

/* --- correction ----------------------------------------------------------------------- */

/* Sets field to value on the record of kind k with the given ref, validated as on import,
 * audited as "<kind>.edit" with the field name (never the value) in the detail. */
HV_MUST_CHECK enum hv_err hv_record_edit(struct hv_ctx *ctx, const struct hv_kind_def *k,
                                         struct hv_str ref, struct hv_str field,
                                         struct hv_str value, struct hv_diag *diag);

/* Re-seals every sealed field of every record under the vault's current data key (after
 * hv_vault_rotate_data_key), in one transaction with one audit entry; reports progress. */
HV_MUST_CHECK enum hv_err hv_registry_reseal(struct hv_ctx *ctx, uint64_t *n_records,
                                             struct hv_diag *diag);

/* Number of people in the case with database id case_id. */
HV_MUST_CHECK enum hv_err hv_case_people_count(struct hv_ctx *ctx, int64_t case_id, int64_t *n);

/* Counts of each kind, for summaries. */
HV_MUST_CHECK enum hv_err hv_registry_counts(struct hv_ctx *ctx, int64_t counts[HV_N_KINDS]);

/* Normalises a name token for the blind index: case-folded, Latin diacritics and Arabic
 * letter variants folded (ي→ی, ك→ک). Writes at most out_cap bytes; returns the length. */
size_t hv_registry_name_key(struct hv_str token, char *out, size_t out_cap);

#endif
