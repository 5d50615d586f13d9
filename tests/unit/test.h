/* test.h - the in-tree unit test harness: typed checks that print both values, and a
 * closing "N passed, N failed" line. Each tests/unit/test_<x>.c is one ctest.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_TEST_H
#define HV_TEST_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int test_passed;
static int test_failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            test_passed++;                                                           \
        } else {                                                                     \
            test_failed++;                                                           \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                        \
    do {                                                                                          \
        intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                                          \
        if (a_ == b_) {                                                                           \
            test_passed++;                                                                        \
        } else {                                                                                  \
            test_failed++;                                                                        \
            fprintf(stderr, "%s:%d: %s == %s: %jd != %jd\n", __FILE__, __LINE__, #a, #b, a_, b_); \
        }                                                                                         \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                     \
    do {                                                                                       \
        const char *a_ = (a), *b_ = (b);                                                       \
        if (a_ != NULL && b_ != NULL && strcmp(a_, b_) == 0) {                                 \
            test_passed++;                                                                     \
        } else {                                                                               \
            test_failed++;                                                                     \
            fprintf(stderr, "%s:%d: %s == %s: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b, \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                   \
        }                                                                                      \
    } while (0)

/* Compares a (ptr,len) view with a C string. */
#define CHECK_EQ_VIEW(view, z)                                                                    \
    do {                                                                                          \
        struct hv_str v_ = (view);                                                                \
        const char *z_ = (z);                                                                     \
        if (v_.len == strlen(z_) && (v_.len == 0 || memcmp(v_.ptr, z_, v_.len) == 0)) {           \
            test_passed++;                                                                        \
        } else {                                                                                  \
            test_failed++;                                                                        \
            fprintf(stderr, "%s:%d: %s == \"%s\": got \"%.*s\"\n", __FILE__, __LINE__, #view, z_, \
                    (int)v_.len, v_.ptr ? v_.ptr : "");                                           \
        }                                                                                         \
    } while (0)

#define CHECK_OK(expr) CHECK_EQ_INT((expr), HV_OK)

/* Runs a test function and names it on failure. */
#define RUN(fn)                                   \
    do {                                          \
        int before_ = test_failed;                \
        fn();                                     \
        if (test_failed != before_)               \
            fprintf(stderr, "FAILED: %s\n", #fn); \
    } while (0)

/* The closing line CI reads; returns the process exit status. */
static inline int test_report(void)
{
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed == 0 && test_passed > 0 ? 0 : 1;
}

#endif
