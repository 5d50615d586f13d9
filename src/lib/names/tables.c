/* tables.c - loads the names engine's tables from the .tsv tables under data/names/ (fold rules,
 * Arabic-script rules, variants, titles, particles, compounds, confusable costs) and derives the
 * native lexicon and the default frequency table from the demo's name tables.
 * hv_names_create/destroy. SPDX-License-Identifier: Apache-2.0 */
#include "names/names_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#define TABLE_MAX_BYTES (4u << 20)
#define MAX_COLS        8

#ifndef HV_DATA_DIR
#define HV_DATA_DIR "data"
#endif

/* One table being read: its text split in place into lines and cells. */
struct tsv {
    char path[4200];
    char *text;
    char *cur; /* next unread byte */
    char *end;
    uint64_t line;
    bool header_done;
    const char *cells[MAX_COLS];
    size_t n_cells;
};

static enum hv_err tsv_open(struct tsv *t, const char *dir, const char *name, struct hv_diag *diag)
{
    memset(t, 0, sizeof(*t));
    int w = snprintf(t->path, sizeof(t->path), "%s/names/%s", dir, name);
    if (w < 0 || (size_t)w >= sizeof(t->path)) {
        hv_diag_set(diag, NULL, "data path too long for %s", name);
        return HV_ERR_LIMIT;
    }
    FILE *f = fopen(t->path, "rb");
    if (f == NULL) {
        hv_diag_at(diag, t->path, 0);
        hv_diag_set(diag, NULL, "cannot open: %s", strerror(errno));
        return HV_ERR_IO;
    }
    size_t cap = 16384, len = 0;
    char *buf = hv_xmalloc(cap);
    enum hv_err err = HV_OK;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= TABLE_MAX_BYTES) {
                err = HV_ERR_LIMIT;
                break;
            }
            cap *= 2;
            buf = hv_xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                err = HV_ERR_IO;
            break;
        }
    }
    fclose(f);
    if (err == HV_OK && (memchr(buf, '\0', len) != NULL || !hv_utf8_valid(buf, len)))
        err = HV_ERR_INVALID;
    if (err != HV_OK) {
        free(buf);
        hv_diag_at(diag, t->path, 0);
        hv_diag_set(diag, NULL, "%s",
                    err == HV_ERR_INVALID ? "not valid UTF-8 text"
                    : err == HV_ERR_LIMIT ? "table too large"
                                          : "read error");
        return err;
    }
    buf[len] = '\0';
    t->text = buf;
    t->cur = buf;
    t->end = buf + len;
    return HV_OK;
}

static void tsv_close(struct tsv *t)
{
    free(t->text);
    t->text = NULL;
}

/* Next data row (comments, blank lines and the header skipped). Returns false at the end. */
static bool tsv_next(struct tsv *t)
{
    while (t->cur < t->end) {
        char *p = t->cur;
        char *nl = memchr(p, '\n', (size_t)(t->end - p));
        char *eol = nl != NULL ? nl : t->end;
        t->cur = nl != NULL ? nl + 1 : t->end;
        t->line++;
        if (eol > p && eol[-1] == '\r')
            eol--;
        *eol = '\0';
        if (p == eol || p[0] == '#')
            continue;
        t->n_cells = 0;
        char *c = p;
        for (;;) {
            if (t->n_cells < MAX_COLS)
                t->cells[t->n_cells++] = c;
            char *tab = strchr(c, '\t');
            if (tab == NULL)
                break;
            *tab = '\0';
            c = tab + 1;
        }
        if (!t->header_done) {
            t->header_done = true;
            continue;
        }
        return true;
    }
    return false;
}

static enum hv_err tsv_bad(struct tsv *t, struct hv_diag *diag, const char *why)
{
    hv_diag_at(diag, t->path, t->line);
    hv_diag_set(diag, NULL, "%s", why);
    return HV_ERR_INVALID;
}

static int parse_scope(const char *s)
{
    if (strcmp(s, "any") == 0)
        return HV__SCOPE_ANY;
    if (strcmp(s, "start") == 0)
        return HV__SCOPE_START;
    if (strcmp(s, "end") == 0)
        return HV__SCOPE_END;
    if (strcmp(s, "word") == 0)
        return HV__SCOPE_WORD;
    return -1;
}

