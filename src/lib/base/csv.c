/* csv.c - a streaming RFC 4180 reader (FILE* or memory) that tracks the physical line where
 * each record starts, enforces field and record limits, and a field writer that quotes only
 * when needed. See docs/internals/CSV.md.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/csv.h"

#include <assert.h>
#include <string.h>

/* Values of r->pending besides a byte: nothing looked ahead, or end of input looked ahead. */
#define PENDING_NONE (-1)
#define PENDING_EOF  (-2)
/* What get() and peek() return at the end of input. */
#define END (-1)

static const char BOM[3] = { '\xEF', '\xBB', '\xBF' };

static void init_common(struct hv_csv_reader *r)
{
    memset(r, 0, sizeof(*r));
    r->line = 1;
    r->pending = PENDING_NONE;
    r->first = true;
    hv_buf_init(&r->rec, HV_CSV_MAX_RECORD);
}

void hv_csv_init_file(struct hv_csv_reader *r, FILE *f)
{
    init_common(r);
    r->f = f;
}

void hv_csv_init_mem(struct hv_csv_reader *r, const char *data, size_t len)
{
    init_common(r);
    r->mem = data;
    r->mem_len = data != NULL ? len : 0;
}

void hv_csv_finish(struct hv_csv_reader *r)
{
    if (r == NULL)
        return;
    hv_buf_finish(&r->rec);
    r->n_fields = 0;
}

/* For a FILE source, mem holds the bytes of a partial byte-order mark that turned out to be
 * data: they are replayed before the pending byte and the rest of the file. */
static bool replaying(const struct hv_csv_reader *r)
{
    return r->f != NULL && r->mem_pos < r->mem_len;
}

static int source_byte(struct hv_csv_reader *r)
{
    if (r->f != NULL) {
        int c = getc(r->f);
        return c == EOF ? END : c;
    }
    if (r->mem_pos < r->mem_len)
        return (unsigned char)r->mem[r->mem_pos++];
    return END;
}

static int peek(struct hv_csv_reader *r)
{
    if (replaying(r))
        return (unsigned char)r->mem[r->mem_pos];
    if (r->pending == PENDING_NONE) {
        int c = source_byte(r);
        r->pending = c == END ? PENDING_EOF : c;
    }
    return r->pending == PENDING_EOF ? END : r->pending;
}

/* The next byte, or END. Keeps r->line as the line of the byte after the one returned: LF,
 * CRLF and a lone CR each end one physical line. */
static int get(struct hv_csv_reader *r)
{
    int c;
    if (replaying(r)) {
        c = (unsigned char)r->mem[r->mem_pos++];
    } else if (r->pending != PENDING_NONE) {
        c = r->pending == PENDING_EOF ? END : r->pending;
        r->pending = PENDING_NONE;
    } else {
        c = source_byte(r);
    }
    if (c == END)
        return END;
    r->byte_offset++;
    if (c == '\n')
        r->line++;
    else if (c == '\r' && peek(r) != '\n')
        r->line++;
    return c;
}

static void skip_bom(struct hv_csv_reader *r)
{
    if (r->f == NULL) {
        if (r->mem_len >= 3 && memcmp(r->mem, BOM, 3) == 0) {
            r->mem_pos = 3;
            r->byte_offset = 3;
        }
        return;
    }
    /* A FILE can push back only one byte, so a mismatching prefix of the mark is replayed
     * from the constant BOM bytes and the byte that differed becomes the pending byte. */
    size_t matched = 0;
    int c = END;
    while (matched < 3) {
        c = getc(r->f);
        if (c == EOF || (unsigned char)BOM[matched] != c)
            break;
        matched++;
    }
    if (matched == 3) {
        r->byte_offset = 3;
        return;
    }
    r->mem = BOM;
    r->mem_len = matched;
    r->mem_pos = 0;
    r->pending = c == EOF ? PENDING_EOF : c;
}

/* Records a syntax error and skips the rest of the physical line, so a caller that wants to
 * reject the row and go on resumes at the next line. */
static enum hv_err fail(struct hv_csv_reader *r, enum hv_err err, uint64_t line,
                        struct hv_diag *diag, const char *msg)
{
    hv_diag_at(diag, NULL, line);
    hv_diag_set(diag, NULL, "%s", msg);
    r->n_fields = 0;
    hv_buf_reset(&r->rec);
    for (;;) {
        int c = get(r);
        if (c == END || c == '\n')
            break;
        if (c == '\r') {
            if (peek(r) == '\n')
                (void)get(r);
            break;
        }
    }
    return err;
}

static enum hv_err io_error(struct hv_csv_reader *r, struct hv_diag *diag)
{
    hv_diag_at(diag, NULL, r->line);
    hv_diag_set(diag, NULL, "read error");
    r->n_fields = 0;
    return HV_ERR_IO;
}

static bool read_failed(const struct hv_csv_reader *r)
{
    return r->f != NULL && ferror(r->f);
}

#define STR_(x)         #x
#define STR(x)          STR_(x)
#define MSG_TOO_LONG    "record is longer than 1048576 bytes"
#define MSG_TOO_MANY    "record has more than " STR(HV_CSV_MAX_FIELDS) " fields"
#define MSG_STRAY_QUOTE "quote character inside an unquoted field"
#define MSG_AFTER_QUOTE "unexpected character after a closing quote"
#define MSG_NUL         "NUL byte in input"
static_assert(HV_CSV_MAX_RECORD == 1048576, "MSG_TOO_LONG names the record limit");

