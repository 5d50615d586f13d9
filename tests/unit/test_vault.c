/* test_vault.c - the vault against a real SQLite store: key files, set-up and opening with a
 * key file or passphrase, sealing bound to its place, rewrap, rotation, retirement,
 * crypto-shredding (checked on the raw file bytes), blind indexes, hashes and sealed files.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "haven/arena.h"
#include "haven/store.h"
#include "test.h"

#define WRONG_KEY_MSG "the key does not open this database (wrong key file or passphrase)"

static char tmpdir[64];

/* A path inside the test's temporary directory (static buffers, used in rotation). */
static const char *tmp_path(const char *name)
{
    static char bufs[8][160];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, name);
    return b;
}

static struct hv_store *open_store(const char *location)
{
    struct hv_store_options opt = { .create = true };
    struct hv_store *st = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    if (hv_store_open(location, &opt, &st, &d) != HV_OK) {
        fprintf(stderr, "cannot open store %s: %s\n", location, d.msg);
        return NULL;
    }
    if (hv_store_migrate(st, &d) != HV_OK) {
        fprintf(stderr, "cannot migrate %s: %s\n", location, d.msg);
        hv_store_close(st);
        return NULL;
    }
    return st;
}

/* A migrated in-memory store with keys set up from a new key file named name. */
static struct hv_store *keyed_store(const char *name, struct hv_vault_key_source *src)
{
    const char *path = tmp_path(name);
    unlink(path);
    if (hv_vault_keyfile_create(path, NULL) != HV_OK) {
        return NULL;
    }
    src->key_file = path;
    src->passphrase = NULL;
    struct hv_store *st = open_store(":memory:");
    if (st != NULL && hv_vault_setup(st, src, NULL) != HV_OK) {
        hv_store_close(st);
        return NULL;
    }
    return st;
}

static bool read_whole(const char *path, uint8_t **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return true; /* a missing file has no bytes */
    }
    size_t cap = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *bigger = realloc(*buf, cap);
            if (bigger == NULL) {
                free(*buf);
                *buf = NULL;
                *len = 0;
                fclose(f);
                return false;
            }
            *buf = bigger;
        }
        size_t r = fread(*buf + *len, 1, cap - *len, f);
        *len += r;
        if (r == 0) {
            break;
        }
    }
    fclose(f);
    return true;
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
    if (m == 0 || n < m) {
        return false;
    }
    for (size_t i = 0; i + m <= n; i++) {
        if (memcmp(hay + i, needle, m) == 0) {
            return true;
        }
    }
    return false;
}

/* True when the database file or its WAL contains the bytes. */
static bool db_files_contain(const char *db, const void *needle, size_t m)
{
    char wal[200];
    snprintf(wal, sizeof(wal), "%s-wal", db);
    const char *files[] = { db, wal };
    bool found = false;
    for (size_t i = 0; i < 2; i++) {
        uint8_t *buf = NULL;
        size_t len = 0;
        if (!read_whole(files[i], &buf, &len)) {
            return true; /* fail safe: unknown counts as present */
        }
        found = found || contains(buf, len, needle, m);
        free(buf);
    }
    return found;
}

static void write_file(const char *path, const void *p, size_t n, mode_t mode)
{
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return;
    }
    if (fwrite(p, 1, n, f) != n) {
        perror("fwrite");
    }
    fclose(f);
    chmod(path, mode);
}

static void test_keyfile(void)
{
    const char *path = tmp_path("k-file.key");
    unlink(path);
    CHECK_OK(hv_vault_keyfile_create(path, NULL));
    struct stat sb;
    CHECK(stat(path, &sb) == 0);
    CHECK_EQ_INT(sb.st_mode & 0777, 0600);
    CHECK_EQ_INT(sb.st_size, 32);

    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_keyfile_create(path, &d), HV_ERR_CONFLICT);
    CHECK(stat(path, &sb) == 0 && sb.st_size == 32);

    /* Two key files differ. */
    const char *path2 = tmp_path("k-file2.key");
    unlink(path2);
    CHECK_OK(hv_vault_keyfile_create(path2, NULL));
    uint8_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    CHECK(read_whole(path, &a, &na) && read_whole(path2, &b, &nb));
    CHECK(na == 32 && nb == 32 && memcmp(a, b, 32) != 0);

    /* Opening with a readable key file is refused before anything is read. */
    struct hv_vault_key_source src = { .key_file = path };
    struct hv_store *st = open_store(":memory:");
    CHECK(st != NULL);
    if (st == NULL) {
        goto out;
    }
    CHECK_OK(hv_vault_setup(st, &src, NULL));
    struct hv_vault *v = NULL;
    CHECK(chmod(path, 0644) == 0);
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_open(st, &src, &v, &d), HV_ERR_INVALID);
    char want[300];
    snprintf(want, sizeof(want), "key file %s is readable by other users; chmod 600 it", path);
    CHECK_EQ_STR(d.msg, want);
    CHECK(v == NULL);
    CHECK(chmod(path, 0640) == 0);
    CHECK_EQ_INT(hv_vault_open(st, &src, &v, NULL), HV_ERR_INVALID);
    CHECK(chmod(path, 0620) == 0); /* group-writable */
    CHECK_EQ_INT(hv_vault_open(st, &src, &v, NULL), HV_ERR_INVALID);
    CHECK(chmod(path, 0600) == 0);
    CHECK_OK(hv_vault_open(st, &src, &v, NULL));
    hv_vault_destroy(v);
    v = NULL;

    /* Not exactly 32 bytes. */
    const char *bad = tmp_path("k-short.key");
    uint8_t filler[33];
    memset(filler, 0x5a, sizeof(filler));
    write_file(bad, filler, 31, 0600);
    struct hv_vault_key_source bad_src = { .key_file = bad };
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_open(st, &bad_src, &v, &d), HV_ERR_INVALID);
    CHECK(strstr(d.msg, "exactly 32 bytes") != NULL);
    write_file(bad, filler, 33, 0600);
    CHECK_EQ_INT(hv_vault_open(st, &bad_src, &v, NULL), HV_ERR_INVALID);

    /* Missing key file: an I/O error naming the path. */
    const char *missing = tmp_path("k-missing.key");
    unlink(missing);
    struct hv_vault_key_source missing_src = { .key_file = missing };
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_open(st, &missing_src, &v, &d), HV_ERR_IO);
    CHECK(strstr(d.msg, missing) != NULL);
    CHECK(v == NULL);

    /* A source must name exactly one thing. */
    struct hv_vault_key_source none = { 0 };
    struct hv_vault_key_source both = { .key_file = path, .passphrase = "x" };
    CHECK_EQ_INT(hv_vault_open(st, &none, &v, NULL), HV_ERR_INVALID);
    CHECK_EQ_INT(hv_vault_open(st, &both, &v, NULL), HV_ERR_INVALID);
    hv_store_close(st);
