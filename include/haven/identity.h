/* identity.h - identity resolution: blocking, Fellegi-Sunter scoring with EM-estimated m and
 * sampled u, term-frequency adjustment, clustering into identities with a chaining guard, a
 * review band, and the registry side (stored pairs, reversible merges, review holds).
 * See docs/internals/IDENTITY.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_IDENTITY_H
#define HV_IDENTITY_H

#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/jsonw.h"
#include "haven/names.h"
#include "haven/pdate.h"
#include "haven/progress.h"
#include "haven/str.h"

struct hv_arena;

#define HV_ID_MAX_DOCS  4
#define HV_ID_MAX_EXTRA 4

/* One record as the engine sees it. Strings are UTF-8, NUL-terminated, NULL or "" when not
 * known, and borrowed for the duration of hv_id_engine_add only (the engine keeps its own
 * parsed or interned copies). */
struct hv_id_record {
    int64_t id;     /* the caller's id (person id, CSV row); reported back, never interpreted */
    uint8_t source; /* link mode: records of the same source are never paired */
    const char *given, *family, *father, *grandfather, *native;
    struct hv_pdate birth;            /* precision NONE when unknown */
    char sex;                         /* 'M', 'F' or 0 when unknown */
    const char *docs[HV_ID_MAX_DOCS]; /* document numbers (any kind) */
    const char *phone;
    const char *extra[HV_ID_MAX_EXTRA]; /* other attributes compared as strings (city, e-mail) */
    /* The household (case) the record belongs to, 0 when unknown, and the relation to its
     * principal ("principal", "spouse", "child", "parent", "sibling", "other"; NULL or ""
     * when unknown). Two records of one household are compared with the u of random pairs
     * drawn inside households (siblings share father, grandfather and family name, so those
     * agreements weigh little there), and conflicting relations count against them. */
    int64_t group;
    const char *relation;
};

/* Compared fields (the comparison vector), in this order. */
enum hv_id_field {
    HV_ID_F_NAME,        /* given + family name, order-free */
    HV_ID_F_FATHER,      /* father's name */
    HV_ID_F_GRANDFATHER, /* grandfather's name */
    HV_ID_F_NATIVE,      /* native-script name */
    HV_ID_F_BIRTH,       /* birth date at the precision both sides have */
    HV_ID_F_DOC,         /* best of every document pair */
    HV_ID_F_PHONE,
    HV_ID_F_SEX,
    HV_ID_F_EXTRA0,
    HV_ID_F_EXTRA1,
    HV_ID_F_EXTRA2,
    HV_ID_F_EXTRA3,
    HV_ID_F_HOUSEHOLD, /* same household: relations compatible or not (else missing) */
    HV_ID_N_FIELDS
};

#define HV_ID_MAX_LEVELS 4
#define HV_ID_LEVEL_NULL (-1) /* one side unknown: no evidence either way */

/* Levels (higher is closer). Names: 0 different, 1 fuzzy, 2 variant, 3 exact. Birth: 0
 * different, 1 off by one year, 2 compatible (year-only vs a date in that year, overlapping
 * ranges), 3 exact at the same precision. Documents: 0 different, 1 one typo (edit distance 1
 * or one adjacent swap), 2 exact. Phone: 0 different, 1 same last 7 digits, 2 exact. Sex: 0
 * different, 1 same. Extra: 0 different, 1 similar (Jaro-Winkler >= 0.88), 2 exact.
 * Household (only when both records are of the same household, else missing): 0 different
 * relations (say spouse and child; "other" conflicts with none), 1 compatible. */
const char *hv_id_field_name(enum hv_id_field f);
const char *hv_id_level_name(enum hv_id_field f, int level);
int hv_id_field_levels(enum hv_id_field f);

