/* ofac.c - the OFAC SDN legacy CSV loader: sdn.csv (entries, with birth dates, nationality and
 * gender read from Remarks), alt.csv (aliases) and add.csv (address countries, read only to
 * validate the set). No header, CRLF, "-0-" for empty, an end-of-file byte 0x1A, 8-bit text.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/csv.h"
#include "screening/screening_int.h"

#define OFAC_MAX_FILE ((size_t)64 << 20)
#define SDN_FIELDS    12
#define ALT_FIELDS    5
#define ADD_FIELDS    6

/* One alias read from alt.csv, kept until the entries are built. */
struct ofac_alt {
    int64_t ent_num;
    const char *name;
    enum hv_wl_name_kind kind;
};

/* A field with "-0-" and white space removed; 8-bit (Latin-1) text is widened to UTF-8. */
static struct hv_str field(struct hv_wl_list *l, const struct hv_csv_reader *r, size_t i)
{
    struct hv_str s = hv_str_trim(hv_csv_field(r, i));
    if (hv_str_eqz(s, "-0-"))
        return HV_STR_NULL;
    if (hv_utf8_valid(s.ptr, s.len))
        return s;
    char *w = hv_arena_alloc(&l->arena, s.len * 2 + 1);
    size_t n = 0;
    for (size_t k = 0; k < s.len; k++) {
        unsigned char c = (unsigned char)s.ptr[k];
        if (c < 0x80) {
            w[n++] = (char)c;
        } else {
            w[n++] = (char)(0xC0 | (c >> 6));
            w[n++] = (char)(0x80 | (c & 0x3F));
        }
    }
    w[n] = '\0';
    return (struct hv_str){ w, n };
}

static bool parse_int(struct hv_str s, int64_t *out)
{
    if (s.len == 0 || s.len > 18)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
        v = v * 10 + (s.ptr[i] - '0');
    }
    *out = v;
    return true;
}

/* Checks the legacy end-of-file byte and returns the length without it. */
static bool strip_eof(const char *data, size_t *len)
{
    size_t n = *len;
    while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
        n--;
    if (n == 0 || data[n - 1] != 0x1A)
        return false;
    *len = n - 1;
    return true;
}

static int month_of(struct hv_str s)
{
    static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec" };
    if (s.len < 3)
        return 0;
    for (int i = 0; i < 12; i++) {
        if (((s.ptr[0] | 0x20) == months[i][0]) && ((s.ptr[1] | 0x20) == months[i][1]) &&
            ((s.ptr[2] | 0x20) == months[i][2]))
            return i + 1;
    }
    return 0;
}

/* Splits s at spaces into at most max words. */
static size_t words(struct hv_str s, struct hv_str *w, size_t max)
{
    size_t n = 0, i = 0;
    while (i < s.len && n < max) {
        while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '.' || s.ptr[i] == ','))
            i++;
        size_t j = i;
        while (j < s.len && s.ptr[j] != ' ' && s.ptr[j] != ',')
            j++;
        size_t k = j;
        while (k > i && s.ptr[k - 1] == '.')
            k--;
        if (k > i)
            w[n++] = (struct hv_str){ s.ptr + i, k - i };
        i = j;
    }
    return n;
}

/* "1960", "Jan 1960", "01 Jan 1960", "circa 1960" -> a date; false when not one. */
static bool one_date(const struct hv_str *w, size_t n, struct hv_pdate *d)
{
    int64_t y = 0, day = 0;
    memset(d, 0, sizeof(*d));
    if (n == 2 && hv_str_ieq_ascii(w[0], "circa")) {
        w++;
        n--;
    }
    if (n == 1 && parse_int(w[0], &y) && y >= 1850 && y <= 2100) {
        d->precision = HV_PDATE_YEAR;
        d->year = d->year_to = (int16_t)y;
        return true;
    }
    if (n == 2 && month_of(w[0]) > 0 && parse_int(w[1], &y) && y >= 1850 && y <= 2100) {
        d->precision = HV_PDATE_MONTH;
        d->year = d->year_to = (int16_t)y;
        d->month = (uint8_t)month_of(w[0]);
        return true;
    }
    if (n == 3 && parse_int(w[0], &day) && month_of(w[1]) > 0 && parse_int(w[2], &y) &&
        hv_date_valid((int)y, (unsigned)month_of(w[1]), (unsigned)day) && y >= 1850 && y <= 2100) {
        d->precision = HV_PDATE_DAY;
        d->year = d->year_to = (int16_t)y;
        d->month = (uint8_t)month_of(w[1]);
        d->day = (uint8_t)day;
        return true;
    }
    return false;
}

