/* parse.c - the names pipeline from a string to parts: normalise, transliterate each token
 * (native lexicon first, then the Arabic-script rules, or ICU for other scripts), mark titles
 * and particles as optional, join "abd al X" into abdul + X, split compounds (Abdulrahman,
 * Noorullah), and give each part its key, skeleton and default frequency.
 * SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <string.h>

#define MAX_WORDS (HV__NAMES_MAX_TOKENS * 2)
#define NORM_CAP  8192
#define WBUF_CAP  8192

enum word_kind {
    W_NAME,
    W_TITLE,
    W_ARTICLE,
    W_PATRONYMIC,
    W_SERVANT,
};

struct word {
    struct hv_str latin;
    struct hv_str norm;
    uint16_t token;
    uint16_t flags;
    uint8_t kind;
    uint8_t pos; /* title position */
    bool name;   /* counts as a name word (after position checks) */
};

struct wbuf {
    char p[WBUF_CAP];
    size_t len;
};

static struct hv_str wb_add(struct wbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > WBUF_CAP)
        return HV_STR_NULL;
    char *d = b->p + b->len;
    memcpy(d, s, n);
    d[n] = '\0';
    b->len += n + 1;
    return (struct hv_str){ d, n };
}

struct hv_str hv_name_part_norm(const struct hv_name *n, size_t i)
{
    return (struct hv_str){ n->text + n->parts[i].norm_off, n->parts[i].norm_len };
}

struct hv_str hv_name_part_latin(const struct hv_name *n, size_t i)
{
    return (struct hv_str){ n->text + n->parts[i].latin_off, n->parts[i].latin_len };
}

struct hv_str hv_name_part_key(const struct hv_name *n, size_t i)
{
    return (struct hv_str){ n->text + n->parts[i].key_off, n->parts[i].key_len };
}

struct hv_str hv_name_part_skeleton(const struct hv_name *n, size_t i)
{
    return (struct hv_str){ n->text + n->parts[i].skel_off, n->parts[i].skel_len };
}

static bool text_put(struct hv_name *n, struct hv_str s, uint16_t *off, uint16_t *len)
{
    if (n->text_len + s.len + 1 > HV_NAMES_TEXT_MAX)
        return false;
    *off = (uint16_t)n->text_len;
    *len = (uint16_t)s.len;
    if (s.len > 0)
        memcpy(n->text + n->text_len, s.ptr, s.len);
    n->text[n->text_len + s.len] = '\0';
    n->text_len += s.len + 1;
    return true;
}

/* Looks a word (or the two words starting at i) up in a map by its Latin and native forms. */
static const struct hv__names_map_slot *lookup(const struct hv__names_map *m, const struct word *w)
{
    const struct hv__names_map_slot *s = hv__names_map_get(m, w->latin);
    if (s == NULL && w->norm.len > 0)
        s = hv__names_map_get(m, w->norm);
    return s;
}

static const struct hv__names_map_slot *lookup2(const struct hv__names_map *m, const struct word *a,
                                                const struct word *b)
{
    char buf[256];
    const struct hv_str forms[2][2] = { { a->latin, b->latin }, { a->norm, b->norm } };
    for (int f = 0; f < 2; f++) {
        struct hv_str x = forms[f][0], y = forms[f][1];
        if (x.len == 0 || y.len == 0 || x.len + y.len + 1 > sizeof(buf))
            continue;
        memcpy(buf, x.ptr, x.len);
        buf[x.len] = ' ';
        memcpy(buf + x.len + 1, y.ptr, y.len);
        const struct hv__names_map_slot *s =
            hv__names_map_get(m, (struct hv_str){ buf, x.len + 1 + y.len });
        if (s != NULL)
            return s;
    }
    return NULL;
}

/* The Latin form of an Arabic-script piece: the native lexicon's, else the rules'. */
static struct hv_str arabic_piece(const struct hv_names *nm, struct hv_str ns, struct wbuf *wb,
                                  bool *lexicon)
{
    char tmp[HV_NAMES_MAX_INPUT * 4 + 1];
    const struct hv__names_map_slot *s = hv__names_map_get(&nm->lexicon, ns);
    *lexicon = s != NULL;
    if (s != NULL)
        return hv__names_map_val(&nm->lexicon, s);
    size_t l = hv__names_translit(nm, ns, tmp, sizeof(tmp));
    return wb_add(wb, tmp, l);
}

