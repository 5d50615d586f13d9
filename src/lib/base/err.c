/* err.c - error names, CLI exit codes, and the user-facing struct hv_diag.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/err.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *hv_err_str(enum hv_err err)
{
    switch (err) {
    case HV_OK:
        return "success";
    case HV_ERR_NOMEM:
        return "out of memory";
    case HV_ERR_LIMIT:
        return "a configured limit was exceeded";
    case HV_ERR_INVALID:
        return "invalid input";
    case HV_ERR_NOTFOUND:
        return "not found";
    case HV_ERR_CONFLICT:
        return "conflict";
    case HV_ERR_FORBIDDEN:
        return "forbidden";
    case HV_ERR_DB:
        return "database error";
    case HV_ERR_IO:
        return "input/output error";
    case HV_ERR_CRYPTO:
        return "cryptographic failure";
    case HV_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown error";
}

int hv_err_exit_code(enum hv_err err)
{
    /* Exit code 3 is reserved by the CLI for "import finished but some rows were rejected";
     * 1 is left to generic failures and 64 and up to usage errors, so neither appears here. */
    switch (err) {
    case HV_OK:
        return 0;
    case HV_ERR_INVALID:
        return 2;
    case HV_ERR_NOTFOUND:
        return 4;
    case HV_ERR_CONFLICT:
        return 5;
    case HV_ERR_FORBIDDEN:
        return 6;
    case HV_ERR_CRYPTO:
        return 7;
    case HV_ERR_LIMIT:
        return 8;
    case HV_ERR_IO:
        return 9;
    case HV_ERR_DB:
        return 10;
    case HV_ERR_NOMEM:
    case HV_ERR_INTERNAL:
        return 70;
    }
    return 70;
}

/* After snprintf truncated into s (capacity cap), drops a trailing partial UTF-8 sequence so
 * that a message is never cut in the middle of a code point. */
static void fix_truncation(char *s, size_t cap, int wanted)
{
    if (wanted < 0) {
        s[0] = '\0';
        return;
    }
    if ((size_t)wanted < cap)
        return;
    size_t len = strlen(s);
    size_t i = len;
    size_t back = 0;
    /* Step back over continuation bytes to the lead byte of the last sequence. */
    while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = 1;
    if (lead >= 0xF0)
        need = 4;
    else if (lead >= 0xE0)
        need = 3;
    else if (lead >= 0xC0)
        need = 2;
    if (need > 1 && back + 1 < need)
        s[i - 1] = '\0';
}

static void copy_z(char *dst, size_t cap, const char *src)
{
    int n = snprintf(dst, cap, "%s", src);
    fix_truncation(dst, cap, n);
}

void hv_diag_clear(struct hv_diag *d)
{
    if (d == NULL)
        return;
    memset(d, 0, sizeof(*d));
}

void hv_diag_set(struct hv_diag *d, const char *field, const char *fmt, ...)
{
    if (d == NULL)
        return;
    copy_z(d->field, sizeof(d->field), field != NULL ? field : "");
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    va_end(ap);
    fix_truncation(d->msg, sizeof(d->msg), n);
}

void hv_diag_at(struct hv_diag *d, const char *file, uint64_t line)
{
    if (d == NULL)
        return;
    if (file != NULL)
        copy_z(d->file, sizeof(d->file), file);
    d->line = line;
}

void hv_diag_format(const struct hv_diag *d, char *out, size_t out_len)
{
    if (out == NULL || out_len == 0)
        return;
    out[0] = '\0';
    if (d == NULL)
        return;
    size_t pos = 0;
    int n;
    if (d->file[0] != '\0' && d->line > 0)
        n = snprintf(out, out_len, "%s:%" PRIu64 ": ", d->file, d->line);
    else if (d->file[0] != '\0')
        n = snprintf(out, out_len, "%s: ", d->file);
    else if (d->line > 0)
        n = snprintf(out, out_len, "line %" PRIu64 ": ", d->line);
    else
        n = 0;
    if (n < 0 || (size_t)n >= out_len)
        goto truncated;
    pos = (size_t)n;
    if (d->field[0] != '\0') {
        n = snprintf(out + pos, out_len - pos, "%s: ", d->field);
        if (n < 0 || (size_t)n >= out_len - pos)
            goto truncated;
        pos += (size_t)n;
    }
    n = snprintf(out + pos, out_len - pos, "%s", d->msg);
    if (n < 0 || (size_t)n >= out_len - pos)
        goto truncated;
    /* Without a message, drop the dangling ": " separator. */
    pos += (size_t)n;
    if (d->msg[0] == '\0' && pos >= 2 && out[pos - 2] == ':' && out[pos - 1] == ' ')
        out[pos - 2] = '\0';
    return;
truncated:
    fix_truncation(out, out_len, (int)out_len);
}

bool hv_diag_has(const struct hv_diag *d)
{
    return d != NULL && d->msg[0] != '\0';
}
