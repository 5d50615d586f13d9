/* svg.c - a small SVG writer for the forecast's briefing charts: fan charts (P10-P90 band, P50
 * line, capacity line) on a dated weekly axis, and the clearance-date histogram. Self-contained
 * SVG 1.1, no scripts, generic font families only.
 * SPDX-License-Identifier: Apache-2.0 */
#include "forecast/forecast_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "haven/sites.h"

#define TRY(x)                \
    do {                      \
        enum hv_err e_ = (x); \
        if (e_ != HV_OK)      \
            return e_;        \
    } while (0)

#define W_PX   960.0
#define H_PX   440.0
#define LEFT   80.0
#define RIGHT  30.0
#define TOP    56.0
#define BOTTOM 70.0

static enum hv_err esc(struct hv_buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        enum hv_err err;
        switch (*s) {
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
        default:
            err = hv_buf_putc(b, *s);
        }
        if (err != HV_OK)
            return err;
    }
    return HV_OK;
}

/* A "nice" tick step (1, 2 or 5 times a power of ten) giving about n ticks up to max. */
static double nice_step(double max, int n)
{
    if (max <= 0)
        return 1;
    double raw = max / n, p = pow(10, floor(log10(raw))), f = raw / p;
    double s = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return s * p < 1 ? 1 : s * p;
}

struct frame {
    double x0, y0, w, h; /* plot area */
    double ymax;
    int32_t n; /* points on the x axis (weeks) */
};

static double px(const struct frame *f, double i)
{
    return f->x0 + (f->n > 1 ? i / (f->n - 1) : 0.5) * f->w;
}

static double py(const struct frame *f, double v)
{
    return f->y0 + f->h - v / f->ymax * f->h;
}

static enum hv_err axes(struct hv_buf *b, const struct frame *f, int32_t start_day,
                        const char *title, const char *ylabel, const char *xlabel)
{
    TRY(hv_buf_appendf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"18\" font-weight=\"bold\">",
                       f->x0, f->y0 - 26));
    TRY(esc(b, title));
    TRY(hv_buf_appendz(b, "</text>\n"));
    double step = nice_step(f->ymax, 6);
    for (double v = 0; v <= f->ymax + 1e-9; v += step) {
        TRY(hv_buf_appendf(b,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%.0f"
                           "</text>\n",
                           f->x0, py(f, v), f->x0 + f->w, py(f, v), f->x0 - 6, py(f, v) + 4, v));
    }
    int every = f->n <= 14 ? 1 : f->n <= 30 ? 2 : f->n <= 60 ? 4 : f->n <= 120 ? 8 : 26;
    for (int32_t i = 0; i < f->n; i += every) {
        char d[16];
        hv_day_format(start_day + 7 * i, d);
        double x = px(f, i);
        TRY(hv_buf_appendf(b,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
                           "transform=\"rotate(-35 %.1f %.1f)\">%s</text>\n",
                           x, f->y0 + f->h, x, f->y0 + f->h + 5, x, f->y0 + f->h + 18, x,
                           f->y0 + f->h + 18, d));
    }
    TRY(hv_buf_appendf(b,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
                       f->x0, f->y0 + f->h, f->x0 + f->w, f->y0 + f->h, f->x0, f->y0, f->x0,
                       f->y0 + f->h));
    TRY(hv_buf_appendf(b,
                       "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" text-anchor=\"middle\" "
                       "transform=\"rotate(-90 %.1f %.1f)\">",
                       f->x0 - 58, f->y0 + f->h / 2, f->x0 - 58, f->y0 + f->h / 2));
    TRY(esc(b, ylabel));
    TRY(hv_buf_appendf(b,
                       "</text>\n<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
                       "text-anchor=\"middle\">",
                       f->x0 + f->w / 2, f->y0 + f->h + 62));
    TRY(esc(b, xlabel));
    return hv_buf_appendz(b, "</text>\n");
}

/* A fan: q is [n][3] (P10, P50, P90); cap < 0 draws no capacity line. */
static enum hv_err fan(struct hv_buf *b, double oy, const char *title, const char *ylabel,
                       int32_t start_day, const int64_t *q, int32_t n, int64_t cap)
{
    struct frame f = { LEFT, oy + TOP, W_PX - LEFT - RIGHT, H_PX - TOP - BOTTOM, 1, n };
    for (int32_t i = 0; i < n; i++) {
        if ((double)q[i * 3 + 2] > f.ymax)
            f.ymax = (double)q[i * 3 + 2];
    }
    if (cap > 0 && (double)cap > f.ymax)
        f.ymax = (double)cap;
    f.ymax *= 1.1;
    double step = nice_step(f.ymax, 6);
    f.ymax = ceil(f.ymax / step) * step;
    TRY(axes(b, &f, start_day, title, ylabel, "week starting (UTC)"));
    TRY(hv_buf_appendz(b, "<polygon fill=\"#9ecae1\" fill-opacity=\"0.7\" points=\""));
    for (int32_t i = 0; i < n; i++)
        TRY(hv_buf_appendf(b, "%.1f,%.1f ", px(&f, i), py(&f, (double)q[i * 3 + 2])));
    for (int32_t i = n - 1; i >= 0; i--)
        TRY(hv_buf_appendf(b, "%.1f,%.1f ", px(&f, i), py(&f, (double)q[i * 3])));
    TRY(hv_buf_appendz(b, "\"/>\n<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" "
                          "points=\""));
    for (int32_t i = 0; i < n; i++)
        TRY(hv_buf_appendf(b, "%.1f,%.1f ", px(&f, i), py(&f, (double)q[i * 3 + 1])));
    TRY(hv_buf_appendz(b, "\"/>\n"));
    double lx = f.x0 + f.w - 250, ly = oy + 14;
    if (cap >= 0) {
        TRY(hv_buf_appendf(
            b,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#cb181d\" "
            "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#cb181d\" "
            "text-anchor=\"end\">capacity %lld</text>\n",
            f.x0, py(&f, (double)cap), f.x0 + f.w, py(&f, (double)cap), f.x0 + f.w - 4,
            py(&f, (double)cap) - 5, (long long)cap));
    }
    return hv_buf_appendf(
        b,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"10\" fill=\"#9ecae1\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">P10-P90</text>"
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#08519c\" "
        "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">P50</text>%s\n",
        lx, ly, lx + 22, ly + 9, lx + 80, ly + 5, lx + 98, ly + 5, lx + 102, ly + 9,
        cap >= 0 ? "" : "");
}

