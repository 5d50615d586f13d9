/* clocks.c - clock arithmetic: time counted toward a workflow clock over a case's visits to
 * steps, less pauses (holds, suspensions); and ISO 8601 weeks for the throughput report.
 * Pure functions, no storage.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pipeline.h"

#include <stdlib.h>

#include "haven/pdate.h"

static int cmp_pause(const void *pa, const void *pb)
{
    const struct hv_pause *a = pa, *b = pb;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    return (a->to > b->to) - (a->to < b->to);
}

/* Seconds of [lo, hi) covered by the union of the pauses that apply to step (sorted by
 * start). */
static int64_t paused(const struct hv_pause *p, size_t n, int step, int64_t lo, int64_t hi)
{
    int64_t total = 0, cur_from = 0, cur_to = 0;
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i].step != -1 && p[i].step != step)
            continue;
        int64_t f = p[i].from > lo ? p[i].from : lo;
        int64_t t = p[i].to < hi ? p[i].to : hi;
        if (f >= t)
            continue;
        if (open && f <= cur_to) {
            if (t > cur_to)
                cur_to = t;
            continue;
        }
        if (open)
            total += cur_to - cur_from;
        cur_from = f;
        cur_to = t;
        open = true;
    }
    if (open)
        total += cur_to - cur_from;
    return total;
}

int64_t hv_pipeline_clock_seconds(const struct hv_workflow *wf, int clock,
                                  const struct hv_step_visit *visits, size_t n_visits,
                                  const struct hv_pause *pauses, size_t n_pauses, int64_t as_of)
{
    if (clock < 0 || (size_t)clock >= wf->n_clocks)
        return 0;
    /* Pauses are sorted once into a scratch copy (a case has a handful). */
    struct hv_pause *sorted = NULL;
    if (n_pauses > 0) {
        sorted = hv_xcalloc(n_pauses, sizeof(*sorted));
        for (size_t i = 0; i < n_pauses; i++)
            sorted[i] = pauses[i];
        qsort(sorted, n_pauses, sizeof(*sorted), cmp_pause);
    }
    int64_t total = 0;
    for (size_t i = 0; i < n_visits; i++) {
        int step = visits[i].step;
        if (step < 0 || (size_t)step >= wf->n_steps)
            continue;
        if (!(wf->steps[step].clocks & (1u << clock)))
            continue;
        int64_t lo = visits[i].entered_at;
        int64_t hi = i + 1 < n_visits ? visits[i + 1].entered_at : as_of;
        if (hi > as_of)
            hi = as_of;
        if (hi <= lo)
            continue;
        total += (hi - lo) - paused(sorted, n_pauses, step, lo, hi);
    }
    free(sorted);
    return total;
}

void hv_iso_week(int64_t t, int *year, int *week)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    /* 1970-01-01 was a Thursday; ISO weekday 1 = Monday .. 7 = Sunday. */
    int64_t wd = ((days + 3) % 7 + 7) % 7 + 1;
    /* The week belongs to the year of its Thursday. */
    int64_t thursday = days - wd + 4;
    /* Civil year of the Thursday (Howard Hinnant's days-to-civil, year part only). */
    int64_t z = thursday + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    if (mp >= 10)
        y++;
    int64_t jan1 = hv_days_from_civil((int)y, 1, 1);
    *year = (int)y;
    *week = (int)((thursday - jan1) / 7 + 1);
}
