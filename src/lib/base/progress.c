/* progress.c - forwards progress from long jobs to whatever front end registered a callback.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/progress.h"

void hv_progress_report(const struct hv_progress *p, const char *phase, uint64_t done,
                        uint64_t total)
{
    if (p == NULL || p->fn == NULL)
        return;
    /* Callers promise done <= total; clamp so a front end never shows more than 100%. */
    if (total != 0 && done > total)
        done = total;
    p->fn(p->ud, phase != NULL ? phase : "", done, total);
}