out:
    free(a);
    free(b);
}

/* Swaps the wrapped keys of rows a and b of vault_key, as an attacker with write access to
 * the database file could. */
static bool swap_wrapped(struct hv_store *st, int a, int b)
{
    char sql[300];
    snprintf(sql, sizeof(sql),
             "CREATE TEMP TABLE tw AS SELECT id, wrapped FROM vault_key;"
             "UPDATE vault_key SET wrapped = (SELECT wrapped FROM tw WHERE tw.id = %d - "
             "vault_key.id) WHERE id IN (%d, %d);"
             "DROP TABLE tw",
             a + b, a, b);
    return hv_store_exec(st, sql) == HV_OK;
}

static void test_setup_and_open(void)
{
    struct hv_vault_key_source src;
    struct hv_store *st = keyed_store("so.key", &src);
    CHECK(st != NULL);
    if (st == NULL) {
        return;
    }
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_setup(st, &src, &d), HV_ERR_CONFLICT);

    /* A database that was never set up. */
    struct hv_store *empty = open_store(":memory:");
    struct hv_vault *v = NULL;
    CHECK(empty != NULL);
    if (empty != NULL) {
        CHECK_EQ_INT(hv_vault_open(empty, &src, &v, NULL), HV_ERR_NOTFOUND);
        hv_store_close(empty);
    }

    /* Another key file. */
    struct hv_vault_key_source other;
    struct hv_store *st2 = keyed_store("so-other.key", &other);
    CHECK(st2 != NULL);
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_open(st, &other, &v, &d), HV_ERR_CRYPTO);
    CHECK_EQ_STR(d.msg, WRONG_KEY_MSG);
    CHECK(v == NULL);

    /* A passphrase for a key-file database. */
    struct hv_vault_key_source pass = { .passphrase = "correct horse" };
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_open(st, &pass, &v, &d), HV_ERR_CRYPTO);
    CHECK(strncmp(d.msg, "the key does not open this database", 35) == 0);

    CHECK_OK(hv_vault_open(st, &src, &v, NULL));
    CHECK(v != NULL);
    CHECK_EQ_INT(hv_vault_current_key_id(v), 1);
    hv_vault_destroy(v);
    hv_vault_destroy(NULL);

    /* Wrapped keys are bound to their row: swapping two data keys (ids 1 and 3) or the
     * data and the index key (ids 1 and 2) makes open fail. */
    v = NULL;
    CHECK_OK(hv_vault_open(st, &src, &v, NULL));
    uint32_t id3 = 0;
    CHECK(v != NULL && hv_vault_rotate_data_key(st, v, &id3, NULL) == HV_OK);
    CHECK_EQ_INT(id3, 3);
    hv_vault_destroy(v);
    v = NULL;
    CHECK(swap_wrapped(st, 1, 3));
    CHECK_EQ_INT(hv_vault_open(st, &src, &v, NULL), HV_ERR_CRYPTO);
    CHECK(v == NULL);
    CHECK(swap_wrapped(st, 1, 3));
    CHECK_OK(hv_vault_open(st, &src, &v, NULL)); /* swapped back */
    hv_vault_destroy(v);
    v = NULL;
    CHECK(swap_wrapped(st, 1, 2));
    CHECK_EQ_INT(hv_vault_open(st, &src, &v, NULL), HV_ERR_CRYPTO);
    CHECK(v == NULL);
    hv_store_close(st);
    hv_store_close(st2);
}

static const struct hv_seal_ad AD_GIVEN = { "person", "given_name", 42 };

