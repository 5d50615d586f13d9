/* test_jsonw.c - unit tests for the streaming JSON writer: escaping, invalid UTF-8, numbers,
 * nesting, pretty printing, depth and buffer limits, and misuse.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "haven/jsonw.h"
#include "test.h"

/* Writes one string value into a fresh buffer and compares the JSON text. */
static void check_str(struct hv_str s, const char *want)
{
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, false);
    hv_jw_str(&w, s);
    CHECK_OK(hv_jw_err(&w));
    CHECK_EQ_STR(hv_buf_cstr(&b), want);
    CHECK(hv_utf8_valid(b.ptr, b.len));
    hv_buf_finish(&b);
}

static void test_escaping(void)
{
    check_str(HV_STR(""), "\"\"");
    check_str(HV_STR_NULL, "\"\"");
    check_str(HV_STR("plain"), "\"plain\"");
    check_str(HV_STR("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
    check_str(HV_STR("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
    check_str(HV_STR("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
    check_str((struct hv_str){ "a\0b", 3 }, "\"a\\u0000b\"");
    /* Valid multi-byte UTF-8 passes through unchanged. */
    check_str(HV_STR("\xD8\xA7\xD9\x81\xD8\xBA\xD8\xA7\xD9\x86"),
              "\"\xD8\xA7\xD9\x81\xD8\xBA\xD8\xA7\xD9\x86\"");
    check_str(HV_STR("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");
    /* Line and paragraph separators are escaped for JavaScript's sake. */
    check_str(HV_STR("x\xE2\x80\xA8y\xE2\x80\xA9"), "\"x\\u2028y\\u2029\"");
    /* Invalid UTF-8: each bad byte becomes U+FFFD. */
    check_str(HV_STR("a\xFF"
                     "b"),
              "\"a\xEF\xBF\xBD"
              "b\"");
    check_str(HV_STR("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                 /* overlong */
    check_str(HV_STR("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""); /* surrogate */
    check_str(HV_STR("\xF4\x90\x80\x80"),
              "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""); /* > U+10FFFF */
    check_str(HV_STR("\xE2\x82"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");     /* truncated */
    check_str(HV_STR("\x80z"), "\"\xEF\xBF\xBDz\"");                   /* stray */
    /* A truncated sequence followed by a valid one keeps the valid one. */
    check_str(HV_STR("\xE2\xE2\x82\xAC"), "\"\xEF\xBF\xBD\xE2\x82\xAC\"");
}

static void test_values(void)
{
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, false);
    hv_jw_array_begin(&w);
    hv_jw_int(&w, 0);
    hv_jw_int(&w, INT64_MIN);
    hv_jw_int(&w, INT64_MAX);
    hv_jw_double(&w, 0.1);
    hv_jw_double(&w, -2.5);
    hv_jw_double(&w, 1e300);
    hv_jw_double(&w, NAN);
    hv_jw_double(&w, INFINITY);
    hv_jw_double(&w, -INFINITY);
    hv_jw_bool(&w, true);
    hv_jw_bool(&w, false);
    hv_jw_null(&w);
    hv_jw_strz(&w, NULL);
    hv_jw_strz(&w, "z");
    hv_jw_raw(&w, HV_STR("{\"pre\":1}"));
    hv_jw_array_end(&w);
    CHECK_OK(hv_jw_err(&w));
    CHECK_EQ_STR(hv_buf_cstr(&b), "[0,-9223372036854775808,9223372036854775807,"
                                  "0.10000000000000001,-2.5,1.0000000000000001e+300,"
                                  "null,null,null,true,false,null,null,\"z\",{\"pre\":1}]");
    hv_buf_finish(&b);

    /* %.17g round-trips exactly. */
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, false);
    double v = 1.0 / 3.0;
    hv_jw_double(&w, v);
    CHECK(strtod(hv_buf_cstr(&b), NULL) == v);
    hv_buf_finish(&b);
}

static void test_nesting(void)
{
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, false);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "id");
    hv_jw_int(&w, 7);
    hv_jw_key(&w, "names");
    hv_jw_array_begin(&w);
    hv_jw_strz(&w, "a");
    hv_jw_object_begin(&w);
    hv_jw_object_end(&w);
    hv_jw_array_begin(&w);
    hv_jw_array_end(&w);
    hv_jw_array_end(&w);
    hv_jw_key(&w, "k\"ey\n");
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "x");
    hv_jw_null(&w);
    hv_jw_object_end(&w);
    hv_jw_object_end(&w);
    CHECK_OK(hv_jw_err(&w));
    CHECK_EQ_INT(w.depth, 0);
    CHECK_EQ_STR(hv_buf_cstr(&b), "{\"id\":7,\"names\":[\"a\",{},[]],\"k\\\"ey\\n\":{\"x\":null}}");
    hv_buf_finish(&b);

    /* Pretty printing. */
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, true);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "a");
    hv_jw_int(&w, 1);
    hv_jw_key(&w, "b");
    hv_jw_array_begin(&w);
    hv_jw_int(&w, 2);
    hv_jw_int(&w, 3);
    hv_jw_array_end(&w);
    hv_jw_key(&w, "c");
    hv_jw_object_begin(&w);
    hv_jw_object_end(&w);
    hv_jw_object_end(&w);
    CHECK_OK(hv_jw_err(&w));
    CHECK_EQ_STR(hv_buf_cstr(&b), "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ],\n"
                                  "  \"c\": {}\n}");
    hv_buf_finish(&b);
}

static void test_depth_limit(void)
{
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);
    hv_jw_init(&w, &b, false);
    for (int i = 0; i < HV_JW_MAX_DEPTH; i++)
        hv_jw_array_begin(&w);
    CHECK_OK(hv_jw_err(&w));
    for (int i = 0; i < HV_JW_MAX_DEPTH; i++)
        hv_jw_array_end(&w);
    CHECK_OK(hv_jw_err(&w));
    CHECK_EQ_INT(b.len, 2 * HV_JW_MAX_DEPTH);
    hv_buf_reset(&b);
    hv_jw_init(&w, &b, false);
    for (int i = 0; i <= HV_JW_MAX_DEPTH; i++)
        hv_jw_array_begin(&w);
    CHECK_EQ_INT(hv_jw_err(&w), HV_ERR_LIMIT);
    /* Sticky: nothing more is written. */
    size_t len = b.len;
    hv_jw_int(&w, 1);
    hv_jw_array_end(&w);
    CHECK_EQ_INT(b.len, len);
    CHECK_EQ_INT(hv_jw_err(&w), HV_ERR_LIMIT);
    hv_buf_finish(&b);
}

static void test_misuse_and_cap(void)
{
    struct hv_buf b;
    struct hv_jw w;
    hv_buf_init(&b, 0);

    /* Closing what was never opened. */
    hv_jw_init(&w, &b, false);
    hv_jw_object_end(&w);
    CHECK_EQ_INT(hv_jw_err(&w), HV_ERR_INTERNAL);
    /* A key outside an object, and a key followed by a close. */
    hv_jw_init(&w, &b, false);
    hv_jw_key(&w, "k");
    CHECK_EQ_INT(hv_jw_err(&w), HV_ERR_INTERNAL);
    hv_jw_init(&w, &b, false);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "k");
    hv_jw_object_end(&w);
    CHECK_EQ_INT(hv_jw_err(&w), HV_ERR_INTERNAL);
    hv_jw_init(&w, &b, false);
    hv_jw_object_begin(&w);
    hv_jw_key(&w, "k");
    hv_jw_key(&w, "k2");
    CHECK_EQ_INT(hv_jw_err(&w), HV_ERR_INTERNAL);
    hv_buf_finish(&b);

    /* The buffer cap turns into a sticky HV_ERR_LIMIT. */
    hv_buf_init(&b, 10);
    hv_jw_init(&w, &b, false);
    hv_jw_array_begin(&w);
    hv_jw_strz(&w, "0123456789");
    hv_jw_int(&w, 1);
    hv_jw_array_end(&w);
    CHECK_EQ_INT(hv_jw_err(&w), HV_ERR_LIMIT);
    CHECK(b.len <= 10);
    hv_buf_finish(&b);
}

int main(void)
{
    RUN(test_escaping);
    RUN(test_values);
    RUN(test_nesting);
    RUN(test_depth_limit);
    RUN(test_misuse_and_cap);
    return test_report();
}
