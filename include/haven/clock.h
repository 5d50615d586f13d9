/* clock.h - injectable wall clock (seconds since the Unix epoch, UTC) and random bytes.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_CLOCK_H
#define HV_CLOCK_H

#include "haven/common.h"
#include "haven/err.h"

struct hv_clock {
    int64_t (*now)(void *ud); /* NULL means the system clock */
    void *ud;
};

int64_t hv_clock_now(const struct hv_clock *c);
/* Monotonic seconds for measuring durations. */
double hv_monotonic(void);
/* Formats t (UTC) as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void hv_time_format(int64_t t, char out[21]);
/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC) into seconds. */
HV_MUST_CHECK bool hv_time_parse(const char *z, int64_t *out);

/* Cryptographically secure random bytes from getrandom(2). */
HV_MUST_CHECK enum hv_err hv_random_bytes(void *buf, size_t n);

/* A small deterministic generator (xoshiro256**) for simulations and demo data: never for
 * secrets. */
struct hv_rng {
    uint64_t s[4];
};
void hv_rng_seed(struct hv_rng *r, uint64_t seed);
uint64_t hv_rng_next(struct hv_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t hv_rng_below(struct hv_rng *r, uint64_t n);
/* Uniform double in [0, 1). */
double hv_rng_unit(struct hv_rng *r);

#endif
