/* screening.h - watchlist screening: loaders for the UN consolidated list (XML), the OFAC SDN
 * legacy CSV set and a custom CSV; versioned list snapshots in the database; an in-memory index
 * over the names engine with qualifiers (birth date, nationality, sex) and explained, ranked
 * candidates; screening of registered people with stored hits, holds and adjudication.
 * See docs/internals/SCREENING.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_SCREENING_H
#define HV_SCREENING_H

#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/ctx.h"
#include "haven/err.h"
#include "haven/jsonw.h"
#include "haven/names.h"
#include "haven/pdate.h"
#include "haven/str.h"

/* Limits of one list entry; a file that exceeds one is rejected with HV_ERR_INVALID. */
#define HV_WL_MAX_NAMES   64   /* names (primary, aliases, original script) per entry */
#define HV_WL_MAX_DOBS    16   /* birth dates per entry */
#define HV_WL_MAX_NATS    8    /* nationalities per entry */
#define HV_WL_MAX_FIELD   1024 /* bytes of one name, reference or list type */
#define HV_WL_MAX_ENTRIES 200000

/* The review threshold: a candidate scoring at or above it is an alert (a stored hit when
 * screening people). Tuned in bench/screening on the yente fixtures only. */
#define HV_SCREEN_REVIEW_THRESHOLD 0.80

enum hv_wl_source { HV_WL_UN, HV_WL_OFAC, HV_WL_CUSTOM };
/* "un", "ofac", "custom"; hv_wl_source_parse returns false for anything else. */
const char *hv_wl_source_name(enum hv_wl_source s);
HV_MUST_CHECK bool hv_wl_source_parse(const char *z, enum hv_wl_source *out);

enum hv_wl_name_kind {
    HV_WL_NAME_PRIMARY,   /* the listed name (UN FIRST..FOURTH_NAME, OFAC SDN_Name) */
    HV_WL_NAME_ALIAS,     /* a good-quality alias (UN "Good", OFAC aka/fka/nka) */
    HV_WL_NAME_ALIAS_LOW, /* a low-quality alias (UN "Low", OFAC "weak aka") */
    HV_WL_NAME_ORIGINAL,  /* the name in its original script (UN NAME_ORIGINAL_SCRIPT) */
};
/* "primary", "alias", "alias_low", "original"; parse returns false for anything else. */
const char *hv_wl_name_kind_str(enum hv_wl_name_kind k);
HV_MUST_CHECK bool hv_wl_name_kind_parse(struct hv_str s, enum hv_wl_name_kind *out);

struct hv_wl_name {
    const char *text; /* UTF-8 as listed, NUL-terminated */
    enum hv_wl_name_kind kind;
};

/* One listed person or entity. All pointers are owned by the list's arena. */
struct hv_wl_entry {
    const char *ref;       /* the list's own id: "TAi.012", OFAC ent_num "6635", custom id */
    const char *list_type; /* UN_LIST_TYPE ("Taliban") or OFAC program ("SDGT") */
    bool individual;       /* false: an entity, vessel or aircraft */
    char sex;              /* 'M', 'F' or 0 when not listed */
    struct hv_wl_name *names;
    size_t n_names;
    struct hv_pdate *dobs; /* birth dates at their precision (day, year or range) */
    size_t n_dobs;
    const char **nats; /* nationalities: ISO 3166 alpha-2 upper case when known, else the name
                          lower-cased */
    size_t n_nats;
    uint8_t hash[32]; /* content hash of everything above: equal hashes mean an unchanged entry */
};

/* A loaded list: a heap object owning its entries (hv_wl_list_destroy). */
struct hv_wl_list {
    char name[64]; /* "un", "ofac" or the --name given */
    enum hv_wl_source source;
    char file_hash[65];  /* BLAKE2b-256 of the source file(s), hex */
    int64_t snapshot_id; /* database snapshot it came from, 0 when loaded from a file */
    struct hv_wl_entry *entries;
    size_t n_entries, cap;
    struct hv_arena arena;
};

struct hv_wl_list *hv_wl_list_create(const char *name, enum hv_wl_source source);
void hv_wl_list_destroy(struct hv_wl_list *l); /* NULL-safe */
/* Computes e->hash from its fields (loaders call it; exposed for tests). */
void hv_wl_entry_rehash(struct hv_wl_entry *e);
/* Normalises a nationality or country as entries store it: "af", "AF", "Afghanistan" and
 * "Afghan" give "AF"; an unknown country gives its lower-cased ASCII name. Writes at most
 * out_len - 1 bytes (NUL-terminated) and returns the length. */