static int cmp_rule_len(const void *x, const void *y)
{
    const struct hv__names_rule *a = x, *b = y;
    if (a->from_len != b->from_len)
        return a->from_len > b->from_len ? -1 : 1;
    /* Narrower scopes first among rules of one length (word, end, start before any). */
    if (a->scope != b->scope)
        return a->scope > b->scope ? -1 : 1;
    return 0;
}

static enum hv_err load_rules(const char *dir, const char *file, struct hv__names_rule **out,
                              size_t *n_out, struct hv_diag *diag)
{
    struct tsv t;
    enum hv_err err = tsv_open(&t, dir, file, diag);
    if (err != HV_OK)
        return err;
    size_t cap = 64, n = 0;
    struct hv__names_rule *rules = hv_xcalloc(cap, sizeof(*rules));
    while (tsv_next(&t)) {
        if (t.n_cells != 3) {
            err = tsv_bad(&t, diag, "expected 3 columns: from, to, scope");
            goto fail;
        }
        int scope = parse_scope(t.cells[2]);
        size_t fl = strlen(t.cells[0]), tl = strlen(t.cells[1]);
        if (scope < 0 || fl == 0 || fl >= sizeof(rules->from) || tl >= sizeof(rules->to)) {
            err = tsv_bad(&t, diag, "bad rule (scope any|start|end|word, from 1-31 bytes)");
            goto fail;
        }
        if (n == cap) {
            cap *= 2;
            rules = hv_xrealloc(rules, cap * sizeof(*rules));
        }
        struct hv__names_rule *r = &rules[n++];
        memset(r, 0, sizeof(*r));
        memcpy(r->from, t.cells[0], fl);
        r->from_len = (uint8_t)fl;
        memcpy(r->to, t.cells[1], tl);
        r->to_len = (uint8_t)tl;
        r->scope = (uint8_t)scope;
    }
    qsort(rules, n, sizeof(*rules), cmp_rule_len);
    tsv_close(&t);
    *out = rules;
    *n_out = n;
    return HV_OK;
fail:
    free(rules);
    tsv_close(&t);
    return err;
}

static enum hv_err load_affixes(struct hv_names *nm, const char *dir, struct hv_diag *diag)
{
    struct tsv t;
    enum hv_err err = tsv_open(&t, dir, "compounds.tsv", diag);
    if (err != HV_OK)
        return err;
    size_t cap = 32;
    nm->affixes = hv_xcalloc(cap, sizeof(*nm->affixes));
    while (tsv_next(&t)) {
        if (t.n_cells != 4) {
            err = tsv_bad(&t, diag, "expected 4 columns: affix, kind, canonical, min_rest");
            break;
        }
        size_t fl = strlen(t.cells[0]), cl = strlen(t.cells[2]);
        bool prefix = strcmp(t.cells[1], "prefix") == 0;
        bool suffix = strcmp(t.cells[1], "suffix") == 0;
        int64_t min_rest = 0;
        if ((!prefix && !suffix) || fl == 0 || fl >= sizeof(nm->affixes->form) || cl == 0 ||
            cl >= sizeof(nm->affixes->canon) || !hv_parse_i64(hv_str_c(t.cells[3]), &min_rest) ||
            min_rest < 1 || min_rest > 20) {
            err = tsv_bad(&t, diag, "bad compound (kind prefix|suffix, min_rest 1-20)");
            break;
        }
        if (nm->n_affixes == cap) {
            cap *= 2;
            nm->affixes = hv_xrealloc(nm->affixes, cap * sizeof(*nm->affixes));
        }
        struct hv__names_affix *a = &nm->affixes[nm->n_affixes++];
        memset(a, 0, sizeof(*a));
        memcpy(a->form, t.cells[0], fl);
        a->form_len = (uint8_t)fl;
        memcpy(a->canon, t.cells[2], cl);
        a->canon_len = (uint8_t)cl;
        a->kind = prefix ? HV__AFFIX_PREFIX : HV__AFFIX_SUFFIX;
        a->min_rest = (uint8_t)min_rest;
    }
    tsv_close(&t);
    return err;
}