/* Whether the UTF-8 letter ending at p[0, end) is one that never joins the next letter (alef,
 * dal, dhal, re, ze, zhe, waw, teh marbuta): a space after it is invisible, so it is often left
 * out ("محمدعبد" for "محمد عبد"). */
static bool non_joining_before(const char *p, size_t end)
{
    static const char *const letters[] = {
        "\xd8\xa7", "\xd8\xa2", "\xd8\xa3", "\xd8\xa5", "\xd8\xaf", "\xd8\xb0",
        "\xd8\xb1", "\xd8\xb2", "\xda\x98", "\xd9\x88", "\xd8\xa4", "\xd8\xa9",
    };
    if (end < 2)
        return false;
    for (size_t i = 0; i < HV_ARRAY_LEN(letters); i++) {
        if (memcmp(p + end - 2, letters[i], 2) == 0)
            return true;
    }
    return false;
}

/* Whether a transliteration rule reads the article with what follows (الدین -> uddin). */
static bool article_rule(const struct hv_names *nm, struct hv_str ns)
{
    for (size_t r = 0; r < nm->n_translit; r++) {
        const struct hv__names_rule *rule = &nm->translit[r];
        if (rule->from_len <= 4 || rule->from_len > ns.len ||
            memcmp(rule->from, "\xd8\xa7\xd9\x84", 4) != 0 ||
            memcmp(ns.ptr, rule->from, rule->from_len) != 0)
            continue;
        if (rule->scope == HV__SCOPE_START || rule->scope == HV__SCOPE_ANY ||
            (rule->scope == HV__SCOPE_WORD && rule->from_len == ns.len))
            return true;
    }
    return false;
}

/* Joins two Latin pieces with a space (the caller splits words at spaces). */
static struct hv_str two_words(struct wbuf *wb, struct hv_str a, struct hv_str b)
{
    char tmp[2 * HV_NAMES_MAX_INPUT * 4 + 2];
    if (a.len == 0 || b.len == 0 || a.len + b.len + 1 >= sizeof(tmp))
        return a.len > 0 ? a : b;
    memcpy(tmp, a.ptr, a.len);
    tmp[a.len] = ' ';
    memcpy(tmp + a.len + 1, b.ptr, b.len);
    return wb_add(wb, tmp, a.len + 1 + b.len);
}

/* The Latin form of an Arabic-script token, as one or more words: the lexicon's; the article
 * written onto its noun split off ("الحق" -> al haq, as "Abdul Haq" is written in Latin; "الله"
 * and lexicon names such as "الیاس" stay whole); two names run together across a non-joining
 * letter, when both halves are names the lexicon knows (or the second is "عبد"); else the
 * transliteration rules. */
static struct hv_str arabic_latin(const struct hv_names *nm, struct hv_str ns, struct wbuf *wb,
                                  uint16_t *flags)
{
    static const char al[] = "\xd8\xa7\xd9\x84", allah[] = "\xd8\xa7\xd9\x84\xd9\x84\xd9\x87";
    static const char abd[] = "\xd8\xb9\xd8\xa8\xd8\xaf";
    bool lex = false;
    if (hv__names_map_get(&nm->lexicon, ns) != NULL) {
        *flags |= HV_NAME_PART_LEXICON;
        return arabic_piece(nm, ns, wb, &lex);
    }
    if (ns.len >= sizeof(al) - 1 + 4 && memcmp(ns.ptr, al, sizeof(al) - 1) == 0 &&
        !(ns.len >= sizeof(allah) - 1 && memcmp(ns.ptr, allah, sizeof(allah) - 1) == 0) &&
        !article_rule(nm, ns)) {
        struct hv_str rest = { ns.ptr + sizeof(al) - 1, ns.len - (sizeof(al) - 1) };
        struct hv_str r = arabic_piece(nm, rest, wb, &lex);
        return two_words(wb, HV_STR("al"), r);
    }
    for (size_t b = 4; b + 4 <= ns.len; b++) {
        if (((unsigned char)ns.ptr[b] & 0xC0) == 0x80 || !non_joining_before(ns.ptr, b))
            continue;
        struct hv_str head = { ns.ptr, b }, rest = { ns.ptr + b, ns.len - b };
        if (hv__names_map_get(&nm->lexicon, head) == NULL)
            continue;
        bool is_abd = rest.len >= sizeof(abd) - 1 && memcmp(rest.ptr, abd, sizeof(abd) - 1) == 0;
        if (!is_abd && hv__names_map_get(&nm->lexicon, rest) == NULL)
            continue;
        struct hv_str h = arabic_piece(nm, head, wb, &lex);
        struct hv_str r = arabic_piece(nm, rest, wb, &lex);
        return two_words(wb, h, r);
    }
    return arabic_piece(nm, ns, wb, &lex);
}