size_t hv_screen_country(struct hv_str in, char *out, size_t out_len);

/* Loaders. Each reads the whole input into a new list and returns it in *out only when the
 * input is complete and valid: a malformed or truncated input is HV_ERR_INVALID with diag
 * naming the file, the line and the element or column and the reason, and *out untouched.
 * HV_ERR_IO when a file cannot be read, HV_ERR_LIMIT when an entry exceeds a HV_WL_MAX_* limit. */

/* The UN Security Council consolidated list XML (streaming parse: INDIVIDUAL and ENTITY
 * records, aliases with quality, original-script names, birth dates as dates, years or ranges,
 * nationalities, reference numbers). */
HV_MUST_CHECK enum hv_err hv_wl_load_un(const char *path, struct hv_wl_list **out,
                                        struct hv_diag *diag);
/* The same from memory (name labels it in messages): for tests and the fuzz target. */
HV_MUST_CHECK enum hv_err hv_wl_load_un_mem(const char *name, const void *data, size_t len,
                                            struct hv_wl_list **out, struct hv_diag *diag);
/* The OFAC SDN legacy CSV set in dir: sdn.csv (required), alt.csv and add.csv (optional). Birth
 * dates, nationality and gender are read from the Remarks column ("DOB 1950; nationality
 * Afghanistan; Gender Male"). */
HV_MUST_CHECK enum hv_err hv_wl_load_ofac(const char *dir, struct hv_wl_list **out,
                                          struct hv_diag *diag);
/* The same from memory: sdn is required, alt and add may be NULL. */
HV_MUST_CHECK enum hv_err hv_wl_load_ofac_mem(const char *sdn, size_t sdn_len, const char *alt,
                                              size_t alt_len, const char *add, size_t add_len,
                                              struct hv_wl_list **out, struct hv_diag *diag);
