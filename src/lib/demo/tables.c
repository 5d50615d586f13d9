/* tables.c - loads the demo's data tables (names, honorifics, spelling variants, provinces,
 * employers, roles) from tab-separated files under data/, and picks weighted entries.
 * SPDX-License-Identifier: Apache-2.0 */
#include "demo/demo_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/str.h"

/* Tables are small; anything larger is a mistake, not data. */
#define TSV_MAX_BYTES (4u << 20)

enum hv_err hv__demo_path(char *out, size_t out_len, const char *dir, const char *name,
                          struct hv_diag *diag)
{
    int n = snprintf(out, out_len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= out_len) {
        hv_diag_set(diag, NULL, "data path too long for %s", name);
        return HV_ERR_LIMIT;
    }
    return HV_OK;
}

static enum hv_err read_file(const char *path, char **out, size_t *out_len, struct hv_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    size_t cap = 8192, len = 0;
    char *buf = hv_xmalloc(cap);
    enum hv_err err = HV_OK;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= TSV_MAX_BYTES) {
                hv_diag_at(diag, path, 0);
                hv_diag_set(diag, NULL, "table larger than %u bytes", TSV_MAX_BYTES);
                err = HV_ERR_LIMIT;
                break;
            }
            cap *= 2;
            buf = hv_xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                hv_diag_at(diag, path, 0);
                hv_diag_set(diag, NULL, "read error");
                err = HV_ERR_IO;
            }
            break;
        }
    }
    fclose(f);
    if (err != HV_OK) {
        free(buf);
        return err;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return HV_OK;
}

static bool skip_line(const char *p, size_t n)
{
    return n == 0 || p[0] == '#';
}

enum hv_err hv__demo_tsv_load(struct hv__demo_tsv *t, const char *path, struct hv_diag *diag)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->path, sizeof(t->path), "%s", path);
    size_t len = 0;
    enum hv_err err = read_file(path, &t->text, &len, diag);
    if (err != HV_OK)
        return err;
    if (memchr(t->text, '\0', len) != NULL || !hv_utf8_valid(t->text, len)) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "not valid UTF-8 text");
        err = HV_ERR_INVALID;
        goto fail;
    }

    /* Pass 1: count data lines (upper bound for the rows). */
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) {
        if (t->text[i] == '\n')
            lines++;
    }
    lines++;

    /* Pass 2: split in place. */
    char *p = t->text;
    char *end = t->text + len;
    uint64_t lineno = 0;
    bool have_header = false;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl != NULL ? nl : end;
        lineno++;
        char *next = nl != NULL ? nl + 1 : end;
        if (eol > p && eol[-1] == '\r')
            eol--;
        *eol = '\0';
        size_t n = (size_t)(eol - p);
        if (skip_line(p, n)) {
            p = next;
            continue;
        }
        const char *cells[HV__DEMO_TSV_MAX_COLS];
        size_t nc = 0;
        char *c = p;
        for (;;) {
            if (nc == HV__DEMO_TSV_MAX_COLS) {
                hv_diag_at(diag, path, lineno);
                hv_diag_set(diag, NULL, "more than %d columns", HV__DEMO_TSV_MAX_COLS);
                err = HV_ERR_LIMIT;
                goto fail;
            }
            cells[nc++] = c;
            char *tab = strchr(c, '\t');
            if (tab == NULL)
                break;
            *tab = '\0';
            c = tab + 1;
        }
        if (!have_header) {
            t->n_cols = nc;
            memcpy(t->header, cells, nc * sizeof(cells[0]));
            t->cells = hv_xcalloc(lines * nc, sizeof(*t->cells));
            t->row_line = hv_xcalloc(lines, sizeof(*t->row_line));
            have_header = true;
        } else {
            if (nc != t->n_cols) {
                hv_diag_at(diag, path, lineno);
                hv_diag_set(diag, NULL, "%zu columns where the header has %zu", nc, t->n_cols);
                err = HV_ERR_INVALID;
                goto fail;
            }
            memcpy(t->cells + t->n_rows * nc, cells, nc * sizeof(cells[0]));
            t->row_line[t->n_rows] = lineno;
            t->n_rows++;
        }
        p = next;
    }
    if (!have_header) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "no header line");
        err = HV_ERR_INVALID;
        goto fail;
    }
    return HV_OK;
