/* master.c - where the master key comes from (a 32-byte key file or an Argon2id-stretched
 * passphrase) and how keys are wrapped under it; also the once-per-process sodium_init().
 * SPDX-License-Identifier: Apache-2.0 */
#include "vault/vault_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(HV__VAULT_KEY_LEN == crypto_secretbox_KEYBYTES, "master key is a secretbox key");
_Static_assert(HV__VAULT_SALT_LEN == crypto_pwhash_SALTBYTES, "Argon2id salt size");
_Static_assert(HV__VAULT_WRAPPED_LEN ==
                   crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + HV__VAULT_WRAP_INNER,
               "wrapped key layout");

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_status = -1; /* written once, under sodium_once */

static void sodium_init_once(void)
{
    /* sodium_init() returns 1 when another library in the process initialised it first,
     * which is success too. */
    sodium_status = sodium_init() < 0 ? -1 : 0;
}

enum hv_err hv__vault_sodium_init(struct hv_diag *diag)
{
    if (pthread_once(&sodium_once, sodium_init_once) != 0 || sodium_status != 0) {
        hv_diag_set(diag, NULL, "the cryptography library could not be initialised");
        return HV_ERR_INTERNAL;
    }
    return HV_OK;
}

void *hv__vault_secure_alloc(size_t n)
{
    void *p = sodium_malloc(n);
    if (p == NULL) {
        fprintf(stderr, "haven: out of memory (secure allocation of %zu bytes)\n", n);
        abort();
    }
    return p;
}

void hv__vault_wrap(const uint8_t master[HV__VAULT_KEY_LEN], uint8_t purpose, uint32_t id,
                    const uint8_t key[HV__VAULT_KEY_LEN], uint8_t out[HV__VAULT_WRAPPED_LEN])
{
    uint8_t inner[HV__VAULT_WRAP_INNER];
    inner[0] = HV__VAULT_WRAP_FORMAT;
    inner[1] = purpose;
    hv__vault_put_u32(inner + 2, id);
    memcpy(inner + 6, key, HV__VAULT_KEY_LEN);

    randombytes_buf(out, crypto_secretbox_NONCEBYTES);
    /* crypto_secretbox_easy cannot fail for these sizes. */
    if (crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, inner, sizeof(inner), out,
                              master) != 0) {
        abort();
    }
    sodium_memzero(inner, sizeof(inner));
}

bool hv__vault_unwrap(const uint8_t master[HV__VAULT_KEY_LEN], uint8_t purpose, uint32_t id,
                      const uint8_t *wrapped, size_t n, uint8_t key[HV__VAULT_KEY_LEN])
{
    if (n != HV__VAULT_WRAPPED_LEN) {
        return false;
    }
    uint8_t inner[HV__VAULT_WRAP_INNER];
    bool ok = crypto_secretbox_open_easy(inner, wrapped + crypto_secretbox_NONCEBYTES,
                                         n - crypto_secretbox_NONCEBYTES, wrapped, master) == 0;
    ok = ok && inner[0] == HV__VAULT_WRAP_FORMAT && inner[1] == purpose &&
         hv__vault_get_u32(inner + 2) == id;
    if (ok) {
        memcpy(key, inner + 6, HV__VAULT_KEY_LEN);
    }
    sodium_memzero(inner, sizeof(inner));
    return ok;
}

