# SPDX-License-Identifier: Apache-2.0
"""Operations through the API: sites and occupancy with check-in/out, crossings and their
status history, movements, the screening-hit queue and the duplicate-review queue, each with
success, validation errors and refusals."""
from apilib import Server, check, check_eq, finish

srv = Server()
try:
    reg, vet, sm, pln, adm = (srv.login(r) for r in
                              ("registrar", "vetting", "site_manager", "planner", "admin"))

    # Sites and check-in/out: the change shows on the dashboard figures.
    s, js = srv.get("/api/v1/sites?limit=500", sm)
    check(s == 200 and js["total"] >= 1, "sites list")
    mine = [x for x in js["items"] if x["id"] == srv.site][0]
    check(mine["mine"] is True and {"beds_total", "beds_free", "occupancy", "lat", "lon"}
          <= set(mine), "site items carry beds and occupancy")
    case = srv.sql("SELECT c.ref FROM hv_case c WHERE (SELECT count(*) FROM person p "
                   "WHERE p.case_id = c.id) >= 2 AND c.ref LIKE 'AFG-%' ORDER BY c.id "
                   "LIMIT 1")[0][0]
    s, js = srv.post(f"/api/v1/sites/{srv.site}/checkin", {"case_id": case}, sm)
    check_eq(s, 200, f"site manager checks a family in: {js}")
    check(js.get("kind") == "family_rooms" and js.get("people", 0) >= 2, "a family room")
    s, js = srv.get(f"/api/v1/sites/{srv.site}", sm)
    check(s == 200 and any(x["case_id"] == case for x in js["stays"]) and
          js["beds_used"] == mine["beds_used"] + 1, "the stay shows on the site")
    s, js = srv.post(f"/api/v1/sites/{srv.site}/checkin", {"case_id": case}, sm)
    check_eq(s, 409, "a case cannot be checked in twice")
    s, js = srv.post(f"/api/v1/sites/{srv.site}/checkin", {}, sm)
    check_eq(s, 400, "check-in without a case")
    s, js = srv.post(f"/api/v1/sites/{srv.site}/checkin", {"case_id": "NOPE"}, sm)
    check_eq(s, 404, "check-in of an unknown case")
    s, js = srv.post("/api/v1/sites/LOC-NOPE/checkin", {"case_id": case}, adm)
    check_eq(s, 404, "check-in at an unknown site")
    s, js = srv.get("/api/v1/occupancy", pln)
    check(s == 200 and js["sites"] and js["countries"], "occupancy per site and country")
    s, js = srv.get("/api/v1/occupancy?date=2021-13-01", pln)
    check_eq(s, 400, "occupancy with a bad date")
    s, js = srv.post(f"/api/v1/sites/{srv.site}/checkout", {"case_id": case}, sm)
    check_eq(s, 200, "check-out")
    s, js = srv.get("/api/v1/sites/LOC-NOPE", sm)
    check_eq(s, 404, "unknown site")

    # Crossings: the board, the history, a planner records a status change.
    s, js = srv.get("/api/v1/crossings", pln)
    check(s == 200 and any(x["id"] == "LOC-X-TERMEZ-HAIRATAN" for x in js["items"]),
          "crossings include the Friendship Bridge")
    s, js = srv.get("/api/v1/crossings/LOC-X-TERMEZ-HAIRATAN/history", pln)
    n_hist = len(js["items"])
    check(s == 200 and n_hist >= 4, "the bridge's 2021 status history")
    s, js = srv.post("/api/v1/crossings/LOC-X-TERMEZ-HAIRATAN/status",
                     {"status": "open", "source": "api test", "note": "reopened",
                      "at": "2030-01-01"}, pln)
    check_eq(s, 200, f"planner records a status: {js}")
    s, js = srv.get("/api/v1/crossings/LOC-X-TERMEZ-HAIRATAN/history", pln)
    check_eq(len(js["items"]), n_hist + 1, "history grows by one")
    s, js = srv.post("/api/v1/crossings/LOC-X-TERMEZ-HAIRATAN/status",
                     {"status": "ajar", "source": "x"}, pln)
    check_eq(s, 400, "unknown crossing status")
    s, js = srv.post("/api/v1/crossings/LOC-X-TERMEZ-HAIRATAN/status", {"status": "open"}, pln)
    check_eq(s, 400, "a status needs a source")
    s, js = srv.post("/api/v1/crossings/LOC-X-TERMEZ-HAIRATAN/status",
                     {"status": "closed", "source": "x"}, sm)
    check_eq(s, 403, "site managers do not set crossing status")
    s, js = srv.get("/api/v1/crossings/LOC-X-NOPE/history", pln)
    check_eq(s, 404, "unknown crossing")

    # Movements: planned over an open crossing; refused over a closed one.
    mv_case = srv.sql("SELECT ref FROM hv_case WHERE ref LIKE 'AFG-%' ORDER BY id DESC "
                      "LIMIT 1")[0][0]
    uz_site = srv.sql("SELECT ref FROM site WHERE country = 'UZ' ORDER BY id LIMIT 1")[0][0]
    s, js = srv.post("/api/v1/movements", {"case_id": mv_case, "site_id": uz_site,
                                           "crossings": ["LOC-X-TERMEZ-HAIRATAN"],
                                           "date": "2021-08-31"}, pln)
    check_eq(s, 409, f"a movement over the bridge closed on 2021-08-31 is refused: {js}")
    check("closed" in js["error"]["message"], "the refusal says the crossing was closed")
    s, js = srv.post("/api/v1/movements", {"case_id": mv_case, "site_id": uz_site,
                                           "crossings": ["LOC-X-TERMEZ-HAIRATAN"],
                                           "date": "2030-01-02"}, pln)
    check_eq(s, 200, f"a movement over the reopened bridge: {js}")
    s, js = srv.get("/api/v1/movements", pln)
    check(s == 200 and any(m["case_id"] == mv_case for m in js["items"]), "movements list")
    s, js = srv.post("/api/v1/movements", {"case_id": mv_case}, pln)
    check_eq(s, 400, "a movement needs a site")

    # Screening hits: the queue, the side-by-side, a decision with a reason.
    s, js = srv.get("/api/v1/hits", vet)
    check(s == 200 and js["total"] >= 1, f"open hits: {js}")
    hit = js["items"][0]
    before = len(srv.audit(actor="vetting", action="person.read"))
    s, js = srv.get(f"/api/v1/hits/{hit['id']}", vet)
    check(s == 200 and js["person"]["given"] and js["entry"]["names"] and js["explanation"],
          "hit detail: person, entry names, explanation")
    check_eq(len(srv.audit(actor="vetting", action="person.read")) - before, 1,
             "the hit's person read is audited")
    s, js = srv.post(f"/api/v1/hits/{hit['id']}/decision", {"decision": "maybe",
                                                            "reason": "x"}, vet)
    check_eq(s, 400, "unknown decision")
    s, js = srv.post(f"/api/v1/hits/{hit['id']}/decision", {"decision": "false_positive"}, vet)
    check_eq(s, 400, "a decision needs a reason")
    s, js = srv.post(f"/api/v1/hits/{hit['id']}/decision",
                     {"decision": "false_positive", "reason": "different birth year"}, reg)
    check_eq(s, 403, "registrars do not decide hits")
    s, js = srv.post(f"/api/v1/hits/{hit['id']}/decision",
                     {"decision": "false_positive", "reason": "different birth year"}, vet)
    check_eq(s, 200, "vetting decides a hit")
    s, js = srv.post(f"/api/v1/hits/{hit['id']}/decision",
                     {"decision": "true_match", "reason": "again"}, vet)
    check_eq(s, 409, "a decided hit cannot be decided again")
    s, js = srv.get("/api/v1/hits/999999", vet)
    check_eq(s, 404, "unknown hit")
    s, js = srv.get("/api/v1/hits/abc", vet)
    check_eq(s, 400, "malformed hit id")
    s, js = srv.get("/api/v1/hits?status=any", vet)
    check(s == 200 and any(h["status"] == "false_positive" for h in js["items"]),
          "the decided hit in the full list")

    # Duplicate review.
    s, js = srv.get("/api/v1/dedup/pairs?status=any&limit=500", vet)
    check_eq(s, 200, "pairs list")
    review = srv.sql("SELECT id FROM match_pair WHERE decision = 'review' ORDER BY id LIMIT 1")
    if review:
        pid = review[0][0]
        before = len(srv.audit(actor="vetting", action="person.read"))
        s, js = srv.get(f"/api/v1/dedup/pairs/{pid}", vet)
        check(s == 200 and js["a"]["id"] and js["b"]["id"] and js["comparisons"],
              "pair side by side with comparisons")
        check_eq(len(srv.audit(actor="vetting", action="person.read")) - before, 2,
                 "both people of the pair audited")
        s, js = srv.post(f"/api/v1/dedup/pairs/{pid}/decision",
                         {"decision": "reject", "reason": "different_people"}, vet)
        check_eq(s, 200, f"reject a pair: {js}")
        s, js = srv.post(f"/api/v1/dedup/pairs/{pid}/decision",
                         {"decision": "accept", "reason": "x"}, vet)
        check_eq(s, 409, "a decided pair cannot be decided again")
    else:
        print("note: no pair under review in this small scenario")
    s, js = srv.get("/api/v1/dedup/pairs/999999", vet)
    check_eq(s, 404, "unknown pair")

    # Placement proposals: propose for a day, read, reject with a reason, accept another.
    s, js = srv.post("/api/v1/placement/plans", {"date": "2021-08-20"}, pln)
    check(s == 200 and js["status"] == "proposed" and js["families"] >= 1,
          f"planner proposes a placement plan: {s} {js}")
    plan = js.get("id", 0)
    s, js = srv.get(f"/api/v1/placement/plans/{plan}", pln)
    check(s == 200 and len(js["rows"]) == js["families"] and
          all("why" in row for row in js["rows"]), "plan rows explain themselves")
    s, js = srv.get("/api/v1/placement/plans", sm)
    check(s == 200 and js["total"] >= 1, "site managers see proposals")
    s, js = srv.post(f"/api/v1/placement/plans/{plan}/reject", {}, pln)
    check_eq(s, 400, "reject needs a reason")
    s, js = srv.post(f"/api/v1/placement/plans/{plan}/reject", {"reason": "capacity review"}, pln)
    check_eq(s, 200, "reject")
    s, js = srv.post(f"/api/v1/placement/plans/{plan}/accept", {}, pln)
    check_eq(s, 409, "a rejected plan cannot be accepted")
    s, js = srv.post("/api/v1/placement/plans", {"date": "2021-08-20"}, pln)
    plan2 = js.get("id", 0)
    s, js = srv.post(f"/api/v1/placement/plans/{plan2}/accept", {}, pln)
    check(s == 200 and js["moved"] + js["skipped"] >= 1, f"accept: {js}")
    s, js = srv.post("/api/v1/placement/plans", {"date": "2021-08-20"}, sm)
    check_eq(s, 403, "site managers do not propose plans")
    s, js = srv.get("/api/v1/placement/plans/999999", pln)
    check_eq(s, 404, "unknown plan")

    # Forecasts: run the 2021 scenario briefly, list, read the P10/P50/P90 series.
    s, js = srv.post("/api/v1/forecasts", {"scenario": "2021", "reps": 10, "weeks": 8}, pln)
    check(s == 200 and js["id"] >= 1, f"planner runs a forecast: {s} {js}")
    fid = js.get("id", 0)
    s, js = srv.get("/api/v1/forecasts", pln)
    check(s == 200 and js["items"][0]["id"] == fid, "forecast list")
    s, js = srv.get(f"/api/v1/forecasts/{fid}", pln)
    check(s == 200 and js["series"] and len(js["series"][0]["beds"]) >= 8 and
          len(js["series"][0]["beds"][0]) == 3, "forecast series with p10/p50/p90 per week")
    for body in ({"scenario": "../../etc/passwd"}, {"scenario": "2021", "reps": 0},
                 {"scenario": "2021", "reps": "many"}, {}):
        s, js = srv.post("/api/v1/forecasts", body, pln)
        check_eq(s, 400, f"invalid forecast request {body}")
    s, js = srv.post("/api/v1/forecasts", {"scenario": "nope"}, pln)
    check_eq(s, 404, "unknown scenario")
    s, js = srv.post("/api/v1/forecasts", {"scenario": "2021"}, sm)
    check_eq(s, 403, "site managers do not run forecasts")
    s, js = srv.get("/api/v1/forecasts/999", pln)
    check_eq(s, 404, "unknown forecast")
finally:
    srv.stop()
finish()
