/* test_csv.c - unit tests for the CSV reader and field writer: RFC 4180 quoting, CRLF, BOM,
 * line numbers of records that span lines, every error with its exact line and message,
 * recovery after an error, limits, and the writer's quoting rules.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/csv.h"
#include "test.h"

/* Reads all of data, from memory or through a FILE, into a compact dump:
 * "<record line>:<field>|<field>;" per record and "E<diag line>:<err>:<msg>;" per error
 * (reading continues after errors). Non-printable bytes in fields are shown as \xNN. */
static void dump(const char *data, size_t len, bool use_file, struct hv_buf *out)
{
    struct hv_csv_reader r;
    FILE *f = NULL;
    if (use_file) {
        f = fmemopen((void *)data, len, "r");
        if (f == NULL) {
            CHECK(f != NULL);
            return;
        }
        hv_csv_init_file(&r, f);
    } else {
        hv_csv_init_mem(&r, data, len);
    }
    hv_buf_reset(out);
    for (int guard = 0; guard < 10000; guard++) {
        bool eof = false;
        struct hv_diag diag;
        hv_diag_clear(&diag);
        enum hv_err err = hv_csv_next(&r, &eof, &diag);
        if (err != HV_OK) {
            CHECK_OK(hv_buf_appendf(out, "E%llu:%d:%s;", (unsigned long long)diag.line, (int)err,
                                    diag.msg));
            CHECK_EQ_INT(hv_csv_n_fields(&r), 0);
            continue;
        }
        if (eof)
            break;
        CHECK_OK(hv_buf_appendf(out, "%llu:", (unsigned long long)r.record_line));
        for (size_t i = 0; i < hv_csv_n_fields(&r); i++) {
            struct hv_str s = hv_csv_field(&r, i);
            if (i > 0)
                CHECK_OK(hv_buf_putc(out, '|'));
            for (size_t j = 0; j < s.len; j++) {
                unsigned char c = (unsigned char)s.ptr[j];
                if (c < 0x20 || c >= 0x7f)
                    CHECK_OK(hv_buf_appendf(out, "\\x%02X", c));
                else
                    CHECK_OK(hv_buf_putc(out, (char)c));
            }
        }
        CHECK_OK(hv_buf_putc(out, ';'));
    }
    hv_csv_finish(&r);
    if (f != NULL)
        fclose(f);
}

/* Checks the dump of data, read both from memory and through a FILE. */
#define CHECK_CSV(data, want)                         \
    do {                                              \
        struct hv_buf out_;                           \
        hv_buf_init(&out_, 0);                        \
        dump((data), sizeof(data) - 1, false, &out_); \
        CHECK_EQ_STR(hv_buf_cstr(&out_), (want));     \
        dump((data), sizeof(data) - 1, true, &out_);  \
        CHECK_EQ_STR(hv_buf_cstr(&out_), (want));     \
        hv_buf_finish(&out_);                         \
    } while (0)

static void test_basic(void)
{
    CHECK_CSV("", "");
    CHECK_CSV("a,b,c\n1,2,3\n", "1:a|b|c;2:1|2|3;");
    CHECK_CSV("a,b,c\r\n1,2,3\r\n", "1:a|b|c;2:1|2|3;");
    CHECK_CSV("a,b\n1,2", "1:a|b;2:1|2;"); /* no final newline */
    CHECK_CSV("a,b\r\n1,2\r", "1:a|b;2:1|2;");
    CHECK_CSV(",,\n", "1:||;");
    CHECK_CSV("a,\n", "1:a|;");
    CHECK_CSV(",a", "1:|a;");
    /* Blank lines are records with one empty field, and count as lines. */
    CHECK_CSV("\n", "1:;");
    CHECK_CSV("a\n\nb\n", "1:a;2:;3:b;");
    CHECK_CSV("a\r\n\r\nb", "1:a;2:;3:b;");
    /* A lone CR ends a line too. */
    CHECK_CSV("a\rb\r\nc", "1:a;2:b;3:c;");
    /* Spaces are data in unquoted fields. */
    CHECK_CSV(" a , b ", "1: a | b ;");
    /* Non-ASCII bytes pass through untouched (UTF-8 is checked by importers). */
    CHECK_CSV("\xD8\xA7,\xFF\n", "1:\\xD8\\xA7|\\xFF;");
}

