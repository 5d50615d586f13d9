#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""HiGHS peer for bench/placement: reads a free MPS file (the one `haven place export --mps` or
bench_placement --mps writes), solves it with scipy.optimize.milp (HiGHS, single thread) under
a time limit, prints HiGHS's log and writes "name value" lines for the columns that are 1.

usage: highs_peer.py MODEL.mps SOLUTION.txt TIME_LIMIT"""
import sys

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_matrix


def read_mps(path):
    rows, rtype, cols, colidx = {}, [], [], {}
    obj_row = None
    data, ri, ci = [], [], []
    rhs = {}
    ub = {}
    integer = set()
    section = None
    in_int = False
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            if not line[0].isspace():
                section = line.split()[0]
                continue
            t = line.split()
            if section == "ROWS":
                if t[0] == "N":
                    obj_row = t[1]
                else:
                    rows[t[1]] = len(rtype)
                    rtype.append(t[0])
            elif section == "COLUMNS":
                if len(t) >= 3 and t[1] == "'MARKER'":
                    in_int = t[2] == "'INTORG'"
                    continue
                name = t[0]
                if name not in colidx:
                    colidx[name] = len(cols)
                    cols.append(name)
                j = colidx[name]
                if in_int:
                    integer.add(j)
                for k in range(1, len(t) - 1, 2):
                    r, v = t[k], float(t[k + 1])
                    if r == obj_row:
                        data.append(None)
                        ri.append(-1)
                        ci.append((j, v))
                    else:
                        data.append(v)
                        ri.append(rows[r])
                        ci.append(j)
            elif section == "RHS":
                for k in range(1, len(t) - 1, 2):
                    rhs[t[k]] = float(t[k + 1])
            elif section == "BOUNDS":
                if t[0] == "UP":
                    ub[colidx[t[2]]] = float(t[3])
    n = len(cols)
    c = np.zeros(n)
    vals, rr, cc = [], [], []
    for d, r, k in zip(data, ri, ci):
        if r < 0:
            c[k[0]] = k[1]
        else:
            vals.append(d)
            rr.append(r)
            cc.append(k)
    A = csc_matrix((vals, (rr, cc)), shape=(len(rtype), n))
    lo = np.full(len(rtype), -np.inf)
    hi = np.full(len(rtype), np.inf)
    for name, i in rows.items():
        b = rhs.get(name, 0.0)
        if rtype[i] == "L":
            hi[i] = b
        elif rtype[i] == "G":
            lo[i] = b
        else:
            lo[i] = hi[i] = b
    u = np.array([ub.get(j, np.inf) for j in range(n)])
    integ = np.array([1 if j in integer else 0 for j in range(n)])
    return cols, c, A, lo, hi, u, integ


def main():
    cols, c, A, lo, hi, u, integ = read_mps(sys.argv[1])
    res = milp(c, constraints=LinearConstraint(A, lo, hi), integrality=integ,
               bounds=Bounds(np.zeros(len(c)), u),
               options={"disp": True, "time_limit": float(sys.argv[3]), "presolve": True})
    sys.stdout.flush()
    with open(sys.argv[2], "w") as f:
        f.write("status %d\n" % res.status)
        if res.x is not None:
            f.write("objective %.6f\n" % res.fun)
            for name, v in zip(cols, res.x):
                if v > 0.5:
                    f.write("%s 1\n" % name)
    print("highs_peer: status %d %s" % (res.status, res.message), flush=True)


if __name__ == "__main__":
    main()
