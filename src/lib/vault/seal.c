/* seal.c - field sealing (XChaCha20-Poly1305 bound to table, column and row), blind indexes
 * and MACs under the index key, and the unkeyed BLAKE2b-256 hash used by the audit chain.
 * SPDX-License-Identifier: Apache-2.0 */
#include "vault/vault_int.h"

#include <sodium.h>
#include <stdalign.h>
#include <string.h>

#include "haven/arena.h"

/* Sealed value: version (1) || key id (4, LE) || nonce (24) || ciphertext || tag (16). */
#define SEAL_NONCE_AT 5
#define SEAL_CT_AT    (SEAL_NONCE_AT + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)

_Static_assert(HV_SEAL_OVERHEAD == SEAL_CT_AT + crypto_aead_xchacha20poly1305_ietf_ABYTES,
               "HV_SEAL_OVERHEAD matches the sealed layout");
_Static_assert(sizeof(crypto_generichash_state) <= sizeof(((struct hv_hash *)0)->state),
               "struct hv_hash holds a crypto_generichash_state");
_Static_assert(alignof(crypto_generichash_state) <= 64, "struct hv_hash is aligned enough");

/* Associated data: table NUL column NUL row id (8, LE) version key id (4, LE). Table and
 * column names are identifiers from the code, never input, so a fixed bound is plenty. */
#define AD_MAX 256

/* Domain labels keep blind indexes, MACs and any future use of the index key apart. */
#define BLIND_LABEL "haven.vault.blind.v1"
#define MAC_LABEL   "haven.vault.mac.v1"

static bool build_ad(const struct hv_seal_ad *ad, uint8_t version, uint32_t key_id,
                     uint8_t buf[AD_MAX], size_t *len)
{
    if (ad == NULL || ad->table == NULL || ad->column == NULL) {
        return false;
    }
    size_t tl = strlen(ad->table), cl = strlen(ad->column);
    if (tl > AD_MAX / 2 || cl > AD_MAX / 2 || tl + cl + 2 + 8 + 1 + 4 > AD_MAX) {
        return false;
    }
    size_t n = 0;
    memcpy(buf + n, ad->table, tl + 1); /* with its NUL */
    n += tl + 1;
    memcpy(buf + n, ad->column, cl + 1);
    n += cl + 1;
    hv__vault_put_u64(buf + n, (uint64_t)ad->row_id);
    n += 8;
    buf[n++] = version;
    hv__vault_put_u32(buf + n, key_id);
    n += 4;
    *len = n;
    return true;
}

/* Position of key id in v's data keys, or false when v does not hold it. */
static bool find_data_key(const struct hv_vault *v, uint32_t id, size_t *idx)
{
    for (size_t i = 0; i < v->n_data; i++) {
        if (v->data_ids[i] == id) {
            *idx = i;
            return true;
        }
    }
    return false;
}

enum hv_err hv_vault_seal(const struct hv_vault *v, const struct hv_seal_ad *ad, const void *plain,
                          size_t n, uint8_t *out)
{
    if (n > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
        n > SIZE_MAX - HV_SEAL_OVERHEAD) {
        return HV_ERR_LIMIT;
    }
    uint32_t key_id = v->data_ids[v->current];
    uint8_t adb[AD_MAX];
    size_t ad_len = 0;
    if (!build_ad(ad, HV__VAULT_SEAL_VERSION, key_id, adb, &ad_len)) {
        return HV_ERR_INVALID;
    }
    out[0] = HV__VAULT_SEAL_VERSION;
    hv__vault_put_u32(out + 1, key_id);
    uint64_t counter = atomic_fetch_add(v->nonce_counter, 1);
    memcpy(out + SEAL_NONCE_AT, v->nonce_prefix, sizeof(v->nonce_prefix));
    for (int i = 0; i < 8; i++)
        out[SEAL_NONCE_AT + 16 + i] = (uint8_t)(counter >> (8 * i));
    unsigned long long clen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_encrypt(out + SEAL_CT_AT, &clen, plain, n, adb, ad_len,
                                                   NULL, out + SEAL_NONCE_AT,
                                                   hv__vault_data_key(v, v->current)) != 0) {
        return HV_ERR_INTERNAL;
    }
    return HV_OK;
}

enum hv_err hv_vault_unseal(const struct hv_vault *v, const struct hv_seal_ad *ad,
                            const uint8_t *sealed, size_t n, uint8_t *out)
{
    if (n < HV_SEAL_OVERHEAD || sealed[0] != HV__VAULT_SEAL_VERSION) {
        return HV_ERR_CRYPTO;
    }
    uint32_t key_id = hv__vault_get_u32(sealed + 1);
    size_t idx = 0;
    if (!find_data_key(v, key_id, &idx)) {
        return HV_ERR_CRYPTO;
    }
    uint8_t adb[AD_MAX];
    size_t ad_len = 0;
    if (!build_ad(ad, sealed[0], key_id, adb, &ad_len)) {
        return HV_ERR_INVALID;
    }
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            out, &mlen, NULL, sealed + SEAL_CT_AT, n - SEAL_CT_AT, adb, ad_len,
            sealed + SEAL_NONCE_AT, hv__vault_data_key(v, idx)) != 0) {
        return HV_ERR_CRYPTO;
    }
    return HV_OK;
}

