/* custom.c - an organisation's own watchlist as a simple CSV (docs/formats.md, "Custom
 * watchlist CSV"), and hv_wl_load, which picks the loader for a source.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "haven/csv.h"
#include "screening/screening_int.h"

#define CUSTOM_MAX_FILE ((size_t)64 << 20)

enum { COL_ID, COL_TYPE, COL_NAME, COL_ALIASES, COL_DOB, COL_NAT, COL_SEX, COL_PROGRAM, N_COLS };
static const char *const col_names[N_COLS] = { "id",  "type",        "name", "aliases",
                                               "dob", "nationality", "sex",  "program" };

static enum hv_err custom_row(struct hv__wl_builder *b, const struct hv_csv_reader *r,
                              const int *col, struct hv_diag *diag)
{
    struct hv_wl_list *l = b->list;
    struct hv_str v[N_COLS];
    for (int i = 0; i < N_COLS; i++)
        v[i] = col[i] >= 0 ? hv_str_trim(hv_csv_field(r, (size_t)col[i])) : HV_STR_NULL;
    for (int i = 0; i < N_COLS; i++) {
        if (!hv_utf8_valid(v[i].ptr, v[i].len)) {
            hv_diag_set(diag, col_names[i], "not UTF-8");
            return HV_ERR_INVALID;
        }
        if (v[i].len > HV_WL_MAX_FIELD * 8) {
            hv_diag_set(diag, col_names[i], "too long");
            return HV_ERR_INVALID;
        }
    }
    if (v[COL_ID].len == 0 || v[COL_ID].len > 64) {
        hv_diag_set(diag, "id", "required, at most 64 bytes");
        return HV_ERR_INVALID;
    }
    if (v[COL_NAME].len == 0 || v[COL_NAME].len > HV_WL_MAX_FIELD) {
        hv_diag_set(diag, "name", "required, at most %d bytes", HV_WL_MAX_FIELD);
        return HV_ERR_INVALID;
    }
    hv__wl_begin(b, l);
    b->ref = hv__wl_text(l, v[COL_ID]);
    b->list_type = hv__wl_text(l, v[COL_PROGRAM]);
    if (v[COL_TYPE].len == 0 || hv_str_eqz(v[COL_TYPE], "individual")) {
        b->individual = true;
    } else if (hv_str_eqz(v[COL_TYPE], "entity")) {
        b->individual = false;
    } else {
        hv_diag_set(diag, "type", "must be individual or entity");
        return HV_ERR_INVALID;
    }
    if (v[COL_SEX].len == 0) {
        b->sex = 0;
    } else if (hv_str_eqz(v[COL_SEX], "M") || hv_str_eqz(v[COL_SEX], "F")) {
        b->sex = v[COL_SEX].ptr[0];
    } else {
        hv_diag_set(diag, "sex", "must be M, F or empty");
        return HV_ERR_INVALID;
    }
    enum hv_err err = hv__wl_add_name(b, HV_WL_NAME_PRIMARY, v[COL_NAME]);
    struct hv_str a = v[COL_ALIASES];
    size_t i = 0;
    while (err == HV_OK && i < a.len) {
        size_t j = i;
        while (j < a.len && a.ptr[j] != ';')
            j++;
        struct hv_str one = { a.ptr + i, j - i };
        if (one.len > HV_WL_MAX_FIELD) {
            hv_diag_set(diag, "aliases", "an alias is longer than %d bytes", HV_WL_MAX_FIELD);
            return HV_ERR_INVALID;
        }
        err = hv__wl_add_name(b, HV_WL_NAME_ALIAS, one);
        i = j + 1;
    }
    if (err == HV_ERR_LIMIT) {
        hv_diag_set(diag, "aliases", "more than %d names", HV_WL_MAX_NAMES);
        return HV_ERR_INVALID;
    }
    if (err == HV_OK) {
        err = hv__wl_parse_dobs(b, v[COL_DOB]);
        if (err != HV_OK) {
            hv_diag_set(diag, "dob",
                        "dates are YYYY, YYYY-MM, YYYY-MM-DD or YYYY..YYYY, "
                        "separated by ';' (at most %d)",
                        HV_WL_MAX_DOBS);
            return HV_ERR_INVALID;
        }
    }
    if (err == HV_OK) {
        err = hv__wl_parse_nats(b, v[COL_NAT]);
        if (err != HV_OK) {
            hv_diag_set(diag, "nationality", "at most %d nationalities", HV_WL_MAX_NATS);
            return HV_ERR_INVALID;
        }
    }
    if (err == HV_OK)
        err = hv__wl_end(b, diag);
    return err;
}

static int ref_cmp(const void *pa, const void *pb)
{
    const struct hv_wl_entry *a = pa, *b = pb;
    return strcmp(a->ref, b->ref);
}

enum hv_err hv_wl_load_custom_mem(const char *name, const char *data, size_t len,
                                  struct hv_wl_list **out, struct hv_diag *diag)
{
    hv_diag_at(diag, name, 0);
    struct hv_wl_list *list = hv_wl_list_create("custom", HV_WL_CUSTOM);
    struct hv__wl_builder *b = hv_xmalloc(sizeof(*b));
    hv__wl_begin(b, list);
    hv__wl_hash_hex(data, len, list->file_hash);
    struct hv_csv_reader r;
    hv_csv_init_mem(&r, data, len);
    int col[N_COLS];
    for (int i = 0; i < N_COLS; i++)
        col[i] = -1;
    bool header = true;
    enum hv_err err = HV_OK;
    for (;;) {
        bool eof = false;
        err = hv_csv_next(&r, &eof, diag);
        if (err != HV_OK) {
            hv_diag_at(diag, name, r.record_line);
            goto out;
        }
        if (eof)
            break;
        hv_diag_at(diag, name, r.record_line);
        size_t nf = hv_csv_n_fields(&r);
        if (nf == 1 && hv_csv_field(&r, 0).len == 0)
            continue;
        if (header) {
            for (size_t f = 0; f < nf; f++) {
                struct hv_str h = hv_str_trim(hv_csv_field(&r, f));
                int found = -1;
                for (int i = 0; i < N_COLS; i++) {
                    if (hv_str_eqz(h, col_names[i]))
                        found = i;
                }
                if (found < 0 || col[found] >= 0) {
                    hv_diag_set(diag, NULL, "%s column \"%.*s\" in the header",
                                found < 0 ? "unknown" : "duplicate", (int)(h.len > 40 ? 40 : h.len),
                                h.ptr);
                    err = HV_ERR_INVALID;
                    goto out;
                }
                col[found] = (int)f;
            }
            if (col[COL_ID] < 0 || col[COL_NAME] < 0) {
                hv_diag_set(diag, NULL, "the header needs the columns id and name");
                err = HV_ERR_INVALID;
                goto out;
            }
            header = false;
            continue;
        }
        if (nf != (size_t)0 && nf < (size_t)(col[COL_ID] + 1)) {
            hv_diag_set(diag, NULL, "too few fields");
            err = HV_ERR_INVALID;
            goto out;
        }
        int max_col = 0;
        for (int i = 0; i < N_COLS; i++)
            max_col = col[i] > max_col ? col[i] : max_col;
        if (nf <= (size_t)max_col) {
            hv_diag_set(diag, NULL, "%zu fields, the header has more", nf);
            err = HV_ERR_INVALID;
            goto out;
        }
        err = custom_row(b, &r, col, diag);
        if (err != HV_OK)
            goto out;
    }
    if (header || list->n_entries == 0) {
        hv_diag_set(diag, NULL, "no entries");
        err = HV_ERR_INVALID;
        goto out;
    }
    /* Refs must be unique. */
    qsort(list->entries, list->n_entries, sizeof(*list->entries), ref_cmp);
    for (size_t i = 1; i < list->n_entries; i++) {
        if (strcmp(list->entries[i - 1].ref, list->entries[i].ref) == 0) {
            hv_diag_at(diag, name, 0);
            hv_diag_set(diag, "id", "duplicate id %.60s", list->entries[i].ref);
            err = HV_ERR_INVALID;
            goto out;
        }
    }
