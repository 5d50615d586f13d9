/* generate.c - hv_demo_generate: writes the founding scenario as registry CSV files (the formats
 * of docs/formats.md), the identity ground truth, and the site and crossing files.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/demo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "demo/demo_int.h"

enum {
    OUT_LOCATIONS,
    OUT_CASES,
    OUT_PEOPLE,
    OUT_DOCUMENTS,
    OUT_EMPLOYMENT,
    OUT_CONTACTS,
    OUT_TRUTH_DUP,
    OUT_TRUTH_HN,
    OUT_N
};

static const char *const OUT_NAME[OUT_N] = {
    "locations.csv",  "cases.csv",    "people.csv",           "documents.csv",
    "employment.csv", "contacts.csv", "truth_duplicates.csv", "truth_hard_negatives.csv",
};

static const char *const OUT_HEADER[OUT_N] = {
    "ref,kind,country,name,parent_ref,lat,lon",
    "ref,programme,status,risk_level,location_ref,workflow,step,disclosure,notes",
    "ref,case_ref,relation,given_name,family_name,father_name,grandfather_name,native_name,sex,"
    "birth_date,nationality,languages,needs",
    "ref,person_ref,kind,number,issuer,issued_on,expires_on",
    "ref,person_ref,employer,hire_type,contractor,role,start_date,end_date,supervisor,"
    "verification,evidence",
    "ref,person_ref,kind,value,note",
    "person_ref_a,person_ref_b,kind",
    "person_ref_a,person_ref_b,kind",
};

/* Progress is reported every this many cases. */
#define PROGRESS_EVERY 1024u

/* ref + tag + number, e.g. "AFG-SIV-000001-P01" + "-D" + 2. */
static void sub_ref(char *out, size_t cap, const char *ref, const char *tag, size_t i)
{
    size_t len = 0;
    out[0] = '\0';
    hv__demo_cat(out, cap, &len, ref);
    hv__demo_cat(out, cap, &len, tag);
    hv__demo_cat_u(out, cap, &len, i + 1, 0);
}

static void write_case(struct hv__demo_sink *s, const struct hv__demo_case *c)
{
    char risk[2] = { (char)('0' + c->risk), '\0' };
    hv__demo_sink_field(s, c->ref);
    hv__demo_sink_field(s, "SIV");
    hv__demo_sink_field(s, c->status);
    hv__demo_sink_field(s, risk);
    hv__demo_sink_field(s, c->location_ref);
    hv__demo_sink_field(s, ""); /* workflow: left to the pipeline's defaults */
    hv__demo_sink_field(s, ""); /* step */
    hv__demo_sink_field(s, c->disclosure);
    hv__demo_sink_field(s, ""); /* notes */
    hv__demo_sink_end_row(s);
}

static void evidence_text(const struct hv__demo_person *p, const struct hv__demo_job *j,
                          size_t letter, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    if ((j->evidence & HV__DEMO_EV_LETTER) != 0 && letter != SIZE_MAX) {
        char dref[HV__DEMO_REF_MAX + 16];
        sub_ref(dref, sizeof(dref), p->ref, "-D", letter);
        hv__demo_cat(out, cap, &len, dref);
    }
    if ((j->evidence & HV__DEMO_EV_BADGE) != 0) {
        if (len > 0)
            hv__demo_cat(out, cap, &len, ";");
        hv__demo_cat(out, cap, &len, "badge_photo");
    }
    if ((j->evidence & HV__DEMO_EV_RECOMMENDATION) != 0) {
        if (len > 0)
            hv__demo_cat(out, cap, &len, ";");
        hv__demo_cat(out, cap, &len, "recommendation_letter");
    }
}

static void write_person(struct hv__demo_sink *out, const struct hv__demo_tables *t,
                         const struct hv__demo_case *c, const struct hv__demo_person *p)
{
    struct hv__demo_sink *s = &out[OUT_PEOPLE];
    char sex[2] = { p->sex_unknown ? '\0' : p->sex, '\0' };
    hv__demo_sink_field(s, p->ref);
    hv__demo_sink_field(s, c->ref);
    hv__demo_sink_field(s, p->relation);
    hv__demo_sink_field(s, p->given);
    hv__demo_sink_field(s, p->family);
    hv__demo_sink_field(s, p->father);
    hv__demo_sink_field(s, p->grandfather);
    hv__demo_sink_field(s, p->native);
    hv__demo_sink_field(s, sex);
    hv__demo_sink_field(s, p->birth);
    hv__demo_sink_field(s, p->nationality);
    hv__demo_sink_field(s, p->languages);
    hv__demo_sink_field(s, p->needs);
    hv__demo_sink_end_row(s);

    char ref[HV__DEMO_REF_MAX + 16];
    size_t letter = SIZE_MAX;
    s = &out[OUT_DOCUMENTS];
    for (size_t i = 0; i < p->n_docs; i++) {
        const struct hv__demo_doc *d = &p->docs[i];
        if (strcmp(d->kind, "employment_letter") == 0)
            letter = i;
        sub_ref(ref, sizeof(ref), p->ref, "-D", i);
        hv__demo_sink_field(s, ref);
        hv__demo_sink_field(s, p->ref);
        hv__demo_sink_field(s, d->kind);
        hv__demo_sink_field(s, d->number);
        hv__demo_sink_field(s, d->issuer);
        hv__demo_sink_field(s, d->issued_on);
        hv__demo_sink_field(s, d->expires_on);
        hv__demo_sink_end_row(s);
    }

    s = &out[OUT_EMPLOYMENT];
    for (size_t i = 0; i < p->n_jobs; i++) {
        const struct hv__demo_job *j = &p->jobs[i];
        const struct hv__demo_employer *e = &t->emp[j->employer];
        char evidence[128];
        evidence_text(p, j, letter, evidence, sizeof(evidence));
        sub_ref(ref, sizeof(ref), p->ref, "-E", i);
        hv__demo_sink_field(s, ref);
        hv__demo_sink_field(s, p->ref);
        hv__demo_sink_field(s, e->employer);
        hv__demo_sink_field(s, e->hire_type);
        hv__demo_sink_field(s, e->contractor);
        hv__demo_sink_field(s, t->role[j->role].role);
        hv__demo_sink_field(s, j->start);
        hv__demo_sink_field(s, j->end);
        hv__demo_sink_field(s, j->supervisor);
        hv__demo_sink_field(s, j->verification);
        hv__demo_sink_field(s, evidence);
        hv__demo_sink_end_row(s);
    }

    s = &out[OUT_CONTACTS];
    for (size_t i = 0; i < p->n_contacts; i++) {
        sub_ref(ref, sizeof(ref), p->ref, "-C", i);
        hv__demo_sink_field(s, ref);
        hv__demo_sink_field(s, p->ref);
        hv__demo_sink_field(s, p->contacts[i].kind);
        hv__demo_sink_field(s, p->contacts[i].value);
        hv__demo_sink_field(s, "");
        hv__demo_sink_end_row(s);
    }

    if (p->dup_of[0] != '\0') {
        s = &out[OUT_TRUTH_DUP];
        hv__demo_sink_field(s, p->dup_of);
        hv__demo_sink_field(s, p->ref);
        hv__demo_sink_field(s, p->dup_kind);
        hv__demo_sink_end_row(s);
    }
    if (p->hn_of[0] != '\0') {
        s = &out[OUT_TRUTH_HN];
        hv__demo_sink_field(s, p->hn_of);
        hv__demo_sink_field(s, p->ref);
        hv__demo_sink_field(s, p->hn_kind);
        hv__demo_sink_end_row(s);
    }
}

