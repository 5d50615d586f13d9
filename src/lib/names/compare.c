/* compare.c - name similarity: part weights from term frequencies (rare parts weigh more),
 * part scores (exact, variant, transliteration, skeleton, fuzzy), joined compounds, an
 * order-free greedy alignment, and the weighted score in [0, 1].
 * SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <math.h>
#include <string.h>

void hv_names_weights_default(struct hv_names_weights *w)
{
    memset(w, 0, sizeof(*w));
    w->exact = 1.0;
    w->variant = 0.97;
    w->translit = 0.93;
    w->joined = 0.95;
    w->skeleton = 0.80;
    w->fuzzy_floor = 0.70;
    w->fuzzy_max = 0.90;
    w->min_pair = 0.05;
    w->unknown_freq = 2e-4;
    w->max_freq = 0.5;
}

const char *hv_names_reason_str(enum hv_names_reason r)
{
    switch (r) {
    case HV_NAMES_REASON_EXACT:
        return "exact";
    case HV_NAMES_REASON_VARIANT:
        return "variant";
    case HV_NAMES_REASON_TRANSLIT:
        return "script-transliteration";
    case HV_NAMES_REASON_JOINED:
        return "joined-compound";
    case HV_NAMES_REASON_SKELETON:
        return "skeleton";
    case HV_NAMES_REASON_FUZZY:
        return "fuzzy";
    case HV_NAMES_REASON_OPTIONAL:
        return "optional";
    case HV_NAMES_REASON_INITIAL:
        return "initial";
    }
    return "unknown";
}

#define SCRIPT_FLAGS (HV_NAME_PART_ARABIC | HV_NAME_PART_OTHER)

/* A fuzzy join (fuzzy_joins) needs at least this share of the best fuzzy score. */
#define FUZZY_JOIN_MIN 0.6

/* Whether part i is an initial: one Latin letter written alone. */
static bool is_initial(const struct hv_name *n, size_t i)
{
    return n->parts[i].latin_len == 1 && (n->parts[i].flags & SCRIPT_FLAGS) == 0;
}

/* The weight of part i from its frequency, whatever its flags. */
static double raw_weight(const struct hv_names_weights *w, const struct hv_name *n, size_t i)
{
    double f = w->tf != NULL ? w->tf(w->tf_ud, hv_name_part_key(n, i)) : (double)n->parts[i].freq;
    if (!(f > 0))
        f = w->unknown_freq;
    if (f > w->max_freq)
        f = w->max_freq;
    if (f < 1e-12)
        f = 1e-12;
    return -log(f);
}

static double part_weight(const struct hv_names *nm, const struct hv_names_weights *w,
                          const struct hv_name *n, size_t i)
{
    const struct hv_name_part *p = &n->parts[i];
    if (p->flags & HV_NAME_PART_OPTIONAL)
        return 0.0;
    if (w->initial > 0 && is_initial(n, i))
        return w->initial_weight;
    (void)nm;
    return raw_weight(w, n, i);
}

static bool str_same(struct hv_str a, struct hv_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static double fuzzy(const struct hv_names *nm, const struct hv_names_weights *w, struct hv_str ka,
                    struct hv_str kb)
{
    double s = hv__names_jaro_winkler(ka, kb);
    /* The weighted edit distance only refines near misses; far below the floor on Jaro-Winkler
     * it does not reach the floor either for names (checked on the demo tables). */
    if (s > w->fuzzy_floor - 0.1) {
        double e = hv__names_edit_sim(nm, ka, kb);
        if (e > s)
            s = e;
    }
    if (s <= w->fuzzy_floor)
        return 0.0;
    return (s - w->fuzzy_floor) / (1.0 - w->fuzzy_floor) * w->fuzzy_max;
}

/* Vowels for long_vowels_agree; y and w count as the long vowels i and u they often write. */
static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w';
}

/* Whether Latin vowel c may stand for the long vowel the rules wrote as v (alef a; ye i or e;
 * waw u or o). */
static bool vowel_fits(char v, char c)
{
    switch (v) {
    case 'a':
        return c == 'a' || c == 'e' || c == 'o';
    case 'i':
    case 'e':
    case 'y':
        return c == 'i' || c == 'e' || c == 'y';
    default:
        return c == 'u' || c == 'o' || c == 'w';
    }
}

