/* names.h - the names engine: normalisation, Dari/Pashto transliteration, variant folding,
 * honorifics, skeleton keys and an explained, order-free name similarity. Shared by identity
 * resolution and watchlist screening. See docs/internals/NAMES.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_NAMES_H
#define HV_NAMES_H

#include "haven/common.h"
#include "haven/err.h"
#include "haven/jsonw.h"
#include "haven/str.h"

/* Limits. A name longer than HV_NAMES_MAX_INPUT bytes is refused with HV_ERR_LIMIT; so is one
 * that yields more than HV_NAMES_MAX_PARTS parts or more derived text than fits a name. */
#define HV_NAMES_MAX_INPUT 256
#define HV_NAMES_MAX_PARTS 16
#define HV_NAMES_TEXT_MAX  2048

/* The tables loaded from the data directory: immutable after hv_names_create and safe to share
 * between threads. */
struct hv_names;

/* Part flags. */
#define HV_NAME_PART_HONORIFIC 0x0001u /* a title or honorific (Haji, Mullah, Khan as a title) */
#define HV_NAME_PART_PARTICLE  0x0002u /* a connecting particle (bin, ibn, al standing alone) */
#define HV_NAME_PART_OPTIONAL  (HV_NAME_PART_HONORIFIC | HV_NAME_PART_PARTICLE)
#define HV_NAME_PART_JOINED    0x0004u /* split out of one written token (Abdulrahman) */
#define HV_NAME_PART_ARABIC    0x0008u /* written in Arabic script, transliterated */
#define HV_NAME_PART_LEXICON   0x0010u /* Arabic-script token found in the native lexicon */
#define HV_NAME_PART_KNOWN     0x0020u /* the key is a name the tables know */
#define HV_NAME_PART_OTHER     0x0040u /* another script, romanised by ICU Any-Latin */

/* One name part. Strings are (offset, length) into the owning hv_name's text so that a parsed
 * name can be copied with memcpy; read them with hv_name_part_*(). */
struct hv_name_part {
    uint16_t norm_off, norm_len;   /* the source token, normalised, in its own script */
    uint16_t latin_off, latin_len; /* Latin form (the token itself, or its transliteration) */
    uint16_t key_off, key_len;     /* folded variant key: equal keys are the same name */
    uint16_t skel_off, skel_len;   /* consonant skeleton, upper case ASCII (may be empty) */
    uint16_t flags;                /* HV_NAME_PART_* */
    uint16_t token;                /* index of the source token in the input */
    float freq;                    /* relative frequency in the default table, 0 = unknown */
    uint64_t key_hash;             /* FNV-1a of key */
    uint64_t skel_hash;            /* FNV-1a of skeleton */
};

/* A parsed name: caller storage, no heap. Filled by hv_names_parse. */
struct hv_name {
    struct hv_name_part parts[HV_NAMES_MAX_PARTS];
    size_t n_parts;
    size_t n_tokens;              /* tokens after normalisation */
    size_t text_len;              /* bytes used in text */
    char text[HV_NAMES_TEXT_MAX]; /* every part string, each NUL-terminated */
};

struct hv_str hv_name_part_norm(const struct hv_name *n, size_t i);
struct hv_str hv_name_part_latin(const struct hv_name *n, size_t i);
struct hv_str hv_name_part_key(const struct hv_name *n, size_t i);
struct hv_str hv_name_part_skeleton(const struct hv_name *n, size_t i);

/* Loads the tables from data_dir (the repository's data/ directory: it reads the .tsv tables under
 * names/; NULL means the directory compiled in). Returns HV_ERR_IO when a table cannot be read and
 * HV_ERR_INVALID when one is malformed (diag names the file, line and reason). The result is
 * a heap object released by hv_names_destroy. */
HV_MUST_CHECK enum hv_err hv_names_create(const char *data_dir, struct hv_names **out,
                                          struct hv_diag *diag);
/* Frees the tables; NULL is a no-op. */
void hv_names_destroy(struct hv_names *names);