static enum hv_err remark_dob(struct hv__wl_builder *b, struct hv_str s)
{
    struct hv_str w[8];
    size_t n = words(s, w, 8);
    size_t to = n;
    for (size_t i = 0; i < n; i++) {
        if (hv_str_ieq_ascii(w[i], "to"))
            to = i;
    }
    struct hv_pdate d, e;
    if (to < n) {
        if (one_date(w, to, &d) && one_date(w + to + 1, n - to - 1, &e) && d.year <= e.year) {
            if (d.year == e.year && d.precision == HV_PDATE_YEAR)
                return hv__wl_add_dob(b, &d);
            struct hv_pdate r = { .precision = HV_PDATE_RANGE, .year = d.year, .year_to = e.year };
            if (r.year == r.year_to)
                r.precision = HV_PDATE_YEAR;
            return hv__wl_add_dob(b, &r);
        }
        return HV_OK;
    }
    if (one_date(w, n, &d))
        return hv__wl_add_dob(b, &d);
    return HV_OK; /* unreadable dates in free text are skipped, not fatal */
}

/* Reads "DOB ...", "nationality ...", "citizen ...", "Gender ..." items of Remarks. */
static enum hv_err parse_remarks(struct hv__wl_builder *b, struct hv_str r)
{
    size_t i = 0;
    while (i < r.len) {
        size_t j = i;
        while (j < r.len && r.ptr[j] != ';')
            j++;
        struct hv_str item = hv_str_trim((struct hv_str){ r.ptr + i, j - i });
        if (item.len > 5 && strncmp(item.ptr, "alt. ", 5) == 0) {
            item.ptr += 5;
            item.len -= 5;
        }
        while (item.len > 0 && item.ptr[item.len - 1] == '.')
            item.len--;
        enum hv_err err = HV_OK;
        if (item.len > 4 && strncmp(item.ptr, "DOB ", 4) == 0) {
            err = remark_dob(b, (struct hv_str){ item.ptr + 4, item.len - 4 });
        } else if (item.len > 12 && strncmp(item.ptr, "nationality ", 12) == 0) {
            err = hv__wl_add_nat(b, (struct hv_str){ item.ptr + 12, item.len - 12 });
        } else if (item.len > 8 && strncmp(item.ptr, "citizen ", 8) == 0) {
            err = hv__wl_add_nat(b, (struct hv_str){ item.ptr + 8, item.len - 8 });
        } else if (hv_str_eqz(item, "Gender Male")) {
            b->sex = 'M';
        } else if (hv_str_eqz(item, "Gender Female")) {
            b->sex = 'F';
        }
        if (err == HV_ERR_LIMIT)
            err = HV_OK; /* extra dates or nationalities in free text are dropped */
        if (err != HV_OK)
            return err;
        i = j + 1;
    }
    return HV_OK;
}

static int alt_cmp(const void *pa, const void *pb)
{
    const struct ofac_alt *a = pa, *b = pb;
    return a->ent_num < b->ent_num ? -1 : a->ent_num > b->ent_num ? 1 : 0;
}

/* Reads a whole CSV of the set, checking the field count and the ent_num of every record. */
typedef enum hv_err ofac_row_fn(void *ud, struct hv_csv_reader *r, int64_t ent_num,
                                struct hv_diag *diag);