fail:
    hv__demo_tsv_finish(t);
    return err;
}

void hv__demo_tsv_finish(struct hv__demo_tsv *t)
{
    free(t->text);
    free(t->cells);
    free(t->row_line);
    t->text = NULL;
    t->cells = NULL;
    t->row_line = NULL;
    t->n_rows = 0;
    t->n_cols = 0;
}

int hv__demo_tsv_col(const struct hv__demo_tsv *t, const char *name)
{
    for (size_t i = 0; i < t->n_cols; i++) {
        if (strcmp(t->header[i], name) == 0)
            return (int)i;
    }
    return -1;
}

const char *hv__demo_tsv_cell(const struct hv__demo_tsv *t, size_t row, int col)
{
    return t->cells[row * t->n_cols + (size_t)col];
}

/* Looks up the named columns, failing with the first one missing. */
static enum hv_err need_cols(const struct hv__demo_tsv *t, const char *const *names, int *cols,
                             size_t n, struct hv_diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        cols[i] = hv__demo_tsv_col(t, names[i]);
        if (cols[i] < 0) {
            hv_diag_at(diag, t->path, 0);
            hv_diag_set(diag, names[i], "missing column");
            return HV_ERR_INVALID;
        }
    }
    return HV_OK;
}

static enum hv_err row_error(const struct hv__demo_tsv *t, size_t row, const char *col,
                             const char *why, struct hv_diag *diag)
{
    hv_diag_at(diag, t->path, row < t->n_rows ? t->row_line[row] : 0);
    hv_diag_set(diag, col, "%s", why);
    return HV_ERR_INVALID;
}

static enum hv_err parse_int(const struct hv__demo_tsv *t, size_t row, int col, int64_t lo,
                             int64_t hi, int64_t *out, struct hv_diag *diag)
{
    const char *z = hv__demo_tsv_cell(t, row, col);
    if (!hv_parse_i64(hv_str_c(z), out) || *out < lo || *out > hi)
        return row_error(t, row, t->header[col], "not an integer in range", diag);
    return HV_OK;
}

/* Builds cumulative weights; weights[i] may be 0 (never picked). Needs a positive total. */
static enum hv_err wtable_build(struct hv__demo_wtable *w, const uint32_t *weights, size_t n,
                                const char *path, struct hv_diag *diag)
{
    w->n = n;
    w->cum = hv_xcalloc(n > 0 ? n : 1, sizeof(*w->cum));
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += weights[i];
        if (total > UINT32_MAX) {
            hv_diag_at(diag, path, 0);
            hv_diag_set(diag, "weight", "weights sum beyond 2^32");
            return HV_ERR_LIMIT;
        }
        w->cum[i] = (uint32_t)total;
    }
    w->total = (uint32_t)total;
    if (total == 0) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, "weight", "no entry with a positive weight");
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

static void wtable_finish(struct hv__demo_wtable *w)
{
    free(w->cum);
    w->cum = NULL;
    w->n = 0;
}

size_t hv__demo_wpick(const struct hv__demo_wtable *w, struct hv_rng *r)
{
    uint32_t x = (uint32_t)hv_rng_below(r, w->total);
    /* First index whose cumulative weight exceeds x: zero-weight entries are never chosen. */
    size_t lo = 0, hi = w->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* A name cell must be short, free of control characters, and not start or end with a space
 * (variant targets such as " Ullah" are not names and are checked separately). */
static enum hv_err check_name(const struct hv__demo_tsv *t, size_t row, int col,
                              struct hv_diag *diag)
{
    const char *z = hv__demo_tsv_cell(t, row, col);
    size_t n = strlen(z);
    if (n == 0)
        return row_error(t, row, t->header[col], "empty name", diag);
    if (n > HV__DEMO_NAME_CELL_MAX)
        return row_error(t, row, t->header[col], "name longer than 48 bytes", diag);
    if (z[0] == ' ' || z[n - 1] == ' ')
        return row_error(t, row, t->header[col], "leading or trailing space", diag);
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)z[i] < 0x20)
            return row_error(t, row, t->header[col], "control character", diag);
    }
    return HV_OK;
}

