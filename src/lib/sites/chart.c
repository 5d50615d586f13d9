/* chart.c - occupancy as a picture: an SVG chart (beds used as an area under the capacity
 * line, one point per day) and a one-line text sparkline for the terminal.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/sites.h"

#include <string.h>

#define SVG_W 720
#define SVG_H 240
#define PAD_L 56
#define PAD_R 16
#define PAD_T 28
#define PAD_B 32

/* Appends s with the five XML special characters escaped. */
static enum hv_err xml_text(struct hv_buf *b, struct hv_str s)
{
    enum hv_err err = HV_OK;
    for (size_t i = 0; i < s.len && err == HV_OK; i++) {
        switch (s.ptr[i]) {
        case '<':
            err = hv_buf_appendz(b, "&lt;");
            break;
        case '>':
            err = hv_buf_appendz(b, "&gt;");
            break;
        case '&':
            err = hv_buf_appendz(b, "&amp;");
            break;
        case '"':
            err = hv_buf_appendz(b, "&quot;");
            break;
        case '\'':
            err = hv_buf_appendz(b, "&apos;");
            break;
        default:
            err = hv_buf_putc(b, s.ptr[i]);
            break;
        }
    }
    return err;
}

enum hv_err hv_occupancy_svg(struct hv_buf *b, const struct hv_occupancy_series *s)
{
    int64_t top = 1;
    for (size_t i = 0; i < s->n_days; i++) {
        int64_t u = hv_occupancy_used(&s->days[i]), c = hv_occupancy_cap(&s->days[i]);
        if (u > top)
            top = u;
        if (c > top)
            top = c;
    }
    double plot_w = SVG_W - PAD_L - PAD_R, plot_h = SVG_H - PAD_T - PAD_B;
    double step = s->n_days > 1 ? plot_w / (double)(s->n_days - 1) : 0;
    char first[11], last[11];
    hv_day_format(s->first_day, first);
    hv_day_format(s->first_day + (int32_t)(s->n_days > 0 ? s->n_days - 1 : 0), last);
    enum hv_err err = hv_buf_appendf(
        b,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
        "<title>Beds used and capacity per day</title>\n"
        "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n<text x=\"%d\" y=\"18\" "
        "font-weight=\"bold\">",
        SVG_W, SVG_H, SVG_W, SVG_H, PAD_L);
    if (err == HV_OK)
        err = xml_text(b, s->name);
    if (err == HV_OK)
        err = hv_buf_appendz(b, " (");
    if (err == HV_OK)
        err = xml_text(b, s->key);
    if (err == HV_OK)
        err = hv_buf_appendf(b, "): beds used vs capacity, %s to %s</text>\n", first, last);
    /* Axes with the top value and the two end dates. */
    if (err == HV_OK)
        err = hv_buf_appendf(b,
                             "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n"
                             "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n"
                             "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>\n"
                             "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n"
                             "<text x=\"%d\" y=\"%d\">%s</text>\n"
                             "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                             PAD_L, PAD_T, PAD_L, SVG_H - PAD_B, PAD_L, SVG_H - PAD_B,
                             SVG_W - PAD_R, SVG_H - PAD_B, PAD_L - 6, PAD_T + 4, (long long)top,
                             PAD_L - 6, SVG_H - PAD_B, PAD_L, SVG_H - PAD_B + 18, first,
                             SVG_W - PAD_R, SVG_H - PAD_B + 18, last);
    /* Beds used: a filled area. */
    if (err == HV_OK)
        err = hv_buf_appendf(b, "<polygon fill=\"#7fb3d5\" stroke=\"#2e86c1\" points=\"%d,%d",
                             PAD_L, SVG_H - PAD_B);
    for (size_t i = 0; i < s->n_days && err == HV_OK; i++) {
        double x = PAD_L + step * (double)i;
        double y = PAD_T + plot_h * (1.0 - (double)hv_occupancy_used(&s->days[i]) / (double)top);
        err = hv_buf_appendf(b, " %.1f,%.1f", x, y);
    }
    if (err == HV_OK)
        err = hv_buf_appendf(b, " %.1f,%d\"/>\n",
                             PAD_L + step * (double)(s->n_days ? s->n_days - 1 : 0), SVG_H - PAD_B);
    /* Capacity: a line. */
    if (err == HV_OK)
        err = hv_buf_appendz(b, "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" "
                                "points=\"");
    for (size_t i = 0; i < s->n_days && err == HV_OK; i++) {
        double x = PAD_L + step * (double)i;
        double y = PAD_T + plot_h * (1.0 - (double)hv_occupancy_cap(&s->days[i]) / (double)top);
        err = hv_buf_appendf(b, "%s%.1f,%.1f", i > 0 ? " " : "", x, y);
    }
    if (err == HV_OK)
        err = hv_buf_appendf(b,
                             "\"/>\n<text x=\"%d\" y=\"%d\" fill=\"#2e86c1\">beds used</text>\n"
                             "<text x=\"%d\" y=\"%d\" fill=\"#c0392b\">capacity</text>\n</svg>\n",
                             SVG_W - PAD_R - 150, PAD_T - 8, SVG_W - PAD_R - 70, PAD_T - 8);
    return err;
}

enum hv_err hv_occupancy_sparkline(struct hv_buf *b, const struct hv_occupancy_series *s,
                                   size_t width)
{
    static const char *const blocks[] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
                                          "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
                                          "\xe2\x96\x87", "\xe2\x96\x88" };
    if (width == 0 || s->n_days == 0)
        return HV_OK;
    size_t cells = s->n_days < width ? s->n_days : width;
    enum hv_err err = HV_OK;
    for (size_t c = 0; c < cells && err == HV_OK; c++) {
        /* Days [lo, hi) go into cell c; the cell shows the fullest of them. */
        size_t lo = c * s->n_days / cells, hi = (c + 1) * s->n_days / cells;
        double worst = 0;
        bool over = false, any_cap = false;
        for (size_t i = lo; i < hi; i++) {
            int64_t u = hv_occupancy_used(&s->days[i]), cap = hv_occupancy_cap(&s->days[i]);
            if (u > cap)
                over = true;
            if (cap > 0) {
                any_cap = true;
                double r = (double)u / (double)cap;
                if (r > worst)
                    worst = r;
            }
        }
        if (over)
            err = hv_buf_putc(b, '!');
        else if (!any_cap)
            err = hv_buf_putc(b, ' ');
        else {
            int level = (int)(worst * 7.0 + 0.5);
            if (level > 7)
                level = 7;
            err = hv_buf_appendz(b, blocks[level]);
        }
    }
    return err;
}