/* Turns tokens into Latin words. */
static enum hv_err tokens_to_words(const struct hv_names *nm, const char *norm,
                                   const struct hv__names_token *tok, size_t n_tok, struct wbuf *wb,
                                   struct word *words, size_t *n_words)
{
    char tmp[HV_NAMES_MAX_INPUT * 4 + 1];
    size_t n = 0;
    for (size_t t = 0; t < n_tok; t++) {
        struct hv_str ns = { norm + tok[t].off, tok[t].len };
        struct hv_str latin = HV_STR_NULL;
        uint16_t flags = 0;
        if (tok[t].script == HV__SCRIPT_ARABIC) {
            flags |= HV_NAME_PART_ARABIC;
            latin = arabic_latin(nm, ns, wb, &flags);
        } else if (tok[t].script == HV__SCRIPT_OTHER) {
            flags |= HV_NAME_PART_OTHER;
            size_t l = hv__names_translit_other(nm, ns, tmp, sizeof(tmp));
            latin = l > 0 ? wb_add(wb, tmp, l) : ns;
        } else {
            latin = ns;
        }
        /* A lexicon value may hold several words ("abdul rahman"). */
        size_t start = 0;
        size_t pieces = 0;
        for (size_t i = 0; i <= latin.len; i++) {
            if (i < latin.len && latin.ptr[i] != ' ')
                continue;
            if (i > start) {
                if (n == MAX_WORDS)
                    return HV_ERR_LIMIT;
                struct word *w = &words[n++];
                memset(w, 0, sizeof(*w));
                w->latin = (struct hv_str){ latin.ptr + start, i - start };
                w->norm = ns;
                w->token = (uint16_t)t;
                w->flags = flags;
                pieces++;
            }
            start = i + 1;
        }
        if (pieces > 1) {
            for (size_t k = n - pieces; k < n; k++)
                words[k].flags |= HV_NAME_PART_JOINED;
        }
    }
    *n_words = n;
    return HV_OK;
}

/* A title or particle written in another script is romanised as its canonical form. */
static void canonical_if_native(struct word *w, struct hv_str canon)
{
    if (w->flags & (HV_NAME_PART_ARABIC | HV_NAME_PART_OTHER))
        w->latin = canon;
}

/* Marks titles and particles; merges two-word titles ("bi bi", "al haj") into the first. */
static void classify(const struct hv_names *nm, struct word *w, size_t *n_words)
{
    size_t n = *n_words;
    for (size_t i = 0; i < n; i++) {
        const struct hv__names_map_slot *s = NULL;
        if (i + 1 < n && (s = lookup2(&nm->titles, &w[i], &w[i + 1])) != NULL) {
            w[i].kind = W_TITLE;
            w[i].pos = (uint8_t)s->num;
            canonical_if_native(&w[i], hv__names_map_val(&nm->titles, s));
            canonical_if_native(&w[i + 1], hv__names_map_val(&nm->titles, s));
            /* Keep both words but make the second one part of the title too. */
            w[i + 1].kind = W_TITLE;
            w[i + 1].pos = (uint8_t)s->num;
            i++;
            continue;
        }
        if ((s = lookup(&nm->titles, &w[i])) != NULL) {
            w[i].kind = W_TITLE;
            w[i].pos = (uint8_t)s->num;
            canonical_if_native(&w[i], hv__names_map_val(&nm->titles, s));
        } else if ((s = lookup(&nm->particles, &w[i])) != NULL) {
            w[i].kind = s->num == 1 ? W_ARTICLE : s->num == 2 ? W_PATRONYMIC : W_SERVANT;
            canonical_if_native(&w[i], hv__names_map_val(&nm->particles, s));
        }
    }
    /* Position rules: a title is optional only where the table allows and only when the name
     * keeps at least one real part; otherwise it is a name (Khan Mohammad, Sayed alone). */
    size_t first_name = n, last_name = 0;
    bool any_name = false;
    for (size_t i = 0; i < n; i++) {
        if (w[i].kind == W_NAME || w[i].kind == W_SERVANT) {
            if (!any_name)
                first_name = i;
            last_name = i;
            any_name = true;
        }
    }
    for (size_t i = 0; i < n; i++) {
        w[i].name = w[i].kind == W_NAME || w[i].kind == W_SERVANT;
        if (w[i].kind != W_TITLE)
            continue;
        bool ok = any_name;
        if (w[i].pos == HV__POS_PREFIX)
            ok = any_name && i < last_name;
        else if (w[i].pos == HV__POS_SUFFIX)
            ok = any_name && i > first_name;
        if (!ok)
            w[i].name = true;
    }
    if (!any_name) {
        /* Only particles and titles: they are the name. */
        for (size_t i = 0; i < n; i++)
            w[i].name = true;
    }
}