/* Arabic script writes long vowels (alef, waw, ye) and leaves short ones out. When an Arabic-
 * script part transliterated by the rules and a Latin part have the same consonants, every
 * long vowel written between two consonants must meet a fitting vowel in the Latin part at the
 * same place (عظیم, "zim", is not Azami; اعظم, "azm", may be). Parts whose consonants differ
 * letter for letter are not judged here. */
static bool long_vowels_agree(const struct hv_name *a, size_t i, const struct hv_name *b, size_t j)
{
    const struct hv_name *ar = a, *la = b;
    size_t ia = i, ib = j;
    if (!(a->parts[i].flags & HV_NAME_PART_ARABIC)) {
        ar = b;
        la = a;
        ia = j;
        ib = i;
    }
    if (!(ar->parts[ia].flags & HV_NAME_PART_ARABIC) ||
        (ar->parts[ia].flags & HV_NAME_PART_LEXICON) ||
        (la->parts[ib].flags & (HV_NAME_PART_ARABIC | HV_NAME_PART_OTHER)))
        return true;
    struct hv_str x = hv_name_part_latin(ar, ia), y = hv_name_part_latin(la, ib);
    size_t p = 0, q = 0;
    for (;;) {
        /* The vowels before the next consonant on each side. */
        size_t p0 = p, q0 = q;
        while (p < x.len && is_vowel(x.ptr[p]))
            p++;
        while (q < y.len && is_vowel(y.ptr[q]))
            q++;
        for (size_t k = p0; k < p; k++) {
            bool fit = false;
            for (size_t m = q0; m < q && !fit; m++)
                fit = vowel_fits(x.ptr[k], y.ptr[m]);
            if (!fit && p0 > 0) /* a vowel before the first consonant may be an unwritten ayn's */
                return false;
        }
        if (p == x.len || q == y.len)
            return true;
        if (x.ptr[p] != y.ptr[q])
            return true; /* consonants differ: not judged */
        p++;
        q++;
    }
}

/* Score of one part against another, with the reason. */
static double part_sim(const struct hv_names *nm, const struct hv_names_weights *w,
                       const struct hv_name *a, size_t i, const struct hv_name *b, size_t j,
                       enum hv_names_reason *reason)
{
    const struct hv_name_part *pa = &a->parts[i], *pb = &b->parts[j];
    bool cross = ((pa->flags ^ pb->flags) & SCRIPT_FLAGS) != 0;
    bool joined = ((pa->flags ^ pb->flags) & HV_NAME_PART_JOINED) != 0;
    bool opt = (pa->flags & HV_NAME_PART_OPTIONAL) && (pb->flags & HV_NAME_PART_OPTIONAL);
    struct hv_str ka = hv_name_part_key(a, i), kb = hv_name_part_key(b, j);
    double s = 0;
    if (w->initial > 0 && is_initial(a, i) != is_initial(b, j)) {
        /* An initial against a whole part: only its first letter can agree. */
        struct hv_str la = hv_name_part_latin(a, i), lb = hv_name_part_latin(b, j);
        bool agree = la.len > 0 && lb.len > 0 && la.ptr[0] == lb.ptr[0];
        *reason = HV_NAMES_REASON_INITIAL;
        return agree && !((pa->flags | pb->flags) & HV_NAME_PART_OPTIONAL) ? w->initial : 0.0;
    }
    if (pa->key_hash == pb->key_hash && str_same(ka, kb)) {
        if (cross) {
            bool lex = (pa->flags | pb->flags) & HV_NAME_PART_LEXICON;
            s = lex ? w->variant : w->translit;
            *reason = HV_NAMES_REASON_TRANSLIT;
        } else if (joined) {
            s = w->joined;
            *reason = HV_NAMES_REASON_JOINED;
        } else if (str_same(hv_name_part_latin(a, i), hv_name_part_latin(b, j))) {
            s = w->exact;
            *reason = HV_NAMES_REASON_EXACT;
        } else {
            s = w->variant;
            *reason = HV_NAMES_REASON_VARIANT;
        }
    } else {
        double fz = fuzzy(nm, w, ka, kb);
        *reason = HV_NAMES_REASON_FUZZY;
        s = fz;
        bool same_skel = pa->skel_len >= 2 && pa->skel_hash == pb->skel_hash &&
                         str_same(hv_name_part_skeleton(a, i), hv_name_part_skeleton(b, j));
        bool both_known = ((pa->flags & pb->flags) & HV_NAME_PART_KNOWN) != 0;
        if (same_skel && cross && !(w->known_distinct && both_known)) {
            double t = w->translit;
            if (w->long_vowels && !long_vowels_agree(a, i, b, j))
                t = w->skeleton;
            if (t > s) {
                s = t;
                *reason = HV_NAMES_REASON_TRANSLIT;
            }
        } else if (same_skel && !cross && !both_known) {
            /* Two different names the tables know (Hassan, Hussain) share a skeleton by
             * nature; the skeleton is evidence only when one side is not a known name. */
            if (w->skeleton > s) {
                s = w->skeleton;
                *reason = HV_NAMES_REASON_SKELETON;
            }
        } else if (cross && !(w->known_distinct && both_known)) {
            /* Transliteration leaves short vowels out: compare the consonants too. */
            double sk = fuzzy(nm, w, hv_name_part_skeleton(a, i), hv_name_part_skeleton(b, j));
            sk *= w->translit;
            if (sk > s) {
                s = sk;
                *reason = HV_NAMES_REASON_TRANSLIT;
            }
        }
    }
    if (opt && s > 0)
        *reason = HV_NAMES_REASON_OPTIONAL;
    if (w->strict_optional && !opt && ((pa->flags | pb->flags) & HV_NAME_PART_OPTIONAL) &&
        *reason == HV_NAMES_REASON_FUZZY)
        s = 0;
    return s;
}

