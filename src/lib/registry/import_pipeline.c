/* import_pipeline.c - the bulk CSV import on two threads: a producer reads, validates and
 * seals rows (everything that needs no database) while the calling thread, which owns the
 * store, inserts the rows prepared before. Used when the rows are all new (their table was
 * empty when the import began) and no reject file is asked for; otherwise import_csv.c
 * imports row by row.
 * SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/csv.h"
#include "registry/import_int.h"

#define BATCH_ROWS 256
#define N_BATCHES  4

struct item {
    uint64_t line;
    size_t n_binds;
    struct hv__bind binds[HV__MAX_BINDS];
};

struct batch {
    struct hv_arena arena; /* every value of the batch's rows */
    struct item items[BATCH_ROWS];
    size_t n;
    bool last; /* the producer stops after this one */
};

struct pipe {
    struct hv__import *im;
    const char *path;
    const struct hv_kind_def *kind;
    struct hv_csv_reader *reader;
    const int *map;
    size_t n_cols;

    pthread_mutex_t mu;
    pthread_cond_t cond;
    struct batch batches[N_BATCHES];
    struct batch *free_list[N_BATCHES];
    size_t n_free;
    struct batch *full[N_BATCHES]; /* FIFO */
    size_t full_head, n_full;
    bool stop; /* the consumer failed: the producer quits */
    enum hv_err producer_err;
    struct hv_diag producer_diag;
};

static struct batch *take_free(struct pipe *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->n_free == 0 && !p->stop)
        pthread_cond_wait(&p->cond, &p->mu);
    struct batch *b = p->stop ? NULL : p->free_list[--p->n_free];
    pthread_mutex_unlock(&p->mu);
    return b;
}

static void push_full(struct pipe *p, struct batch *b)
{
    pthread_mutex_lock(&p->mu);
    p->full[(p->full_head + p->n_full) % N_BATCHES] = b;
    p->n_full++;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mu);
}

static struct batch *take_full(struct pipe *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->n_full == 0)
        pthread_cond_wait(&p->cond, &p->mu);
    struct batch *b = p->full[p->full_head];
    p->full_head = (p->full_head + 1) % N_BATCHES;
    p->n_full--;
    pthread_mutex_unlock(&p->mu);
    return b;
}

static void give_back(struct pipe *p, struct batch *b)
{
    hv_arena_reset(&b->arena);
    b->n = 0;
    b->last = false;
    pthread_mutex_lock(&p->mu);
    p->free_list[p->n_free++] = b;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mu);
}

/* Prepares one CSV row into the batch; HV_OK with nothing added for a blank line. */
static enum hv_err produce_row(struct pipe *p, struct batch *b, struct hv_diag *d)
{
    struct hv_csv_reader *r = p->reader;
    size_t nf = hv_csv_n_fields(r);
    if (nf == 1 && hv_csv_field(r, 0).len == 0)
        return HV_OK;
    if (nf != p->n_cols) {
        hv_diag_set(d, NULL, "has %zu fields; the header has %zu", nf, p->n_cols);
        return HV_ERR_INVALID;
    }
    struct hv_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.kind = p->kind;
    /* The reader reuses its buffer: the batch keeps its own copies. */
    for (size_t c = 0; c < nf; c++) {
        struct hv_str v = hv_csv_field(r, c);
        char *copy = hv_str_dupz(&b->arena, v);
        if (copy == NULL)
            return HV_ERR_LIMIT;
        rec.values[p->map[c]] = (struct hv_str){ copy, v.len };
    }
    struct hv__import *im = p->im;
    enum hv_err err = hv_record_validate(&b->arena, &rec, d);
    if (err == HV_OK)
        err = hv__reg_resolve_parent(&im->writer, &rec, d);
    struct item *it = &b->items[b->n];
    if (err == HV_OK)
        err = hv__reg_prepare_insert(&im->writer, &b->arena, &rec, p->path, r->record_line,
                                     it->binds, &it->n_binds, d);
    if (err != HV_OK)
        return err;
    it->line = r->record_line;
    b->n++;
    im->counts->created[p->kind->id]++;
    return HV_OK;
}

static void *producer(void *arg)
{
    struct pipe *p = arg;
    uint64_t n_rows = 0;
    for (;;) {
        struct batch *b = take_free(p);
        if (b == NULL)
            return NULL; /* the consumer stopped */
        enum hv_err err = HV_OK;
        bool eof = false;
        while (b->n < BATCH_ROWS && err == HV_OK) {
            hv_diag_clear(&p->producer_diag);
            err = hv_csv_next(p->reader, &eof, &p->producer_diag);
            if (err != HV_OK || eof)
                break;
            err = produce_row(p, b, &p->producer_diag);
            if (err == HV_OK && (++n_rows & 4095) == 0)
                hv__import_progress(p->im, p->reader->byte_offset);
        }
        if (err != HV_OK) {
            p->producer_err = err;
            hv_diag_at(&p->producer_diag, p->path,
                       p->producer_diag.line ? p->producer_diag.line : p->reader->record_line);
        }
        /* Decide before handing the batch over: the consumer may recycle it at once. */
        bool last = err != HV_OK || eof;
        b->last = last;
        push_full(p, b);
        if (last)
            return NULL;
    }
}

enum hv_err hv__import_csv_pipelined(struct hv__import *im, const char *path,
                                     const struct hv_kind_def *k, struct hv_csv_reader *r,
                                     const int *map, size_t n_cols, struct hv_diag *diag)
{
    struct hv__reg_writer *w = &im->writer;
    /* Parents from earlier imports must be in memory before the producer needs them: it
     * never touches the database. */
    if (k->parent_field >= 0 && !w->known_loaded[k->parent]) {
        enum hv_err err = hv__reg_load_known(w, hv_kind(k->parent));
        if (err != HV_OK)
            return err;
    }
    struct pipe *p = hv_xcalloc(1, sizeof(*p));
    p->im = im;
    p->path = path;
    p->kind = k;
    p->reader = r;
    p->map = map;
    p->n_cols = n_cols;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cond, NULL);
    for (size_t i = 0; i < N_BATCHES; i++) {
        hv_arena_init(&p->batches[i].arena, 32u << 20);
        p->free_list[p->n_free++] = &p->batches[i];
    }
    pthread_t tid;
    enum hv_err err = HV_OK;
    if (pthread_create(&tid, NULL, producer, p) != 0) {
        err = HV_ERR_INTERNAL;
        goto out;
    }
    for (;;) {
        struct batch *b = take_full(p);
        for (size_t i = 0; i < b->n && err == HV_OK; i++) {
            struct hv_diag local;
            hv_diag_clear(&local);
            err = hv__reg_insert_prepared(w, k, b->items[i].binds, b->items[i].n_binds, &local);
            if (err != HV_OK) {
                hv_diag_at(&local, path, b->items[i].line);
                if (diag != NULL)
                    *diag = local;
            }
        }
        bool last = b->last;
        if (err != HV_OK) {
            pthread_mutex_lock(&p->mu);
            p->stop = true;
            pthread_cond_broadcast(&p->cond);
            pthread_mutex_unlock(&p->mu);
        }
        give_back(p, b);
        if (last || err != HV_OK)
            break;
    }
    pthread_join(tid, NULL);
    if (err == HV_OK && p->producer_err != HV_OK) {
        err = p->producer_err;
        if (diag != NULL)
            *diag = p->producer_diag;
    }
out:
    for (size_t i = 0; i < N_BATCHES; i++)
        hv_arena_finish(&p->batches[i].arena);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return err;
}
