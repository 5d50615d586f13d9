/* run.c - Monte Carlo replications in parallel threads (pthreads) and their summary: per-week
 * quantiles of beds per series, weeks over capacity, clearance, cases over the statutory clock.
 * Every replication writes to its own slice, and sums are taken in replication order, so the
 * result does not depend on the number of threads.
 * SPDX-License-Identifier: Apache-2.0 */
#include "forecast/forecast_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "haven/clock.h"
#include "haven/str.h"

struct series {
    char *key, *name;
    bool is_site;
    int64_t capacity;
};

struct hv_forecast_result {
    char *name;
    double statutory;
    uint32_t reps, threads;
    int32_t weeks, start_day;
    uint64_t seed, events;
    double seconds;
    size_t n_series, n_steps;
    struct series *series;
    char **step_ids;
    int64_t *beds_q;  /* [n_series][weeks][3] */
    int64_t *wover_q; /* [n_series][3] */
    int32_t *clear;   /* [reps][n_series] day offsets, -1 not cleared */
    int32_t *clear_q; /* [n_series][3] day numbers */
    double *cleared;  /* [n_series] */
    int64_t *over_q;  /* [weeks][3] */
    int64_t travelled_q[3], moved_q[3];
    struct fc_step_acc *steps; /* [n_steps] */
};

struct job {
    const struct hv_forecast_model *m;
    uint64_t seed;
    uint32_t reps;
    size_t n_series;
    int32_t *beds, *over, *clear, *travelled, *moved;
    struct fc_step_acc *steps; /* [reps][n_steps] */
    uint64_t *events;          /* [reps] */
    atomic_uint next, done;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    const struct hv_forecast_model *m = j->m;
    struct fc_engine *e = hv__forecast_engine_create(m);
    for (;;) {
        unsigned r = atomic_fetch_add(&j->next, 1);
        if (r >= j->reps)
            break;
        struct fc_rep_out out = {
            .beds = j->beds + (size_t)r * j->n_series * (size_t)m->weeks,
            .over = j->over + (size_t)r * (size_t)m->weeks,
            .clear = j->clear + (size_t)r * j->n_series,
            .steps = j->steps + (size_t)r * m->n_steps,
        };
        hv__forecast_engine_run(e, j->seed, r, &out);
        j->travelled[r] = out.travelled;
        j->moved[r] = out.moved;
        j->events[r] = out.events;
        atomic_fetch_add(&j->done, 1);
    }
    hv__forecast_engine_destroy(e);
    return NULL;
}

static int cmp_i32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* Nearest-rank P10, P50, P90 of v[0..n) (sorted in place). */
static void quantiles(int32_t *v, size_t n, int64_t q[3])
{
    qsort(v, n, sizeof(*v), cmp_i32);
    static const double p[3] = { 0.10, 0.50, 0.90 };
    for (int k = 0; k < 3; k++) {
        size_t rank = (size_t)(p[k] * (double)n + 0.999999999);
        if (rank < 1)
            rank = 1;
        if (rank > n)
            rank = n;
        q[k] = v[rank - 1];
    }
}

static void summarise(struct hv_forecast_result *r, const struct job *j)
{
    size_t reps = r->reps, W = (size_t)r->weeks, S = r->n_series;
    int32_t *col = hv_xcalloc(reps, sizeof(*col));
    for (size_t s = 0; s < S; s++) {
        for (size_t w = 0; w < W; w++) {
            for (size_t k = 0; k < reps; k++)
                col[k] = j->beds[(k * S + s) * W + w];
            quantiles(col, reps, &r->beds_q[(s * W + w) * 3]);
        }
        for (size_t k = 0; k < reps; k++) {
            int32_t n = 0;
            for (size_t w = 0; w < W; w++)
                n += j->beds[(k * S + s) * W + w] > r->series[s].capacity;
            col[k] = n;
        }
        quantiles(col, reps, &r->wover_q[s * 3]);
        size_t cleared = 0;
        for (size_t k = 0; k < reps; k++) {
            int32_t c = j->clear[k * S + s];
            cleared += c >= 0;
            col[k] = c >= 0 ? c : INT32_MAX;
        }
        int64_t q[3];
        quantiles(col, reps, q);
        for (int k = 0; k < 3; k++)
            r->clear_q[s * 3 + (size_t)k] =
                q[k] == INT32_MAX ? INT32_MAX : (int32_t)(q[k] + r->start_day);
        r->cleared[s] = (double)cleared / (double)reps;
    }
    for (size_t w = 0; w < W; w++) {
        for (size_t k = 0; k < reps; k++)
            col[k] = j->over[k * W + w];
        quantiles(col, reps, &r->over_q[w * 3]);
    }
    memcpy(col, j->travelled, reps * sizeof(*col));
    quantiles(col, reps, r->travelled_q);
    memcpy(col, j->moved, reps * sizeof(*col));
    quantiles(col, reps, r->moved_q);
    free(col);
    for (size_t k = 0; k < reps; k++) {
        for (size_t i = 0; i < r->n_steps; i++) {
            const struct fc_step_acc *a = &j->steps[k * r->n_steps + i];
            struct fc_step_acc *o = &r->steps[i];
            o->entered += a->entered;
            o->started += a->started;
            o->done += a->done;
            o->wait_sum += a->wait_sum;
            o->sojourn_sum += a->sojourn_sum;
            o->area += a->area;
            o->window += a->window;
        }
        r->events += j->events[k];
    }
}