/* Tries to read part i of x as parts j, j+1 of y joined (Gulahmad / Gul Ahmad). */
static bool joins(const struct hv_name *x, size_t i, const struct hv_name *y, size_t j)
{
    char buf[2 * HV__NAMES_WORD_MAX + 2];
    struct hv_str k = hv_name_part_key(x, i);
    struct hv_str k1 = hv_name_part_key(y, j), k2 = hv_name_part_key(y, j + 1);
    if (k1.len + k2.len <= sizeof(buf) && k1.len + k2.len == k.len) {
        memcpy(buf, k1.ptr, k1.len);
        memcpy(buf + k1.len, k2.ptr, k2.len);
        if (memcmp(buf, k.ptr, k.len) == 0)
            return true;
    }
    struct hv_str s = hv_name_part_skeleton(x, i);
    struct hv_str s1 = hv_name_part_skeleton(y, j), s2 = hv_name_part_skeleton(y, j + 1);
    if (s.len >= 4 && s1.len >= 1 && s2.len >= 1 && s1.len + s2.len == s.len) {
        return memcmp(s.ptr, s1.ptr, s1.len) == 0 && memcmp(s.ptr + s1.len, s2.ptr, s2.len) == 0;
    }
    return false;
}

struct side {
    const struct hv_name *n;
    const double *w;
    bool *used;
};

static void add_pair(struct hv_names_match *m, const size_t *ia, size_t na, const size_t *ib,
                     size_t nb, double sim, enum hv_names_reason reason, double weight)
{
    struct hv_names_pair *p = &m->pairs[m->n_pairs++];
    memset(p, 0, sizeof(*p));
    for (size_t k = 0; k < na; k++)
        p->a[k] = (uint8_t)ia[k];
    for (size_t k = 0; k < nb; k++)
        p->b[k] = (uint8_t)ib[k];
    p->n_a = (uint8_t)na;
    p->n_b = (uint8_t)nb;
    p->sim = sim;
    p->reason = reason;
    p->weight = weight;
}

/* Joined compounds: one part of x against two adjacent unused parts of y. */
/* Under fuzzy_joins: how part i of x reads as parts j, j+1 of y when those are the two pieces of
 * one written word (Badullah, split as bad + ullah, against Abdullah): the fuzzy score of the
 * keys with the pieces joined, 0 when not applicable. */
