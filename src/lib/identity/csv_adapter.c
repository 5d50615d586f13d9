/* csv_adapter.c - the generic CSV adapter of identity resolution: a column mapping onto the
 * engine's fields, rows read into an owned pool, and the scored pairs and clusters written
 * back as CSV (for a partner's spreadsheet and the benchmarks).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/identity.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "haven/buf.h"
#include "haven/csv.h"

enum col_field {
    CF_GIVEN,
    CF_FAMILY,
    CF_FATHER,
    CF_GRAND,
    CF_NATIVE,
    CF_FULL,
    CF_BIRTH,
    CF_SEX,
    CF_DOC,
    CF_PHONE,
    CF_EXTRA,
    CF_ID,
    CF_TRUTH,
};

static const char *const cf_names[] = { "given", "family", "father", "grandfather", "native",
                                        "full",  "birth",  "sex",    "doc",         "phone",
                                        "extra", "id",     "truth" };

/* Per row: offsets of NUL-terminated strings in the pool (0 = the empty string at 0). */
enum {
    RS_GIVEN,
    RS_FAMILY,
    RS_FATHER,
    RS_GRAND,
    RS_NATIVE,
    RS_PHONE,
    RS_ID,
    RS_TRUTH,
    RS_DOC0,
    RS_EXTRA0 = RS_DOC0 + HV_ID_MAX_DOCS,
    RS_COUNT = RS_EXTRA0 + HV_ID_MAX_EXTRA
};

struct row {
    uint64_t off[RS_COUNT];
    struct hv_pdate birth;
    char sex;
    uint8_t source;
};

struct hv_id_csv {
    struct row *rows;
    size_t n_rows, cap_rows;
    char *pool;
    size_t pool_len, pool_cap;
};

