/* progress.h - progress reporting from long jobs; the front end decides how to show it.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_PROGRESS_H
#define HV_PROGRESS_H

#include "haven/common.h"

/* Called with done <= total (total 0 when unknown); phase is a short static label. */
typedef void hv_progress_fn(void *ud, const char *phase, uint64_t done, uint64_t total);

struct hv_progress {
    hv_progress_fn *fn; /* NULL: no reporting */
    void *ud;
};

void hv_progress_report(const struct hv_progress *p, const char *phase, uint64_t done,
                        uint64_t total);

#endif
