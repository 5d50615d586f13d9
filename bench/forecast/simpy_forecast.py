#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""simpy_forecast.py - the peer of bench_forecast: the same forecast model (the JSON written by
`haven forecast model` / hv_forecast_model_write_json) simulated with SimPy 2.3's classic
process API (Debian's python3-simpy: `SimPy.Simulation`). Every case is a SimPy Process; flows,
capacity windows, weekly slots, registrations, planned arrivals and maximum stays are Processes
too. The rules are those of docs/internals/FORECAST.md, line for line with src/lib/forecast/
engine.c; the random streams differ (Python's random), so results agree statistically.

usage: /usr/bin/python3 simpy_forecast.py MODEL.json REPS [SEED]
prints: reps=, seconds=, reps_per_s=, cpu_seconds= and the means the C bench compares
(travelled, moved into host sites, peak beds of all host sites, UZ clearance day)."""
import json
import math
import random
import sys
import time
from collections import deque

from SimPy.Simulation import Process, Simulation, hold, passivate

OPEN, RESTRICTED, CLOSED = 1, 2, 3


class Run:
    def __init__(self, m, seed, rep):
        self.m = m
        self.rng = random.Random(seed * 1000003 + rep)
        self.sim = Simulation()
        self.sim.initialize()
        self.horizon = m["horizon"]
        self.weeks = m["weeks"]
        self.steps = m["steps"]
        nc, ns = len(m["countries"]), len(m["sites"])
        self.nc, self.ns = nc, ns
        self.n_series = 1 + nc + ns
        self.occ = [0] * self.n_series
        self.beds = [[0] * self.weeks for _ in range(self.n_series)]
        self.last_week = [0] * self.n_series
        self.zero_t = [0.0] * self.n_series
        self.had = [False] * self.n_series
        self.people = [0] * nc
        self.travelled = 0
        self.moved = 0
        self.over0 = 0
        self.over_new = [0] * self.weeks
        self.over_leave = [0] * self.weeks
        self.pool = deque()
        self.gates = [Gate(self, i) for i in range(len(self.steps))]
        self.cases = []

    # --- distributions -------------------------------------------------------------------
    def draw(self, st):
        k = st["dist"]
        if k == "fixed":
            return st["a"]
        if k == "exp":
            return self.rng.expovariate(1.0 / st["a"])
        if k == "lognormal":
            return math.exp(st["a"] + st["b"] * self.rng.gauss(0.0, 1.0))
        s = st["samples"]
        x = self.rng.random() * (len(s) - 1)
        i = int(x)
        if i + 1 >= len(s):
            return s[-1]
        return s[i] + (x - i) * (s[i + 1] - s[i])

    def residual(self, st, el):
        k = st["dist"]
        if k == "fixed":
            return max(st["a"] - el, 0.0)
        if k == "exp":
            return self.draw(st)
        if k == "lognormal":
            for _ in range(32):
                x = self.draw(st)
                if x > el:
                    return x - el
            return 7 * self.rng.random()
        s = st["samples"]
        lo, hi = 0, len(s)
        while lo < hi:
            mid = (lo + hi) // 2
            if s[mid] > el:
                hi = mid
            else:
                lo = mid + 1
        if lo == len(s):
            return 7 * self.rng.random()
        k = min(lo + int(self.rng.random() * (len(s) - lo)), len(s) - 1)
        return s[k] - el

    # --- occupancy -------------------------------------------------------------------------
    def week_of(self, t):
        return min(int(t / 7.0), self.weeks - 1)

    def occ_series(self, s, delta, t):
        w = self.week_of(t)
        b = self.beds[s]
        for k in range(self.last_week[s] + 1, w + 1):
            b[k] = self.occ[s]
        self.last_week[s] = w
        self.occ[s] += delta
        if self.occ[s] > b[w]:
            b[w] = self.occ[s]
        if delta > 0:
            self.had[s] = True
        if self.occ[s] == 0:
            self.zero_t[s] = t

    def occ_change(self, site, delta, t):
        c = self.m["sites"][site]["country"]
        self.occ_series(0, delta, t)
        self.occ_series(1 + c, delta, t)
        self.occ_series(1 + self.nc + site, delta, t)

    def arrive_at(self, case, site, t):
        co = self.m["countries"][self.m["sites"][site]["country"]]
        case.site = site
        case.stay_start = t
        self.moved += 1
        self.people[self.m["sites"][site]["country"]] += case.people
        self.occ_change(site, 1, t)
        if co["max_stay"]:
            Timer(self, self.leave, case, t + co["max_stay"])

    def leave(self, case):
        if case.site < 0:
            return
        t = self.sim.now()
        self.people[self.m["sites"][case.site]["country"]] -= case.people
        self.occ_change(case.site, -1, t)
        case.site = -2

    def travel(self, case, t):
        case.done = True
        if case.over:
            self.over_leave[self.week_of(t)] += 1
        self.leave(case)
        self.travelled += 1

    def gov_exit(self, case, t):
        if not self.steps[case.step]["gov"]:
            return
        old = case.gov
        now = old + (t - case.t_enter)
        lim = self.m["statutory"]
        if not case.over and now > lim:
            case.over = True
            x = case.t_enter + (lim - old)
            self.over_new[self.week_of(max(x, 0.0))] += 1
        case.gov = now

    def pick_site(self, country):
        best, best_free = -1, None
        for s, site in enumerate(self.m["sites"]):
            if site["country"] != country:
                continue
            free = site["capacity"] - self.occ[1 + self.nc + s]
            if best_free is None or free > best_free:
                best, best_free = s, free
        if best >= 0 and best_free <= 0 and not self.m["countries"][country]["overflow"]:
            return -1
        return best


class Gate:
    """Capacity of one step: servers, weekly slots, windows; FIFO queue of waiting cases."""

    def __init__(self, run, i):
        self.run, self.i = run, i
        st = run.steps[i]
        self.servers, self.per_week = st["servers"], st["per_week"]
        self.busy = 0
        self.queue = deque()
        self.update(0.0)
        self.slots = math.floor(self.per_week * self.factor + 0.5)

    def update(self, t):
        f = 1.0
        for w in self.run.m["windows"]:
            to = w["to"] if w["to"] is not None else math.inf
            if w["step"] == self.i and w["from"] <= t < to:
                f *= w["factor"]
        self.factor = f
        self.cap_now = math.floor(self.servers * f + 0.5)

    def can_start(self):
        if self.factor <= 0:
            return False
        if self.servers > 0 and self.busy >= self.cap_now:
            return False
        if self.per_week > 0 and self.slots <= 0:
            return False
        return True

    def start(self):
        self.busy += 1
        if self.per_week > 0:
            self.slots -= 1

    def drain(self):
        sim = self.run.sim
        while self.queue and self.can_start():
            c = self.queue.popleft()
            self.start()
            sim.reactivate(c)


class Case(Process):
    def __init__(self, run, step, people):
        Process.__init__(self, sim=run.sim)
        self.run = run
        self.step, self.people = step, people
        self.site, self.stay_start = -1, 0.0
        self.t_enter, self.gov = 0.0, 0.0
        self.done = self.over = self.pooled = False

    def enter(self, s, t):
        run = self.run
        self.step, self.t_enter = s, t
        if run.steps[s]["terminal"]:
            run.travel(self, t)
            return False
        ms = run.m["evac_min_step"]
        if ms >= 0 and self.site == -1 and not self.pooled and s >= ms:
            self.pooled = True
            run.pool.append(self)
        return True

    def life(self, first=None, enter_at=None):
        run, sim = self.run, self.sim
        if enter_at is not None:
            yield hold, self, enter_at
            if not self.enter(self.step, sim.now()):
                return
            first = None
        while True:
            s = self.step
            st, g = run.steps[s], run.gates[s]
            if first is not None:
                d, first = first, None
            else:
                if g.queue or not g.can_start():
                    g.queue.append(self)
                    yield passivate, self  # the gate has started us
                else:
                    g.start()
                d = run.draw(st)
                if g.servers == 0 and g.per_week == 0 and g.factor != 1:
                    d /= g.factor
            yield hold, self, d
            t = sim.now()
            g.busy -= 1
            run.gov_exit(self, t)
            g.drain()
            nxt = st["next"][0]
            if len(st["next"]) > 1:
                u = run.rng.random()
                for k, c in enumerate(st["next_cum"]):
                    if u < c or k + 1 == len(st["next"]):
                        nxt = st["next"][k]
                        break
            if not self.enter(nxt, t):
                return


class Timer(Process):
    def __init__(self, run, fn, arg, at):
        Process.__init__(self, sim=run.sim)
        if at < run.horizon:
            run.sim.activate(self, self.go(fn, arg, at - run.sim.now()))

    def go(self, fn, arg, delay):
        yield hold, self, max(delay, 0.0)
        fn(arg)


class Flow(Process):
    def go(self, run, f):
        t = f["from"] if f["from"] >= 0 else f["from"] + math.ceil(-f["from"])
        to = f["to"] if f["to"] is not None else math.inf
        if t >= to:
            return
        yield hold, self, t
        acc = 0.0
        co = run.m["countries"][f["country"]]
        while True:
            acc += f["per_week"] / 7.0
            k = math.floor(acc + 1e-9)
            acc -= k
            self.tick(run, f, co, k)
            if not (self.sim.now() + 1 < to and self.sim.now() + 1 < run.horizon):
                return
            yield hold, self, 1.0

    def tick(self, run, f, co, k):
        t = self.sim.now()
        if f["crossing"] >= 0:
            x = run.m["crossings"][f["crossing"]]
            st = 0
            for tt, s in zip(x["t"], x["status"]):
                if tt <= t:
                    st = s
            if st != OPEN and not (st == RESTRICTED and f["restricted_ok"]):
                return
        for _ in range(k):
            while run.pool and (run.pool[0].site != -1 or run.pool[0].done):
                run.pool.popleft()
            if not run.pool:
                return
            c = run.pool[0]
            if co["quota"] > 0 and run.people[f["country"]] + c.people > co["quota"]:
                return
            site = run.pick_site(f["country"])
            if site < 0:
                return
            run.pool.popleft()
            run.arrive_at(c, site, t)


class Ticker(Process):
    def go(self, run, fn, times):
        last = 0.0
        for t in times:
            yield hold, self, t - last
            last = t
            fn(t)


class Registrar(Process):
    def go(self, run, m):
        t = max(m["reg_from"], 0.0)
        to = m["reg_to"] if m["reg_to"] is not None else math.inf
        rate = m["reg_per_week"] / 7.0
        yield hold, self, t + run.rng.expovariate(rate)
        while True:
            now = self.sim.now()
            nxt = now + run.rng.expovariate(rate)
            people = 1 + poisson(run.rng, m["reg_people"] - 1)
            c = Case(run, 0, people)
            if c.enter(0, now):
                run.sim.activate(c, c.life())
            if nxt >= to:
                return
            yield hold, self, nxt - now


def poisson(rng, mean):
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, int(mean + math.sqrt(mean) * rng.gauss(0, 1) + 0.5))
    lim, p, k = math.exp(-mean), 1.0, 0
    while True:
        k += 1
        p *= rng.random()
        if p <= lim:
            return k - 1


def replicate(m, seed, rep):
    run = Run(m, seed, rep)
    sim = run.sim
    cs = m["cases"]
    n = len(cs["step"])
    order = []
    for i in range(n):
        step, site = cs["step"][i], cs["site"][i]
        c = Case(run, step, cs["people"][i])
        run.cases.append(c)
        arrive, asite = cs["arrive"][i], cs["arrive_site"][i]
        if arrive > 0 and asite < 0:
            if arrive < run.horizon:
                sim.activate(c, c.life(enter_at=arrive))
            continue
        if asite >= 0:
            Timer(run, lambda case, s=asite: (case.site == -1 and not case.done) and
                  run.arrive_at(case, s, sim.now()), c, arrive)
        if site >= 0:
            co = m["countries"][m["sites"][site]["country"]]
            c.site, c.stay_start = site, cs["stay_start"][i]
            run.people[m["sites"][site]["country"]] += c.people
            run.occ_change(site, 1, 0.0)
            if co["max_stay"]:
                Timer(run, run.leave, c, max(c.stay_start + co["max_stay"], 0.0))
        st = m["steps"][step]
        c.t_enter = -cs["elapsed"][i]
        c.gov = cs["gov_days"][i] - (cs["elapsed"][i] if st["gov"] else 0.0)
        if cs["gov_days"][i] > m["statutory"]:
            c.over = True
            run.over0 += 1
        if st["terminal"]:
            run.travel(c, 0.0)
            continue
        run.gates[step].busy += 1
        sim.activate(c, c.life(first=run.residual(st, cs["elapsed"][i])))
        ms = m["evac_min_step"]
        if ms >= 0 and site == -1 and asite < 0 and step >= ms:
            order.append(i)
    order.sort(key=lambda i: (-cs["step"][i], i))
    for i in order:
        run.cases[i].pooled = True
        run.pool.append(run.cases[i])
    for f in m["flows"]:
        fl = Flow(sim=sim)
        sim.activate(fl, fl.go(run, f))
    times = {}
    for w in m["windows"]:
        for t in (w["from"], w["to"]):
            if t is not None and 0 < t < run.horizon:
                times.setdefault(t, set()).add(w["step"])
    if times:
        def cap(t):
            for s in sorted(times[t]):
                run.gates[s].update(t)
                run.gates[s].drain()
        tk = Ticker(sim=sim)
        sim.activate(tk, tk.go(run, cap, sorted(times)))
    if any(s["per_week"] > 0 for s in m["steps"]):
        def week(t):
            for g in run.gates:
                if g.per_week > 0:
                    g.slots = math.floor(g.per_week * g.factor + 0.5)
                    g.drain()
        wk = Ticker(sim=sim)
        sim.activate(wk, wk.go(run, week, [7.0 * k for k in range(1, run.weeks + 1)
                                           if 7.0 * k < run.horizon]))
    if m["reg_per_week"] > 0 and (m["reg_to"] is None or m["reg_to"] > 0):
        rg = Registrar(sim=sim)
        sim.activate(rg, rg.go(run, m))
    sim.simulate(until=run.horizon - 1e-9)
    h = run.horizon
    for s in range(run.n_series):
        for k in range(run.last_week[s] + 1, run.weeks):
            run.beds[s][k] = run.occ[s]
    clear = [(-1 if run.occ[s] > 0 else (math.floor(run.zero_t[s]) if run.had[s] else 0))
             for s in range(run.n_series)]
    return run, clear, h


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 1
    m = json.load(open(sys.argv[1]))
    reps = int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    uz = next((i for i, c in enumerate(m["countries"]) if c["code"] == "UZ"), None)
    t0, c0 = time.perf_counter(), time.process_time()
    trav = moved = peak = 0.0
    uz_clear = []
    for r in range(reps):
        run, clear, _ = replicate(m, seed, r)
        trav += run.travelled
        moved += run.moved
        peak += max(run.beds[0])
        if uz is not None:
            uz_clear.append(clear[1 + uz])
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print("reps=%d seconds=%.3f reps_per_s=%.5f cpu_seconds=%.3f" % (reps, dt, reps / dt, cpu))
    print("mean_travelled=%.1f mean_moved=%.1f mean_peak_all=%.1f uz_clear_days=%s" %
          (trav / reps, moved / reps, peak / reps, ",".join(str(c) for c in uz_clear)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