enum hv_err hv_id_csv_map_parse(const char *spec, struct hv_id_csv_map *out, struct hv_diag *diag)
{
    memset(out, 0, sizeof(*out));
    const char *p = spec;
    size_t n_extra = 0, n_doc = 0;
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq == NULL || eq == p || eq == p + len - 1) {
            hv_diag_set(diag, "map", "expected col=field, got \"%.*s\"", (int)len, p);
            return HV_ERR_INVALID;
        }
        size_t cl = (size_t)(eq - p), fl = len - cl - 1;
        if (out->n >= HV_ID_CSV_MAX_MAP || cl >= sizeof(out->cols[0].column) ||
            fl >= sizeof(out->cols[0].field)) {
            hv_diag_set(diag, "map", "too many or too long mappings");
            return HV_ERR_LIMIT;
        }
        memcpy(out->cols[out->n].column, p, cl);
        memcpy(out->cols[out->n].field, eq + 1, fl);
        bool known = false;
        for (size_t i = 0; i < HV_ARRAY_LEN(cf_names); i++)
            known = known || strcmp(out->cols[out->n].field, cf_names[i]) == 0;
        if (!known) {
            hv_diag_set(diag, "map", "unknown field \"%s\"", out->cols[out->n].field);
            return HV_ERR_INVALID;
        }
        n_extra += strcmp(out->cols[out->n].field, "extra") == 0;
        n_doc += strcmp(out->cols[out->n].field, "doc") == 0;
        if (n_extra > HV_ID_MAX_EXTRA || n_doc > HV_ID_MAX_DOCS) {
            hv_diag_set(diag, "map", "at most %d doc and %d extra columns", HV_ID_MAX_DOCS,
                        HV_ID_MAX_EXTRA);
            return HV_ERR_LIMIT;
        }
        out->n++;
        p = end != NULL ? end + 1 : NULL;
    }
    if (out->n == 0) {
        hv_diag_set(diag, "map", "empty mapping");
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

enum hv_err hv_id_csv_create(struct hv_id_csv **out)
{
    struct hv_id_csv *c = hv_xcalloc(1, sizeof(*c));
    c->pool_cap = 65536;
    c->pool = hv_xmalloc(c->pool_cap);
    c->pool[0] = '\0';
    c->pool_len = 1;
    *out = c;
    return HV_OK;
}

void hv_id_csv_destroy(struct hv_id_csv *c)
{
    if (c == NULL)
        return;
    free(c->rows);
    free(c->pool);
    free(c);
}

static uint64_t pool_add(struct hv_id_csv *c, struct hv_str s)
{
    if (s.len == 0)
        return 0;
    if (c->pool_len + s.len + 1 > c->pool_cap) {
        while (c->pool_len + s.len + 1 > c->pool_cap)
            c->pool_cap *= 2;
        c->pool = hv_xrealloc(c->pool, c->pool_cap);
    }
    uint64_t off = c->pool_len;
    memcpy(c->pool + off, s.ptr, s.len);
    c->pool[off + s.len] = '\0';
    c->pool_len += s.len + 1;
    return off;
}

static void parse_birth(struct hv_str v, struct hv_pdate *out)
{
    memset(out, 0, sizeof(*out));
    const char *why;
    if (v.len == 0)
        return;
    if (hv_pdate_parse(v.ptr, v.len, out, &why))
        return;
    char buf[16];
    bool digits8 = v.len == 8;
    for (size_t i = 0; digits8 && i < 8; i++)
        digits8 = v.ptr[i] >= '0' && v.ptr[i] <= '9';
    if (digits8) {
        /* YYYYMMDD; an impossible day or month falls back to the month or the year. */
        snprintf(buf, sizeof(buf), "%.4s-%.2s-%.2s", v.ptr, v.ptr + 4, v.ptr + 6);
        if (hv_pdate_parse(buf, 10, out, &why) || hv_pdate_parse(buf, 7, out, &why) ||
            hv_pdate_parse(buf, 4, out, &why))
            return;
    } else if (v.len >= 7 && hv_pdate_parse(v.ptr, 7, out, &why)) {
        return;
    } else if (v.len >= 4 && hv_pdate_parse(v.ptr, 4, out, &why)) {
        return;
    }
    memset(out, 0, sizeof(*out));
}

static char parse_sex(struct hv_str v)
{
    if (v.len == 0)
        return 0;
    char c = v.ptr[0];
    if (c == 'M' || c == 'm')
        return 'M';
    if (c == 'F' || c == 'f' || c == 'W' || c == 'w')
        return 'F';
    return 0;
}

static enum hv_err read_reader(struct hv_id_csv *c, struct hv_csv_reader *r, const char *name,
                               uint8_t source, const struct hv_id_csv_map *map,
                               struct hv_diag *diag)
{
    bool eof;
    enum hv_err err = hv_csv_next(r, &eof, diag);
    if (err != HV_OK || eof) {
        hv_diag_at(diag, name, r->record_line);
        if (err == HV_OK)
            hv_diag_set(diag, NULL, "no header row");
        return err != HV_OK ? err : HV_ERR_INVALID;
    }
    int col_of[HV_ID_CSV_MAX_MAP];
    for (size_t m = 0; m < map->n; m++) {
        col_of[m] = -1;
        for (size_t i = 0; i < hv_csv_n_fields(r); i++) {
            if (hv_str_eqz(hv_str_trim(hv_csv_field(r, i)), map->cols[m].column)) {
                col_of[m] = (int)i;
                break;
            }
        }
        if (col_of[m] < 0) {
            hv_diag_at(diag, name, 1);
            hv_diag_set(diag, map->cols[m].column, "no such column in the header");
            return HV_ERR_INVALID;
        }
    }
    for (;;) {
        err = hv_csv_next(r, &eof, diag);
        if (err != HV_OK) {
            hv_diag_at(diag, name, r->record_line);
            return err;
        }
        if (eof)
            break;
        if (hv_csv_n_fields(r) == 1 && hv_csv_field(r, 0).len == 0)
            continue; /* blank line */
        if (c->n_rows >= (size_t)INT32_MAX)
            return HV_ERR_LIMIT;
        if (c->n_rows == c->cap_rows) {
            c->cap_rows = c->cap_rows == 0 ? 1024 : c->cap_rows * 2;
            c->rows = hv_xrealloc(c->rows, c->cap_rows * sizeof(*c->rows));
        }
        struct row *row = &c->rows[c->n_rows];
        memset(row, 0, sizeof(*row));
        row->source = source;
        size_t n_doc = 0, n_extra = 0;
        for (size_t m = 0; m < map->n; m++) {
            struct hv_str v = HV_STR_NULL;
            if ((size_t)col_of[m] < hv_csv_n_fields(r))
                v = hv_str_trim(hv_csv_field(r, (size_t)col_of[m]));
            const char *f = map->cols[m].field;
            if (strcmp(f, "given") == 0) {
                row->off[RS_GIVEN] = pool_add(c, v);
            } else if (strcmp(f, "family") == 0) {
                row->off[RS_FAMILY] = pool_add(c, v);
            } else if (strcmp(f, "father") == 0) {
                row->off[RS_FATHER] = pool_add(c, v);
            } else if (strcmp(f, "grandfather") == 0) {
                row->off[RS_GRAND] = pool_add(c, v);
            } else if (strcmp(f, "native") == 0) {
                row->off[RS_NATIVE] = pool_add(c, v);
            } else if (strcmp(f, "full") == 0) {
                const char *sp = memchr(v.ptr != NULL ? v.ptr : "", ' ', v.len);
                if (sp == NULL) {
                    row->off[RS_GIVEN] = pool_add(c, v);
                } else {
                    size_t gl = (size_t)(sp - v.ptr);
                    row->off[RS_GIVEN] = pool_add(c, (struct hv_str){ v.ptr, gl });
                    row->off[RS_FAMILY] =
                        pool_add(c, hv_str_trim((struct hv_str){ sp + 1, v.len - gl - 1 }));
                }
            } else if (strcmp(f, "birth") == 0) {
                parse_birth(v, &row->birth);
            } else if (strcmp(f, "sex") == 0) {
                row->sex = parse_sex(v);
            } else if (strcmp(f, "doc") == 0) {
                row->off[RS_DOC0 + n_doc++] = pool_add(c, v);
            } else if (strcmp(f, "phone") == 0) {
                row->off[RS_PHONE] = pool_add(c, v);
            } else if (strcmp(f, "extra") == 0) {
                row->off[RS_EXTRA0 + n_extra++] = pool_add(c, v);
            } else if (strcmp(f, "id") == 0) {
                row->off[RS_ID] = pool_add(c, v);
            } else if (strcmp(f, "truth") == 0) {
                row->off[RS_TRUTH] = pool_add(c, v);
            }
        }
        if (row->off[RS_ID] == 0) {
            char num[24];
            int n = snprintf(num, sizeof(num), "%zu", c->n_rows + 1);
            row->off[RS_ID] = pool_add(c, (struct hv_str){ num, (size_t)n });
        }
        c->n_rows++;
    }
    return HV_OK;
}

enum hv_err hv_id_csv_read_mem(struct hv_id_csv *c, const char *data, size_t len, const char *name,
                               uint8_t source, const struct hv_id_csv_map *map,
                               struct hv_diag *diag)
{
    struct hv_csv_reader r;
    hv_csv_init_mem(&r, data, len);
    enum hv_err err = read_reader(c, &r, name, source, map, diag);
    hv_csv_finish(&r);
    return err;
}

enum hv_err hv_id_csv_read(struct hv_id_csv *c, const char *path, uint8_t source,
                           const struct hv_id_csv_map *map, struct hv_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    struct hv_csv_reader r;
    hv_csv_init_file(&r, f);
    enum hv_err err = read_reader(c, &r, path, source, map, diag);
    hv_csv_finish(&r);
    fclose(f);
    return err;
}

size_t hv_id_csv_n_rows(const struct hv_id_csv *c)
{
    return c->n_rows;
}

static const char *at(const struct hv_id_csv *c, uint64_t off)
{
    return c->pool + off;
}

void hv_id_csv_record(const struct hv_id_csv *c, size_t i, struct hv_id_record *out)
{
    const struct row *row = &c->rows[i];
    memset(out, 0, sizeof(*out));
    out->id = (int64_t)i;
    out->source = row->source;
    out->given = at(c, row->off[RS_GIVEN]);
    out->family = at(c, row->off[RS_FAMILY]);
    out->father = at(c, row->off[RS_FATHER]);
    out->grandfather = at(c, row->off[RS_GRAND]);
    out->native = at(c, row->off[RS_NATIVE]);
    out->birth = row->birth;
    out->sex = row->sex;
    for (int d = 0; d < HV_ID_MAX_DOCS; d++)
        out->docs[d] = at(c, row->off[RS_DOC0 + d]);
    out->phone = at(c, row->off[RS_PHONE]);
    for (int x = 0; x < HV_ID_MAX_EXTRA; x++)
        out->extra[x] = at(c, row->off[RS_EXTRA0 + x]);
}

const char *hv_id_csv_row_id(const struct hv_id_csv *c, size_t i)
{
    return at(c, c->rows[i].off[RS_ID]);
}

const char *hv_id_csv_truth(const struct hv_id_csv *c, size_t i)
{
    return at(c, c->rows[i].off[RS_TRUTH]);
}

enum hv_err hv_id_csv_add_all(const struct hv_id_csv *c, struct hv_id_engine *e)
{
    for (size_t i = 0; i < c->n_rows; i++) {
        struct hv_id_record rec;
        hv_id_csv_record(c, i, &rec);
        enum hv_err err = hv_id_engine_add(e, &rec, NULL);
        if (err != HV_OK && err != HV_ERR_LIMIT)
            return err;
    }
    return HV_OK;
}

static enum hv_err write_file(const char *dir, const char *name, const struct hv_buf *b,
                              struct hv_diag *diag)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
        return HV_ERR_LIMIT;
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(b->ptr != NULL ? b->ptr : "", 1, b->len, f) != b->len) {
        if (f != NULL)
            fclose(f);
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot write");
        return HV_ERR_IO;
    }
    if (fclose(f) != 0)
        return HV_ERR_IO;
    return HV_OK;
}

