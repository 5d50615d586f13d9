/* normalize.c - first step of the names pipeline: UTF-8 in, NFKC + case folding through ICU,
 * marks (Latin diacritics, Arabic harakat, hamza and madda carriers) and tatweel removed,
 * Arabic letter variants unified (ي/ی, ك/ک, ة/ه, أ/إ/آ/ٱ -> ا), punctuation to spaces, and the
 * result split into tokens of one script each.
 * SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* NFKC expands some compatibility characters a lot (U+FDFA is 18 letters); beyond this the
 * input is refused rather than cut. */
#define WIDE_CAP (HV_NAMES_MAX_INPUT * 8)

/* Unifies Arabic-script letter variants to the Dari forms and maps the few Latin letters that
 * have no decomposition. Returns 0 to drop the code point. */
static UChar32 unify(UChar32 c)
{
    switch (c) {
    case 0x064A: /* Arabic yeh */
    case 0x0649: /* alef maksura */
    case 0x06D2: /* yeh barree */
        return 0x06CC;
    case 0x0643: /* Arabic kaf */
        return 0x06A9;
    case 0x0629: /* teh marbuta */
    case 0x06D5: /* ae */
    case 0x06C1: /* heh goal */
    case 0x06BE: /* heh doachashmee */
        return 0x0647;
    case 0x0671: /* alef wasla */
    case 0x0672:
    case 0x0673:
        return 0x0627;
    case 0x06AB: /* Pashto gaf with ring */
        return 0x06AF;
    case 0x0621: /* lone hamza: not a letter of the name's skeleton */
        return 0;
    case 0x00F8:
        return 'o';
    case 0x0111:
    case 0x00F0:
        return 'd';
    case 0x0142:
        return 'l';
    case 0x0131:
        return 'i';
    default:
        return c;
    }
}

/* Apostrophes and the letters used for ayn and hamza in romanisations vanish without splitting
 * the word (Mas'ud, Ma'ruf). */
static bool is_silent(UChar32 c)
{
    switch (c) {
    case '\'':
    case '`':
    case 0x2018:
    case 0x2019:
    case 0x00B4:
    case 0x02BB:
    case 0x02BC:
    case 0x02BE:
    case 0x02BF:
    case 0x0640: /* tatweel */
        return true;
    default:
        return false;
    }
}

static size_t put_utf8(char *out, size_t cap, size_t len, UChar32 c, bool *overflow)
{
    unsigned char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (unsigned char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (unsigned char)(0xC0 | (c >> 6));
        b[1] = (unsigned char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (c >> 12));
        b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (c >> 18));
        b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (c & 0x3F));
        n = 4;
    }
    if (len + n + 1 > cap) {
        *overflow = true;
        return len;
    }
    memcpy(out + len, b, n);
    return len + n;
}

static int script_of(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript(c, &st);
    if (U_FAILURE(st) || s == USCRIPT_COMMON || s == USCRIPT_INHERITED)
        return -1;
    if (s == USCRIPT_LATIN)
        return HV__SCRIPT_LATIN;
    if (s == USCRIPT_ARABIC)
        return HV__SCRIPT_ARABIC;
    return HV__SCRIPT_OTHER;
}

enum hv_err hv__names_normalize(struct hv_str input, char *norm, size_t norm_cap, size_t *norm_len,
                                struct hv__names_token *tokens, size_t *n_tokens)
{
    *norm_len = 0;
    *n_tokens = 0;
    if (norm_cap > 0)
        norm[0] = '\0';
    if (input.len > HV_NAMES_MAX_INPUT)
        return HV_ERR_LIMIT;
    if (input.len == 0)
        return HV_OK;

    UChar src[HV_NAMES_MAX_INPUT + 1];
    UChar folded[WIDE_CAP];
    UChar decomposed[WIDE_CAP];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8WithSub(src, (int32_t)HV_ARRAY_LEN(src), &n16, input.ptr, (int32_t)input.len,
                         0xFFFD, NULL, &st);
    if (U_FAILURE(st))
        return HV_ERR_LIMIT;
    const UNormalizer2 *nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    if (U_FAILURE(st))
        return HV_ERR_INTERNAL;
    int32_t nf = unorm2_normalize(nfkc_cf, src, n16, folded, WIDE_CAP, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
        return HV_ERR_LIMIT;
    st = U_ZERO_ERROR;
    int32_t nd = unorm2_normalize(nfd, folded, nf, decomposed, WIDE_CAP, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
        return HV_ERR_LIMIT;

    size_t len = 0;
    bool overflow = false;
    int cur_script = -2; /* -2: no token open */
    size_t tok_start = 0;
    int tok_script = -1;
    int32_t i = 0;
    while (i < nd) {
        UChar32 c;
        U16_NEXT(decomposed, i, nd, c);
        int8_t gc = (int8_t)u_charType(c);
        if (gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || gc == U_COMBINING_SPACING_MARK ||
            gc == U_FORMAT_CHAR || gc == U_MODIFIER_LETTER || is_silent(c))
            continue;
        bool letter = u_isalpha(c) || gc == U_DECIMAL_DIGIT_NUMBER;
        if (letter) {
            if (gc == U_DECIMAL_DIGIT_NUMBER)
                c = '0' + u_charDigitValue(c);
            c = unify(c);
            if (c == 0)
                continue;
        }
        int sc = letter ? script_of(c) : -1;
        /* A change between two real scripts inside a word starts a new token. */
        bool split = letter && cur_script != -2 && sc >= 0 && tok_script >= 0 && sc != tok_script;
        if (!letter || split) {
            if (cur_script != -2) {
                if (*n_tokens == HV__NAMES_MAX_TOKENS)
                    return HV_ERR_LIMIT;
                tokens[*n_tokens].off = (uint16_t)tok_start;
                tokens[*n_tokens].len = (uint16_t)(len - tok_start);
                tokens[*n_tokens].script =
                    (uint8_t)(tok_script < 0 ? HV__SCRIPT_LATIN : tok_script);
                (*n_tokens)++;
                cur_script = -2;
            }
            if (!letter)
                continue;
        }
        if (cur_script == -2) {
            if (len > 0)
                len = put_utf8(norm, norm_cap, len, ' ', &overflow);
            tok_start = len;
            tok_script = -1;
            cur_script = 0;
        }
        if (sc >= 0 && tok_script < 0)
            tok_script = sc;
        len = put_utf8(norm, norm_cap, len, c, &overflow);
        if (overflow || len > UINT16_MAX)
            return HV_ERR_LIMIT;
    }
    if (cur_script != -2) {
        if (*n_tokens == HV__NAMES_MAX_TOKENS)
            return HV_ERR_LIMIT;
        tokens[*n_tokens].off = (uint16_t)tok_start;
        tokens[*n_tokens].len = (uint16_t)(len - tok_start);
        tokens[*n_tokens].script = (uint8_t)(tok_script < 0 ? HV__SCRIPT_LATIN : tok_script);
        (*n_tokens)++;
    }
    norm[len] = '\0';
    *norm_len = len;
    return HV_OK;
}