/* Parses a UTF-8 name into out (caller storage): NFKC + case folding (ICU), diacritics,
 * harakat and tatweel removed, Arabic letter variants unified, punctuation to spaces; tokens
 * transliterated to Latin when in Arabic script; titles and particles marked optional;
 * compounds split (Abdulrahman -> abdul + rahman); each part folded to a key and a skeleton.
 * Invalid UTF-8 bytes count as separators. Errors: HV_ERR_LIMIT when the input or its parts
 * exceed the HV_NAMES_* limits. No allocation; thread-safe. */
HV_MUST_CHECK enum hv_err hv_names_parse(const struct hv_names *names, struct hv_str input,
                                         struct hv_name *out);

/* Writes the parts' skeletons, space-separated, optional parts left out, into out (NUL-
 * terminated, truncated at a part boundary when out is too small). Returns the length. */
size_t hv_names_skeleton_key(const struct hv_name *n, char *out, size_t out_len);

/* The skeleton of one Latin word (ASCII letters; other bytes ignored) after folding through the
 * tables: the blocking key of one name part, e.g. "Muhammad" -> "MHMD". Returns the length
 * written (NUL-terminated, truncated to out_len - 1). */
size_t hv_names_skeleton(const struct hv_names *names, struct hv_str word, char *out,
                         size_t out_len);

/* Term frequency of a part key in the caller's population, in (0, 1]; 0 means unknown. */
typedef double hv_names_tf_fn(void *ud, struct hv_str key);

/* Tuning for hv_names_compare. hv_names_weights_default fills the documented defaults. */
struct hv_names_weights {
    hv_names_tf_fn *tf; /* NULL: the default frequency table built from data/names */
    void *tf_ud;
    double exact;        /* part score when the Latin forms are equal (1.0) */
    double variant;      /* keys equal through the variant tables (0.97) */
    double translit;     /* Arabic script vs Latin, same key or skeleton (0.93) */
    double joined;       /* one part equals two joined parts of the other name (0.95) */
    double skeleton;     /* same skeleton, different keys, both Latin (0.80) */
    double fuzzy_floor;  /* string similarity at which a fuzzy part score starts (0.70) */
    double fuzzy_max;    /* part score for a string similarity of 1 (0.90) */
    double min_pair;     /* pairs scoring below this are not aligned (0.05) */
    double unknown_freq; /* frequency assumed for a part the tf does not know (2e-4) */
    double max_freq;     /* frequencies are capped here so no part weighs nothing (0.5) */
    /* Opt-in refinements (off in the defaults, which identity resolution uses; screening turns
     * them on): */
    double initial;        /* part score of a one-letter Latin part (an initial, "A. Kabir")
                              against a part starting with that letter; 0 = off */
    double initial_weight; /* evidence weight cap of such an initial (a letter says little) */
    double title_match;    /* the same title (Haji, Mullah, Qari...) on both sides counts with
                              this share of its frequency weight; a title on one side only still
                              counts nothing; 0 = off */
    bool compound_whole;   /* a piece of a split compound left unmatched while another piece of
                              the same word aligned weighs at least as much as that piece (Fazl
                              is not Fazlullah) */
    bool known_distinct;   /* two names the tables know with different keys are different names
                              across scripts too (Hassan is not حسین = Hussain, though both
                              give HSN) */
    bool fuzzy_joins;      /* a word split in two pieces (bad + ullah) may also meet one part
                              of the other name through the fuzzy score of the joined keys */
    bool long_vowels;      /* across scripts, the long vowels Arabic script writes must fit the
                              Latin vowels at the same place, else the pair scores `skeleton` */
    bool strict_optional;  /* an optional part (title, particle) aligns with a name part only
                              through the same key or skeleton, never through fuzzy similarity
                              (Mullah is not a weak Mustafa) */
};

void hv_names_weights_default(struct hv_names_weights *w);