/* Blocking rules (a bit set). A record without the fields a rule needs gets no key for it. */
#define HV_ID_BLOCK_GIVEN_YEAR   0x0001u /* skeleton of the given name + birth year */
#define HV_ID_BLOCK_FATHER_GIVEN 0x0002u /* skeleton of the father's name + of the given name */
#define HV_ID_BLOCK_DOC          0x0004u /* each document number */
#define HV_ID_BLOCK_PHONE        0x0008u /* phone (digits, last 9) */
#define HV_ID_BLOCK_NAME_YEAR    0x0010u /* sorted skeletons of given + family + birth year */
#define HV_ID_BLOCK_NAME         0x0020u /* sorted skeletons of given + family */
#define HV_ID_BLOCK_DATE         0x0040u /* full birth date (day precision only) */
#define HV_ID_BLOCK_NATIVE_YEAR  0x0080u /* skeleton key of the native name + birth year */
#define HV_ID_BLOCK_EXTRA0       0x0100u /* exact extra[0]; EXTRA1..3 are the next bits */
#define HV_ID_BLOCK_FAMILY_DATE  0x1000u /* skeleton of the family name + full birth date */
#define HV_ID_BLOCK_GIVEN_DATE   0x2000u /* skeleton of the given name + full birth date */
#define HV_ID_BLOCK_DEFAULT                                                                        \
    (HV_ID_BLOCK_GIVEN_YEAR | HV_ID_BLOCK_FATHER_GIVEN | HV_ID_BLOCK_DOC | HV_ID_BLOCK_NAME_YEAR | \
     HV_ID_BLOCK_NATIVE_YEAR)

struct hv_id_options {
    double merge_threshold;  /* match probability at or above which a pair is merged (0.9) */
    double review_threshold; /* pairs in [review, merge) go to review (0.3) */
    uint32_t blocks;         /* HV_ID_BLOCK_* (HV_ID_BLOCK_DEFAULT) */
    uint32_t max_block;      /* blocks with more records are skipped (2000) */
    unsigned threads;        /* scoring threads, 1..8 (2) */
    uint64_t seed;           /* for the random pairs of u (1) */
    uint32_t u_samples;      /* random pairs for u (300,000) */
    int em_iterations;       /* at most (40) */
    bool tf_adjust;          /* term-frequency adjustment on names (true) */
    bool link_only;          /* pair only records of different sources (false) */
    double chain_floor;   /* clusters are not joined when a cross pair scores below this (0.05) */
    uint32_t max_cluster; /* clusters are not grown beyond this many records (50) */
    double prior;         /* initial share of candidate pairs that match, for EM (0.1) */
};

void hv_id_options_default(struct hv_id_options *o);

/* The engine over plain records: a heap object, not thread-safe (it uses threads inside). */
struct hv_id_engine;

/* names is borrowed and must outlive the engine. opt may be NULL for the defaults. */
HV_MUST_CHECK enum hv_err hv_id_engine_create(const struct hv_names *names,
                                              const struct hv_id_options *opt,
                                              struct hv_id_engine **out);
void hv_id_engine_destroy(struct hv_id_engine *e);

/* Adds one record (parsed and interned now); *index (may be NULL) gets its index, 0, 1, ...
 * Errors: HV_ERR_LIMIT (more than 2^31 records, or a name over the names limits: the name is
 * then treated as unknown and the record still added, so this is only returned for the first
 * case), HV_ERR_INVALID after hv_id_engine_run. */
HV_MUST_CHECK enum hv_err hv_id_engine_add(struct hv_id_engine *e, const struct hv_id_record *r,
                                           uint32_t *index);
size_t hv_id_engine_n_records(const struct hv_id_engine *e);
/* The options the engine runs with. */
void hv_id_engine_options(const struct hv_id_engine *e, struct hv_id_options *out);
/* The caller's id of record i. */
int64_t hv_id_engine_record_id(const struct hv_id_engine *e, uint32_t i);

/* Blocks, compares the candidate pairs (opt.threads threads), samples u, estimates m by EM,
 * scores and clusters. Progress phases "block", "compare", "em", "cluster". Can run once. */
HV_MUST_CHECK enum hv_err
hv_id_engine_run(struct hv_id_engine *e, const struct hv_progress *progress, struct hv_diag *diag);

/* A scored candidate pair (a < b, record indexes). */
struct hv_id_pair {
    uint32_t a, b;
    float weight; /* match weight, bits (log2 Bayes factor incl. the prior) */
    float prob;   /* match probability */
};

/* The candidate pairs after hv_id_engine_run, sorted by (a, b); borrowed from the engine. */
const struct hv_id_pair *hv_id_engine_pairs(const struct hv_id_engine *e, size_t *n);
/* The cluster of record i: the smallest record index in its identity (i when alone). */
uint32_t hv_id_engine_cluster(const struct hv_id_engine *e, uint32_t i);

