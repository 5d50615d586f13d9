/* import_pipeline.c - the bulk CSV import on several threads. A reader thread parses,
 * validates and claims rows in input order (ids, refs, parents: no database); sealer threads
 * compute each batch's MACs, blind indexes and sealed values (the costly part); the calling
 * thread, which owns the store, inserts the batches in input order. Used when the rows are
 * all new (their table was empty when the import began) and no reject file is asked for;
 * otherwise import_csv.c imports row by row.
 * SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/clock.h"
#include "haven/csv.h"
#include "haven/log.h"
#include "registry/import_int.h"

#define BATCH_ROWS 256
#define N_BATCHES  8
#define N_SEALERS  2

enum batch_state { BATCH_FREE, BATCH_FILLING, BATCH_CLAIMED, BATCH_SEALING, BATCH_READY };

struct item {
    uint64_t line;
    struct hv_record rec;
    struct hv__prepared prep;
};

struct batch {
    enum batch_state state;
    uint64_t seq;          /* input order */
    struct hv_arena arena; /* every value of the batch's rows */
    struct item items[BATCH_ROWS];
    size_t n;
    bool last;            /* the reader stopped after this one */
    enum hv_err seal_err; /* a sealer's failure (an arena limit) */
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
    struct batch *batches; /* N_BATCHES */
    uint64_t next_fill, next_insert;
    bool reader_done;
    bool stop; /* the inserter failed: everyone quits */
    enum hv_err reader_err;
    struct hv_diag reader_diag;
    double reader_wait, sealer_wait, inserter_wait; /* seconds spent waiting, for tuning */
};

/* With p->mu held: waits on the condition, adding the time to *waited. */
static void wait_on(struct pipe *p, double *waited)
{
    double t0 = hv_monotonic();
    pthread_cond_wait(&p->cond, &p->mu);
    *waited += hv_monotonic() - t0;
}

static struct batch *find(struct pipe *p, enum batch_state state)
{
    for (size_t i = 0; i < N_BATCHES; i++) {
        if (p->batches[i].state == state)
            return &p->batches[i];
    }
    return NULL;
}

/* Parses, validates and claims one CSV row into the batch; nothing added for a blank line. */
static enum hv_err read_row(struct pipe *p, struct batch *b, struct hv_diag *d)
{
    struct hv_csv_reader *r = p->reader;
    size_t nf = hv_csv_n_fields(r);
    if (nf == 1 && hv_csv_field(r, 0).len == 0)
        return HV_OK;
    if (nf != p->n_cols) {
        hv_diag_set(d, NULL, "has %zu fields; the header has %zu", nf, p->n_cols);
        return HV_ERR_INVALID;
    }
    struct item *it = &b->items[b->n];
    struct hv_record *rec = &it->rec;
    memset(rec, 0, sizeof(*rec));
    rec->kind = p->kind;
    /* The reader reuses its buffer: the batch keeps its own copies. */
    for (size_t c = 0; c < nf; c++) {
        struct hv_str v = hv_csv_field(r, c);
        char *copy = hv_str_dupz(&b->arena, v);
        if (copy == NULL)
            return HV_ERR_LIMIT;
        rec->values[p->map[c]] = (struct hv_str){ copy, v.len };
    }
    struct hv__import *im = p->im;
    enum hv_err err = hv_record_validate(&b->arena, rec, d);
    if (err == HV_OK)
        err = hv__reg_resolve_parent(&im->writer, rec, d);
    if (err == HV_OK)
        err = hv__reg_claim_new(&im->writer, rec, p->path, r->record_line, d);
    if (err != HV_OK)
        return err;
    it->line = r->record_line;
    b->n++;
    im->counts->created[p->kind->id]++;
    return HV_OK;
}

static void *reader_main(void *arg)
{
    struct pipe *p = arg;
    uint64_t n_rows = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        struct batch *b;
        while ((b = find(p, BATCH_FREE)) == NULL && !p->stop)
            wait_on(p, &p->reader_wait);
        if (p->stop) {
            p->reader_done = true;
            pthread_cond_broadcast(&p->cond);
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        b->state = BATCH_FILLING;
        pthread_mutex_unlock(&p->mu);

        enum hv_err err = HV_OK;
        bool eof = false;
        while (b->n < BATCH_ROWS && err == HV_OK) {
            hv_diag_clear(&p->reader_diag);
            err = hv_csv_next(p->reader, &eof, &p->reader_diag);
            if (err != HV_OK || eof)
                break;
            err = read_row(p, b, &p->reader_diag);
            if (err == HV_OK && (++n_rows & 4095) == 0)
                hv__import_progress(p->im, p->reader->byte_offset);
        }
        if (err != HV_OK) {
            p->reader_err = err;
            hv_diag_at(&p->reader_diag, p->path,
                       p->reader_diag.line ? p->reader_diag.line : p->reader->record_line);
        }
        bool last = err != HV_OK || eof;
        pthread_mutex_lock(&p->mu);
        b->last = last;
        b->seq = p->next_fill++;
        b->state = BATCH_CLAIMED;
        if (last)
            p->reader_done = true;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->mu);
        if (last)
            return NULL;
    }
}