enum hv_names_reason {
    HV_NAMES_REASON_EXACT,    /* same Latin form */
    HV_NAMES_REASON_VARIANT,  /* same key through variant tables or folding */
    HV_NAMES_REASON_TRANSLIT, /* across scripts: same key or skeleton after transliteration */
    HV_NAMES_REASON_JOINED,   /* a compound written joined on one side and split on the other */
    HV_NAMES_REASON_SKELETON, /* same consonant skeleton */
    HV_NAMES_REASON_FUZZY,    /* Jaro-Winkler / confusable edit distance */
    HV_NAMES_REASON_OPTIONAL, /* two optional parts (titles, particles) aligned: no weight */
    HV_NAMES_REASON_INITIAL,  /* an initial against a part starting with that letter */
};

const char *hv_names_reason_str(enum hv_names_reason r);

/* One aligned pair: one or two parts of a with one or two parts of b (two when joined). */
struct hv_names_pair {
    uint8_t a[2], n_a; /* part indexes in a */
    uint8_t b[2], n_b; /* part indexes in b */
    enum hv_names_reason reason;
    double sim;    /* part score in [0, 1] */
    double weight; /* evidence weight of the pair (0 for optional parts) */
};

/* The outcome of a comparison. The names are borrowed (pointers, valid while they are). */
struct hv_names_match {
    const struct hv_name *a, *b;
    double score; /* [0, 1]: weighted share of both names' evidence that aligned */
    struct hv_names_pair pairs[HV_NAMES_MAX_PARTS];
    size_t n_pairs;
    uint8_t unmatched_a[HV_NAMES_MAX_PARTS], n_unmatched_a; /* parts of a left over */
    uint8_t unmatched_b[HV_NAMES_MAX_PARTS], n_unmatched_b;
    double weight_a[HV_NAMES_MAX_PARTS]; /* each part's evidence weight (0 when optional) */
    double weight_b[HV_NAMES_MAX_PARTS];
};

/* Compares two parsed names (the hot path: no allocation, no ICU call, thread-safe). weights
 * may be NULL for the defaults. Always succeeds; two names without parts score 0. */
void hv_names_compare_parsed(const struct hv_names *names, const struct hv_name *a,
                             const struct hv_name *b, const struct hv_names_weights *weights,
                             struct hv_names_match *out);

/* A memo of part scores for comparing one name a with many names b (screening: the query
 * against its candidates): caller storage, one per thread. Reset it whenever a or the weights
 * change; entries are keyed by a's part index and b's part strings and flags. */
#define HV_NAMES_MEMO_SLOTS 1024
struct hv_names_memo {
    uint64_t tag[HV_NAMES_MEMO_SLOTS];
    double sim[HV_NAMES_MEMO_SLOTS];
    uint8_t reason[HV_NAMES_MEMO_SLOTS];
};
void hv_names_memo_reset(struct hv_names_memo *memo);
/* hv_names_compare_parsed with a memo (NULL: none); the result is the same. */
void hv_names_compare_parsed_memo(const struct hv_names *names, const struct hv_name *a,
                                  const struct hv_name *b, const struct hv_names_weights *weights,
                                  struct hv_names_memo *memo, struct hv_names_match *out);

/* Caller storage for hv_names_compare: both parsed names and the match. */
struct hv_names_result {
    struct hv_name a, b;
    struct hv_names_match match;
};

/* Parses a and b into result and compares them. Errors as hv_names_parse. */
HV_MUST_CHECK enum hv_err hv_names_compare(const struct hv_names *names, struct hv_str a,
                                           struct hv_str b, const struct hv_names_weights *weights,
                                           struct hv_names_result *result);

/* Writes a parsed name as a JSON object (parts with their forms, keys, skeletons and flags). */
void hv_names_name_json(const struct hv_name *n, struct hv_jw *w);
/* Writes the match as a JSON object: score, both names, pairs with reasons, unmatched parts.
 * Errors are sticky in w. */
void hv_names_explain_json(const struct hv_names_match *m, struct hv_jw *w);

/* The default frequency of a key (as hv_names_tf_fn; ud is the struct hv_names). */
double hv_names_default_tf(void *ud, struct hv_str key);

#endif
