/* identity_int.h - the identity engine's internals shared by its files and reached by the unit
 * tests: interned names and strings, compact records, comparators, EM and clustering.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_IDENTITY_INT_H
#define HV_IDENTITY_INT_H

#include <pthread.h>

#include "haven/identity.h"

#define HV__ID_NONE UINT32_MAX
/* Upper bound on m of the document "different" level after EM (see train in engine.c). */
#define HV__ID_DOC_DIFF_MAX_M 0.0005
/* The same for the father's name "different" level. */
#define HV__ID_FATHER_DIFF_MAX_M 0.01
/* Name fields kept per record: the four compared ones, then given and family alone (blocking). */
enum { NM_NAME, NM_FATHER, NM_GRAND, NM_NATIVE, NM_GIVEN, NM_FAMILY, NM_COUNT };

/* Block key slots per record: one per single-valued rule, HV_ID_MAX_DOCS for documents. */
enum {
    SL_GIVEN_YEAR,
    SL_FATHER_GIVEN,
    SL_PHONE,
    SL_NAME_YEAR,
    SL_NAME,
    SL_DATE,
    SL_NATIVE_YEAR,
    SL_FAMILY_DATE,
    SL_GIVEN_DATE,
    SL_EXTRA0,
    SL_DOC0 = SL_EXTRA0 + HV_ID_MAX_EXTRA,
    SL_COUNT = SL_DOC0 + HV_ID_MAX_DOCS
};

/* A unique parsed name: its hv_name stored compactly (parts, then text) in the name pool. */
struct hv__id_name {
    uint64_t pool_off;
    uint16_t n_parts, n_tokens, text_len;
    uint16_t n_real;      /* parts that are not optional */
    uint32_t tf_class;    /* index into tf_count: names with the same sorted keys */
    uint64_t skel_hash;   /* skeleton key (order kept), 0 when no real part */
    uint64_t skel_sorted; /* order-free hash of the real parts' skeletons */
    uint64_t first_skel;  /* skeleton of the first real part */
};

/* A unique interned string (document, phone, extra): normalised text in the string pool. */
struct hv__id_string {
    uint64_t off;
    uint32_t len;
};

struct hv__id_rec {
    int64_t id;
    uint32_t name[NM_COUNT];
    uint32_t docs[HV_ID_MAX_DOCS];
    uint32_t phone;
    uint32_t extra[HV_ID_MAX_EXTRA];
    struct hv_pdate birth;
    char sex;
    uint8_t source;
    uint8_t relation; /* HV__ID_REL_*: 0 unknown */
    int64_t group;    /* household, 0 unknown */
};

enum {
    HV__ID_REL_UNKNOWN,
    HV__ID_REL_PRINCIPAL,
    HV__ID_REL_SPOUSE,
    HV__ID_REL_CHILD,
    HV__ID_REL_PARENT,
    HV__ID_REL_SIBLING,
    HV__ID_REL_OTHER
};
uint8_t hv__id_relation_code(const char *z);
/* Household level of two records: HV_ID_LEVEL_NULL unless they share a known group. */
int hv__id_cmp_household(int64_t ga, uint8_t ra, int64_t gb, uint8_t rb);

/* Open-addressing map from a 64-bit hash to a 32-bit id. */
struct hv__id_map {
    uint64_t *keys; /* 0 = empty (hashes are forced non-zero) */
    uint32_t *vals;
    size_t cap, n;
};

/* Per-thread scratch: two full names and a direct-mapped cache of name comparisons. */
#define HV__ID_CACHE_BITS 16
struct hv__id_cache_slot {
    uint64_t key;
    float score;
    int8_t level;
};
struct hv__id_scratch {
    struct hv_name a, b;
    struct hv_names_match match;
    struct hv__id_cache_slot *cache;
};

struct hv__id_block_entry {
    uint64_t key;
    uint32_t rec;
};

struct hv_id_engine {
    const struct hv_names *names;
    struct hv_id_options opt;
    bool ran;

    struct hv__id_rec *recs;
    size_t n_recs, cap_recs;

    struct hv__id_name *nm;
    size_t n_nm, cap_nm;
    char *nm_pool;
    size_t nm_pool_len, nm_pool_cap;
    struct hv__id_map nm_map;
    struct hv__id_map tf_map;
    uint32_t *tf_count;
    size_t n_tf, cap_tf;

