/* pdate.c - partial dates (day, month, year or year range) and proleptic Gregorian
 * civil-day arithmetic.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/pdate.h"

#include <stdio.h>
#include <string.h>

#define PDATE_YEAR_MIN 1850
#define PDATE_YEAR_MAX 2100

static bool is_leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static unsigned days_in_month(int y, unsigned m)
{
    static const unsigned char len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && is_leap(y))
        return 29;
    return len[m - 1];
}

bool hv_date_valid(int y, unsigned m, unsigned d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int32_t hv_days_from_civil(int y, unsigned m, unsigned d)
{
    /* Count years from March so the leap day falls at the end of the year, then split the
     * year count into 400-year eras of 146097 days each. */
    int64_t yy = (int64_t)y - (m <= 2 ? 1 : 0);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;                         /* [0, 399] */
    int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9; /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;    /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* [0, 146096] */
    return (int32_t)(era * 146097 + doe - 719468);
}

/* Reads exactly n ASCII digits at p. */
static bool read_digits(const char *p, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static bool fail(const char **why, const char *reason)
{
    if (why != NULL)
        *why = reason;
    return false;
}

static const char SHAPE[] = "expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY..YYYY";
static const char YEAR_RANGE[] = "year outside 1850..2100";

bool hv_pdate_parse(const char *p, size_t len, struct hv_pdate *out, const char **why)
{
    struct hv_pdate d = { HV_PDATE_NONE, 0, 0, 0, 0 };
    int y, y2, m, day;

    if (why != NULL)
        *why = NULL;
    if (len == 0) {
        *out = d;
        return true;
    }
    if (p == NULL || len < 4 || !read_digits(p, 4, &y))
        return fail(why, SHAPE);

    if (len == 4) {
        d.precision = HV_PDATE_YEAR;
    } else if (len == 10 && p[4] == '.' && p[5] == '.') {
        if (!read_digits(p + 6, 4, &y2))
            return fail(why, SHAPE);
        if (y < PDATE_YEAR_MIN || y > PDATE_YEAR_MAX || y2 < PDATE_YEAR_MIN || y2 > PDATE_YEAR_MAX)
            return fail(why, YEAR_RANGE);
        if (y2 < y)
            return fail(why, "range is reversed (the first year is after the second)");
        d.precision = HV_PDATE_RANGE;
        d.year_to = (int16_t)y2;
    } else if ((len == 7 || len == 10) && p[4] == '-') {
        if (!read_digits(p + 5, 2, &m))
            return fail(why, SHAPE);
        d.precision = HV_PDATE_MONTH;
        if (len == 10) {
            if (p[7] != '-' || !read_digits(p + 8, 2, &day))
                return fail(why, SHAPE);
            d.precision = HV_PDATE_DAY;
        }
    } else {
        return fail(why, SHAPE);
    }

    if (y < PDATE_YEAR_MIN || y > PDATE_YEAR_MAX)
        return fail(why, YEAR_RANGE);
    d.year = (int16_t)y;
    if (d.precision != HV_PDATE_RANGE)
        d.year_to = (int16_t)y;
    if (d.precision == HV_PDATE_MONTH || d.precision == HV_PDATE_DAY) {
        if (m < 1 || m > 12)
            return fail(why, "month outside 01..12");
        d.month = (uint8_t)m;
    }
    if (d.precision == HV_PDATE_DAY) {
        if (!hv_date_valid(y, (unsigned)m, (unsigned)day))
            return fail(why, "no such day in that month");
        d.day = (uint8_t)day;
    }
    *out = d;
    return true;
}

void hv_pdate_format(const struct hv_pdate *d, char out[16])
{
    /* Values are clamped to their printable widths so the output always fits in 16 bytes. */
    int y = d->year < 0 ? 0 : d->year > 9999 ? 9999 : d->year;
    int y2 = d->year_to < 0 ? 0 : d->year_to > 9999 ? 9999 : d->year_to;
    unsigned m = d->month > 99 ? 99 : d->month;
    unsigned day = d->day > 99 ? 99 : d->day;
    switch (d->precision) {
    case HV_PDATE_DAY:
        snprintf(out, 16, "%04d-%02u-%02u", y, m, day);
        return;
    case HV_PDATE_MONTH:
        snprintf(out, 16, "%04d-%02u", y, m);
        return;
    case HV_PDATE_YEAR:
        snprintf(out, 16, "%04d", y);
        return;
    case HV_PDATE_RANGE:
        snprintf(out, 16, "%04d..%04d", y, y2);
        return;
    case HV_PDATE_NONE:
        break;
    }
    out[0] = '\0';
}

void hv_pdate_bounds(const struct hv_pdate *d, int32_t *first_day, int32_t *last_day)
{
    switch (d->precision) {
    case HV_PDATE_DAY:
        *first_day = hv_days_from_civil(d->year, d->month, d->day);
        *last_day = *first_day;
        return;
    case HV_PDATE_MONTH:
        *first_day = hv_days_from_civil(d->year, d->month, 1);
        *last_day = hv_days_from_civil(d->year, d->month, days_in_month(d->year, d->month));
        return;
    case HV_PDATE_YEAR:
        *first_day = hv_days_from_civil(d->year, 1, 1);
        *last_day = hv_days_from_civil(d->year, 12, 31);
        return;
    case HV_PDATE_RANGE:
        *first_day = hv_days_from_civil(d->year, 1, 1);
        *last_day = hv_days_from_civil(d->year_to, 12, 31);
        return;
    case HV_PDATE_NONE:
        break;
    }
    /* An unknown date may be any day a date can be. */
    *first_day = hv_days_from_civil(PDATE_YEAR_MIN, 1, 1);
    *last_day = hv_days_from_civil(PDATE_YEAR_MAX, 12, 31);
}
