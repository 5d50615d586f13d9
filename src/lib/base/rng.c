/* rng.c - xoshiro256** seeded through splitmix64: a fast deterministic generator for
 * simulations and demo data, never for secrets (use hv_random_bytes for those).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/clock.h"

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void hv_rng_seed(struct hv_rng *r, uint64_t seed)
{
    uint64_t st = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&st);
    /* splitmix64 cannot produce four zero words, but an all-zero state would be stuck. */
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1;
}

uint64_t hv_rng_next(struct hv_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t hv_rng_below(struct hv_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    /* Reject the lowest (2^64 mod n) values so every residue is equally likely. */
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = hv_rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

double hv_rng_unit(struct hv_rng *r)
{
    /* The top 53 bits fill a double's mantissa exactly. */
    return (double)(hv_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}
