/* err.h - the one error enum of libhaven and the user-facing diagnostic that goes with it.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_ERR_H
#define HV_ERR_H

#include "haven/common.h"

enum hv_err {
    HV_OK = 0,
    HV_ERR_NOMEM,     /* heap exhausted (normally aborts instead, see ERRORS.md) */
    HV_ERR_LIMIT,     /* input or arena exceeded a configured limit */
    HV_ERR_INVALID,   /* input violates a contract; details in struct hv_diag */
    HV_ERR_NOTFOUND,  /* the named thing does not exist */
    HV_ERR_CONFLICT,  /* uniqueness or concurrent-update conflict */
    HV_ERR_FORBIDDEN, /* the actor may not do this */
    HV_ERR_DB,        /* storage failure; details logged, never shown to clients */
    HV_ERR_IO,        /* file or device failure */
    HV_ERR_CRYPTO,    /* wrong key, tampered ciphertext, or a key that was shredded */
    HV_ERR_INTERNAL,  /* a bug */
};

/* A short English description of err; never NULL. */
const char *hv_err_str(enum hv_err err);

/* The process exit code the CLI uses for err (documented in `haven --help`). */
int hv_err_exit_code(enum hv_err err);

/* User-facing detail about a failure: where (file, line, field) and why. Safe to show to the
 * user who supplied the input; never holds SQL or library error text. */
struct hv_diag {
    char file[256]; /* input file, or "" */
    uint64_t line;  /* 1-based line (or record) in file, 0 when not applicable */
    char field[64]; /* field or column name, or "" */
    char msg[320];  /* the reason, a sentence without trailing period */
};

/* Clears d (NULL-safe). */
void hv_diag_clear(struct hv_diag *d);
/* Sets the field and formatted reason (NULL-safe; field may be NULL). Keeps file and line. */
void hv_diag_set(struct hv_diag *d, const char *field, const char *fmt, ...) HV_PRINTF(3, 4);
/* Sets file and line (NULL-safe; file may be NULL to keep it). */
void hv_diag_at(struct hv_diag *d, const char *file, uint64_t line);
/* Writes "file:line: field: msg" (parts omitted when empty) into out, NUL-terminated. */
void hv_diag_format(const struct hv_diag *d, char *out, size_t out_len);
/* True when d holds a message. */
bool hv_diag_has(const struct hv_diag *d);

#endif
