/* export.c - writes the registry as CSV files (one per kind) or one JSON document, in the
 * formats that import reads (docs/formats.md), optionally sealed with the vault.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "haven/csv.h"
#include "haven/jsonw.h"
#include "registry/registry_int.h"

#define FLUSH_AT (1u << 20)

/* Where output goes: a FILE, or the vault's sealed writer over a FILE. */
struct sink {
    FILE *f;
    struct hv_vault_writer *sealed;
    struct hv_buf buf;
    enum hv_err err;
};

static void sink_flush(struct sink *s)
{
    if (s->err != HV_OK || s->buf.len == 0)
        return;
    if (s->sealed != NULL)
        s->err = hv_vault_writer_write(s->sealed, s->buf.ptr, s->buf.len);
    else if (fwrite(s->buf.ptr, 1, s->buf.len, s->f) != s->buf.len)
        s->err = HV_ERR_IO;
    hv_buf_reset(&s->buf);
}

/* --- CSV ------------------------------------------------------------------------------ */

struct csv_state {
    struct sink *sink;
};

static enum hv_err csv_row(void *ud, const struct hv_record *rec)
{
    struct csv_state *cs = ud;
    struct hv_buf *b = &cs->sink->buf;
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < rec->kind->n_fields && err == HV_OK; i++) {
        if (i > 0)
            err = hv_buf_putc(b, ',');
        if (err == HV_OK)
            err = hv_csv_write_field(b, rec->values[i]);
    }
    if (err == HV_OK)
        err = hv_buf_putc(b, '\n');
    if (err == HV_OK && b->len >= FLUSH_AT)
        sink_flush(cs->sink);
    return err != HV_OK ? err : cs->sink->err;
}

static enum hv_err export_csv(struct hv_ctx *ctx, const char *dir, struct hv_diag *diag)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        hv_diag_at(diag, dir, 0);
        hv_diag_set(diag, NULL, "cannot create the directory: %s", strerror(errno));
        return HV_ERR_IO;
    }
    enum hv_err err = HV_OK;
    for (int k = 0; k < HV_N_KINDS && err == HV_OK; k++) {
        const struct hv_kind_def *kd = hv_kind(k);
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, kd->file);
        struct sink s = { .f = fopen(path, "wb") };
        if (s.f == NULL) {
            hv_diag_at(diag, path, 0);
            hv_diag_set(diag, NULL, "cannot write: %s", strerror(errno));
            return HV_ERR_IO;
        }
        hv_buf_init(&s.buf, 0);
        for (size_t i = 0; i < kd->n_fields && err == HV_OK; i++)
            err = hv_buf_appendf(&s.buf, "%s%s", i ? "," : "", kd->fields[i].name);
        if (err == HV_OK)
            err = hv_buf_putc(&s.buf, '\n');
        struct csv_state cs = { &s };
        if (err == HV_OK)
            err = hv_record_each(ctx, kd, 0, csv_row, &cs);
        sink_flush(&s);
        if (err == HV_OK)
            err = s.err;
        hv_buf_finish(&s.buf);
        if (fclose(s.f) != 0 && err == HV_OK)
            err = HV_ERR_IO;
        if (err == HV_ERR_IO) {
            hv_diag_at(diag, path, 0);
            hv_diag_set(diag, NULL, "write error");
        }
    }
    return err;
}

/* --- JSON ----------------------------------------------------------------------------- */

struct json_state {
    struct hv_ctx *ctx;
    struct sink *sink;
    struct hv_jw w;
};

static void json_value(struct hv_jw *w, const struct hv_field_def *f, struct hv_str v)
{
    if (f->type == HV_FT_LIST) {
        hv_jw_array_begin(w);
        size_t start = 0;
        for (size_t i = 0; i <= v.len; i++) {
            if (i == v.len || v.ptr[i] == ';') {
                hv_jw_str(w, (struct hv_str){ v.ptr + start, i - start });
                start = i + 1;
            }
        }
        hv_jw_array_end(w);
    } else if (f->type == HV_FT_INT || f->type == HV_FT_REAL) {
        hv_jw_raw(w, v);
    } else {
        hv_jw_str(w, v);
    }
}

static enum hv_err json_record(void *ud, const struct hv_record *rec);

