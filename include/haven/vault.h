/* vault.h - keys and field sealing. Personal fields are sealed with XChaCha20-Poly1305, the
 * table, column and row id bound as associated data; the data keys are wrapped by a master
 * key that comes from a key file or an Argon2id-derived passphrase. Blind indexes (keyed
 * BLAKE2b, truncated to 64 bits) allow equality look-ups without decrypting.
 * The only module (with access) that includes sodium.h. See docs/internals/VAULT.md.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_VAULT_H
#define HV_VAULT_H

#include "haven/err.h"
#include <stdio.h>
#include "haven/str.h"

struct hv_store;
struct hv_arena;
struct hv_vault;

/* Where the master key comes from: exactly one of key_file and passphrase is set. */
struct hv_vault_key_source {
    const char *key_file;   /* path of a 32-byte key file made by hv_vault_keyfile_create */
    const char *passphrase; /* NUL-terminated; stretched with Argon2id (moderate limits) */
};

/* Bytes added by sealing: 1 version byte, 4-byte key id, 24-byte nonce, 16-byte tag. */
#define HV_SEAL_OVERHEAD 45

/* Associated data that binds a sealed value to its place. */
struct hv_seal_ad {
    const char *table;  /* e.g. "person" */
    const char *column; /* e.g. "given_name" */
    int64_t row_id;
};

/* Writes a new random 32-byte master key to path with mode 0600. Refuses (HV_ERR_CONFLICT)
 * to overwrite an existing file. */
HV_MUST_CHECK enum hv_err hv_vault_keyfile_create(const char *path, struct hv_diag *diag);

/* First-time set-up of a migrated database: creates the data and index keys and stores them
 * wrapped by the master key from src. HV_ERR_CONFLICT when the database already has keys. */
HV_MUST_CHECK enum hv_err hv_vault_setup(struct hv_store *st, const struct hv_vault_key_source *src,
                                         struct hv_diag *diag);

/* Opens the vault of a database: unwraps its keys with the master key from src. A wrong key
 * is HV_ERR_CRYPTO ("the key does not open this database"), a database without keys
 * HV_ERR_NOTFOUND, a shredded one HV_ERR_CRYPTO with a message saying it was shredded. */
HV_MUST_CHECK enum hv_err hv_vault_open(struct hv_store *st, const struct hv_vault_key_source *src,
                                        struct hv_vault **out, struct hv_diag *diag);
/* Wipes key material and frees; NULL-safe. */
void hv_vault_destroy(struct hv_vault *v);

/* Seals plain (n bytes) into out, which must hold n + HV_SEAL_OVERHEAD bytes. Thread-safe:
 * a vault may be shared by sealing threads once open. */
HV_MUST_CHECK enum hv_err hv_vault_seal(const struct hv_vault *v, const struct hv_seal_ad *ad,
                                        const void *plain, size_t n, uint8_t *out);
/* Opens sealed (n bytes) into out (n - HV_SEAL_OVERHEAD bytes). HV_ERR_CRYPTO when the value
 * was tampered with, moved to another row or column, or sealed under a key this vault lacks. */
HV_MUST_CHECK enum hv_err hv_vault_unseal(const struct hv_vault *v, const struct hv_seal_ad *ad,
                                          const uint8_t *sealed, size_t n, uint8_t *out);
/* Arena conveniences: the result lives in the arena. An empty plain value seals to an empty
 * view (and an empty sealed view opens to an empty string) so that "absent" stays cheap. */
HV_MUST_CHECK enum hv_err hv_vault_seal_str(const struct hv_vault *v, struct hv_arena *a,
                                            const struct hv_seal_ad *ad, struct hv_str plain,
                                            struct hv_str *sealed);
HV_MUST_CHECK enum hv_err hv_vault_unseal_str(const struct hv_vault *v, struct hv_arena *a,
                                              const struct hv_seal_ad *ad, struct hv_str sealed,
                                              struct hv_str *plain);