static enum hv_err unterminated(struct hv_csv_reader *r, uint64_t quote_line, struct hv_diag *diag)
{
    char msg[80];
    snprintf(msg, sizeof(msg), "unterminated quoted field starting on line %llu",
             (unsigned long long)quote_line);
    return fail(r, HV_ERR_INVALID, quote_line, diag, msg);
}

/* Appends one unescaped byte to the record, enforcing the raw record size limit. */
static bool add_byte(struct hv_csv_reader *r, int c, uint64_t start_offset)
{
    if (r->byte_offset - start_offset > HV_CSV_MAX_RECORD)
        return false;
    return hv_buf_putc(&r->rec, (char)c) == HV_OK;
}

enum hv_err hv_csv_next(struct hv_csv_reader *r, bool *eof, struct hv_diag *diag)
{
    *eof = false;
    if (r->first) {
        r->first = false;
        skip_bom(r);
    }
    hv_buf_reset(&r->rec);
    r->n_fields = 0;
    r->starts[0] = 0;
    r->record_line = r->line;
    uint64_t start = r->byte_offset;

    int c = get(r);
    if (c == END) {
        if (read_failed(r))
            return io_error(r, diag);
        *eof = true;
        return HV_OK;
    }

    size_t nf = 0;
    for (;;) {
        if (nf == HV_CSV_MAX_FIELDS)
            return fail(r, HV_ERR_LIMIT, r->record_line, diag, MSG_TOO_MANY);
        r->starts[nf] = r->rec.len;
        if (c == '"') {
            uint64_t quote_line = r->line;
            for (;;) {
                c = get(r);
                if (c == END) {
                    if (read_failed(r))
                        return io_error(r, diag);
                    return unterminated(r, quote_line, diag);
                }
                if (c == '"') {
                    c = get(r);
                    if (c != '"')
                        break;
                } else if (c == '\0') {
                    return fail(r, HV_ERR_INVALID, r->line, diag, MSG_NUL);
                }
                if (!add_byte(r, c, start))
                    return fail(r, HV_ERR_LIMIT, r->record_line, diag, MSG_TOO_LONG);
            }
            /* c is the byte after the closing quote. */
            if (c == '\0')
                return fail(r, HV_ERR_INVALID, r->line, diag, MSG_NUL);
            if (c != ',' && c != '\n' && c != '\r' && c != END)
                return fail(r, HV_ERR_INVALID, r->line, diag, MSG_AFTER_QUOTE);
        } else {
            while (c != ',' && c != '\n' && c != '\r' && c != END) {
                if (c == '"')
                    return fail(r, HV_ERR_INVALID, r->line, diag, MSG_STRAY_QUOTE);
                if (c == '\0')
                    return fail(r, HV_ERR_INVALID, r->line, diag, MSG_NUL);
                if (!add_byte(r, c, start))
                    return fail(r, HV_ERR_LIMIT, r->record_line, diag, MSG_TOO_LONG);
                c = get(r);
            }
        }
        nf++;
        r->starts[nf] = r->rec.len;
        if (c != ',')
            break;
        c = get(r);
    }
    if (c == '\r' && peek(r) == '\n')
        (void)get(r);
    if (c == END && read_failed(r))
        return io_error(r, diag);
    r->n_fields = nf;
    return HV_OK;
}

size_t hv_csv_n_fields(const struct hv_csv_reader *r)
{
    return r->n_fields;
}

struct hv_str hv_csv_field(const struct hv_csv_reader *r, size_t i)
{
    if (i >= r->n_fields || r->rec.ptr == NULL)
        return (struct hv_str){ "", 0 };
    return (struct hv_str){ r->rec.ptr + r->starts[i], r->starts[i + 1] - r->starts[i] };
}

static bool needs_quotes(struct hv_str s)
{
    if (s.len == 0)
        return false;
    char first = s.ptr[0], last = s.ptr[s.len - 1];
    if (first == ' ' || first == '\t' || last == ' ' || last == '\t')
        return true;
    /* A leading byte-order mark would be stripped by a reader at the start of a file. */
    if (s.len >= 3 && memcmp(s.ptr, BOM, 3) == 0)
        return true;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            return true;
    }
    return false;
}

enum hv_err hv_csv_write_field(struct hv_buf *b, struct hv_str s)
{
    if (s.len > 0 && memchr(s.ptr, '\0', s.len) != NULL)
        return HV_ERR_INVALID; /* the reader rejects NUL bytes, so they cannot round-trip */
    if (!needs_quotes(s))
        return hv_buf_append_str(b, s);

    size_t saved = b->len;
    enum hv_err err = hv_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < s.len && err == HV_OK; i++) {
        if (s.ptr[i] == '"') {
            /* Copy up to and including the quote, then write it a second time. */
            err = hv_buf_append(b, s.ptr + run, i + 1 - run);
            if (err == HV_OK)
                err = hv_buf_putc(b, '"');
            run = i + 1;
        }
    }
    if (err == HV_OK)
        err = hv_buf_append(b, s.ptr + run, s.len - run);
    if (err == HV_OK)
        err = hv_buf_putc(b, '"');
    if (err != HV_OK) {
        /* Leave the buffer as it was, as hv_buf_append does. */
        b->len = saved;
        if (b->ptr != NULL)
            b->ptr[saved] = '\0';
    }
    return err;
}
