/* sites_int.h - what the files of the sites module share: CSV column mapping and field checks,
 * file reading, and small store helpers.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_SITES_INT_H
#define HV_SITES_INT_H

#include "haven/arena.h"
#include "haven/csv.h"
#include "haven/sites.h"
#include "haven/store.h"

/* Reads a whole file (at most HV_SITES_MAX_FILE bytes) into b; HV_ERR_IO or HV_ERR_LIMIT with
 * the file named in diag. */
HV_MUST_CHECK enum hv_err hv__sites_read_file(const char *path, struct hv_buf *b,
                                              struct hv_diag *diag);

/* Column spec of a CSV layout: name and whether it must be present. */
struct hv__col {
    const char *name;
    bool required;
};

/* Maps header fields to the columns of spec (n_cols entries): idx[c] is the field index of
 * column c or -1. Unknown or repeated header fields, and missing required ones, are
 * HV_ERR_INVALID. */
HV_MUST_CHECK enum hv_err hv__sites_map_header(const struct hv_csv_reader *r,
                                               const struct hv__col *spec, size_t n_cols, int *idx,
                                               struct hv_diag *diag);

/* Field c of the current record (empty when the column is absent), trimmed, copied into a. */
struct hv_str hv__sites_field(struct hv_arena *a, const struct hv_csv_reader *r, const int *idx,
                              size_t c);

/* Field checks: set diag's field and message and return HV_ERR_INVALID on failure. */
HV_MUST_CHECK enum hv_err hv__check_ref(const char *field, struct hv_str v, struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv__check_text(const char *field, struct hv_str v, size_t max_len,
                                         bool required, struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv__check_country(const char *field, struct hv_str v,
                                            struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv__parse_real(const char *field, struct hv_str v, double min, double max,
                                         double *out, struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv__parse_int(const char *field, struct hv_str v, int64_t min,
                                        int64_t max, int64_t *out, struct hv_diag *diag);
/* A ';'-list whose items are each in allowed (NULL = any item matching [a-z0-9_]{1,16});
 * canonicalised (trimmed, lower case, no empty items) into a. */
HV_MUST_CHECK enum hv_err hv__check_list(struct hv_arena *a, const char *field, struct hv_str v,
                                         const char *const *allowed, struct hv_str *out,
                                         struct hv_diag *diag);

/* Copies column text of the current row into a. */
struct hv_str hv__col_dup(struct hv_arena *a, struct hv_stmt *s, int i);

/* Case id and registry location_ref (copied into a) by ref; HV_ERR_NOTFOUND with diag. */
HV_MUST_CHECK enum hv_err hv__case_lookup(struct hv_ctx *ctx, struct hv_arena *a,
                                          struct hv_str case_ref, int64_t *case_id,
                                          struct hv_str *location_ref, struct hv_diag *diag);

/* Site id, name and country by ref (HV_ERR_NOTFOUND with diag). */
HV_MUST_CHECK enum hv_err hv__site_id(struct hv_ctx *ctx, struct hv_str ref, int64_t *id,
                                      struct hv_diag *diag);

/* Capacity of one kind at a site in force at instant at. */
HV_MUST_CHECK enum hv_err hv__site_capacity_at(struct hv_ctx *ctx, int64_t site_id,
                                               enum hv_bed_kind kind, int64_t at, int64_t *beds);

/* The check-in inside the caller's transaction (used by movement arrival). movement_id is
 * stored with the stay (0 = none). */
HV_MUST_CHECK enum hv_err
hv__stay_checkin_tx(struct hv_ctx *ctx, struct hv_arena *a, int64_t case_id, struct hv_str case_ref,
                    struct hv_str site_ref, const struct hv_checkin_options *opt,
                    int64_t movement_id, struct hv_stay *out, struct hv_diag *diag);
/* The check-out inside the caller's transaction; *found false when no open stay. */
HV_MUST_CHECK enum hv_err hv__stay_checkout_tx(struct hv_ctx *ctx, int64_t case_id,
                                               struct hv_str case_ref, int64_t at, bool *found,
                                               struct hv_diag *diag);

/* Time used for a default "now": the context's clock. */
int64_t hv__sites_now(struct hv_ctx *ctx);

#endif
