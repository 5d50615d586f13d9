/* import_csv.c - reads one registry CSV file (its kind told by the header) into records.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "haven/csv.h"
#include "registry/import_int.h"

/* The kind whose required columns all appear in the header, preferring the most specific. */
static const struct hv_kind_def *kind_of_header(const struct hv_csv_reader *r)
{
    static const char *const signatures[HV_N_KINDS][4] = {
        [HV_KIND_LOCATION] = { "ref", "kind", "country", "name" },
        [HV_KIND_CASE] = { "ref", "programme", NULL, NULL },
        [HV_KIND_PERSON] = { "ref", "case_ref", NULL, NULL },
        [HV_KIND_DOCUMENT] = { "ref", "person_ref", "number", NULL },
        [HV_KIND_EMPLOYMENT] = { "ref", "person_ref", "employer", NULL },
        [HV_KIND_CONTACT] = { "ref", "person_ref", "value", NULL },
    };
    for (int k = 0; k < HV_N_KINDS; k++) {
        bool all = true;
        for (int j = 0; j < 4 && signatures[k][j] != NULL && all; j++) {
            bool found = false;
            for (size_t c = 0; c < hv_csv_n_fields(r) && !found; c++)
                found = hv_str_eqz(hv_str_trim(hv_csv_field(r, c)), signatures[k][j]);
            all = found;
        }
        if (all)
            return hv_kind(k);
    }
    return NULL;
}

static enum hv_err open_csv(const char *path, FILE **f, struct hv_csv_reader *r,
                            struct hv_diag *diag)
{
    *f = fopen(path, "rb");
    if (*f == NULL) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    hv_csv_init_file(r, *f);
    bool eof = false;
    enum hv_err err = hv_csv_next(r, &eof, diag);
    if (err == HV_OK && eof) {
        hv_diag_at(diag, path, 1);
        hv_diag_set(diag, NULL, "the file is empty: a header row is required");
        err = HV_ERR_INVALID;
    }
    if (err != HV_OK) {
        hv_diag_at(diag, path, diag ? diag->line : 0);
        hv_csv_finish(r);
        fclose(*f);
        *f = NULL;
    }
    return err;
}

enum hv_err hv__import_csv_kind(const char *path, const struct hv_kind_def **k,
                                struct hv_diag *diag)
{
    FILE *f = NULL;
    struct hv_csv_reader r;
    enum hv_err err = open_csv(path, &f, &r, diag);
    if (err != HV_OK)
        return err;
    *k = kind_of_header(&r);
    if (*k == NULL) {
        hv_diag_at(diag, path, 1);
        hv_diag_set(diag, NULL,
                    "the header does not match any registry file (see docs/formats.md)");
        err = HV_ERR_INVALID;
    }
    hv_csv_finish(&r);
    fclose(f);
    return err;
}

/* Re-encodes the current CSV record as one CSV line, for the reject file. */
static struct hv_str raw_record(const struct hv_csv_reader *r, struct hv_buf *b)
{
    hv_buf_reset(b);
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < hv_csv_n_fields(r) && err == HV_OK; i++) {
        if (i > 0)
            err = hv_buf_putc(b, ',');
        if (err == HV_OK)
            err = hv_csv_write_field(b, hv_csv_field(r, i));
    }
    return err == HV_OK ? hv_buf_str(b) : HV_STR_NULL;
}

