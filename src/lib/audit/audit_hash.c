/* audit_hash.c - the canonical, length-prefixed encoding of an audit entry and its
 * BLAKE2b-256 hash; the one place that defines what the chain covers.
 * SPDX-License-Identifier: Apache-2.0 */
#include "audit/audit_int.h"

#include "haven/vault.h"

static void put_u64_be(uint8_t b[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)(v & 0xffu);
        v >>= 8;
    }
}

/* One field: its length as 8 bytes big-endian, then its bytes. */
static void put_bytes(struct hv_hash *h, const void *p, size_t n)
{
    uint8_t len[8];
    put_u64_be(len, (uint64_t)n);
    hv_hash_update(h, len, sizeof(len));
    if (n > 0) {
        hv_hash_update(h, p, n);
    }
}

static void put_str(struct hv_hash *h, struct hv_str s)
{
    put_bytes(h, s.ptr, s.len);
}

static void put_int(struct hv_hash *h, int64_t v)
{
    uint8_t b[8];
    put_u64_be(b, (uint64_t)v); /* two's complement, well defined for the conversion */
    put_bytes(h, b, sizeof(b));
}

void hv__audit_hash(const struct hv__audit_fields *f, uint8_t out[32])
{
    struct hv_hash h;
    hv_hash_init(&h);
    put_str(&h, HV_STR(HV__AUDIT_HASH_LABEL));
    put_int(&h, f->seq);
    put_int(&h, f->at);
    put_str(&h, f->actor);
    put_str(&h, f->action);
    put_str(&h, f->entity);
    put_int(&h, f->entity_id);
    put_str(&h, f->detail);
    put_str(&h, f->change_hash);
    put_str(&h, f->prev_hash);
    hv_hash_final(&h, out);
}