enum hv_err hv_id_csv_write(const struct hv_id_csv *c, const struct hv_id_engine *e,
                            const char *out_dir, struct hv_diag *diag)
{
    if (mkdir(out_dir, 0700) != 0 && errno != EEXIST) {
        hv_diag_at(diag, out_dir, 0);
        hv_diag_set(diag, NULL, "cannot create the directory");
        return HV_ERR_IO;
    }
    struct hv_id_options o;
    hv_id_engine_options(e, &o);
    struct hv_buf b;
    hv_buf_init(&b, 0);
    enum hv_err err = hv_buf_appendz(&b, "id_a,id_b,prob,weight,decision\n");
    size_t n;
    const struct hv_id_pair *p = hv_id_engine_pairs(e, &n);
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        if (p[i].prob < o.review_threshold)
            continue;
        size_t ra = (size_t)hv_id_engine_record_id(e, p[i].a);
        size_t rb = (size_t)hv_id_engine_record_id(e, p[i].b);
        err = hv_csv_write_field(&b, hv_str_c(hv_id_csv_row_id(c, ra)));
        if (err == HV_OK)
            err = hv_buf_putc(&b, ',');
        if (err == HV_OK)
            err = hv_csv_write_field(&b, hv_str_c(hv_id_csv_row_id(c, rb)));
        if (err == HV_OK)
            err = hv_buf_appendf(&b, ",%.6f,%.3f,%s\n", (double)p[i].prob, (double)p[i].weight,
                                 p[i].prob >= o.merge_threshold ? "merge" : "review");
    }
    if (err == HV_OK)
        err = write_file(out_dir, "pairs.csv", &b, diag);
    hv_buf_reset(&b);
    if (err == HV_OK)
        err = hv_buf_appendz(&b, "id,cluster\n");
    for (size_t i = 0; i < hv_id_engine_n_records(e) && err == HV_OK; i++) {
        size_t row = (size_t)hv_id_engine_record_id(e, (uint32_t)i);
        size_t root = (size_t)hv_id_engine_record_id(e, hv_id_engine_cluster(e, (uint32_t)i));
        err = hv_csv_write_field(&b, hv_str_c(hv_id_csv_row_id(c, row)));
        if (err == HV_OK)
            err = hv_buf_putc(&b, ',');
        if (err == HV_OK)
            err = hv_csv_write_field(&b, hv_str_c(hv_id_csv_row_id(c, root)));
        if (err == HV_OK)
            err = hv_buf_putc(&b, '\n');
    }
    if (err == HV_OK)
        err = write_file(out_dir, "clusters.csv", &b, diag);
    hv_buf_finish(&b);
    return err;
}
