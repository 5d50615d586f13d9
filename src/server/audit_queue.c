/* audit_queue.c - reads of personal data go into the audit chain through one writer thread
 * with its own connection: it appends every queued entry in one transaction (group commit)
 * and wakes the requests waiting for it. A request sends its data only after its entry is
 * committed; if the commit fails, the request fails (fail closed).
 * SPDX-License-Identifier: Apache-2.0 */
#include "server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/audit.h"
#include "haven/clock.h"
#include "haven/store.h"

struct qentry {
    char actor[64];
    char action[48];
    char entity[32];
    int64_t entity_id;
    char detail[160];
    uint64_t ticket;
};

#define QCAP 4096

struct hv_audit_queue {
    pthread_mutex_t mu;
    pthread_cond_t work; /* the writer waits for entries */
    pthread_cond_t done; /* requests wait for their batch */
    pthread_cond_t room; /* producers wait for space */
    struct qentry *q;
    size_t n;
    uint64_t next_ticket; /* the ticket of the next entry queued */
    uint64_t committed;   /* every ticket below it is decided */
    uint64_t failed_from; /* tickets in [failed_from, failed_to) failed */
    uint64_t failed_to;
    bool stop;
    pthread_t thread;
    struct hv_store *store;
    struct hv_logger log;
};

static void *writer(void *arg)
{
    struct hv_audit_queue *q = arg;
    struct qentry *batch = hv_xcalloc(QCAP, sizeof(*batch));
    struct hv_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.store = q->store;
    ctx.log = &q->log;
    double last_checkpoint = hv_monotonic();
    for (;;) {
        pthread_mutex_lock(&q->mu);
        if (!q->stop && hv_monotonic() - last_checkpoint > 1.0) {
            /* Each second: fold the WAL back into the database without blocking readers (the
             * writer's own automatic checkpoints are off, see hv__audit_queue_create). */
            pthread_mutex_unlock(&q->mu);
            if (hv_store_exec(q->store, "PRAGMA wal_checkpoint(PASSIVE)") != HV_OK)
                hv_log(&q->log, HV_LOG_WARN, "audit queue: checkpoint failed");
            last_checkpoint = hv_monotonic();
            pthread_mutex_lock(&q->mu);
        }
        while (q->n == 0 && !q->stop)
            pthread_cond_wait(&q->work, &q->mu);
        if (q->n == 0 && q->stop) {
            pthread_mutex_unlock(&q->mu);
            break;
        }
        size_t n = q->n;
        memcpy(batch, q->q, n * sizeof(*batch));
        q->n = 0;
        pthread_cond_broadcast(&q->room);
        pthread_mutex_unlock(&q->mu);

        enum hv_err err = hv_store_begin(q->store);
        for (size_t i = 0; err == HV_OK && i < n; i++) {
            ctx.actor = batch[i].actor;
            err = hv_audit_append(&ctx, batch[i].action, batch[i].entity, batch[i].entity_id,
                                  batch[i].detail, NULL, NULL);
        }
        if (err == HV_OK)
            err = hv_store_commit(q->store);
        hv_store_release_reads(q->store);
        if (err != HV_OK) {
            hv_store_rollback(q->store);
            hv_log(&q->log, HV_LOG_ERROR, "audit batch of %zu entries failed: %s", n,
                   hv_err_str(err));
        }
        pthread_mutex_lock(&q->mu);
        uint64_t last = batch[n - 1].ticket + 1;
        if (err != HV_OK) {
            q->failed_from = batch[0].ticket;
            q->failed_to = last;
        }
        q->committed = last;
        pthread_cond_broadcast(&q->done);
        pthread_mutex_unlock(&q->mu);
    }
    free(batch);
    return NULL;
}

enum hv_err hv__audit_queue_create(const char *db, const struct hv_logger *log, bool sync_full,
                                   struct hv_audit_queue **out, struct hv_diag *diag)
{
    struct hv_audit_queue *q = hv_xcalloc(1, sizeof(*q));
    if (log != NULL)
        q->log = *log;
    struct hv_store_options so = { .log = &q->log };
    enum hv_err err = hv_store_open(db, &so, &q->store, diag);
    if (err != HV_OK) {
        free(q);
        return err;
    }
    /* Read entries are committed in WAL mode without an fsync per batch: a process crash
     * loses nothing committed; an OS crash or power cut may lose the last batches (see
     * docs/internals/SERVER.md). Writes of records keep the store's FULL synchronisation. */
    if (!sync_full) {
        err = hv_store_exec(q->store, "PRAGMA synchronous=NORMAL");
        if (err == HV_OK)
            err = hv_store_exec(q->store, "PRAGMA wal_autocheckpoint=0");
        if (err != HV_OK) {
            hv_store_close(q->store);
            free(q);
            return err;
        }
    }
    q->q = hv_xcalloc(QCAP, sizeof(*q->q));
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->done, NULL);
    pthread_cond_init(&q->room, NULL);
    if (pthread_create(&q->thread, NULL, writer, q) != 0) {
        hv_store_close(q->store);
        free(q->q);
        free(q);
        return HV_ERR_INTERNAL;
    }
    *out = q;
    return HV_OK;
}

void hv__audit_queue_destroy(struct hv_audit_queue *q)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->mu);
    q->stop = true;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    hv_store_close(q->store);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->done);
    pthread_cond_destroy(&q->room);
    free(q->q);
    free(q);
}

static void copyz(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src != NULL ? src : "");
}

enum hv_err hv__audit_queue_push(struct hv_audit_queue *q, const char *actor, const char *action,
                                 const char *entity, int64_t entity_id, const char *detail,
                                 uint64_t *ticket)
{
    pthread_mutex_lock(&q->mu);
    while (q->n == QCAP && !q->stop)
        pthread_cond_wait(&q->room, &q->mu);
    if (q->stop) {
        pthread_mutex_unlock(&q->mu);
        return HV_ERR_INTERNAL;
    }
    struct qentry *e = &q->q[q->n++];
    copyz(e->actor, sizeof(e->actor), actor);
    copyz(e->action, sizeof(e->action), action);
    copyz(e->entity, sizeof(e->entity), entity);
    e->entity_id = entity_id;
    copyz(e->detail, sizeof(e->detail), detail);
    *ticket = q->next_ticket++;
    e->ticket = *ticket;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->mu);
    return HV_OK;
}

enum hv_err hv__audit_queue_wait(struct hv_audit_queue *q, uint64_t first, uint64_t last)
{
    pthread_mutex_lock(&q->mu);
    while (q->committed <= last)
        pthread_cond_wait(&q->done, &q->mu);
    bool failed = first < q->failed_to && last >= q->failed_from;
    pthread_mutex_unlock(&q->mu);
    return failed ? HV_ERR_DB : HV_OK;
}

enum hv_err hv__audit_queue_append(struct hv_audit_queue *q, const char *actor, const char *action,
                                   const char *entity, int64_t entity_id, const char *detail)
{
    uint64_t t = 0;
    enum hv_err err = hv__audit_queue_push(q, actor, action, entity, entity_id, detail, &t);
    if (err == HV_OK)
        err = hv__audit_queue_wait(q, t, t);
    return err;
}
