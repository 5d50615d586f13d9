/* bench_screening.c - the figures of issue 4 for the screening module, each with its threshold:
 * recall@1 of the yente UN positives (typo-treated) against UN+OFAC, false alerts per 1,000 on
 * the yente global and US negatives at the same operating threshold, Taliban aliases
 * leave-one-out and cross-script recall@1 with a plain Jaro-Winkler baseline computed in the same
 * run, and speed (latency, throughput on 2 threads, index build time and memory).
 * Reads ../shared/data (or $HV_SHARED_DATA, or argv[1]). Prints figures; not a test.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "haven/csv.h"
#include "haven/names.h"
#include "haven/screening.h"
#include "screening/screening_int.h"

#define MAX_ROWS 60000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the calling thread: unlike wall time, it does not grow with the machine's load. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL)
        return 0;
    char line[256];
    long v = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            v = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    return v;
}

/* A fixture row. */
struct row {
    char *name, *dob, *nat, *sex;
};

struct rows {
    struct row *r;
    size_t n;
};

static char *dupz(struct hv_str s)
{
    char *p = malloc(s.len + 1);
    memcpy(p, s.ptr, s.len);
    p[s.len] = '\0';
    return p;
}

static bool read_rows(const char *path, struct rows *out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    struct hv_csv_reader r;
    hv_csv_init_file(&r, f);
    out->r = calloc(MAX_ROWS, sizeof(*out->r));
    out->n = 0;
    bool header = true;
    for (;;) {
        bool eof = false;
        struct hv_diag d;
        hv_diag_clear(&d);
        if (hv_csv_next(&r, &eof, &d) != HV_OK || eof)
            break;
        if (header) {
            header = false;
            continue;
        }
        if (hv_csv_n_fields(&r) < 8 || out->n == MAX_ROWS)
            continue;
        struct row *w = &out->r[out->n++];
        w->name = dupz(hv_csv_field(&r, 0));
        w->sex = dupz(hv_csv_field(&r, 4));
        w->dob = dupz(hv_csv_field(&r, 5));
        w->nat = dupz(hv_csv_field(&r, 7));
    }
    hv_csv_finish(&r);
    fclose(f);
    return true;
}

static void query_of(const struct row *w, struct hv_screen_query *q)
{
    const char *why = NULL;
    if (!hv_screen_query_init(q, hv_str_c(w->name), hv_str_c(w->dob), hv_str_c(w->nat),
                              hv_str_c(w->sex), &why)) {
        if (!hv_screen_query_init(q, hv_str_c(w->name), HV_STR_NULL, hv_str_c(w->nat),
                                  hv_str_c(w->sex), &why))
            q->name = hv_str_c(w->name);
    }
}

/* Lower-case ASCII letters, token-sorted: the "same listed name" key. */
static void sorted_key(const char *in, char *out, size_t out_len)
{
    char toks[16][64];
    size_t n = 0, k = 0;
    for (const char *p = in;; p++) {
        unsigned char c = (unsigned char)*p;
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
        if (letter && k < 63 && n < 16) {
            toks[n][k++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        } else if (k > 0) {
            toks[n][k] = '\0';
            n++;
            k = 0;
        }
        if (c == '\0')
            break;
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(toks[j - 1], toks[j]) > 0; j--) {
            char t[64];
            memcpy(t, toks[j], 64);
            memcpy(toks[j], toks[j - 1], 64);
            memcpy(toks[j - 1], t, 64);
        }
    }
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        o +=
            (size_t)snprintf(out + o, o < out_len ? out_len - o : 0, "%s%s", i ? " " : "", toks[i]);
}