static void *sealer_main(void *arg)
{
    struct pipe *p = arg;
    struct hv_buf scratch;
    hv_buf_init(&scratch, 1u << 20);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        struct batch *b;
        while ((b = find(p, BATCH_CLAIMED)) == NULL && !p->stop && !p->reader_done)
            wait_on(p, &p->sealer_wait);
        if (b == NULL) { /* stopped, or the reader finished and nothing is left */
            pthread_mutex_unlock(&p->mu);
            break;
        }
        b->state = BATCH_SEALING;
        pthread_mutex_unlock(&p->mu);

        enum hv_err err = HV_OK;
        for (size_t i = 0; i < b->n && err == HV_OK; i++)
            err = hv__reg_seal_new(&p->im->writer, &b->arena, &b->items[i].rec, &scratch,
                                   &b->items[i].prep);
        pthread_mutex_lock(&p->mu);
        b->seal_err = err;
        b->state = BATCH_READY;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->mu);
    }
    hv_buf_finish(&scratch);
    return NULL;
}

/* The next batch in input order once it is sealed, or NULL when the reader finished without
 * producing it (it stops after the batch marked last). */
static struct batch *take_ready(struct pipe *p)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        for (size_t i = 0; i < N_BATCHES; i++) {
            struct batch *b = &p->batches[i];
            if (b->state == BATCH_READY && b->seq == p->next_insert) {
                pthread_mutex_unlock(&p->mu);
                return b;
            }
        }
        wait_on(p, &p->inserter_wait);
    }
}

static void give_back(struct pipe *p, struct batch *b)
{
    hv_arena_reset(&b->arena);
    pthread_mutex_lock(&p->mu);
    b->n = 0;
    b->last = false;
    b->seal_err = HV_OK;
    b->state = BATCH_FREE;
    p->next_insert++;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mu);
}

enum hv_err hv__import_csv_pipelined(struct hv__import *im, const char *path,
                                     const struct hv_kind_def *k, struct hv_csv_reader *r,
                                     const int *map, size_t n_cols, struct hv_diag *diag)
{
    struct hv__reg_writer *w = &im->writer;
    /* Parents from earlier imports must be in memory before the reader needs them: no
     * thread but this one touches the database. */
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
    p->batches = hv_xcalloc(N_BATCHES, sizeof(*p->batches));
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cond, NULL);
    for (size_t i = 0; i < N_BATCHES; i++)
        hv_arena_init(&p->batches[i].arena, 32u << 20);
    pthread_t reader, sealers[N_SEALERS];
    size_t n_sealers = 0;
    bool reader_started = false;
    enum hv_err err = HV_OK;
    if (pthread_create(&reader, NULL, reader_main, p) != 0) {
        err = HV_ERR_INTERNAL;
        goto out;
    }
    reader_started = true;
    for (; n_sealers < N_SEALERS; n_sealers++) {
        if (pthread_create(&sealers[n_sealers], NULL, sealer_main, p) != 0) {
            err = HV_ERR_INTERNAL;
            break;
        }
    }
    while (err == HV_OK) {
        struct batch *b = take_ready(p);
        err = b->seal_err;
        for (size_t i = 0; i < b->n && err == HV_OK; i++) {
            struct hv_diag local;
            hv_diag_clear(&local);
            err = hv__reg_insert_prepared(w, &b->items[i].prep, &local);
            if (err != HV_OK) {
                hv_diag_at(&local, path, b->items[i].line);
                if (diag != NULL)
                    *diag = local;
            }
        }
        bool last = b->last;
        give_back(p, b);
        if (last)
            break;
    }
out:
    pthread_mutex_lock(&p->mu);
    if (err != HV_OK)
        p->stop = true;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mu);
    if (reader_started)
        pthread_join(reader, NULL);
    for (size_t i = 0; i < n_sealers; i++)
        pthread_join(sealers[i], NULL);
    if (err == HV_OK && p->reader_err != HV_OK) {
        err = p->reader_err;
        if (diag != NULL)
            *diag = p->reader_diag;
    }
    hv_log(im->ctx->log, HV_LOG_DEBUG,
           "import %s: waiting: reader %.3f s, sealers %.3f s, inserter %.3f s", k->plural,
           p->reader_wait, p->sealer_wait, p->inserter_wait);
    for (size_t i = 0; i < N_BATCHES; i++)
        hv_arena_finish(&p->batches[i].arena);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    free(p->batches);
    free(p);
    return err;
}
