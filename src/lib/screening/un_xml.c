/* un_xml.c - the UN Security Council consolidated list loader: a streaming xmlTextReader pass
 * over INDIVIDUAL and ENTITY records (names, aliases with quality, original-script names,
 * birth dates as dates, years or ranges, nationalities, gender, reference numbers).
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "screening/screening_int.h"

#define UN_MAX_FILE ((size_t)256 << 20)
#define UN_MAX_TEXT (1u << 20)

/* State of the pass. Depths: 0 CONSOLIDATED_LIST, 1 INDIVIDUALS/ENTITIES, 2 a record, 3 its
 * fields, 4 the children of a group field (VALUE, QUALITY, DATE ...). */
struct un_state {
    struct hv__wl_builder b;
    struct hv_buf text; /* character data of the current leaf element */
    bool in_record;
    char group[40];       /* the depth-3 element we are inside, "" when none */
    const char *parts[4]; /* FIRST_NAME .. FOURTH_NAME */
    const char *original;
    const char *alias_quality;
    const char *alias_name;
    char dob_type[24];
    const char *dob_date, *dob_year, *dob_from, *dob_to;
    char err_msg[160]; /* first message from libxml's error handler */
    bool saw_root;
};

static void on_xml_error(void *arg, const char *msg, xmlParserSeverities severity,
                         xmlTextReaderLocatorPtr locator)
{
    (void)locator;
    struct un_state *s = arg;
    if (severity != XML_PARSER_SEVERITY_ERROR && severity != XML_PARSER_SEVERITY_VALIDITY_ERROR)
        return;
    if (s->err_msg[0] == '\0' && msg != NULL) {
        snprintf(s->err_msg, sizeof(s->err_msg), "%s", msg);
        size_t n = strlen(s->err_msg);
        while (n > 0 && (s->err_msg[n - 1] == '\n' || s->err_msg[n - 1] == ' '))
            s->err_msg[--n] = '\0';
    }
}

static void record_reset(struct un_state *s)
{
    memset(s->parts, 0, sizeof(s->parts));
    s->original = NULL;
    s->group[0] = '\0';
}

static bool eq(const xmlChar *a, const char *b)
{
    return a != NULL && strcmp((const char *)a, b) == 0;
}

static const char *text_dup(struct un_state *s)
{
    return hv__wl_text(s->b.list, hv_buf_str(&s->text));
}

static bool parse_year(const char *z, int *out)
{
    if (z == NULL)
        return false;
    char *end = NULL;
    long v = strtol(z, &end, 10);
    if (end == z || *end != '\0' || v < 1850 || v > 2100)
        return false;
    *out = (int)v;
    return true;
}

/* Turns the collected INDIVIDUAL_DATE_OF_BIRTH into a date. Unparseable dates are reported. */
static enum hv_err finish_dob(struct un_state *s, struct hv_diag *diag)
{
    struct hv_pdate d;
    memset(&d, 0, sizeof(d));
    const char *why = NULL;
    int y1 = 0, y2 = 0;
    bool ok = true;
    if (s->dob_date != NULL && s->dob_date[0] != '\0') {
        ok = hv_pdate_parse(s->dob_date, strlen(s->dob_date), &d, &why);
    } else if (s->dob_from != NULL || s->dob_to != NULL) {
        ok = parse_year(s->dob_from, &y1) && parse_year(s->dob_to, &y2) && y1 <= y2;
        if (ok) {
            d.precision = y1 == y2 ? HV_PDATE_YEAR : HV_PDATE_RANGE;
            d.year = (int16_t)y1;
            d.year_to = (int16_t)y2;
        }
        why = "bad FROM_YEAR/TO_YEAR";
    } else if (s->dob_year != NULL && s->dob_year[0] != '\0') {
        ok = parse_year(s->dob_year, &y1);
        if (ok) {
            d.precision = HV_PDATE_YEAR;
            d.year = d.year_to = (int16_t)y1;
        }
        why = "bad YEAR";
    }
    s->dob_date = s->dob_year = s->dob_from = s->dob_to = NULL;
    s->dob_type[0] = '\0';
    if (!ok) {
        hv_diag_set(diag, "INDIVIDUAL_DATE_OF_BIRTH", "%s", why != NULL ? why : "bad date");
        return HV_ERR_INVALID;
    }
    return hv__wl_add_dob(&s->b, &d);
}

