/* ctx.h - the context passed down every call that touches shared state: no globals.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_CTX_H
#define HV_CTX_H

#include "haven/clock.h"
#include "haven/log.h"
#include "haven/progress.h"

struct hv_store;
struct hv_vault;

struct hv_ctx {
    struct hv_store *store;      /* borrowed; open for the context's lifetime */
    struct hv_vault *vault;      /* borrowed; NULL when no key was given (sealed reads fail) */
    struct hv_clock clock;       /* injectable for tests */
    const struct hv_logger *log; /* may be NULL */
    struct hv_progress progress; /* long jobs report here */
    const char *actor;           /* who is acting, recorded in the audit chain; NUL-terminated */
};

#endif