/* A part under construction: its Latin text and where it came from. */
struct pre {
    struct hv_str latin;
    struct hv_str norm;
    uint16_t token;
    uint16_t flags;
};

static bool push(struct pre *p, size_t *n, struct hv_str latin, const struct word *w,
                 uint16_t extra)
{
    if (*n == HV_NAMES_MAX_PARTS)
        return false;
    p[*n].latin = latin;
    p[*n].norm = w->norm;
    p[*n].token = w->token;
    p[*n].flags = (uint16_t)(w->flags | extra);
    (*n)++;
    return true;
}

static bool whole_word_known(const struct hv_names *nm, struct hv_str latin)
{
    char key[HV__NAMES_WORD_MAX + 1];
    size_t k = hv__names_fold(nm, latin, key, sizeof(key));
    struct hv_str ks = { key, k };
    return hv__names_map_get(&nm->equiv, ks) != NULL || hv__names_map_get(&nm->freq, ks) != NULL;
}

/* Splits a name word at a known prefix or suffix (Abdulrahman, Noorullah). */
static bool split_compound(const struct hv_names *nm, const struct word *w, struct pre *p,
                           size_t *n)
{
    struct hv_str l = w->latin;
    if (l.len < 5 || whole_word_known(nm, l))
        return push(p, n, l, w, 0);
    const struct hv__names_affix *best = NULL;
    for (size_t i = 0; i < nm->n_affixes; i++) {
        const struct hv__names_affix *a = &nm->affixes[i];
        if (a->form_len + a->min_rest > l.len)
            continue;
        bool hit = a->kind == HV__AFFIX_PREFIX
                       ? memcmp(l.ptr, a->form, a->form_len) == 0
                       : memcmp(l.ptr + l.len - a->form_len, a->form, a->form_len) == 0;
        if (hit && (best == NULL || a->form_len > best->form_len))
            best = a;
    }
    if (best == NULL)
        return push(p, n, l, w, 0);
    struct hv_str affix = { best->canon, best->canon_len };
    if (best->kind == HV__AFFIX_PREFIX) {
        struct hv_str rest = { l.ptr + best->form_len, l.len - best->form_len };
        return push(p, n, affix, w, HV_NAME_PART_JOINED) &&
               push(p, n, rest, w, HV_NAME_PART_JOINED);
    }
    struct hv_str rest = { l.ptr, l.len - best->form_len };
    return push(p, n, rest, w, HV_NAME_PART_JOINED) && push(p, n, affix, w, HV_NAME_PART_JOINED);
}

static bool is_key(const struct hv_names *nm, struct hv_str latin, const char *canon)
{
    char a[HV__NAMES_WORD_MAX + 1], b[HV__NAMES_WORD_MAX + 1];
    bool known;
    size_t na = hv__names_key(nm, latin, a, sizeof(a), &known);
    size_t nb = hv__names_key(nm, hv_str_c(canon), b, sizeof(b), &known);
    return na == nb && memcmp(a, b, na) == 0;
}

