/* sealed_file.c - sealed files (exports): a header naming how to get the master key, a random
 * file key wrapped under it, then libsodium secretstream chunks ending with a FINAL tag.
 * SPDX-License-Identifier: Apache-2.0 */
#include "vault/vault_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Header:
 *   magic "HVSEAL1\n" (8)
 *   master kind (1): 1 key file, 2 passphrase
 *   passphrase only: Argon2id salt (16), opslimit (8, LE), memlimit (8, LE)
 *   wrapped file key (HV__VAULT_WRAPPED_LEN, purpose 'f', id 0)
 *   secretstream header (24)
 * Body: chunks of CHUNK plaintext bytes (the last one shorter or equal), each CHUNK + 17
 * bytes on disk, the last tagged FINAL and followed by nothing. The first chunk carries the
 * whole header as associated data, so no header byte can change unnoticed. */
#define MAGIC      "HVSEAL1\n"
#define MAGIC_LEN  8
#define CHUNK      (64u * 1024u)
#define ABYTES     crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADER  crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define KDF_LEN    (HV__VAULT_SALT_LEN + 8 + 8)
#define HEADER_MAX (MAGIC_LEN + 1 + KDF_LEN + HV__VAULT_WRAPPED_LEN + SS_HEADER)

/* Largest plaintext read_sealed_file returns: a sealed export is a registry, not a disk. */
#define PLAIN_MAX ((size_t)1 << 30)

#define WRONG_KEY_MSG "the key does not open this file (wrong key file or passphrase)"
#define DAMAGED_MSG   "the sealed file is damaged, truncated or was altered"

struct hv_vault_writer {
    FILE *out;                                          /* borrowed */
    crypto_secretstream_xchacha20poly1305_state *state; /* secure memory */
    uint8_t *plain;                                     /* secure memory, CHUNK bytes */
    size_t used;                                        /* bytes buffered in plain */
    uint8_t *cipher;                                    /* heap, CHUNK + ABYTES */
    uint8_t header[HEADER_MAX];                         /* AD of the first chunk */
    size_t header_len;
    bool first;  /* the next chunk is the first one */
    bool failed; /* sticky: a write failed; close reports it */
};

bool hv_vault_is_sealed_file(const void *head, size_t n)
{
    return n >= MAGIC_LEN && memcmp(head, MAGIC, MAGIC_LEN) == 0;
}

static void writer_free(struct hv_vault_writer *w)
{
    sodium_free(w->state);
    sodium_free(w->plain);
    free(w->cipher);
    free(w);
}

void hv_vault_writer_abort(struct hv_vault_writer *w)
{
    if (w != NULL) {
        writer_free(w);
    }
}

enum hv_err hv_vault_writer_create(const struct hv_vault *v, FILE *out, struct hv_vault_writer **wp,
                                   struct hv_diag *diag)
{
    *wp = NULL;
    enum hv_err err = hv__vault_sodium_init(diag);
    if (err != HV_OK) {
        return err;
    }
    struct hv_vault_writer *w = hv_xcalloc(1, sizeof(*w));
    w->out = out;
    w->state = hv__vault_secure_alloc(sizeof(*w->state));
    w->plain = hv__vault_secure_alloc(CHUNK);
    w->cipher = hv_xmalloc(CHUNK + ABYTES);
    w->first = true;

    uint8_t *h = w->header;
    size_t n = 0;
    memcpy(h, MAGIC, MAGIC_LEN);
    n += MAGIC_LEN;
    h[n++] = (uint8_t)v->kdf.kind;
    if (v->kdf.kind == HV__VAULT_KIND_PASSPHRASE) {
        memcpy(h + n, v->kdf.salt, HV__VAULT_SALT_LEN);
        n += HV__VAULT_SALT_LEN;
        hv__vault_put_u64(h + n, v->kdf.opslimit);
        n += 8;
        hv__vault_put_u64(h + n, v->kdf.memlimit);
        n += 8;
    }
    uint8_t *file_key = hv__vault_secure_alloc(HV__VAULT_KEY_LEN);
    crypto_secretstream_xchacha20poly1305_keygen(file_key);
    hv__vault_wrap(hv__vault_master(v), HV__VAULT_PURPOSE_FILE, 0, file_key, h + n);
    n += HV__VAULT_WRAPPED_LEN;
    int rc = crypto_secretstream_xchacha20poly1305_init_push(w->state, h + n, file_key);
    sodium_free(file_key);
    if (rc != 0) {
        hv_diag_set(diag, NULL, "cannot start a sealed file");
        err = HV_ERR_INTERNAL;
        goto fail;
    }
    n += SS_HEADER;
    w->header_len = n;
    if (fwrite(h, 1, n, out) != n) {
        hv_diag_set(diag, NULL, "cannot write the sealed file");
        err = HV_ERR_IO;
        goto fail;
    }
    *wp = w;
    return HV_OK;
fail:
    writer_free(w);
    return err;
}

