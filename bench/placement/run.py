#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""bench/placement: Haven's built-in placement engine against glpsol (GLPK), cbc (COIN-OR) and
HiGHS (scipy.optimize.milp) on the same exported model, each a separate single-threaded
process with the same time limit. Every answer goes through the independent checker
(bench/placement/check). Prints, per solver and size: time to the first plan, time to the
goal gap, objective, gap to the best bound any solver proved, peak RSS; and our ratio to the
best peer (time to the goal gap).

usage: run.py --build BUILD_DIR [--sizes 200,1000,5000,20000] [--seed 1] [--work DIR]
              [--limits 200=20,1000=30,5000=60,20000=130] [--peers glpsol,cbc,highs]
Needs: glpk-utils (glpsol), coinor-cbc (cbc), python3-scipy (HiGHS) - bench only."""
import argparse
import os
import re
import selectors
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GOALS = {200: (0.005, 1.0), 1000: (0.002, 3.0), 5000: (0.002, 15.0), 20000: (0.005, 60.0)}


def run_traced(cmd, parse, env=None):
    """Runs cmd, stamps every output line on arrival, returns (events, rss_kib, lines, secs).
    parse(line) -> None or ("sol", value) / ("bound", value) in MAXIMISATION terms."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                         bufsize=0)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    events, lines, buf = [], [], b""
    while True:
        chunk = p.stdout.read1(65536) if hasattr(p.stdout, "read1") else os.read(
            p.stdout.fileno(), 65536)
        now = time.monotonic() - t0
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            s = line.decode("utf-8", "replace")
            lines.append(s)
            try:
                evs = parse(s) or []
            except ValueError:
                evs = []
            for ev in evs:
                events.append((now, ev[0], ev[1]))
    _, status, ru = os.wait4(p.pid, 0)
    return events, (ru.ru_maxrss, ru.ru_utime + ru.ru_stime), lines, time.monotonic() - t0


def f(x):
    return float(x)


def parse_ours(s):
    m = re.search(r"bound ([-\d.e+]+) plan ([-\d.e+]+) gap", s)
    if m:
        return [("bound", f(m.group(1))), ("sol", f(m.group(2)))]
    m = re.search(r"objective=([-\d.]+) bound=([-\d.]+)", s)
    if m:
        return [("bound", f(m.group(2))), ("sol", f(m.group(1)))]
    return None


def parse_cbc(s):
    out = []
    m = re.search(r"Integer solution of ([-\d.e+]+) found", s)
    if m:
        out.append(("sol", -f(m.group(1))))
    m = re.search(r"best possible ([-\d.e+]+)", s)
    if m:
        out.append(("bound", -f(m.group(1))))
    m = re.search(r"^Lower bound:\s+([-\d.e+]+)", s)
    if m:
        out.append(("bound", -f(m.group(1))))
    m = re.search(r"^Objective value:\s+([-\d.e+]+)", s)
    if m:
        out.append(("sol", -f(m.group(1))))
    return out


def parse_glpk(s):
    m = re.search(r"(?:>>>>>|mip =)\s+([-\d.e+]+)\s+>=\s+([-\d.e+]+|-inf)", s)
    if m:
        out = [("sol", -f(m.group(1)))]
        if m.group(2) != "-inf":
            out.append(("bound", -f(m.group(2))))
        return out
    return None


def parse_highs(s):
    m = re.match(r"^\s*[A-Z]?\s+\d+\s+\d+\s+\d+\s+[\d.]+%\s+(\S+)\s+(\S+)\s+", s)
    if m:
        out = []
        if m.group(1) not in ("inf", "-inf"):
            out.append(("bound", -f(m.group(1))))
        if m.group(2) not in ("inf", "-inf"):
            out.append(("sol", -f(m.group(2))))
        return out
    m = re.match(r"^\s*Dual bound\s+([-\d.e+]+)", s)
    if m:
        return [("bound", -f(m.group(1)))]
    return None


