/* fuzz_csv.c - fuzz harness for the CSV reader and writer: reads every record of the input
 * from memory, checks the reader's invariants, and writes each record back with
 * hv_csv_write_field to check that re-parsing gives the same fields; a FILE reader over the
 * same bytes must agree with the memory reader call for call. Aborts on any inconsistency.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "haven/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                            \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "fuzz_csv: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                             \
        }                                                                        \
    } while (0)

/* Writes the current record as one CSV line and checks that reading it back gives the same
 * fields, and that each field alone round-trips too. */
static void check_round_trip(const struct hv_csv_reader *r, struct hv_buf *line)
{
    size_t n = hv_csv_n_fields(r);
    hv_buf_reset(line);
    for (size_t i = 0; i < n; i++) {
        struct hv_str f = hv_csv_field(r, i);
        REQUIRE(memchr(f.ptr, '\0', f.len) == NULL); /* the reader rejects NUL bytes */
        if (i > 0)
            REQUIRE(hv_buf_putc(line, ',') == HV_OK);
        REQUIRE(hv_csv_write_field(line, f) == HV_OK);
    }
    REQUIRE(hv_buf_appendz(line, "\r\n") == HV_OK);

    struct hv_csv_reader back;
    bool eof = false;
    struct hv_diag diag;
    hv_diag_clear(&diag);
    hv_csv_init_mem(&back, line->ptr, line->len);
    enum hv_err err = hv_csv_next(&back, &eof, &diag);
    /* Writing adds quotes, so an input record close to the size limit may grow past it. */
    if (err == HV_ERR_LIMIT && line->len > HV_CSV_MAX_RECORD) {
        hv_csv_finish(&back);
        return;
    }
    REQUIRE(err == HV_OK);
    REQUIRE(!eof);
    REQUIRE(back.record_line == 1);
    REQUIRE(hv_csv_n_fields(&back) == n);
    for (size_t i = 0; i < n; i++)
        REQUIRE(hv_str_eq(hv_csv_field(&back, i), hv_csv_field(r, i)));
    REQUIRE(hv_csv_next(&back, &eof, &diag) == HV_OK);
    REQUIRE(eof);
    REQUIRE(back.byte_offset == line->len);
    hv_csv_finish(&back);

    /* Each field on its own line. */
    for (size_t i = 0; i < n && i < 4; i++) {
        struct hv_str f = hv_csv_field(r, i);
        hv_buf_reset(line);
        REQUIRE(hv_csv_write_field(line, f) == HV_OK);
        REQUIRE(hv_buf_putc(line, '\n') == HV_OK);
        hv_csv_init_mem(&back, line->ptr, line->len);
        err = hv_csv_next(&back, &eof, &diag);
        if (err == HV_ERR_LIMIT && line->len > HV_CSV_MAX_RECORD) {
            hv_csv_finish(&back);
            continue;
        }
        REQUIRE(err == HV_OK);
        REQUIRE(!eof);
        REQUIRE(hv_csv_n_fields(&back) == 1);
        REQUIRE(hv_str_eq(hv_csv_field(&back, 0), f));
        hv_csv_finish(&back);
    }
}

/* Reads the next record through the FILE reader and checks it matches the memory reader's
 * result for the same call. */
static void check_file_reader(struct hv_csv_reader *fr, const struct hv_csv_reader *r,
                              enum hv_err err, bool eof, const struct hv_diag *diag)
{
    bool feof_ = false;
    struct hv_diag fdiag;
    hv_diag_clear(&fdiag);
    enum hv_err ferr = hv_csv_next(fr, &feof_, &fdiag);
    REQUIRE(ferr == err);
    REQUIRE(feof_ == eof);
    REQUIRE(fdiag.line == diag->line);
    REQUIRE(strcmp(fdiag.msg, diag->msg) == 0);
    REQUIRE(fr->byte_offset == r->byte_offset);
    REQUIRE(fr->line == r->line);
    if (err != HV_OK || eof)
        return;
    REQUIRE(fr->record_line == r->record_line);
    REQUIRE(hv_csv_n_fields(fr) == hv_csv_n_fields(r));
    for (size_t i = 0; i < hv_csv_n_fields(r); i++)
        REQUIRE(hv_str_eq(hv_csv_field(fr, i), hv_csv_field(r, i)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_csv_reader r, fr;
    struct hv_buf line;
    hv_csv_init_mem(&r, (const char *)data, size);
    hv_buf_init(&line, 0);
    /* fmemopen may refuse a zero-size buffer; the memory reader alone covers that case. */
    FILE *f = size > 0 ? fmemopen((void *)data, size, "r") : NULL;
    if (f != NULL)
        hv_csv_init_file(&fr, f);

    uint64_t prev_line = 0, prev_offset = 0;
    /* Every call consumes at least one byte, so the loop ends within size + 1 calls. */
    for (size_t calls = 0; calls <= size + 1; calls++) {
        bool eof = false;
        struct hv_diag diag;
        hv_diag_clear(&diag);
        enum hv_err err = hv_csv_next(&r, &eof, &diag);
        if (f != NULL)
            check_file_reader(&fr, &r, err, eof, &diag);
        REQUIRE(r.byte_offset <= size);
        REQUIRE(r.line >= 1);
        if (err != HV_OK) {
            REQUIRE(err == HV_ERR_INVALID || err == HV_ERR_LIMIT);
            REQUIRE(hv_diag_has(&diag));
            REQUIRE(diag.line >= 1 && diag.line <= r.line);
            REQUIRE(hv_csv_n_fields(&r) == 0);
            REQUIRE(r.byte_offset > prev_offset);
            prev_offset = r.byte_offset;
            continue;
        }
        if (eof) {
            REQUIRE(r.byte_offset == size);
            break;
        }
        REQUIRE(r.byte_offset > prev_offset);
        prev_offset = r.byte_offset;
        size_t n = hv_csv_n_fields(&r);
        REQUIRE(n >= 1 && n <= HV_CSV_MAX_FIELDS);
        REQUIRE(r.record_line > prev_line && r.record_line <= r.line);
        prev_line = r.record_line;
        size_t total = 0;
        for (size_t i = 0; i < n; i++)
            total += hv_csv_field(&r, i).len;
        REQUIRE(total <= HV_CSV_MAX_RECORD);
        check_round_trip(&r, &line);
    }
    REQUIRE(r.byte_offset == size);
    hv_buf_finish(&line);
    hv_csv_finish(&r);
    if (f != NULL) {
        hv_csv_finish(&fr);
        fclose(f);
    }
    return 0;
}