static double fuzzy_join(const struct hv_names *nm, const struct hv_names_weights *w,
                         const struct hv_name *x, size_t i, const struct hv_name *y, size_t j)
{
    const struct hv_name_part *p1 = &y->parts[j], *p2 = &y->parts[j + 1];
    if (!w->fuzzy_joins || p1->token != p2->token ||
        !(p1->flags & p2->flags & HV_NAME_PART_JOINED) ||
        ((x->parts[i].flags ^ p1->flags) & SCRIPT_FLAGS) != 0)
        return 0;
    char buf[2 * HV__NAMES_WORD_MAX + 2];
    struct hv_str k1 = hv_name_part_key(y, j), k2 = hv_name_part_key(y, j + 1);
    size_t kx = hv_name_part_key(x, i).len;
    /* The joined pieces must be about as long as the part (Akhund is not Akhun + zada). */
    if (k1.len + k2.len > sizeof(buf) || k1.len + k2.len > kx + 1 || k1.len + k2.len + 1 < kx)
        return 0;
    memcpy(buf, k1.ptr, k1.len);
    memcpy(buf + k1.len, k2.ptr, k2.len);
    return fuzzy(nm, w, hv_name_part_key(x, i), (struct hv_str){ buf, k1.len + k2.len });
}

static void find_joins(const struct hv_names *nm, const struct hv_names_weights *w,
                       struct hv_names_match *m, struct side *x, struct side *y, bool x_is_a)
{
    for (size_t i = 0; i < x->n->n_parts; i++) {
        if (x->used[i] || (x->n->parts[i].flags & HV_NAME_PART_OPTIONAL))
            continue;
        for (size_t j = 0; j + 1 < y->n->n_parts; j++) {
            if (y->used[j] || y->used[j + 1] ||
                ((y->n->parts[j].flags | y->n->parts[j + 1].flags) & HV_NAME_PART_OPTIONAL))
                continue;
            bool cross = ((x->n->parts[i].flags ^ y->n->parts[j].flags) & SCRIPT_FLAGS) != 0;
            double sim = cross ? w->translit : w->joined;
            if (!joins(x->n, i, y->n, j)) {
                sim = fuzzy_join(nm, w, x->n, i, y->n, j);
                if (sim < w->fuzzy_max * FUZZY_JOIN_MIN)
                    continue;
            }
            double weight = x->w[i] + y->w[j] + y->w[j + 1];
            size_t one[1] = { i }, two[2] = { j, j + 1 };
            if (x_is_a)
                add_pair(m, one, 1, two, 2, sim, HV_NAMES_REASON_JOINED, weight);
            else
                add_pair(m, two, 2, one, 1, sim, HV_NAMES_REASON_JOINED, weight);
            x->used[i] = y->used[j] = y->used[j + 1] = true;
            break;
        }
    }
}

/* What a compound's left-over piece adds to the denominator under compound_whole: a piece split
 * from the same written word as a piece that aligned (the "ullah" of Fazlullah against Fazl)
 * weighs at least as much as that piece, as the word is another name. */
static double compound_rest(const struct hv_name *n, const double *w, const bool *used)
{
    double extra = 0;
    for (size_t i = 0; i < n->n_parts; i++) {
        if (used[i] || !(n->parts[i].flags & HV_NAME_PART_JOINED) || w[i] <= 0)
            continue;
        double sib = 0;
        for (size_t k = 0; k < n->n_parts; k++) {
            if (k != i && used[k] && n->parts[k].token == n->parts[i].token &&
                (n->parts[k].flags & HV_NAME_PART_JOINED) && w[k] > sib)
                sib = w[k];
        }
        if (sib > w[i])
            extra += sib - w[i];
    }
    return extra;
}

/* Whether part i is an affix piece of a split word (ullah, uddin, abdul...) whose other piece
 * is unmatched. */