struct hv_id_stats {
    uint64_t records, unique_names, candidate_pairs, block_pairs, skipped_blocks;
    uint64_t u_pairs, patterns, em_iterations;
    uint64_t merged_pairs, review_pairs, clusters, chain_refusals;
    double lambda; /* EM's share of candidate pairs that match */
    double seconds_parse, seconds_block, seconds_compare, seconds_em, seconds_cluster;
    double m[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS], u[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    /* u of pairs inside one household, and how many such pairs were sampled. */
    double u_household[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    uint64_t u_household_pairs;
    /* Oversized blocks split by a secondary key (father's, then family name skeleton), and the
     * records left out of the blocks that were still oversized after splitting (skipped). */
    uint64_t split_blocks, skipped_records;
    /* Whether m was anchored on the pairs sharing a document number (see IDENTITY.md). */
    bool doc_anchored;
    /* Whether lambda came from the document rule rather than EM (see IDENTITY.md). */
    bool doc_lambda;
};
void hv_id_engine_stats(const struct hv_id_engine *e, struct hv_id_stats *out);

/* The comparison of one pair with its explanation. */
struct hv_id_comparison {
    int8_t level[HV_ID_N_FIELDS];
    float weight[HV_ID_N_FIELDS]; /* bits contributed, tf adjustment included */
    float tf_adjust[HV_ID_N_FIELDS];
    float name_score[HV_ID_N_FIELDS]; /* names engine score for name fields, else 0 */
    double total;                     /* prior + sum of weights, bits */
    double prob;
};

/* Compares records a and b with the current m/u (after run; before it, the default m/u). */
void hv_id_engine_compare(const struct hv_id_engine *e, uint32_t a, uint32_t b,
                          struct hv_id_comparison *out);
/* Candidates for a new record r against the engine's records (after run): blocked by the
 * same rules, scored, best first, those at or above min_prob, at most max. */
struct hv_id_candidate {
    uint32_t index;
    double prob;
};
HV_MUST_CHECK enum hv_err hv_id_engine_candidates(struct hv_id_engine *e,
                                                  const struct hv_id_record *r, double min_prob,
                                                  size_t max, struct hv_id_candidate *out,
                                                  size_t *n_out);

/* The trained model: m and u per field and level, and lambda (EM's share of candidate pairs
 * that match). A run trains it; hv_id_engine_set_model gives an engine that has not run the
 * weights of an earlier run (to score one new record as the batch would). */
struct hv_id_model {
    double m[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS], u[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
    double u_household[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS]; /* u inside one household */
    double lambda;
};
void hv_id_engine_model(const struct hv_id_engine *e, struct hv_id_model *out);
void hv_id_engine_set_model(struct hv_id_engine *e, const struct hv_id_model *m);
/* The model as text (numbers only, "v1 lambda m... u..."): returns the length written, or 0
 * when cap is too small (HV_ID_MODEL_TEXT_MAX always suffices). */
#define HV_ID_MODEL_TEXT_MAX 4096
size_t hv_id_model_format(const struct hv_id_model *m, char *out, size_t cap);
/* Parses what hv_id_model_format wrote; false on anything else. */
bool hv_id_model_parse(const char *z, struct hv_id_model *out);
/* The blocking keys of record i under the engine's rules, before any oversized block is split
 * (0 = none; at most HV_ID_MAX_KEYS): what the registry indexes blindly for candidates. */
#define HV_ID_MAX_KEYS 24
size_t hv_id_engine_record_keys(const struct hv_id_engine *e, uint32_t i,
                                uint64_t out[HV_ID_MAX_KEYS]);

/* --- CSV adapter ----------------------------------------------------------------------- */

/* A column mapping "col=field,col=field": fields given, family, father, grandfather, native,
 * full (split into given = first word, family = the rest), birth (YYYY, YYYY-MM-DD,
 * YYYYMMDD, YYYY..YYYY), sex (M/F/male/female), doc (repeatable), phone, extra (repeatable, up
 * to 4), id (the row id written to the output; default the row number), truth (a cluster
 * label for benchmarks). Values are trimmed. */
#define HV_ID_CSV_MAX_MAP 16
struct hv_id_csv_map {
    struct {
        char column[64];
        char field[16];
    } cols[HV_ID_CSV_MAX_MAP];
    size_t n;
};
HV_MUST_CHECK enum hv_err hv_id_csv_map_parse(const char *spec, struct hv_id_csv_map *out,
                                              struct hv_diag *diag);

/* Rows read from CSV files: owns their text (heap object). */
struct hv_id_csv;
HV_MUST_CHECK enum hv_err hv_id_csv_create(struct hv_id_csv **out);
void hv_id_csv_destroy(struct hv_id_csv *c);
/* Reads a CSV file with a header row into c (rows tagged with source), mapping columns by
 * map. Errors: HV_ERR_IO (file), HV_ERR_INVALID (a mapped column missing from the header, a
 * malformed CSV; diag names file, line and column), HV_ERR_LIMIT (over 2^31 rows). A birth
 * value that does not parse is treated as unknown. */
HV_MUST_CHECK enum hv_err hv_id_csv_read(struct hv_id_csv *c, const char *path, uint8_t source,
                                         const struct hv_id_csv_map *map, struct hv_diag *diag);
/* Same from memory (for tests and fuzzing); name is used in diag. */
HV_MUST_CHECK enum hv_err hv_id_csv_read_mem(struct hv_id_csv *c, const char *data, size_t len,
                                             const char *name, uint8_t source,
                                             const struct hv_id_csv_map *map, struct hv_diag *diag);
size_t hv_id_csv_n_rows(const struct hv_id_csv *c);
/* Row i as a record (strings borrowed from c); id is the row's index. */
void hv_id_csv_record(const struct hv_id_csv *c, size_t i, struct hv_id_record *out);
/* The row's id column (or its 1-based row number) and truth label ("" when none mapped). */
const char *hv_id_csv_row_id(const struct hv_id_csv *c, size_t i);
const char *hv_id_csv_truth(const struct hv_id_csv *c, size_t i);
/* Adds every row to e, in order (row i becomes record i when e was empty). */
HV_MUST_CHECK enum hv_err hv_id_csv_add_all(const struct hv_id_csv *c, struct hv_id_engine *e);
/* Writes out_dir/pairs.csv (id_a,id_b,prob,weight,decision for pairs at or above the review
 * threshold) and out_dir/clusters.csv (id,cluster) after hv_id_engine_run. */
HV_MUST_CHECK enum hv_err hv_id_csv_write(const struct hv_id_csv *c, const struct hv_id_engine *e,
                                          const char *out_dir, struct hv_diag *diag);

/* --- registry side (tables of migration 0005) ----------------------------------------- */

struct hv_identity_summary {
    int64_t run_id;
    uint64_t people;       /* person records read */
    uint64_t candidates;   /* candidate pairs compared */
    uint64_t new_pairs;    /* pairs at or above the review threshold stored by this run */
    uint64_t known_pairs;  /* pairs found again that were already stored (decisions kept) */
    uint64_t merged;       /* new pairs merged automatically */
    uint64_t review;       /* new pairs sent to review */
    uint64_t holds_opened; /* duplicate_review holds opened */
    uint64_t clusters;     /* live identities of more than one person after the run */
    double seconds;
};

/* Deduplicates every person in the registry: reads the people (sealed: needs ctx->vault) and
 * their documents with hv_record_each, runs the engine with opt (NULL: defaults; the names
 * tables from the compiled-in data directory), then in one transaction stores each pair at or
 * above the review threshold that is not stored yet: 'merged' when the engine clustered it,
 * else 'review' with a duplicate_review hold opened on each of the two cases (one when they
 * share a case). Pairs already stored keep their decision (a rejected pair stays rejected).
 * Rebuilds the identities; one audit entry "identity.run" with the counts. Progress phases are
 * "read" and the engine's. Errors: HV_ERR_FORBIDDEN without a vault, store errors. */
HV_MUST_CHECK enum hv_err hv_identity_run(struct hv_ctx *ctx, const struct hv_id_options *opt,
                                          struct hv_identity_summary *out, struct hv_diag *diag);

enum hv_identity_decision { HV_IDENTITY_ACCEPT, HV_IDENTITY_REJECT };

/* Decides the pair under review pair_id: accept merges the two identities, reject keeps them
 * apart (later runs keep the decision). reason_code is a code ([A-Za-z0-9._:/-], 1..64 bytes).
 * The pair's open holds are resolved ("released"), the identities rebuilt, and the decision
 * audited ("identity.accept" / "identity.reject", pair id and code), in one transaction.
 * Errors: HV_ERR_NOTFOUND no such pair, HV_ERR_CONFLICT it is not under review,
 * HV_ERR_INVALID a bad reason code. */
HV_MUST_CHECK enum hv_err hv_identity_decide(struct hv_ctx *ctx, int64_t pair_id,
                                             enum hv_identity_decision d, const char *reason_code,
                                             struct hv_diag *diag);

enum hv_identity_target { HV_IDENTITY_PAIR, HV_IDENTITY_CLUSTER };

/* Undoes merges: target PAIR undoes one merged or accepted pair; CLUSTER every such pair
 * inside the identity cluster id (its smallest person id). The pairs become 'unmerged' (later
 * runs keep them apart), the identities are rebuilt (the others of a cluster stay linked when
 * other merged pairs still join them); person records are untouched. Audited
 * ("identity.unmerge"). *n_pairs (may be NULL) gets the pairs undone. Errors: HV_ERR_NOTFOUND
 * no such pair or cluster, HV_ERR_CONFLICT the pair is not merged, HV_ERR_INVALID bad code. */
HV_MUST_CHECK enum hv_err hv_identity_unmerge(struct hv_ctx *ctx, enum hv_identity_target target,
                                              int64_t id, const char *reason_code, int64_t *n_pairs,
                                              struct hv_diag *diag);

/* A stored pair (strings arena-owned). */
struct hv_identity_pair {
    int64_t id, person_a, person_b, run_id;
    double prob, weight;
    const char *decision;    /* merged, review, accepted, rejected, unmerged */
    const char *explanation; /* JSON: {"fields":[{"field","level","weight","tf"}...],...} */
    const char *decided_by, *reason_code;
    int64_t decided_at;
    int64_t cluster_a, cluster_b;        /* current identity of each side (its own id when alone) */
    const char *ref_a, *ref_b;           /* person refs */
    const char *case_ref_a, *case_ref_b; /* their cases' refs */
};

/* Pairs with decision (NULL or "" = any), by id, at most max (0 = all), allocated in a. */
HV_MUST_CHECK enum hv_err hv_identity_pairs(struct hv_ctx *ctx, struct hv_arena *a,
                                            const char *decision, size_t max,
                                            struct hv_identity_pair **out, size_t *n);
/* One pair; HV_ERR_NOTFOUND when there is none. */
HV_MUST_CHECK enum hv_err hv_identity_pair_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t id,
                                               struct hv_identity_pair *out);
/* The identity of person_id: the cluster id, or person_id itself when not merged. */
HV_MUST_CHECK enum hv_err hv_identity_cluster_of(struct hv_ctx *ctx, int64_t person_id,
                                                 int64_t *cluster_id);
/* Likely duplicates of one new registration (a record being typed, not stored): its blocking
 * keys are looked up through their blind indexes (identity_block, as of the last
 * hv_identity_run: people registered since are found only through a shared document number),
 * people holding one of its document numbers through the registry's document index, and each
 * person found (at most HV_ID_CANDIDATES_PER_KEY per key) is unsealed and scored against the
 * record with the m, u and lambda of the last run (without term-frequency adjustment). Returns
 * those at or above min_prob, best first, at most max, allocated in a, each with its
 * comparison (hv_id_explain_json explains it). names may be NULL (the compiled-in tables are
 * loaded). One audit entry "identity.candidates" (counts only). Errors: HV_ERR_FORBIDDEN
 * without a vault, HV_ERR_NOTFOUND when no run has built the index yet, store errors. */
#define HV_ID_CANDIDATES_PER_KEY 500
struct hv_identity_candidate {
    int64_t person_id;
    const char *ref, *case_ref;
    double prob, weight;
    struct hv_id_comparison cmp;
};
HV_MUST_CHECK enum hv_err hv_identity_candidates(struct hv_ctx *ctx, struct hv_arena *a,
                                                 const struct hv_names *names,
                                                 const struct hv_id_record *probe, double min_prob,
                                                 size_t max, struct hv_identity_candidate **out,
                                                 size_t *n_out, struct hv_diag *diag);
/* Writes the explanation JSON of comparison c (labels, levels and weights, no values). */
void hv_id_explain_json(const struct hv_id_comparison *c, struct hv_jw *w);

#endif