static enum hv_err each_row(const char *file, const char *data, size_t len, size_t n_fields,
                            ofac_row_fn *fn, void *ud, struct hv_diag *diag)
{
    hv_diag_at(diag, file, 0);
    if (!strip_eof(data, &len)) {
        uint64_t lines = 1;
        for (size_t i = 0; i + 1 < len; i++)
            lines += data[i] == '\n';
        hv_diag_at(diag, file, lines);
        hv_diag_set(diag, NULL,
                    "no end-of-file byte 0x1A: the file is truncated or not an "
                    "OFAC legacy CSV");
        return HV_ERR_INVALID;
    }
    struct hv_csv_reader r;
    hv_csv_init_mem(&r, data, len);
    enum hv_err err = HV_OK;
    for (;;) {
        bool eof = false;
        err = hv_csv_next(&r, &eof, diag);
        if (err != HV_OK) {
            hv_diag_at(diag, file, r.record_line);
            break;
        }
        if (eof)
            break;
        if (hv_csv_n_fields(&r) == 1 && hv_str_trim(hv_csv_field(&r, 0)).len == 0)
            continue;
        hv_diag_at(diag, file, r.record_line);
        if (hv_csv_n_fields(&r) != n_fields) {
            hv_diag_set(diag, NULL, "%zu fields, expected %zu", hv_csv_n_fields(&r), n_fields);
            err = HV_ERR_INVALID;
            break;
        }
        int64_t ent = 0;
        if (!parse_int(hv_str_trim(hv_csv_field(&r, 0)), &ent)) {
            hv_diag_set(diag, "ent_num", "not a number");
            err = HV_ERR_INVALID;
            break;
        }
        err = fn(ud, &r, ent, diag);
        if (err != HV_OK)
            break;
    }
    hv_csv_finish(&r);
    return err;
}

struct alt_ctx {
    struct hv_wl_list *list;
    struct ofac_alt *alts;
    size_t n, cap;
};

static enum hv_err alt_row(void *ud, struct hv_csv_reader *r, int64_t ent, struct hv_diag *diag)
{
    struct alt_ctx *c = ud;
    struct hv_str type = field(c->list, r, 2);
    struct hv_str name = field(c->list, r, 3);
    if (name.len == 0) {
        hv_diag_set(diag, "alt_name", "empty alias");
        return HV_ERR_INVALID;
    }
    if (name.len > HV_WL_MAX_FIELD) {
        hv_diag_set(diag, "alt_name", "longer than %d bytes", HV_WL_MAX_FIELD);
        return HV_ERR_INVALID;
    }
    if (c->n == c->cap) {
        c->cap = c->cap == 0 ? 1024 : c->cap * 2;
        c->alts = hv_xrealloc(c->alts, c->cap * sizeof(*c->alts));
    }
    c->alts[c->n].ent_num = ent;
    c->alts[c->n].name = hv__wl_text(c->list, name);
    c->alts[c->n].kind =
        hv_str_ieq_ascii(type, "weak aka") ? HV_WL_NAME_ALIAS_LOW : HV_WL_NAME_ALIAS;
    c->n++;
    return HV_OK;
}

static enum hv_err add_row(void *ud, struct hv_csv_reader *r, int64_t ent, struct hv_diag *diag)
{
    (void)ud;
    (void)r;
    (void)ent;
    (void)diag;
    return HV_OK;
}

struct sdn_ctx {
    struct alt_ctx *alts;
    size_t alt_pos;
    int64_t last_ent;
};

static enum hv_err sdn_row(void *ud, struct hv_csv_reader *r, int64_t ent, struct hv_diag *diag)
{
    struct sdn_ctx *c = ud;
    struct hv_wl_list *l = c->alts->list;
    struct hv__wl_builder *b = hv_xmalloc(sizeof(*b));
    enum hv_err err = HV_OK;
    hv__wl_begin(b, l);
    char ref[24];
    snprintf(ref, sizeof(ref), "%lld", (long long)ent);
    b->ref = hv__wl_text(l, hv_str_c(ref));
    struct hv_str name = field(l, r, 1);
    struct hv_str type = field(l, r, 2);
    b->individual = hv_str_ieq_ascii(type, "individual");
    b->list_type = hv__wl_text(l, field(l, r, 3));
    if (name.len == 0 || name.len > HV_WL_MAX_FIELD) {
        hv_diag_set(diag, "SDN_Name", name.len == 0 ? "empty name" : "name too long");
        err = HV_ERR_INVALID;
        goto out;
    }
    err = hv__wl_add_name(b, HV_WL_NAME_PRIMARY, name);
    if (err == HV_OK)
        err = parse_remarks(b, field(l, r, 11));
    /* Aliases are sorted by ent_num; find this entry's run. */
    const struct ofac_alt key = { .ent_num = ent };
    struct ofac_alt *hit =
        c->alts->n == 0 ? NULL : bsearch(&key, c->alts->alts, c->alts->n, sizeof(key), alt_cmp);
    if (hit != NULL) {
        while (hit > c->alts->alts && hit[-1].ent_num == ent)
            hit--;
        for (; err == HV_OK && hit < c->alts->alts + c->alts->n && hit->ent_num == ent; hit++)
            err = hv__wl_add_name(b, hit->kind, hv_str_c(hit->name));
        if (err == HV_ERR_LIMIT)
            err = HV_OK; /* more aliases than the limit: keep the first ones */
    }
    if (err == HV_OK)
        err = hv__wl_end(b, diag);
out:
    free(b);
    return err;
}