enum hv_err hv__vault_check_source(const struct hv_vault_key_source *src, struct hv_diag *diag)
{
    if (src == NULL || (src->key_file == NULL) == (src->passphrase == NULL)) {
        hv_diag_set(diag, "key", "give exactly one of a key file and a passphrase");
        return HV_ERR_INVALID;
    }
    if (src->key_file != NULL && src->key_file[0] == '\0') {
        hv_diag_set(diag, "key", "the key file path is empty");
        return HV_ERR_INVALID;
    }
    if (src->passphrase != NULL && src->passphrase[0] == '\0') {
        hv_diag_set(diag, "passphrase", "the passphrase is empty");
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

/* The text of errno e (thread-safe), for messages about files. */
static const char *errno_text(int e, char *buf, size_t n)
{
    if (strerror_r(e, buf, n) != 0) {
        snprintf(buf, n, "error %d", e);
    }
    return buf;
}

enum hv_err hv_vault_keyfile_create(const char *path, struct hv_diag *diag)
{
    char ebuf[128];
    if (path == NULL || path[0] == '\0') {
        hv_diag_set(diag, "key", "the key file path is empty");
        return HV_ERR_INVALID;
    }
    enum hv_err err = hv__vault_sodium_init(diag);
    if (err != HV_OK) {
        return err;
    }
    /* O_EXCL also refuses a symlink planted at path. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        if (e == EEXIST) {
            hv_diag_set(diag, "key", "key file %s already exists; it is never overwritten", path);
            return HV_ERR_CONFLICT;
        }
        hv_diag_set(diag, "key", "cannot create key file %s: %s", path,
                    errno_text(e, ebuf, sizeof(ebuf)));
        return HV_ERR_IO;
    }
    uint8_t *key = hv__vault_secure_alloc(HV__VAULT_KEY_LEN);
    randombytes_buf(key, HV__VAULT_KEY_LEN);

    err = HV_ERR_IO;
    size_t done = 0;
    while (done < HV__VAULT_KEY_LEN) {
        ssize_t w = write(fd, key + done, HV__VAULT_KEY_LEN - done);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            hv_diag_set(diag, "key", "cannot write key file %s: %s", path,
                        errno_text(errno, ebuf, sizeof(ebuf)));
            goto out;
        }
        done += (size_t)w;
    }
    /* A umask cannot widen 0600, but an inherited ACL default could: make it explicit. */
    if (fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
        hv_diag_set(diag, "key", "cannot write key file %s: %s", path,
                    errno_text(errno, ebuf, sizeof(ebuf)));
        goto out;
    }
    err = HV_OK;
out:
    sodium_free(key);
    if (close(fd) != 0 && err == HV_OK) {
        hv_diag_set(diag, "key", "cannot write key file %s: %s", path,
                    errno_text(errno, ebuf, sizeof(ebuf)));
        err = HV_ERR_IO;
    }
    if (err != HV_OK && unlink(path) != 0) {
        /* Nothing more to do: the partial file holds no usable key and the error says so. */
    }
    return err;
}

enum hv_err hv__vault_keyfile_read(const char *path, uint8_t key[HV__VAULT_KEY_LEN],
                                   struct hv_diag *diag)
{
    char ebuf[128];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        hv_diag_set(diag, "key", "cannot open key file %s: %s", path,
                    errno_text(errno, ebuf, sizeof(ebuf)));
        return HV_ERR_IO;
    }
    enum hv_err err = HV_ERR_INVALID;
    size_t done = 0;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        hv_diag_set(diag, "key", "cannot read key file %s: %s", path,
                    errno_text(errno, ebuf, sizeof(ebuf)));
        err = HV_ERR_IO;
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        hv_diag_set(diag, "key", "key file %s is not a regular file", path);
        goto out;
    }
    if ((sb.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        hv_diag_set(diag, "key", "key file %s is readable by other users; chmod 600 it", path);
        goto out;
    }
    if ((sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        hv_diag_set(diag, "key", "key file %s is writable by other users; chmod 600 it", path);
        goto out;
    }
    if (sb.st_size != HV__VAULT_KEY_LEN) {
        hv_diag_set(diag, "key",
                    "key file %s must hold exactly %d bytes but holds %lld; it is not a Haven "
                    "key file",
                    path, HV__VAULT_KEY_LEN, (long long)sb.st_size);
        goto out;
    }
    while (done < HV__VAULT_KEY_LEN) {
        ssize_t r = read(fd, key + done, HV__VAULT_KEY_LEN - done);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            hv_diag_set(diag, "key", "cannot read key file %s: %s", path,
                        errno_text(errno, ebuf, sizeof(ebuf)));
            err = HV_ERR_IO;
            goto out;
        }
        if (r == 0) {
            hv_diag_set(diag, "key", "key file %s changed while it was read", path);
            goto out;
        }
        done += (size_t)r;
    }
    err = HV_OK;
out:
    if (err != HV_OK) {
        sodium_memzero(key, HV__VAULT_KEY_LEN);
    }
    close(fd);
    return err;
}

bool hv__vault_kdf_limits_ok(uint64_t opslimit, uint64_t memlimit)
{
    return opslimit >= crypto_pwhash_OPSLIMIT_MIN && opslimit <= HV__VAULT_KDF_OPS_MAX &&
           memlimit >= crypto_pwhash_MEMLIMIT_MIN && memlimit <= HV__VAULT_KDF_MEM_MAX &&
           memlimit <= SIZE_MAX;
}

enum hv_err hv__vault_master_derive(const struct hv_vault_key_source *src,
                                    const struct hv__vault_kdf *kdf, const char *what_opens,
                                    uint8_t master[HV__VAULT_KEY_LEN], struct hv_diag *diag)
{
    enum hv_err err = hv__vault_check_source(src, diag);
    if (err != HV_OK) {
        return err;
    }
    if (kdf->kind == HV__VAULT_KIND_KEYFILE && src->key_file == NULL) {
        hv_diag_set(diag, "key",
                    "the key does not open %s (wrong key file or passphrase): it is protected "
                    "by a key file, not a passphrase",
                    what_opens);
        return HV_ERR_CRYPTO;
    }
    if (kdf->kind == HV__VAULT_KIND_PASSPHRASE && src->passphrase == NULL) {
        hv_diag_set(diag, "key",
                    "the key does not open %s (wrong key file or passphrase): it is protected "
                    "by a passphrase, not a key file",
                    what_opens);
        return HV_ERR_CRYPTO;
    }
    if (kdf->kind == HV__VAULT_KIND_KEYFILE) {
        return hv__vault_keyfile_read(src->key_file, master, diag);
    }
    if (!hv__vault_kdf_limits_ok(kdf->opslimit, kdf->memlimit)) {
        hv_diag_set(diag, "key", "the passphrase parameters stored with %s are out of range",
                    what_opens);
        return HV_ERR_CRYPTO;
    }
    if (crypto_pwhash(master, HV__VAULT_KEY_LEN, src->passphrase, strlen(src->passphrase),
                      kdf->salt, (unsigned long long)kdf->opslimit, (size_t)kdf->memlimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        /* Argon2id fails only when it cannot get its memory. */
        hv_diag_set(diag, "key", "not enough memory to stretch the passphrase (%llu MiB)",
                    (unsigned long long)(kdf->memlimit >> 20));
        return HV_ERR_NOMEM;
    }
    return HV_OK;
}