static enum hv_err finish_record(struct un_state *s, struct hv_diag *diag)
{
    /* The primary name goes first: build it and rotate it to index 0. */
    char name[HV_WL_MAX_FIELD];
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        const char *p = s->parts[i];
        if (p == NULL || p[0] == '\0')
            continue;
        int w = snprintf(name + n, sizeof(name) - n, "%s%s", n > 0 ? " " : "", p);
        if (w < 0 || (size_t)w >= sizeof(name) - n) {
            hv_diag_set(diag, "FIRST_NAME", "name longer than %d bytes", HV_WL_MAX_FIELD);
            return HV_ERR_LIMIT;
        }
        n += (size_t)w;
    }
    size_t before = s->b.n_names;
    enum hv_err err = hv__wl_add_name(&s->b, HV_WL_NAME_PRIMARY, (struct hv_str){ name, n });
    if (err != HV_OK)
        goto limit;
    if (s->b.n_names > before && before > 0) {
        struct hv_wl_name p = s->b.names[before];
        memmove(&s->b.names[1], &s->b.names[0], before * sizeof(p));
        s->b.names[0] = p;
    }
    if (s->original != NULL) {
        err = hv__wl_add_name(&s->b, HV_WL_NAME_ORIGINAL, hv_str_c(s->original));
        if (err != HV_OK)
            goto limit;
    }
    err = hv__wl_end(&s->b, diag);
    record_reset(s);
    return err;
limit:
    hv_diag_set(diag, "INDIVIDUAL_ALIAS", "more than %d names", HV_WL_MAX_NAMES);
    return err;
}

/* An element closed (or was empty) at depth with its text in s->text. */
static enum hv_err on_end(struct un_state *s, const xmlChar *name, int depth, struct hv_diag *diag)
{
    if (depth == 2 && (eq(name, "INDIVIDUAL") || eq(name, "ENTITY"))) {
        s->in_record = false;
        return finish_record(s, diag);
    }
    if (!s->in_record)
        return HV_OK;
    if (depth == 3) {
        enum hv_err err = HV_OK;
        if (eq(name, "FIRST_NAME"))
            s->parts[0] = text_dup(s);
        else if (eq(name, "SECOND_NAME"))
            s->parts[1] = text_dup(s);
        else if (eq(name, "THIRD_NAME"))
            s->parts[2] = text_dup(s);
        else if (eq(name, "FOURTH_NAME"))
            s->parts[3] = text_dup(s);
        else if (eq(name, "REFERENCE_NUMBER"))
            s->b.ref = text_dup(s);
        else if (eq(name, "UN_LIST_TYPE"))
            s->b.list_type = text_dup(s);
        else if (eq(name, "NAME_ORIGINAL_SCRIPT"))
            s->original = text_dup(s);
        else if (eq(name, "GENDER")) {
            const char *g = text_dup(s);
            s->b.sex = strcmp(g, "Male") == 0 ? 'M' : strcmp(g, "Female") == 0 ? 'F' : 0;
        } else if (eq(name, "INDIVIDUAL_ALIAS") || eq(name, "ENTITY_ALIAS")) {
            enum hv_wl_name_kind k = HV_WL_NAME_ALIAS;
            if (s->alias_quality != NULL &&
                (strcmp(s->alias_quality, "Low") == 0 || strcmp(s->alias_quality, "low") == 0))
                k = HV_WL_NAME_ALIAS_LOW;
            if (s->alias_name != NULL)
                err = hv__wl_add_name(&s->b, k, hv_str_c(s->alias_name));
            if (err == HV_ERR_LIMIT)
                hv_diag_set(diag, (const char *)name, "more than %d names", HV_WL_MAX_NAMES);
            s->alias_name = s->alias_quality = NULL;
        } else if (eq(name, "INDIVIDUAL_DATE_OF_BIRTH")) {
            err = finish_dob(s, diag);
            if (err == HV_ERR_LIMIT)
                hv_diag_set(diag, (const char *)name, "more than %d dates", HV_WL_MAX_DOBS);
        }
        s->group[0] = '\0';
        return err;
    }
    if (depth == 4) {
        if (strcmp(s->group, "NATIONALITY") == 0 && eq(name, "VALUE")) {
            enum hv_err err = hv__wl_add_nat(&s->b, hv_buf_str(&s->text));
            if (err == HV_ERR_LIMIT)
                hv_diag_set(diag, "NATIONALITY", "more than %d nationalities", HV_WL_MAX_NATS);
            return err;
        }
        if (strcmp(s->group, "INDIVIDUAL_ALIAS") == 0 || strcmp(s->group, "ENTITY_ALIAS") == 0) {
            if (eq(name, "QUALITY"))
                s->alias_quality = text_dup(s);
            else if (eq(name, "ALIAS_NAME"))
                s->alias_name = text_dup(s);
        } else if (strcmp(s->group, "INDIVIDUAL_DATE_OF_BIRTH") == 0) {
            if (eq(name, "TYPE_OF_DATE"))
                snprintf(s->dob_type, sizeof(s->dob_type), "%s", hv_buf_cstr(&s->text));
            else if (eq(name, "DATE"))
                s->dob_date = text_dup(s);
            else if (eq(name, "YEAR"))
                s->dob_year = text_dup(s);
            else if (eq(name, "FROM_YEAR"))
                s->dob_from = text_dup(s);
            else if (eq(name, "TO_YEAR"))
                s->dob_to = text_dup(s);
        }
    }
    return HV_OK;
}