def mps_columns(path):
    cols, seen, section = [], set(), None
    with open(path) as fh:
        for line in fh:
            if line and not line[0].isspace():
                section = line.split()[0]
                continue
            if section == "COLUMNS":
                t = line.split()
                if len(t) >= 3 and t[1] == "'MARKER'":
                    continue
                if t and t[0] not in seen:
                    seen.add(t[0])
                    cols.append(t[0])
            elif section in ("RHS", "BOUNDS", "ENDATA"):
                if section != "COLUMNS" and cols:
                    pass
    return cols


def write_plan(inst, colmap, chosen, path):
    fams = []
    with open(inst) as fh:
        for line in fh:
            if line.startswith("family "):
                fams.append(line.split()[1])
    placed = {}
    for c in chosen:
        if c in colmap:
            fid, site, route = colmap[c]
            placed[fid] = (site, route)
    with open(path, "w") as out:
        out.write("haven-plan 1\n")
        for fid in fams:
            if fid in placed:
                out.write("assign %s %s %s\n" % (fid, placed[fid][0], placed[fid][1]))
            else:
                out.write("unplaced %s peer left it out\n" % fid)


def check(build, inst, plan):
    r = subprocess.run([os.path.join(build, "bench/placement/check"), inst, plan],
                       capture_output=True, text=True)
    m = re.search(r"objective=([-\d.]+)", r.stdout)
    return ("ok" if r.returncode == 0 else "INVALID"), (f(m.group(1)) if m else None), r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--sizes", default="200,1000,5000,20000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/haven-bench-placement")
    ap.add_argument("--limits", default="200=20,1000=30,5000=60,20000=130")
    ap.add_argument("--peers", default="glpsol,cbc,highs")
    a = ap.parse_args()
    limits = dict((int(k), float(v)) for k, v in (x.split("=") for x in a.limits.split(",")))
    peers = [p for p in a.peers.split(",") if p]
    for tool, pkg in (("glpsol", "glpk-utils"), ("cbc", "coinor-cbc")):
        if tool in peers and shutil.which(tool) is None:
            sys.exit("run.py: %s not found: apt-get install -y %s" % (tool, pkg))
    os.makedirs(a.work, exist_ok=True)
    bench = os.path.join(a.build, "bench_placement")
    print("bench/placement: seed %d, single thread, same time limit per size; figures taken on a"
          " shared machine (load: %s)" % (a.seed, open("/proc/loadavg").read().split()[0]))
    for n in [int(x) for x in a.sizes.split(",")]:
        goal_gap, goal_t = GOALS.get(n, (0.002, 60.0))
        limit = limits.get(n, 60.0)
        inst = os.path.join(a.work, "i%d.txt" % n)
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--families", str(n),
                        "--seed", str(a.seed), "--out", inst], check=True)
        mps, cmap = os.path.join(a.work, "m%d.mps" % n), os.path.join(a.work, "m%d.map" % n)
        subprocess.run([bench, inst, "--backend", "none", "--mps", mps, "--map", cmap],
                       check=True)
        colmap = {}
        with open(cmap) as fh:
            for line in fh:
                c, fid, site, route = line.split()
                colmap[c] = (fid, site, route)
        cols = mps_columns(mps)
        results = {}
        # ours
        plan = os.path.join(a.work, "ours%d.plan" % n)
        ev, rss, lines, secs = run_traced([bench, inst, "--time", str(limit), "--gap", "1e-4",
                                           "--plan", plan, "-v"], parse_ours)
        results["haven"] = (ev, rss, plan, secs)
        for peer in peers:
            sol = os.path.join(a.work, "%s%d.sol" % (peer, n))
            if peer == "glpsol":
                cmd = ["stdbuf", "-oL", "glpsol", "--freemps", mps, "--min", "--tmlim",
                       str(int(limit)), "-w", sol]
                parse = parse_glpk
            elif peer == "cbc":
                cmd = ["stdbuf", "-oL", "cbc", mps, "-threads", "1", "-timeMode", "elapsed", "-sec", str(limit),
                       "-solve", "-solu", sol]
                parse = parse_cbc
            else:
                cmd = ["/usr/bin/python3", "-u", os.path.join(HERE, "highs_peer.py"), mps, sol,
                       str(limit)]
                parse = parse_highs
            if os.path.exists(sol):
                os.remove(sol)
            ev, rss, lines, secs = run_traced(cmd, parse)
            chosen = []
            if os.path.exists(sol):
                with open(sol) as fh:
                    for line in fh:
                        t = line.split()
                        if peer == "glpsol":
                            if len(t) >= 3 and t[0] == "j" and f(t[2]) > 0.5:
                                chosen.append(cols[int(t[1]) - 1])
                        elif peer == "cbc":
                            if len(t) >= 3 and t[1] in colmap and f(t[2]) > 0.5:
                                chosen.append(t[1])
                        elif len(t) == 2 and t[0] in colmap:
                            chosen.append(t[0])
            plan = os.path.join(a.work, "%s%d.plan" % (peer, n))
            write_plan(inst, colmap, chosen, plan) if chosen else None
            results[peer] = (ev, rss, plan if chosen else None, secs)
        # best bound: the tightest any solver proved (our LP bound included)
        bounds = [v for r in results.values() for (_, k, v) in r[0] if k == "bound"]
        best_bound = min(bounds) if bounds else float("nan")
        print("\n%d families: best bound %.2f; goal: within %.2f%% in <= %.0f s; limit %.0f s"
              % (n, best_bound, 100 * goal_gap, goal_t, limit))
        print("  %-7s %9s %11s %16s %10s %9s %8s %8s  %s" % (
            "solver", "1st plan", "to goal gap", "objective", "gap", "peak RSS", "wall", "cpu",
            "checker"))
        to_goal = {}
        for name, (ev, (rss, cpu), plan, secs) in results.items():
            sols = [(t, v) for (t, k, v) in ev if k == "sol"]
            first = sols[0][0] if sols else None
            tg = next((t for t, v in sols if (best_bound - v) / abs(best_bound) <= goal_gap),
                      None)
            to_goal[name] = tg
            status, obj = "no plan", None
            if plan is not None and os.path.exists(plan):
                status, obj, why = check(a.build, inst, plan)
                if status != "ok":
                    status += " " + why.strip().splitlines()[0] if why.strip() else ""
            gap = (best_bound - obj) / abs(best_bound) if obj is not None else None
            print("  %-7s %9s %11s %16s %10s %7.0f M %7.1fs %7.1fs  %s" % (
                name, "%.2fs" % first if first is not None else "-",
                "%.2fs" % tg if tg is not None else "not reached",
                "%.2f" % obj if obj is not None else "-",
                "%.4f%%" % (100 * gap) if gap is not None else "-", rss / 1024.0, secs, cpu,
                status))
        peer_t = [t for k, t in to_goal.items() if k != "haven" and t is not None]
        ours = to_goal.get("haven")
        if ours is None:
            print("  ratio: haven did not reach the goal gap within the limit")
        elif not peer_t:
            print("  ratio: no peer reached the goal gap within %.0f s; haven in %.2f s "
                  "(> %.1fx faster)" % (limit, ours, limit / max(ours, 1e-3)))
        else:
            print("  ratio: best peer %.2f s / haven %.2f s = %.1fx" % (
                min(peer_t), ours, min(peer_t) / max(ours, 1e-3)))
        print("  goal %s: haven %s within %.2f%% in <= %.0f s" % (
            "MET" if ours is not None and ours <= goal_t else "NOT MET",
            "%.2fs" % ours if ours is not None else "never", 100 * goal_gap, goal_t))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
