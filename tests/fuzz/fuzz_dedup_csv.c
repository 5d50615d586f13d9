/* fuzz_dedup_csv.c - fuzz harness for the identity CSV adapter (hv_id_csv_*): the first byte
 * picks a column mapping, the rest is the CSV. A success must give rows whose strings are
 * NUL-terminated and valid to read, with parsed birth dates in range; small inputs then go
 * through the whole engine (block, compare, EM, cluster). A failure must explain itself.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/identity.h"
#include "haven/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_dedup_csv: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static const char *const maps[] = {
    "id=id,name=full,father=father,dob=birth,passport=doc",
    "given=given,family=family,father=father,grandfather=grandfather,native=native,dob=birth,"
    "sex=sex,doc=doc,doc2=doc,phone=phone,city=extra,email=extra,truth=truth",
    "a=given,b=family,c=birth",
    "name=full,name2=native,dob=birth,cluster=truth",
};

static void check_str(const char *s)
{
    if (s != NULL)
        REQUIRE(strlen(s) < (1u << 24));
}

static struct hv_names *names;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (names == NULL) {
        struct hv_diag d;
        REQUIRE(hv_names_create(NULL, &names, &d) == HV_OK);
    }
    struct hv_id_csv_map map;
    struct hv_diag d;
    hv_diag_clear(&d);
    REQUIRE(hv_id_csv_map_parse(maps[data[0] % 4], &map, &d) == HV_OK);
    struct hv_id_csv *c = NULL;
    REQUIRE(hv_id_csv_create(&c) == HV_OK);
    enum hv_err err =
        hv_id_csv_read_mem(c, (const char *)data + 1, size - 1, "f.csv", data[0] & 1, &map, &d);
    if (err != HV_OK) {
        REQUIRE(err == HV_ERR_INVALID || err == HV_ERR_LIMIT);
        REQUIRE(hv_diag_has(&d));
        hv_id_csv_destroy(c);
        return 0;
    }
    size_t n = hv_id_csv_n_rows(c);
    for (size_t i = 0; i < n; i++) {
        struct hv_id_record r;
        hv_id_csv_record(c, i, &r);
        check_str(r.given);
        check_str(r.family);
        check_str(r.father);
        check_str(r.grandfather);
        check_str(r.native);
        check_str(r.phone);
        for (int k = 0; k < HV_ID_MAX_DOCS; k++)
            check_str(r.docs[k]);
        for (int k = 0; k < HV_ID_MAX_EXTRA; k++)
            check_str(r.extra[k]);
        REQUIRE(r.sex == 0 || r.sex == 'M' || r.sex == 'F');
        if (r.birth.precision != HV_PDATE_NONE)
            REQUIRE(r.birth.year >= 1850 && r.birth.year <= 2100 &&
                    r.birth.year_to >= r.birth.year);
        REQUIRE(hv_id_csv_row_id(c, i) != NULL);
        REQUIRE(hv_id_csv_truth(c, i) != NULL);
        check_str(hv_id_csv_row_id(c, i));
    }
    if (n > 0 && n <= 64) {
        struct hv_id_options opt;
        hv_id_options_default(&opt);
        opt.threads = 1;
        opt.u_samples = 2000;
        struct hv_id_engine *e = NULL;
        REQUIRE(hv_id_engine_create(names, &opt, &e) == HV_OK);
        REQUIRE(hv_id_csv_add_all(c, e) == HV_OK);
        REQUIRE(hv_id_engine_n_records(e) == n);
        REQUIRE(hv_id_engine_run(e, NULL, &d) == HV_OK);
        size_t np = 0;
        const struct hv_id_pair *p = hv_id_engine_pairs(e, &np);
        for (size_t i = 0; i < np; i++) {
            REQUIRE(p[i].a < p[i].b && p[i].b < n);
            REQUIRE(p[i].prob >= 0.0f && p[i].prob <= 1.0f);
        }
        for (size_t i = 0; i < n; i++)
            REQUIRE(hv_id_engine_cluster(e, (uint32_t)i) <= i);
        hv_id_engine_destroy(e);
    }
    hv_id_csv_destroy(c);
    return 0;
}