static void test_seal(void)
{
    struct hv_vault_key_source src;
    struct hv_store *st = keyed_store("seal.key", &src);
    struct hv_vault *v = NULL;
    CHECK(st != NULL);
    if (st == NULL || hv_vault_open(st, &src, &v, NULL) != HV_OK) {
        CHECK(false);
        hv_store_close(st);
        return;
    }
    static const char plain[] = "Mohammad Nasir";
    size_t n = sizeof(plain) - 1;
    uint8_t sealed[sizeof(plain) - 1 + HV_SEAL_OVERHEAD];
    uint8_t sealed2[sizeof(sealed)];
    uint8_t back[sizeof(plain)];
    CHECK_OK(hv_vault_seal(v, &AD_GIVEN, plain, n, sealed));
    CHECK(!contains(sealed, sizeof(sealed), plain, n));
    memset(back, 0, sizeof(back));
    CHECK_OK(hv_vault_unseal(v, &AD_GIVEN, sealed, sizeof(sealed), back));
    CHECK(memcmp(back, plain, n) == 0);
    CHECK_EQ_INT(hv_vault_sealed_key_id((struct hv_str){ (const char *)sealed, sizeof(sealed) }),
                 1);

    /* Fresh nonce each time. */
    CHECK_OK(hv_vault_seal(v, &AD_GIVEN, plain, n, sealed2));
    CHECK(memcmp(sealed, sealed2, sizeof(sealed)) != 0);

    /* Every byte is covered: version, key id, nonce, ciphertext and tag. */
    int n_rejected = 0;
    for (size_t i = 0; i < sizeof(sealed); i++) {
        memcpy(sealed2, sealed, sizeof(sealed));
        sealed2[i] ^= 0x01;
        if (hv_vault_unseal(v, &AD_GIVEN, sealed2, sizeof(sealed2), back) == HV_ERR_CRYPTO) {
            n_rejected++;
        }
    }
    CHECK_EQ_INT(n_rejected, sizeof(sealed));
    CHECK_EQ_INT(hv_vault_unseal(v, &AD_GIVEN, sealed, sizeof(sealed) - 1, back), HV_ERR_CRYPTO);
    CHECK_EQ_INT(hv_vault_unseal(v, &AD_GIVEN, sealed, HV_SEAL_OVERHEAD - 1, back), HV_ERR_CRYPTO);

    /* Moved to another row, column or table. */
    struct hv_seal_ad moved_row = { "person", "given_name", 43 };
    struct hv_seal_ad neg_row = { "person", "given_name", -42 };
    struct hv_seal_ad moved_col = { "person", "family_name", 42 };
    struct hv_seal_ad moved_table = { "contact", "given_name", 42 };
    struct hv_seal_ad shifted = { "persong", "iven_name", 42 }; /* same bytes without NULs */
    CHECK_EQ_INT(hv_vault_unseal(v, &moved_row, sealed, sizeof(sealed), back), HV_ERR_CRYPTO);
    CHECK_EQ_INT(hv_vault_unseal(v, &neg_row, sealed, sizeof(sealed), back), HV_ERR_CRYPTO);
    CHECK_EQ_INT(hv_vault_unseal(v, &moved_col, sealed, sizeof(sealed), back), HV_ERR_CRYPTO);
    CHECK_EQ_INT(hv_vault_unseal(v, &moved_table, sealed, sizeof(sealed), back), HV_ERR_CRYPTO);
    CHECK_EQ_INT(hv_vault_unseal(v, &shifted, sealed, sizeof(sealed), back), HV_ERR_CRYPTO);
    CHECK_OK(hv_vault_unseal(v, &AD_GIVEN, sealed, sizeof(sealed), back));

    /* Another database's vault cannot open it. */
    struct hv_vault_key_source src2;
    struct hv_store *st2 = keyed_store("seal2.key", &src2);
    struct hv_vault *v2 = NULL;
    CHECK(st2 != NULL && hv_vault_open(st2, &src2, &v2, NULL) == HV_OK);
    if (v2 != NULL) {
        CHECK_EQ_INT(hv_vault_unseal(v2, &AD_GIVEN, sealed, sizeof(sealed), back), HV_ERR_CRYPTO);
    }
    hv_vault_destroy(v2);
    hv_store_close(st2);

    /* Arena conveniences, including the empty value. */
    struct hv_arena a;
    hv_arena_init(&a, 1 << 20);
    struct hv_str s = HV_STR_NULL, p = HV_STR_NULL;
    CHECK_OK(hv_vault_seal_str(v, &a, &AD_GIVEN, HV_STR("Abdul Rahim"), &s));
    CHECK_EQ_INT(s.len, 11 + HV_SEAL_OVERHEAD);
    CHECK_OK(hv_vault_unseal_str(v, &a, &AD_GIVEN, s, &p));
    CHECK_EQ_VIEW(p, "Abdul Rahim");
    CHECK(p.ptr != NULL && p.ptr[p.len] == '\0');
    CHECK_EQ_INT(hv_vault_unseal_str(v, &a, &moved_row, s, &p), HV_ERR_CRYPTO);
    CHECK_OK(hv_vault_seal_str(v, &a, &AD_GIVEN, HV_STR(""), &s));
    CHECK_EQ_INT(s.len, 0);
    CHECK_EQ_INT(hv_vault_sealed_key_id(s), 0);
    CHECK_OK(hv_vault_unseal_str(v, &a, &AD_GIVEN, HV_STR_NULL, &p));
    CHECK_EQ_VIEW(p, "");
    CHECK_EQ_INT(hv_vault_unseal_str(v, &a, &AD_GIVEN, HV_STR("short"), &p), HV_ERR_CRYPTO);
    hv_arena_finish(&a);

    /* A tiny arena turns into a limit error, not a crash. */
    hv_arena_init(&a, 16);
    CHECK_EQ_INT(hv_vault_seal_str(v, &a, &AD_GIVEN, HV_STR("Abdul Rahim"), &s), HV_ERR_LIMIT);
    hv_arena_finish(&a);

    hv_vault_destroy(v);
    hv_store_close(st);
}

static void test_passphrase(void)
{
    struct hv_store *st = open_store(":memory:");
    CHECK(st != NULL);
    if (st == NULL) {
        return;
    }
    struct hv_vault_key_source pass = { .passphrase = "a long test passphrase" };
    struct hv_vault_key_source wrong = { .passphrase = "a long test passphrasE" };
    struct hv_vault_key_source empty = { .passphrase = "" };
    CHECK_EQ_INT(hv_vault_setup(st, &empty, NULL), HV_ERR_INVALID);
    CHECK_OK(hv_vault_setup(st, &pass, NULL));

    /* HV_TEST_FAST_KDF=1 is set by main: the minimum limits were stored (8 KiB, 1 pass). */
    int64_t mem = 0, ops = 0, salt_len = 0;
    static const char sql_mem[] = "SELECT kdf_memlimit FROM vault_master";
    static const char sql_ops[] = "SELECT kdf_opslimit FROM vault_master";
    static const char sql_salt[] = "SELECT length(kdf_salt) FROM vault_master";
    CHECK_OK(hv_store_query_int(st, sql_mem, false, 0, -1, &mem));
    CHECK_OK(hv_store_query_int(st, sql_ops, false, 0, -1, &ops));
    CHECK_OK(hv_store_query_int(st, sql_salt, false, 0, -1, &salt_len));
    CHECK_EQ_INT(mem, 8192);
    CHECK_EQ_INT(ops, 1);
    CHECK_EQ_INT(salt_len, 16);

    struct hv_vault *v = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_open(st, &wrong, &v, &d), HV_ERR_CRYPTO);
    CHECK_EQ_STR(d.msg, WRONG_KEY_MSG);
    CHECK(v == NULL);
    const char *kf = tmp_path("pass-kf.key");
    unlink(kf);
    CHECK_OK(hv_vault_keyfile_create(kf, NULL));
    struct hv_vault_key_source kfsrc = { .key_file = kf };
    CHECK_EQ_INT(hv_vault_open(st, &kfsrc, &v, NULL), HV_ERR_CRYPTO);

    CHECK_OK(hv_vault_open(st, &pass, &v, NULL));
    uint8_t sealed[5 + HV_SEAL_OVERHEAD], back[5];
    CHECK_OK(hv_vault_seal(v, &AD_GIVEN, "Karim", 5, sealed));
    hv_vault_destroy(v);
    v = NULL;
    CHECK_OK(hv_vault_open(st, &pass, &v, NULL));
    if (v != NULL) {
        CHECK_OK(hv_vault_unseal(v, &AD_GIVEN, sealed, sizeof(sealed), back));
        CHECK(memcmp(back, "Karim", 5) == 0);
    }
    hv_vault_destroy(v);

    /* Same passphrase on another database: another salt, so another master key. */
    struct hv_store *st2 = open_store(":memory:");
    CHECK(st2 != NULL && hv_vault_setup(st2, &pass, NULL) == HV_OK);
    struct hv_vault *v2 = NULL;
    CHECK(st2 != NULL && hv_vault_open(st2, &pass, &v2, NULL) == HV_OK);
    if (v2 != NULL) {
        CHECK_EQ_INT(hv_vault_unseal(v2, &AD_GIVEN, sealed, sizeof(sealed), back), HV_ERR_CRYPTO);
    }
    hv_vault_destroy(v2);
    hv_store_close(st2);
    hv_store_close(st);
}

