/* utf8.c - strict UTF-8 validation and code point counting.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/str.h"

/* Length of the valid sequence at p[0..len), or 0 when it is invalid (overlong, surrogate,
 * above U+10FFFF, truncated or a stray continuation byte). */
static size_t seq_len(const unsigned char *p, size_t len)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2) /* continuation byte, or the overlong leads C0 and C1 */
        return 0;
    if (c < 0xE0) {
        if (len < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (len < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && p[1] < 0xA0) /* overlong */
            return 0;
        if (c == 0xED && p[1] >= 0xA0) /* UTF-16 surrogates U+D800..U+DFFF */
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (len < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90) /* overlong */
            return 0;
        if (c == 0xF4 && p[1] >= 0x90) /* above U+10FFFF */
            return 0;
        return 4;
    }
    return 0;
}

bool hv_utf8_valid(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    while (i < len) {
        size_t n = seq_len(u + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

size_t hv_utf8_count(const char *p, size_t len)
{
    /* Every byte that is not a continuation byte starts a code point. */
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            n++;
    }
    return n;
}