static enum hv_err load_names(struct hv__demo_namelist *nl, const char *dir, const char *file,
                              struct hv_diag *diag)
{
    static const char *const names[] = { "name", "native", "weight" };
    char path[1024];
    int cols[3];
    enum hv_err err = hv__demo_path(path, sizeof(path), dir, file, diag);
    if (err == HV_OK)
        err = hv__demo_tsv_load(&nl->tsv, path, diag);
    if (err != HV_OK)
        return err;
    err = need_cols(&nl->tsv, names, cols, 3, diag);
    if (err != HV_OK)
        return err;
    nl->n = nl->tsv.n_rows;
    nl->name = hv_xcalloc(nl->n + 1, sizeof(*nl->name));
    nl->native = hv_xcalloc(nl->n + 1, sizeof(*nl->native));
    uint32_t *weights = hv_xcalloc(nl->n + 1, sizeof(*weights));
    for (size_t i = 0; i < nl->n && err == HV_OK; i++) {
        int64_t w = 0;
        err = check_name(&nl->tsv, i, cols[0], diag);
        if (err == HV_OK)
            err = check_name(&nl->tsv, i, cols[1], diag);
        if (err == HV_OK)
            err = parse_int(&nl->tsv, i, cols[2], 0, 1000000, &w, diag);
        nl->name[i] = hv__demo_tsv_cell(&nl->tsv, i, cols[0]);
        nl->native[i] = hv__demo_tsv_cell(&nl->tsv, i, cols[1]);
        weights[i] = (uint32_t)w;
    }
    if (err == HV_OK)
        err = wtable_build(&nl->w, weights, nl->n, nl->tsv.path, diag);
    free(weights);
    return err;
}

static void namelist_finish(struct hv__demo_namelist *nl)
{
    hv__demo_tsv_finish(&nl->tsv);
    free(nl->name);
    free(nl->native);
    wtable_finish(&nl->w);
    memset(nl, 0, sizeof(*nl));
}

static enum hv_err load_tsv(struct hv__demo_tsv *t, const char *dir, const char *file,
                            struct hv_diag *diag)
{
    char path[1024];
    enum hv_err err = hv__demo_path(path, sizeof(path), dir, file, diag);
    if (err == HV_OK)
        err = hv__demo_tsv_load(t, path, diag);
    return err;
}

static enum hv_err load_honorifics(struct hv__demo_tables *t, const char *dir, struct hv_diag *diag)
{
    static const char *const names[] = { "honorific", "native", "position", "sex", "weight" };
    int c[5];
    enum hv_err err = load_tsv(&t->hon_tsv, dir, "names/honorifics.tsv", diag);
    if (err == HV_OK)
        err = need_cols(&t->hon_tsv, names, c, 5, diag);
    if (err != HV_OK)
        return err;
    size_t n = t->hon_tsv.n_rows;
    t->n_hon = n;
    t->hon = hv_xcalloc(n + 1, sizeof(*t->hon));
    uint32_t *wm = hv_xcalloc(n + 1, sizeof(*wm));
    uint32_t *wf = hv_xcalloc(n + 1, sizeof(*wf));
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        const struct hv__demo_tsv *tv = &t->hon_tsv;
        struct hv__demo_honorific *h = &t->hon[i];
        int64_t w = 0;
        err = check_name(tv, i, c[0], diag);
        if (err == HV_OK)
            err = check_name(tv, i, c[1], diag);
        if (err == HV_OK)
            err = parse_int(tv, i, c[4], 0, 1000000, &w, diag);
        if (err != HV_OK)
            break;
        h->name = hv__demo_tsv_cell(tv, i, c[0]);
        h->native = hv__demo_tsv_cell(tv, i, c[1]);
        const char *pos = hv__demo_tsv_cell(tv, i, c[2]);
        const char *sex = hv__demo_tsv_cell(tv, i, c[3]);
        if (strcmp(pos, "prefix") != 0 && strcmp(pos, "suffix") != 0) {
            err = row_error(tv, i, "position", "must be prefix or suffix", diag);
            break;
        }
        if (strcmp(sex, "M") != 0 && strcmp(sex, "F") != 0 && strcmp(sex, "*") != 0) {
            err = row_error(tv, i, "sex", "must be M, F or *", diag);
            break;
        }
        h->prefix = pos[0] == 'p';
        h->sex = sex[0];
        wm[i] = h->sex != 'F' ? (uint32_t)w : 0;
        wf[i] = h->sex != 'M' ? (uint32_t)w : 0;
    }
    if (err == HV_OK)
        err = wtable_build(&t->hon_w_male, wm, n, t->hon_tsv.path, diag);
    if (err == HV_OK)
        err = wtable_build(&t->hon_w_female, wf, n, t->hon_tsv.path, diag);
    free(wm);
    free(wf);
    return err;
}

