/* scenario.c - the places of the founding scenario: countries, Afghan provinces, host sites,
 * border crossings and airports as locations.csv rows, and copies of the site and crossing
 * files from data/demo/.
 * SPDX-License-Identifier: Apache-2.0 */
#include "demo/demo_int.h"

#include <errno.h>
#include <string.h>

#include "haven/csv.h"
#include "haven/str.h"

/* A country code in a cell: two upper-case letters. */
static bool country_code(struct hv_str s)
{
    return s.len == 2 && s.ptr[0] >= 'A' && s.ptr[0] <= 'Z' && s.ptr[1] >= 'A' && s.ptr[1] <= 'Z';
}

static void location_row(struct hv__demo_sink *s, const char *ref, const char *kind,
                         const char *country, const char *name, const char *parent, const char *lat,
                         const char *lon)
{
    hv__demo_sink_field(s, ref);
    hv__demo_sink_field(s, kind);
    hv__demo_sink_field(s, country);
    hv__demo_sink_field(s, name);
    hv__demo_sink_field(s, parent);
    hv__demo_sink_field(s, lat);
    hv__demo_sink_field(s, lon);
    hv__demo_sink_end_row(s);
}

/* Copies view v into a NUL-terminated buffer (truncating at a code point boundary). */
static void view_z(char *out, size_t cap, struct hv_str v)
{
    size_t n = v.len < cap ? v.len : cap - 1;
    while (n > 0 && n < v.len && ((unsigned char)v.ptr[n] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        memcpy(out, v.ptr, n);
    out[n] = '\0';
}

/* Reads a CSV of data/demo and writes one location per record; kind is fixed, the country comes
 * from country_col (for crossings the first of a ';' list: the host country). */
static enum hv_err locations_from_csv(const char *data_dir, const char *file, const char *kind,
                                      const char *country_col, struct hv__demo_sink *s,
                                      struct hv_diag *diag)
{
    char path[1024];
    enum hv_err err = hv__demo_path(path, sizeof(path), data_dir, file, diag);
    if (err != HV_OK)
        return err;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    struct hv_csv_reader rd;
    hv_csv_init_file(&rd, f);
    static const char *const cols[] = { "ref", "name", "lat", "lon" };
    size_t idx[5] = { 0 };
    bool header = true;
    for (;;) {
        bool eof = false;
        err = hv_csv_next(&rd, &eof, diag);
        if (err != HV_OK) {
            hv_diag_at(diag, path, rd.record_line);
            break;
        }
        if (eof)
            break;
        size_t nf = hv_csv_n_fields(&rd);
        if (header) {
            for (size_t c = 0; c < 5; c++) {
                const char *want = c < 4 ? cols[c] : country_col;
                idx[c] = SIZE_MAX;
                for (size_t i = 0; i < nf; i++) {
                    if (hv_str_eqz(hv_csv_field(&rd, i), want))
                        idx[c] = i;
                }
                if (idx[c] == SIZE_MAX) {
                    hv_diag_at(diag, path, 1);
                    hv_diag_set(diag, want, "missing column");
                    err = HV_ERR_INVALID;
                }
            }
            if (err != HV_OK)
                break;
            header = false;
            continue;
        }
        if (nf == 1 && hv_csv_field(&rd, 0).len == 0)
            continue; /* a blank line */
        char v[5][256];
        for (size_t c = 0; c < 5; c++) {
            struct hv_str cell = idx[c] < nf ? hv_csv_field(&rd, idx[c]) : HV_STR_NULL;
            if (c == 4 && cell.len > 2)
                cell.len = 2; /* "UZ;AF" -> "UZ" */
            view_z(v[c], sizeof(v[c]), cell);
        }
        if (v[0][0] == '\0' || v[1][0] == '\0' || !country_code(hv_str_c(v[4]))) {
            hv_diag_at(diag, path, rd.record_line);
            hv_diag_set(diag, NULL, "a place needs a ref, a name and a country code");
            err = HV_ERR_INVALID;
            break;
        }
        char parent[8] = "LOC-";
        memcpy(parent + 4, v[4], 3);
        location_row(s, v[0], kind, v[4], v[1], parent, v[2], v[3]);
    }
    hv_csv_finish(&rd);
    fclose(f);
    return err;
}

enum hv_err hv__demo_write_locations(const struct hv__demo_tables *t, const char *data_dir,
                                     struct hv__demo_sink *s, struct hv_diag *diag)
{
    const struct hv__demo_tsv *ct = &t->country_tsv;
    int c_code = hv__demo_tsv_col(ct, "code"), c_name = hv__demo_tsv_col(ct, "name");
    int c_lat = hv__demo_tsv_col(ct, "lat"), c_lon = hv__demo_tsv_col(ct, "lon");
    if (c_code < 0 || c_name < 0 || c_lat < 0 || c_lon < 0) {
        hv_diag_at(diag, ct->path, 0);
        hv_diag_set(diag, NULL, "needs the columns code, name, lat, lon");
        return HV_ERR_INVALID;
    }
    for (size_t i = 0; i < ct->n_rows; i++) {
        const char *code = hv__demo_tsv_cell(ct, i, c_code);
        if (!country_code(hv_str_c(code))) {
            hv_diag_at(diag, ct->path, ct->row_line[i]);
            hv_diag_set(diag, "code", "not an ISO 3166-1 alpha-2 code");
            return HV_ERR_INVALID;
        }
        char ref[8] = "LOC-";
        memcpy(ref + 4, code, 3);
        location_row(s, ref, "country", code, hv__demo_tsv_cell(ct, i, c_name), "",
                     hv__demo_tsv_cell(ct, i, c_lat), hv__demo_tsv_cell(ct, i, c_lon));
    }

    const struct hv__demo_tsv *pt = &t->prov_tsv;
    int p_lat = hv__demo_tsv_col(pt, "lat"), p_lon = hv__demo_tsv_col(pt, "lon");
    for (size_t i = 0; i < t->n_prov; i++)
        location_row(s, t->prov[i].ref, "province", "AF", t->prov[i].name, "LOC-AF",
                     hv__demo_tsv_cell(pt, i, p_lat), hv__demo_tsv_cell(pt, i, p_lon));

    enum hv_err err = locations_from_csv(data_dir, "demo/sites.csv", "site", "country", s, diag);
    if (err == HV_OK)
        err = locations_from_csv(data_dir, "demo/crossings.csv", "crossing", "countries", s, diag);
    if (err == HV_OK)
        err = locations_from_csv(data_dir, "demo/airports.csv", "airport", "country", s, diag);
    return err;
}

enum hv_err hv__demo_copy_csv(const char *data_dir, const char *out_dir, const char *name,
                              const char *const *required, uint64_t *records, struct hv_diag *diag)
{
    char src[1024], dst[1024], rel[256];
    int n = snprintf(rel, sizeof(rel), "demo/%s", name);
    if (n < 0 || (size_t)n >= sizeof(rel))
        return HV_ERR_LIMIT;
    enum hv_err err = hv__demo_path(src, sizeof(src), data_dir, rel, diag);
    if (err == HV_OK)
        err = hv__demo_path(dst, sizeof(dst), out_dir, name, diag);
    if (err != HV_OK)
        return err;

    FILE *in = fopen(src, "rb");
    if (in == NULL) {
        hv_diag_at(diag, src, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    /* Check it first: a broken data file must not be passed on. */
    struct hv_csv_reader rd;
    hv_csv_init_file(&rd, in);
    uint64_t count = 0;
    bool header = true;
    for (;;) {
        bool eof = false;
        err = hv_csv_next(&rd, &eof, diag);
        if (err != HV_OK) {
            hv_diag_at(diag, src, rd.record_line);
            break;
        }
        if (eof)
            break;
        size_t nf = hv_csv_n_fields(&rd);
        if (header) {
            for (const char *const *want = required; *want != NULL; want++) {
                bool found = false;
                for (size_t i = 0; i < nf; i++)
                    found = found || hv_str_eqz(hv_csv_field(&rd, i), *want);
                if (!found) {
                    hv_diag_at(diag, src, 1);
                    hv_diag_set(diag, *want, "missing column");
                    err = HV_ERR_INVALID;
                    break;
                }
            }
            if (err != HV_OK)
                break;
            header = false;
        } else if (!(nf == 1 && hv_csv_field(&rd, 0).len == 0)) {
            count++;
        }
    }
    hv_csv_finish(&rd);
    if (err != HV_OK) {
        fclose(in);
        return err;
    }

    rewind(in);
    FILE *out = fopen(dst, "wb");
    if (out == NULL) {
        fclose(in);
        hv_diag_at(diag, dst, 0);
        hv_diag_set(diag, NULL, "cannot create: %s", strerror(errno));
        return HV_ERR_IO;
    }
    char buf[8192];
    for (;;) {
        size_t got = fread(buf, 1, sizeof(buf), in);
        if (got > 0 && fwrite(buf, 1, got, out) != got) {
            err = HV_ERR_IO;
            break;
        }
        if (got < sizeof(buf)) {
            if (ferror(in))
                err = HV_ERR_IO;
            break;
        }
    }
    if (fclose(out) != 0)
        err = HV_ERR_IO;
    fclose(in);
    if (err != HV_OK) {
        hv_diag_at(diag, dst, 0);
        hv_diag_set(diag, NULL, "copy failed");
        return err;
    }
    *records = count;
    return HV_OK;
}