static bool lone_affix(const struct hv_names *nm, const struct hv_name *n, size_t i,
                       const bool *used, const struct hv_names_match *m)
{
    (void)m;
    if (!(n->parts[i].flags & HV_NAME_PART_JOINED))
        return false;
    bool sibling = false, sibling_used = false;
    for (size_t k = 0; k < n->n_parts; k++) {
        if (k == i || n->parts[k].token != n->parts[i].token ||
            !(n->parts[k].flags & HV_NAME_PART_JOINED))
            continue;
        sibling = true;
        sibling_used = sibling_used || used[k];
    }
    if (!sibling || sibling_used)
        return false;
    struct hv_str l = hv_name_part_latin(n, i);
    for (size_t x = 0; x < nm->n_affixes; x++) {
        const struct hv__names_affix *af = &nm->affixes[x];
        if (af->canon_len == l.len && memcmp(af->canon, l.ptr, l.len) == 0)
            return true;
    }
    return false;
}

void hv_names_memo_reset(struct hv_names_memo *memo)
{
    memset(memo->tag, 0, sizeof(memo->tag));
}

/* What decides part j's score against a fixed part: its strings (key, skeleton, Latin form) and
 * flags. */
static uint64_t part_sig(const struct hv_name *n, size_t j)
{
    const struct hv_name_part *p = &n->parts[j];
    struct hv_str l = hv_name_part_latin(n, j);
    uint64_t h = p->key_hash * 0x9E3779B97F4A7C15ull ^ p->skel_hash ^ ((uint64_t)p->flags << 48);
    for (size_t k = 0; k < l.len; k++)
        h = (h ^ (unsigned char)l.ptr[k]) * 1099511628211ull;
    return h | 1;
}

static double part_sim_memo(const struct hv_names *nm, const struct hv_names_weights *w,
                            const struct hv_name *a, size_t i, const struct hv_name *b, size_t j,
                            enum hv_names_reason *reason, struct hv_names_memo *memo)
{
    if (memo == NULL)
        return part_sim(nm, w, a, i, b, j, reason);
    uint64_t tag = part_sig(b, j) ^ ((uint64_t)i * 0xC2B2AE3D27D4EB4Full);
    tag |= 1;
    size_t slot = (size_t)(tag >> 17) % HV_NAMES_MEMO_SLOTS;
    if (memo->tag[slot] == tag) {
        *reason = (enum hv_names_reason)memo->reason[slot];
        return memo->sim[slot];
    }
    double s = part_sim(nm, w, a, i, b, j, reason);
    memo->tag[slot] = tag;
    memo->sim[slot] = s;
    memo->reason[slot] = (uint8_t)*reason;
    return s;
}

void hv_names_compare_parsed(const struct hv_names *nm, const struct hv_name *a,
                             const struct hv_name *b, const struct hv_names_weights *weights,
                             struct hv_names_match *m)
{
    hv_names_compare_parsed_memo(nm, a, b, weights, NULL, m);
}

void hv_names_compare_parsed_memo(const struct hv_names *nm, const struct hv_name *a,
                                  const struct hv_name *b, const struct hv_names_weights *weights,
                                  struct hv_names_memo *memo, struct hv_names_match *m)
{
    struct hv_names_weights defaults;
    if (weights == NULL) {
        hv_names_weights_default(&defaults);
        weights = &defaults;
    }
    m->a = a;
    m->b = b;
    m->score = 0;
    m->n_pairs = 0;
    m->n_unmatched_a = 0;
    m->n_unmatched_b = 0;
    size_t na = a->n_parts, nb = b->n_parts;
    double den = 0;
    for (size_t i = 0; i < na; i++) {
        m->weight_a[i] = part_weight(nm, weights, a, i);
        den += m->weight_a[i];
    }
    for (size_t j = 0; j < nb; j++) {
        m->weight_b[j] = part_weight(nm, weights, b, j);
        den += m->weight_b[j];
    }
    bool used_a[HV_NAMES_MAX_PARTS] = { false }, used_b[HV_NAMES_MAX_PARTS] = { false };
    struct side sa = { a, m->weight_a, used_a }, sb = { b, m->weight_b, used_b };