static enum hv_err load_variants(struct hv__demo_tables *t, const char *dir, struct hv_diag *diag)
{
    static const char *const names[] = { "from", "to", "scope" };
    int c[3];
    enum hv_err err = load_tsv(&t->var_tsv, dir, "names/variants.tsv", diag);
    if (err == HV_OK)
        err = need_cols(&t->var_tsv, names, c, 3, diag);
    if (err != HV_OK)
        return err;
    const struct hv__demo_tsv *tv = &t->var_tsv;
    t->n_var = tv->n_rows;
    t->var = hv_xcalloc(t->n_var + 1, sizeof(*t->var));
    for (size_t i = 0; i < t->n_var; i++) {
        struct hv__demo_variant *v = &t->var[i];
        v->from = hv__demo_tsv_cell(tv, i, c[0]);
        v->to = hv__demo_tsv_cell(tv, i, c[1]);
        v->from_len = strlen(v->from);
        v->to_len = strlen(v->to);
        const char *scope = hv__demo_tsv_cell(tv, i, c[2]);
        if (strcmp(scope, "word") == 0)
            v->scope = HV__DEMO_SCOPE_WORD;
        else if (strcmp(scope, "start") == 0)
            v->scope = HV__DEMO_SCOPE_START;
        else if (strcmp(scope, "end") == 0)
            v->scope = HV__DEMO_SCOPE_END;
        else
            return row_error(tv, i, "scope", "must be word, start or end", diag);
        if (v->from_len == 0 || v->to_len == 0 || v->from_len > HV__DEMO_NAME_CELL_MAX ||
            v->to_len > HV__DEMO_NAME_CELL_MAX || strcmp(v->from, v->to) == 0)
            return row_error(tv, i, "from", "empty, too long or identical rewrite", diag);
    }
    return HV_OK;
}

/* "Sar-e Pol" -> "LOC-AF-SAR-E-POL". */
static void province_ref(char *out, size_t cap, const char *name)
{
    size_t n = (size_t)snprintf(out, cap, "LOC-AF-");
    for (const char *p = name; *p != '\0' && n + 1 < cap; p++) {
        char ch = *p;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        else if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            ch = '-';
        out[n++] = ch;
    }
    out[n] = '\0';
}

static enum hv_err load_provinces(struct hv__demo_tables *t, const char *dir, struct hv_diag *diag)
{
    static const char *const names[] = { "code", "name", "case_weight", "prs", "pus",
                                         "uzb",  "tuk",  "lat",         "lon", "native" };
    int c[10];
    enum hv_err err = load_tsv(&t->prov_tsv, dir, "geo/af_provinces.tsv", diag);
    if (err == HV_OK)
        err = need_cols(&t->prov_tsv, names, c, 10, diag);
    if (err != HV_OK)
        return err;
    const struct hv__demo_tsv *tv = &t->prov_tsv;
    t->n_prov = tv->n_rows;
    t->prov = hv_xcalloc(t->n_prov + 1, sizeof(*t->prov));
    uint32_t *w = hv_xcalloc(t->n_prov + 1, sizeof(*w));
    for (size_t i = 0; i < t->n_prov && err == HV_OK; i++) {
        struct hv__demo_province *p = &t->prov[i];
        int64_t v = 0;
        p->code = hv__demo_tsv_cell(tv, i, c[0]);
        p->name = hv__demo_tsv_cell(tv, i, c[1]);
        err = check_name(tv, i, c[1], diag);
        if (err == HV_OK)
            err = parse_int(tv, i, c[2], 0, 1000000, &v, diag);
        w[i] = (uint32_t)v;
        for (int k = 0; k < 4 && err == HV_OK; k++) {
            err = parse_int(tv, i, c[3 + k], 0, 100, &v, diag);
            p->lang[k] = (uint32_t)v;
        }
        if (err == HV_OK && p->lang[0] + p->lang[1] + p->lang[2] + p->lang[3] == 0)
            err = row_error(tv, i, "prs", "no language weight", diag);
        province_ref(p->ref, sizeof(p->ref), p->name);
    }
    if (err == HV_OK)
        err = wtable_build(&t->prov_w, w, t->n_prov, tv->path, diag);
    free(w);
    return err;
}

