# SPDX-License-Identifier: Apache-2.0
"""Security: malformed HTTP, oversized bodies, invalid JSON and UTF-8, SQL-injection strings in
every text field and parameter, path traversal on static files - each answered with the right
status, never a 500, and nothing in the database changed."""
import os
import socket
import tempfile

from apilib import Server, check, check_eq, finish

web = tempfile.mkdtemp(prefix="hv_web_")
with open(os.path.join(web, "index.html"), "w") as f:
    f.write("<!doctype html><title>t</title>")
os.makedirs(os.path.join(web, "js"))
with open(os.path.join(web, "js", "app.js"), "w") as f:
    f.write("console.log('ok');\n")
os.symlink("/etc/passwd", os.path.join(web, "js", "escape.txt"))
secret = os.path.join(os.path.dirname(web), "hv_secret_" + os.path.basename(web) + ".txt")
with open(secret, "w") as f:
    f.write("TOP-SECRET\n")

srv = Server(extra_args=("--web", web))


def raw(data, read=65536):
    s = socket.create_connection((srv.host, srv.port), timeout=20)
    try:
        s.sendall(data)
        out = b""
        while len(out) < read:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out and (b"Content-Length: 0" in out or out.endswith(b"}")):
                break
        return out
    except (ConnectionResetError, BrokenPipeError):
        return b""
    finally:
        s.close()


