/* audit_int.h - private to the audit module (and its tests): the canonical encoding that an
 * entry's hash covers, shared by append and verify so that both hash exactly the same bytes.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_AUDIT_INT_H
#define HV_AUDIT_INT_H

#include "haven/audit.h"
#include "haven/str.h"

/* Domain-separation label, hashed first; bump it if the encoding ever changes. */
#define HV__AUDIT_HASH_LABEL "haven.audit.v1"

/* The hashed fields of one entry, as views (borrowed). change_hash and prev_hash are normally
 * 32 bytes; verify passes whatever is stored, so that a blob of another length cannot collide
 * with a well-formed one. */
struct hv__audit_fields {
    int64_t seq;
    int64_t at;
    struct hv_str actor;
    struct hv_str action;
    struct hv_str entity;
    int64_t entity_id;
    struct hv_str detail;
    struct hv_str change_hash;
    struct hv_str prev_hash;
};

/* BLAKE2b-256 (unkeyed) over: the label, then seq, at, actor, action, entity, entity_id,
 * detail, change_hash, prev_hash, each written as an 8-byte big-endian length followed by its
 * bytes (integers as 8-byte big-endian two's complement). Documented in docs/internals/AUDIT.md
 * so that an outside tool can re-implement it. */
void hv__audit_hash(const struct hv__audit_fields *f, uint8_t out[32]);

#endif
