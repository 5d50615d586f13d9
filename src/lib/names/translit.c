/* translit.c - Arabic-script Dari/Pashto tokens to Latin by the rules of
 * data/names/arabic_latin.tsv (longest match first, rules scoped to the start, end or whole of
 * a word), and other scripts through ICU's Any-Latin; Latin-ASCII transliterator.
 * SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <pthread.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

static size_t utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

static bool scope_ok(uint8_t scope, size_t at, size_t n, size_t len)
{
    bool start = at == 0, end = at + n == len;
    switch (scope) {
    case HV__SCOPE_START:
        return start;
    case HV__SCOPE_END:
        return end;
    case HV__SCOPE_WORD:
        return start && end;
    default:
        return true;
    }
}

size_t hv__names_translit(const struct hv_names *names, struct hv_str token, char *out,
                          size_t out_cap)
{
    size_t len = 0;
    size_t i = 0;
    if (out_cap == 0)
        return 0;
    while (i < token.len) {
        const struct hv__names_rule *hit = NULL;
        for (size_t r = 0; r < names->n_translit; r++) {
            const struct hv__names_rule *rule = &names->translit[r];
            if (rule->from_len > token.len - i)
                continue;
            if (memcmp(token.ptr + i, rule->from, rule->from_len) != 0)
                continue;
            if (!scope_ok(rule->scope, i, rule->from_len, token.len))
                continue;
            hit = rule;
            break;
        }
        const char *add;
        size_t add_len, step;
        if (hit != NULL) {
            add = hit->to;
            add_len = hit->to_len;
            step = hit->from_len;
        } else {
            unsigned char c = (unsigned char)token.ptr[i];
            step = utf8_len(c);
            if (step > token.len - i)
                step = token.len - i;
            /* ASCII (digits, stray Latin) passes through; unknown letters are dropped. */
            add = c < 0x80 ? token.ptr + i : "";
            add_len = c < 0x80 ? 1 : 0;
        }
        if (len + add_len + 1 > out_cap)
            return 0;
        memcpy(out + len, add, add_len);
        len += add_len;
        i += step;
    }
    out[len] = '\0';
    return len;
}

static pthread_mutex_t other_lock = PTHREAD_MUTEX_INITIALIZER;

size_t hv__names_translit_other(const struct hv_names *names, struct hv_str token, char *out,
                                size_t out_cap)
{
    if (names->other_translit == NULL || out_cap == 0 || token.len > HV_NAMES_MAX_INPUT)
        return 0;
    UChar buf[HV_NAMES_MAX_INPUT * 4];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8WithSub(buf, (int32_t)HV_ARRAY_LEN(buf), &n, token.ptr, (int32_t)token.len, 0xFFFD,
                         NULL, &st);
    if (U_FAILURE(st))
        return 0;
    int32_t limit = n;
    /* ICU serialises rule-based transliterators internally; the lock makes that explicit. */
    pthread_mutex_lock(&other_lock);
    utrans_transUChars((const UTransliterator *)names->other_translit, buf, &n,
                       (int32_t)HV_ARRAY_LEN(buf), 0, &limit, &st);
    pthread_mutex_unlock(&other_lock);
    if (U_FAILURE(st))
        return 0;
    /* Keep ASCII letters and digits only, lower-cased. */
    size_t len = 0;
    for (int32_t i = 0; i < n; i++) {
        UChar c = buf[i];
        if (c >= 'A' && c <= 'Z')
            c = (UChar)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            continue;
        if (len + 2 > out_cap)
            return 0;
        out[len++] = (char)c;
    }
    out[len] = '\0';
    return len;
}
