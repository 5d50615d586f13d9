/* sites_csv.c - the parsers of sites.csv, crossings.csv and crossing_status.csv (layouts in
 * docs/formats.md) and the field checks they share; pure functions over memory, fuzzed by
 * tests/fuzz/fuzz_sites_csv.c.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "haven/arena.h"
#include "haven/clock.h"
#include "sites/sites_int.h"

/* Rows accepted per file: far above any real list of sites or crossings. */
#define MAX_ROWS 10000

enum hv_err hv__sites_read_file(const char *path, struct hv_buf *b, struct hv_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    enum hv_err err = HV_OK;
    char chunk[8192];
    for (;;) {
        size_t n = fread(chunk, 1, sizeof(chunk), f);
        if (n > 0) {
            if (b->len + n > HV_SITES_MAX_FILE) {
                hv_diag_at(diag, path, 0);
                hv_diag_set(diag, NULL, "file is larger than %u bytes", HV_SITES_MAX_FILE);
                err = HV_ERR_LIMIT;
                break;
            }
            err = hv_buf_append(b, chunk, n);
            if (err != HV_OK)
                break;
        }
        if (n < sizeof(chunk)) {
            if (ferror(f)) {
                hv_diag_at(diag, path, 0);
                hv_diag_set(diag, NULL, "read error");
                err = HV_ERR_IO;
            }
            break;
        }
    }
    fclose(f);
    return err;
}

enum hv_err hv__sites_map_header(const struct hv_csv_reader *r, const struct hv__col *spec,
                                 size_t n_cols, int *idx, struct hv_diag *diag)
{
    for (size_t c = 0; c < n_cols; c++)
        idx[c] = -1;
    size_t n = hv_csv_n_fields(r);
    for (size_t i = 0; i < n; i++) {
        struct hv_str h = hv_str_trim(hv_csv_field(r, i));
        size_t c = 0;
        while (c < n_cols && !hv_str_eqz(h, spec[c].name))
            c++;
        if (c == n_cols) {
            hv_diag_set(diag, NULL, "unknown column \"%.*s\"", (int)(h.len > 40 ? 40 : h.len),
                        h.ptr != NULL ? h.ptr : "");
            return HV_ERR_INVALID;
        }
        if (idx[c] >= 0) {
            hv_diag_set(diag, spec[c].name, "column appears twice");
            return HV_ERR_INVALID;
        }
        idx[c] = (int)i;
    }
    for (size_t c = 0; c < n_cols; c++) {
        if (spec[c].required && idx[c] < 0) {
            hv_diag_set(diag, spec[c].name, "required column is missing");
            return HV_ERR_INVALID;
        }
    }
    return HV_OK;
}

struct hv_str hv__sites_field(struct hv_arena *a, const struct hv_csv_reader *r, const int *idx,
                              size_t c)
{
    if (idx[c] < 0 || (size_t)idx[c] >= hv_csv_n_fields(r))
        return HV_STR("");
    struct hv_str v = hv_str_trim(hv_csv_field(r, (size_t)idx[c]));
    char *z = hv_str_dupz(a, v);
    if (z == NULL)
        return HV_STR("");
    return (struct hv_str){ z, v.len };
}

