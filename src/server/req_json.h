/* req_json.h - JSON request bodies into typed fields: one table-driven codec for every
 * endpoint (the only place jansson meets a request). Fuzzed by tests/fuzz/fuzz_api_json.c.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_REQ_JSON_H
#define HV_REQ_JSON_H

#include "haven/arena.h"
#include "haven/err.h"
#include "haven/str.h"

enum hv_jf_type { HV_JF_STRING, HV_JF_BOOL, HV_JF_STRINGS, HV_JF_INT };

/* One expected member. Outputs point into the arena; absent optional members keep their
 * zero values (NULL, false, 0). */
struct hv_jfield {
    const char *name;
    enum hv_jf_type type;
    bool required;
    size_t max_len;     /* bytes of a string (each string of STRINGS) */
    size_t max_items;   /* STRINGS only */
    const char **str;   /* STRING: NUL-terminated, valid UTF-8, no NUL or control chars */
    bool *flag;         /* BOOL */
    const char ***strs; /* STRINGS: array of n_strs strings */
    size_t *n_strs;
    int64_t *num; /* INT: a whole number within [min, max] */
    int64_t min, max;
};

/* Parses body as one JSON object whose members are exactly (a subset of) fields: unknown
 * members, duplicate keys, wrong types, over-long strings, control characters, a missing
 * required member, invalid UTF-8 or malformed JSON are HV_ERR_INVALID with the field and reason
 * in diag; an empty body is an empty object. Never keeps a reference into body. */
HV_MUST_CHECK enum hv_err hv_req_json_parse(struct hv_arena *a, struct hv_str body,
                                            const struct hv_jfield *fields, size_t n_fields,
                                            struct hv_diag *diag);

#endif
