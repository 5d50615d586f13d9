/* names_int.h - internals of the names engine shared by its files: the string map, the loaded
 * tables and the steps of the pipeline.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_NAMES_INT_H
#define HV_NAMES_INT_H

#include "haven/names.h"

/* Longest Latin word handled by folding and skeletons; longer words are cut (keys only). */
#define HV__NAMES_WORD_MAX 128

/* An open-addressing map from byte strings to a value string and a number. Built once at
 * start-up, read-only afterwards. */
struct hv__names_map_slot {
    uint64_t hash;    /* 0 = empty */
    uint32_t key_off; /* into pool */
    uint32_t key_len;
    uint32_t val_off;
    uint32_t val_len;
    double num;
};

struct hv__names_map {
    struct hv__names_map_slot *slots;
    size_t cap; /* power of two */
    size_t n;
    char *pool;
    size_t pool_len, pool_cap;
};

uint64_t hv__names_hash(const char *p, size_t n);
void hv__names_map_finish(struct hv__names_map *m);
/* Inserts key -> (val, num); when the key exists, keeps the first value unless replace. Returns
 * the slot. */
struct hv__names_map_slot *hv__names_map_put(struct hv__names_map *m, struct hv_str key,
                                             struct hv_str val, double num, bool replace);
const struct hv__names_map_slot *hv__names_map_get(const struct hv__names_map *m,
                                                   struct hv_str key);
struct hv_str hv__names_map_val(const struct hv__names_map *m, const struct hv__names_map_slot *s);

/* A rewrite rule: from -> to at a position within a word. */
enum hv__names_scope {
    HV__SCOPE_ANY,
    HV__SCOPE_START,
    HV__SCOPE_END,
    HV__SCOPE_WORD,
};

struct hv__names_rule {
    char from[32];
    uint8_t from_len;
    char to[32];
    uint8_t to_len;
    uint8_t scope;
};

/* Title positions (titles.tsv). */
enum hv__names_pos {
    HV__POS_ANY,    /* optional wherever it stands, unless it is the only part */
    HV__POS_PREFIX, /* optional only before another part */
    HV__POS_SUFFIX, /* optional only after another part */
};

/* Affix kinds (compounds.tsv). */
enum hv__names_affix_kind {
    HV__AFFIX_PREFIX,
    HV__AFFIX_SUFFIX,
};

struct hv__names_affix {
    char form[24];
    uint8_t form_len;
    char canon[24];
    uint8_t canon_len;
    uint8_t kind;
    uint8_t min_rest; /* the rest of the word must be at least this long */
};

struct hv_names {
    struct hv__names_rule *fold; /* fold.tsv, in file order */
    size_t n_fold;
    struct hv__names_rule *translit; /* arabic_latin.tsv, longest first within a position */
    size_t n_translit;
    struct hv__names_affix *affixes; /* compounds.tsv */
    size_t n_affixes;
    struct hv__names_map equiv;     /* folded variant -> folded canonical key */
    struct hv__names_map canon;     /* folded canonical keys (num unused) */
    struct hv__names_map titles;    /* form (either script) -> canonical title; num = pos */
    struct hv__names_map particles; /* form -> canonical particle; num: 1 = joins next word */
    struct hv__names_map lexicon;   /* Arabic-script token -> Latin word(s) */
    struct hv__names_map freq;      /* key -> relative frequency */
    double conf[27][27];            /* substitution costs a..z, index 26 = empty */
    void *other_translit;           /* ICU UTransliterator for other scripts, or NULL */
};

/* Steps of the pipeline. */

/* A token after normalisation: UTF-8 text and its script. */
enum hv__names_script {
    HV__SCRIPT_LATIN,
    HV__SCRIPT_ARABIC,
    HV__SCRIPT_OTHER,
};

struct hv__names_token {
    uint16_t off, len; /* into the normalised text */
    uint8_t script;
};

#define HV__NAMES_MAX_TOKENS 32

/* Normalises input into norm (UTF-8, tokens separated by single spaces) and lists the tokens.
 * Returns HV_ERR_LIMIT when the input or the token count is too large. */
enum hv_err hv__names_normalize(struct hv_str input, char *norm, size_t norm_cap, size_t *norm_len,
                                struct hv__names_token *tokens, size_t *n_tokens);

/* Transliterates one Arabic-script token (normalised) to Latin by the rules. Returns the
 * length written to out (NUL-terminated; 0 when it does not fit). */
size_t hv__names_translit(const struct hv_names *names, struct hv_str token, char *out,
                          size_t out_cap);
/* Romanises a token of another script through ICU (Any-Latin; Latin-ASCII). Returns the length
 * written, 0 when unavailable. */
size_t hv__names_translit_other(const struct hv_names *names, struct hv_str token, char *out,
                                size_t out_cap);

/* Folds a lower-case Latin word with fold.tsv and collapses doubled letters. */
size_t hv__names_fold(const struct hv_names *names, struct hv_str word, char *out, size_t out_cap);
/* Folds and then maps through the variant table: the part key. *known is set when the key is a
 * canonical name of the tables. */
size_t hv__names_key(const struct hv_names *names, struct hv_str word, char *out, size_t out_cap,
                     bool *known);
/* Consonant skeleton of a key. */
size_t hv__names_skel(struct hv_str key, char *out, size_t out_cap);

/* Similarities on ASCII keys. */
double hv__names_jaro_winkler(struct hv_str a, struct hv_str b);
/* Confusable-weighted edit distance, normalised to [0, 1] similarity. */
double hv__names_edit_sim(const struct hv_names *names, struct hv_str a, struct hv_str b);

#endif