static void test_rewrap(void)
{
    struct hv_vault_key_source a;
    struct hv_store *st = keyed_store("rw-a.key", &a);
    struct hv_vault *v = NULL;
    CHECK(st != NULL);
    if (st == NULL || hv_vault_open(st, &a, &v, NULL) != HV_OK) {
        CHECK(false);
        hv_store_close(st);
        return;
    }
    uint8_t sealed[6 + HV_SEAL_OVERHEAD], back[6];
    CHECK_OK(hv_vault_seal(v, &AD_GIVEN, "Zarmin", 6, sealed));
    int64_t blind_before = hv_vault_blind(v, "name", "zarmina", 7);

    const char *bpath = tmp_path("rw-b.key");
    unlink(bpath);
    CHECK_OK(hv_vault_keyfile_create(bpath, NULL));
    struct hv_vault_key_source b = { .key_file = bpath };
    CHECK_OK(hv_vault_rewrap(st, v, &b, NULL));

    /* The open vault keeps working. */
    CHECK_OK(hv_vault_unseal(v, &AD_GIVEN, sealed, sizeof(sealed), back));
    struct hv_vault *w = NULL;
    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_open(st, &a, &w, &d), HV_ERR_CRYPTO);
    CHECK_EQ_STR(d.msg, WRONG_KEY_MSG);
    CHECK_OK(hv_vault_open(st, &b, &w, NULL));
    if (w != NULL) {
        memset(back, 0, sizeof(back));
        CHECK_OK(hv_vault_unseal(w, &AD_GIVEN, sealed, sizeof(sealed), back));
        CHECK(memcmp(back, "Zarmin", 6) == 0);
        CHECK_EQ_INT(hv_vault_blind(w, "name", "zarmina", 7), blind_before);
    }
    hv_vault_destroy(w);
    w = NULL;

    /* Key file to passphrase. */
    struct hv_vault_key_source pass = { .passphrase = "rewrap passphrase" };
    CHECK_OK(hv_vault_rewrap(st, v, &pass, NULL));
    CHECK_EQ_INT(hv_vault_open(st, &b, &w, NULL), HV_ERR_CRYPTO);
    CHECK_OK(hv_vault_open(st, &pass, &w, NULL));
    if (w != NULL) {
        CHECK_OK(hv_vault_unseal(w, &AD_GIVEN, sealed, sizeof(sealed), back));
    }
    hv_vault_destroy(w);
    w = NULL;

    /* A wrapped key that does not unwrap any more is refused, and a failed rewrap (missing
     * destination) leaves the database as it was. */
    struct hv_vault_key_source missing = { .key_file = tmp_path("rw-missing.key") };
    unlink(missing.key_file);
    CHECK_EQ_INT(hv_vault_rewrap(st, v, &missing, NULL), HV_ERR_IO);
    CHECK_OK(hv_vault_open(st, &pass, &w, NULL));
    hv_vault_destroy(w);
    hv_vault_destroy(v);
    hv_store_close(st);
}