static void test_quoted(void)
{
    CHECK_CSV("\"a\",\"b,c\"\n", "1:a|b,c;");
    CHECK_CSV("\"\"\n", "1:;");
    CHECK_CSV("\"\",\"\"", "1:|;");
    CHECK_CSV("\"say \"\"hi\"\"\"\n", "1:say \"hi\";");
    CHECK_CSV("\"\"\"\"", "1:\";");
    /* Newlines inside quotes are data; the next record's line accounts for them. */
    CHECK_CSV("id,note\n1,\"line one\nline two\nline three\"\n2,x\n",
              "1:id|note;2:1|line one\\x0Aline two\\x0Aline three;5:2|x;");
    CHECK_CSV("1,\"a\r\nb\"\r\n2,c\r\n", "1:1|a\\x0D\\x0Ab;3:2|c;");
    CHECK_CSV("\"a\rb\"\n2", "1:a\\x0Db;3:2;");
    CHECK_CSV("\"a\",\"\nb\",c\nd", "1:a|\\x0Ab|c;3:d;");
    /* A quoted field ending at end of input. */
    CHECK_CSV("x,\"y\"", "1:x|y;");
}

static void test_bom(void)
{
    CHECK_CSV("\xEF\xBB\xBF"
              "a,b\nc",
              "1:a|b;2:c;");
    CHECK_CSV("\xEF\xBB\xBF", "");
    CHECK_CSV("\xEF\xBB\xBF\n", "1:;");
    CHECK_CSV("\xEF\xBB\xBF\"q\"", "1:q;");
    /* Only one mark, only at the start. */
    CHECK_CSV("\xEF\xBB\xBF\xEF\xBB\xBF"
              "a",
              "1:\\xEF\\xBB\\xBFa;");
    CHECK_CSV("a\n\xEF\xBB\xBF"
              "b",
              "1:a;2:\\xEF\\xBB\\xBFb;");
    /* Prefixes of the mark are data (the FILE reader must replay them). */
    CHECK_CSV("\xEF\xBB", "1:\\xEF\\xBB;");
    CHECK_CSV("\xEF", "1:\\xEF;");
    CHECK_CSV("\xEF\xBBX,y", "1:\\xEF\\xBBX|y;");
    CHECK_CSV("\xEF\xBC\x8C,y", "1:\\xEF\\xBC\\x8C|y;"); /* U+FF0C, not a BOM */
    CHECK_CSV("\xEF\n", "1:\\xEF;");
    CHECK_CSV("\xEF\xBB\r\nz", "1:\\xEF\\xBB;2:z;");
}

static void test_errors(void)
{
    /* Unterminated quote: reported on the line the quoted field started. */
    CHECK_CSV("a,b\nc,\"unclosed\nmore\nlines",
              "1:a|b;E2:3:unterminated quoted field starting on line 2;");
    CHECK_CSV("\"", "E1:3:unterminated quoted field starting on line 1;");
    CHECK_CSV("x\ny\nz,\"ab\"\"", "1:x;2:y;E3:3:unterminated quoted field starting on line 3;");
    /* The second quoted field of a multi-line record starts on a later line. */
    CHECK_CSV("\"a\nb\",\"c\nd\n", "E2:3:unterminated quoted field starting on line 2;");
    /* A quote inside an unquoted field; reading resumes on the next line. */
    CHECK_CSV("a,b\"c\nd,e\n", "E1:3:quote character inside an unquoted field;2:d|e;");
    CHECK_CSV("ok\nab\"\r\nnext", "1:ok;E2:3:quote character inside an unquoted field;3:next;");
    /* Characters after a closing quote. */
    CHECK_CSV("\"a\"b,c\nd\n", "E1:3:unexpected character after a closing quote;2:d;");
    CHECK_CSV("\"a\" ,c\n", "E1:3:unexpected character after a closing quote;");
    /* The line of an error inside a multi-line record is the physical line. */
    CHECK_CSV("1,\"x\ny\"z\n2\n", "E2:3:unexpected character after a closing quote;3:2;");
    /* NUL bytes, quoted or not. */
    CHECK_CSV("a\0b\nc\n", "E1:3:NUL byte in input;2:c;");
    CHECK_CSV("x\n\"a\0\"\nc\n", "1:x;E2:3:NUL byte in input;3:c;");
    CHECK_CSV("\"a\"\0\nc\n", "E1:3:NUL byte in input;2:c;");
}

