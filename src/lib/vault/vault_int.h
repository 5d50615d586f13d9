/* vault_int.h - private to src/lib/vault: the vault object, the key-wrapping format and the
 * master-key helpers shared by keys.c, seal.c and sealed_file.c.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_VAULT_INT_H
#define HV_VAULT_INT_H

#include <stdatomic.h>

#include "haven/vault.h"

#define HV__VAULT_KEY_LEN  32 /* every key in the hierarchy: master, data, index, file */
#define HV__VAULT_SALT_LEN 16 /* crypto_pwhash_SALTBYTES */

/* Wrapped key: nonce (24) || secretbox MAC (16) || inner (38), where inner is
 * format byte (1) || purpose byte || key id (4, little endian) || key (32). The purpose and
 * id inside the box bind the wrapped key to its row: a wrapped key copied into another row
 * of vault_key does not unwrap. */
#define HV__VAULT_WRAP_FORMAT 1
#define HV__VAULT_WRAP_INNER  (1 + 1 + 4 + HV__VAULT_KEY_LEN)
#define HV__VAULT_WRAPPED_LEN (24 + 16 + HV__VAULT_WRAP_INNER)

/* Purpose bytes inside a wrapped key. */
#define HV__VAULT_PURPOSE_DATA  'd'
#define HV__VAULT_PURPOSE_INDEX 'i'
#define HV__VAULT_PURPOSE_FILE  'f'

/* Format byte of a sealed field value. */
#define HV__VAULT_SEAL_VERSION 1

/* Argon2id limits for new passphrases (see VAULT.md); HV_TEST_FAST_KDF=1 selects the
 * library minimums and exists only to keep the test suite fast. */
#define HV__VAULT_ENV_FAST_KDF "HV_TEST_FAST_KDF"
/* Limits accepted from a database or a sealed-file header: they are attacker-controlled
 * there, so they are bounded to keep a forged header from demanding hours or gigabytes. */
#define HV__VAULT_KDF_OPS_MAX 16u
#define HV__VAULT_KDF_MEM_MAX (1024u * 1024u * 1024u)

enum hv__vault_kind {
    HV__VAULT_KIND_KEYFILE = 1,
    HV__VAULT_KIND_PASSPHRASE = 2,
};

/* How a master key is obtained: the kind and, for a passphrase, the Argon2id parameters. */
struct hv__vault_kdf {
    enum hv__vault_kind kind;
    uint8_t salt[HV__VAULT_SALT_LEN]; /* passphrase only */
    uint64_t opslimit;                /* passphrase only */
    uint64_t memlimit;                /* passphrase only, bytes */
};

/* An open vault. All key material lives in one sodium_malloc'ed region (guard pages,
 * mlock'ed where allowed, read-only between changes, wiped by sodium_free):
 *   secure[0..32)   the master key
 *   secure[32..64)  the index key (blind indexes and MACs)
 *   secure[64 + 32*i ..) data key i, whose id is data_ids[i]
 * Sealing only reads the vault; rewrap, rotate and retire replace or rewrite the region and
 * must not run concurrently with other users of the same vault. */
struct hv_vault {
    uint8_t *secure;
    size_t n_data;      /* data keys held (current and older ones) */
    size_t cap_data;    /* data keys the secure region has room for */
    uint32_t *data_ids; /* heap, n_data entries, ascending */
    size_t current;     /* index into data_ids of the key new seals use */
    uint32_t index_key_id;
    struct hv__vault_kdf kdf; /* how the master key was obtained (for sealed-file headers) */
    /* Field nonces are a random 16-byte prefix drawn when the vault is opened followed by a
     * 64-bit counter: unique per seal without a getrandom(2) call each time (that system
     * call was a tenth of the import's time). Heap, so const seals can advance it. */
    uint8_t nonce_prefix[16];
    _Atomic uint64_t *nonce_counter;
};

static inline const uint8_t *hv__vault_master(const struct hv_vault *v)
{
    return v->secure;
}

static inline const uint8_t *hv__vault_index_key(const struct hv_vault *v)
{
    return v->secure + HV__VAULT_KEY_LEN;
}

static inline const uint8_t *hv__vault_data_key(const struct hv_vault *v, size_t i)
{
    return v->secure + (2 + i) * HV__VAULT_KEY_LEN;
}

/* Calls sodium_init() once per process (pthread_once). HV_ERR_INTERNAL if it fails. */
HV_MUST_CHECK enum hv_err hv__vault_sodium_init(struct hv_diag *diag);

/* sodium_malloc that aborts on exhaustion (the project's OOM policy). */
void *hv__vault_secure_alloc(size_t n);

/* Wraps key under master into out. */
void hv__vault_wrap(const uint8_t master[HV__VAULT_KEY_LEN], uint8_t purpose, uint32_t id,
                    const uint8_t key[HV__VAULT_KEY_LEN], uint8_t out[HV__VAULT_WRAPPED_LEN]);
/* Unwraps into key (secure memory); false when the box does not open under master or was
 * made for another purpose or id. */
HV_MUST_CHECK bool hv__vault_unwrap(const uint8_t master[HV__VAULT_KEY_LEN], uint8_t purpose,
                                    uint32_t id, const uint8_t *wrapped, size_t n,
                                    uint8_t key[HV__VAULT_KEY_LEN]);

/* Validates a key source: exactly one of key_file and a non-empty passphrase. */
HV_MUST_CHECK enum hv_err hv__vault_check_source(const struct hv_vault_key_source *src,
                                                 struct hv_diag *diag);
/* Reads a key file into key (secure memory): HV_ERR_IO when it cannot be read,
 * HV_ERR_INVALID when it is not exactly 32 bytes or others may read it. */
HV_MUST_CHECK enum hv_err hv__vault_keyfile_read(const char *path, uint8_t key[HV__VAULT_KEY_LEN],
                                                 struct hv_diag *diag);
/* Derives the master key for src with the parameters in kdf (whose kind must match src:
 * what is a mismatch reports HV_ERR_CRYPTO with what_opens, e.g. "this database"). */
HV_MUST_CHECK enum hv_err hv__vault_master_derive(const struct hv_vault_key_source *src,
                                                  const struct hv__vault_kdf *kdf,
                                                  const char *what_opens,
                                                  uint8_t master[HV__VAULT_KEY_LEN],
                                                  struct hv_diag *diag);
/* True when opslimit and memlimit are within the bounds accepted from stored headers. */
bool hv__vault_kdf_limits_ok(uint64_t opslimit, uint64_t memlimit);

/* Little-endian helpers for the on-disk formats. */
static inline void hv__vault_put_u32(uint8_t *b, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        b[i] = (uint8_t)(v >> (8 * i));
    }
}

static inline uint32_t hv__vault_get_u32(const uint8_t *b)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) {
        v = (v << 8) | b[i];
    }
    return v;
}

static inline void hv__vault_put_u64(uint8_t *b, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(v >> (8 * i));
    }
}

static inline uint64_t hv__vault_get_u64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | b[i];
    }
    return v;
}

#endif