static enum hv_err json_record(void *ud, const struct hv_record *rec)
{
    struct json_state *js = ud;
    struct hv_jw *w = &js->w;
    const struct hv_kind_def *k = rec->kind;
    hv_jw_object_begin(w);
    for (size_t i = 0; i < k->n_fields; i++) {
        if ((int)i == k->parent_field || rec->values[i].len == 0)
            continue;
        hv_jw_key(w, k->fields[i].name);
        json_value(w, &k->fields[i], rec->values[i]);
    }
    enum hv_err err = HV_OK;
    /* Children: kinds whose parent is this kind, each as an array (omitted when empty is
     * not known in advance, so always written for people and their sub-records). */
    for (int c = 0; c < HV_N_KINDS && err == HV_OK; c++) {
        const struct hv_kind_def *ck = hv_kind(c);
        if (ck->parent_field < 0 || ck->parent != k->id)
            continue;
        hv_jw_key(w, ck->plural);
        hv_jw_array_begin(w);
        err = hv_record_each(js->ctx, ck, rec->id, json_record, js);
        hv_jw_array_end(w);
    }
    hv_jw_object_end(w);
    if (js->sink->buf.len >= FLUSH_AT)
        sink_flush(js->sink);
    if (err == HV_OK)
        err = hv_jw_err(w);
    return err != HV_OK ? err : js->sink->err;
}

static enum hv_err export_json(struct hv_ctx *ctx, struct sink *s)
{
    struct json_state js = { .ctx = ctx, .sink = s };
    hv_jw_init(&js.w, &s->buf, true);
    hv_jw_object_begin(&js.w);
    hv_jw_key(&js.w, "format");
    hv_jw_strz(&js.w, "haven.registry/1");
    hv_jw_key(&js.w, "locations");
    hv_jw_array_begin(&js.w);
    enum hv_err err = hv_record_each(ctx, hv_kind(HV_KIND_LOCATION), 0, json_record, &js);
    hv_jw_array_end(&js.w);
    if (err == HV_OK) {
        hv_jw_key(&js.w, "cases");
        hv_jw_array_begin(&js.w);
        err = hv_record_each(ctx, hv_kind(HV_KIND_CASE), 0, json_record, &js);
        hv_jw_array_end(&js.w);
    }
    hv_jw_object_end(&js.w);
    if (err == HV_OK)
        err = hv_jw_err(&js.w);
    if (err == HV_OK)
        err = hv_buf_putc(&s->buf, '\n');
    sink_flush(s);
    return err != HV_OK ? err : s->err;
}

enum hv_err hv_registry_export(struct hv_ctx *ctx, enum hv_export_format format, const char *out,
                               bool sealed, struct hv_diag *diag)
{
    if (ctx->vault == NULL) {
        hv_diag_set(diag, "key", "no key was given: the registry cannot be read");
        return HV_ERR_CRYPTO;
    }
    if (format == HV_EXPORT_CSV) {
        if (sealed) {
            hv_diag_set(diag, "sealed", "sealed exports are JSON: use --format json");
            return HV_ERR_INVALID;
        }
        return export_csv(ctx, out, diag);
    }
    bool to_stdout = strcmp(out, "-") == 0;
    struct sink s = { .f = to_stdout ? stdout : fopen(out, "wb") };
    if (s.f == NULL) {
        hv_diag_at(diag, out, 0);
        hv_diag_set(diag, NULL, "cannot write: %s", strerror(errno));
        return HV_ERR_IO;
    }
    hv_buf_init(&s.buf, 0);
    enum hv_err err = HV_OK;
    if (sealed)
        err = hv_vault_writer_create(ctx->vault, s.f, &s.sealed, diag);
    if (err == HV_OK)
        err = export_json(ctx, &s);
    if (s.sealed != NULL) {
        if (err == HV_OK)
            err = hv_vault_writer_close(s.sealed);
        else
            hv_vault_writer_abort(s.sealed);
    }
    hv_buf_finish(&s.buf);
    if (!to_stdout && fclose(s.f) != 0 && err == HV_OK)
        err = HV_ERR_IO;
    if (err == HV_ERR_IO) {
        hv_diag_at(diag, out, 0);
        hv_diag_set(diag, NULL, "write error");
    }
    return err;
}