enum hv_err hv__check_ref(const char *field, struct hv_str v, struct hv_diag *diag)
{
    if (v.len == 0) {
        hv_diag_set(diag, field, "is required");
        return HV_ERR_INVALID;
    }
    if (v.len > 64) {
        hv_diag_set(diag, field, "is longer than 64 bytes");
        return HV_ERR_INVALID;
    }
    for (size_t i = 0; i < v.len; i++) {
        char ch = v.ptr[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == ':' || ch == '/' ||
                  ch == '-';
        if (!ok) {
            hv_diag_set(diag, field, "may only hold letters, digits and . _ : / -");
            return HV_ERR_INVALID;
        }
    }
    return HV_OK;
}

enum hv_err hv__check_text(const char *field, struct hv_str v, size_t max_len, bool required,
                           struct hv_diag *diag)
{
    if (required && v.len == 0) {
        hv_diag_set(diag, field, "is required");
        return HV_ERR_INVALID;
    }
    if (v.len > max_len) {
        hv_diag_set(diag, field, "is longer than %zu bytes", max_len);
        return HV_ERR_INVALID;
    }
    if (!hv_utf8_valid(v.ptr, v.len)) {
        hv_diag_set(diag, field, "is not valid UTF-8");
        return HV_ERR_INVALID;
    }
    for (size_t i = 0; i < v.len; i++) {
        unsigned char ch = (unsigned char)v.ptr[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            hv_diag_set(diag, field, "holds a control character");
            return HV_ERR_INVALID;
        }
    }
    return HV_OK;
}

enum hv_err hv__check_country(const char *field, struct hv_str v, struct hv_diag *diag)
{
    if (v.len != 2 || v.ptr[0] < 'A' || v.ptr[0] > 'Z' || v.ptr[1] < 'A' || v.ptr[1] > 'Z') {
        hv_diag_set(diag, field, "is not an ISO 3166-1 alpha-2 code in upper case");
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

enum hv_err hv__parse_real(const char *field, struct hv_str v, double min, double max, double *out,
                           struct hv_diag *diag)
{
    double d = 0;
    if (v.len == 0) {
        hv_diag_set(diag, field, "is required");
        return HV_ERR_INVALID;
    }
    if (!hv_parse_double(v, &d) || !(d >= min && d <= max)) {
        hv_diag_set(diag, field, "is not a number from %g to %g", min, max);
        return HV_ERR_INVALID;
    }
    *out = d;
    return HV_OK;
}

enum hv_err hv__parse_int(const char *field, struct hv_str v, int64_t min, int64_t max,
                          int64_t *out, struct hv_diag *diag)
{
    int64_t n = 0;
    if (v.len == 0) {
        hv_diag_set(diag, field, "is required");
        return HV_ERR_INVALID;
    }
    if (!hv_parse_i64(v, &n) || n < min || n > max) {
        hv_diag_set(diag, field, "is not a whole number from %lld to %lld", (long long)min,
                    (long long)max);
        return HV_ERR_INVALID;
    }
    *out = n;
    return HV_OK;
}

static bool list_item_ok(struct hv_str item, const char *const *allowed)
{
    if (allowed != NULL) {
        for (size_t i = 0; allowed[i] != NULL; i++) {
            if (hv_str_eqz(item, allowed[i]))
                return true;
        }
        return false;
    }
    if (item.len == 0 || item.len > 16)
        return false;
    for (size_t i = 0; i < item.len; i++) {
        char ch = item.ptr[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return false;
    }
    return true;
}

enum hv_err hv__check_list(struct hv_arena *a, const char *field, struct hv_str v,
                           const char *const *allowed, struct hv_str *out, struct hv_diag *diag)
{
    if (v.len > 256) {
        hv_diag_set(diag, field, "is longer than 256 bytes");
        return HV_ERR_INVALID;
    }
    char *buf = hv_arena_alloc(a, v.len + 1);
    if (buf == NULL)
        return HV_ERR_LIMIT;
    size_t len = 0;
    size_t start = 0;
    for (size_t i = 0; i <= v.len; i++) {
        if (i < v.len && v.ptr[i] != ';')
            continue;
        struct hv_str item = hv_str_trim((struct hv_str){ v.ptr + start, i - start });
        start = i + 1;
        if (item.len == 0)
            continue;
        char low[17];
        if (item.len >= sizeof(low)) {
            hv_diag_set(diag, field, "has an item longer than 16 bytes");
            return HV_ERR_INVALID;
        }
        for (size_t k = 0; k < item.len; k++) {
            char ch = item.ptr[k];
            low[k] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
        }
        struct hv_str lw = { low, item.len };
        if (!list_item_ok(lw, allowed)) {
            hv_diag_set(diag, field, "\"%.*s\" is not an allowed value", HV_STR_ARG(lw));
            return HV_ERR_INVALID;
        }
        if (len > 0)
            buf[len++] = ';';
        memcpy(buf + len, low, item.len);
        len += item.len;
    }
    buf[len] = '\0';
    *out = (struct hv_str){ buf, len };
    return HV_OK;
}

/* --- generic row loop ------------------------------------------------------------------ */

typedef enum hv_err row_fn(struct hv_arena *a, const struct hv_csv_reader *r, const int *idx,
                           void *item, struct hv_diag *diag);

/* Reads the header and every row, calling fn to fill items of size item_size in a growing
 * arena array. */
static enum hv_err parse_rows(struct hv_arena *a, const char *file, const char *data, size_t len,
                              const struct hv__col *spec, size_t n_cols, row_fn *fn,
                              size_t item_size, void **out, size_t *n_out, struct hv_diag *diag)
{
    struct hv_csv_reader r;
    hv_csv_init_mem(&r, data, len);
    int idx[16];
    enum hv_err err = HV_OK;
    bool eof = false;
    size_t cap = 0, n = 0;
    char *items = NULL;
    *out = NULL;
    *n_out = 0;
    hv_diag_at(diag, file, 0);
    err = hv_csv_next(&r, &eof, diag);
    if (err != HV_OK)
        goto out;
    if (eof) {
        hv_diag_at(diag, file, 1);
        hv_diag_set(diag, NULL, "the file is empty (a header line is required)");
        err = HV_ERR_INVALID;
        goto out;
    }
    hv_diag_at(diag, file, r.record_line);
    err = hv__sites_map_header(&r, spec, n_cols, idx, diag);
    if (err != HV_OK)
        goto out;
    size_t n_header = hv_csv_n_fields(&r);
    for (;;) {
        err = hv_csv_next(&r, &eof, diag);
        if (err != HV_OK) {
            hv_diag_at(diag, file, diag != NULL ? diag->line : 0);
            goto out;
        }
        if (eof)
            break;
        hv_diag_at(diag, file, r.record_line);
        /* A blank line is one empty field: skip it. */
        if (hv_csv_n_fields(&r) == 1 && hv_csv_field(&r, 0).len == 0)
            continue;
        if (hv_csv_n_fields(&r) > n_header) {
            hv_diag_set(diag, NULL, "%zu fields, more than the header's", hv_csv_n_fields(&r));
            err = HV_ERR_INVALID;
            goto out;
        }
        if (n == MAX_ROWS) {
            hv_diag_set(diag, NULL, "more than %d rows", MAX_ROWS);
            err = HV_ERR_LIMIT;
            goto out;
        }
        if (n == cap) {
            size_t ncap = cap == 0 ? 32 : cap * 2;
            char *grown = hv_arena_alloc_array(a, ncap, item_size);
            if (grown == NULL) {
                err = HV_ERR_LIMIT;
                goto out;
            }
            if (n > 0)
                memcpy(grown, items, n * item_size);
            items = grown;
            cap = ncap;
        }
        void *item = items + n * item_size;
        memset(item, 0, item_size);
        err = fn(a, &r, idx, item, diag);
        if (err != HV_OK)
            goto out;
        if (hv_arena_failed(a)) {
            err = HV_ERR_LIMIT;
            goto out;
        }
        n++;
    }
    *out = items;
    *n_out = n;
    hv_diag_clear(diag);
out:
    hv_csv_finish(&r);
    return err;
}

/* --- sites.csv ------------------------------------------------------------------------ */

enum {
    SC_REF,
    SC_NAME,
    SC_COUNTRY,
    SC_LAT,
    SC_LON,
    SC_FAMILY,
    SC_MEN,
    SC_WOMEN,
    SC_MINORS,
    SC_SERVICES,
    SC_LANGUAGES,
    SC_NOTE,
    SC_N
};
static const struct hv__col site_cols[SC_N] = {
    { "ref", true },    { "name", true },         { "country", true },    { "lat", true },
    { "lon", true },    { "family_rooms", true }, { "single_men", true }, { "single_women", true },
    { "minors", true }, { "services", false },    { "languages", false }, { "note", false },
};
static const char *const services_allowed[] = { "medical", "school", "interpreter", NULL };

static enum hv_err site_row(struct hv_arena *a, const struct hv_csv_reader *r, const int *idx,
                            void *item, struct hv_diag *diag)
{
    struct hv_site *s = item;
    enum hv_err err;
    s->ref = hv__sites_field(a, r, idx, SC_REF);
    s->name = hv__sites_field(a, r, idx, SC_NAME);
    s->country = hv__sites_field(a, r, idx, SC_COUNTRY);
    s->note = hv__sites_field(a, r, idx, SC_NOTE);
    err = hv__check_ref("ref", s->ref, diag);
    if (err == HV_OK)
        err = hv__check_text("name", s->name, 200, true, diag);
    if (err == HV_OK)
        err = hv__check_country("country", s->country, diag);
    if (err == HV_OK)
        err = hv__parse_real("lat", hv__sites_field(a, r, idx, SC_LAT), -90, 90, &s->lat, diag);
    if (err == HV_OK)
        err = hv__parse_real("lon", hv__sites_field(a, r, idx, SC_LON), -180, 180, &s->lon, diag);
    for (int k = 0; k < HV_N_BED_KINDS && err == HV_OK; k++) {
        err = hv__parse_int(site_cols[SC_FAMILY + k].name,
                            hv__sites_field(a, r, idx, (size_t)(SC_FAMILY + k)), 0,
                            HV_SITES_MAX_BEDS, &s->beds[k], diag);
    }
    if (err == HV_OK)
        err = hv__check_list(a, "services", hv__sites_field(a, r, idx, SC_SERVICES),
                             services_allowed, &s->services, diag);
    if (err == HV_OK)
        err = hv__check_list(a, "languages", hv__sites_field(a, r, idx, SC_LANGUAGES), NULL,
                             &s->languages, diag);
    if (err == HV_OK)
        err = hv__check_text("note", s->note, 1000, false, diag);
    return err;
}

enum hv_err hv_sites_parse_csv(struct hv_arena *a, const char *file, const char *data, size_t len,
                               struct hv_site **out, size_t *n_out, struct hv_diag *diag)
{
    void *items = NULL;
    enum hv_err err = parse_rows(a, file, data, len, site_cols, SC_N, site_row,
                                 sizeof(struct hv_site), &items, n_out, diag);
    *out = items;
    if (err != HV_OK)
        return err;
    for (size_t i = 0; i < *n_out; i++) {
        for (size_t j = 0; j < i; j++) {
            if (hv_str_eq((*out)[i].ref, (*out)[j].ref)) {
                hv_diag_at(diag, file, 0);
                hv_diag_set(diag, "ref", "\"%.*s\" appears twice", HV_STR_ARG((*out)[i].ref));
                return HV_ERR_INVALID;
            }
        }
    }
    return HV_OK;
}

/* --- crossings.csv -------------------------------------------------------------------- */

enum {
    CC_REF,
    CC_NAME,
    CC_COUNTRIES,
    CC_LAT,
    CC_LON,
    CC_MODE,
    CC_OPENED,
    CC_SOURCE,
    CC_NOTE,
    CC_N
};
static const struct hv__col crossing_cols[CC_N] = {
    { "ref", true },     { "name", true },    { "countries", true },
    { "lat", true },     { "lon", true },     { "mode", false },
    { "opened", false }, { "source", false }, { "note", false },
};
static const char *const modes_allowed[] = { "road", "rail", NULL };

static enum hv_err countries_check(struct hv_str v, struct hv_diag *diag)
{
    size_t start = 0, n = 0;
    for (size_t i = 0; i <= v.len; i++) {
        if (i < v.len && v.ptr[i] != ';')
            continue;
        struct hv_str c = hv_str_trim((struct hv_str){ v.ptr + start, i - start });
        start = i + 1;
        if (hv__check_country("countries", c, diag) != HV_OK)
            return HV_ERR_INVALID;
        n++;
    }
    if (n < 1) {
        hv_diag_set(diag, "countries", "is required");
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

static enum hv_err crossing_row(struct hv_arena *a, const struct hv_csv_reader *r, const int *idx,
                                void *item, struct hv_diag *diag)
{
    struct hv_crossing *c = item;
    enum hv_err err;
    c->ref = hv__sites_field(a, r, idx, CC_REF);
    c->name = hv__sites_field(a, r, idx, CC_NAME);
    c->countries = hv__sites_field(a, r, idx, CC_COUNTRIES);
    c->source = hv__sites_field(a, r, idx, CC_SOURCE);
    c->note = hv__sites_field(a, r, idx, CC_NOTE);
    struct hv_str opened = hv__sites_field(a, r, idx, CC_OPENED);
    err = hv__check_ref("ref", c->ref, diag);
    if (err == HV_OK)
        err = hv__check_text("name", c->name, 200, true, diag);
    if (err == HV_OK)
        err = countries_check(c->countries, diag);
    if (err == HV_OK)
        err = hv__parse_real("lat", hv__sites_field(a, r, idx, CC_LAT), -90, 90, &c->lat, diag);
    if (err == HV_OK)
        err = hv__parse_real("lon", hv__sites_field(a, r, idx, CC_LON), -180, 180, &c->lon, diag);
    if (err == HV_OK)
        err = hv__check_list(a, "mode", hv__sites_field(a, r, idx, CC_MODE), modes_allowed,
                             &c->mode, diag);
    if (err == HV_OK && opened.len > 0)
        err = hv__parse_int("opened", opened, 1800, 2100, &c->opened, diag);
    if (err == HV_OK)
        err = hv__check_text("source", c->source, 300, false, diag);
    if (err == HV_OK)
        err = hv__check_text("note", c->note, 1000, false, diag);
    return err;
}

enum hv_err hv_crossings_parse_csv(struct hv_arena *a, const char *file, const char *data,
                                   size_t len, struct hv_crossing **out, size_t *n_out,
                                   struct hv_diag *diag)
{
    void *items = NULL;
    enum hv_err err = parse_rows(a, file, data, len, crossing_cols, CC_N, crossing_row,
                                 sizeof(struct hv_crossing), &items, n_out, diag);
    *out = items;
    if (err != HV_OK)
        return err;
    for (size_t i = 0; i < *n_out; i++) {
        for (size_t j = 0; j < i; j++) {
            if (hv_str_eq((*out)[i].ref, (*out)[j].ref)) {
                hv_diag_at(diag, file, 0);
                hv_diag_set(diag, "ref", "\"%.*s\" appears twice", HV_STR_ARG((*out)[i].ref));
                return HV_ERR_INVALID;
            }
        }
    }
    return HV_OK;
}

/* --- crossing_status.csv -------------------------------------------------------------- */

enum { XS_REF, XS_AT, XS_STATUS, XS_SOURCE, XS_NOTE, XS_N };
static const struct hv__col status_cols[XS_N] = {
    { "crossing_ref", true }, { "at", true },    { "status", true },
    { "source", true },       { "note", false },
};

static enum hv_err status_row(struct hv_arena *a, const struct hv_csv_reader *r, const int *idx,
                              void *item, struct hv_diag *diag)
{
    struct hv_crossing_event *e = item;
    enum hv_err err;
    e->crossing_ref = hv__sites_field(a, r, idx, XS_REF);
    e->source = hv__sites_field(a, r, idx, XS_SOURCE);
    e->note = hv__sites_field(a, r, idx, XS_NOTE);
    e->line = r->record_line;
    struct hv_str at = hv__sites_field(a, r, idx, XS_AT);
    struct hv_str st = hv__sites_field(a, r, idx, XS_STATUS);
    err = hv__check_ref("crossing_ref", e->crossing_ref, diag);
    if (err != HV_OK)
        return err;
    /* at.ptr is NUL-terminated: it was copied by hv__sites_field. */
    if (at.len == 0 || !hv_time_parse(at.ptr, &e->at)) {
        hv_diag_set(diag, "at", "is not a date YYYY-MM-DD or time YYYY-MM-DDTHH:MM[:SS]Z");
        return HV_ERR_INVALID;
    }
    if (!hv_crossing_status_parse(st, &e->status) || e->status == HV_CROSSING_UNKNOWN) {
        hv_diag_set(diag, "status", "is not one of open, restricted, closed");
        return HV_ERR_INVALID;
    }
    err = hv__check_text("source", e->source, 300, true, diag);
    if (err == HV_OK)
        err = hv__check_text("note", e->note, 1000, false, diag);
    return err;
}

enum hv_err hv_crossing_status_parse_csv(struct hv_arena *a, const char *file, const char *data,
                                         size_t len, struct hv_crossing_event **out, size_t *n_out,
                                         struct hv_diag *diag)
{
    void *items = NULL;
    enum hv_err err = parse_rows(a, file, data, len, status_cols, XS_N, status_row,
                                 sizeof(struct hv_crossing_event), &items, n_out, diag);
    *out = items;
    return err;
}