static enum hv_err open_svg(struct hv_buf *b, double h)
{
    return hv_buf_appendf(b,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                          "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n"
                          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                          W_PX, h, W_PX, h);
}

enum hv_err hv_forecast_svg_fan(const struct hv_forecast_result *r, size_t i, const char *title,
                                struct hv_buf *out)
{
    struct hv_forecast_run_info ri;
    hv_forecast_run_info(r, &ri);
    struct hv_forecast_series_info si;
    hv_forecast_series(r, i, &si);
    int64_t *q = hv_xcalloc((size_t)ri.weeks * 3, sizeof(int64_t));
    for (int32_t w = 0; w < ri.weeks; w++)
        hv_forecast_beds(r, i, w, &q[w * 3]);
    enum hv_err err = open_svg(out, H_PX);
    char ylabel[96];
    snprintf(ylabel, sizeof(ylabel), "beds in use, weekly peak (%u runs)", ri.reps);
    if (err == HV_OK)
        err = fan(out, 0, title, ylabel, ri.start_day, q, ri.weeks, si.capacity);
    free(q);
    if (err == HV_OK)
        err = hv_buf_appendz(out, "</svg>\n");
    return err;
}

enum hv_err hv_forecast_svg_clearance(const struct hv_forecast_result *r, const char *title,
                                      struct hv_buf *out)
{
    struct hv_forecast_run_info ri;
    hv_forecast_run_info(r, &ri);
    size_t stride;
    const int32_t *days = hv__forecast_clear_days(r, 0, &stride);
    int32_t nb = ri.weeks + 1; /* last bin: not cleared by the horizon */
    int64_t *bins = hv_xcalloc((size_t)nb, sizeof(int64_t));
    int64_t most = 1;
    for (uint32_t k = 0; k < ri.reps; k++) {
        int32_t d = days[(size_t)k * stride];
        int32_t bin = d < 0 ? nb - 1 : d / 7 < ri.weeks ? d / 7 : ri.weeks - 1;
        if (++bins[bin] > most)
            most = bins[bin];
    }
    enum hv_err err = open_svg(out, 2 * H_PX);
    struct frame f = { LEFT, TOP, W_PX - LEFT - RIGHT, H_PX - TOP - BOTTOM, 1, nb };
    f.ymax = (double)most * 1.1;
    double step = nice_step(f.ymax, 5);
    f.ymax = ceil(f.ymax / step) * step;
    if (err == HV_OK)
        err = axes(out, &f, ri.start_day, title, "replications", "week the last family left");
    double bw = f.w / nb;
    for (int32_t i = 0; i < nb && err == HV_OK; i++) {
        if (bins[i] == 0)
            continue;
        double x = f.x0 + (f.n > 1 ? (double)i / (f.n - 1) : 0.5) * f.w - bw / 2;
        err = hv_buf_appendf(out,
                             "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                             "fill=\"%s\"/>\n",
                             x, py(&f, (double)bins[i]), bw * 0.9,
                             f.y0 + f.h - py(&f, (double)bins[i]),
                             i == nb - 1 ? "#cb181d" : "#3182bd");
    }
    if (err == HV_OK && bins[nb - 1] > 0)
        err = hv_buf_appendf(out,
                             "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#cb181d\" "
                             "text-anchor=\"end\">not cleared by the horizon: %lld</text>\n",
                             f.x0 + f.w, f.y0 - 8, (long long)bins[nb - 1]);
    free(bins);
    int64_t *q = hv_xcalloc((size_t)ri.weeks * 3, sizeof(int64_t));
    for (int32_t w = 0; w < ri.weeks; w++)
        hv_forecast_over_clock(r, w, &q[w * 3]);
    double stat;
    (void)hv__forecast_result_name(r, &stat);
    char t2[128];
    snprintf(t2, sizeof(t2), "Cases over the %.0f-day statutory clock, not yet travelled", stat);
    if (err == HV_OK)
        err = fan(out, H_PX, t2, "cases at week end", ri.start_day, q, ri.weeks, -1);
    free(q);
    if (err == HV_OK)
        err = hv_buf_appendz(out, "</svg>\n");
    return err;
}
