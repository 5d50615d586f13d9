/* clean.c - the other forms of a listed or queried name worth matching on their own: the text
 * outside and inside parentheses ("Haji Gulab Gul (<the same in Dari>)"), and the name without
 * a patronymic tail ("X son of Y", "X s/o Y", "X ولد Y"), which belongs to the father, or a
 * birth note some aliases carry ("X born in 1963", "X, born in Kandahar on ...").
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <string.h>

#include "screening/screening_int.h"

/* The Arabic-script word ولد ("son of") in UTF-8. */
static const char walad[] = "\xd9\x88\xd9\x84\xd8\xaf";

static bool ieq_at(const char *p, size_t left, const char *z)
{
    size_t n = strlen(z);
    if (left < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != z[i])
            return false;
    }
    return true;
}

/* Offset where a patronymic tail starts (at a word boundary), or len when there is none. */
static size_t patronymic_at(const char *p, size_t len)
{
    static const char *const tails[] = { " son of ", " daughter of ", " s/o ",    " d/o ",
                                         " s.o. ",   " born in ",     " born on " };
    for (size_t i = 1; i < len; i++) {
        if (p[i] != ' ')
            continue;
        for (size_t k = 0; k < HV_ARRAY_LEN(tails); k++) {
            if (ieq_at(p + i, len - i, tails[k]))
                return i;
        }
        if (len - i > sizeof(walad) && memcmp(p + i + 1, walad, sizeof(walad) - 1) == 0 &&
            (p[i + sizeof(walad)] == ' ' || i + sizeof(walad) == len))
            return i;
    }
    return len;
}

static size_t add_form(const char *p, size_t len, char (*out)[HV_NAMES_MAX_INPUT], size_t n,
                       size_t max, const char *orig, size_t orig_len)
{
    while (len > 0 && (p[0] == ' ' || p[0] == ',' || p[0] == ';'))
        p++, len--;
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == ',' || p[len - 1] == ';'))
        len--;
    if (len == 0 || len >= HV_NAMES_MAX_INPUT || n >= max)
        return n;
    if (len == orig_len && memcmp(p, orig, len) == 0)
        return n;
    for (size_t i = 0; i < n; i++) {
        if (strlen(out[i]) == len && memcmp(out[i], p, len) == 0)
            return n;
    }
    memcpy(out[n], p, len);
    out[n][len] = '\0';
    return n + 1;
}

size_t hv__screen_name_forms(struct hv_str name, char (*out)[HV_NAMES_MAX_INPUT], size_t max)
{
    const char *p = name.ptr;
    size_t len = name.len, n = 0;
    if (len == 0 || len >= 4 * HV_NAMES_MAX_INPUT)
        return 0;
    /* Outside and inside parentheses. */
    char outside[4 * HV_NAMES_MAX_INPUT];
    size_t ol = 0;
    int depth = 0;
    size_t open_at = 0;
    bool any = false;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '(') {
            if (depth == 0)
                open_at = i + 1;
            depth++;
            any = true;
        } else if (p[i] == ')' && depth > 0) {
            depth--;
            if (depth == 0) {
                const char *in = p + open_at;
                size_t il = i - open_at;
                size_t cut = patronymic_at(in, il);
                n = add_form(in, cut, out, n, max, p, len);
            }
        } else if (depth == 0) {
            outside[ol++] = p[i];
        }
    }
    if (depth > 0 && open_at < len) {
        size_t cut = patronymic_at(p + open_at, len - open_at);
        n = add_form(p + open_at, cut, out, n, max, p, len);
    }
    const char *base = any ? outside : p;
    size_t bl = any ? ol : len;
    size_t cut = patronymic_at(base, bl);
    n = add_form(base, cut, out, n, max, p, len);
    return n;
}
