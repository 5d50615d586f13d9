/* fuzz_api_json.c - fuzz harness for the server's request codecs: the table-driven JSON body
 * parser (every endpoint's field table shape: strings, booleans, string arrays, required
 * members) and the query-string decoder. The first input byte picks a table; the rest is the
 * body (and, separately, a query string). On success every output must honour its table:
 * valid UTF-8, no NUL or control characters, within its length and item limits, required
 * members present. Aborts on any violation.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/arena.h"
#include "req_json.h"
#include "server_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                 \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_api_json: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

static void check_text(const char *s, size_t max)
{
    REQUIRE(s != NULL);
    size_t n = strlen(s);
    REQUIRE(n <= max);
    REQUIRE(hv_utf8_valid(s, n));
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        REQUIRE(c >= 0x20 || c == '\t' || c == '\n');
        REQUIRE(c != 0x7f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct hv_arena a;
    hv_arena_init(&a, 1u << 20);
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_str body = { (const char *)data + 1, size - 1 };
    const char *s1 = NULL, *s2 = NULL, **list = NULL;
    size_t n_list = 0;
    bool flag = false;
    const struct hv_jfield login[] = {
        { .name = "username", .type = HV_JF_STRING, .required = true, .max_len = 64, .str = &s1 },
        { .name = "password", .type = HV_JF_STRING, .required = true, .max_len = 256, .str = &s2 },
    };
    const struct hv_jfield advance[] = {
        { .name = "to", .type = HV_JF_STRING, .max_len = 48, .str = &s1 },
        { .name = "note", .type = HV_JF_STRING, .max_len = 1000, .str = &s2 },
        { .name = "evidence",
          .type = HV_JF_STRINGS,
          .max_len = 120,
          .max_items = 16,
          .strs = &list,
          .n_strs = &n_list },
    };
    const struct hv_jfield movement[] = {
        { .name = "case_id", .type = HV_JF_STRING, .required = true, .max_len = 64, .str = &s1 },
        { .name = "crossings",
          .type = HV_JF_STRINGS,
          .max_len = 64,
          .max_items = 8,
          .strs = &list,
          .n_strs = &n_list },
        { .name = "override", .type = HV_JF_BOOL, .flag = &flag },
        { .name = "reason", .type = HV_JF_STRING, .max_len = 200, .str = &s2 },
    };
    const struct hv_jfield *tables[] = { login, advance, movement };
    const size_t sizes[] = { 2, 3, 4 };
    const size_t max1[] = { 64, 48, 64 }, max2[] = { 256, 1000, 200 }, maxl[] = { 0, 120, 64 };
    size_t t = data[0] % 3;
    enum hv_err err = hv_req_json_parse(&a, body, tables[t], sizes[t], &d);
    if (err == HV_OK) {
        if (t == 0) {
            check_text(s1, max1[t]);
            check_text(s2, max2[t]);
        } else {
            if (t == 2)
                check_text(s1, max1[t]);
            else if (s1 != NULL)
                check_text(s1, max1[t]);
            if (s2 != NULL)
                check_text(s2, max2[t]);
            REQUIRE(n_list <= (t == 1 ? 16u : 8u));
            for (size_t i = 0; i < n_list; i++)
                check_text(list[i], maxl[t]);
        }
    } else {
        REQUIRE(err == HV_ERR_INVALID || err == HV_ERR_LIMIT);
        REQUIRE(hv_diag_has(&d));
    }
    /* The same bytes as a query string and a path segment. */
    char *dec = hv__url_decode(&a, body, true);
    if (dec != NULL) {
        REQUIRE(hv_utf8_valid(dec, strlen(dec)));
        REQUIRE(strlen(dec) <= body.len);
    }
    struct hv_str v;
    if (hv__query_get(&a, body, "q", &v))
        REQUIRE(hv_utf8_valid(v.ptr, v.len) && memchr(v.ptr, '\0', v.len) == NULL);
    hv_arena_finish(&a);
    return 0;
}
