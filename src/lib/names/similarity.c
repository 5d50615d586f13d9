/* similarity.c - string similarities on folded ASCII keys: Jaro-Winkler, and an edit distance
 * whose substitution, insertion and deletion costs come from data/names/confusables.tsv (so
 * s/z or a vowel dropped costs less than an unrelated letter).
 * SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <string.h>

double hv__names_jaro_winkler(struct hv_str a, struct hv_str b)
{
    size_t la = a.len < HV__NAMES_WORD_MAX ? a.len : HV__NAMES_WORD_MAX;
    size_t lb = b.len < HV__NAMES_WORD_MAX ? b.len : HV__NAMES_WORD_MAX;
    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    size_t range = (la > lb ? la : lb) / 2;
    range = range > 0 ? range - 1 : 0;
    bool ma[HV__NAMES_WORD_MAX], mb[HV__NAMES_WORD_MAX];
    memset(ma, 0, la);
    memset(mb, 0, lb);
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > range ? i - range : 0;
        size_t hi = i + range + 1 < lb ? i + range + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (mb[j] || a.ptr[i] != b.ptr[j])
                continue;
            ma[i] = mb[j] = true;
            m++;
            break;
        }
    }
    if (m == 0)
        return 0.0;
    size_t t = 0, k = 0;
    for (size_t i = 0; i < la; i++) {
        if (!ma[i])
            continue;
        while (!mb[k])
            k++;
        if (a.ptr[i] != b.ptr[k])
            t++;
        k++;
    }
    double md = (double)m;
    double jaro = (md / (double)la + md / (double)lb + (md - (double)t / 2.0) / md) / 3.0;
    size_t prefix = 0;
    while (prefix < 4 && prefix < la && prefix < lb && a.ptr[prefix] == b.ptr[prefix])
        prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

static int idx(char c)
{
    return (c >= 'a' && c <= 'z') ? c - 'a' : -1;
}

static double sub_cost(const struct hv_names *nm, char x, char y)
{
    if (x == y)
        return 0.0;
    int i = idx(x), j = idx(y);
    if (i < 0 || j < 0)
        return 1.0;
    return nm->conf[i][j];
}

static double indel_cost(const struct hv_names *nm, char x)
{
    int i = idx(x);
    return i < 0 ? 1.0 : nm->conf[i][26];
}

double hv__names_edit_sim(const struct hv_names *nm, struct hv_str a, struct hv_str b)
{
    size_t la = a.len < HV__NAMES_WORD_MAX ? a.len : HV__NAMES_WORD_MAX;
    size_t lb = b.len < HV__NAMES_WORD_MAX ? b.len : HV__NAMES_WORD_MAX;
    size_t longest = la > lb ? la : lb;
    if (longest == 0)
        return 1.0;
    double prev[HV__NAMES_WORD_MAX + 1], cur[HV__NAMES_WORD_MAX + 1];
    prev[0] = 0;
    for (size_t j = 1; j <= lb; j++)
        prev[j] = prev[j - 1] + indel_cost(nm, b.ptr[j - 1]);
    for (size_t i = 1; i <= la; i++) {
        cur[0] = prev[0] + indel_cost(nm, a.ptr[i - 1]);
        for (size_t j = 1; j <= lb; j++) {
            double d = prev[j - 1] + sub_cost(nm, a.ptr[i - 1], b.ptr[j - 1]);
            double del = prev[j] + indel_cost(nm, a.ptr[i - 1]);
            double ins = cur[j - 1] + indel_cost(nm, b.ptr[j - 1]);
            if (del < d)
                d = del;
            if (ins < d)
                d = ins;
            cur[j] = d;
        }
        memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
    }
    double sim = 1.0 - prev[lb] / (double)longest;
    return sim < 0 ? 0 : sim;
}