static enum hv_err on_start(struct un_state *s, const xmlChar *name, int depth,
                            struct hv_diag *diag)
{
    hv_buf_reset(&s->text);
    if (depth == 0) {
        if (!eq(name, "CONSOLIDATED_LIST")) {
            hv_diag_set(diag, (const char *)name, "root element is not CONSOLIDATED_LIST");
            return HV_ERR_INVALID;
        }
        s->saw_root = true;
    } else if (depth == 2 && (eq(name, "INDIVIDUAL") || eq(name, "ENTITY"))) {
        hv__wl_begin(&s->b, s->b.list);
        s->b.individual = eq(name, "INDIVIDUAL");
        record_reset(s);
        s->in_record = true;
    } else if (depth == 3 && s->in_record) {
        snprintf(s->group, sizeof(s->group), "%s", (const char *)name);
        s->alias_name = s->alias_quality = NULL;
    }
    return HV_OK;
}

static enum hv_err run(xmlTextReaderPtr r, struct un_state *s, struct hv_diag *diag)
{
    enum hv_err err = HV_OK;
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        const xmlChar *name = xmlTextReaderConstLocalName(r);
        if (type == XML_READER_TYPE_ELEMENT) {
            err = on_start(s, name, depth, diag);
            if (err == HV_OK && xmlTextReaderIsEmptyElement(r))
                err = on_end(s, name, depth, diag);
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            err = on_end(s, name, depth, diag);
            hv_buf_reset(&s->text);
        } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            const xmlChar *v = xmlTextReaderConstValue(r);
            if (v != NULL)
                err = hv_buf_appendz(&s->text, (const char *)v);
            if (err == HV_ERR_LIMIT)
                hv_diag_set(diag, (const char *)name, "text longer than %d bytes", UN_MAX_TEXT);
        }
        if (err != HV_OK) {
            hv_diag_at(diag, NULL, (uint64_t)xmlTextReaderGetParserLineNumber(r));
            return err;
        }
    }
    if (rc < 0) {
        hv_diag_at(diag, NULL, (uint64_t)xmlTextReaderGetParserLineNumber(r));
        hv_diag_set(diag, s->group[0] != '\0' ? s->group : NULL, "malformed XML: %s",
                    s->err_msg[0] != '\0' ? s->err_msg : "parse error");
        return HV_ERR_INVALID;
    }
    if (!s->saw_root) {
        hv_diag_set(diag, NULL, "no CONSOLIDATED_LIST element");
        return HV_ERR_INVALID;
    }
    if (s->in_record) {
        hv_diag_set(diag, NULL, "input ends inside a record");
        return HV_ERR_INVALID;
    }
    if (s->b.list->n_entries == 0) {
        hv_diag_set(diag, NULL, "no INDIVIDUAL or ENTITY records");
        return HV_ERR_INVALID;
    }
    return HV_OK;
}

enum hv_err hv_wl_load_un_mem(const char *name, const void *data, size_t len,
                              struct hv_wl_list **out, struct hv_diag *diag)
{
    hv_diag_at(diag, name, 0);
    if (len > (size_t)INT32_MAX) {
        hv_diag_set(diag, NULL, "file too large");
        return HV_ERR_LIMIT;
    }
    struct un_state *s = hv_xcalloc(1, sizeof(*s));
    struct hv_wl_list *list = hv_wl_list_create("un", HV_WL_UN);
    hv__wl_begin(&s->b, list);
    hv_buf_init(&s->text, UN_MAX_TEXT);
    hv__wl_hash_hex(data, len, list->file_hash);
    enum hv_err err = HV_ERR_INVALID;
    /* No network, no entity expansion, no DTD loading: the input is untrusted. */
    xmlTextReaderPtr r =
        xmlReaderForMemory(data, (int)len, NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_COMPACT);
    if (r == NULL) {
        hv_diag_set(diag, NULL, "cannot start the XML reader");
        goto out;
    }
    xmlTextReaderSetErrorHandler(r, on_xml_error, s);
    err = run(r, s, diag);
    xmlFreeTextReader(r);
out:
    hv_buf_finish(&s->text);
    free(s);
    if (err != HV_OK) {
        hv_wl_list_destroy(list);
        return err;
    }
    *out = list;
    return HV_OK;
}

enum hv_err hv_wl_load_un(const char *path, struct hv_wl_list **out, struct hv_diag *diag)
{
    char *data = NULL;
    size_t len = 0;
    enum hv_err err = hv__wl_read_file(path, UN_MAX_FILE, &data, &len, diag);
    if (err != HV_OK)
        return err;
    err = hv_wl_load_un_mem(path, data, len, out, diag);
    free(data);
    return err;
}