def status_of(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def counts():
    """Row counts of every table that a refused request must not change, and the schema."""
    tables = [r[0] for r in srv.sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    skip = {"audit_log", "audit_head", "access_token", "access_user"}
    out = {t: srv.sql(f'SELECT count(*) FROM "{t}"')[0][0] for t in tables if t not in skip}
    out["_schema"] = srv.sql("SELECT group_concat(sql, ';') FROM sqlite_master")[0][0]
    out["_cases"] = srv.sql("SELECT group_concat(step || status, ',') FROM hv_case")[0][0]
    return out


try:
    reg, vet, pln, adm = (srv.login(r) for r in ("registrar", "vetting", "planner", "admin"))
    before = counts()

    # Security headers on every answer.
    st, _, hdr, body = srv.request("GET", "/")
    check(st == 200 and b"<title>t</title>" in body, "index.html served")
    check(hdr.get("x-content-type-options") == "nosniff" and "frame-ancestors" in
          hdr.get("content-security-policy", ""), "security headers")

    # Malformed HTTP.
    for req in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/1.1\r\nNoColonHeader\r\n\r\n",
                b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"):
        resp = raw(req)
        st = status_of(resp)
        check(resp == b"" or 400 <= st < 500 or st == 505,
              f"malformed request {req[:30]!r} answered 4xx or closed: {resp[:60]!r}")
    resp = raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
    st = status_of(resp)
    check(resp == b"" or st in (400, 413, 414, 431), f"huge header refused: {resp[:40]!r}")
    st, js, _, _ = srv.request("DELETE", "/api/v1/cases", reg)
    check_eq(st, 405, "unknown method on a known path")
    st, js, _, _ = srv.request("GET", "/api/v1/nope", reg)
    check_eq(st, 404, "unknown endpoint")

    # Oversized bodies: 413 before and while reading.
    big = b'{"username":"' + b"a" * 70000 + b'","password":"x"}'
    st, js, _, _ = srv.request("POST", "/api/v1/login", raw=big)
    check_eq(st, 413, "oversized body with Content-Length")
    check(js is not None and js["error"]["code"] == "too_large", "413 has the stable code")
    chunked = (b"POST /api/v1/cases/T-0001/hold HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
               reg.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
    for _ in range(20):
        chunked += b"1000\r\n" + b"x" * 4096 + b"\r\n"
    chunked += b"0\r\n\r\n"
    check_eq(status_of(raw(chunked)), 413, "oversized chunked body")

    # Invalid JSON and invalid UTF-8.
    for body in (b'{"username": ', b"[1,2]", b'{"username":"a","username":"b","password":"x"}',
                 b'{"username":"\xff\xfe","password":"12345678"}',
                 b'{"username":"a\\u0000b","password":"12345678"}',
                 b'{"username":1,"password":"12345678"}', b"\xef\xbb\xbf{}", b"null",
                 b'{"username":"a","password":"12345678","extra":true}'):
        st, js, _, _ = srv.request("POST", "/api/v1/login", raw=body)
        check(st == 400 and js["error"]["code"] == "invalid",
              f"invalid JSON {body[:40]!r}: {st} {js}")
    st, js, _, _ = srv.request("POST", "/api/v1/cases/T-0001/advance", reg,
                               raw=b'{"note":"\xc3\x28"}')
    check_eq(st, 400, "invalid UTF-8 in a note")
    st, js, _, _ = srv.request("GET", "/api/v1/cases?q=%ff%fe", reg)
    check_eq(st, 400, "invalid UTF-8 in a query parameter")
    st, js, _, _ = srv.request("GET", "/api/v1/cases/T-0001%00", reg)
    check_eq(st, 400, "NUL in a path id")

    # SQL injection in every text field and parameter: bound parameters, nothing changes.
    inj = ["' OR '1'='1", "'; DROP TABLE hv_case; --", "\" OR 1=1 --",
           "T-0001' UNION SELECT sql FROM sqlite_master --", "%' OR 1=1 --", "1; DELETE FROM person"]
    posts = [
        ("/api/v1/login", lambda v: {"username": v, "password": v + "12345678"}, None),
        ("/api/v1/cases/{v}/advance", lambda v: {"to": v, "note": v, "evidence": [v]}, reg),
        ("/api/v1/cases/{v}/hold", lambda v: {"reason": v}, reg),
        ("/api/v1/cases/{v}/release", lambda v: {}, reg),
        ("/api/v1/dedup/pairs/{v}/decision", lambda v: {"decision": v, "reason": v}, vet),
        ("/api/v1/hits/{v}/decision", lambda v: {"decision": v, "reason": v}, vet),
        ("/api/v1/sites/{v}/checkin", lambda v: {"case_id": v, "reason": v}, adm),
        ("/api/v1/sites/{v}/checkout", lambda v: {"case_id": v}, adm),
        ("/api/v1/crossings/{v}/status",
         lambda v: {"status": v, "note": v, "source": v, "at": v}, pln),
        ("/api/v1/movements",
         lambda v: {"case_id": v, "site_id": v, "crossings": [v], "date": v, "reason": v}, pln),
        ("/api/v1/placement/plans", lambda v: {"date": v}, pln),
        ("/api/v1/placement/plans/{v}/reject", lambda v: {"reason": v}, pln),
        ("/api/v1/placement/plans/{v}/accept", lambda v: {}, pln),
        ("/api/v1/forecasts", lambda v: {"scenario": v}, pln),
    ]
    gets = ["/api/v1/cases?q={q}", "/api/v1/cases?doc={q}", "/api/v1/cases?step={q}&status={q}",
            "/api/v1/cases?site={q}", "/api/v1/cases/{q}", "/api/v1/people/{q}",
            "/api/v1/dedup/pairs?status={q}", "/api/v1/dedup/pairs/{q}", "/api/v1/hits/{q}",
            "/api/v1/hits?status={q}", "/api/v1/sites/{q}", "/api/v1/occupancy?date={q}",
            "/api/v1/crossings/{q}/history", "/api/v1/movements?status={q}",
            "/api/v1/audit?actor={q}&action={q}", "/api/v1/placement/plans/{q}",
            "/api/v1/forecasts/{q}"]
    from urllib.parse import quote
    n = 0
    for v in inj:
        q = quote(v, safe="")
        for path, body, tok in posts:
            st, js, _, _ = srv.request("POST", path.replace("{v}", q), tok, body=body(v))
            check(st in (400, 401, 403, 404, 409),
                  f"injection {v!r} into POST {path}: {st} {js}")
            n += 1
        for path in gets:
            st, js, _, _ = srv.request("GET", path.replace("{q}", q), adm)
            check(st in (200, 400, 403, 404), f"injection {v!r} into GET {path}: {st}")
            if st == 200 and "items" in (js or {}) and "cases?" in path:
                check(len(js["items"]) == 0, f"injection {v!r} into {path} matches nothing")
            n += 1
    check(n > 100, "injection strings tried everywhere")
    check_eq(counts(), before, "nothing changed in the database")
    check(srv.sql("SELECT count(*) FROM hv_case")[0][0] > 0, "cases still there")

    # Path traversal on static files.
    for p in ("/static/../h.db", "/static/%2e%2e/%2e%2e/etc/passwd",
              "/static/..%2f..%2fetc%2fpasswd", "/static/%252e%252e%252fetc%252fpasswd",
              "/static/js/../../" + os.path.basename(secret), "/static/.%2e/x",
              "/static/..\\..\\etc\\passwd", "/static/js/escape.txt", "/static//etc/passwd",
              "/static/js/%00app.js", "/static/" + "%2e%2e/" * 12 + "etc/passwd", "/static/js"):
        resp = raw(f"GET {p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        check(status_of(resp) in (400, 404) and b"root:" not in resp and b"TOP-SECRET" not in
              resp, f"traversal {p}: {resp[:50]!r}")
    st, _, _, body = srv.request("GET", "/static/js/app.js")
    check(st == 200 and b"console.log" in body, "a real static file is served")
    st, _, _, _ = srv.request("POST", "/static/js/app.js", raw=b"x")
    check_eq(st, 405, "static files are read-only")
finally:
    srv.stop()
    os.unlink(secret)
    import shutil
    shutil.rmtree(web, ignore_errors=True)
finish()