enum hv_err hv__import_csv(struct hv__import *im, const char *path, const struct hv_kind_def *k,
                           struct hv_diag *diag)
{
    FILE *f = NULL;
    struct hv_csv_reader r;
    enum hv_err err = open_csv(path, &f, &r, diag);
    if (err != HV_OK)
        return err;
    /* Map each column to its field; an unknown or repeated column is an error. */
    int map[HV_CSV_MAX_FIELDS];
    size_t n_cols = hv_csv_n_fields(&r);
    bool seen[HV_REC_MAX_FIELDS] = { false };
    for (size_t c = 0; c < n_cols; c++) {
        struct hv_str name = hv_str_trim(hv_csv_field(&r, c));
        int fi = hv_kind_field(k, name);
        if (fi < 0 || seen[fi]) {
            hv_diag_at(diag, path, 1);
            hv_diag_set(diag, NULL,
                        fi < 0 ? "unknown column \"%.*s\" in a %s file"
                               : "column \"%.*s\" appears twice in a %s file",
                        (int)(name.len > 64 ? 64 : name.len), name.ptr, k->plural);
            err = HV_ERR_INVALID;
            goto out;
        }
        seen[fi] = true;
        map[c] = fi;
    }
    for (size_t fi = 0; fi < k->n_fields; fi++) {
        if (k->fields[fi].required && !seen[fi]) {
            hv_diag_at(diag, path, 1);
            hv_diag_set(diag, k->fields[fi].name, "required column is missing from the header");
            err = HV_ERR_INVALID;
            goto out;
        }
    }
    if (im->rejects == NULL && im->writer.defer_names && im->writer.was_empty[k->id]) {
        err = hv__import_csv_pipelined(im, path, k, &r, map, n_cols, diag);
        goto out;
    }
    struct hv_buf raw;
    hv_buf_init(&raw, 0);
    uint64_t n_rec = 0;
    for (;;) {
        bool eof = false;
        struct hv_diag csv_diag;
        hv_diag_clear(&csv_diag);
        err = hv_csv_next(&r, &eof, &csv_diag);
        if (err == HV_ERR_INVALID && im->rejects != NULL) {
            /* The reader resumes at the next line: refuse this one and go on. */
            fprintf(im->rejects, "%s,%llu,,", path, (unsigned long long)csv_diag.line);
            struct hv_buf tmp;
            hv_buf_init(&tmp, 0);
            if (hv_csv_write_field(&tmp, hv_str_c(csv_diag.msg)) == HV_OK)
                fprintf(im->rejects, "%s,\n", hv_buf_cstr(&tmp));
            hv_buf_finish(&tmp);
            im->counts->rejected[k->id]++;
            im->n_rejected++;
            continue;
        }
        if (err != HV_OK) {
            if (diag != NULL)
                *diag = csv_diag;
            hv_diag_at(diag, path, csv_diag.line);
            break;
        }
        if (eof)
            break;
        size_t nf = hv_csv_n_fields(&r);
        if (nf == 1 && hv_csv_field(&r, 0).len == 0)
            continue; /* a blank line */
        struct hv_record rec;
        memset(&rec, 0, sizeof(rec));
        rec.kind = k;
        if (nf != n_cols) {
            struct hv_diag d;
            hv_diag_clear(&d);
            hv_diag_set(&d, NULL, "has %zu fields; the header has %zu", nf, n_cols);
            hv_diag_at(&d, path, r.record_line);
            if (im->rejects == NULL) {
                if (diag)
                    *diag = d;
                err = HV_ERR_INVALID;
                break;
            }
            /* Let the driver write the reject: an empty record fails validation, so use the
             * raw path directly. */
            fprintf(im->rejects, "%s,%llu,,", path, (unsigned long long)r.record_line);
            struct hv_buf tmp;
            hv_buf_init(&tmp, 0);
            struct hv_str line = raw_record(&r, &raw);
            if (hv_csv_write_field(&tmp, hv_str_c(d.msg)) == HV_OK &&
                hv_buf_putc(&tmp, ',') == HV_OK && hv_csv_write_field(&tmp, line) == HV_OK)
                fprintf(im->rejects, "%s\n", hv_buf_cstr(&tmp));
            hv_buf_finish(&tmp);
            im->counts->rejected[k->id]++;
            im->n_rejected++;
            continue;
        }
        for (size_t c = 0; c < nf; c++)
            rec.values[map[c]] = hv_csv_field(&r, c);
        struct hv_str line = im->rejects ? raw_record(&r, &raw) : HV_STR_NULL;
        err = hv__import_record(im, &rec, path, r.record_line, line, diag);
        if (err != HV_OK)
            break;
        if ((++n_rec & 4095) == 0)
            hv__import_progress(im, r.byte_offset);
    }
    hv_buf_finish(&raw);
out:
    hv_csv_finish(&r);
    fclose(f);
    return err;
}