out:
    hv_csv_finish(&r);
    free(b);
    if (err != HV_OK) {
        hv_wl_list_destroy(list);
        return err;
    }
    *out = list;
    return HV_OK;
}

enum hv_err hv_wl_load_custom(const char *path, const char *list_name, struct hv_wl_list **out,
                              struct hv_diag *diag)
{
    char *data = NULL;
    size_t len = 0;
    enum hv_err err = hv__wl_read_file(path, CUSTOM_MAX_FILE, &data, &len, diag);
    if (err != HV_OK)
        return err;
    err = hv_wl_load_custom_mem(path, data, len, out, diag);
    free(data);
    if (err == HV_OK && list_name != NULL)
        snprintf((*out)->name, sizeof((*out)->name), "%s", list_name);
    return err;
}

enum hv_err hv_wl_load(enum hv_wl_source source, const char *path, const char *list_name,
                       struct hv_wl_list **out, struct hv_diag *diag)
{
    struct stat st;
    bool dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    enum hv_err err;
    switch (source) {
    case HV_WL_UN:
        if (dir) {
            char p[4096];
            int n = snprintf(p, sizeof(p), "%s/consolidated.xml", path);
            if (n < 0 || (size_t)n >= sizeof(p))
                return HV_ERR_LIMIT;
            err = hv_wl_load_un(p, out, diag);
        } else {
            err = hv_wl_load_un(path, out, diag);
        }
        break;
    case HV_WL_OFAC:
        err = hv_wl_load_ofac(path, out, diag);
        break;
    case HV_WL_CUSTOM:
        err = hv_wl_load_custom(path, NULL, out, diag);
        break;
    default:
        return HV_ERR_INVALID;
    }
    if (err == HV_OK && list_name != NULL && list_name[0] != '\0')
        snprintf((*out)->name, sizeof((*out)->name), "%s", list_name);
    return err;
}
