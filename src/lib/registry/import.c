/* import.c - the import driver: orders the inputs (parents before children), runs them in
 * one transaction with one audit entry, and either stops at the first bad row (nothing
 * written) or writes refused rows to a reject file and commits the rest.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "haven/audit.h"
#include "haven/clock.h"
#include "haven/csv.h"
#include "haven/log.h"
#include "registry/import_int.h"

#define HV_IMPORT_MAX_INPUTS 64
#define HV_IMPORT_MAX_JSON   (512u << 20) /* bytes of one JSON document */

enum input_type { INPUT_CSV, INPUT_JSON, INPUT_SEALED };

struct input {
    char path[4096];
    enum input_type type;
    const struct hv_kind_def *kind; /* CSV only */
    uint64_t size;
};

static void reject_write(struct hv__import *im, const char *file, uint64_t line,
                         const struct hv_diag *d, struct hv_str raw)
{
    struct hv_buf b;
    hv_buf_init(&b, 0);
    char num[32];
    snprintf(num, sizeof(num), "%llu", (unsigned long long)line);
    enum hv_err err = hv_csv_write_field(&b, hv_str_c(file));
    if (err == HV_OK)
        err = hv_buf_putc(&b, ',');
    if (err == HV_OK)
        err = hv_buf_appendz(&b, num);
    if (err == HV_OK)
        err = hv_buf_putc(&b, ',');
    if (err == HV_OK)
        err = hv_csv_write_field(&b, hv_str_c(d->field));
    if (err == HV_OK)
        err = hv_buf_putc(&b, ',');
    if (err == HV_OK)
        err = hv_csv_write_field(&b, hv_str_c(d->msg));
    if (err == HV_OK)
        err = hv_buf_putc(&b, ',');
    if (err == HV_OK)
        err = hv_csv_write_field(&b, raw);
    if (err == HV_OK)
        err = hv_buf_putc(&b, '\n');
    if (err == HV_OK)
        fwrite(b.ptr, 1, b.len, im->rejects);
    hv_buf_finish(&b);
}

enum hv_err hv__import_record(struct hv__import *im, struct hv_record *rec, const char *file,
                              uint64_t line, struct hv_str raw, struct hv_diag *diag)
{
    struct hv_diag local;
    hv_diag_clear(&local);
    enum hv_err err = hv_record_validate(&im->rec_arena, rec, &local);
    if (err == HV_OK)
        err = hv__reg_resolve_parent(&im->writer, rec, &local);
    enum hv__reg_outcome outcome = HV__REG_UNCHANGED;
    bool savepoint = false;
    if (err == HV_OK && im->rejects != NULL) {
        /* A row that fails in the database must not leave half its writes behind. */
        err = hv_store_exec(im->ctx->store, "SAVEPOINT import_row");
        savepoint = err == HV_OK;
    }
    size_t names_before = im->writer.n_names;
    if (err == HV_OK)
        err = hv__reg_upsert(&im->writer, &im->rec_arena, rec, &outcome, file, line, &local);
    if (err != HV_OK)
        im->writer.n_names = names_before; /* the row's index entries go with it */
    if (savepoint) {
        if (err == HV_OK) {
            err = hv_store_exec(im->ctx->store, "RELEASE import_row");
        } else {
            enum hv_err e2 = hv_store_exec(im->ctx->store, "ROLLBACK TO import_row");
            if (e2 == HV_OK)
                e2 = hv_store_exec(im->ctx->store, "RELEASE import_row");
            if (e2 != HV_OK)
                err = e2;
        }
    }
    hv_arena_reset(&im->rec_arena);
    enum hv_kind_id kid = rec->kind->id;
    if (err == HV_OK) {
        if (outcome == HV__REG_CREATED)
            im->counts->created[kid]++;
        else if (outcome == HV__REG_UPDATED)
            im->counts->updated[kid]++;
        else
            im->counts->unchanged[kid]++;
        return HV_OK;
    }
    hv_diag_at(&local, file, line);
    if (err == HV_ERR_INVALID && im->rejects != NULL) {
        if (!hv_diag_has(&local))
            hv_diag_set(&local, NULL, "refused");
        reject_write(im, file, line, &local, raw);
        im->counts->rejected[kid]++;
        im->n_rejected++;
        return HV_OK;
    }
    if (diag != NULL)
        *diag = local;
    return err;
}

void hv__import_progress(struct hv__import *im, uint64_t file_bytes_done)
{
    hv_progress_report(&im->ctx->progress, "import", im->bytes_done + file_bytes_done,
                       im->bytes_total);
}