static void test_field_limit(void)
{
    struct hv_buf in, out;
    hv_buf_init(&in, 0);
    hv_buf_init(&out, 0);
    /* Exactly HV_CSV_MAX_FIELDS fields are fine. */
    CHECK_OK(hv_buf_appendz(&in, "h\n"));
    for (int i = 0; i < HV_CSV_MAX_FIELDS; i++)
        CHECK_OK(hv_buf_appendz(&in, i == 0 ? "f" : ",f"));
    CHECK_OK(hv_buf_appendz(&in, "\n"));
    /* One more is HV_ERR_LIMIT, on the line where that record starts. */
    for (int i = 0; i <= HV_CSV_MAX_FIELDS; i++)
        CHECK_OK(hv_buf_appendz(&in, i == 0 ? "g" : ",g"));
    CHECK_OK(hv_buf_appendz(&in, "\nlast\n"));

    struct hv_csv_reader r;
    struct hv_diag diag;
    bool eof = false;
    hv_csv_init_mem(&r, in.ptr, in.len);
    hv_diag_clear(&diag);
    CHECK_OK(hv_csv_next(&r, &eof, &diag));
    CHECK_OK(hv_csv_next(&r, &eof, &diag));
    CHECK_EQ_INT(hv_csv_n_fields(&r), HV_CSV_MAX_FIELDS);
    CHECK_EQ_VIEW(hv_csv_field(&r, HV_CSV_MAX_FIELDS - 1), "f");
    CHECK_EQ_VIEW(hv_csv_field(&r, HV_CSV_MAX_FIELDS), ""); /* out of range */
    CHECK_EQ_INT(hv_csv_next(&r, &eof, &diag), HV_ERR_LIMIT);
    CHECK_EQ_INT(diag.line, 3);
    CHECK_EQ_STR(diag.msg, "record has more than 256 fields");
    CHECK_OK(hv_csv_next(&r, &eof, &diag));
    CHECK(!eof);
    CHECK_EQ_INT(r.record_line, 4);
    CHECK_EQ_VIEW(hv_csv_field(&r, 0), "last");
    CHECK_OK(hv_csv_next(&r, &eof, &diag));
    CHECK(eof);
    CHECK_EQ_INT(r.byte_offset, in.len);
    hv_csv_finish(&r);
    hv_buf_finish(&in);
    hv_buf_finish(&out);
}

static void test_record_limit(void)
{
    size_t n = HV_CSV_MAX_RECORD;
    char *data = malloc(2 * n + 64);
    CHECK(data != NULL);
    if (data == NULL)
        return;
    /* Exactly the limit: n raw bytes on line 1. */
    memset(data, 'a', n);
    size_t len = n;
    memcpy(data + len, "\n", 1);
    len += 1;
    /* One byte over, as a quoted field that spans lines 2-3. */
    data[len++] = '"';
    memset(data + len, 'b', 10);
    len += 10;
    data[len++] = '\n';
    memset(data + len, 'b', n - 11);
    len += n - 11;
    memcpy(data + len, "\"\nend\n", 6);
    len += 6;

    struct hv_csv_reader r;
    struct hv_diag diag;
    bool eof = false;
    hv_csv_init_mem(&r, data, len);
    hv_diag_clear(&diag);
    CHECK_OK(hv_csv_next(&r, &eof, &diag));
    CHECK_EQ_INT(hv_csv_field(&r, 0).len, n);
    CHECK_EQ_INT(hv_csv_next(&r, &eof, &diag), HV_ERR_LIMIT);
    CHECK_EQ_INT(diag.line, 2);
    CHECK_EQ_STR(diag.msg, "record is longer than 1048576 bytes");
    /* Recovery skips the rest of line 3 (the record's tail) and continues. */
    CHECK_OK(hv_csv_next(&r, &eof, &diag));
    CHECK(!eof);
    CHECK_EQ_INT(r.record_line, 4);
    CHECK_EQ_VIEW(hv_csv_field(&r, 0), "end");
    hv_csv_finish(&r);
    free(data);
}

static void test_reader_misc(void)
{
    struct hv_csv_reader r;
    bool eof = false;
    /* diag may be NULL; a reader with no data is at its end. */
    hv_csv_init_mem(&r, NULL, 0);
    CHECK_OK(hv_csv_next(&r, &eof, NULL));
    CHECK(eof);
    CHECK_EQ_INT(hv_csv_n_fields(&r), 0);
    CHECK_EQ_VIEW(hv_csv_field(&r, 0), "");
    /* Reading again after the end stays at the end. */
    CHECK_OK(hv_csv_next(&r, &eof, NULL));
    CHECK(eof);
    hv_csv_finish(&r);
    hv_csv_finish(NULL);

    hv_csv_init_mem(&r, "\"x", 2);
    CHECK_EQ_INT(hv_csv_next(&r, &eof, NULL), HV_ERR_INVALID);
    CHECK_OK(hv_csv_next(&r, &eof, NULL));
    CHECK(eof);
    hv_csv_finish(&r);

    /* Fields are views into the reader and stay valid until the next call. */
    hv_csv_init_mem(&r, "one,two\n", 8);
    CHECK_OK(hv_csv_next(&r, &eof, NULL));
    struct hv_str a = hv_csv_field(&r, 0), b = hv_csv_field(&r, 1);
    CHECK_EQ_VIEW(a, "one");
    CHECK_EQ_VIEW(b, "two");
    CHECK_EQ_INT(r.byte_offset, 8);
    CHECK_EQ_INT(r.line, 2);
    hv_csv_finish(&r);

    /* A read error on the FILE is HV_ERR_IO: a write-only stream cannot be read. */
    FILE *w = fopen("/dev/null", "w");
    CHECK(w != NULL);
    if (w != NULL) {
        struct hv_diag diag;
        hv_diag_clear(&diag);
        hv_csv_init_file(&r, w);
        CHECK_EQ_INT(hv_csv_next(&r, &eof, &diag), HV_ERR_IO);
        CHECK_EQ_STR(diag.msg, "read error");
        hv_csv_finish(&r);
        fclose(w);
    }
}