static void test_rotate(void)
{
    struct hv_vault_key_source src;
    struct hv_store *st = keyed_store("rot.key", &src);
    struct hv_vault *v = NULL;
    CHECK(st != NULL);
    if (st == NULL || hv_vault_open(st, &src, &v, NULL) != HV_OK) {
        CHECK(false);
        hv_store_close(st);
        return;
    }
    uint8_t old_sealed[3 + HV_SEAL_OVERHEAD], back[3];
    CHECK_OK(hv_vault_seal(v, &AD_GIVEN, "old", 3, old_sealed));
    uint32_t old_id = hv_vault_current_key_id(v);
    struct hv_str old_view = { (const char *)old_sealed, sizeof(old_sealed) };
    CHECK_EQ_INT(hv_vault_sealed_key_id(old_view), old_id);
    int64_t blind_before = hv_vault_blind(v, "doc", "P1234567", 8);

    /* Several rotations, so the key region has to grow. */
    uint32_t ids[6] = { 0 };
    for (int i = 0; i < 6; i++) {
        CHECK_OK(hv_vault_rotate_data_key(st, v, &ids[i], NULL));
        CHECK(ids[i] != old_id);
        CHECK(i == 0 || ids[i] > ids[i - 1]);
        CHECK_EQ_INT(hv_vault_current_key_id(v), ids[i]);
    }
    uint32_t new_id = ids[5];
    uint8_t new_sealed[3 + HV_SEAL_OVERHEAD];
    CHECK_OK(hv_vault_seal(v, &AD_GIVEN, "new", 3, new_sealed));
    struct hv_str new_view = { (const char *)new_sealed, sizeof(new_sealed) };
    CHECK_EQ_INT(hv_vault_sealed_key_id(new_view), new_id);
    CHECK_OK(hv_vault_unseal(v, &AD_GIVEN, old_sealed, sizeof(old_sealed), back));
    CHECK(memcmp(back, "old", 3) == 0);
    CHECK_EQ_INT(hv_vault_blind(v, "doc", "P1234567", 8), blind_before);

    /* A freshly opened vault sees every key and the same current one. */
    struct hv_vault *w = NULL;
    CHECK_OK(hv_vault_open(st, &src, &w, NULL));
    if (w != NULL) {
        CHECK_EQ_INT(hv_vault_current_key_id(w), new_id);
        CHECK_OK(hv_vault_unseal(w, &AD_GIVEN, old_sealed, sizeof(old_sealed), back));
        CHECK_OK(hv_vault_unseal(w, &AD_GIVEN, new_sealed, sizeof(new_sealed), back));
        CHECK(memcmp(back, "new", 3) == 0);
    }

    /* Retire: old values stop opening, new ones still open, in this vault and a new one. */
    CHECK_OK(hv_vault_retire_old_keys(st, v, NULL));
    CHECK_EQ_INT(hv_vault_current_key_id(v), new_id);
    CHECK_EQ_INT(hv_vault_unseal(v, &AD_GIVEN, old_sealed, sizeof(old_sealed), back),
                 HV_ERR_CRYPTO);
    CHECK_OK(hv_vault_unseal(v, &AD_GIVEN, new_sealed, sizeof(new_sealed), back));
    int64_t n_data = -1;
    static const char sql_n[] = "SELECT COUNT(*) FROM vault_key WHERE purpose = 'data'";
    CHECK_OK(hv_store_query_int(st, sql_n, false, 0, -1, &n_data));
    CHECK_EQ_INT(n_data, 1);

    /* The other vault still holds the retired keys and now disagrees: it may not retire. */
    hv_vault_destroy(w);
    w = NULL;
    CHECK_OK(hv_vault_open(st, &src, &w, NULL));
    if (w != NULL) {
        CHECK_EQ_INT(hv_vault_unseal(w, &AD_GIVEN, old_sealed, sizeof(old_sealed), back),
                     HV_ERR_CRYPTO);
        CHECK_OK(hv_vault_unseal(w, &AD_GIVEN, new_sealed, sizeof(new_sealed), back));
        /* w rotates, then v (stale) may not retire the key w made current. */
        uint32_t id2 = 0;
        CHECK_OK(hv_vault_rotate_data_key(st, w, &id2, NULL));
        CHECK_EQ_INT(hv_vault_retire_old_keys(st, v, NULL), HV_ERR_CONFLICT);
        CHECK_OK(hv_vault_unseal(w, &AD_GIVEN, new_sealed, sizeof(new_sealed), back));
    }
    hv_vault_destroy(w);

    /* Key changes refuse to run inside a caller's transaction. */
    CHECK_OK(hv_store_begin(st));
    uint32_t id3 = 0;
    CHECK_EQ_INT(hv_vault_rotate_data_key(st, v, &id3, NULL), HV_ERR_INTERNAL);
    hv_store_rollback(st);
    hv_vault_destroy(v);
    hv_store_close(st);
}

/* Raw rows of vault_key, copied, to look for them in the file later. */
struct wrapped_rows {
    size_t n;
    uint8_t bytes[8][128];
    size_t len[8];
};

static void read_wrapped(struct hv_store *st, struct wrapped_rows *w)
{
    static const char sql[] = "SELECT wrapped FROM vault_key ORDER BY id";
    struct hv_stmt *s = NULL;
    w->n = 0;
    if (hv_store_stmt(st, sql, &s) != HV_OK) {
        return;
    }
    bool row = true;
    while (hv_stmt_step(s, &row) == HV_OK && row && w->n < 8) {
        struct hv_str b = hv_stmt_col_blob(s, 0);
        if (b.len <= sizeof(w->bytes[0])) {
            memcpy(w->bytes[w->n], b.ptr, b.len);
            w->len[w->n] = b.len;
            w->n++;
        }
    }
}