/* Plain Jaro-Winkler on lower-cased bytes: the baseline. */
static double jw(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 || lb == 0)
        return 0;
    if (la > 128 || lb > 128)
        return 0;
    size_t range = (la > lb ? la : lb) / 2;
    range = range > 0 ? range - 1 : 0;
    bool ma[128] = { 0 }, mb[128] = { 0 };
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > range ? i - range : 0, hi = i + range + 1 < lb ? i + range + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!mb[j] && a[i] == b[j]) {
                ma[i] = mb[j] = true;
                m++;
                break;
            }
        }
    }
    if (m == 0)
        return 0;
    size_t t = 0, j = 0;
    for (size_t i = 0; i < la; i++) {
        if (!ma[i])
            continue;
        while (!mb[j])
            j++;
        if (a[i] != b[j])
            t++;
        j++;
    }
    double md = (double)m;
    double s = (md / (double)la + md / (double)lb + (md - (double)t / 2.0) / md) / 3.0;
    size_t p = 0;
    while (p < 4 && p < la && p < lb && a[p] == b[p])
        p++;
    return s + (double)p * 0.1 * (1 - s);
}

static size_t lower(const char *in, char *out, size_t out_len)
{
    size_t n = 0;
    for (const char *p = in; *p != '\0' && n + 1 < out_len; p++) {
        unsigned char c = (unsigned char)*p;
        out[n++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    out[n] = '\0';
    return n;
}

/* The baseline's view of the lists: every name lower-cased with its entry. */
struct flat {
    char (*s)[128];
    size_t *len;
    const struct hv_wl_entry **e;
    size_t *name_index;
    size_t n;
};

static void flat_build(struct flat *f, struct hv_wl_list *const *lists, size_t n_lists,
                       bool latin_only)
{
    size_t total = 0;
    for (size_t l = 0; l < n_lists; l++)
        for (size_t i = 0; i < lists[l]->n_entries; i++)
            total += lists[l]->entries[i].n_names;
    f->s = malloc(total * sizeof(*f->s));
    f->len = malloc(total * sizeof(*f->len));
    f->e = malloc(total * sizeof(*f->e));
    f->name_index = malloc(total * sizeof(*f->name_index));
    f->n = 0;
    for (size_t l = 0; l < n_lists; l++) {
        for (size_t i = 0; i < lists[l]->n_entries; i++) {
            const struct hv_wl_entry *e = &lists[l]->entries[i];
            for (size_t k = 0; k < e->n_names; k++) {
                if (latin_only && e->names[k].kind == HV_WL_NAME_ORIGINAL)
                    continue;
                f->len[f->n] = lower(e->names[k].text, f->s[f->n], sizeof(f->s[0]));
                f->e[f->n] = e;
                f->name_index[f->n] = k;
                f->n++;
            }
        }
    }
}

static const struct hv_wl_entry *jw_best(const struct flat *f, const char *q,
                                         const struct hv_wl_entry *excl_e, size_t excl_k)
{
    char ql[128];
    size_t qn = lower(q, ql, sizeof(ql));
    double best = -1;
    const struct hv_wl_entry *be = NULL;
    for (size_t i = 0; i < f->n; i++) {
        if (f->e[i] == excl_e && f->name_index[i] == excl_k)
            continue;
        double s = jw(ql, qn, f->s[i], f->len[i]);
        if (s > best) {
            best = s;
            be = f->e[i];
        }
    }
    return be;
}

/* A copy of list l without its original-script names (shares strings with l). */
static struct hv_wl_list *latin_copy(const struct hv_wl_list *l)
{
    struct hv_wl_list *c = hv_wl_list_create(l->name, l->source);
    c->entries = calloc(l->n_entries, sizeof(*c->entries));
    c->cap = l->n_entries;
    for (size_t i = 0; i < l->n_entries; i++) {
        struct hv_wl_entry e = l->entries[i];
        struct hv_wl_name *nm = hv_arena_alloc_array(&c->arena, e.n_names, sizeof(*nm));
        size_t k = 0;
        for (size_t j = 0; j < e.n_names; j++) {
            if (e.names[j].kind != HV_WL_NAME_ORIGINAL)
                nm[k++] = e.names[j];
        }
        e.names = nm;
        e.n_names = k;
        if (k > 0)
            c->entries[c->n_entries++] = e;
    }
    return c;
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

struct thr {
    const struct hv_screen_index *ix;
    const struct rows *rows;
    size_t from, to;
};

static void *thr_run(void *arg)
{
    struct thr *t = arg;
    struct hv_screen_scratch *s = hv_screen_scratch_create(t->ix);
    struct hv_screen_cand c[10];
    for (size_t i = t->from; i < t->to; i++) {
        struct hv_screen_query q;
        query_of(&t->rows->r[i % t->rows->n], &q);
        size_t n = 0;
        if (hv_screen_query_run(t->ix, s, &q, 0.5, c, 10, &n) != HV_OK)
            continue;
    }
    hv_screen_scratch_destroy(s);
    return NULL;
}

static const char *pass(bool ok)
{
    return ok ? "PASS" : "FAIL";
}

/* The brute-force Jaro-Winkler peer (bench/screening/jw_peer.py, Debian's python3-jellyfish)
 * in a separate process over the same name strings, on a sample of the queries: prints its
 * time per query and our ratio to it. */
static void run_jw_peer(struct hv_wl_list *const *lists, const struct rows *queries,
                        double our_p50_ms)
{
    const char *peer = getenv("HV_JW_PEER");
    char script[4096];
    snprintf(script, sizeof(script), "%s", peer ? peer : "bench/screening/jw_peer.py");
    if (access(script, R_OK) != 0 || access("/usr/bin/python3", X_OK) != 0) {
        printf("   brute-force Jaro-Winkler peer: %s not found (run from the repository root, "
               "or set HV_JW_PEER)\n",
               script);
        return;
    }
    char dir[] = "/tmp/hv-jw-peer-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return;
    char names_path[64], queries_path[64], cmd[4300];
    snprintf(names_path, sizeof(names_path), "%s/names", dir);
    snprintf(queries_path, sizeof(queries_path), "%s/queries", dir);
    struct flat all;
    flat_build(&all, lists, 2, false);
    FILE *f = fopen(names_path, "w");
    for (size_t i = 0; f != NULL && i < all.n; i++)
        fprintf(f, "%.*s\n", (int)all.len[i], all.s[i]);
    if (f != NULL)
        fclose(f);
    size_t sample = queries->n < 200 ? queries->n : 200;
    f = fopen(queries_path, "w");
    for (size_t i = 0; f != NULL && i < sample; i++) {
        char low[128];
        size_t n = lower(queries->r[i * (queries->n / sample)].name, low, sizeof(low));
        fprintf(f, "%.*s\n", (int)n, low);
    }
    if (f != NULL)
        fclose(f);
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' '%s' '%s' 2>/dev/null", script, names_path,
             queries_path);
    FILE *out = popen(cmd, "r");
    size_t nq = 0;
    double secs = 0;
    int got = out != NULL ? fscanf(out, "queries %zu seconds %lf", &nq, &secs) : 0;
    if (out != NULL)
        pclose(out);
    unlink(names_path);
    unlink(queries_path);
    rmdir(dir);
    free(all.s);
    free(all.len);
    free(all.e);
    free(all.name_index);
    if (got != 2 || nq == 0) {
        printf("   brute-force Jaro-Winkler peer: python3-jellyfish did not run "
               "(apt-get install python3-jellyfish)\n");
        return;
    }
    double per_ms = secs * 1e3 / (double)nq;
    printf("   brute-force Jaro-Winkler peer (python3-jellyfish, %zu names, sample of %zu "
           "queries): %.1f ms per query; ours p50 %.3f ms = %.0fx faster\n",
           all.n, nq, per_ms, our_p50_ms, per_ms / our_p50_ms);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("HV_SHARED_DATA");
    if (dir == NULL)
        dir = "../shared/data";
    char p[4096];
    struct hv_diag d;
    hv_diag_clear(&d);
    struct hv_names *names = NULL;
    if (hv_names_create(NULL, &names, &d) != HV_OK) {
        fprintf(stderr, "names tables: %s\n", d.msg);
        return 1;
    }
    struct hv_wl_list *un = NULL, *ofac = NULL;
    snprintf(p, sizeof(p), "%s/un_sc_consolidated/consolidated.xml", dir);
    double t0 = now();
    if (hv_wl_load_un(p, &un, &d) != HV_OK) {
        fprintf(stderr, "UN list: %s (line %llu)\n", d.msg, (unsigned long long)d.line);
        return 1;
    }
    snprintf(p, sizeof(p), "%s/ofac_sdn/2021-07", dir);
    if (hv_wl_load_ofac(p, &ofac, &d) != HV_OK) {
        fprintf(stderr, "OFAC list: %s: %s\n", d.file, d.msg);
        return 1;
    }
    double t_load = now() - t0;
    long rss0 = rss_kib();
    struct hv_wl_list *both[2] = { un, ofac };
    struct hv_screen_index *ix = NULL;
    t0 = now();
    if (hv_screen_index_create(names, both, 2, &ix) != HV_OK)
        return 1;
    double t_build = now() - t0;
    long rss1 = rss_kib();
    struct hv_screen_index_stats st;
    hv_screen_index_stats(ix, &st);
    printf("lists: UN %zu entries, OFAC %zu entries, loaded in %.2f s\n", un->n_entries,
           ofac->n_entries, t_load);
    printf("index: %zu entries, %zu names, %zu keys, %zu postings; built in %.2f s; "
           "%.1f MiB held (RSS +%.1f MiB)\n",
           st.n_entries, st.n_names, st.n_keys, st.n_postings, t_build,
           (double)st.bytes / 1048576.0, (double)(rss1 - rss0) / 1024.0);
    double thr = HV_SCREEN_REVIEW_THRESHOLD;
    struct hv_screen_scratch *s = hv_screen_scratch_create(ix);
    struct hv_screen_cand c[10];
    size_t n = 0;

    /* 1. UN positives (treated) against UN+OFAC. */
    struct rows tr, un_rows;
    snprintf(p, sizeof(p), "%s/yente_screening_fixtures/positives_un_treated.csv", dir);
    bool have_pos = read_rows(p, &tr);
    /* HV_BENCH_SPEED=1 runs only the speed figures (for profiling). */
    bool speed_only = getenv("HV_BENCH_SPEED") != NULL;
    /* HV_BENCH_PARTS="34" runs only figures 3 and 4 (tuning); HV_SCREEN_TF_SCALE overrides the
     * weight of the lists' own part frequencies. */
    const char *parts = getenv("HV_BENCH_PARTS");
    bool part_on[6] = { true, true, true, true, true, true };
    if (parts != NULL)
        for (int k = 1; k <= 5; k++)
            part_on[k] = strchr(parts, '0' + k) != NULL;
    const char *tfs = getenv("HV_SCREEN_TF_SCALE");
    double tf_scale = tfs != NULL ? strtod(tfs, NULL) : HV__SCREEN_LIST_TF_SCALE;
    hv__ix_set_list_tf(ix, tf_scale);
    /* HV_SCREEN_OFF="compound,strict,..." turns the names engine's opt-in refinements off (to
     * measure each one's effect). */
    const char *off = getenv("HV_SCREEN_OFF");
    if (off != NULL) {
        if (strstr(off, "compound") != NULL)
            ix->weights.compound_whole = false;
        if (strstr(off, "strict") != NULL)
            ix->weights.strict_optional = false;
        if (strstr(off, "known") != NULL)
            ix->weights.known_distinct = false;
        if (strstr(off, "longv") != NULL)
            ix->weights.long_vowels = false;
        if (strstr(off, "title") != NULL)
            ix->weights.title_match = 0;
        if (strstr(off, "initial") != NULL)
            ix->weights.initial = 0;
    }
    printf("list tf scale %.2f\n", tf_scale);
    if (!part_on[1])
        speed_only = true;
    snprintf(p, sizeof(p), "%s/yente_screening_fixtures/positives_un_untreated.csv", dir);
    have_pos = have_pos && read_rows(p, &un_rows);
    /* Truth: the UN individual whose listed name equals the untreated name, token-sorted. */
    char(*ukeys)[256] = calloc(un->n_entries * HV_WL_MAX_NAMES, 256);
    for (size_t i = 0; i < un->n_entries; i++)
        for (size_t k = 0; k < un->entries[i].n_names; k++)
            sorted_key(un->entries[i].names[k].text, ukeys[i * HV_WL_MAX_NAMES + k], 256);
    size_t n_pos = 0, hit1 = 0, hit1_thr = 0, no_truth = 0;
    double *pos_scores = calloc(tr.n + 1, sizeof(double));
    bool *pos_top = calloc(tr.n + 1, sizeof(bool));
    for (size_t r = 0; !speed_only && have_pos && r < tr.n && r < un_rows.n; r++) {
        char key[256];
        sorted_key(un_rows.r[r].name, key, sizeof(key));
        const struct hv_wl_entry *truth = NULL;
        for (size_t i = 0; i < un->n_entries && truth == NULL; i++)
            if (strcmp(ukeys[i * HV_WL_MAX_NAMES], key) == 0)
                truth = &un->entries[i];
        if (truth == NULL) {
            no_truth++;
            continue;
        }
        n_pos++;
        struct hv_screen_query q;
        query_of(&tr.r[r], &q);
        if (hv_screen_query_run(ix, s, &q, 0.0, c, 10, &n) != HV_OK || n == 0)
            continue;
        /* The top candidate is right when it is the UN entry or an entry on another list
         * listing the same name (the same person on OFAC's list). */
        bool ok = false;
        for (size_t k = 0; k < n && c[k].score == c[0].score; k++)
            ok = ok || c[k].entry == truth; /* ties at the top count */
        for (size_t k = 0; !ok && k < c[0].entry->n_names; k++) {
            char ck[256];
            sorted_key(c[0].entry->names[k].text, ck, sizeof(ck));
            ok = strcmp(ck, key) == 0;
        }
        pos_scores[n_pos - 1] = c[0].score;
        pos_top[n_pos - 1] = ok;
        if (ok) {
            hit1++;
            if (c[0].score >= thr)
                hit1_thr++;
            else if (getenv("HV_BENCH_VERBOSE") != NULL)
                printf("  below threshold row %zu: %s | %s %.3f name %.3f via %s\n", r + 2,
                       tr.r[r].name, c[0].entry->ref, c[0].score, c[0].name_score, c[0].name_text);
        } else if (getenv("HV_BENCH_VERBOSE") != NULL) {
            printf("  miss row %zu: top %s %s %.3f\n", r + 2, c[0].list->name, c[0].entry->ref,
                   c[0].score);
        }
    }
    double rec = n_pos ? (double)hit1 / (double)n_pos : 0;
    double rec_thr = n_pos ? (double)hit1_thr / (double)n_pos : 0;
    printf("\n1. UN positives (treated) vs UN+OFAC: %zu with a listed truth (%zu without)\n", n_pos,
           no_truth);
    printf("   recall@1 (ranking) %.4f; recall@1 at threshold %.2f: %.4f  [goal >= 0.995: %s]\n",
           rec, thr, rec_thr, pass(rec_thr >= 0.995));

    /* 2. False alerts on the negatives. */
    const char *negs[2] = { "negatives_global.csv", "negatives_us.csv" };
    double *neg_top[2] = { NULL, NULL };
    size_t neg_n[2] = { 0, 0 };
    printf("\n2. false alerts per 1,000 people at threshold %.2f (goal <= 2):\n", thr);
    for (int k = 0; k < 2; k++) {
        struct rows nr;
        snprintf(p, sizeof(p), "%s/yente_screening_fixtures/%s", dir, negs[k]);
        if (speed_only || !part_on[2] || !read_rows(p, &nr)) {
            printf("   %s: missing or skipped\n", negs[k]);
            continue;
        }
        neg_top[k] = calloc(nr.n + 1, sizeof(double));
        size_t alerts = 0;
        for (size_t r = 0; r < nr.n; r++) {
            struct hv_screen_query q;
            query_of(&nr.r[r], &q);
            if (hv_screen_query_run(ix, s, &q, 0.0, c, 1, &n) != HV_OK || n == 0)
                continue;
            neg_top[k][r] = c[0].score;
            if (c[0].score >= thr) {
                alerts++;
                if (getenv("HV_BENCH_VERBOSE") != NULL && alerts <= 40)
                    printf("  alert row %zu: %s | %s %s %s | %.3f name %.3f dob %s nat %s\n", r + 2,
                           nr.r[r].name, c[0].list->name, c[0].entry->ref,
                           c[0].entry->names[c[0].name_index].text, c[0].score, c[0].name_score,
                           hv_screen_effect_str(c[0].dob), hv_screen_effect_str(c[0].nationality));
            }
        }
        neg_n[k] = nr.n;
        double per = nr.n ? 1000.0 * (double)alerts / (double)nr.n : 0;
        printf("   %s: %zu people, %zu alerts, %.2f per 1,000  [%s]\n", negs[k], nr.n, alerts, per,
               pass(per <= 2.0));
    }
    printf("   threshold sweep (recall@1 at t | alerts/1,000 global | US):\n");
    for (double t = 0.70; t < 0.951; t += 0.025) {
        size_t h = 0, a[2] = { 0, 0 };
        for (size_t i = 0; i < n_pos; i++)
            h += pos_top[i] && pos_scores[i] >= t;
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < neg_n[k]; i++)
                a[k] += neg_top[k][i] >= t;
        printf("     t=%.3f  %.4f | %.2f | %.2f\n", t, n_pos ? (double)h / (double)n_pos : 0,
               neg_n[0] ? 1000.0 * (double)a[0] / (double)neg_n[0] : 0,
               neg_n[1] ? 1000.0 * (double)a[1] / (double)neg_n[1] : 0);
    }

    /* 3. Taliban aliases, leave-one-out, against the UN list. */
    struct hv_wl_list *unl[1] = { un };
    struct hv_screen_index *uix = NULL;
    if (hv_screen_index_create(names, unl, 1, &uix) != HV_OK)
        return 1;
    hv__ix_set_list_tf(uix, tf_scale);
    if (getenv("HV_SCREEN_UNKNOWN_FREQ") != NULL)
        uix->weights.unknown_freq = strtod(getenv("HV_SCREEN_UNKNOWN_FREQ"), NULL);
    if (getenv("HV_SCREEN_SKELETON") != NULL)
        uix->weights.skeleton = strtod(getenv("HV_SCREEN_SKELETON"), NULL);
    if (getenv("HV_SCREEN_TITLE_MATCH") != NULL)
        uix->weights.title_match = strtod(getenv("HV_SCREEN_TITLE_MATCH"), NULL);
    struct hv_screen_scratch *us = hv_screen_scratch_create(uix);
    struct flat fu;
    flat_build(&fu, unl, 1, false);
    size_t loo_n = 0, loo_hit = 0, loo_jw = 0;
    for (size_t i = 0; i < un->n_entries; i++) {
        const struct hv_wl_entry *e = &un->entries[i];
        if (strncmp(e->ref, "TAi.", 4) != 0)
            continue;
        char pk[256];
        sorted_key(e->names[0].text, pk, sizeof(pk));
        for (size_t k = 1; k < e->n_names; k++) {
            if (e->names[k].kind != HV_WL_NAME_ALIAS && e->names[k].kind != HV_WL_NAME_ALIAS_LOW)
                continue;
            char ak[256];
            sorted_key(e->names[k].text, ak, sizeof(ak));
            if (strcmp(ak, pk) == 0)
                continue;
            loo_n++;
            struct hv_screen_query q;
            memset(&q, 0, sizeof(q));
            q.name = hv_str_c(e->names[k].text);
            hv__screen_scratch_exclude(us, e, k);
            bool ok = false;
            if (hv_screen_query_run(uix, us, &q, 0.0, c, 10, &n) == HV_OK)
                for (size_t t = 0; t < n && c[t].score == c[0].score; t++)
                    ok = ok || c[t].entry == e; /* ties at the top count */
            if (ok)
                loo_hit++;
            else if (getenv("HV_BENCH_VERBOSE") != NULL) {
                size_t t = 0;
                while (t < n && c[t].entry != e)
                    t++;
                printf("  loo miss: %s -> %s (%s) %.3f; truth %s rank %zu %.3f via %s\n",
                       e->names[k].text, n > 0 ? c[0].entry->names[c[0].name_index].text : "-",
                       n > 0 ? c[0].entry->ref : "-", n > 0 ? c[0].score : 0.0, e->ref, t,
                       t < n ? c[t].score : 0.0, t < n ? c[t].name_text : "-");
            }
            hv__screen_scratch_exclude(us, NULL, 0);
            if (part_on[3] && jw_best(&fu, e->names[k].text, e, k) == e)
                loo_jw++;
        }
    }
    double loo = loo_n ? (double)loo_hit / (double)loo_n : 0;
    printf("\n3. Taliban aliases leave-one-out (%zu aliases differing from the primary name):\n"
           "   recall@1 %.4f  [goal >= 0.75: %s]; plain Jaro-Winkler in this run %.4f "
           "(issue: 0.44)\n",
           loo_n, loo, pass(loo >= 0.75), loo_n ? (double)loo_jw / (double)loo_n : 0);

    /* 4. Cross-script: each TAi original-script name against the Latin entries. */
    struct hv_wl_list *lat = latin_copy(un);
    struct hv_wl_list *latl[1] = { lat };
    struct hv_screen_index *lix = NULL;
    if (hv_screen_index_create(names, latl, 1, &lix) != HV_OK)
        return 1;
    hv__ix_set_list_tf(lix, tf_scale);
    struct hv_screen_scratch *ls = hv_screen_scratch_create(lix);
    struct flat fl;
    flat_build(&fl, latl, 1, true);
    size_t xs_n = 0, xs_hit = 0, xs_jw = 0;
    struct hv_name *pn = malloc(sizeof(*pn));
    for (size_t i = 0; i < un->n_entries; i++) {
        const struct hv_wl_entry *e = &un->entries[i];
        if (strncmp(e->ref, "TAi.", 4) != 0)
            continue;
        for (size_t k = 0; k < e->n_names; k++) {
            if (e->names[k].kind != HV_WL_NAME_ORIGINAL)
                continue;
            xs_n++;
            struct hv_screen_query q;
            memset(&q, 0, sizeof(q));
            q.name = hv_str_c(e->names[k].text);
            if (hv_screen_query_run(lix, ls, &q, 0.0, c, 1, &n) == HV_OK && n > 0 &&
                strcmp(c[0].entry->ref, e->ref) == 0)
                xs_hit++;
            else if (getenv("HV_BENCH_VERBOSE") != NULL)
                printf("  cross-script miss: %s (%s) -> %s (%s) %.3f\n", q.name.ptr, e->ref,
                       n > 0 ? c[0].name_text : "-", n > 0 ? c[0].entry->ref : "-",
                       n > 0 ? c[0].score : 0.0);
            /* Baseline: transliterate (the engine's Latin forms, joined), then Jaro-Winkler. */
            char lt[512];
            size_t o = 0;
            lt[0] = '\0';
            if (hv_names_parse(names, q.name, pn) == HV_OK) {
                for (size_t j = 0; j < pn->n_parts; j++) {
                    struct hv_str L = hv_name_part_latin(pn, j);
                    o += (size_t)snprintf(lt + o, o < sizeof(lt) ? sizeof(lt) - o : 0, "%s%.*s",
                                          j ? " " : "", HV_STR_ARG(L));
                }
            }
            const struct hv_wl_entry *b = part_on[4] ? jw_best(&fl, lt, NULL, 0) : NULL;
            if (b != NULL && strcmp(b->ref, e->ref) == 0)
                xs_jw++;
        }
    }
    double xs = xs_n ? (double)xs_hit / (double)xs_n : 0;
    printf("\n4. cross-script (%zu TAi original-script names vs the Latin UN entries):\n"
           "   recall@1 %.4f  [goal >= 0.90: %s]; transliteration + Jaro-Winkler in this run "
           "%.4f (issue, ICU + JW: 0.39)\n",
           xs_n, xs, pass(xs >= 0.90), xs_n ? (double)xs_jw / (double)xs_n : 0);

    /* 5. Speed: 100,000 queries (the negatives, then the positives) against UN+OFAC. */
    struct rows sp;
    sp.r = calloc(100000, sizeof(*sp.r));
    sp.n = 0;
    for (int k = 0; k < 2; k++) {
        struct rows nr;
        snprintf(p, sizeof(p), "%s/yente_screening_fixtures/%s", dir, negs[k]);
        if (read_rows(p, &nr))
            for (size_t i = 0; i < nr.n && sp.n < 100000; i++)
                sp.r[sp.n++] = nr.r[i];
    }
    for (size_t i = 0; have_pos && sp.n < 100000 && i < tr.n; i++)
        sp.r[sp.n++] = tr.r[i];
    if (sp.n > 0 && part_on[5]) {
        size_t nq = 100000;
        double *lat_s = malloc(nq * sizeof(double));
        double *cpu_s = malloc(nq * sizeof(double));
        double cpu0 = cpu_now();
        double ts = now();
        for (size_t i = 0; i < nq; i++) {
            struct hv_screen_query q;
            query_of(&sp.r[i % sp.n], &q);
            double a = now(), ca = cpu_now();
            lat_s[i] = 0;
            cpu_s[i] = 0;
            if (hv_screen_query_run(ix, s, &q, 0.5, c, 10, &n) != HV_OK)
                continue;
            lat_s[i] = now() - a;
            cpu_s[i] = cpu_now() - ca;
        }
        double single = now() - ts;
        double cpu_per_q = (cpu_now() - cpu0) / (double)nq;
        qsort(lat_s, nq, sizeof(double), dcmp);
        double p50 = lat_s[nq / 2] * 1e3, p99 = lat_s[nq * 99 / 100] * 1e3;
        qsort(cpu_s, nq, sizeof(double), dcmp);
        double c50 = cpu_s[nq / 2] * 1e3, c99 = cpu_s[nq * 99 / 100] * 1e3;
        struct thr th[2] = { { ix, &sp, 0, nq / 2 }, { ix, &sp, nq / 2, nq } };
        pthread_t tid[2];
        ts = now();
        for (int k = 0; k < 2; k++)
            pthread_create(&tid[k], NULL, thr_run, &th[k]);
        for (int k = 0; k < 2; k++)
            pthread_join(tid[k], NULL);
        double two = now() - ts;
        printf("\n5. speed (%zu queries vs UN+OFAC, %zu name strings):\n", nq, st.n_names);
        printf("   single thread: p50 %.3f ms, p99 %.3f ms per query  [goal p99 <= 1 ms: %s]; "
               "%.0f queries/s\n",
               p50, p99, pass(p99 <= 1.0), (double)nq / single);
        printf("   2 threads: %.0f queries/s  [goal >= 20,000: %s]\n", (double)nq / two,
               pass((double)nq / two >= 20000));
        double loadavg[1] = { 0 };
        FILE *lf = fopen("/proc/loadavg", "r");
        if (lf != NULL) {
            if (fscanf(lf, "%lf", &loadavg[0]) != 1)
                loadavg[0] = 0;
            fclose(lf);
        }
        printf("   CPU time per query (single thread, load-independent): %.3f ms = %.0f queries/s "
               "per busy core, %.0f on 2 idle cores (projection; load average now %.1f)\n",
               cpu_per_q * 1e3, 1.0 / cpu_per_q, 2.0 / cpu_per_q, loadavg[0]);
        printf("   CPU time per query p50 %.3f ms, p99 %.3f ms (the latency without waiting for a "
               "core)\n",
               c50, c99);
        printf("   index build %.2f s, %.1f MiB; Moov Watchman reports ~0.85 ms per search.\n",
               t_build, (double)st.bytes / 1048576.0);
        run_jw_peer(both, &sp, p50);
        free(lat_s);
        free(cpu_s);
    }
    free(pn);
    hv_screen_scratch_destroy(s);
    hv_screen_scratch_destroy(us);
    hv_screen_scratch_destroy(ls);
    hv_screen_index_destroy(ix);
    hv_screen_index_destroy(uix);
    hv_screen_index_destroy(lix);
    hv_wl_list_destroy(lat);
    hv_wl_list_destroy(un);
    hv_wl_list_destroy(ofac);
    hv_names_destroy(names);
    return 0;
}