static enum hv_err load_employers(struct hv__demo_tables *t, const char *dir, struct hv_diag *diag)
{
    static const char *const names[] = { "employer", "hire_type", "contractor",
                                         "weight",   "from_year", "to_year" };
    int c[6];
    enum hv_err err = load_tsv(&t->emp_tsv, dir, "demo/employers.tsv", diag);
    if (err == HV_OK)
        err = need_cols(&t->emp_tsv, names, c, 6, diag);
    if (err != HV_OK)
        return err;
    const struct hv__demo_tsv *tv = &t->emp_tsv;
    t->n_emp = tv->n_rows;
    if (t->n_emp > UINT16_MAX)
        return row_error(tv, 0, NULL, "too many employers", diag);
    t->emp = hv_xcalloc(t->n_emp + 1, sizeof(*t->emp));
    uint32_t *w = hv_xcalloc(t->n_emp + 1, sizeof(*w));
    for (size_t i = 0; i < t->n_emp && err == HV_OK; i++) {
        struct hv__demo_employer *e = &t->emp[i];
        int64_t v = 0, from = 0, to = 0;
        e->employer = hv__demo_tsv_cell(tv, i, c[0]);
        e->hire_type = hv__demo_tsv_cell(tv, i, c[1]);
        e->contractor = hv__demo_tsv_cell(tv, i, c[2]);
        err = check_name(tv, i, c[0], diag);
        if (err == HV_OK)
            err = parse_int(tv, i, c[3], 0, 1000000, &v, diag);
        if (err == HV_OK)
            err = parse_int(tv, i, c[4], 1990, 2021, &from, diag);
        if (err == HV_OK)
            err = parse_int(tv, i, c[5], from + 1, 2021, &to, diag);
        if (err != HV_OK)
            break;
        bool contractor = strcmp(e->hire_type, "contractor") == 0;
        if (!contractor && strcmp(e->hire_type, "direct") != 0)
            err = row_error(tv, i, "hire_type", "must be direct or contractor", diag);
        else if (contractor != (e->contractor[0] != '\0'))
            err = row_error(tv, i, "contractor", "needed exactly for contractor hires", diag);
        w[i] = (uint32_t)v;
        e->from_year = (int)from;
        e->to_year = (int)to;
    }
    if (err == HV_OK)
        err = wtable_build(&t->emp_w, w, t->n_emp, tv->path, diag);
    free(w);
    return err;
}

static enum hv_err load_roles(struct hv__demo_tables *t, const char *dir, struct hv_diag *diag)
{
    static const char *const names[] = { "role", "weight", "english" };
    int c[3];
    enum hv_err err = load_tsv(&t->role_tsv, dir, "demo/roles.tsv", diag);
    if (err == HV_OK)
        err = need_cols(&t->role_tsv, names, c, 3, diag);
    if (err != HV_OK)
        return err;
    const struct hv__demo_tsv *tv = &t->role_tsv;
    t->n_role = tv->n_rows;
    if (t->n_role > UINT16_MAX)
        return row_error(tv, 0, NULL, "too many roles", diag);
    t->role = hv_xcalloc(t->n_role + 1, sizeof(*t->role));
    uint32_t *w = hv_xcalloc(t->n_role + 1, sizeof(*w));
    for (size_t i = 0; i < t->n_role && err == HV_OK; i++) {
        int64_t v = 0, eng = 0;
        t->role[i].role = hv__demo_tsv_cell(tv, i, c[0]);
        err = check_name(tv, i, c[0], diag);
        if (err == HV_OK)
            err = parse_int(tv, i, c[1], 0, 1000000, &v, diag);
        if (err == HV_OK)
            err = parse_int(tv, i, c[2], 0, 1, &eng, diag);
        w[i] = (uint32_t)v;
        t->role[i].english = eng == 1;
    }
    if (err == HV_OK)
        err = wtable_build(&t->role_w, w, t->n_role, tv->path, diag);
    free(w);
    return err;
}