static void test_shred(void)
{
    const char *db = tmp_path("shred.db");
    char side[200];
    unlink(db);
    snprintf(side, sizeof(side), "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", db);
    unlink(side);
    const char *kf = tmp_path("shred.key");
    unlink(kf);
    CHECK_OK(hv_vault_keyfile_create(kf, NULL));
    struct hv_vault_key_source src = { .key_file = kf };
    struct hv_store *st = open_store(db);
    CHECK(st != NULL);
    if (st == NULL) {
        return;
    }
    CHECK_OK(hv_vault_setup(st, &src, NULL));
    struct hv_vault *v = NULL;
    CHECK_OK(hv_vault_open(st, &src, &v, NULL));
    if (v == NULL) {
        hv_store_close(st);
        return;
    }
    uint32_t rotated = 0;
    CHECK_OK(hv_vault_rotate_data_key(st, v, &rotated, NULL));

    /* Sealed values stored in the database, and a plaintext draft that was deleted. */
    static const char secret[] = "Gulalai Safi, tazkira 1400-0101-55555";
    static const char draft[] = "DRAFT-PLAINTEXT-Shabnam Noori 1987";
    CHECK_OK(hv_store_exec(st, "CREATE TABLE scratch (id INTEGER PRIMARY KEY, v BLOB)"));
    static const char sql_ins[] = "INSERT INTO scratch (id, v) VALUES (?1, ?2)";
    struct hv_stmt *s = NULL;
    uint8_t sealed[sizeof(secret) - 1 + HV_SEAL_OVERHEAD];
    for (int i = 1; i <= 3; i++) {
        struct hv_seal_ad ad = { "scratch", "v", i };
        CHECK_OK(hv_vault_seal(v, &ad, secret, sizeof(secret) - 1, sealed));
        CHECK_OK(hv_store_stmt(st, sql_ins, &s));
        CHECK_OK(hv_stmt_bind_int(s, 1, i));
        CHECK_OK(hv_stmt_bind_blob(s, 2, sealed, sizeof(sealed)));
        CHECK_OK(hv_stmt_run(s));
    }
    CHECK_OK(hv_store_stmt(st, sql_ins, &s));
    CHECK_OK(hv_stmt_bind_int(s, 1, 99));
    CHECK_OK(hv_stmt_bind_blob(s, 2, draft, sizeof(draft) - 1));
    CHECK_OK(hv_stmt_run(s));
    CHECK_OK(hv_store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)"));

    struct wrapped_rows rows;
    read_wrapped(st, &rows);
    CHECK_EQ_INT(rows.n, 3); /* data 1, index 2, data 3 */
    /* Sanity check that the search works: before shredding, the bytes are in the file. */
    for (size_t i = 0; i < rows.n; i++) {
        CHECK(db_files_contain(db, rows.bytes[i], rows.len[i]));
    }
    CHECK(db_files_contain(db, draft, sizeof(draft) - 1));
    CHECK(!db_files_contain(db, secret, sizeof(secret) - 1));
    /* The vault must not rely on the store's secure_delete: with it off, the deleted rows
     * stay in their pages until the VACUUM of hv_vault_shred rebuilds the file. */
    CHECK_OK(hv_store_exec(st, "PRAGMA secure_delete=OFF"));
    CHECK_OK(hv_store_exec(st, "DELETE FROM scratch WHERE id = 99"));

    /* Shredding refuses to run inside a transaction. */
    CHECK_OK(hv_store_begin(st));
    CHECK_EQ_INT(hv_vault_shred(st, kf, NULL), HV_ERR_INTERNAL);
    hv_store_rollback(st);
    CHECK(access(kf, F_OK) == 0);

    struct hv_diag d;
    hv_diag_clear(&d);
    CHECK_OK(hv_vault_shred(st, kf, &d));
    CHECK(access(kf, F_OK) != 0);

    for (size_t i = 0; i < rows.n; i++) {
        CHECK(!db_files_contain(db, rows.bytes[i], rows.len[i]));
    }
    CHECK(!db_files_contain(db, secret, sizeof(secret) - 1));
    CHECK(!db_files_contain(db, draft, sizeof(draft) - 1));
    /* The ciphertext is still there, and nobody can open it. */
    int64_t n_scratch = 0;
    static const char sql_n[] = "SELECT COUNT(*) FROM scratch";
    CHECK_OK(hv_store_query_int(st, sql_n, false, 0, -1, &n_scratch));
    CHECK_EQ_INT(n_scratch, 3);

    /* Even with a copy of the old key file, opening now fails with the shredded message. */
    struct hv_vault *w = NULL;
    const char *kf2 = tmp_path("shred-after.key");
    unlink(kf2);
    CHECK_OK(hv_vault_keyfile_create(kf2, NULL));
    struct hv_vault_key_source src2 = { .key_file = kf2 };
    hv_diag_clear(&d);
    CHECK_EQ_INT(hv_vault_open(st, &src2, &w, &d), HV_ERR_CRYPTO);
    CHECK(strncmp(d.msg, "the keys of this database were shredded on ", 43) == 0);
    CHECK(strstr(d.msg, ": its sealed data cannot be read") != NULL);
    CHECK(w == NULL);
    /* It cannot be set up again either, and shredding again is harmless. */
    CHECK_EQ_INT(hv_vault_setup(st, &src2, NULL), HV_ERR_CONFLICT);
    CHECK_OK(hv_vault_shred(st, NULL, NULL));
    hv_vault_destroy(v);
    hv_store_close(st);

    /* After closing too, nothing came back. */
    for (size_t i = 0; i < rows.n; i++) {
        CHECK(!db_files_contain(db, rows.bytes[i], rows.len[i]));
    }
    st = open_store(db);
    CHECK(st != NULL);
    if (st != NULL) {
        hv_diag_clear(&d);
        CHECK_EQ_INT(hv_vault_open(st, &src2, &w, &d), HV_ERR_CRYPTO);
        CHECK(strstr(d.msg, "shredded") != NULL);
        hv_store_close(st);
    }

    /* A database without keys is not shredded, and the key file is left alone. */
    st = open_store(":memory:");
    CHECK(st != NULL);
    if (st != NULL) {
        CHECK_EQ_INT(hv_vault_shred(st, kf2, NULL), HV_ERR_NOTFOUND);
        CHECK(access(kf2, F_OK) == 0);
        hv_store_close(st);
    }
}

static void test_blind_and_hash(void)
{
    struct hv_vault_key_source s1, s2;
    struct hv_store *st1 = keyed_store("bl1.key", &s1);
    struct hv_store *st2 = keyed_store("bl2.key", &s2);
    struct hv_vault *v1 = NULL, *v2 = NULL, *v1b = NULL;
    CHECK(st1 != NULL && st2 != NULL);
    if (st1 == NULL || st2 == NULL || hv_vault_open(st1, &s1, &v1, NULL) != HV_OK ||
        hv_vault_open(st2, &s2, &v2, NULL) != HV_OK ||
        hv_vault_open(st1, &s1, &v1b, NULL) != HV_OK) {
        CHECK(false);
        goto out;
    }
    int64_t a = hv_vault_blind(v1, "name", "nasir", 5);
    CHECK_EQ_INT(hv_vault_blind(v1, "name", "nasir", 5), a);
    CHECK_EQ_INT(hv_vault_blind(v1b, "name", "nasir", 5), a); /* same database, reopened */
    CHECK(hv_vault_blind(v1, "doc", "nasir", 5) != a);
    CHECK(hv_vault_blind(v1, "name", "nasim", 5) != a);
    /* Only the n bytes given count. */
    CHECK_EQ_INT(hv_vault_blind(v1, "name", "nasir", 4), hv_vault_blind(v1, "name", "nasi", 4));
    CHECK(hv_vault_blind(v2, "name", "nasir", 5) != a);
    /* Domain and value do not run into each other. */
    CHECK(hv_vault_blind(v1, "na", "menasir", 7) != hv_vault_blind(v1, "name", "nasir", 5));

    uint8_t m1[32], m2[32], m3[32];
    hv_vault_mac(v1, "row", 3, m1);
    hv_vault_mac(v1b, "row", 3, m2);
    CHECK(memcmp(m1, m2, 32) == 0);
    hv_vault_mac(v1, "rov", 3, m2);
    CHECK(memcmp(m1, m2, 32) != 0);
    hv_vault_mac(v2, "row", 3, m3);
    CHECK(memcmp(m1, m3, 32) != 0);

    /* BLAKE2b-256 test vectors. */
    static const uint8_t empty_hash[32] = {
        0x0e, 0x57, 0x51, 0xc0, 0x26, 0xe5, 0x43, 0xb2, 0xe8, 0xab, 0x2e,
        0xb0, 0x60, 0x99, 0xda, 0xa1, 0xd1, 0xe5, 0xdf, 0x47, 0x77, 0x8f,
        0x77, 0x87, 0xfa, 0xab, 0x45, 0xcd, 0xf1, 0x2f, 0xe3, 0xa8,
    };
    static const uint8_t abc_hash[32] = {
        0xbd, 0xdd, 0x81, 0x3c, 0x63, 0x42, 0x39, 0x72, 0x31, 0x71, 0xef,
        0x3f, 0xee, 0x98, 0x57, 0x9b, 0x94, 0x96, 0x4e, 0x3b, 0xb1, 0xcb,
        0x3e, 0x42, 0x72, 0x62, 0xc8, 0xc0, 0x68, 0xd5, 0x23, 0x19,
    };
    uint8_t h[32];
    hv_hash("", 0, h);
    CHECK(memcmp(h, empty_hash, 32) == 0);
    hv_hash("abc", 3, h);
    CHECK(memcmp(h, abc_hash, 32) == 0);
    struct hv_hash hs;
    hv_hash_init(&hs);
    hv_hash_update(&hs, "a", 1);
    hv_hash_update(&hs, "", 0);
    hv_hash_update(&hs, "bc", 2);
    hv_hash_final(&hs, h);
    CHECK(memcmp(h, abc_hash, 32) == 0);
out:
    hv_vault_destroy(v1);
    hv_vault_destroy(v1b);
    hv_vault_destroy(v2);
    hv_store_close(st1);
    hv_store_close(st2);
}

