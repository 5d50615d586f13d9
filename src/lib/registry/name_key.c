/* name_key.c - the normalised form of a name token used by the blind name index: case
 * folded, Arabic letter variants unified, diacritics and tatweel dropped. The names engine
 * (issue: identity) does the fuzzy work; this only makes exact look-up forgiving of form.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include "registry/registry_int.h"

/* Decodes one code point of valid UTF-8 at p (len > 0); returns its length. */
static size_t decode(const unsigned char *p, size_t len, uint32_t *cp)
{
    if (p[0] < 0x80 || len < 2) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0) {
        *cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if ((p[0] & 0xF0) == 0xE0 && len >= 3) {
        *cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    if (len >= 4) {
        *cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
              ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        return 4;
    }
    *cp = p[0];
    return 1;
}

static size_t encode(uint32_t cp, char *out, size_t cap)
{
    if (cp < 0x80 && cap >= 1) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800 && cap >= 2) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000 && cap >= 3) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cap >= 4) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

/* Latin-1 letters with diacritics folded to their base letter (lower case). */
static uint32_t fold_latin1(uint32_t cp)
{
    static const char map[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyty"; /* U+00E0..U+00FF */
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        cp += 0x20;
    if (cp >= 0xE0 && cp <= 0xFF && cp != 0xF7)
        return (uint32_t)(unsigned char)map[cp - 0xE0];
    return cp;
}

size_t hv_registry_name_key(struct hv_str token, char *out, size_t out_cap)
{
    const unsigned char *p = (const unsigned char *)token.ptr;
    size_t used = 0;
    for (size_t i = 0; i < token.len;) {
        uint32_t cp;
        i += decode(p + i, token.len - i, &cp);
        if (cp >= 'A' && cp <= 'Z')
            cp += 32;
        cp = fold_latin1(cp);
        if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640)
            continue; /* harakat, superscript alef and tatweel are not written consistently */
        if (cp == 0x064A || cp == 0x0649)
            cp = 0x06CC; /* Arabic yeh and alef maksura -> Persian yeh */
        else if (cp == 0x0643)
            cp = 0x06A9; /* Arabic kaf -> keheh */
        else if (cp == 0x0622 || cp == 0x0623 || cp == 0x0625)
            cp = 0x0627; /* alef with hamza or madda -> alef */
        else if (cp == 0x0629)
            cp = 0x0647; /* teh marbuta -> heh */
        else if (cp == '\'' || cp == 0x2019 || cp == '`')
            continue;
        size_t n = encode(cp, out + used, out_cap - used);
        if (n == 0)
            break;
        used += n;
    }
    return used;
}

size_t hv__reg_blind_key(struct hv_str v, char *out, size_t cap)
{
    size_t used = 0;
    for (size_t i = 0; i < v.len && used < cap; i++) {
        char c = v.ptr[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80)
            out[used++] = c;
    }
    return used;
}
