# SPDX-License-Identifier: Apache-2.0
"""The role x endpoint matrix. The route table (`haven serve --routes`) and the served OpenAPI
document must list the same endpoints with the same policy action; then every endpoint is
tried without a session (401) and as every role: a role the policy (x-haven-roles) does not
grant the action gets 403 and the refusal is audited; a role it grants never gets 401/403.
An endpoint that skipped the policy check would answer a refused role with something other
than 403, and fail here."""
import json
import subprocess

from apilib import HAVEN, ROLES, Server, check, check_eq, finish

routes = json.loads(subprocess.run([HAVEN, "serve", "--routes"], capture_output=True,
                                   text=True, check=True).stdout)
srv = Server()
try:
    s, doc = srv.get("/api/v1/openapi.json")
    check_eq(s, 200, "openapi.json is public")
    documented = {(m.upper(), p, op["x-haven-action"])
                  for p, ops in doc["paths"].items() for m, op in ops.items()}
    routed = {(r["method"], r["path"], r["action"]) for r in routes}
    check_eq(sorted(routed - documented), [], "routes missing from openapi.json")
    check_eq(sorted(documented - routed), [], "documented endpoints that are not routed")
    grants = {role: set(acts) for role, acts in doc["x-haven-roles"].items()}
    check_eq(sorted(grants), sorted(ROLES), "every role in the policy table")

    # Real ids so that granted roles reach the handler (and the site manager's own site).
    country = srv.sql("SELECT country FROM site WHERE ref = ?", (srv.site,))[0][0]
    case = srv.sql("SELECT ref FROM hv_case WHERE ';' || disclosure || ';' LIKE ? ORDER BY id "
                   "LIMIT 1", (f"%;{country};%",))[0][0]
    person = srv.sql("SELECT p.ref FROM person p JOIN hv_case c ON c.id = p.case_id "
                     "WHERE c.ref = ? ORDER BY p.id LIMIT 1", (case,))[0][0]
    crossing = srv.sql("SELECT ref FROM crossing ORDER BY id LIMIT 1")[0][0]
    hit = srv.sql("SELECT id FROM screening_hit ORDER BY id LIMIT 1")
    pair = srv.sql("SELECT id FROM match_pair ORDER BY id LIMIT 1")
    ids = {
        "/api/v1/cases/{id}": case, "/api/v1/people/{id}": person,
        "/api/v1/sites/{id}": srv.site, "/api/v1/crossings/{id}": crossing,
        "/api/v1/hits/{id}": str(hit[0][0]) if hit else "1",
        "/api/v1/dedup/pairs/{id}": str(pair[0][0]) if pair else "1",
        "/api/v1/placement/plans/{id}": "1",
        "/api/v1/forecasts/{id}": "1",
    }
    # The site manager's own scope: put the case (disclosed to the site's country) at their site so that case/person reads
    # are in scope (the out-of-scope refusal is tested in test_scope.py).
    s, _ = srv.post(f"/api/v1/sites/{srv.site}/checkin", {"case_id": case}, srv.login("admin"))
    check_eq(s, 200, "admin checks the first case in at the site manager's site")

    def concrete(path):
        for prefix, v in ids.items():
            if path.startswith(prefix):
                return v.join(path.split("{id}"))
        return path

    tried = 0
    for r in routes:
        method, path, action = r["method"], concrete(r["path"]), r["action"]
        if r["path"] in ("/api/v1/logout",):
            continue  # would end the shared sessions; covered by test_auth.py
        # Bodies with an unknown member: a granted role gets 400, so nothing changes.
        body = {"matrix_probe": 1} if method == "POST" else None
        if action != "public":
            st, js, _, _ = srv.request(method, path, body=body)
            check_eq(st, 401, f"{method} {path} without a session")
            check(js is not None and js.get("error", {}).get("code") == "unauthenticated",
                  f"{method} {path}: 401 body has the stable code")
        for role in ROLES:
            before = len(srv.audit(actor=role, action="access.deny"))
            st, js, _, _ = srv.request(method, path, srv.login(role), body=body)
            allowed = action in ("public", "self") or action in grants[role]
            if allowed:
                check(st not in (401, 403), f"{role} {method} {path} ({action}) allowed: {st} {js}")
            else:
                check_eq(st, 403, f"{role} {method} {path} ({action}) refused")
                check(js is not None and js["error"]["code"] == "forbidden",
                      f"{role} {method} {path}: 403 body has the stable code")
                after = len(srv.audit(actor=role, action="access.deny"))
                check_eq(after, before + 1, f"{role} {method} {path}: refusal audited")
            tried += 1
    check_eq(tried, (len(routes) - 1) * len(ROLES), "every route tried as every role")
    # Spot checks of the policy itself (DESIGN.md: who sees what).
    check("audit.read" in grants["auditor"] and "case.read" not in grants["auditor"],
          "auditors read the audit log and nothing else personal")
    check("hit.decide" in grants["vetting"] and "hit.decide" not in grants["registrar"],
          "vetting officers decide hits")
    check("user.admin" in grants["admin"] and all("user.admin" not in grants[r]
                                                  for r in ROLES if r != "admin"),
          "only admins manage users")
finally:
    srv.stop()
finish()
