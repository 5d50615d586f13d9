/* em.c - expectation-maximisation for the Fellegi-Sunter m probabilities and the match share
 * lambda over distinct comparison patterns, with u held fixed (sampled from random pairs) and
 * the m of the fields outside free_fields held fixed too.
 * SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity_int.h"

#include <math.h>
#include <string.h>

int hv__id_em(const struct hv__id_pattern *p, size_t n, double u[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS],
              double u2[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS],
              double m[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS], double *lambda, int max_iter,
              uint32_t free_fields)
{
    double lam = *lambda;
    int iter = 0;
    for (iter = 0; iter < max_iter; iter++) {
        double acc[HV_ID_N_FIELDS][HV_ID_MAX_LEVELS];
        double tot[HV_ID_N_FIELDS];
        memset(acc, 0, sizeof(acc));
        memset(tot, 0, sizeof(tot));
        double sum_r = 0, sum_n = 0;
        for (size_t i = 0; i < n; i++) {
            int8_t lv[HV_ID_N_FIELDS];
            hv__id_unpack(p[i].gamma, lv);
            /* Work in logs: twelve small factors underflow quickly. */
            double lm = log(lam), lu = log(1 - lam);
            double(*uu)[HV_ID_MAX_LEVELS] = lv[HV_ID_F_HOUSEHOLD] >= 0 ? u2 : u;
            for (int f = 0; f < HV_ID_N_FIELDS; f++) {
                if (lv[f] < 0)
                    continue;
                lm += log(m[f][lv[f]] > 1e-12 ? m[f][lv[f]] : 1e-12);
                lu += log(uu[f][lv[f]] > 1e-12 ? uu[f][lv[f]] : 1e-12);
            }
            double d = lu - lm;
            double r = d > 700 ? 0 : 1.0 / (1.0 + exp(d));
            double c = (double)p[i].count;
            sum_r += r * c;
            sum_n += c;
            for (int f = 0; f < HV_ID_N_FIELDS; f++) {
                if (lv[f] < 0)
                    continue;
                acc[f][lv[f]] += r * c;
                tot[f] += r * c;
            }
        }
        if (sum_n == 0)
            break;
        double delta = 0;
        for (int f = 0; f < HV_ID_N_FIELDS; f++) {
            if (tot[f] <= 0 || !(free_fields & (1u << f)))
                continue;
            int L = hv_id_field_levels((enum hv_id_field)f);
            for (int l = 0; l < L; l++) {
                double v = acc[f][l] / tot[f];
                if (v < 1e-6)
                    v = 1e-6;
                delta = fmax(delta, fabs(v - m[f][l]));
                m[f][l] = v;
            }
        }
        double nl = sum_r / sum_n;
        if (nl < 1e-7)
            nl = 1e-7;
        if (nl > 1 - 1e-7)
            nl = 1 - 1e-7;
        delta = fmax(delta, fabs(nl - lam));
        lam = nl;
        if (delta < 1e-6) {
            iter++;
            break;
        }
    }
    *lambda = lam;
    return iter;
}
