/* fuzz_sealed_file.c - feeds arbitrary bytes to the sealed-file reader, opened with a fixed
 * test key file (created once per process in /tmp, removed at exit). The corpus seeds in
 * corpus/sealed_file/ were sealed under that same fixed key, so they reach the chunk loop.
 * SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "haven/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char key_path[64];

static void remove_key(void)
{
    if (key_path[0] != '\0') {
        unlink(key_path);
    }
}

/* The fixed key: byte i is 0xA5 ^ (29 * i). Never a real key. */
static const char *test_key_file(void)
{
    if (key_path[0] != '\0') {
        return key_path;
    }
    snprintf(key_path, sizeof(key_path), "/tmp/hv-fuzz-sealed-file-%ld.key", (long)getpid());
    unlink(key_path);
    int fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror("fuzz_sealed_file: cannot create the test key file");
        abort();
    }
    uint8_t key[32];
    for (size_t i = 0; i < sizeof(key); i++) {
        key[i] = (uint8_t)(0xA5u ^ (29u * i));
    }
    if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) || close(fd) != 0) {
        perror("fuzz_sealed_file: cannot write the test key file");
        abort();
    }
    atexit(remove_key);
    return key_path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_vault_key_source src = { .key_file = test_key_file() };
    /* fmemopen may refuse a zero size: give it one byte and consume it first. */
    static char one[1];
    FILE *f = size == 0 ? fmemopen(one, 1, "rb") : fmemopen((void *)data, size, "rb");
    if (f == NULL) {
        return 0;
    }
    if (size == 0 && fgetc(f) == EOF) {
        fclose(f);
        return 0;
    }
    char *out = NULL;
    size_t out_len = 0;
    struct hv_diag d;
    hv_diag_clear(&d);
    enum hv_err err = hv_vault_read_sealed_file(&src, f, &out, &out_len, &d);
    fclose(f);
    if (err == HV_OK) {
        /* Touch every byte so that a bad length shows up under ASan. */
        volatile uint8_t sink = 0;
        for (size_t i = 0; i <= out_len; i++) {
            sink ^= (uint8_t)out[i]; /* out[out_len] is the terminating NUL */
        }
        (void)sink;
        free(out);
    } else if (out != NULL || out_len != 0) {
        abort(); /* a failed read must hand nothing back */
    }
    return 0;
}
