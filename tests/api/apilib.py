# SPDX-License-Identifier: Apache-2.0
"""Shared plumbing of the API tests: a fresh small database (a 300-case demo scenario plus the
small registry of tests/e2e/data/small, a synthetic watchlist with one hit, duplicate review
pairs), `haven serve` on a free loopback port with the demo users, and HTTP helpers.
Standard library only (http.client, socket, sqlite3)."""
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HAVEN = os.environ.get("HAVEN", "haven")
SRC = os.environ.get("HV_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
ROLES = ["registrar", "vetting", "site_manager", "planner", "auditor", "admin"]

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def check_eq(a, b, what):
    check(a == b, f"{what}: {a!r} != {b!r}")


def finish():
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


class Server:
    def __init__(self, extra_args=(), demo_cases=300):
        self.dir = tempfile.mkdtemp(prefix="hv_api_")
        self.db = os.path.join(self.dir, "h.db")
        self.haven("init")
        self.haven("demo", "--cases", str(demo_cases), "--quiet")
        self.haven("import", os.path.join(SRC, "tests", "e2e", "data", "small"))
        lst = os.path.join(self.dir, "list.csv")
        with open(lst, "w") as f:
            f.write("id,type,name,aliases,dob,nationality,sex,program\n"
                    "X-1,individual,Noorullah Stanekzai,Nurullah Stanikzay,1988,AF,M,test\n")
        self.haven("lists", "load", lst, "--list", "custom", "--name", "internal")
        self.haven("screen", "run")
        self.haven("dedup", "run", "--merge", "0.99", "--review", "0.05")  # some to review
        self.err_path = os.path.join(self.dir, "serve.err")
        self.proc = subprocess.Popen(
            [HAVEN, "--db", self.db, "serve", "--listen", "127.0.0.1:0", "--demo-users",
             *extra_args], stdout=subprocess.PIPE, stderr=open(self.err_path, "w"), text=True)
        self.url = None
        self.site = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if "listening on" in line:
                self.url = line.split("listening on", 1)[1].strip()
            if "(site " in line:
                self.site = line.split("(site ", 1)[1].rstrip(")\n ")
            if line.startswith("stop with"):
                break
        if self.url is None:
            raise RuntimeError("haven serve did not start: " + open(self.err_path).read())
        hostport = self.url.split("//", 1)[1].rstrip("/")
        self.host, self.port = hostport.split(":")[0], int(hostport.split(":")[1])
        self.tokens = {}

    def haven(self, *args, input=None, env=None):
        e = dict(os.environ)
        if env:
            e.update(env)
        r = subprocess.run([HAVEN, "--db", self.db, "--quiet", *args], capture_output=True,
                           text=True, input=input, env=e)
        if r.returncode != 0:
            raise RuntimeError(f"haven {' '.join(args)}: {r.returncode} {r.stderr}")
        return r.stdout

    def request(self, method, path, token=None, body=None, headers=None, raw=None):
        """Returns (status, parsed JSON or None, response headers)."""
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        text = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        try:
            js = json.loads(text) if text else None
        except ValueError:
            js = None
        return r.status, js, hdrs, text

    def get(self, path, token=None):
        s, js, _, _ = self.request("GET", path, token)
        return s, js

    def post(self, path, body, token=None):
        s, js, _, _ = self.request("POST", path, token, body=body)
        return s, js

    def login(self, role):
        if role not in self.tokens:
            s, js, _, _ = self.request("POST", "/api/v1/login",
                                       body={"username": role,
                                             "password": "haven-demo-" + role})
            if s != 200:
                raise RuntimeError(f"login {role}: {s} {js}")
            self.tokens[role] = js["token"]
        return self.tokens[role]

    def sql(self, query, args=()):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def audit(self, actor=None, action=None):
        q = "SELECT seq, actor, action, entity, entity_id, detail FROM audit_log WHERE 1=1"
        args = []
        if actor:
            q += " AND actor = ?"
            args.append(actor)
        if action:
            q += " AND action = ?"
            args.append(action)
        return self.sql(q + " ORDER BY seq", args)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        rc = self.proc.returncode
        check_eq(rc, 0, "haven serve exits cleanly on SIGTERM (no sanitizer report)")
        err = open(self.err_path).read()
        if err and (failed or rc != 0):
            print("haven serve stderr:\n" + err[-4000:], file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)
        return rc