/* Blind index of a normalised value under a domain label (e.g. "doc", "name"): keyed
 * BLAKE2b-64 with the index key. Equal inputs give equal results within one database. */
int64_t hv_vault_blind(const struct hv_vault *v, const char *domain, const void *p, size_t n);
/* Keyed 256-bit MAC of data with the index key (e.g. a row's content fingerprint). */
void hv_vault_mac(const struct hv_vault *v, const void *p, size_t n, uint8_t out[32]);

/* Unkeyed BLAKE2b-256 (for the audit chain, which must verify without keys). Streaming. */
struct hv_hash {
    _Alignas(64) uint8_t state[384]; /* crypto_generichash_state, kept opaque */
};
void hv_hash_init(struct hv_hash *h);
void hv_hash_update(struct hv_hash *h, const void *p, size_t n);
void hv_hash_final(struct hv_hash *h, uint8_t out[32]);
void hv_hash(const void *p, size_t n, uint8_t out[32]);

/* Re-wraps the keys under a new master key (from dst); the old source stops working. */
HV_MUST_CHECK enum hv_err hv_vault_rewrap(struct hv_store *st, struct hv_vault *v,
                                          const struct hv_vault_key_source *dst,
                                          struct hv_diag *diag);
/* Adds a fresh data key and makes it current for new seals; older keys still open old
 * values. *new_key_id receives its id. */
HV_MUST_CHECK enum hv_err hv_vault_rotate_data_key(struct hv_store *st, struct hv_vault *v,
                                                   uint32_t *new_key_id, struct hv_diag *diag);
/* Deletes every data key except the current one (after everything was resealed). */
HV_MUST_CHECK enum hv_err hv_vault_retire_old_keys(struct hv_store *st, struct hv_vault *v,
                                                   struct hv_diag *diag);
/* Key id a sealed value was sealed under (0 for an empty or malformed value). */
uint32_t hv_vault_sealed_key_id(struct hv_str sealed);
uint32_t hv_vault_current_key_id(const struct hv_vault *v);

/* Crypto-shredding: deletes every wrapped key from the database (secure_delete, then a
 * checkpoint and VACUUM so no copy stays in the file or its WAL) and, when key_file is not
 * NULL, overwrites and unlinks it. Afterwards nothing sealed can be opened by anyone. */
HV_MUST_CHECK enum hv_err hv_vault_shred(struct hv_store *st, const char *key_file,
                                         struct hv_diag *diag);

/* Sealed files (exports): a random file key wrapped by the master key, then libsodium
 * secretstream chunks. Readable by any database opened with the same key file (or the same
 * passphrase: the KDF salt travels in the header). */
struct hv_vault_writer;
struct hv_vault_reader;
HV_MUST_CHECK enum hv_err hv_vault_writer_create(const struct hv_vault *v, FILE *out,
                                                 struct hv_vault_writer **w, struct hv_diag *diag);
HV_MUST_CHECK enum hv_err hv_vault_writer_write(struct hv_vault_writer *w, const void *p, size_t n);
/* Writes the final chunk and frees; the FILE stays open (caller's). */
HV_MUST_CHECK enum hv_err hv_vault_writer_close(struct hv_vault_writer *w);
void hv_vault_writer_abort(struct hv_vault_writer *w); /* frees without finishing; NULL-safe */
/* True when the first bytes of a file are a sealed-file header. */
bool hv_vault_is_sealed_file(const void *head, size_t n);
/* Decrypts a whole sealed file into a heap buffer (*out, *out_len; free()). A truncated or
 * altered file is HV_ERR_CRYPTO. src gives the master key. */
HV_MUST_CHECK enum hv_err hv_vault_read_sealed_file(const struct hv_vault_key_source *src, FILE *in,
                                                    char **out, size_t *out_len,
                                                    struct hv_diag *diag);

#endif