static enum hv_err load_supervisors(struct hv__demo_tables *t, const char *dir,
                                    struct hv_diag *diag)
{
    static const char *const names[] = { "part", "value", "weight" };
    int c[3];
    enum hv_err err = load_tsv(&t->sup_tsv, dir, "names/supervisors.tsv", diag);
    if (err == HV_OK)
        err = need_cols(&t->sup_tsv, names, c, 3, diag);
    if (err != HV_OK)
        return err;
    const struct hv__demo_tsv *tv = &t->sup_tsv;
    size_t n = tv->n_rows;
    t->sup_val = hv_xcalloc(n + 1, sizeof(*t->sup_val));
    uint32_t *w[3];
    for (int k = 0; k < 3; k++)
        w[k] = hv_xcalloc(n + 1, sizeof(*w[k]));
    for (size_t i = 0; i < n && err == HV_OK; i++) {
        int64_t v = 0;
        const char *part = hv__demo_tsv_cell(tv, i, c[0]);
        t->sup_val[i] = hv__demo_tsv_cell(tv, i, c[1]);
        err = check_name(tv, i, c[1], diag);
        if (err == HV_OK)
            err = parse_int(tv, i, c[2], 0, 1000000, &v, diag);
        if (err != HV_OK)
            break;
        if (strcmp(part, "title") == 0)
            w[0][i] = (uint32_t)v;
        else if (strcmp(part, "initial") == 0)
            w[1][i] = (uint32_t)v;
        else if (strcmp(part, "surname") == 0)
            w[2][i] = (uint32_t)v;
        else
            err = row_error(tv, i, "part", "must be title, initial or surname", diag);
    }
    if (err == HV_OK)
        err = wtable_build(&t->sup_title_w, w[0], n, tv->path, diag);
    if (err == HV_OK)
        err = wtable_build(&t->sup_initial_w, w[1], n, tv->path, diag);
    if (err == HV_OK)
        err = wtable_build(&t->sup_surname_w, w[2], n, tv->path, diag);
    for (int k = 0; k < 3; k++)
        free(w[k]);
    return err;
}

enum hv_err hv__demo_tables_load(struct hv__demo_tables *t, const char *data_dir,
                                 struct hv_diag *diag)
{
    memset(t, 0, sizeof(*t));
    enum hv_err err = load_names(&t->male, data_dir, "names/given_male.tsv", diag);
    if (err == HV_OK)
        err = load_names(&t->female, data_dir, "names/given_female.tsv", diag);
    if (err == HV_OK)
        err = load_names(&t->family, data_dir, "names/family.tsv", diag);
    if (err == HV_OK)
        err = load_honorifics(t, data_dir, diag);
    if (err == HV_OK)
        err = load_variants(t, data_dir, diag);
    if (err == HV_OK)
        err = load_provinces(t, data_dir, diag);
    if (err == HV_OK)
        err = load_employers(t, data_dir, diag);
    if (err == HV_OK)
        err = load_roles(t, data_dir, diag);
    if (err == HV_OK)
        err = load_supervisors(t, data_dir, diag);
    if (err == HV_OK)
        err = load_tsv(&t->country_tsv, data_dir, "geo/countries.tsv", diag);
    if (err != HV_OK)
        hv__demo_tables_finish(t);
    return err;
}

void hv__demo_tables_finish(struct hv__demo_tables *t)
{
    namelist_finish(&t->male);
    namelist_finish(&t->female);
    namelist_finish(&t->family);
    hv__demo_tsv_finish(&t->hon_tsv);
    hv__demo_tsv_finish(&t->var_tsv);
    hv__demo_tsv_finish(&t->prov_tsv);
    hv__demo_tsv_finish(&t->emp_tsv);
    hv__demo_tsv_finish(&t->role_tsv);
    hv__demo_tsv_finish(&t->sup_tsv);
    hv__demo_tsv_finish(&t->country_tsv);
    free(t->hon);
    free(t->var);
    free(t->prov);
    free(t->emp);
    free(t->role);
    free(t->sup_val);
    wtable_finish(&t->hon_w_male);
    wtable_finish(&t->hon_w_female);
    wtable_finish(&t->prov_w);
    wtable_finish(&t->emp_w);
    wtable_finish(&t->role_w);
    wtable_finish(&t->sup_title_w);
    wtable_finish(&t->sup_initial_w);
    wtable_finish(&t->sup_surname_w);
    memset(t, 0, sizeof(*t));
}