enum hv_err hv_vault_seal_str(const struct hv_vault *v, struct hv_arena *a,
                              const struct hv_seal_ad *ad, struct hv_str plain,
                              struct hv_str *sealed)
{
    if (plain.len == 0) {
        *sealed = HV_STR_NULL;
        return HV_OK;
    }
    if (plain.len > SIZE_MAX - HV_SEAL_OVERHEAD) {
        return HV_ERR_LIMIT;
    }
    uint8_t *buf = hv_arena_alloc(a, plain.len + HV_SEAL_OVERHEAD);
    if (buf == NULL) {
        return HV_ERR_LIMIT;
    }
    enum hv_err err = hv_vault_seal(v, ad, plain.ptr, plain.len, buf);
    if (err != HV_OK) {
        return err;
    }
    *sealed = (struct hv_str){ (const char *)buf, plain.len + HV_SEAL_OVERHEAD };
    return HV_OK;
}

enum hv_err hv_vault_unseal_str(const struct hv_vault *v, struct hv_arena *a,
                                const struct hv_seal_ad *ad, struct hv_str sealed,
                                struct hv_str *plain)
{
    if (sealed.len == 0) {
        *plain = HV_STR("");
        return HV_OK;
    }
    if (sealed.len < HV_SEAL_OVERHEAD) {
        return HV_ERR_CRYPTO;
    }
    size_t n = sealed.len - HV_SEAL_OVERHEAD;
    char *buf = hv_arena_alloc(a, n + 1);
    if (buf == NULL) {
        return HV_ERR_LIMIT;
    }
    enum hv_err err =
        hv_vault_unseal(v, ad, (const uint8_t *)sealed.ptr, sealed.len, (uint8_t *)buf);
    if (err != HV_OK) {
        return err;
    }
    buf[n] = '\0'; /* for callers that need a C string; the length is the truth */
    *plain = (struct hv_str){ buf, n };
    return HV_OK;
}

uint32_t hv_vault_sealed_key_id(struct hv_str sealed)
{
    if (sealed.len < HV_SEAL_OVERHEAD || (uint8_t)sealed.ptr[0] != HV__VAULT_SEAL_VERSION) {
        return 0;
    }
    return hv__vault_get_u32((const uint8_t *)sealed.ptr + 1);
}

int64_t hv_vault_blind(const struct hv_vault *v, const char *domain, const void *p, size_t n)
{
    /* label NUL domain NUL value: neither label nor domain contains a NUL, so no two
     * (domain, value) pairs share an encoding. */
    crypto_generichash_state st;
    uint8_t out[8];
    const char *d = domain != NULL ? domain : "";
    crypto_generichash_init(&st, hv__vault_index_key(v), HV__VAULT_KEY_LEN, sizeof(out));
    crypto_generichash_update(&st, (const uint8_t *)BLIND_LABEL, sizeof(BLIND_LABEL));
    crypto_generichash_update(&st, (const uint8_t *)d, strlen(d) + 1);
    crypto_generichash_update(&st, p, n);
    crypto_generichash_final(&st, out, sizeof(out));
    sodium_memzero(&st, sizeof(st));
    uint64_t u = hv__vault_get_u64(out);
    int64_t r;
    memcpy(&r, &u, sizeof(r)); /* two's-complement reinterpretation, no overflow */
    return r;
}

void hv_vault_mac(const struct hv_vault *v, const void *p, size_t n, uint8_t out[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, hv__vault_index_key(v), HV__VAULT_KEY_LEN, 32);
    crypto_generichash_update(&st, (const uint8_t *)MAC_LABEL, sizeof(MAC_LABEL));
    crypto_generichash_update(&st, p, n);
    crypto_generichash_final(&st, out, 32);
    sodium_memzero(&st, sizeof(st));
}

void hv_hash_init(struct hv_hash *h)
{
    /* sodium_init only selects faster BLAKE2b code; hashing is correct without it. */
    if (hv__vault_sodium_init(NULL) != HV_OK) {
        /* The portable implementation is used. */
    }
    crypto_generichash_init((crypto_generichash_state *)(void *)h->state, NULL, 0, 32);
}

void hv_hash_update(struct hv_hash *h, const void *p, size_t n)
{
    crypto_generichash_update((crypto_generichash_state *)(void *)h->state, p, n);
}

void hv_hash_final(struct hv_hash *h, uint8_t out[32])
{
    crypto_generichash_final((crypto_generichash_state *)(void *)h->state, out, 32);
}

void hv_hash(const void *p, size_t n, uint8_t out[32])
{
    struct hv_hash h;
    hv_hash_init(&h);
    hv_hash_update(&h, p, n);
    hv_hash_final(&h, out);
}