/* Peeks at a file to tell JSON, a sealed export, or CSV. */
static enum hv_err classify(struct input *in, struct hv_diag *diag)
{
    FILE *f = fopen(in->path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, in->path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    unsigned char head[64];
    size_t n = fread(head, 1, sizeof(head), f);
    fclose(f);
    size_t i = 0;
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        i = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        i++;
    if (hv_vault_is_sealed_file(head, n)) {
        in->type = INPUT_SEALED;
        return HV_OK;
    }
    if (i < n && head[i] == '{') {
        in->type = INPUT_JSON;
        return HV_OK;
    }
    in->type = INPUT_CSV;
    return hv__import_csv_kind(in->path, &in->kind, diag);
}

static enum hv_err add_input(struct input *ins, size_t *n, const char *path, struct hv_diag *diag)
{
    if (*n >= HV_IMPORT_MAX_INPUTS) {
        hv_diag_set(diag, NULL, "more than %d input files", HV_IMPORT_MAX_INPUTS);
        return HV_ERR_LIMIT;
    }
    struct input *in = &ins[*n];
    memset(in, 0, sizeof(*in));
    if (strlen(path) >= sizeof(in->path)) {
        hv_diag_set(diag, NULL, "path too long");
        return HV_ERR_LIMIT;
    }
    memcpy(in->path, path, strlen(path) + 1);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    in->size = (uint64_t)sb.st_size;
    enum hv_err err = classify(in, diag);
    if (err == HV_OK)
        (*n)++;
    return err;
}

/* A directory contributes the registry files it holds, by their export names. */
static enum hv_err expand(const char *path, struct input *ins, size_t *n, struct hv_diag *diag)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    if (!S_ISDIR(sb.st_mode))
        return add_input(ins, n, path, diag);
    size_t before = *n;
    for (int k = 0; k < HV_N_KINDS; k++) {
        char p[4096];
        int len = snprintf(p, sizeof(p), "%s/%s", path, hv_kind(k)->file);
        if (len < 0 || (size_t)len >= sizeof(p))
            return HV_ERR_LIMIT;
        if (stat(p, &sb) == 0) {
            enum hv_err err = add_input(ins, n, p, diag);
            if (err != HV_OK)
                return err;
        }
    }
    char p[4096];
    snprintf(p, sizeof(p), "%s/registry.json", path);
    if (stat(p, &sb) == 0) {
        enum hv_err err = add_input(ins, n, p, diag);
        if (err != HV_OK)
            return err;
    }
    if (*n == before) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL,
                    "the directory holds no registry files (cases.csv, people.csv, ...)");
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

static int input_order(const void *a, const void *b)
{
    const struct input *x = a, *y = b;
    /* JSON documents carry their own order; CSV files go parents first. */
    int kx = x->type == INPUT_CSV ? (int)x->kind->id : -1;
    int ky = y->type == INPUT_CSV ? (int)y->kind->id : -1;
    return (kx > ky) - (kx < ky);
}