/* Lower-cases ASCII in place. */
static void lower(char *s)
{
    for (; *s != '\0'; s++) {
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
    }
}

static enum hv_err load_equivalences(struct hv_names *nm, const char *dir, struct hv_diag *diag)
{
    struct tsv t;
    enum hv_err err = tsv_open(&t, dir, "equivalences.tsv", diag);
    if (err != HV_OK)
        return err;
    while (tsv_next(&t)) {
        if (t.n_cells != 2 || t.cells[0][0] == '\0') {
            err = tsv_bad(&t, diag, "expected 2 columns: canonical, variants");
            break;
        }
        char canon[HV__NAMES_WORD_MAX + 1];
        char *c0 = (char *)t.cells[0];
        lower(c0);
        size_t cn = hv__names_fold(nm, hv_str_c(c0), canon, sizeof(canon));
        struct hv_str ck = { canon, cn };
        hv__names_map_put(&nm->canon, ck, ck, 0, false);
        hv__names_map_put(&nm->equiv, ck, ck, 0, false);
        char *v = (char *)t.cells[1];
        lower(v);
        while (*v != '\0') {
            char *sp = strchr(v, ' ');
            size_t vl = sp != NULL ? (size_t)(sp - v) : strlen(v);
            if (vl > 0) {
                char key[HV__NAMES_WORD_MAX + 1];
                size_t kn = hv__names_fold(nm, (struct hv_str){ v, vl }, key, sizeof(key));
                if (kn > 0)
                    hv__names_map_put(&nm->equiv, (struct hv_str){ key, kn }, ck, 0, false);
            }
            if (sp == NULL)
                break;
            v = sp + 1;
        }
    }
    tsv_close(&t);
    return err;
}

static int parse_pos(const char *s)
{
    if (strcmp(s, "any") == 0)
        return HV__POS_ANY;
    if (strcmp(s, "prefix") == 0)
        return HV__POS_PREFIX;
    if (strcmp(s, "suffix") == 0)
        return HV__POS_SUFFIX;
    return -1;
}

/* Stores a form as the normaliser would see it (so "Eng." and "ENG" meet). */
static void put_normalised(struct hv__names_map *m, const char *form, struct hv_str val, double num)
{
    char norm[HV_NAMES_MAX_INPUT * 4];
    size_t norm_len = 0, n_tok = 0;
    struct hv__names_token tok[HV__NAMES_MAX_TOKENS];
    if (hv__names_normalize(hv_str_c(form), norm, sizeof(norm), &norm_len, tok, &n_tok) != HV_OK ||
        norm_len == 0)
        return;
    hv__names_map_put(m, (struct hv_str){ norm, norm_len }, val, num, false);
}

static enum hv_err load_titles(struct hv_names *nm, const char *dir, struct hv_diag *diag)
{
    struct tsv t;
    enum hv_err err = tsv_open(&t, dir, "titles.tsv", diag);
    if (err != HV_OK)
        return err;
    while (tsv_next(&t)) {
        int pos = t.n_cells == 3 ? parse_pos(t.cells[2]) : -1;
        if (pos < 0 || t.cells[0][0] == '\0' || t.cells[1][0] == '\0') {
            err = tsv_bad(&t, diag, "expected 3 columns: form, canonical, position");
            break;
        }
        put_normalised(&nm->titles, t.cells[0], hv_str_c(t.cells[1]), pos);
    }
    tsv_close(&t);
    return err;
}

static enum hv_err load_particles(struct hv_names *nm, const char *dir, struct hv_diag *diag)
{
    struct tsv t;
    enum hv_err err = tsv_open(&t, dir, "particles.tsv", diag);
    if (err != HV_OK)
        return err;
    while (tsv_next(&t)) {
        int kind = -1;
        if (t.n_cells == 3) {
            if (strcmp(t.cells[2], "article") == 0)
                kind = 1;
            else if (strcmp(t.cells[2], "patronymic") == 0)
                kind = 2;
            else if (strcmp(t.cells[2], "servant") == 0)
                kind = 3;
        }
        if (kind < 0 || t.cells[0][0] == '\0' || t.cells[1][0] == '\0') {
            err = tsv_bad(&t, diag,
                          "expected 3 columns: form, canonical, kind (article|patronymic|servant)");
            break;
        }
        put_normalised(&nm->particles, t.cells[0], hv_str_c(t.cells[1]), kind);
    }
    tsv_close(&t);
    return err;
}

