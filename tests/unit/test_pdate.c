/* test_pdate.c - unit tests for partial dates and civil-day arithmetic: every accepted form,
 * leap years (2000 versus 1900), impossible days, year bounds, reversed ranges, bounds.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "haven/pdate.h"
#include "test.h"

static bool parse(const char *z, struct hv_pdate *d, const char **why)
{
    return hv_pdate_parse(z, strlen(z), d, why);
}

/* Parses z, formats it back and compares with the canonical text. */
static void check_round_trip(const char *z)
{
    struct hv_pdate d;
    const char *why = "unset";
    char out[16];
    bool ok = parse(z, &d, &why);
    CHECK(ok);
    CHECK(why == NULL);
    if (!ok)
        return;
    hv_pdate_format(&d, out);
    CHECK_EQ_STR(out, z);
}

static void check_rejected(const char *z, const char *want_why)
{
    struct hv_pdate d = { HV_PDATE_YEAR, 1999, 1999, 0, 0 };
    const char *why = NULL;
    CHECK(!parse(z, &d, &why));
    CHECK(why != NULL);
    if (why != NULL && want_why != NULL && strstr(why, want_why) == NULL) {
        test_failed++;
        fprintf(stderr, "%s: reason \"%s\" lacks \"%s\"\n", z, why, want_why);
    }
    /* The output is left alone on failure. */
    CHECK_EQ_INT(d.year, 1999);
}

static void test_parse_forms(void)
{
    struct hv_pdate d;
    const char *why = "unset";

    CHECK(parse("", &d, &why));
    CHECK(why == NULL);
    CHECK_EQ_INT(d.precision, HV_PDATE_NONE);
    CHECK(hv_pdate_parse(NULL, 0, &d, NULL));
    CHECK_EQ_INT(d.precision, HV_PDATE_NONE);

    CHECK(parse("1985", &d, &why));
    CHECK_EQ_INT(d.precision, HV_PDATE_YEAR);
    CHECK_EQ_INT(d.year, 1985);
    CHECK_EQ_INT(d.year_to, 1985);
    CHECK_EQ_INT(d.month, 0);
    CHECK_EQ_INT(d.day, 0);

    CHECK(parse("1985-03", &d, &why));
    CHECK_EQ_INT(d.precision, HV_PDATE_MONTH);
    CHECK_EQ_INT(d.year, 1985);
    CHECK_EQ_INT(d.year_to, 1985);
    CHECK_EQ_INT(d.month, 3);
    CHECK_EQ_INT(d.day, 0);

    CHECK(parse("1985-03-12", &d, &why));
    CHECK_EQ_INT(d.precision, HV_PDATE_DAY);
    CHECK_EQ_INT(d.year, 1985);
    CHECK_EQ_INT(d.month, 3);
    CHECK_EQ_INT(d.day, 12);

    CHECK(parse("1980..1985", &d, &why));
    CHECK_EQ_INT(d.precision, HV_PDATE_RANGE);
    CHECK_EQ_INT(d.year, 1980);
    CHECK_EQ_INT(d.year_to, 1985);
    CHECK_EQ_INT(d.month, 0);

    /* A one-year range is a range. */
    CHECK(parse("1985..1985", &d, &why));
    CHECK_EQ_INT(d.precision, HV_PDATE_RANGE);

    /* The view's length is the truth: "1985-03-12" cut to 7 bytes is a month. */
    CHECK(hv_pdate_parse("1985-03-12", 7, &d, NULL));
    CHECK_EQ_INT(d.precision, HV_PDATE_MONTH);

    check_round_trip("1985");
    check_round_trip("1985-03");
    check_round_trip("1985-03-12");
    check_round_trip("1980..1985");
    check_round_trip("1850-01-01");
    check_round_trip("2100-12-31");
}

static void test_parse_rejects(void)
{
    /* Leap years: 2000 is one (divisible by 400), 1900 is not (divisible by 100). */
    struct hv_pdate d;
    CHECK(parse("2000-02-29", &d, NULL));
    CHECK(parse("1984-02-29", &d, NULL));
    check_rejected("1900-02-29", "no such day");
    check_rejected("1985-02-29", "no such day");
    check_rejected("2100-02-29", "no such day");
    check_rejected("1985-02-30", "no such day");
    check_rejected("1985-04-31", "no such day");
    check_rejected("1985-01-32", "no such day");
    check_rejected("1985-01-00", "no such day");
    CHECK(parse("1985-01-31", &d, NULL));
    check_rejected("1985-00", "month");
    check_rejected("1985-13", "month");
    check_rejected("1985-13-01", "month");
    /* Year bounds 1850..2100, inclusive. */
    CHECK(parse("1850", &d, NULL));
    CHECK(parse("2100", &d, NULL));
    check_rejected("1849", "1850..2100");
    check_rejected("2101", "1850..2100");
    check_rejected("0000", "1850..2100");
    check_rejected("1849-12-31", "1850..2100");
    check_rejected("1849..1900", "1850..2100");
    check_rejected("1900..2101", "1850..2100");
    /* Reversed ranges. */
    check_rejected("1985..1980", "reversed");
    /* Shapes that are not dates. */
    check_rejected("85", "expected");
    check_rejected("19850", "expected");
    check_rejected("1985-3", "expected");
    check_rejected("1985-03-1", "expected");
    check_rejected("1985-3-12", "expected");
    check_rejected("1985/03/12", "expected");
    check_rejected("1985.03.12", "expected");
    check_rejected("1985-03-12T00", "expected");
    check_rejected(" 1985", "expected");
    check_rejected("1985 ", "expected");
    check_rejected("1980...1985", "expected");
    check_rejected("1980-1985", "expected");
    check_rejected("1980..85", "expected");
    check_rejected("198a", "expected");
    check_rejected("+985", "expected");
    check_rejected("-985", "expected");
    check_rejected("1985-0a", "expected");
    check_rejected("1985-03-x1", "expected");
    check_rejected("1980..19x5", "expected");
    /* why may be NULL. */
    CHECK(!hv_pdate_parse("1985-02-30", 10, &d, NULL));
}