static enum hv_err read_whole(const char *path, FILE *f, char **out, size_t *len,
                              struct hv_diag *diag)
{
    struct hv_buf b;
    hv_buf_init(&b, HV_IMPORT_MAX_JSON);
    char chunk[65536];
    size_t n;
    enum hv_err err = HV_OK;
    while (err == HV_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        err = hv_buf_append(&b, chunk, n);
    if (err == HV_OK && ferror(f))
        err = HV_ERR_IO;
    if (err != HV_OK) {
        hv_diag_at(diag, path, 0);
        hv_diag_set(diag, NULL,
                    err == HV_ERR_LIMIT ? "JSON document larger than 512 MiB" : "read error");
        hv_buf_finish(&b);
        return err;
    }
    *out = b.ptr ? b.ptr : hv_xstrdup("");
    *len = b.len;
    return HV_OK;
}

static enum hv_err run_input(struct hv__import *im, const struct input *in,
                             const struct hv_vault_key_source *key, struct hv_diag *diag)
{
    if (in->type == INPUT_CSV)
        return hv__import_csv(im, in->path, in->kind, diag);
    FILE *f = fopen(in->path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, in->path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    char *data = NULL;
    size_t len = 0;
    enum hv_err err;
    if (in->type == INPUT_SEALED) {
        if (key == NULL) {
            hv_diag_at(diag, in->path, 0);
            hv_diag_set(diag, NULL, "a sealed export needs the database key");
            fclose(f);
            return HV_ERR_CRYPTO;
        }
        err = hv_vault_read_sealed_file(key, f, &data, &len, diag);
        if (err != HV_OK)
            hv_diag_at(diag, in->path, 0);
    } else {
        err = read_whole(in->path, f, &data, &len, diag);
    }
    fclose(f);
    if (err == HV_OK)
        err = hv__import_json(im, in->path, data, len, diag);
    free(data);
    return err;
}

static void count_summary(const struct hv_import_counts *c, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < HV_N_KINDS; k++) {
        int n = snprintf(out + used, cap - used, "%s%s +%llu ~%llu =%llu !%llu", used ? "; " : "",
                         hv_kind(k)->plural, (unsigned long long)c->created[k],
                         (unsigned long long)c->updated[k], (unsigned long long)c->unchanged[k],
                         (unsigned long long)c->rejected[k]);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
}

enum hv_err hv_registry_import(struct hv_ctx *ctx, const char *const *paths, size_t n_paths,
                               const struct hv_import_options *opt, struct hv_import_counts *counts,
                               struct hv_diag *diag)
{
    static const struct hv_import_options defaults = { 0 };
    if (opt == NULL)
        opt = &defaults;
    memset(counts, 0, sizeof(*counts));
    if (ctx->vault == NULL) {
        hv_diag_set(diag, "key", "no key was given: an import needs the database key");
        return HV_ERR_CRYPTO;
    }
    struct input *ins = hv_xcalloc(HV_IMPORT_MAX_INPUTS, sizeof(*ins));
    size_t n_ins = 0;
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < n_paths && err == HV_OK; i++)
        err = expand(paths[i], ins, &n_ins, diag);
    if (err != HV_OK) {
        free(ins);
        return err;
    }
    qsort(ins, n_ins, sizeof(*ins), input_order);

    struct hv__import im;
    memset(&im, 0, sizeof(im));
    im.ctx = ctx;
    im.opt = opt;
    im.counts = counts;
    hv_arena_init(&im.rec_arena, 4u << 20);
    for (size_t i = 0; i < n_ins; i++)
        im.bytes_total += ins[i].size;
    if (opt->reject_file != NULL) {
        im.rejects = fopen(opt->reject_file, "w");
        if (im.rejects == NULL) {
            hv_diag_at(diag, opt->reject_file, 0);
            hv_diag_set(diag, NULL, "cannot write the reject file: %s", strerror(errno));
            err = HV_ERR_IO;
            goto out;
        }
        fputs("file,line,field,reason,record\n", im.rejects);
    }
    /* The master key source is needed again only for sealed inputs. */
    double t_start = hv_monotonic();
    err = hv_store_begin(ctx->store);
    if (err != HV_OK)
        goto out;
    err = hv__reg_writer_init(&im.writer, ctx);
    im.writer.defer_names = true;
    for (size_t i = 0; i < n_ins && err == HV_OK; i++) {
        err = run_input(&im, &ins[i], opt->key_source, diag);
        im.bytes_done += ins[i].size;
    }
    double t_rows = hv_monotonic();
    if (err == HV_OK)
        err = hv__reg_writer_finish(&im.writer);
    else
        hv__reg_writer_discard(&im.writer);
    double t_index = hv_monotonic();
    if (err == HV_OK) {
        uint8_t change[32];
        char detail[160];
        count_summary(counts, detail, sizeof(detail));
        hv_hash_final(&im.writer.change, change);
        int64_t seq = 0;
        err = hv_audit_append(ctx, "import", "import", 0, detail, change, &seq);
        if (err == HV_OK && seq != im.writer.audit_seq) {
            hv_log(ctx->log, HV_LOG_ERROR, "import: audit seq %lld, expected %lld", (long long)seq,
                   (long long)im.writer.audit_seq);
            err = HV_ERR_INTERNAL;
        }
    }
    if (err == HV_OK && !opt->dry_run) {
        err = hv_store_commit(ctx->store);
    } else {
        hv_store_rollback(ctx->store);
    }
    hv_log(ctx->log, HV_LOG_DEBUG, "import: rows %.3f s, name index %.3f s, commit %.3f s",
           t_rows - t_start, t_index - t_rows, hv_monotonic() - t_index);
    if (err == HV_OK)
        hv_progress_report(&ctx->progress, "import", im.bytes_total, im.bytes_total);
out:
    if (im.rejects != NULL && fclose(im.rejects) != 0 && err == HV_OK) {
        hv_diag_set(diag, NULL, "cannot write the reject file");
        err = HV_ERR_IO;
    }
    hv_arena_finish(&im.rec_arena);
    free(ins);
    return err;
}
