/* stream.c - the streaming form of the demo generator: the people of people.csv one at a time,
 * without writing files, for benchmarks that need a million people quickly.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/demo.h"

#include <stdlib.h>
#include <string.h>

#include "demo/demo_int.h"

struct hv_demo {
    struct hv__demo_gen g;
    size_t next; /* index of the next person in g.cur */
    bool have_case;
};

enum hv_err hv_demo_create(const struct hv_demo_options *opt, struct hv_demo **out,
                           struct hv_diag *diag)
{
    *out = NULL;
    struct hv_demo *d = hv_xmalloc(sizeof(*d));
    enum hv_err err = hv__demo_gen_init(&d->g, opt, diag);
    if (err != HV_OK) {
        free(d);
        return err;
    }
    d->next = 0;
    d->have_case = false;
    *out = d;
    return HV_OK;
}

void hv_demo_destroy(struct hv_demo *d)
{
    if (d == NULL)
        return;
    hv__demo_gen_finish(&d->g);
    free(d);
}

static const char *doc_number(const struct hv__demo_person *p, const char *kind)
{
    for (size_t i = 0; i < p->n_docs; i++) {
        if (strcmp(p->docs[i].kind, kind) == 0)
            return p->docs[i].number;
    }
    return "";
}

enum hv_err hv_demo_next(struct hv_demo *d, struct hv_demo_person *out, bool *eof)
{
    *eof = false;
    while (!d->have_case || d->next >= d->g.cur.n_people) {
        if (!hv__demo_gen_case(&d->g)) {
            *eof = true;
            memset(out, 0, sizeof(*out));
            return HV_OK;
        }
        d->have_case = true;
        d->next = 0;
    }
    const struct hv__demo_case *c = &d->g.cur;
    const struct hv__demo_person *p = &c->people[d->next++];
    out->ref = p->ref;
    out->case_ref = c->ref;
    out->relation = p->relation;
    out->given_name = p->given;
    out->family_name = p->family;
    out->father_name = p->father;
    out->grandfather_name = p->grandfather;
    out->native_name = p->native;
    out->sex = p->sex_unknown ? "" : p->sex == 'F' ? "F" : "M";
    out->birth_date = p->birth;
    out->nationality = p->nationality;
    out->languages = p->languages;
    out->needs = p->needs;
    out->tazkira = doc_number(p, "tazkira");
    out->passport = doc_number(p, "passport");
    out->phone = "";
    for (size_t i = 0; i < p->n_contacts; i++) {
        if (strcmp(p->contacts[i].kind, "phone") == 0) {
            out->phone = p->contacts[i].value;
            break;
        }
    }
    out->duplicate_of = p->dup_of;
    out->duplicate_kind = p->dup_kind;
    out->hard_negative_of = p->hn_of;
    return HV_OK;
}