/* Encrypts the buffered bytes as one chunk with tag and writes it. */
static enum hv_err push_chunk(struct hv_vault_writer *w, uint8_t tag)
{
    unsigned long long clen = 0;
    const uint8_t *ad = w->first ? w->header : NULL;
    size_t ad_len = w->first ? w->header_len : 0;
    if (crypto_secretstream_xchacha20poly1305_push(w->state, w->cipher, &clen, w->plain, w->used,
                                                   ad, ad_len, tag) != 0) {
        w->failed = true;
        return HV_ERR_INTERNAL;
    }
    w->first = false;
    w->used = 0;
    if (fwrite(w->cipher, 1, (size_t)clen, w->out) != (size_t)clen) {
        w->failed = true;
        return HV_ERR_IO;
    }
    return HV_OK;
}

enum hv_err hv_vault_writer_write(struct hv_vault_writer *w, const void *p, size_t n)
{
    if (w->failed) {
        return HV_ERR_IO;
    }
    const uint8_t *src = p;
    while (n > 0) {
        /* A full buffer is written only once more bytes arrive, so that the last chunk,
         * which close() tags FINAL, is never empty unless the whole file is. */
        if (w->used == CHUNK) {
            enum hv_err err = push_chunk(w, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
            if (err != HV_OK) {
                return err;
            }
        }
        size_t take = CHUNK - w->used < n ? CHUNK - w->used : n;
        memcpy(w->plain + w->used, src, take);
        w->used += take;
        src += take;
        n -= take;
    }
    return HV_OK;
}

enum hv_err hv_vault_writer_close(struct hv_vault_writer *w)
{
    enum hv_err err = HV_ERR_IO;
    if (!w->failed) {
        err = push_chunk(w, crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    }
    if (err == HV_OK && fflush(w->out) != 0) {
        err = HV_ERR_IO;
    }
    writer_free(w);
    return err;
}

/* Reads up to n bytes; returns how many were read (fewer only at end of file or error). */
static size_t read_some(FILE *in, uint8_t *buf, size_t n)
{
    return fread(buf, 1, n, in);
}

/* Makes room for need bytes plus a NUL in *buf, wiping the old copy when it moves. */
static void grow_plain(uint8_t **buf, size_t *cap, size_t len, size_t need)
{
    if (need + 1 <= *cap) {
        return;
    }
    size_t ncap = *cap < CHUNK ? CHUNK : *cap;
    while (ncap < need + 1) {
        ncap *= 2;
    }
    uint8_t *fresh = hv_xmalloc(ncap);
    if (*buf != NULL) {
        memcpy(fresh, *buf, len);
        sodium_memzero(*buf, *cap);
        free(*buf);
    }
    *buf = fresh;
    *cap = ncap;
}

/* Reads and checks the header up to and including the wrapped key and stream header. */
static enum hv_err read_header(FILE *in, uint8_t *h, size_t *h_len, struct hv__vault_kdf *kdf,
                               struct hv_diag *diag)
{
    size_t n = read_some(in, h, MAGIC_LEN + 1);
    if (ferror(in)) {
        hv_diag_set(diag, NULL, "cannot read the sealed file");
        return HV_ERR_IO;
    }
    if (n < MAGIC_LEN || !hv_vault_is_sealed_file(h, n)) {
        hv_diag_set(diag, NULL, "this is not a sealed Haven file");
        return HV_ERR_INVALID;
    }
    if (n < MAGIC_LEN + 1) {
        hv_diag_set(diag, NULL, DAMAGED_MSG);
        return HV_ERR_CRYPTO;
    }
    memset(kdf, 0, sizeof(*kdf));
    uint8_t kind = h[MAGIC_LEN];
    if (kind == HV__VAULT_KIND_KEYFILE) {
        kdf->kind = HV__VAULT_KIND_KEYFILE;
    } else if (kind == HV__VAULT_KIND_PASSPHRASE) {
        kdf->kind = HV__VAULT_KIND_PASSPHRASE;
        if (read_some(in, h + n, KDF_LEN) != KDF_LEN) {
            hv_diag_set(diag, NULL, DAMAGED_MSG);
            return ferror(in) ? HV_ERR_IO : HV_ERR_CRYPTO;
        }
        memcpy(kdf->salt, h + n, HV__VAULT_SALT_LEN);
        kdf->opslimit = hv__vault_get_u64(h + n + HV__VAULT_SALT_LEN);
        kdf->memlimit = hv__vault_get_u64(h + n + HV__VAULT_SALT_LEN + 8);
        n += KDF_LEN;
        if (!hv__vault_kdf_limits_ok(kdf->opslimit, kdf->memlimit)) {
            hv_diag_set(diag, NULL, DAMAGED_MSG " (passphrase parameters out of range)");
            return HV_ERR_CRYPTO;
        }
    } else {
        hv_diag_set(diag, NULL, "the sealed file uses a key kind this version does not know");
        return HV_ERR_INVALID;
    }
    size_t rest = HV__VAULT_WRAPPED_LEN + SS_HEADER;
    if (read_some(in, h + n, rest) != rest) {
        hv_diag_set(diag, NULL, DAMAGED_MSG);
        return ferror(in) ? HV_ERR_IO : HV_ERR_CRYPTO;
    }
    *h_len = n + rest;
    return HV_OK;
}

enum hv_err hv_vault_read_sealed_file(const struct hv_vault_key_source *src, FILE *in, char **out,
                                      size_t *out_len, struct hv_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    enum hv_err err = hv__vault_check_source(src, diag);
    if (err == HV_OK) {
        err = hv__vault_sodium_init(diag);
    }
    if (err != HV_OK) {
        return err;
    }
    uint8_t header[HEADER_MAX];
    size_t header_len = 0;
    struct hv__vault_kdf kdf;
    err = read_header(in, header, &header_len, &kdf, diag);
    if (err != HV_OK) {
        return err;
    }

    /* master key | file key */
    uint8_t *keys = hv__vault_secure_alloc(2 * HV__VAULT_KEY_LEN);
    crypto_secretstream_xchacha20poly1305_state *state = hv__vault_secure_alloc(sizeof(*state));
    uint8_t *cipher = NULL;
    uint8_t *plain = NULL;
    size_t cap = 0, len = 0;
    bool first = true; /* the first chunk carries the header as associated data */

    err = hv__vault_master_derive(src, &kdf, "this file", keys, diag);
    if (err != HV_OK) {
        goto out;
    }
    if (!hv__vault_unwrap(keys, HV__VAULT_PURPOSE_FILE, 0,
                          header + header_len - SS_HEADER - HV__VAULT_WRAPPED_LEN,
                          HV__VAULT_WRAPPED_LEN, keys + HV__VAULT_KEY_LEN)) {
        hv_diag_set(diag, "key", WRONG_KEY_MSG);
        err = HV_ERR_CRYPTO;
        goto out;
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(state, header + header_len - SS_HEADER,
                                                        keys + HV__VAULT_KEY_LEN) != 0) {
        hv_diag_set(diag, NULL, DAMAGED_MSG);
        err = HV_ERR_CRYPTO;
        goto out;
    }

    cipher = hv_xmalloc(CHUNK + ABYTES);
    for (;;) {
        size_t r = read_some(in, cipher, CHUNK + ABYTES);
        if (ferror(in)) {
            hv_diag_set(diag, NULL, "cannot read the sealed file");
            err = HV_ERR_IO;
            goto out;
        }
        if (r < ABYTES) {
            /* A clean cut between chunks: everything read so far was genuine, but the
             * FINAL chunk never came. */
            hv_diag_set(diag, NULL, "the sealed file is truncated (its end is missing)");
            err = HV_ERR_CRYPTO;
            goto out;
        }
        if (len > PLAIN_MAX - (r - ABYTES)) {
            hv_diag_set(diag, NULL, "the sealed file is larger than %zu MiB", PLAIN_MAX >> 20);
            err = HV_ERR_LIMIT;
            goto out;
        }
        grow_plain(&plain, &cap, len, len + (r - ABYTES));
        unsigned long long mlen = 0;
        uint8_t tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(state, plain + len, &mlen, &tag, cipher, r,
                                                       first ? header : NULL,
                                                       first ? header_len : 0) != 0) {
            hv_diag_set(diag, NULL, DAMAGED_MSG);
            err = HV_ERR_CRYPTO;
            goto out;
        }
        first = false;
        len += (size_t)mlen;
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
            break;
        }
        if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE || r < CHUNK + ABYTES) {
            hv_diag_set(diag, NULL, DAMAGED_MSG);
            err = HV_ERR_CRYPTO;
            goto out;
        }
    }
    if (fgetc(in) != EOF || ferror(in)) {
        hv_diag_set(diag, NULL, "the sealed file has data after its end");
        err = ferror(in) ? HV_ERR_IO : HV_ERR_CRYPTO;
        goto out;
    }
    grow_plain(&plain, &cap, len, len);
    plain[len] = '\0';
    *out = (char *)plain;
    *out_len = len;
    plain = NULL;
    err = HV_OK;
out:
    if (plain != NULL) {
        sodium_memzero(plain, cap);
        free(plain);
    }
    free(cipher);
    sodium_free(state);
    sodium_free(keys);
    sodium_memzero(&kdf, sizeof(kdf));
    return err;
}