/* A custom list (docs/formats.md): header id,type,name,aliases,dob,nationality,sex,program. */
HV_MUST_CHECK enum hv_err hv_wl_load_custom(const char *path, const char *list_name,
                                            struct hv_wl_list **out, struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv_wl_load_custom_mem(const char *name, const char *data, size_t len,
                                                struct hv_wl_list **out, struct hv_diag *diag);
/* Loads path with the loader of source (a directory for OFAC; a directory holding
 * consolidated.xml is also accepted for UN). list_name NULL means the source name. */
HV_MUST_CHECK enum hv_err hv_wl_load(enum hv_wl_source source, const char *path,
                                     const char *list_name, struct hv_wl_list **out,
                                     struct hv_diag *diag);

/* --- index and query ------------------------------------------------------------------- */

struct hv_screen_index;

/* Builds the index over lists (borrowed: they must outlive the index). Every name is parsed
 * once; entries whose names all fail to parse are skipped (counted in stats). names is
 * borrowed likewise. The result is immutable and can be queried from several threads, each
 * with its own scratch. */
HV_MUST_CHECK enum hv_err hv_screen_index_create(const struct hv_names *names,
                                                 struct hv_wl_list *const *lists, size_t n_lists,
                                                 struct hv_screen_index **out);
void hv_screen_index_destroy(struct hv_screen_index *ix); /* NULL-safe */

struct hv_screen_index_stats {
    size_t n_entries, n_names, n_keys, n_postings;
    size_t bytes; /* heap held by the index */
};
void hv_screen_index_stats(const struct hv_screen_index *ix, struct hv_screen_index_stats *out);

/* An ad-hoc query: a name with optional qualifiers. */
struct hv_screen_query {
    struct hv_str name;
    struct hv_pdate dob;  /* precision HV_PDATE_NONE when unknown */
    char nationality[48]; /* as hv_screen_country gives it; "" when unknown */
    char sex;             /* 'M', 'F' or 0 */
    bool entities;        /* the name may be an organisation's: entity, vessel and aircraft
                             entries are not marked down (people are screened with false) */
};
/* Fills q from text fields (dob as hv_pdate_parse or a year; sex "m"/"male"/"f"/"female",
 * anything else unknown; nationality through hv_screen_country). name is borrowed. Returns false
 * with *why set when dob cannot be parsed. */
HV_MUST_CHECK bool hv_screen_query_init(struct hv_screen_query *q, struct hv_str name,
                                        struct hv_str dob, struct hv_str nationality,
                                        struct hv_str sex, const char **why);

enum hv_screen_effect {
    HV_SCREEN_EFFECT_NONE,     /* one side does not have it */
    HV_SCREEN_EFFECT_MATCH,    /* agrees at the precision both sides have */
    HV_SCREEN_EFFECT_CLOSE,    /* birth years one apart, or the query's day inside a range */
    HV_SCREEN_EFFECT_MISMATCH, /* disagrees */
};
const char *hv_screen_effect_str(enum hv_screen_effect e);

/* One ranked candidate. */
struct hv_screen_cand {
    const struct hv_wl_list *list;
    const struct hv_wl_entry *entry;
    size_t name_index;     /* the entry's name that scored best */
    const char *name_text; /* the form of it compared: the name as listed, or a cleaned form
                              (parenthesised part, patronymic tail dropped); owned by the index */
    char query_form[HV_NAMES_MAX_INPUT]; /* the cleaned query form that matched, "" for the
                                            query as given */
    double name_score;                   /* hv_names_compare score of that name */
    double score;                        /* name_score with the qualifiers applied, in [0, 1] */
    enum hv_screen_effect dob, nationality, sex;
    enum hv_screen_effect kind; /* MISMATCH: a person's name against an entity entry */
    double dob_adj, nat_adj, sex_adj, kind_adj; /* each qualifier's effect on the score */
    size_t dob_index;                           /* the entry's birth date that decided dob */
};

/* Per-thread scratch for queries (heap; hv_screen_scratch_destroy). */
struct hv_screen_scratch;
struct hv_screen_scratch *hv_screen_scratch_create(const struct hv_screen_index *ix);
void hv_screen_scratch_destroy(struct hv_screen_scratch *s);

/* Ranks the entries for q: candidates from the skeleton keys of the query's parts, then the
 * names engine and the qualifiers on the best of them. Writes at most max_out candidates, best
 * first, with score >= min_score, into out and their number into *n_out. Errors: those of
 * hv_names_parse (HV_ERR_LIMIT for an over-long name). */
HV_MUST_CHECK enum hv_err hv_screen_query_run(const struct hv_screen_index *ix,
                                              struct hv_screen_scratch *s,
                                              const struct hv_screen_query *q, double min_score,
                                              struct hv_screen_cand *out, size_t max_out,
                                              size_t *n_out);

/* Applies the qualifiers of q to a candidate whose name fields are set: fills the effects,
 * adjustments and score (exposed for the qualifier unit tests). */
void hv_screen_qualify(const struct hv_screen_query *q, const struct hv_wl_entry *e,
                       struct hv_screen_cand *c);

/* Writes the explanation of c for q as a JSON object: list, entry ref, name matched, score,
 * the names engine's alignment (hv_names_explain_json) and each qualifier with its effect. */
HV_MUST_CHECK enum hv_err hv_screen_explain_json(const struct hv_screen_index *ix,
                                                 const struct hv_screen_query *q,
                                                 const struct hv_screen_cand *c, struct hv_jw *w);

/* --- snapshots in the database ----------------------------------------------------------- */

/* Stores list as a new snapshot of list->name (entries and names), marks it the current one
 * for that name, records loaded_at and an audit entry ("lists.load"), in one transaction.
 * Sets list->snapshot_id. */
HV_MUST_CHECK enum hv_err hv_wl_snapshot_store(struct hv_ctx *ctx, struct hv_wl_list *list,
                                               int64_t *snapshot_id, struct hv_diag *diag);
/* Loads snapshot id into a new list (HV_ERR_NOTFOUND when there is none). */
HV_MUST_CHECK enum hv_err hv_wl_snapshot_load(struct hv_ctx *ctx, int64_t snapshot_id,
                                              struct hv_wl_list **out, struct hv_diag *diag);
/* Loads the current snapshot of every list name: *lists is a heap array of *n lists. */
HV_MUST_CHECK enum hv_err hv_wl_current(struct hv_ctx *ctx, struct hv_wl_list ***lists, size_t *n,
                                        struct hv_diag *diag);
void hv_wl_lists_free(struct hv_wl_list **lists, size_t n);

struct hv_wl_snapshot_info {
    int64_t id;
    char name[64];
    char source[16];
    char file_hash[65];
    int64_t loaded_at;
    int64_t n_entries;
    bool current;
};
typedef enum hv_err hv_wl_snapshot_fn(void *ud, const struct hv_wl_snapshot_info *s);
HV_MUST_CHECK enum hv_err hv_wl_snapshot_each(struct hv_ctx *ctx, hv_wl_snapshot_fn *fn, void *ud);

enum hv_wl_change { HV_WL_ADDED, HV_WL_REMOVED, HV_WL_CHANGED };
const char *hv_wl_change_str(enum hv_wl_change c);
typedef enum hv_err hv_wl_diff_fn(void *ud, enum hv_wl_change change, const struct hv_wl_entry *e);
/* Compares two lists by entry ref: calls fn for every entry added in b, removed from a, or
 * present in both with a different content hash (the entry from b); in ref order. */
HV_MUST_CHECK enum hv_err hv_wl_diff(const struct hv_wl_list *a, const struct hv_wl_list *b,
                                     hv_wl_diff_fn *fn, void *ud);

/* --- screening people -------------------------------------------------------------------- */

struct hv_screen_run_stats {
    int64_t people;     /* people screened */
    int64_t hits;       /* new hits stored */
    int64_t suppressed; /* alerts suppressed by a remembered false-positive decision */
    int64_t holds;      /* holds opened */
};

/* Screens one person (by ref) against the current snapshots: every candidate at or above
 * HV_SCREEN_REVIEW_THRESHOLD that is not already an open hit and not remembered as a false
 * positive for the same entry content is stored as a hit (person, entry, snapshot, score,
 * explanation JSON) and a screening hold is opened on the person's case; one transaction with
 * its audit entries. Needs ctx->vault (names are sealed). ix may be NULL: the index is then
 * built from the current snapshots. */
HV_MUST_CHECK enum hv_err hv_screen_person(struct hv_ctx *ctx, const struct hv_names *names,
                                           const struct hv_screen_index *ix, struct hv_str ref,
                                           struct hv_screen_run_stats *stats, struct hv_diag *diag);
/* Screens every person of the registry. With only_changed, only against the entries that are
 * new or changed in each list's current snapshot compared with its previous one (after a list
 * update). */
HV_MUST_CHECK enum hv_err hv_screen_all(struct hv_ctx *ctx, const struct hv_names *names,
                                        bool only_changed, struct hv_screen_run_stats *stats,
                                        struct hv_diag *diag);

enum hv_hit_status { HV_HIT_OPEN, HV_HIT_TRUE_MATCH, HV_HIT_FALSE_POSITIVE };
const char *hv_hit_status_str(enum hv_hit_status s);

struct hv_screen_hit {
    int64_t id;
    int64_t person_id, case_id, snapshot_id, hold_id;
    char person_ref[68], case_ref[68];
    char list_name[64];
    char entry_ref[96];
    double score;
    enum hv_hit_status status;
    char reason[256];
    char decided_by[64];
    int64_t created_at, decided_at;
    const char *explanation; /* JSON text, arena-owned by the caller's arena */
};
typedef enum hv_err hv_screen_hit_fn(void *ud, const struct hv_screen_hit *h);
/* Calls fn for every hit (status_filter < 0: all; else only that status), newest first. */
HV_MUST_CHECK enum hv_err hv_screen_hits_each(struct hv_ctx *ctx, int status_filter,
                                              hv_screen_hit_fn *fn, void *ud);
/* One hit with its explanation in a. HV_ERR_NOTFOUND when there is none. */
HV_MUST_CHECK enum hv_err hv_screen_hit_get(struct hv_ctx *ctx, struct hv_arena *a, int64_t id,
                                            struct hv_screen_hit *out);
/* Decides an open hit (true match or false positive) with a reason (1..255 bytes of text,
 * stored; keep names out of it), audited as "screening.decide". A false positive is remembered
 * for (person, list, entry ref, entry hash) so it does not alert again unless the entry
 * changes, and releases the hit's hold when no other hit of the case is open. HV_ERR_CONFLICT
 * when the hit is already decided, HV_ERR_INVALID for a bad decision or reason. */
HV_MUST_CHECK enum hv_err hv_screen_hit_decide(struct hv_ctx *ctx, int64_t id,
                                               enum hv_hit_status decision, struct hv_str reason,
                                               struct hv_diag *diag);
/* Whether the case has an open screening hit or a hit decided as a true match. */
HV_MUST_CHECK enum hv_err hv_screen_case_blocked(struct hv_ctx *ctx, int64_t case_id,
                                                 bool *blocked);

#endif