enum hv_err hv_wl_load_ofac_mem(const char *sdn, size_t sdn_len, const char *alt, size_t alt_len,
                                const char *add, size_t add_len, struct hv_wl_list **out,
                                struct hv_diag *diag)
{
    struct hv_wl_list *list = hv_wl_list_create("ofac", HV_WL_OFAC);
    struct alt_ctx ac = { .list = list };
    enum hv_err err = HV_OK;
    if (alt != NULL) {
        err = each_row("alt.csv", alt, alt_len, ALT_FIELDS, alt_row, &ac, diag);
        if (err != HV_OK)
            goto out;
        if (ac.n > 1)
            qsort(ac.alts, ac.n, sizeof(*ac.alts), alt_cmp);
    }
    if (add != NULL) {
        err = each_row("add.csv", add, add_len, ADD_FIELDS, add_row, NULL, diag);
        if (err != HV_OK)
            goto out;
    }
    struct sdn_ctx sc = { .alts = &ac };
    err = each_row("sdn.csv", sdn, sdn_len, SDN_FIELDS, sdn_row, &sc, diag);
    if (err == HV_OK && list->n_entries == 0) {
        hv_diag_at(diag, "sdn.csv", 0);
        hv_diag_set(diag, NULL, "no entries");
        err = HV_ERR_INVALID;
    }
    if (err == HV_OK) {
        /* The snapshot hash covers the three files. */
        struct hv_buf hb;
        hv_buf_init(&hb, 0);
        char h[65];
        hv__wl_hash_hex(sdn, sdn_len, h);
        if (hv_buf_appendz(&hb, h) == HV_OK && alt != NULL) {
            hv__wl_hash_hex(alt, alt_len, h);
            if (hv_buf_appendz(&hb, h) != HV_OK)
                err = HV_ERR_INTERNAL;
        }
        if (add != NULL) {
            hv__wl_hash_hex(add, add_len, h);
            if (hv_buf_appendz(&hb, h) != HV_OK)
                err = HV_ERR_INTERNAL;
        }
        hv__wl_hash_hex(hb.ptr, hb.len, list->file_hash);
        hv_buf_finish(&hb);
    }
out:
    free(ac.alts);
    if (err != HV_OK) {
        hv_wl_list_destroy(list);
        return err;
    }
    *out = list;
    return HV_OK;
}

static enum hv_err read_opt(const char *dir, const char *file, bool required, char **data,
                            size_t *len, struct hv_diag *diag)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= sizeof(path))
        return HV_ERR_LIMIT;
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL && !required)
        return HV_OK;
    if (f != NULL)
        fclose(f);
    return hv__wl_read_file(path, OFAC_MAX_FILE, data, len, diag);
}

enum hv_err hv_wl_load_ofac(const char *dir, struct hv_wl_list **out, struct hv_diag *diag)
{
    char *sdn = NULL, *alt = NULL, *add = NULL;
    size_t sdn_len = 0, alt_len = 0, add_len = 0;
    enum hv_err err = read_opt(dir, "sdn.csv", true, &sdn, &sdn_len, diag);
    if (err == HV_OK)
        err = read_opt(dir, "alt.csv", false, &alt, &alt_len, diag);
    if (err == HV_OK)
        err = read_opt(dir, "add.csv", false, &add, &add_len, diag);
    if (err == HV_OK) {
        err = hv_wl_load_ofac_mem(sdn, sdn_len, alt, alt_len, add, add_len, out, diag);
        if (err != HV_OK && diag != NULL && diag->file[0] != '\0') {
            /* Name the file with its directory. */
            char rel[32];
            snprintf(rel, sizeof(rel), "%.16s", diag->file);
            char full[sizeof(diag->file)];
            snprintf(full, sizeof(full), "%.200s/%s", dir, rel);
            hv_diag_at(diag, full, diag->line);
        }
    }
    free(sdn);
    free(alt);
    free(add);
    return err;
}
