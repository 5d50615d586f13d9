/* sink.c - buffered CSV output files for the demo generator, with a sticky error so that the
 * row writers need no error checks; the first failure is reported when the file is closed.
 * Plain fields are copied straight into a fixed buffer; the few that need quoting go through
 * hv_csv_write_field, so the output is exactly what the CSV writer produces.
 * SPDX-License-Identifier: Apache-2.0 */
#include "demo/demo_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "haven/csv.h"

static void flush(struct hv__demo_sink *s)
{
    if (s->err != HV_OK || s->f == NULL || s->len == 0)
        return;
    if (fwrite(s->buf, 1, s->len, s->f) != s->len)
        s->err = HV_ERR_IO;
    s->len = 0;
}

/* Appends n bytes, flushing first when they do not fit. */
static void put(struct hv__demo_sink *s, const char *p, size_t n)
{
    if (s->err != HV_OK)
        return;
    if (n > HV__DEMO_SINK_BUF - s->len) {
        flush(s);
        if (n > HV__DEMO_SINK_BUF) {
            s->err = HV_ERR_LIMIT;
            return;
        }
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

enum hv_err hv__demo_sink_open(struct hv__demo_sink *s, const char *dir, const char *name,
                               const char *header, struct hv_diag *diag)
{
    memset(s, 0, sizeof(*s));
    hv_buf_init(&s->quoted, 0);
    enum hv_err err = hv__demo_path(s->path, sizeof(s->path), dir, name, diag);
    if (err != HV_OK) {
        s->err = err;
        return err;
    }
    s->f = fopen(s->path, "wb");
    if (s->f == NULL) {
        hv_diag_at(diag, s->path, 0);
        hv_diag_set(diag, NULL, "cannot create: %s", strerror(errno));
        s->err = HV_ERR_IO;
        return HV_ERR_IO;
    }
    s->buf = hv_xmalloc(HV__DEMO_SINK_BUF);
    put(s, header, strlen(header));
    put(s, "\n", 1);
    return HV_OK;
}

/* Length of z, and whether hv_csv_write_field would quote it: a comma, quote, CR or LF
 * anywhere, or a space at either end. One pass, as this runs for every field. */
static size_t scan(const char *z, bool *quote)
{
    size_t n = 0;
    bool q = z[0] == ' ';
    for (; z[n] != '\0'; n++) {
        char c = z[n];
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            q = true;
    }
    if (n > 0 && z[n - 1] == ' ')
        q = true;
    *quote = q;
    return n;
}

void hv__demo_sink_field(struct hv__demo_sink *s, const char *z)
{
    if (s->err != HV_OK)
        return;
    bool quote = false;
    size_t n = scan(z, &quote);
    if (s->row_open)
        put(s, ",", 1);
    s->row_open = true;
    if (!quote) {
        put(s, z, n);
        return;
    }
    hv_buf_reset(&s->quoted);
    enum hv_err err = hv_csv_write_field(&s->quoted, (struct hv_str){ z, n });
    if (err != HV_OK) {
        s->err = err;
        return;
    }
    put(s, s->quoted.ptr, s->quoted.len);
}

void hv__demo_sink_end_row(struct hv__demo_sink *s)
{
    put(s, "\n", 1);
    s->row_open = false;
    s->rows++;
}

enum hv_err hv__demo_sink_close(struct hv__demo_sink *s, struct hv_diag *diag)
{
    enum hv_err before = s->err;
    flush(s);
    if (s->f != NULL) {
        if (fclose(s->f) != 0 && s->err == HV_OK)
            s->err = HV_ERR_IO;
        s->f = NULL;
    }
    free(s->buf);
    s->buf = NULL;
    hv_buf_finish(&s->quoted);
    if (before == HV_OK && s->err == HV_ERR_IO) {
        hv_diag_at(diag, s->path, 0);
        hv_diag_set(diag, NULL, "write failed");
    }
    return s->err;
}