    /* Part scores for every pair, then joined compounds, then greedy best-first. */
    double sim[HV_NAMES_MAX_PARTS][HV_NAMES_MAX_PARTS];
    enum hv_names_reason why[HV_NAMES_MAX_PARTS][HV_NAMES_MAX_PARTS];
    for (size_t i = 0; i < na; i++) {
        for (size_t j = 0; j < nb; j++)
            sim[i][j] = part_sim_memo(nm, weights, a, i, b, j, &why[i][j], memo);
    }
    /* A part that matches a whole part exactly is not broken up for a join. */
    for (size_t i = 0; i < na; i++) {
        for (size_t j = 0; j < nb && !used_a[i]; j++) {
            if (used_b[j])
                continue;
            if (sim[i][j] >= weights->variant && why[i][j] != HV_NAMES_REASON_OPTIONAL) {
                used_a[i] = used_b[j] = true;
                size_t one[1] = { i }, other[1] = { j };
                add_pair(m, one, 1, other, 1, sim[i][j], why[i][j],
                         m->weight_a[i] + m->weight_b[j]);
                break;
            }
        }
    }
    find_joins(nm, weights, m, &sa, &sb, true);
    find_joins(nm, weights, m, &sb, &sa, false);
    for (;;) {
        double best = weights->min_pair;
        double best_w = -1;
        size_t bi = 0, bj = 0;
        bool found = false;
        for (size_t i = 0; i < na; i++) {
            if (used_a[i])
                continue;
            for (size_t j = 0; j < nb; j++) {
                if (used_b[j])
                    continue;
                double pw = m->weight_a[i] + m->weight_b[j];
                if (sim[i][j] > best || (found && sim[i][j] == best && pw > best_w)) {
                    best = sim[i][j];
                    best_w = pw;
                    bi = i;
                    bj = j;
                    found = true;
                }
            }
        }
        if (!found)
            break;
        used_a[bi] = used_b[bj] = true;
        size_t one[1] = { bi }, other[1] = { bj };
        add_pair(m, one, 1, other, 1, sim[bi][bj], why[bi][bj], best_w);
    }
    if (weights->compound_whole) {
        den += compound_rest(a, m->weight_a, used_a) + compound_rest(b, m->weight_b, used_b);
        /* A shared affix alone (the ullah of Karimullah and Saifullah) is no evidence: it
         * counts only when the rest of its word aligned too. */
        for (size_t k = 0; k < m->n_pairs; k++) {
            struct hv_names_pair *p = &m->pairs[k];
            if (p->n_a == 1 && p->n_b == 1 &&
                (lone_affix(nm, a, p->a[0], used_a, m) || lone_affix(nm, b, p->b[0], used_b, m)))
                p->sim = 0;
        }
    }
    if (weights->title_match > 0) {
        /* The same title on both sides helps a little; a title on one side never hurts. */
        for (size_t k = 0; k < m->n_pairs; k++) {
            struct hv_names_pair *p = &m->pairs[k];
            if (p->reason != HV_NAMES_REASON_OPTIONAL || p->n_a != 1 || p->n_b != 1 ||
                p->sim < weights->variant ||
                !(a->parts[p->a[0]].flags & b->parts[p->b[0]].flags & HV_NAME_PART_HONORIFIC))
                continue;
            p->weight = weights->title_match *
                        (raw_weight(weights, a, p->a[0]) + raw_weight(weights, b, p->b[0]));
            den += p->weight;
        }
    }
    double num = 0;
    for (size_t k = 0; k < m->n_pairs; k++)
        num += m->pairs[k].sim * m->pairs[k].weight;
    for (size_t i = 0; i < na; i++) {
        if (!used_a[i])
            m->unmatched_a[m->n_unmatched_a++] = (uint8_t)i;
    }
    for (size_t j = 0; j < nb; j++) {
        if (!used_b[j])
            m->unmatched_b[m->n_unmatched_b++] = (uint8_t)j;
    }
    m->score = den > 0 ? num / den : 0.0;
    if (m->score > 1.0)
        m->score = 1.0;
}

enum hv_err hv_names_compare(const struct hv_names *nm, struct hv_str a, struct hv_str b,
                             const struct hv_names_weights *weights, struct hv_names_result *result)
{
    enum hv_err err = hv_names_parse(nm, a, &result->a);
    if (err == HV_OK)
        err = hv_names_parse(nm, b, &result->b);
    if (err != HV_OK) {
        memset(&result->match, 0, sizeof(result->match));
        return err;
    }
    hv_names_compare_parsed(nm, &result->a, &result->b, weights, &result->match);
    return HV_OK;
}