static void test_format(void)
{
    char out[16];
    struct hv_pdate none = { HV_PDATE_NONE, 0, 0, 0, 0 };
    memset(out, 'x', sizeof(out));
    hv_pdate_format(&none, out);
    CHECK_EQ_STR(out, "");
    struct hv_pdate early = { HV_PDATE_DAY, 1850, 1850, 1, 2 };
    hv_pdate_format(&early, out);
    CHECK_EQ_STR(out, "1850-01-02");
    /* Out-of-range struct values (not produced by parse) still fit in 16 bytes. */
    struct hv_pdate odd = { HV_PDATE_RANGE, -5, 32000, 0, 0 };
    hv_pdate_format(&odd, out);
    CHECK_EQ_STR(out, "0000..9999");
    struct hv_pdate odd2 = { HV_PDATE_DAY, 32000, 32000, 255, 255 };
    hv_pdate_format(&odd2, out);
    CHECK_EQ_STR(out, "9999-99-99");
}

static void test_civil(void)
{
    CHECK_EQ_INT(hv_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ_INT(hv_days_from_civil(1970, 1, 2), 1);
    CHECK_EQ_INT(hv_days_from_civil(1969, 12, 31), -1);
    CHECK_EQ_INT(hv_days_from_civil(2000, 1, 1), 10957);
    CHECK_EQ_INT(hv_days_from_civil(2000, 2, 29), 11016);
    CHECK_EQ_INT(hv_days_from_civil(2000, 3, 1), 11017);
    CHECK_EQ_INT(hv_days_from_civil(1900, 2, 28), -25509);
    CHECK_EQ_INT(hv_days_from_civil(1900, 3, 1), -25508); /* no 1900-02-29 in between */
    CHECK_EQ_INT(hv_days_from_civil(1850, 1, 1), -43829);
    CHECK_EQ_INT(hv_days_from_civil(2100, 12, 31), 47846);
    CHECK_EQ_INT(hv_days_from_civil(1, 1, 1), -719162);
    CHECK_EQ_INT(hv_days_from_civil(0, 3, 1), -719468);
    CHECK_EQ_INT(hv_days_from_civil(-1, 12, 31), -719529);

    /* Consecutive valid days are consecutive day numbers, across 1600..2400. */
    bool consecutive = true;
    int32_t prev = hv_days_from_civil(1599, 12, 31);
    int n_days = 0;
    for (int y = 1600; y <= 2400; y++) {
        for (unsigned m = 1; m <= 12; m++) {
            for (unsigned d = 1; d <= 31; d++) {
                if (!hv_date_valid(y, m, d))
                    continue;
                int32_t cur = hv_days_from_civil(y, m, d);
                consecutive &= cur == prev + 1;
                prev = cur;
                n_days++;
            }
        }
    }
    CHECK(consecutive);
    CHECK_EQ_INT(n_days, 801 * 365 + 195); /* 195 leap years in 1600..2400 */

    CHECK(hv_date_valid(2000, 2, 29));
    CHECK(!hv_date_valid(1900, 2, 29));
    CHECK(hv_date_valid(2024, 2, 29));
    CHECK(!hv_date_valid(2023, 2, 29));
    CHECK(!hv_date_valid(2023, 0, 1));
    CHECK(!hv_date_valid(2023, 13, 1));
    CHECK(!hv_date_valid(2023, 1, 0));
    CHECK(!hv_date_valid(2023, 6, 31));
    CHECK(hv_date_valid(2023, 7, 31));
}

static void check_bounds(const char *z, int y1, unsigned m1, unsigned d1, int y2, unsigned m2,
                         unsigned d2)
{
    struct hv_pdate d;
    int32_t first = 0, last = 0;
    CHECK(parse(z, &d, NULL));
    hv_pdate_bounds(&d, &first, &last);
    CHECK_EQ_INT(first, hv_days_from_civil(y1, m1, d1));
    CHECK_EQ_INT(last, hv_days_from_civil(y2, m2, d2));
}

static void test_bounds(void)
{
    check_bounds("1985-03-12", 1985, 3, 12, 1985, 3, 12);
    check_bounds("1985-03", 1985, 3, 1, 1985, 3, 31);
    check_bounds("1985-04", 1985, 4, 1, 1985, 4, 30);
    check_bounds("2000-02", 2000, 2, 1, 2000, 2, 29);
    check_bounds("1900-02", 1900, 2, 1, 1900, 2, 28);
    check_bounds("1985", 1985, 1, 1, 1985, 12, 31);
    check_bounds("1980..1985", 1980, 1, 1, 1985, 12, 31);
    check_bounds("", 1850, 1, 1, 2100, 12, 31);
    /* A year spans 365 or 366 days. */
    struct hv_pdate d;
    int32_t a, b;
    CHECK(parse("2000", &d, NULL));
    hv_pdate_bounds(&d, &a, &b);
    CHECK_EQ_INT(b - a + 1, 366);
    CHECK(parse("1900", &d, NULL));
    hv_pdate_bounds(&d, &a, &b);
    CHECK_EQ_INT(b - a + 1, 365);
}

int main(void)
{
    RUN(test_parse_forms);
    RUN(test_parse_rejects);
    RUN(test_format);
    RUN(test_civil);
    RUN(test_bounds);
    return test_report();
}
