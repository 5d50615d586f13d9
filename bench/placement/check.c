/* check.c - the independent plan checker: reads a placement instance and a plan with its own
 * parser (no Haven code), verifies that every family appears exactly once (placed whole at one
 * site, or listed as not placed), that each placement's route leaves from the family's origin,
 * reaches that site and crosses no closed crossing, and that beds by kind, people, medical and
 * interpreter places and country quotas hold; then recomputes the objective.
 * usage: check INSTANCE PLAN [--objective X] [--tol T]
 * Exit 0 when the plan is valid (and, with --objective, its value is X within T), else 2.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NKIND 4
static const char *const caps[7] = {
    "family_rooms", "single_men", "single_women", "minors", "people", "medical", "interp",
};

struct rec {
    char *id;
    char *country, *origin, *site, *crossing, *langs, *wants, *services, *kind;
    long long cap[7];
    long long quota, size, risk, medical;
    double rrisk, cost;
    int open, seen, placed_site;
};

struct table {
    struct rec *v;
    size_t n, cap;
    size_t *hash; /* open addressing: index + 1, 0 = empty */
    size_t hcap;
};

static size_t hstr(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (q == NULL) {
        fprintf(stderr, "check: out of memory\n");
        exit(70);
    }
    return q;
}

static long find(const struct table *t, const char *id)
{
    if (t->hcap == 0)
        return -1;
    for (size_t i = hstr(id) & (t->hcap - 1);; i = (i + 1) & (t->hcap - 1)) {
        if (t->hash[i] == 0)
            return -1;
        if (strcmp(t->v[t->hash[i] - 1].id, id) == 0)
            return (long)(t->hash[i] - 1);
    }
}

static struct rec *add(struct table *t, const char *id)
{
    if (t->n + 1 > t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    if (2 * (t->n + 1) > t->hcap) {
        size_t nc = t->hcap ? t->hcap * 2 : 128;
        free(t->hash);
        t->hash = calloc(nc, sizeof(size_t));
        if (t->hash == NULL)
            exit(70);
        t->hcap = nc;
        for (size_t k = 0; k < t->n; k++) {
            size_t i = hstr(t->v[k].id) & (nc - 1);
            while (t->hash[i] != 0)
                i = (i + 1) & (nc - 1);
            t->hash[i] = k + 1;
        }
    }
    struct rec *r = &t->v[t->n];
    memset(r, 0, sizeof(*r));
    r->id = strdup(id);
    r->quota = -1;
    r->placed_site = -1;
    size_t i = hstr(id) & (t->hcap - 1);
    while (t->hash[i] != 0)
        i = (i + 1) & (t->hcap - 1);
    t->hash[i] = ++t->n;
    return r;
}

static void drop(struct table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        struct rec *r = &t->v[i];
        free(r->id);
        free(r->country);
        free(r->origin);
        free(r->site);
        free(r->crossing);
        free(r->langs);
        free(r->wants);
        free(r->services);
        free(r->kind);
    }
    free(t->v);
    free(t->hash);
}

static const char *val(char **tok, int n, const char *key)
{
    size_t kl = strlen(key);
    for (int i = 2; i < n; i++) {
        if (strncmp(tok[i], key, kl) == 0 && tok[i][kl] == '=')
            return tok[i] + kl + 1;
    }
    return NULL;
}

static char *dup_or(const char *s, const char *d)
{
    return strdup(s != NULL ? s : d);
}

/* true when comma lists a and b share an element */
static int shares(const char *a, const char *b)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", a);
    for (char *p = buf; *p;) {
        char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *q = b;
        while (*q) {
            const char *qe = strchr(q, ',');
            size_t qn = qe ? (size_t)(qe - q) : strlen(q);
            if (qn == n && n > 0 && strncmp(p, q, n) == 0)
                return 1;
            q += qn + (qe != NULL);
        }
        p += n + (e != NULL);
    }
    return 0;
}

static int count_shared(const char *a, const char *b)
{
    int c = 0;
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", a);
    for (char *p = buf; *p;) {
        char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char one[128];
        snprintf(one, sizeof(one), "%.*s", (int)(n < 120 ? n : 120), p);
        c += n > 0 && shares(one, b);
        p += n + (e != NULL);
    }
    return c;
}

