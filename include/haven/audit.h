/* audit.h - the append-only, hash-chained audit log of every write (and, with the server,
 * every read of personal data). Each entry's hash covers its fields and the previous hash,
 * so an edit or deletion anywhere breaks the chain at that entry. See docs/internals/AUDIT.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_AUDIT_H
#define HV_AUDIT_H

#include "haven/ctx.h"
#include "haven/err.h"

struct hv_audit_entry {
    int64_t seq; /* 1, 2, 3 ... without gaps */
    int64_t at;  /* seconds since the epoch, UTC */
    char actor[64];
    char action[48];         /* e.g. "case.edit", "import", "key.rotate" */
    char entity[32];         /* e.g. "case", "person", "import" */
    int64_t entity_id;       /* 0 when not applicable */
    char detail[160];        /* ids and counts only, never personal data */
    uint8_t change_hash[32]; /* hash of the change's content (zeros when none) */
    uint8_t prev_hash[32];
    uint8_t hash[32];
};

/* Appends an entry inside the caller's open transaction, so the write and its entry commit
 * or roll back together (HV_ERR_INTERNAL outside a transaction). change may be NULL.
 * *seq (may be NULL) receives the new entry's sequence number. */
HV_MUST_CHECK enum hv_err hv_audit_append(struct hv_ctx *ctx, const char *action,
                                          const char *entity, int64_t entity_id, const char *detail,
                                          const uint8_t change_hash[32], int64_t *seq);

struct hv_audit_report {
    int64_t n_entries; /* entries checked */
    bool ok;
    int64_t bad_seq;  /* first entry that does not verify (0 when ok) */
    char reason[160]; /* why it does not verify */
};

/* Walks the whole chain from the first entry, recomputing every hash; reports the first
 * broken link (an edited entry, a deleted entry, a reordered or truncated tail).
 * Returns HV_OK when the walk completed, whatever it found. */
HV_MUST_CHECK enum hv_err hv_audit_verify(struct hv_ctx *ctx, struct hv_audit_report *rep);

typedef enum hv_err hv_audit_entry_fn(void *ud, const struct hv_audit_entry *e);
/* Calls fn for entries with seq > after_seq, oldest first, at most limit (0 = all). */
HV_MUST_CHECK enum hv_err hv_audit_list(struct hv_ctx *ctx, int64_t after_seq, int64_t limit,
                                        hv_audit_entry_fn *fn, void *ud);

#endif
