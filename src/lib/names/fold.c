/* fold.c - Latin variant folding and skeletons: doubled letters collapsed, the spelling rules of
 * data/names/fold.tsv applied in one longest-match pass, the result mapped through the variant
 * table (equivalences.tsv) to a key; the key's consonant skeleton is the blocking key.
 * SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <string.h>

static size_t collapse(char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (j > 0 && s[j - 1] == s[i] && ((s[i] >= 'a' && s[i] <= 'z')))
            continue;
        s[j++] = s[i];
    }
    s[j] = '\0';
    return j;
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

size_t hv__names_fold(const struct hv_names *names, struct hv_str word, char *out, size_t out_cap)
{
    char tmp[HV__NAMES_WORD_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < word.len && n < HV__NAMES_WORD_MAX; i++) {
        char c = word.ptr[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        tmp[n++] = c;
    }
    n = collapse(tmp, n);
    size_t len = 0;
    size_t i = 0;
    if (out_cap == 0)
        return 0;
    while (i < n) {
        const struct hv__names_rule *hit = NULL;
        for (size_t r = 0; r < names->n_fold; r++) {
            const struct hv__names_rule *rule = &names->fold[r];
            if (rule->from_len > n - i || memcmp(tmp + i, rule->from, rule->from_len) != 0)
                continue;
            if (!scope_ok(rule->scope, i, rule->from_len, n))
                continue;
            hit = rule;
            break;
        }
        const char *add = hit != NULL ? hit->to : tmp + i;
        size_t add_len = hit != NULL ? hit->to_len : 1;
        size_t step = hit != NULL ? hit->from_len : 1;
        if (len + add_len + 1 > out_cap)
            break;
        memcpy(out + len, add, add_len);
        len += add_len;
        i += step;
    }
    out[len] = '\0';
    return collapse(out, len);
}

size_t hv__names_key(const struct hv_names *names, struct hv_str word, char *out, size_t out_cap,
                     bool *known)
{
    *known = false;
    size_t n = hv__names_fold(names, word, out, out_cap);
    if (n == 0)
        return 0;
    struct hv_str k = { out, n };
    const struct hv__names_map_slot *s = hv__names_map_get(&names->equiv, k);
    if (s != NULL) {
        struct hv_str v = hv__names_map_val(&names->equiv, s);
        if (v.len + 1 <= out_cap) {
            memmove(out, v.ptr, v.len);
            out[v.len] = '\0';
            n = v.len;
        }
        *known = true;
        return n;
    }
    *known =
        hv__names_map_get(&names->canon, k) != NULL || hv__names_map_get(&names->freq, k) != NULL;
    return n;
}

size_t hv__names_skel(struct hv_str key, char *out, size_t out_cap)
{
    size_t len = 0;
    if (out_cap == 0)
        return 0;
    for (size_t i = 0; i < key.len; i++) {
        char c = key.ptr[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c < 'a' || c > 'z')
            continue;
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u')
            continue;
        /* y and w are vowels inside a word (Daud/Dawood, Hayat) and consonants at its start. */
        if ((c == 'y' || c == 'w') && i > 0)
            continue;
        char u = (char)(c - 'a' + 'A');
        if (len + 2 > out_cap)
            break;
        out[len++] = u;
    }
    out[len] = '\0';
    return len;
}

size_t hv_names_skeleton(const struct hv_names *names, struct hv_str word, char *out,
                         size_t out_len)
{
    char key[HV__NAMES_WORD_MAX + 1];
    bool known;
    size_t n = hv__names_key(names, word, key, sizeof(key), &known);
    return hv__names_skel((struct hv_str){ key, n }, out, out_len);
}