static int split(char *line, char **tok, int max)
{
    int n = 0;
    for (char *p = line; *p && n < max;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            *p++ = '\0';
        if (*p == '\0' || *p == '#')
            break;
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: check INSTANCE PLAN [--objective X] [--tol T]\n");
        return 1;
    }
    double want = 0, tol = 1e-3;
    int has_want = 0;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--objective") == 0) {
            want = strtod(argv[i + 1], NULL);
            has_want = 1;
        } else if (strcmp(argv[i], "--tol") == 0) {
            tol = strtod(argv[i + 1], NULL);
        }
    }
    struct table countries = { 0 }, crossings = { 0 }, sites = { 0 }, routes = { 0 },
                 families = { 0 };
    double w[9] = { 0, 100, 250, 600, 1500, 40, 15, 60, 1 }; /* risk1..4 lang service rr cost */
    FILE *f = fopen(argv[1], "r");
    if (f == NULL) {
        fprintf(stderr, "check: cannot open %s\n", argv[1]);
        return 2;
    }
    char *line = NULL;
    size_t lcap = 0;
    char *tok[32];
    int errors = 0;
    while (getline(&line, &lcap, f) > 0) {
        int n = split(line, tok, 32);
        if (n < 2)
            continue;
        const char *v;
        if (strcmp(tok[0], "weights") == 0) {
            {
                for (int i = 1; i < n; i++) {
                    if (strncmp(tok[i], "risk=", 5) == 0)
                        sscanf(tok[i] + 5, "%lf,%lf,%lf,%lf", &w[1], &w[2], &w[3], &w[4]);
                    else if (strncmp(tok[i], "lang=", 5) == 0)
                        w[5] = strtod(tok[i] + 5, NULL);
                    else if (strncmp(tok[i], "service=", 8) == 0)
                        w[6] = strtod(tok[i] + 8, NULL);
                    else if (strncmp(tok[i], "route_risk=", 11) == 0)
                        w[7] = strtod(tok[i] + 11, NULL);
                    else if (strncmp(tok[i], "cost=", 5) == 0)
                        w[8] = strtod(tok[i] + 5, NULL);
                }
            }
        } else if (strcmp(tok[0], "country") == 0) {
            struct rec *r = add(&countries, tok[1]);
            if ((v = val(tok, n, "quota")) != NULL)
                r->quota = strtoll(v, NULL, 10);
        } else if (strcmp(tok[0], "crossing") == 0 && n >= 3) {
            add(&crossings, tok[1])->open = strcmp(tok[2], "open") == 0;
        } else if (strcmp(tok[0], "site") == 0) {
            struct rec *r = add(&sites, tok[1]);
            for (int c = 0; c < 7; c++)
                r->cap[c] = (v = val(tok, n, caps[c])) != NULL ? strtoll(v, NULL, 10) : 0;
            r->country = dup_or(val(tok, n, "country"), "");
            r->langs = dup_or(val(tok, n, "langs"), "");
            r->services = dup_or(val(tok, n, "services"), "");
        } else if (strcmp(tok[0], "route") == 0) {
            struct rec *r = add(&routes, tok[1]);
            r->origin = dup_or(val(tok, n, "origin"), "");
            r->site = dup_or(val(tok, n, "site"), "");
            r->crossing = dup_or(val(tok, n, "crossing"), "-");
            r->rrisk = (v = val(tok, n, "risk")) != NULL ? strtod(v, NULL) : 0;
            r->cost = (v = val(tok, n, "cost")) != NULL ? strtod(v, NULL) : 0;
        } else if (strcmp(tok[0], "family") == 0) {
            struct rec *r = add(&families, tok[1]);
            r->origin = dup_or(val(tok, n, "origin"), "");
            r->size = (v = val(tok, n, "size")) != NULL ? strtoll(v, NULL, 10) : 0;
            r->risk = (v = val(tok, n, "risk")) != NULL ? strtoll(v, NULL, 10) : 1;
            r->medical = (v = val(tok, n, "medical")) != NULL ? strtoll(v, NULL, 10) : 0;
            r->kind = dup_or(val(tok, n, "kind"), r->size >= 2 ? "family_rooms" : "single_men");
            r->langs = dup_or(val(tok, n, "langs"), "");
            r->wants = dup_or(val(tok, n, "wants"), "");
        }
    }
    fclose(f);
    f = fopen(argv[2], "r");
    if (f == NULL) {
        fprintf(stderr, "check: cannot open %s\n", argv[2]);
        return 2;
    }
    long long *used = calloc(sites.n * 7 + 1, sizeof(long long));
    long long *qused = calloc(countries.n + 1, sizeof(long long));
    double obj = 0, claimed = 0;
    int has_claim = 0;
    long placed = 0;
    unsigned long lineno = 0;
