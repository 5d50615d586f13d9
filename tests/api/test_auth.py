# SPDX-License-Identifier: Apache-2.0
"""Authentication: sign-in, wrong passwords, lock-out with back-off, sessions by cookie (with
the CSRF header on changes) and by bearer token, logout, session fixation, expired and
revoked tokens, API tokens, disabled users - and `haven user`."""
import time

from apilib import Server, check, check_eq, finish

srv = Server(extra_args=("--session-ttl", "3"))
try:
    # Users from the CLI: the password comes on stdin, never argv.
    out = srv.haven("user", "add", "clerk1", "--role", "registrar", input="correct horse 1\n")
    check("added clerk1" in out or out == "", "user add")
    try:
        srv.haven("user", "add", "clerk1", "--role", "registrar", input="another pass\n")
        check(False, "a taken user name is refused")
    except RuntimeError as e:
        check("exists" in str(e), "a taken user name is refused with a reason")
    try:
        srv.haven("user", "add", "shorty", "--role", "registrar", input="short\n")
        check(False, "a short password is refused")
    except RuntimeError:
        check(True, "a short password is refused")
    try:
        srv.haven("user", "add", "sm2", "--role", "site_manager", input="long enough pw\n")
        check(False, "a site manager without a site is refused")
    except RuntimeError:
        check(True, "a site manager without a site is refused")
    hashes = srv.sql("SELECT pw_hash FROM access_user WHERE username = 'clerk1'")
    check(hashes and hashes[0][0].startswith("$argon2id$"), "passwords are stored as Argon2id")
    listing = srv.haven("user", "list", "--json")
    check('"clerk1"' in listing and "argon2" not in listing, "user list shows no hashes")

    # Sign in.
    st, js, hdr, _ = srv.request("POST", "/api/v1/login",
                                 body={"username": "clerk1", "password": "correct horse 1"})
    check_eq(st, 200, "login")
    token, csrf = js["token"], js["csrf"]
    check_eq(js["user"]["role"], "registrar", "login returns the role")
    cookie = hdr.get("set-cookie", "")
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie and token in cookie,
          "session cookie is HttpOnly, SameSite=Strict")
    stored = srv.sql("SELECT count(*) FROM access_token WHERE token_hash = ?", (token.encode(),))
    check_eq(stored[0][0], 0, "tokens are not stored in the clear")
    check(len(srv.audit(actor="clerk1", action="auth.login")) == 1, "login audited")

    # Wrong password: 401 with one message for unknown names and wrong passwords.
    st, js, _, _ = srv.request("POST", "/api/v1/login",
                               body={"username": "clerk1", "password": "wrong password"})
    check_eq(st, 401, "wrong password")
    st2, js2, _, _ = srv.request("POST", "/api/v1/login",
                                 body={"username": "nobody", "password": "wrong password"})
    check_eq(st2, 401, "unknown user")
    check_eq(js["error"]["message"], js2["error"]["message"], "no user enumeration")
    st, _, _, _ = srv.request("POST", "/api/v1/login", body={"username": "clerk1"})
    check_eq(st, 400, "login without a password is invalid")

    # Lock-out after 5 consecutive failures, even for the right password; audited.
    srv.haven("user", "add", "victim", "--role", "vetting", input="victim password\n")
    for i in range(5):
        st, _, _, _ = srv.request("POST", "/api/v1/login",
                                  body={"username": "victim", "password": f"guess {i}xx"})
    st, js, _, _ = srv.request("POST", "/api/v1/login",
                               body={"username": "victim", "password": "victim password"})
    check_eq(st, 429, "locked out after 5 failures")
    check("try again" in js["error"]["message"], "lock-out says when to retry")
    check(len(srv.audit(actor="victim", action="auth.fail")) == 5, "failures audited")
    check(len(srv.audit(actor="victim", action="auth.locked")) >= 1, "locked attempts audited")
    srv.haven("user", "passwd", "victim", input="victim password 2\n")
    st, _, _, _ = srv.request("POST", "/api/v1/login",
                              body={"username": "victim", "password": "victim password 2"})
    check_eq(st, 200, "passwd clears the lock-out")

    # Cookie sessions: reads work; changes need the CSRF header. (Sessions live 3 s here.)
    st, js, hdr, _ = srv.request("POST", "/api/v1/login",
                                 body={"username": "clerk1", "password": "correct horse 1"})
    token, csrf = js["token"], js["csrf"]
    ck = {"Cookie": f"hv_session={token}"}
    st, js, _, _ = srv.request("GET", "/api/v1/me", headers=ck)
    check_eq(st, 200, "me by cookie")
    check_eq(js["csrf"], csrf, "me returns the csrf value")
    st, _, _, _ = srv.request("POST", "/api/v1/cases/T-0001/hold", headers=ck, body={})
    check_eq(st, 403, "a cookie POST without X-Haven-CSRF is refused")
    st, _, _, _ = srv.request("POST", "/api/v1/cases/T-0001/hold",
                              headers={**ck, "X-Haven-CSRF": "not-the-value"}, body={})
    check_eq(st, 403, "a wrong CSRF value is refused")
    holds = srv.sql("SELECT count(*) FROM case_hold h JOIN hv_case c ON c.id = h.case_id "
                    "WHERE c.ref = 'T-0001' AND h.kind = 'manual'")[0][0]
    check_eq(holds, 0, "nothing changed by the refused requests")
    st, _, _, _ = srv.request("POST", "/api/v1/cases/T-0001/hold",
                              headers={**ck, "X-Haven-CSRF": csrf}, body={})
    check_eq(st, 200, "a cookie POST with the CSRF header works")
    st, _, _, _ = srv.request("POST", "/api/v1/cases/T-0001/release", token=token, body={})
    check_eq(st, 200, "bearer requests need no CSRF header")

    # Session fixation: a token chosen by an attacker is never adopted.
    fixed = "hvs_attackerchosenvalue0000000000000000000000"
    st, js, hdr, _ = srv.request("POST", "/api/v1/login",
                                 body={"username": "clerk1", "password": "correct horse 1"},
                                 headers={"Cookie": f"hv_session={fixed}"})
    check_eq(st, 200, "login with a planted cookie")
    check(js["token"] != fixed and fixed not in hdr.get("set-cookie", ""),
          "login issues a new token, not the planted one")
    st, _, _, _ = srv.request("GET", "/api/v1/me", headers={"Cookie": f"hv_session={fixed}"})
    check_eq(st, 401, "the planted token stays invalid")
    fresh = js["token"]

    # Logout revokes the token at once (the cache included).
    st, _, _, _ = srv.request("POST", "/api/v1/logout", token=fresh)
    check_eq(st, 200, "logout")
    st, _, _, _ = srv.request("GET", "/api/v1/me", token=fresh)
    check_eq(st, 401, "a logged-out token is refused")

    # Expired sessions (the server runs with --session-ttl 3).
    st, js, hdr, _ = srv.request("POST", "/api/v1/login",
                                 body={"username": "clerk1", "password": "correct horse 1"})
    token = js["token"]
    time.sleep(4)
    st, js, _, _ = srv.request("GET", "/api/v1/me", token=token)
    check_eq(st, 401, "an expired session is refused")
    check_eq(js["error"]["code"], "unauthenticated", "expired: stable code")

    # API tokens for partner systems, with their own expiry.
    api = srv.haven("user", "token", "clerk1", "--label", "partner", "--ttl", "5").strip()
    check(api.startswith("hvt_"), "API token issued")
    st, js = srv.get("/api/v1/me", api)
    check(st == 200 and js["api_token"] is True, f"API token works: {st} {js}")
    time.sleep(6)
    st, _ = srv.get("/api/v1/me", api)
    check_eq(st, 401, "an expired API token is refused")

    # Disabled users are out at once (the session cache re-checks the database).
    st, js, _, _ = srv.request("POST", "/api/v1/login",
                               body={"username": "clerk1", "password": "correct horse 1"})
    check_eq(st, 200, f"login again: {js}")
    t2 = js["token"]
    srv.haven("user", "disable", "clerk1")
    time.sleep(6)  # the session cache re-checks the database every 5 s
    st, _ = srv.get("/api/v1/me", t2)
    check_eq(st, 401, "a disabled user's session is refused")
    st, _, _, _ = srv.request("POST", "/api/v1/login",
                              body={"username": "clerk1", "password": "correct horse 1"})
    check_eq(st, 401, "a disabled user cannot sign in")
    check(srv.sql("SELECT count(*) FROM access_token t JOIN access_user u ON u.id = t.user_id "
                  "WHERE u.username = 'clerk1' AND t.revoked_at IS NULL")[0][0] == 0,
          "disable revokes every token in the database")

    # No session at all.
    for path in ("/api/v1/me", "/api/v1/cases", "/api/v1/audit"):
        st, js = srv.get(path)
        check_eq(st, 401, f"{path} without a session")
    st, js = srv.get("/api/v1/me", "hvs_" + "x" * 43)
    check_eq(st, 401, "an unknown token")
    st, js, _, _ = srv.request("GET", "/api/v1/me", headers={"Authorization": "Basic abc"})
    check_eq(st, 401, "a non-bearer authorization header")
finally:
    srv.stop()
finish()