static int letter_index(const char *s)
{
    if (strcmp(s, "-") == 0)
        return 26;
    if (strlen(s) == 1 && s[0] >= 'a' && s[0] <= 'z')
        return s[0] - 'a';
    return -1;
}

static enum hv_err load_confusables(struct hv_names *nm, const char *dir, struct hv_diag *diag)
{
    for (int i = 0; i < 27; i++) {
        for (int j = 0; j < 27; j++)
            nm->conf[i][j] = i == j ? 0.0 : 1.0;
    }
    struct tsv t;
    enum hv_err err = tsv_open(&t, dir, "confusables.tsv", diag);
    if (err != HV_OK)
        return err;
    while (tsv_next(&t)) {
        int a = t.n_cells == 3 ? letter_index(t.cells[0]) : -1;
        int b = t.n_cells == 3 ? letter_index(t.cells[1]) : -1;
        double cost = 0;
        if (a < 0 || b < 0 || a == b || !hv_parse_double(hv_str_c(t.cells[2]), &cost) || cost < 0 ||
            cost > 1) {
            err = tsv_bad(&t, diag, "expected: letter, letter (or - for none), cost 0..1");
            break;
        }
        nm->conf[a][b] = cost;
        nm->conf[b][a] = cost;
    }
    tsv_close(&t);
    return err;
}

/* Splits a Latin name from the demo tables into lower-case words. */
static size_t latin_words(const char *name, char words[][64], size_t max)
{
    size_t n = 0, len = 0;
    for (const char *p = name;; p++) {
        char c = *p;
        bool sep = c == '\0' || c == ' ' || c == '-';
        if (!sep && len < 63) {
            words[n][len++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
        }
        if (sep && len > 0) {
            words[n][len] = '\0';
            len = 0;
            if (++n == max)
                return n;
        }
        if (c == '\0')
            break;
    }
    return n;
}

/* Lexicon entries (native token -> Latin) from one demo table's name/native columns. */
static void add_lexicon(struct hv_names *nm, const char *latin, const char *native)
{
    char norm[HV_NAMES_MAX_INPUT * 4];
    size_t norm_len = 0, n_tok = 0;
    struct hv__names_token tok[HV__NAMES_MAX_TOKENS];
    if (hv__names_normalize(hv_str_c(native), norm, sizeof(norm), &norm_len, tok, &n_tok) !=
            HV_OK ||
        n_tok == 0)
        return;
    char words[8][64];
    size_t n_words = latin_words(latin, words, 8);
    if (n_words == 0)
        return;
    if (n_tok == n_words) {
        for (size_t i = 0; i < n_tok; i++) {
            if (tok[i].script != HV__SCRIPT_ARABIC)
                continue;
            hv__names_map_put(&nm->lexicon, (struct hv_str){ norm + tok[i].off, tok[i].len },
                              hv_str_c(words[i]), 0, false);
        }
    } else if (n_tok == 1 && tok[0].script == HV__SCRIPT_ARABIC) {
        char joined[256];
        size_t jl = 0;
        for (size_t i = 0; i < n_words; i++) {
            int w = snprintf(joined + jl, sizeof(joined) - jl, "%s%s", i > 0 ? " " : "", words[i]);
            if (w < 0 || (size_t)w >= sizeof(joined) - jl)
                return;
            jl += (size_t)w;
        }
        hv__names_map_put(&nm->lexicon, (struct hv_str){ norm + tok[0].off, tok[0].len },
                          (struct hv_str){ joined, jl }, 0, false);
    }
}

/* Reads one demo name table (name, native, weight): lexicon entries and part frequencies. */
static enum hv_err load_population(struct hv_names *nm, const char *dir, const char *file,
                                   struct hv__names_map *counts, double *total,
                                   struct hv_diag *diag)
{
    struct tsv t;
    enum hv_err err = tsv_open(&t, dir, file, diag);
    if (err != HV_OK)
        return err;
    struct hv_name *parsed = hv_xmalloc(sizeof(*parsed));
    while (tsv_next(&t)) {
        double weight = 0;
        if (t.n_cells < 3 || !hv_parse_double(hv_str_c(t.cells[2]), &weight) || weight < 0) {
            err = tsv_bad(&t, diag, "expected columns: name, native, weight");
            break;
        }
        add_lexicon(nm, t.cells[0], t.cells[1]);
        if (hv_names_parse(nm, hv_str_c(t.cells[0]), parsed) != HV_OK)
            continue;
        *total += weight;
        for (size_t i = 0; i < parsed->n_parts; i++) {
            if (parsed->parts[i].flags & HV_NAME_PART_OPTIONAL)
                continue;
            struct hv_str k = hv_name_part_key(parsed, i);
            struct hv__names_map_slot *s = hv__names_map_put(counts, k, k, 0, false);
            s->num += weight;
        }
    }
    free(parsed);
    tsv_close(&t);
    return err;
}

static enum hv_err build_population(struct hv_names *nm, const char *dir, struct hv_diag *diag)
{
    static const char *const files[] = { "given_male.tsv", "given_female.tsv", "family.tsv" };
    struct hv__names_map counts = { 0 };
    double total = 0;
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < HV_ARRAY_LEN(files) && err == HV_OK; i++)
        err = load_population(nm, dir, files[i], &counts, &total, diag);
    if (err == HV_OK && total > 0) {
        for (size_t i = 0; i < counts.cap; i++) {
            const struct hv__names_map_slot *s = &counts.slots[i];
            if (s->hash == 0)
                continue;
            struct hv_str k = { counts.pool + s->key_off, s->key_len };
            hv__names_map_put(&nm->freq, k, k, s->num / total, true);
        }
    }
    hv__names_map_finish(&counts);
    return err;
}