    struct hv__id_string *str;
    size_t n_str, cap_str;
    char *str_pool;
    size_t str_pool_len, str_pool_cap;
    struct hv__id_map str_map;

    uint64_t *keys; /* n_recs * SL_COUNT block keys, 0 = none */
    struct hv__id_block_entry *entries;
    size_t n_entries;

    struct hv_id_pair *pairs;
    size_t n_pairs;
    uint32_t *parent; /* union-find, then cluster roots */

    double m[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    double u[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    double u2[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS]; /* u of pairs inside one household */
    double w[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];  /* log2(m/u) */
    double w2[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS]; /* log2(m/u2) */
    double lambda, prior_bits;

    struct hv__id_scratch main_scratch;
    struct hv_id_stats stats;
};

/* Maps. */
void hv__id_map_init(struct hv__id_map *m);
void hv__id_map_finish(struct hv__id_map *m);
/* Finds key: *found tells whether it was there; when not, inserts it with val. Returns the
 * value stored. */
uint32_t hv__id_map_put(struct hv__id_map *m, uint64_t key, uint32_t val, bool *found);
bool hv__id_map_get(const struct hv__id_map *m, uint64_t key, uint32_t *val);
uint64_t hv__id_hash(const void *p, size_t n, uint64_t seed);

/* Comparators (compare.c). */
int hv__id_cmp_birth(const struct hv_pdate *a, const struct hv_pdate *b);
int hv__id_cmp_doc(struct hv_str a, struct hv_str b);
int hv__id_cmp_phone(struct hv_str a, struct hv_str b);
int hv__id_cmp_sex(char a, char b);
int hv__id_cmp_extra(struct hv_str a, struct hv_str b);
int hv__id_name_level(const struct hv_names_match *m);
/* Normalises a document number (upper-case ASCII letters and digits only) or a phone (digits
 * only, last 9) into out; returns the length. */
size_t hv__id_norm_doc(const char *s, char *out, size_t cap);
size_t hv__id_norm_phone(const char *s, char *out, size_t cap);

/* Engine internals (engine.c, score.c). */
void hv__id_scratch_init(struct hv__id_scratch *s);
void hv__id_scratch_finish(struct hv__id_scratch *s);
void hv__id_name_load(const struct hv_id_engine *e, uint32_t id, struct hv_name *out);
/* Comparison vector of records a and b (levels, name scores optional). */
void hv__id_gamma(const struct hv_id_engine *e, struct hv__id_scratch *s, uint32_t a, uint32_t b,
                  int8_t level[HV_ID_N_FIELDS], float score[HV_ID_N_FIELDS]);
uint32_t hv__id_pack(const int8_t level[HV_ID_N_FIELDS]);
void hv__id_unpack(uint32_t g, int8_t level[HV_ID_N_FIELDS]);
/* Weight in bits (prior included) of a vector with term-frequency adjustment. */
double hv__id_weight(const struct hv_id_engine *e, uint32_t a, uint32_t b,
                     const int8_t level[HV_ID_N_FIELDS], float *field_w, float *tf_w);
double hv__id_prob(double bits);
void hv__id_set_weights(struct hv_id_engine *e);
void hv__id_default_mu(struct hv_id_engine *e);
void hv__id_record_keys(const struct hv_id_engine *e, uint32_t i, uint64_t keys[SL_COUNT]);

/* EM over distinct patterns (em.c): u fixed (u2 for the patterns of pairs inside one
 * household, those whose household level is known), m of the fields in free_fields (a bit per
 * enum hv_id_field; HV__ID_EM_ALL for all, 0 for none) and lambda estimated. Returns
 * iterations. */
#define HV__ID_EM_ALL ((1u << HV_ID_N_FIELDS) - 1u)
struct hv__id_pattern {
    uint32_t gamma;
    uint64_t count;
};
int hv__id_em(const struct hv__id_pattern *p, size_t n, double u[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS],
              double u2[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS],
              double m[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS], double *lambda, int max_iter,
              uint32_t free_fields);
/* The comparison fields a block-key slot uses (masked when training on its pairs). */
uint32_t hv__id_slot_mask(int slot);
int hv__id_first_shared(const uint64_t *ka, const uint64_t *kb);

/* Clustering (cluster.c). */
void hv__id_cluster(struct hv_id_engine *e);

#endif