/* Writes s as a field and compares the output. */
static void check_write(struct hv_str s, const char *want)
{
    struct hv_buf b;
    hv_buf_init(&b, 0);
    CHECK_OK(hv_buf_appendz(&b, "<"));
    CHECK_OK(hv_csv_write_field(&b, s));
    CHECK_OK(hv_buf_appendz(&b, ">"));
    CHECK_EQ_STR(hv_buf_cstr(&b), want);
    hv_buf_finish(&b);
}

static void test_write(void)
{
    check_write(HV_STR(""), "<>");
    check_write(HV_STR_NULL, "<>");
    check_write(HV_STR("plain"), "<plain>");
    check_write(HV_STR("in ner"), "<in ner>");
    check_write(HV_STR("a,b"), "<\"a,b\">");
    check_write(HV_STR("say \"hi\""), "<\"say \"\"hi\"\"\">");
    check_write(HV_STR("\""), "<\"\"\"\">");
    check_write(HV_STR("a\nb"), "<\"a\nb\">");
    check_write(HV_STR("a\rb"), "<\"a\rb\">");
    check_write(HV_STR(" lead"), "<\" lead\">");
    check_write(HV_STR("trail "), "<\"trail \">");
    check_write(HV_STR("\ttab"), "<\"\ttab\">");
    check_write(HV_STR("\xEF\xBB\xBFx"), "<\"\xEF\xBB\xBFx\">");
    check_write(HV_STR("\xD8\xA7"), "<\xD8\xA7>");

    struct hv_buf b;
    hv_buf_init(&b, 0);
    CHECK_EQ_INT(hv_csv_write_field(&b, (struct hv_str){ "a\0b", 3 }), HV_ERR_INVALID);
    CHECK_EQ_INT(b.len, 0);
    hv_buf_finish(&b);

    /* Hitting the cap midway leaves the buffer as it was. */
    hv_buf_init(&b, 8);
    CHECK_OK(hv_buf_appendz(&b, "x,"));
    CHECK_EQ_INT(hv_csv_write_field(&b, HV_STR("a\"b\"c")), HV_ERR_LIMIT);
    CHECK_EQ_STR(hv_buf_cstr(&b), "x,");
    CHECK_EQ_INT(hv_csv_write_field(&b, HV_STR("abcdefg")), HV_ERR_LIMIT);
    CHECK_EQ_STR(hv_buf_cstr(&b), "x,");
    hv_buf_finish(&b);
}

static void test_round_trip(void)
{
    static const char *const fields[] = {
        "",
        "x",
        " padded ",
        "a,b",
        "\"",
        "\"\"",
        "line\nbreak",
        "cr\r",
        "crlf\r\n",
        "\xEF\xBB\xBF",
        "\xD8\xA7\xD9\x81\xD8\xBA",
        ",",
        "\n",
        "trailing quote\"",
    };
    struct hv_buf b;
    hv_buf_init(&b, 0);
    for (size_t i = 0; i < HV_ARRAY_LEN(fields); i++) {
        if (i > 0)
            CHECK_OK(hv_buf_putc(&b, ','));
        CHECK_OK(hv_csv_write_field(&b, hv_str_c(fields[i])));
    }
    CHECK_OK(hv_buf_appendz(&b, "\r\n"));

    struct hv_csv_reader r;
    bool eof = false;
    hv_csv_init_mem(&r, b.ptr, b.len);
    CHECK_OK(hv_csv_next(&r, &eof, NULL));
    CHECK(!eof);
    CHECK_EQ_INT(hv_csv_n_fields(&r), HV_ARRAY_LEN(fields));
    for (size_t i = 0; i < HV_ARRAY_LEN(fields) && i < hv_csv_n_fields(&r); i++)
        CHECK_EQ_VIEW(hv_csv_field(&r, i), fields[i]);
    CHECK_OK(hv_csv_next(&r, &eof, NULL));
    CHECK(eof);
    hv_csv_finish(&r);
    hv_buf_finish(&b);
}

int main(void)
{
    RUN(test_basic);
    RUN(test_quoted);
    RUN(test_bom);
    RUN(test_errors);
    RUN(test_field_limit);
    RUN(test_record_limit);
    RUN(test_reader_misc);
    RUN(test_write);
    RUN(test_round_trip);
    return test_report();
}