static enum hv_err words_to_parts(const struct hv_names *nm, struct word *w, size_t n_words,
                                  struct pre *p, size_t *n_pre)
{
    size_t n = 0;
    for (size_t i = 0; i < n_words; i++) {
        if (!w[i].name) {
            uint16_t f = w[i].kind == W_TITLE ? HV_NAME_PART_HONORIFIC : HV_NAME_PART_PARTICLE;
            if (!push(p, &n, w[i].latin, &w[i], f))
                return HV_ERR_LIMIT;
            continue;
        }
        if (w[i].kind == W_SERVANT) {
            /* abd [al] X -> abdul X; abd allah -> abdullah. */
            size_t j = i + 1;
            if (j < n_words && w[j].kind == W_ARTICLE && j + 1 < n_words)
                j++;
            if (j < n_words && (w[j].kind == W_NAME || w[j].kind == W_ARTICLE)) {
                if (is_key(nm, w[j].latin, "ullah") || is_key(nm, w[j].latin, "lah")) {
                    if (!push(p, &n, HV_STR("abdullah"), &w[i], HV_NAME_PART_JOINED))
                        return HV_ERR_LIMIT;
                } else if (!push(p, &n, HV_STR("abdul"), &w[i], 0) ||
                           !split_compound(nm, &w[j], p, &n)) {
                    return HV_ERR_LIMIT;
                }
                i = j;
                continue;
            }
        }
        if (!split_compound(nm, &w[i], p, &n))
            return HV_ERR_LIMIT;
    }
    /* A split "abdul" + "ullah" is Abdullah. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && !(p[i].flags & HV_NAME_PART_OPTIONAL) && is_key(nm, p[i].latin, "abdul") &&
            is_key(nm, p[i + 1].latin, "ullah")) {
            p[k] = p[i];
            p[k].latin = HV_STR("abdullah");
            p[k].flags |= HV_NAME_PART_JOINED;
            k++;
            i++;
            continue;
        }
        p[k++] = p[i];
    }
    *n_pre = k;
    return HV_OK;
}

enum hv_err hv_names_parse(const struct hv_names *nm, struct hv_str input, struct hv_name *out)
{
    out->n_parts = 0;
    out->n_tokens = 0;
    out->text_len = 0;
    out->text[0] = '\0';
    char norm[NORM_CAP];
    size_t norm_len = 0, n_tok = 0;
    struct hv__names_token tok[HV__NAMES_MAX_TOKENS];
    enum hv_err err = hv__names_normalize(input, norm, sizeof(norm), &norm_len, tok, &n_tok);
    if (err != HV_OK)
        return err;
    out->n_tokens = n_tok;

    struct wbuf wb;
    wb.len = 0;
    struct word words[MAX_WORDS];
    size_t n_words = 0;
    err = tokens_to_words(nm, norm, tok, n_tok, &wb, words, &n_words);
    if (err != HV_OK)
        return err;
    classify(nm, words, &n_words);
    struct pre pre[HV_NAMES_MAX_PARTS];
    size_t n_pre = 0;
    err = words_to_parts(nm, words, n_words, pre, &n_pre);
    if (err != HV_OK)
        return err;

    for (size_t i = 0; i < n_pre; i++) {
        struct hv_name_part *part = &out->parts[out->n_parts];
        memset(part, 0, sizeof(*part));
        char key[HV__NAMES_WORD_MAX + 1], skel[HV__NAMES_WORD_MAX + 1];
        bool known = false;
        size_t kl = hv__names_key(nm, pre[i].latin, key, sizeof(key), &known);
        if (kl == 0)
            continue;
        size_t sl = hv__names_skel((struct hv_str){ key, kl }, skel, sizeof(skel));
        if (!text_put(out, pre[i].norm, &part->norm_off, &part->norm_len) ||
            !text_put(out, pre[i].latin, &part->latin_off, &part->latin_len) ||
            !text_put(out, (struct hv_str){ key, kl }, &part->key_off, &part->key_len) ||
            !text_put(out, (struct hv_str){ skel, sl }, &part->skel_off, &part->skel_len))
            return HV_ERR_LIMIT;
        part->flags = (uint16_t)(pre[i].flags | (known ? HV_NAME_PART_KNOWN : 0));
        part->token = pre[i].token;
        part->freq = (float)hv_names_default_tf((void *)nm, (struct hv_str){ key, kl });
        part->key_hash = hv__names_hash(key, kl);
        part->skel_hash = hv__names_hash(skel, sl);
        out->n_parts++;
    }
    return HV_OK;
}

size_t hv_names_skeleton_key(const struct hv_name *n, char *out, size_t out_len)
{
    size_t len = 0;
    if (out_len == 0)
        return 0;
    out[0] = '\0';
    for (size_t i = 0; i < n->n_parts; i++) {
        if (n->parts[i].flags & HV_NAME_PART_OPTIONAL)
            continue;
        struct hv_str s = hv_name_part_skeleton(n, i);
        if (s.len == 0)
            continue;
        size_t need = s.len + (len > 0 ? 1 : 0);
        if (len + need + 1 > out_len)
            break;
        if (len > 0)
            out[len++] = ' ';
        memcpy(out + len, s.ptr, s.len);
        len += s.len;
        out[len] = '\0';
    }
    return len;
}
