/* log.c - the one logging path: one timestamped "level: message" line per call.
 * Callers log ids, codes and timings only (STYLE C13); this file keeps each entry on one
 * line so that a value can never forge a second entry.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "haven/clock.h"

/* Longest message text kept; longer messages end in "...". */
#define LOG_MSG_MAX 1024

static const char *level_name(enum hv_log_level level)
{
    switch (level) {
    case HV_LOG_DEBUG:
        return "debug";
    case HV_LOG_INFO:
        return "info";
    case HV_LOG_WARN:
        return "warn";
    case HV_LOG_ERROR:
        return "error";
    }
    return "log";
}

void hv_log(const struct hv_logger *lg, enum hv_log_level level, const char *fmt, ...)
{
    if (lg == NULL || lg->out == NULL || level < lg->min)
        return;

    char msg[LOG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0) {
        memcpy(msg, "(unformattable message)", sizeof("(unformattable message)"));
    } else if ((size_t)n >= sizeof(msg)) {
        memcpy(msg + sizeof(msg) - 4, "...", 4);
    }
    /* Control characters (newlines above all) become spaces: one entry, one line. */
    for (char *p = msg; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    }

    char stamp[21];
    hv_time_format(hv_clock_now(NULL), stamp);
    fprintf(lg->out, "%s %s: %s\n", stamp, level_name(level), msg);
    fflush(lg->out);
}