static enum hv_err make_dir(const char *dir, struct hv_diag *diag)
{
    if (mkdir(dir, 0700) == 0 || errno == EEXIST)
        return HV_OK;
    hv_diag_at(diag, dir, 0);
    hv_diag_set(diag, NULL, "cannot create directory: %s", strerror(errno));
    return HV_ERR_IO;
}

static const char *const SITE_COLS[] = { "ref",    "name",         "country",    "lat",
                                         "lon",    "family_rooms", "single_men", "single_women",
                                         "minors", "services",     "languages",  NULL };
static const char *const CROSSING_COLS[] = { "ref", "name", "countries", "lat", "lon", NULL };
static const char *const STATUS_COLS[] = { "crossing_ref", "at", "status", "source", "note", NULL };

enum hv_err hv_demo_generate(const struct hv_demo_options *opt, const char *out_dir,
                             const struct hv_progress *progress, struct hv_demo_summary *sum,
                             struct hv_diag *diag)
{
    struct hv_demo_summary local;
    memset(&local, 0, sizeof(local));
    struct hv__demo_sink out[OUT_N];
    memset(out, 0, sizeof(out));
    /* About 300 KiB of fixed records: on the heap, never on the stack. */
    struct hv__demo_gen *g = hv_xmalloc(sizeof(*g));
    enum hv_err err = hv__demo_gen_init(g, opt, diag);
    if (err != HV_OK) {
        free(g);
        return err;
    }
    const char *data_dir = hv__demo_data_dir(opt);

    err = make_dir(out_dir, diag);
    for (int i = 0; i < OUT_N && err == HV_OK; i++)
        err = hv__demo_sink_open(&out[i], out_dir, OUT_NAME[i], OUT_HEADER[i], diag);
    if (err != HV_OK)
        goto out;

    err = hv__demo_write_locations(&g->t, data_dir, &out[OUT_LOCATIONS], diag);
    if (err != HV_OK)
        goto out;

    while (hv__demo_gen_case(g)) {
        const struct hv__demo_case *c = &g->cur;
        write_case(&out[OUT_CASES], c);
        for (size_t k = 0; k < c->n_people; k++)
            write_person(out, &g->t, c, &c->people[k]);
        if ((c->index + 1) % PROGRESS_EVERY == 0)
            hv_progress_report(progress, "cases", c->index + 1, opt->n_cases);
    }
    hv_progress_report(progress, "cases", opt->n_cases, opt->n_cases);

    err = hv__demo_copy_csv(data_dir, out_dir, "sites.csv", SITE_COLS, &local.sites, diag);
    if (err == HV_OK)
        err = hv__demo_copy_csv(data_dir, out_dir, "crossings.csv", CROSSING_COLS, &local.crossings,
                                diag);
    if (err == HV_OK)
        err = hv__demo_copy_csv(data_dir, out_dir, "crossing_status.csv", STATUS_COLS,
                                &local.crossing_status, diag);

out:
    for (int i = 0; i < OUT_N; i++) {
        enum hv_err e = hv__demo_sink_close(&out[i], err == HV_OK ? diag : NULL);
        if (err == HV_OK)
            err = e;
    }
    if (err == HV_OK) {
        local.locations = out[OUT_LOCATIONS].rows;
        local.cases = out[OUT_CASES].rows;
        local.people = out[OUT_PEOPLE].rows;
        local.documents = out[OUT_DOCUMENTS].rows;
        local.employment = out[OUT_EMPLOYMENT].rows;
        local.contacts = out[OUT_CONTACTS].rows;
        local.duplicates = out[OUT_TRUTH_DUP].rows;
        local.hard_negatives = out[OUT_TRUTH_HN].rows;
        if (sum != NULL)
            *sum = local;
    }
    hv__demo_gen_finish(g);
    free(g);
    return err;
}
