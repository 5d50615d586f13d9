/* import_int.h - the import driver's record sink, shared by the CSV and JSON readers.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_IMPORT_INT_H
#define HV_IMPORT_INT_H

#include <stdio.h>

#include "registry/registry_int.h"

struct hv__import {
    struct hv_ctx *ctx;
    const struct hv_import_options *opt;
    struct hv_import_counts *counts;
    struct hv__reg_writer writer;
    struct hv_arena rec_arena; /* reset after every record */
    FILE *rejects;             /* open when opt->reject_file is set */
    uint64_t n_rejected;
    uint64_t bytes_done, bytes_total; /* progress over all inputs */
};

/* Validates, resolves and stores one record read from file:line. raw (may be empty) is the
 * record as it was read, written to the reject file when the record is refused. In reject
 * mode an invalid record is written there and HV_OK is returned; otherwise the error is
 * returned with diag set (file and line included). */
HV_MUST_CHECK enum hv_err hv__import_record(struct hv__import *im, struct hv_record *rec,
                                            const char *file, uint64_t line, struct hv_str raw,
                                            struct hv_diag *diag);
void hv__import_progress(struct hv__import *im, uint64_t file_bytes_done);

/* Readers: each streams one input into hv__import_record. */
HV_MUST_CHECK enum hv_err hv__import_csv(struct hv__import *im, const char *path,
                                         const struct hv_kind_def *k, struct hv_diag *diag);
/* The rest of an opened CSV file (header read, columns mapped) on two threads; only for
 * all-new rows without a reject file (see import_pipeline.c). */
struct hv_csv_reader;
HV_MUST_CHECK enum hv_err hv__import_csv_pipelined(struct hv__import *im, const char *path,
                                                   const struct hv_kind_def *k,
                                                   struct hv_csv_reader *r, const int *map,
                                                   size_t n_cols, struct hv_diag *diag);
/* Reads the header of a CSV file to tell its kind (NULL with diag set when it cannot). */
HV_MUST_CHECK enum hv_err hv__import_csv_kind(const char *path, const struct hv_kind_def **k,
                                              struct hv_diag *diag);
/* JSON document (data, len), named path in messages. */
HV_MUST_CHECK enum hv_err hv__import_json(struct hv__import *im, const char *path, const char *data,
                                          size_t len, struct hv_diag *diag);

#endif
