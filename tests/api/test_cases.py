# SPDX-License-Identifier: Apache-2.0
"""Cases and people through the API: search by a misspelled name and by document number,
filters and pagination, the case page with fields by role, site scope and disclosure lists,
pipeline moves and holds, and the audit chain holding an entry for every person read."""
from apilib import Server, check, check_eq, finish

srv = Server()
try:
    reg, vet, sm, pln, adm = (srv.login(r) for r in
                              ("registrar", "vetting", "site_manager", "planner", "admin"))

    # Search: the names engine finds a misspelled name; document numbers match exactly.
    s, js = srv.get("/api/v1/cases?q=Mohamad%20Naseer%20Ahmadzay", reg)
    check_eq(s, 200, "name search")
    check(js["items"] and js["items"][0]["id"] == "T-0001",
          f"misspelled name finds T-0001 first: {js['items'][:2]}")
    check_eq(js["items"][0]["principal_name"], "Mohammad Nasir Ahmadzai", "principal name")
    s, js = srv.get("/api/v1/cases?doc=P01234567", reg)
    check(s == 200 and [c["id"] for c in js["items"]] == ["T-0001"], "document number search")
    s, js = srv.get("/api/v1/cases?q=Zzyzx%20Qwerty", reg)
    check(s == 200 and js["total"] == 0, "no match, empty list")
    s, js = srv.get("/api/v1/cases?limit=5&offset=5", reg)
    check(s == 200 and len(js["items"]) == 5 and js["offset"] == 5 and js["total"] >= 60,
          "pagination")
    s, js = srv.get("/api/v1/cases?status=open&limit=500", reg)
    check(s == 200 and all(c["status"] == "open" for c in js["items"]), "status filter")
    for bad in ("limit=0", "limit=501", "limit=abc", "offset=-1", "q=%ZZ"):
        s, js = srv.get("/api/v1/cases?" + bad, reg)
        check_eq(s, 400, f"invalid query {bad}")
        check_eq(js["error"]["code"], "invalid", f"{bad}: stable code")

    # Planner: aggregates and case ids, never names.
    s, js = srv.get("/api/v1/cases?limit=5", pln)
    check(s == 200 and all(c["principal_name"] is None for c in js["items"]),
          "planners see no names in lists")
    s, js = srv.get("/api/v1/cases/T-0001", pln)
    check_eq(s, 200, "planner reads a case")
    check(all("given" not in p for p in js["people"]) and js["documents"] == [] and
          js["employment"] == [] and js["hits"] == [], "planner: no personal fields")
    s, _ = srv.get("/api/v1/people/T-0001-P01", pln)
    check_eq(s, 403, "planners cannot read people")

    # Registrar: everything of the case; vetting: no employment.
    n_people = srv.sql("SELECT count(*) FROM person p JOIN hv_case c ON c.id = p.case_id "
                       "WHERE c.ref = 'T-0001'")[0][0]
    before = len(srv.audit(actor="registrar", action="person.read"))
    s, js = srv.get("/api/v1/cases/T-0001", reg)
    check_eq(s, 200, "registrar reads a case")
    check(js["people"][0]["given"] == "Mohammad Nasir" and js["documents"] and js["employment"],
          "registrar sees names, documents, employment")
    check("timeline" in js and "clocks" in js and "holds" in js and "duplicates" in js,
          "case page has timeline, clocks, holds, duplicates")
    check(js["next_steps"] and js["next_steps"][0]["evidence"] == ["com_application_package"],
          f"case page names the next steps and their evidence: {js.get('next_steps')}")
    after = len(srv.audit(actor="registrar", action="person.read"))
    check_eq(after - before, n_people, "one audit entry per person read")
    s, js = srv.get("/api/v1/cases/T-0001", vet)
    check(s == 200 and js["employment"] == [] and js["people"][0].get("given"),
          "vetting: names but no employment")
    s, js = srv.get("/api/v1/cases/NOPE-1", reg)
    check_eq(s, 404, "unknown case")
    check_eq(js["error"]["code"], "not_found", "404 stable code")
    before = len(srv.audit(actor="registrar", action="person.read"))
    s, js = srv.get("/api/v1/people/T-0001-P02", reg)
    check(s == 200 and js["person"]["given"] == "Fereshta", "person read")
    check_eq(len(srv.audit(actor="registrar", action="person.read")) - before, 1,
             "person read audited")

    # Site manager: only cases at their site, names only where the disclosure list allows.
    country = srv.sql("SELECT country FROM site WHERE ref = ?", (srv.site,))[0][0]
    disclosed = srv.sql("SELECT ref FROM hv_case WHERE ';' || disclosure || ';' LIKE ? "
                        "AND ref LIKE 'AFG-%' ORDER BY id LIMIT 2", (f"%;{country};%",))
    hidden = srv.sql("SELECT ref FROM hv_case WHERE ';' || disclosure || ';' NOT LIKE ? "
                     "AND ref LIKE 'AFG-%' ORDER BY id LIMIT 1", (f"%;{country};%",))[0][0]
    here, elsewhere = disclosed[0][0], disclosed[1][0]
    other_site = srv.sql("SELECT ref FROM site WHERE ref <> ? ORDER BY id LIMIT 1",
                         (srv.site,))[0][0]
    for case, site in ((here, srv.site), (hidden, srv.site), (elsewhere, other_site)):
        s, _ = srv.post(f"/api/v1/sites/{site}/checkin", {"case_id": case}, adm)
        check_eq(s, 200, f"admin checks {case} in at {site}")
    s, js = srv.get(f"/api/v1/cases/{here}", sm)
    check(s == 200 and js["people"][0].get("given") and js["employment"] == [] and
          js["hits"] == [], "site manager: own site, names, no employment or screening")
    s, js = srv.get(f"/api/v1/cases/{hidden}", sm)
    check(s == 200 and "given" not in js["people"][0],
          "site manager: names withheld when the disclosure list lacks the host country")
    before = len(srv.audit(actor="site_manager", action="access.deny"))
    s, js = srv.get(f"/api/v1/cases/{elsewhere}", sm)
    check_eq(s, 403, "site manager: another site's case is refused")
    denied = srv.audit(actor="site_manager", action="access.deny")
    check_eq(len(denied) - before, 1, "the refusal is audited")
    cid = srv.sql("SELECT id FROM hv_case WHERE ref = ?", (elsewhere,))[0][0]
    check(denied and denied[-1][3] == "case" and denied[-1][4] == cid,
          "the refusal names the case id")
    s, _ = srv.get(f"/api/v1/people/{elsewhere}-P01", sm)
    check_eq(s, 403, "site manager: another site's person is refused")
    s, js = srv.get("/api/v1/cases?limit=500", sm)
    check(s == 200 and {c["id"] for c in js["items"]} == {here, hidden},
          f"site manager lists only cases at their site: {[c['id'] for c in js['items']]}")
    s, _ = srv.post(f"/api/v1/sites/{other_site}/checkout", {"case_id": elsewhere}, sm)
    check_eq(s, 403, "site manager cannot check out at another site")

    # Pipeline: one step forward, holds block, release.
    step0 = srv.sql("SELECT step FROM hv_case WHERE ref = 'T-0002'")[0][0]
    s, js = srv.post("/api/v1/cases/T-0002/advance", {"note": "documents complete",
                                                   "evidence": ["com_application_package:PKG-1"]},
                     reg)
    check_eq(s, 200, f"advance one step: {js}")
    step1 = srv.sql("SELECT step FROM hv_case WHERE ref = 'T-0002'")[0][0]
    check(step1 != step0 and js["step"] == step1, "the case moved one step")
    s, js = srv.post("/api/v1/cases/T-0002/advance", {"to": "no_such_step"}, reg)
    check_eq(s, 400, "advance to an unknown step")
    s, js = srv.post("/api/v1/cases/T-0002/hold", {"reason": "supervisor_review"}, reg)
    check_eq(s, 200, "hold")
    s, js = srv.post("/api/v1/cases/T-0002/advance", {}, reg)
    check_eq(s, 409, "a held case does not move")
    s, js = srv.post("/api/v1/cases/T-0002/release", {}, reg)
    check(s == 200 and js["released"] >= 1, "release")
    s, js = srv.post("/api/v1/cases/T-0002/hold", {"reason": "bad reason!"}, reg)
    check_eq(s, 400, "hold with a malformed reason code")
    s, js = srv.get("/api/v1/cases/T-0002", reg)
    check(s == 200 and any(e["to"] == step1 for e in js["timeline"]), "timeline shows the move")
    s, _ = srv.post("/api/v1/cases/T-0002/advance", {}, sm)
    check_eq(s, 403, "site managers do not move cases")

    # The auditor reads the chain through the API.
    aud = srv.login("auditor")
    s, js = srv.get("/api/v1/audit?action=person.read&limit=500", aud)
    check(s == 200 and js["total"] > 0 and all(e["action"] == "person.read"
                                               for e in js["items"]), "audit list by action")
    s, js = srv.get("/api/v1/audit", reg)
    check_eq(s, 403, "registrars cannot read the audit log")
    rc = srv.haven("audit", "verify")
    check("intact" in rc,
          f"the audit chain verifies: {rc}")
finally:
    srv.stop()
finish()
