/* pdate.h - dates with precision: a full date, a year and month, a year, or a year range.
 * Most Afghan records carry only a birth year; comparisons must respect that.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_PDATE_H
#define HV_PDATE_H

#include "haven/common.h"

enum hv_pdate_precision {
    HV_PDATE_NONE = 0, /* unknown */
    HV_PDATE_DAY,      /* 1985-03-12 */
    HV_PDATE_MONTH,    /* 1985-03 */
    HV_PDATE_YEAR,     /* 1985 */
    HV_PDATE_RANGE,    /* 1980..1985 (inclusive years) */
};

struct hv_pdate {
    enum hv_pdate_precision precision;
    int16_t year;    /* first year; for RANGE the lower bound */
    int16_t year_to; /* RANGE upper bound; equals year otherwise */
    uint8_t month;   /* 1-12 for DAY and MONTH, else 0 */
    uint8_t day;     /* 1-31 for DAY, else 0 */
};

/* Parses "", "1985", "1985-03", "1985-03-12" or "1980..1985". Rejects impossible dates
 * (1985-02-30), years outside 1850..2100 and reversed ranges; why is set to a static reason. */
HV_MUST_CHECK bool hv_pdate_parse(const char *p, size_t len, struct hv_pdate *out,
                                  const char **why);
/* Canonical text (the same forms as parse accepts), at least 16 bytes. */
void hv_pdate_format(const struct hv_pdate *d, char out[16]);
/* Earliest and latest day the date may stand for, as days since 1970-01-01. */
void hv_pdate_bounds(const struct hv_pdate *d, int32_t *first_day, int32_t *last_day);
/* Days since 1970-01-01 of a proleptic Gregorian y-m-d. */
int32_t hv_days_from_civil(int y, unsigned m, unsigned d);
bool hv_date_valid(int y, unsigned m, unsigned d);

#endif
