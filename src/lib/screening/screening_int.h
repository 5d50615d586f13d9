/* screening_int.h - internals of the screening module shared by its files: the entry builder
 * used by every loader, and helpers for reading whole files.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_SCREENING_INT_H
#define HV_SCREENING_INT_H

#include "haven/screening.h"

/* Collects one entry while a loader reads it; hv__wl_end copies it into the list's arena. */
struct hv__wl_builder {
    struct hv_wl_list *list;
    const char *ref;
    const char *list_type;
    bool individual;
    char sex;
    struct hv_wl_name names[HV_WL_MAX_NAMES];
    size_t n_names;
    struct hv_pdate dobs[HV_WL_MAX_DOBS];
    size_t n_dobs;
    const char *nats[HV_WL_MAX_NATS];
    size_t n_nats;
};

void hv__wl_begin(struct hv__wl_builder *b, struct hv_wl_list *list);
/* Copies s (trimmed, inner white space collapsed) into the list's arena; "" for empty. */
const char *hv__wl_text(struct hv_wl_list *l, struct hv_str s);
/* Adds a name (trimmed; empty and duplicate names are skipped). HV_ERR_LIMIT when full. */
HV_MUST_CHECK enum hv_err hv__wl_add_name(struct hv__wl_builder *b, enum hv_wl_name_kind kind,
                                          struct hv_str s);
HV_MUST_CHECK enum hv_err hv__wl_add_dob(struct hv__wl_builder *b, const struct hv_pdate *d);
/* Adds a nationality through hv_screen_country (duplicates skipped). */
HV_MUST_CHECK enum hv_err hv__wl_add_nat(struct hv__wl_builder *b, struct hv_str s);
/* Appends the entry to the list. HV_ERR_INVALID (with diag field) when it has no ref or no
 * name; HV_ERR_LIMIT when the list is full. */
HV_MUST_CHECK enum hv_err hv__wl_end(struct hv__wl_builder *b, struct hv_diag *diag);

/* Reads a whole file into a heap buffer (NUL-terminated; free with free()). HV_ERR_IO with
 * diag naming the file when it cannot be read; HV_ERR_LIMIT over max bytes. */
HV_MUST_CHECK enum hv_err hv__wl_read_file(const char *path, size_t max, char **data, size_t *len,
                                           struct hv_diag *diag);
/* Hex BLAKE2b-256 of data into out. */
void hv__wl_hash_hex(const void *data, size_t len, char out[65]);

/* Serialises birth dates as "1958..1963;1970" and nationalities as "AF;PK" (arena text), and
 * parses them back (the database form of an entry). */
const char *hv__wl_dobs_text(struct hv_arena *a, const struct hv_wl_entry *e);
const char *hv__wl_nats_text(struct hv_arena *a, const struct hv_wl_entry *e);
HV_MUST_CHECK enum hv_err hv__wl_parse_dobs(struct hv__wl_builder *b, struct hv_str s);
HV_MUST_CHECK enum hv_err hv__wl_parse_nats(struct hv__wl_builder *b, struct hv_str s);

/* --- the index (index.c, query.c) --- */

#include "haven/names.h"

/* Default weight of the lists' own part frequencies (see hv_screen_index.list_tf_scale): off.
 * Measured in bench/screening (HV_SCREEN_TF_SCALE): 0.5 lifts Taliban leave-one-out recall@1
 * from 0.667 to 0.684 but slows every comparison (a callback per part) and adds a few false
 * alerts, so it is not used by default. */
#ifndef HV__SCREEN_LIST_TF_SCALE
#define HV__SCREEN_LIST_TF_SCALE 0.0
#endif

/* The names engine's opt-in refinements used by screening (hv_names_weights; all of them are
 * set in hv_screen_index_create, measured in bench/screening, see SCREENING.md): an initial
 * ("A. Kabir") scores HV__SCREEN_INITIAL against a part starting with its letter and weighs at
 * most HV__SCREEN_INITIAL_WEIGHT (about -log of the share of names starting with one letter);
 * the same title on both sides counts with HV__SCREEN_TITLE_MATCH of its weight; titles align
 * with name parts only through the same key or skeleton; split compounds are kept whole; known
 * names stay distinct across scripts; Arabic long vowels must fit; fuzzy joins. */
