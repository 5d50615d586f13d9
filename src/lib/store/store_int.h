/* store_int.h - the backend ops table behind include/haven/store.h, and the shared store
 * object. Each backend (sqlite.c, later pg.c) fills one struct hv_store_ops.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_STORE_INT_H
#define HV_STORE_INT_H

#include "haven/store.h"
#include "store/migrations_int.h"

struct hv_stmt {
    struct hv_store *st;
    void *impl;      /* backend statement */
    const void *key; /* the address this statement is cached under (usually its SQL) */
};

struct hv_store_ops {
    const char *name;
    HV_MUST_CHECK enum hv_err (*open)(struct hv_store *st, const char *location,
                                      const struct hv_store_options *opt, struct hv_diag *diag);
    void (*close)(struct hv_store *st);
    HV_MUST_CHECK enum hv_err (*exec)(struct hv_store *st, const char *sql);
    HV_MUST_CHECK enum hv_err (*prepare)(struct hv_store *st, const char *sql, void **impl);
    void (*finalize)(void *impl);
    void (*reset)(void *impl);
    HV_MUST_CHECK enum hv_err (*bind_int)(struct hv_stmt *s, int idx, int64_t v);
    HV_MUST_CHECK enum hv_err (*bind_double)(struct hv_stmt *s, int idx, double v);
    HV_MUST_CHECK enum hv_err (*bind_text)(struct hv_stmt *s, int idx, struct hv_str v);
    HV_MUST_CHECK enum hv_err (*bind_blob)(struct hv_stmt *s, int idx, const void *p, size_t n);
    HV_MUST_CHECK enum hv_err (*bind_null)(struct hv_stmt *s, int idx);
    HV_MUST_CHECK enum hv_err (*step)(struct hv_stmt *s, bool *row);
    int64_t (*col_int)(struct hv_stmt *s, int i);
    double (*col_double)(struct hv_stmt *s, int i);
    struct hv_str (*col_text)(struct hv_stmt *s, int i);
    struct hv_str (*col_blob)(struct hv_stmt *s, int i);
    bool (*col_is_null)(struct hv_stmt *s, int i);
    int64_t (*changes)(struct hv_store *st);
    const char *begin_sql;
    const struct hv__migration *migrations;
};

#define HV_STORE_STMT_CACHE 512 /* open-addressing slots; a power of two */

struct hv_store {
    const struct hv_store_ops *ops;
    void *impl;                  /* backend connection */
    const struct hv_logger *log; /* borrowed */
    bool in_tx;
    struct hv_stmt *cache[HV_STORE_STMT_CACHE];
    size_t n_cached;
};

extern const struct hv_store_ops hv__store_sqlite_ops;

#endif
