/* backend_cbc.c - the COIN-OR CBC backend (EPL-1.0) through its C interface: the same integer
 * programme as the export, solved with a time limit and the built-in engine's plan as the MIP
 * start. The only file that includes a CBC header.
 * SPDX-License-Identifier: Apache-2.0 */
#include "placement/placement_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <coin/Cbc_C_Interface.h>

enum hv_err hv__place_solve_cbc(const struct hv_place_model *m, const struct hv_place_params *p,
                                struct hv_place_result *r, struct hv_diag *diag)
{
    double t0 = hv__place_now();
    double limit = p->time_limit > 0 ? p->time_limit : 60;
    /* warm start from the built-in engine with a slice of the time */
    struct hv_place_params bp = *p;
    bp.time_limit = limit * 0.2;
    struct hv_place_result warm;
    memset(&warm, 0, sizeof(warm));
    enum hv_err err = hv__place_solve_builtin(m, &bp, &warm, diag);
    if (err != HV_OK)
        return err;

    /* rows: one "at most one site" row per family with two or more options, then capacities */
    size_t nc = m->n_col, nfr = 0;
    int *fam_row = hv_xmalloc((m->n_fam + 1) * sizeof(int));
    for (size_t f = 0; f < m->n_fam; f++) {
        fam_row[f] = m->fam_start[f + 1] - m->fam_start[f] >= 2 ? (int)nfr++ : -1;
    }
    size_t nrow = nfr + m->n_row;
    size_t nnz_max = nc * (HV_PLACE_MAX_NZ + 1);
    CoinBigIndex *start = hv_xmalloc((nc + 1) * sizeof(CoinBigIndex));
    int *index = hv_xmalloc((nnz_max + 1) * sizeof(int));
    double *value = hv_xmalloc((nnz_max + 1) * sizeof(double));
    double *collb = hv_xcalloc(nc + 1, sizeof(double));
    double *colub = hv_xmalloc((nc + 1) * sizeof(double));
    double *obj = hv_xmalloc((nc + 1) * sizeof(double));
    double *rowlb = hv_xmalloc((nrow + 1) * sizeof(double));
    double *rowub = hv_xmalloc((nrow + 1) * sizeof(double));
    size_t nz = 0;
    for (size_t j = 0; j < nc; j++) {
        start[j] = (CoinBigIndex)nz;
        colub[j] = 1;
        obj[j] = m->col_value[j];
        int fr = fam_row[m->col_fam[j]];
        if (fr >= 0) {
            index[nz] = fr;
            value[nz++] = 1;
        }
        for (size_t k = 0; k < HV_PLACE_MAX_NZ; k++) {
            int32_t row = m->col_row[j * HV_PLACE_MAX_NZ + k];
            if (row >= 0 && m->row_cap[row] >= 0) {
                index[nz] = (int)nfr + row;
                value[nz++] = m->col_coef[j * HV_PLACE_MAX_NZ + k];
            }
        }
    }
    start[nc] = (CoinBigIndex)nz;
    for (size_t i = 0; i < nrow; i++) {
        rowlb[i] = -1e30;
        if (i < nfr)
            rowub[i] = 1;
        else
            rowub[i] = m->row_cap[i - nfr] >= 0 ? m->row_cap[i - nfr] : 1e30;
    }
    Cbc_Model *cm = Cbc_newModel();
    Cbc_loadProblem(cm, (int)nc, (int)nrow, start, index, value, collb, colub, obj, rowlb, rowub);
    for (size_t j = 0; j < nc; j++)
        Cbc_setInteger(cm, (int)j);
    Cbc_setObjSense(cm, -1);
    Cbc_setLogLevel(cm, p->verbose ? 1 : 0);
    Cbc_setParameter(cm, "threads", "1");
    double left = limit - (hv__place_now() - t0);
    Cbc_setMaximumSeconds(cm, left > 1 ? left : 1);
    Cbc_setAllowableFractionGap(cm, p->gap > 0 ? p->gap : 1e-9);
    /* MIP start: the columns the warm plan uses */
    int *sidx = hv_xmalloc((m->n_fam + 1) * sizeof(int));
    double *sval = hv_xmalloc((m->n_fam + 1) * sizeof(double));
    int ns = 0;
    for (size_t f = 0; f < m->n_fam; f++) {
        if (warm.assign[f] >= 0) {
            sidx[ns] = warm.assign[f];
            sval[ns++] = 1;
        }
    }
    Cbc_setMIPStartI(cm, ns, sidx, sval);
    Cbc_solve(cm);

    r->assign = hv_xmalloc((m->n_fam + 1) * sizeof(int32_t));
    r->row_dual = warm.row_dual; /* CBC gives no duals for a MIP: the LP prices */
    warm.row_dual = NULL;
    r->backend = "cbc";
    const double *x =
        Cbc_numberSavedSolutions(cm) > 0 || Cbc_isProvenOptimal(cm) ? Cbc_getColSolution(cm) : NULL;
    bool used_cbc = false;
    if (x != NULL) {
        for (size_t f = 0; f < m->n_fam; f++)
            r->assign[f] = -1;
        for (size_t j = 0; j < nc; j++) {
            if (x[j] > 0.5)
                r->assign[m->col_fam[j]] = (int32_t)j;
        }
        double o = 0;
        struct hv_diag d2;
        hv_diag_clear(&d2);
        if (hv_place_verify(m, r->assign, &o, &d2) == HV_OK && o >= warm.objective - 1e-6) {
            r->objective = o;
            used_cbc = true;
        }
    }
    if (!used_cbc) {
        memcpy(r->assign, warm.assign, m->n_fam * sizeof(int32_t));
        r->objective = warm.objective;
    }
    double bb = Cbc_getBestPossibleObjValue(cm);
    r->optimal = Cbc_isProvenOptimal(cm) != 0;
    r->bound = warm.bound;
    if (r->optimal)
        r->bound = r->objective;
    else if (isfinite(bb) && bb < r->bound && bb >= r->objective - 1e-6)
        r->bound = bb;
    double dd = r->bound - r->objective;
    r->gap = dd <= 0 ? 0 : dd / (fabs(r->bound) > 1 ? fabs(r->bound) : 1);
    r->t_first = warm.t_first;
    r->n_fractional = warm.n_fractional;
    r->n_placed = 0;
    for (size_t f = 0; f < m->n_fam; f++)
        r->n_placed += r->assign[f] >= 0;
    r->t_total = hv__place_now() - t0;
    Cbc_deleteModel(cm);
    hv_place_result_finish(&warm);
    free(fam_row);
    free(start);
    free(index);
    free(value);
    free(collb);
    free(colub);
    free(obj);
    free(rowlb);
    free(rowub);
    free(sidx);
    free(sval);
    return HV_OK;
}