#define HV__SCREEN_INITIAL        0.75
#define HV__SCREEN_INITIAL_WEIGHT 2.0
#ifndef HV__SCREEN_TITLE_MATCH
#define HV__SCREEN_TITLE_MATCH 0.5
#endif

/* Key kinds, mixed into the hash so the same skeleton under two kinds are two keys. */
#define HV__IX_FULL 0x5155u /* a part's skeleton (or two adjacent parts' skeletons joined) */
#define HV__IX_DEL  0xDE11u /* the skeleton with one letter deleted */
#define HV__IX_KEY  0x4B45u /* a part's vowelled key (Loi, Hamad: rarer than their skeletons) */

struct hv__ix_name {
    uint32_t entry;      /* index into hv_screen_index.entries */
    uint16_t name_index; /* index into the entry's names */
    uint8_t n_parts;
    uint8_t n_tokens;
    uint32_t blob_off; /* parts then text, in hv_screen_index.blob */
    uint32_t text_len;
    uint32_t form_off; /* a cleaned form's text in hv_screen_index.forms, or UINT32_MAX for the
                          name as listed */
};

struct hv__ix_entry {
    const struct hv_wl_list *list;
    const struct hv_wl_entry *e;
    uint32_t first_name; /* the entry's indexed names are ixnames[first_name, + n_names) */
    uint32_t n_names;
};

struct hv__ix_slot {
    uint64_t key;   /* 0 = empty */
    uint32_t start; /* into postings */
    uint32_t len;
};

struct hv_screen_index {
    const struct hv_names *names;
    struct hv__ix_entry *entries;
    size_t n_entries;
    struct hv__ix_name *ixnames;
    size_t n_names, cap_names;
    unsigned char *blob; /* compact parsed names */
    size_t blob_len;
    struct hv__ix_slot *slots; /* open addressing, power-of-two capacity */
    size_t cap, n_keys;
    uint32_t *postings; /* name ids, grouped by key */
    size_t n_postings;
    size_t n_skipped; /* names that failed to parse */
    char *forms;      /* cleaned name forms, NUL-terminated one after the other */
    size_t forms_len, forms_cap;
    struct hv_names_weights weights;
    /* Part-key frequencies in the lists (share of names holding the key), blended with the
     * names engine's default table in the tf given to hv_names_compare (list_tf_scale: the
     * weight of the list's share; 0 = the default table only). */
    uint64_t *tf_keys; /* open addressing, 0 = empty */
    uint32_t *tf_counts;
    size_t tf_cap;
    double list_tf_scale;
};

/* Sets list_tf_scale and installs (scale > 0) or removes the lists' tf in ix->weights. */
void hv__ix_set_list_tf(struct hv_screen_index *ix, double scale);

/* The weight of a key in candidate generation: log((names + 1) / (df + 1)) + 0.1, df being the
 * number of names holding the key. */
double hv__ix_idf(const struct hv_screen_index *ix, uint64_t full_key);
/* The skeleton a part is indexed under (its key when the skeleton is empty; empty when too long
 * to index). */
struct hv_str hv__ix_part_skel(const struct hv_name *n, size_t i);

/* The postings of key, or NULL with *len 0. */
const uint32_t *hv__ix_lookup(const struct hv_screen_index *ix, uint64_t key, uint32_t *len);
/* The key hash of a skeleton string of kind. */
uint64_t hv__ix_key(unsigned kind, const char *s, size_t n);
/* Expands indexed name id into out. */
void hv__ix_name_get(const struct hv_screen_index *ix, uint32_t id, struct hv_name *out);
/* Calls fn for every key of a parsed name (full skeletons of its parts and of adjacent pairs,
 * and one-deletion variants); part is the part the key belongs to (the first of a pair). */
typedef void hv__ix_key_fn(void *ud, uint64_t key, unsigned kind, size_t part);
void hv__ix_name_keys(const struct hv_name *n, hv__ix_key_fn *fn, void *ud);

/* Test seam (bench leave-one-out): queries on s skip name name_index of entry e until cleared
 * with e NULL. */
void hv__screen_scratch_exclude(struct hv_screen_scratch *s, const struct hv_wl_entry *e,
                                size_t name_index);

/* Writes up to max other forms of name worth matching (see clean.c) into out, NUL-terminated;
 * returns how many. Forms equal to name are not written. */
size_t hv__screen_name_forms(struct hv_str name, char (*out)[HV_NAMES_MAX_INPUT], size_t max);

#endif