#define BAD(...)                                                 \
    do {                                                         \
        if (errors++ < 20) {                                     \
            fprintf(stderr, "check: %s:%lu: ", argv[2], lineno); \
            fprintf(stderr, __VA_ARGS__);                        \
            fputc('\n', stderr);                                 \
        }                                                        \
    } while (0)
    while (getline(&line, &lcap, f) > 0) {
        lineno++;
        int n = split(line, tok, 32);
        if (n == 0)
            continue;
        if (strcmp(tok[0], "objective") == 0 && n >= 2) {
            claimed = strtod(tok[1], NULL);
            has_claim = 1;
            continue;
        }
        int is_assign = strcmp(tok[0], "assign") == 0;
        if (!is_assign && strcmp(tok[0], "unplaced") != 0)
            continue;
        if (n < 2 || (is_assign && n < 4)) {
            BAD("malformed line");
            continue;
        }
        long fi = find(&families, tok[1]);
        if (fi < 0) {
            BAD("unknown family %s", tok[1]);
            continue;
        }
        struct rec *fa = &families.v[fi];
        if (fa->seen++) {
            BAD("family %s appears more than once (a family is never split)", tok[1]);
            continue;
        }
        if (!is_assign)
            continue;
        long si = find(&sites, tok[2]), ri = find(&routes, tok[3]);
        if (si < 0 || ri < 0) {
            BAD("unknown %s %s", si < 0 ? "site" : "route", si < 0 ? tok[2] : tok[3]);
            continue;
        }
        struct rec *s = &sites.v[si], *r = &routes.v[ri];
        if (strcmp(r->site, s->id) != 0 || strcmp(r->origin, fa->origin) != 0)
            BAD("route %s does not lead from %s to %s", r->id, fa->origin, s->id);
        if (strcmp(r->crossing, "-") != 0) {
            long xi = find(&crossings, r->crossing);
            if (xi < 0 || !crossings.v[xi].open)
                BAD("family %s routed over closed crossing %s", fa->id, r->crossing);
        }
        int kind = 0;
        while (kind < NKIND && strcmp(caps[kind], fa->kind) != 0)
            kind++;
        if (kind == NKIND || (fa->size >= 2) != (kind == 0))
            BAD("family %s has a bed kind that does not fit its size", fa->id);
        int share = shares(fa->langs, s->langs);
        used[si * 7 + (kind < NKIND ? kind : 0)] += 1;
        used[si * 7 + 4] += fa->size;
        used[si * 7 + 5] += fa->medical;
        if (!share && fa->langs[0] != '\0' && s->langs[0] != '\0')
            used[si * 7 + 6] += fa->size;
        long ci = find(&countries, s->country);
        if (ci >= 0)
            qused[ci] += fa->size;
        double risk = fa->risk >= 1 && fa->risk <= 4 ? w[fa->risk] : 0;
        obj += (double)fa->size *
               (risk + (share ? w[5] : 0) + w[6] * count_shared(fa->wants, s->services) -
                w[7] * r->rrisk - w[8] * r->cost);
        placed++;
    }
    fclose(f);
    for (size_t i = 0; i < families.n; i++) {
        if (!families.v[i].seen)
            BAD("family %s is missing from the plan (placed or not, every family is listed)",
                families.v[i].id);
    }
    for (size_t s = 0; s < sites.n; s++) {
        for (int c = 0; c < 7; c++) {
            if (used[s * 7 + c] > sites.v[s].cap[c])
                BAD("site %s: %s %lld used of %lld", sites.v[s].id, caps[c], used[s * 7 + c],
                    sites.v[s].cap[c]);
        }
    }
    for (size_t c = 0; c < countries.n; c++) {
        if (countries.v[c].quota >= 0 && qused[c] > countries.v[c].quota)
            BAD("quota %s: %lld people placed of %lld", countries.v[c].id, qused[c],
                countries.v[c].quota);
    }
    double scale = obj > 1 ? obj : 1;
    if (has_claim && (claimed - obj > tol * scale * 1e-3 || obj - claimed > tol * scale * 1e-3))
        BAD("plan claims objective %.4f, recomputed %.4f", claimed, obj);
    if (has_want && (want - obj > tol * scale || obj - want > tol * scale))
        BAD("objective %.4f, expected %.4f", obj, want);
    printf("check: %s families=%zu placed=%ld objective=%.4f\n", errors ? "INVALID" : "ok",
           families.n, placed, obj);
    free(line);
    free(used);
    free(qused);
    drop(&countries);
    drop(&crossings);
    drop(&sites);
    drop(&routes);
    drop(&families);
    return errors ? 2 : 0;
}