static uint32_t online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (uint32_t)n;
}

enum hv_err hv_forecast_run(const struct hv_forecast_model *m,
                            const struct hv_forecast_options *opt, struct hv_forecast_result **out,
                            struct hv_diag *diag)
{
    *out = NULL;
    hv_diag_clear(diag);
    if (opt->reps < 1 || opt->reps > HV_FORECAST_MAX_REPS) {
        hv_diag_set(diag, "reps", "must be 1..%d", HV_FORECAST_MAX_REPS);
        return HV_ERR_INVALID;
    }
    size_t S = hv__forecast_n_series(m), W = (size_t)m->weeks, R = opt->reps;
    unsigned long long bytes =
        (unsigned long long)R * ((S * W + W + S + 1) * 4 + m->n_steps * sizeof(struct fc_step_acc));
    if (bytes > HV_FORECAST_MAX_RESULT) {
        hv_diag_set(diag, "reps", "replications x weeks x series need %llu MiB (limit %llu)",
                    bytes >> 20, (unsigned long long)(HV_FORECAST_MAX_RESULT >> 20));
        return HV_ERR_LIMIT;
    }
    uint32_t threads = opt->threads != 0 ? opt->threads : online_cpus();
    if (threads > R)
        threads = (uint32_t)R;
    if (threads > 256)
        threads = 256;
    struct job j = { .m = m, .seed = opt->seed, .reps = (uint32_t)R, .n_series = S };
    j.beds = hv_xcalloc(R * S * W, sizeof(int32_t));
    j.over = hv_xcalloc(R * W, sizeof(int32_t));
    j.clear = hv_xcalloc(R * S, sizeof(int32_t));
    j.travelled = hv_xcalloc(R, sizeof(int32_t));
    j.moved = hv_xcalloc(R, sizeof(int32_t));
    j.steps = hv_xcalloc(R * m->n_steps + 1, sizeof(struct fc_step_acc));
    j.events = hv_xcalloc(R, sizeof(uint64_t));
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    double t0 = hv_monotonic();
    pthread_t *tid = hv_xcalloc(threads, sizeof(*tid));
    uint32_t started = 0;
    for (; started < threads; started++) {
        if (pthread_create(&tid[started], NULL, worker, &j) != 0)
            break;
    }
    if (started == 0)
        worker(&j);
    while (started > 0 && atomic_load(&j.done) < R) {
        hv_progress_report(&opt->progress, "replications", atomic_load(&j.done), R);
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    for (uint32_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    hv_progress_report(&opt->progress, "replications", R, R);

    struct hv_forecast_result *r = hv_xcalloc(1, sizeof(*r));
    r->seconds = hv_monotonic() - t0;
    r->name = hv_xstrdup(m->name);
    r->statutory = m->statutory;
    r->reps = (uint32_t)R;
    r->threads = started > 0 ? started : 1;
    r->weeks = m->weeks;
    r->start_day = m->start_day;
    r->seed = opt->seed;
    r->n_series = S;
    r->n_steps = m->n_steps;
    r->series = hv_xcalloc(S, sizeof(*r->series));
    r->series[0] = (struct series){ hv_xstrdup("ALL"), hv_xstrdup("all host sites"), false, 0 };
    for (size_t c = 0; c < m->n_countries; c++) {
        r->series[1 + c] =
            (struct series){ hv_xstrdup(m->countries[c].code), hv_xstrdup(m->countries[c].code),
                             false, m->countries[c].capacity };
        r->series[0].capacity += m->countries[c].capacity;
    }
    for (size_t s = 0; s < m->n_sites; s++)
        r->series[1 + m->n_countries + s] =
            (struct series){ hv_xstrdup(m->sites[s].ref), hv_xstrdup(m->sites[s].name), true,
                             m->sites[s].capacity };
    r->step_ids = hv_xcalloc(m->n_steps + 1, sizeof(char *));
    for (size_t i = 0; i < m->n_steps; i++)
        r->step_ids[i] = hv_xstrdup(m->steps[i].id);
    r->beds_q = hv_xcalloc(S * W * 3, sizeof(int64_t));
    r->wover_q = hv_xcalloc(S * 3, sizeof(int64_t));
    r->clear_q = hv_xcalloc(S * 3, sizeof(int32_t));
    r->cleared = hv_xcalloc(S, sizeof(double));
    r->over_q = hv_xcalloc(W * 3, sizeof(int64_t));
    r->steps = hv_xcalloc(m->n_steps + 1, sizeof(*r->steps));
    summarise(r, &j);
    r->clear = j.clear; /* kept for the clearance histogram */
    free(j.beds);
    free(j.over);
    free(j.travelled);
    free(j.moved);
    free(j.steps);
    free(j.events);
    *out = r;
    return HV_OK;
}

void hv_forecast_result_destroy(struct hv_forecast_result *r)
{
    if (r == NULL)
        return;
    for (size_t s = 0; s < r->n_series; s++) {
        free(r->series[s].key);
        free(r->series[s].name);
    }
    for (size_t i = 0; i < r->n_steps; i++)
        free(r->step_ids[i]);
    free(r->step_ids);
    free(r->series);
    free(r->beds_q);
    free(r->wover_q);
    free(r->clear);
    free(r->clear_q);
    free(r->cleared);
    free(r->over_q);
    free(r->steps);
    free(r->name);
    free(r);
}

size_t hv_forecast_n_series(const struct hv_forecast_result *r)
{
    return r->n_series;
}

void hv_forecast_series(const struct hv_forecast_result *r, size_t i,
                        struct hv_forecast_series_info *out)
{
    out->key = r->series[i].key;
    out->name = r->series[i].name;
    out->is_site = r->series[i].is_site;
    out->capacity = r->series[i].capacity;
}

void hv_forecast_beds(const struct hv_forecast_result *r, size_t i, int32_t w, int64_t q[3])
{
    memcpy(q, &r->beds_q[(i * (size_t)r->weeks + (size_t)w) * 3], 3 * sizeof(int64_t));
}

void hv_forecast_weeks_over(const struct hv_forecast_result *r, size_t i, int64_t q[3])
{
    memcpy(q, &r->wover_q[i * 3], 3 * sizeof(int64_t));
}

void hv_forecast_clearance(const struct hv_forecast_result *r, size_t i, int32_t q[3],
                           double *cleared)
{
    memcpy(q, &r->clear_q[i * 3], 3 * sizeof(int32_t));
    *cleared = r->cleared[i];
}

void hv_forecast_over_clock(const struct hv_forecast_result *r, int32_t w, int64_t q[3])
{
    memcpy(q, &r->over_q[(size_t)w * 3], 3 * sizeof(int64_t));
}

void hv_forecast_travelled(const struct hv_forecast_result *r, int64_t q[3])
{
    memcpy(q, r->travelled_q, sizeof(r->travelled_q));
}

void hv_forecast_moved(const struct hv_forecast_result *r, int64_t q[3])
{
    memcpy(q, r->moved_q, sizeof(r->moved_q));
}

size_t hv_forecast_n_steps(const struct hv_forecast_result *r)
{
    return r->n_steps;
}

void hv_forecast_step_stats(const struct hv_forecast_result *r, size_t i,
                            struct hv_forecast_step_stats *out)
{
    const struct fc_step_acc *a = &r->steps[i];
    *out = (struct hv_forecast_step_stats){ r->step_ids[i], a->entered,     a->started, a->done,
                                            a->wait_sum,    a->sojourn_sum, a->area,    a->window };
}

const char *hv__forecast_result_name(const struct hv_forecast_result *r, double *statutory)
{
    *statutory = r->statutory;
    return r->name;
}

void hv_forecast_run_info(const struct hv_forecast_result *r, struct hv_forecast_run_info *out)
{
    *out = (struct hv_forecast_run_info){ r->reps, r->threads, r->weeks, r->start_day,
                                          r->seed, r->seconds, r->events };
}

const int32_t *hv__forecast_clear_days(const struct hv_forecast_result *r, size_t i, size_t *stride)
{
    *stride = r->n_series;
    return r->clear + i;
}