/* Seals n bytes of data with v into a heap buffer. */
static bool seal_to_memory(const struct hv_vault *v, const uint8_t *data, size_t n, size_t piece,
                           char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = open_memstream(buf, len);
    if (f == NULL) {
        return false;
    }
    struct hv_vault_writer *w = NULL;
    bool ok = hv_vault_writer_create(v, f, &w, NULL) == HV_OK;
    for (size_t off = 0; ok && off < n; off += piece) {
        size_t k = n - off < piece ? n - off : piece;
        ok = hv_vault_writer_write(w, data + off, k) == HV_OK;
    }
    if (ok) {
        ok = hv_vault_writer_close(w) == HV_OK;
    } else {
        hv_vault_writer_abort(w);
    }
    fclose(f);
    return ok;
}

static enum hv_err open_from_memory(const struct hv_vault_key_source *src, const void *buf,
                                    size_t len, char **out, size_t *out_len, struct hv_diag *d)
{
    /* fmemopen refuses a zero size, so hand it one spare byte it never reaches. */
    static char empty[1];
    FILE *f = len == 0 ? fmemopen(empty, 1, "rb") : fmemopen((void *)buf, len, "rb");
    if (f == NULL) {
        return HV_ERR_IO;
    }
    if (len == 0) {
        fgetc(f); /* at end: behaves as an empty file */
    }
    enum hv_err err = hv_vault_read_sealed_file(src, f, out, out_len, d);
    fclose(f);
    return err;
}

static void check_sealed_round_trip(const struct hv_vault *v, const struct hv_vault_key_source *src,
                                    size_t n, size_t piece)
{
    uint8_t *data = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        data[i] = (uint8_t)(i * 31 + (i >> 9));
    }
    char *buf = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    CHECK(seal_to_memory(v, data, n, piece, &buf, &len));
    CHECK(len > n);
    CHECK(hv_vault_is_sealed_file(buf, len));
    CHECK_OK(open_from_memory(src, buf, len, &out, &out_len, NULL));
    CHECK_EQ_INT(out_len, n);
    CHECK(out != NULL && memcmp(out, data, n) == 0);
    free(out);
    free(buf);
    free(data);
}

