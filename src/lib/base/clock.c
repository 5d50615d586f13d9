/* clock.c - the injectable wall clock, a monotonic clock, UTC timestamp formatting and
 * parsing (civil-day arithmetic, no timegm), and random bytes from getrandom(2).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/clock.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "haven/pdate.h"

#define SECS_PER_DAY 86400
/* hv_time_format clamps to the years it can print in four digits. */
#define TIME_MIN ((int64_t)-62167219200) /* 0000-01-01T00:00:00Z */
#define TIME_MAX ((int64_t)253402300799) /* 9999-12-31T23:59:59Z */

int64_t hv_clock_now(const struct hv_clock *c)
{
    if (c != NULL && c->now != NULL)
        return c->now(c->ud);
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec;
}

double hv_monotonic(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Inverse of hv_days_from_civil: counts in 400-year eras of 146097 days, with years that
 * start on March 1 so that the leap day is the last day of the year. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468; /* days from 0000-03-01 to 1970-01-01 */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* March = 0 */
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

static void put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

void hv_time_format(int64_t t, char out[21])
{
    if (t < TIME_MIN)
        t = TIME_MIN;
    if (t > TIME_MAX)
        t = TIME_MAX;
    int64_t days = t / SECS_PER_DAY;
    int64_t secs = t % SECS_PER_DAY;
    if (secs < 0) {
        secs += SECS_PER_DAY;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    put2(out, (unsigned)(y / 100));
    put2(out + 2, (unsigned)(y % 100));
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 'T';
    put2(out + 11, (unsigned)(secs / 3600));
    out[13] = ':';
    put2(out + 14, (unsigned)(secs / 60 % 60));
    out[16] = ':';
    put2(out + 17, (unsigned)(secs % 60));
    out[19] = 'Z';
    out[20] = '\0';
}

/* Reads exactly n digits at *p. */
static bool digits(const char **p, int n, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (unsigned)(c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

bool hv_time_parse(const char *z, int64_t *out)
{
    if (z == NULL)
        return false;
    const char *p = z;
    unsigned y, mo, d, h = 0, mi = 0, s = 0;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d))
        return false;
    if (!hv_date_valid((int)y, mo, d))
        return false;
    if (*p == 'T') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
            return false;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &s))
                return false;
        }
        if (*p == 'Z')
            p++;
        if (h > 23 || mi > 59 || s > 59)
            return false;
    }
    if (*p != '\0')
        return false;
    int64_t days = hv_days_from_civil((int)y, mo, d);
    *out = days * SECS_PER_DAY + (int64_t)h * 3600 + (int64_t)mi * 60 + (int64_t)s;
    return true;
}

enum hv_err hv_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        /* getrandom returns at most 33554431 bytes per call and may be interrupted. */
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return HV_ERR_IO;
        }
        p += got;
        n -= (size_t)got;
    }
    return HV_OK;
}
