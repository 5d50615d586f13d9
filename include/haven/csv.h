/* csv.h - a streaming RFC 4180 reader with line numbers and limits, and a field writer.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_CSV_H
#define HV_CSV_H

#include <stdio.h>
#include "haven/buf.h"
#include "haven/err.h"
#include "haven/str.h"

#define HV_CSV_MAX_FIELDS 256
#define HV_CSV_MAX_RECORD (1u << 20) /* bytes in one record */

struct hv_csv_reader {
    FILE *f;         /* borrowed, or NULL for an in-memory source */
    const char *mem; /* in-memory source */
    size_t mem_len, mem_pos;
    uint64_t line;        /* physical line of the next byte, 1-based */
    uint64_t record_line; /* line where the last returned record started */
    uint64_t byte_offset; /* bytes consumed so far (for progress) */
    struct hv_buf rec;    /* unescaped field bytes of the current record */
    size_t starts[HV_CSV_MAX_FIELDS + 1];
    size_t n_fields;
    int pending; /* one byte of look-ahead, or -1 */
    bool first;  /* a UTF-8 byte-order mark is skipped at the start */
};

void hv_csv_init_file(struct hv_csv_reader *r, FILE *f);
void hv_csv_init_mem(struct hv_csv_reader *r, const char *data, size_t len);
void hv_csv_finish(struct hv_csv_reader *r);

/* Reads the next record. At the end of input sets *eof and returns HV_OK. A blank line is a
 * record with one empty field. Errors (HV_ERR_INVALID or HV_ERR_LIMIT) set diag's line and
 * message: an unterminated quote, a stray quote, too many fields, an over-long record. */
HV_MUST_CHECK enum hv_err hv_csv_next(struct hv_csv_reader *r, bool *eof, struct hv_diag *diag);
size_t hv_csv_n_fields(const struct hv_csv_reader *r);
/* Field i of the current record; valid until the next call to hv_csv_next. */
struct hv_str hv_csv_field(const struct hv_csv_reader *r, size_t i);

/* Appends s as one CSV field, quoted when it holds a comma, quote, CR, LF or leading/trailing
 * space. */
HV_MUST_CHECK enum hv_err hv_csv_write_field(struct hv_buf *b, struct hv_str s);

#endif