static void open_other_translit(struct hv_names *nm)
{
    static const char id[] = "Any-Latin; Latin-ASCII";
    UChar uid[64];
    UErrorCode st = U_ZERO_ERROR;
    u_uastrcpy(uid, id);
    UTransliterator *t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    nm->other_translit = U_SUCCESS(st) ? t : NULL;
}

enum hv_err hv_names_create(const char *data_dir, struct hv_names **out, struct hv_diag *diag)
{
    *out = NULL;
    const char *dir = data_dir != NULL ? data_dir : HV_DATA_DIR;
    struct hv_names *nm = hv_xcalloc(1, sizeof(*nm));
    enum hv_err err = load_rules(dir, "fold.tsv", &nm->fold, &nm->n_fold, diag);
    if (err == HV_OK)
        err = load_rules(dir, "arabic_latin.tsv", &nm->translit, &nm->n_translit, diag);
    if (err == HV_OK)
        err = load_affixes(nm, dir, diag);
    if (err == HV_OK)
        err = load_equivalences(nm, dir, diag);
    if (err == HV_OK)
        err = load_titles(nm, dir, diag);
    if (err == HV_OK)
        err = load_particles(nm, dir, diag);
    if (err == HV_OK)
        err = load_confusables(nm, dir, diag);
    if (err == HV_OK) {
        open_other_translit(nm);
        err = build_population(nm, dir, diag);
    }
    if (err != HV_OK) {
        hv_names_destroy(nm);
        return err;
    }
    *out = nm;
    return HV_OK;
}

void hv_names_destroy(struct hv_names *nm)
{
    if (nm == NULL)
        return;
    free(nm->fold);
    free(nm->translit);
    free(nm->affixes);
    hv__names_map_finish(&nm->equiv);
    hv__names_map_finish(&nm->canon);
    hv__names_map_finish(&nm->titles);
    hv__names_map_finish(&nm->particles);
    hv__names_map_finish(&nm->lexicon);
    hv__names_map_finish(&nm->freq);
    if (nm->other_translit != NULL)
        utrans_close((UTransliterator *)nm->other_translit);
    free(nm);
}

double hv_names_default_tf(void *ud, struct hv_str key)
{
    const struct hv_names *nm = ud;
    const struct hv__names_map_slot *s = hv__names_map_get(&nm->freq, key);
    return s != NULL ? s->num : 0.0;
}
