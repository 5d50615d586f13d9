/* kinds.c - the field tables of every registry record kind: one source of truth for
 * validation, CSV and JSON columns, sealing and storage (see docs/formats.md).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/registry.h"

#include <string.h>

static const char *const location_kinds[] = { "country", "province", "district", "city",
                                              "site",    "crossing", "airport",  NULL };
static const char *const case_status[] = { "open",      "on_hold",   "closed",
                                           "travelled", "withdrawn", NULL };
static const char *const relations[] = { "principal", "spouse", "child", "parent",
                                         "sibling",   "other",  NULL };
static const char *const sexes[] = { "F", "M", "X", NULL };
static const char *const needs[] = { "medical",  "disability", "unaccompanied_minor",
                                     "pregnant", "elderly",    NULL };
static const char *const doc_kinds[] = { "tazkira",           "passport", "visa", "com_letter",
                                         "employment_letter", "other",    NULL };
static const char *const hire_types[] = { "direct", "contractor", NULL };
static const char *const verifications[] = { "unverified", "pending", "verified", "rejected",
                                             NULL };
static const char *const contact_kinds[] = {
    "phone", "whatsapp", "signal", "email", "address", NULL
};

#define REF(n, req)                                                  \
    {                                                                \
        .name = n, .type = HV_FT_REF, .required = req, .max_len = 64 \
    }
#define TEXT(n, len)                                  \
    {                                                 \
        .name = n, .type = HV_FT_TEXT, .max_len = len \
    }

static const struct hv_field_def location_fields[] = {
    REF("ref", true),
    { .name = "kind",
      .type = HV_FT_ENUM,
      .required = true,
      .max_len = 16,
      .allowed = location_kinds },
    { .name = "country", .type = HV_FT_COUNTRY, .required = true, .max_len = 2 },
    { .name = "name", .type = HV_FT_TEXT, .required = true, .max_len = 200 },
    REF("parent_ref", false),
    { .name = "lat", .type = HV_FT_REAL, .max_len = 24, .min = -90, .max = 90 },
    { .name = "lon", .type = HV_FT_REAL, .max_len = 24, .min = -180, .max = 180 },
};

static const struct hv_field_def case_fields[] = {
    REF("ref", true),
    { .name = "programme", .type = HV_FT_TEXT, .required = true, .max_len = 32 },
    { .name = "status", .type = HV_FT_ENUM, .max_len = 16, .allowed = case_status, .dflt = "open" },
    { .name = "risk_level", .type = HV_FT_INT, .max_len = 2, .min = 1, .max = 4, .dflt = "2" },
    REF("location_ref", false),
    { .name = "workflow", .type = HV_FT_TEXT, .max_len = 64 },
    { .name = "step", .type = HV_FT_TEXT, .max_len = 64 },
    { .name = "disclosure", .type = HV_FT_LIST, .max_len = 64 },
    { .name = "notes", .type = HV_FT_TEXT, .max_len = 1000, .sealed = true },
};

static const struct hv_field_def person_fields[] = {
    REF("ref", true),
    REF("case_ref", true),
    { .name = "relation",
      .type = HV_FT_ENUM,
      .max_len = 16,
      .allowed = relations,
      .dflt = "other" },
    { .name = "given_name",
      .type = HV_FT_TEXT,
      .required = true,
      .max_len = 200,
      .sealed = true,
      .name_part = true },
    { .name = "family_name",
      .type = HV_FT_TEXT,
      .max_len = 200,
      .sealed = true,
      .name_part = true },
    { .name = "father_name",
      .type = HV_FT_TEXT,
      .max_len = 200,
      .sealed = true,
      .name_part = true },
    { .name = "grandfather_name",
      .type = HV_FT_TEXT,
      .max_len = 200,
      .sealed = true,
      .name_part = true },
    { .name = "native_name",
      .type = HV_FT_TEXT,
      .max_len = 200,
      .sealed = true,
      .name_part = true },
    { .name = "sex", .type = HV_FT_ENUM, .max_len = 1, .allowed = sexes },
    { .name = "birth_date", .type = HV_FT_PDATE, .max_len = 16, .sealed = true },
    { .name = "nationality", .type = HV_FT_COUNTRY, .max_len = 2 },
    { .name = "languages", .type = HV_FT_LIST, .max_len = 64 },
    { .name = "needs", .type = HV_FT_LIST, .max_len = 128, .allowed = needs },
};

static const struct hv_field_def document_fields[] = {
    REF("ref", true),
    REF("person_ref", true),
    { .name = "kind", .type = HV_FT_ENUM, .required = true, .max_len = 20, .allowed = doc_kinds },
    { .name = "number",
      .type = HV_FT_TEXT,
      .required = true,
      .max_len = 64,
      .sealed = true,
      .blind = "doc" },
    { .name = "issuer", .type = HV_FT_TEXT, .max_len = 100 },
    { .name = "issued_on", .type = HV_FT_PDATE, .max_len = 16, .sealed = true },
    { .name = "expires_on", .type = HV_FT_PDATE, .max_len = 16, .sealed = true },
};

static const struct hv_field_def employment_fields[] = {
    REF("ref", true),
    REF("person_ref", true),
    { .name = "employer", .type = HV_FT_TEXT, .required = true, .max_len = 200 },
    { .name = "hire_type",
      .type = HV_FT_ENUM,
      .max_len = 16,
      .allowed = hire_types,
      .dflt = "direct" },
    TEXT("contractor", 200),
    TEXT("role", 200),
    { .name = "start_date", .type = HV_FT_PDATE, .max_len = 16, .sealed = true },
    { .name = "end_date", .type = HV_FT_PDATE, .max_len = 16, .sealed = true },
    { .name = "supervisor", .type = HV_FT_TEXT, .max_len = 200, .sealed = true },
    { .name = "verification",
      .type = HV_FT_ENUM,
      .max_len = 16,
      .allowed = verifications,
      .dflt = "unverified" },
    { .name = "evidence", .type = HV_FT_LIST, .max_len = 1000 },
};

static const struct hv_field_def contact_fields[] = {
    REF("ref", true),
    REF("person_ref", true),
    { .name = "kind",
      .type = HV_FT_ENUM,
      .required = true,
      .max_len = 16,
      .allowed = contact_kinds },
    { .name = "value",
      .type = HV_FT_TEXT,
      .required = true,
      .max_len = 200,
      .sealed = true,
      .blind = "contact" },
    { .name = "note", .type = HV_FT_TEXT, .max_len = 1000, .sealed = true },
};

#undef REF
#undef TEXT

static const struct hv_kind_def kinds[HV_N_KINDS] = {
    [HV_KIND_LOCATION] = { HV_KIND_LOCATION, "location", "locations", "locations.csv", "location",
                           location_fields, HV_ARRAY_LEN(location_fields), -1, HV_KIND_LOCATION,
                           NULL },
    [HV_KIND_CASE] = { HV_KIND_CASE, "case", "cases", "cases.csv", "hv_case", case_fields,
                       HV_ARRAY_LEN(case_fields), -1, HV_KIND_CASE, NULL },
    [HV_KIND_PERSON] = { HV_KIND_PERSON, "person", "people", "people.csv", "person", person_fields,
                         HV_ARRAY_LEN(person_fields), 1, HV_KIND_CASE, "case_id" },
    [HV_KIND_DOCUMENT] = { HV_KIND_DOCUMENT, "document", "documents", "documents.csv", "document",
                           document_fields, HV_ARRAY_LEN(document_fields), 1, HV_KIND_PERSON,
                           "person_id" },
    [HV_KIND_EMPLOYMENT] = { HV_KIND_EMPLOYMENT, "employment", "employment", "employment.csv",
                             "employment", employment_fields, HV_ARRAY_LEN(employment_fields), 1,
                             HV_KIND_PERSON, "person_id" },
    [HV_KIND_CONTACT] = { HV_KIND_CONTACT, "contact", "contacts", "contacts.csv", "contact",
                          contact_fields, HV_ARRAY_LEN(contact_fields), 1, HV_KIND_PERSON,
                          "person_id" },
};

const struct hv_kind_def *hv_kind(enum hv_kind_id id)
{
    return (unsigned)id < HV_N_KINDS ? &kinds[id] : NULL;
}

const struct hv_kind_def *hv_kind_by_name(struct hv_str name)
{
    for (size_t i = 0; i < HV_N_KINDS; i++) {
        if (hv_str_eqz(name, kinds[i].name) || hv_str_eqz(name, kinds[i].plural))
            return &kinds[i];
    }
    return NULL;
}

int hv_kind_field(const struct hv_kind_def *k, struct hv_str name)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        if (hv_str_eqz(name, k->fields[i].name))
            return (int)i;
    }
    return -1;
}
