/* name_index.c - posting lists of person ids per blind name token, in blocks of 4,096 ids.
 * Bulk imports merge whole blocks at once; single edits rewrite one small block.
 * SPDX-License-Identifier: Apache-2.0 */
#include "registry/name_index.h"

#include <stdlib.h>
#include <string.h>

#include "haven/buf.h"
#include "haven/store.h"

#define BLOCK_SHIFT 12
#define BLOCK_MASK  ((1 << BLOCK_SHIFT) - 1)

static const char get_sql[] = "SELECT ids FROM person_name_bi WHERE bi = ?1 AND block = ?2";
static const char put_sql[] =
    "INSERT OR REPLACE INTO person_name_bi (bi, block, ids) VALUES (?1, ?2, ?3)";
static const char del_sql[] = "DELETE FROM person_name_bi WHERE bi = ?1 AND block = ?2";
static const char lookup_sql[] =
    "SELECT block, ids FROM person_name_bi WHERE bi = ?1 ORDER BY block";

/* Reads one block's offsets into out (capacity 4096); *n = 0 when there is none. */
static enum hv_err read_block(struct hv_ctx *ctx, int64_t bi, int64_t block, uint16_t *out,
                              size_t *n)
{
    struct hv_stmt *s = NULL;
    bool row = false;
    enum hv_err err = hv_store_stmt(ctx->store, get_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, bi);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, block);
    if (err == HV_OK)
        err = hv_stmt_step(s, &row);
    *n = 0;
    if (err != HV_OK || !row)
        return err;
    struct hv_str b = hv_stmt_col_blob(s, 0);
    size_t count = b.len / 2;
    if (count > (1u << BLOCK_SHIFT))
        return HV_ERR_DB;
    for (size_t i = 0; i < count; i++)
        out[i] = (uint16_t)((unsigned char)b.ptr[2 * i] | ((unsigned char)b.ptr[2 * i + 1] << 8));
    *n = count;
    return HV_OK;
}

static enum hv_err write_block(struct hv_ctx *ctx, int64_t bi, int64_t block, const uint16_t *ids,
                               size_t n)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, n ? put_sql : del_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, bi);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 2, block);
    if (err == HV_OK && n) {
        uint8_t packed[2u << BLOCK_SHIFT];
        for (size_t i = 0; i < n; i++) {
            packed[2 * i] = (uint8_t)(ids[i] & 0xff);
            packed[2 * i + 1] = (uint8_t)(ids[i] >> 8);
        }
        err = hv_stmt_bind_blob(s, 3, packed, 2 * n);
    }
    if (err == HV_OK)
        err = hv_stmt_run(s);
    return err;
}

/* Merges the sorted offsets add[0..n_add) into the block (dropping duplicates). */
static enum hv_err merge_into_block(struct hv_ctx *ctx, int64_t bi, int64_t block,
                                    const uint16_t *add, size_t n_add)
{
    uint16_t old[1u << BLOCK_SHIFT], merged[1u << BLOCK_SHIFT];
    size_t n_old = 0, n = 0, i = 0, j = 0;
    enum hv_err err = read_block(ctx, bi, block, old, &n_old);
    if (err != HV_OK)
        return err;
    while (i < n_old || j < n_add) {
        uint16_t v;
        if (j >= n_add || (i < n_old && old[i] <= add[j]))
            v = old[i++];
        else
            v = add[j++];
        if (n == 0 || merged[n - 1] != v)
            merged[n++] = v;
    }
    return write_block(ctx, bi, block, merged, n);
}

enum hv_err hv__name_index_add(struct hv_ctx *ctx, int64_t bi, int64_t person_id)
{
    uint16_t off = (uint16_t)(person_id & BLOCK_MASK);
    return merge_into_block(ctx, bi, person_id >> BLOCK_SHIFT, &off, 1);
}

enum hv_err hv__name_index_remove(struct hv_ctx *ctx, int64_t bi, int64_t person_id)
{
    uint16_t ids[1u << BLOCK_SHIFT];
    size_t n = 0, kept = 0;
    int64_t block = person_id >> BLOCK_SHIFT;
    uint16_t off = (uint16_t)(person_id & BLOCK_MASK);
    enum hv_err err = read_block(ctx, bi, block, ids, &n);
    if (err != HV_OK || n == 0)
        return err;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] != off)
            ids[kept++] = ids[i];
    }
    return kept == n ? HV_OK : write_block(ctx, bi, block, ids, kept);
}

static int pair_order(const void *a, const void *b)
{
    const struct hv__name_pair *x = a, *y = b;
    if (x->bi != y->bi)
        return x->bi < y->bi ? -1 : 1;
    return (x->person_id > y->person_id) - (x->person_id < y->person_id);
}

enum hv_err hv__name_index_add_many(struct hv_ctx *ctx, struct hv__name_pair *pairs, size_t n)
{
    qsort(pairs, n, sizeof(*pairs), pair_order);
    uint16_t offs[1u << BLOCK_SHIFT];
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < n && err == HV_OK;) {
        int64_t bi = pairs[i].bi, block = pairs[i].person_id >> BLOCK_SHIFT;
        size_t k = 0;
        while (i < n && pairs[i].bi == bi && (pairs[i].person_id >> BLOCK_SHIFT) == block) {
            uint16_t off = (uint16_t)(pairs[i].person_id & BLOCK_MASK);
            if (k == 0 || offs[k - 1] != off)
                offs[k++] = off;
            i++;
        }
        err = merge_into_block(ctx, bi, block, offs, k);
    }
    return err;
}

enum hv_err hv__name_index_lookup(struct hv_ctx *ctx, struct hv_arena *a, int64_t bi, int64_t **ids,
                                  size_t *n)
{
    struct hv_stmt *s = NULL;
    enum hv_err err = hv_store_stmt(ctx->store, lookup_sql, &s);
    if (err == HV_OK)
        err = hv_stmt_bind_int(s, 1, bi);
    size_t cap = 0, used = 0;
    int64_t *out = NULL;
    while (err == HV_OK) {
        bool row = false;
        err = hv_stmt_step(s, &row);
        if (err != HV_OK || !row)
            break;
        int64_t block = hv_stmt_col_int(s, 0);
        struct hv_str b = hv_stmt_col_blob(s, 1);
        size_t count = b.len / 2;
        if (used + count > cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            while (ncap < used + count)
                ncap *= 2;
            int64_t *grown = hv_arena_alloc_array(a, ncap, sizeof(*grown));
            if (grown == NULL) {
                err = HV_ERR_LIMIT;
                break;
            }
            if (used)
                memcpy(grown, out, used * sizeof(*out));
            out = grown;
            cap = ncap;
        }
        for (size_t i = 0; i < count; i++) {
            int64_t off = (unsigned char)b.ptr[2 * i] | ((unsigned char)b.ptr[2 * i + 1] << 8);
            out[used++] = (block << BLOCK_SHIFT) | off;
        }
    }
    *ids = out;
    *n = used;
    return err;
}