static void test_sealed_file(void)
{
    struct hv_vault_key_source src;
    struct hv_store *st = keyed_store("sf.key", &src);
    struct hv_vault *v = NULL;
    CHECK(st != NULL);
    if (st == NULL || hv_vault_open(st, &src, &v, NULL) != HV_OK) {
        CHECK(false);
        hv_store_close(st);
        return;
    }
    check_sealed_round_trip(v, &src, 0, 1);
    check_sealed_round_trip(v, &src, 1, 1);
    check_sealed_round_trip(v, &src, 65536, 65536);    /* exactly one chunk */
    check_sealed_round_trip(v, &src, 65537, 1000);     /* one byte into a second */
    check_sealed_round_trip(v, &src, 3 * 65536, 7777); /* exact multiple, odd pieces */
    check_sealed_round_trip(v, &src, 200001, 200001);  /* one big write */

    /* The plaintext does not appear in the file. */
    static const char text[] = "{\"given_name\":\"Mohammad Nasir\",\"birth_date\":\"1984\"}";
    char *buf = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    CHECK(seal_to_memory(v, (const uint8_t *)text, sizeof(text) - 1, 5, &buf, &len));
    CHECK(!contains((const uint8_t *)buf, len, "Nasir", 5));
    CHECK_OK(open_from_memory(&src, buf, len, &out, &out_len, NULL));
    CHECK(out_len == sizeof(text) - 1 && memcmp(out, text, out_len) == 0);
    CHECK(out != NULL && out[out_len] == '\0');
    free(out);
    out = NULL;

    struct hv_diag d;

    /* Every truncation fails, including a clean cut that drops the whole final chunk. */
    int n_failed = 0;
    for (size_t cut = 0; cut < len; cut++) {
        enum hv_err err = open_from_memory(&src, buf, cut, &out, &out_len, NULL);
        n_failed += err != HV_OK;
        if (cut >= 9 && err != HV_ERR_CRYPTO) {
            fprintf(stderr, "truncated at %zu: %s\n", cut, hv_err_str(err));
        }
        CHECK(out == NULL && out_len == 0);
    }
    CHECK_EQ_INT(n_failed, len);

    /* A multi-chunk file cut anywhere fails too, above all exactly between chunks (where
     * every chunk read so far is genuine and only the FINAL one is missing). */
    size_t big_n = 2 * 65536 + 100;
    uint8_t *big = calloc(1, big_n);
    char *bigbuf = NULL;
    size_t biglen = 0;
    CHECK(big != NULL && seal_to_memory(v, big, big_n, 4096, &bigbuf, &biglen));
    size_t header = biglen - big_n - 3 * 17;
    size_t cuts[] = { header,
                      header + 1,
                      header + 65536 + 17,
                      header + 2 * (65536 + 17),
                      header + 2 * (65536 + 17) + 17,
                      biglen - 1,
                      header + 65536 + 16 };
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        CHECK(cuts[i] < biglen);
        CHECK_EQ_INT(open_from_memory(&src, bigbuf, cuts[i], &out, &out_len, NULL), HV_ERR_CRYPTO);
    }
    /* Chunks reordered. */
    char *swapped = malloc(biglen);
    memcpy(swapped, bigbuf, biglen);
    memcpy(swapped + header, bigbuf + header + 65536 + 17, 65536 + 17);
    memcpy(swapped + header + 65536 + 17, bigbuf + header, 65536 + 17);
    CHECK_EQ_INT(open_from_memory(&src, swapped, biglen, &out, &out_len, NULL), HV_ERR_CRYPTO);
    CHECK_OK(open_from_memory(&src, bigbuf, biglen, &out, &out_len, NULL));
    free(out);
    out = NULL;
    free(swapped);
    free(bigbuf);
    free(big);

    /* Every altered byte fails. */
    char *copy = malloc(len);
    n_failed = 0;
    for (size_t i = 0; i < len; i++) {
        memcpy(copy, buf, len);
        copy[i] ^= 0x20;
        enum hv_err err = open_from_memory(&src, copy, len, &out, &out_len, NULL);
        n_failed += err != HV_OK;
        if (i >= 9) {
            n_failed -= err != HV_ERR_CRYPTO; /* past magic and kind it must be a crypto error */
        }
    }
    CHECK_EQ_INT(n_failed, len);
    free(copy);

    /* Data after the end. */
    copy = malloc(len + 1);
    memcpy(copy, buf, len);
    copy[len] = '\n';
    CHECK_EQ_INT(open_from_memory(&src, copy, len + 1, &out, &out_len, NULL), HV_ERR_CRYPTO);
    free(copy);
    /* ... also when the final chunk is a full one, so the extra byte is read on its own. */
    big = calloc(1, 65536);
    CHECK(big != NULL && seal_to_memory(v, big, 65536, 65536, &bigbuf, &biglen));
    bigbuf = realloc(bigbuf, biglen + 1);
    bigbuf[biglen] = 'x';
    CHECK_OK(open_from_memory(&src, bigbuf, biglen, &out, &out_len, NULL));
    CHECK_EQ_INT(out_len, 65536);
    free(out);
    out = NULL;
    hv_diag_clear(&d);
    CHECK_EQ_INT(open_from_memory(&src, bigbuf, biglen + 1, &out, &out_len, &d), HV_ERR_CRYPTO);
    CHECK_EQ_STR(d.msg, "the sealed file has data after its end");
    free(bigbuf);
    free(big);

    /* Wrong key file, and a passphrase for a key-file sealed file. */
    const char *other = tmp_path("sf-other.key");
    unlink(other);
    CHECK_OK(hv_vault_keyfile_create(other, NULL));
    struct hv_vault_key_source wrong = { .key_file = other };
    hv_diag_clear(&d);
    CHECK_EQ_INT(open_from_memory(&wrong, buf, len, &out, &out_len, &d), HV_ERR_CRYPTO);
    CHECK_EQ_STR(d.msg, "the key does not open this file (wrong key file or passphrase)");
    struct hv_vault_key_source pass = { .passphrase = "not this" };
    CHECK_EQ_INT(open_from_memory(&pass, buf, len, &out, &out_len, NULL), HV_ERR_CRYPTO);

    /* Not a sealed file at all. */
    hv_diag_clear(&d);
    CHECK_EQ_INT(open_from_memory(&src, text, sizeof(text) - 1, &out, &out_len, &d),
                 HV_ERR_INVALID);
    CHECK(!hv_vault_is_sealed_file(text, sizeof(text) - 1));
    CHECK(!hv_vault_is_sealed_file(buf, 7));
    free(buf);
    buf = NULL;

    /* The file follows the master key: a rewrap to a passphrase makes new files open with
     * the passphrase (salt in the header) and not with the old key file. */
    struct hv_vault_key_source pp = { .passphrase = "sealed file passphrase" };
    CHECK_OK(hv_vault_rewrap(st, v, &pp, NULL));
    CHECK(seal_to_memory(v, (const uint8_t *)text, sizeof(text) - 1, 64, &buf, &len));
    CHECK_OK(open_from_memory(&pp, buf, len, &out, &out_len, NULL));
    CHECK(out != NULL && out_len == sizeof(text) - 1 && memcmp(out, text, out_len) == 0);
    free(out);
    out = NULL;
    struct hv_vault_key_source pp_wrong = { .passphrase = "sealed file passphrasE" };
    CHECK_EQ_INT(open_from_memory(&pp_wrong, buf, len, &out, &out_len, NULL), HV_ERR_CRYPTO);
    CHECK_EQ_INT(open_from_memory(&src, buf, len, &out, &out_len, NULL), HV_ERR_CRYPTO);
    /* An absurd memory limit in the header is refused without trying to allocate it. */
    char *forged = malloc(len);
    memcpy(forged, buf, len);
    forged[9 + 16 + 8 + 7] = 0x7f; /* memlimit's top byte */
    CHECK_EQ_INT(open_from_memory(&pp, forged, len, &out, &out_len, NULL), HV_ERR_CRYPTO);
    free(forged);
    free(buf);

    hv_vault_destroy(v);
    hv_store_close(st);
}

static void cleanup_dir(void)
{
    static const char *const names[] = {
        "k-file.key",   "k-file2.key",    "k-short.key",     "k-missing.key", "so.key",
        "so-other.key", "seal.key",       "seal2.key",       "pass-kf.key",   "rw-a.key",
        "rw-b.key",     "rw-missing.key", "rot.key",         "shred.db",      "shred.db-wal",
        "shred.db-shm", "shred.key",      "shred-after.key", "bl1.key",       "bl2.key",
        "sf.key",       "sf-other.key",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        unlink(tmp_path(names[i]));
    }
    rmdir(tmpdir);
}

int main(void)
{
    /* Argon2id at its minimum so that the passphrase tests take milliseconds. */
    setenv("HV_TEST_FAST_KDF", "1", 1);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hv-vault-XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_keyfile);
    RUN(test_setup_and_open);
    RUN(test_seal);
    RUN(test_passphrase);
    RUN(test_rewrap);
    RUN(test_rotate);
    RUN(test_shred);
    RUN(test_blind_and_hash);
    RUN(test_sealed_file);
    cleanup_dir();
    return test_report();
}
