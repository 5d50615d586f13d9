/* registry_int.h - internals shared by the registry files: the record writer used by import
 * and edit, the statement builders, and record loading.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_REGISTRY_INT_H
#define HV_REGISTRY_INT_H

#include "haven/arena.h"
#include "haven/buf.h"
#include "haven/registry.h"
#include "haven/store.h"
#include "haven/vault.h"
#include "registry/name_index.h"
#include "registry/ref_map.h"

enum hv__reg_outcome { HV__REG_CREATED, HV__REG_UPDATED, HV__REG_UNCHANGED };

/* State of one writing transaction: ids handed out, the audit entry the rows will carry, and
 * a running hash of every change (it becomes the audit entry's change hash). */
struct hv__reg_writer {
    struct hv_ctx *ctx;
    int64_t next_id[HV_N_KINDS];
    bool was_empty[HV_N_KINDS]; /* no row existed at the start: a new ref needs no look-up */
    int64_t audit_seq;          /* seq of the audit entry this transaction will append */
    int64_t now;
    struct hv_hash change;
    struct hv__ref_map refs; /* every ref written in this transaction -> id */
    /* Refs that existed before the transaction, loaded in one scan the first time a child
     * record needs a parent of that kind that this transaction did not write. */
    struct hv__ref_map known;
    bool known_loaded[HV_N_KINDS];
    /* Bulk mode: name-index entries are collected and inserted sorted by finish, which is
     * several times faster than inserting each at a random place in the index. */
    bool defer_names;
    struct hv__name_pair *names;
    size_t n_names, cap_names;
    struct hv_buf scratch; /* reused for each record's MAC input */
};

/* Must be called inside the transaction. */
HV_MUST_CHECK enum hv_err hv__reg_writer_init(struct hv__reg_writer *w, struct hv_ctx *ctx);
/* Writes what was deferred (the name index); call before the audit entry and commit. Frees. */
HV_MUST_CHECK enum hv_err hv__reg_writer_finish(struct hv__reg_writer *w);
/* Frees without writing (the transaction is being rolled back). NULL-safe fields. */
void hv__reg_writer_discard(struct hv__reg_writer *w);
/* Loads every (ref, id) of kind k into w->known (once). */
HV_MUST_CHECK enum hv_err hv__reg_load_known(struct hv__reg_writer *w, const struct hv_kind_def *k);
/* Finds rec's parent (by the parent-ref field) and sets rec->parent_id; HV_ERR_INVALID with
 * "unknown case_ref ..." when it does not exist. */
HV_MUST_CHECK enum hv_err hv__reg_resolve_parent(struct hv__reg_writer *w, struct hv_record *rec,
                                                 struct hv_diag *diag);
/* Creates or updates the record keyed by its ref (rec must be validated and its parent
 * resolved); sets rec->id. A ref already written in this transaction is HV_ERR_INVALID
 * ("appears twice"); file and line (may be NULL/0) say where this record came from. */
HV_MUST_CHECK enum hv_err hv__reg_upsert(struct hv__reg_writer *w, struct hv_arena *a,
                                         struct hv_record *rec, enum hv__reg_outcome *outcome,
                                         const char *file, uint64_t line, struct hv_diag *diag);

/* A statement parameter computed ahead of time (by the import pipeline's producer). */
enum hv__bind_type { HV__BIND_NULL, HV__BIND_INT, HV__BIND_TEXT, HV__BIND_BLOB };
struct hv__bind {
    enum hv__bind_type type;
    int64_t i;
    const void *p; /* TEXT and BLOB; must outlive the statement's run */
    size_t n;
};
#define HV__MAX_BINDS (HV_REC_MAX_FIELDS + 8)

/* A new record ready to insert: its parameters (sealed values included), MAC and name-index
 * entries. */
#define HV__MAX_NAME_BIS 64
struct hv__prepared {
    const struct hv_kind_def *kind;
    int64_t id;
    uint8_t mac[32];
    int64_t bis[HV__MAX_NAME_BIS];
    size_t n_bis;
    size_t n_binds;
    struct hv__bind binds[HV__MAX_BINDS];
};

/* The bulk path for new records of a kind whose table was empty when the transaction began
 * (w->was_empty), with deferred names, in three steps that may run on different threads:
 * 1. claim (in input order, one thread): checks the ref is new to this import, assigns the
 *    id, records the ref; no database access;
 * 2. seal (any thread, w read-only; scratch and a are the caller's): computes the MAC, the
 *    name-index entries and every INSERT parameter, sealing included;
 * 3. insert (in input order, on the store's thread): runs the INSERT, queues the name-index
 *    entries and adds the row to the change hash. */
HV_MUST_CHECK enum hv_err hv__reg_claim_new(struct hv__reg_writer *w, struct hv_record *rec,
                                            const char *file, uint64_t line, struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv__reg_seal_new(const struct hv__reg_writer *w, struct hv_arena *a,
                                           const struct hv_record *rec, struct hv_buf *scratch,
                                           struct hv__prepared *out);
HV_MUST_CHECK enum hv_err hv__reg_insert_prepared(struct hv__reg_writer *w,
                                                  const struct hv__prepared *p,
                                                  struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv__reg_apply_binds(struct hv_stmt *s, const struct hv__bind *binds,
                                              size_t n);

/* Rewrites a stored record as it is (re-sealing its fields under the current key). */
HV_MUST_CHECK enum hv_err hv__reg_rewrite(struct hv__reg_writer *w, struct hv_arena *a,
                                          struct hv_record *rec);

/* Statement kinds for hv__reg_stmt. */
enum hv__reg_sql {
    HV__SQL_SELECT_REF, /* id, row_mac by ref */
    HV__SQL_INSERT,
    HV__SQL_UPDATE,
    HV__SQL_LOAD_ID,     /* full row by id */
    HV__SQL_LOAD_REF,    /* full row by ref */
    HV__SQL_EACH,        /* every row, id order */
    HV__SQL_EACH_PARENT, /* rows of one parent, id order */
    HV__SQL_MAX_ID,
    HV__SQL_COUNT,
    HV__SQL_ALL_REFS, /* id, ref of every row */
    HV__SQL_N
};
HV_MUST_CHECK enum hv_err hv__reg_stmt(struct hv_store *st, const struct hv_kind_def *k,
                                       enum hv__reg_sql which, struct hv_stmt **out);
/* Reads the current row of a LOAD/EACH statement into rec, unsealing into a. */
HV_MUST_CHECK enum hv_err hv__reg_row(struct hv_ctx *ctx, struct hv_arena *a,
                                      const struct hv_kind_def *k, struct hv_stmt *s,
                                      struct hv_record *rec);
/* Next audit sequence number (the one the next append will get). */
HV_MUST_CHECK enum hv_err hv__reg_next_audit_seq(struct hv_ctx *ctx, int64_t *out);

/* Keeps letters and digits, upper-cased: "1400-0101 12345" and "14000101 12345" agree. */
size_t hv__reg_blind_key(struct hv_str v, char *out, size_t cap);

#endif
