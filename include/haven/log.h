/* log.h - the one logging path. Log ids, codes and timings; never names, birth dates,
 * document numbers, addresses, free text or request bodies (STYLE C13).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdio.h>
#include "haven/common.h"

enum hv_log_level { HV_LOG_DEBUG, HV_LOG_INFO, HV_LOG_WARN, HV_LOG_ERROR };

struct hv_logger {
    FILE *out;             /* borrowed; NULL silences the logger */
    enum hv_log_level min; /* messages below this level are dropped */
};

/* NULL-safe on lg. */
void hv_log(const struct hv_logger *lg, enum hv_log_level level, const char *fmt, ...)
    HV_PRINTF(3, 4);

#endif
