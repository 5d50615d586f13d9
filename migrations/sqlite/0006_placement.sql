-- SPDX-License-Identifier: Apache-2.0
-- Placement plans: a proposal of which family (case) goes to which site by which route, with
-- the objective, the LP bound and gap, and one row per family saying why (binding capacities
-- and prices, or why it cannot be placed). No personal data: case and site ids, numbers and
-- reasons made of refs and counts. Accepting a plan creates planned movements (movement_id).
-- See docs/internals/PLACEMENT.md.

CREATE TABLE place_plan (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected')),
    day TEXT NOT NULL,               -- planned day, YYYY-MM-DD
    backend TEXT NOT NULL,           -- builtin, cbc
    objective REAL NOT NULL,
    bound REAL NOT NULL,             -- proven upper bound (LP relaxation or CBC)
    gap REAL NOT NULL,
    n_families INTEGER NOT NULL,     -- cases awaiting placement in the instance
    n_placed INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    decided_at INTEGER,
    decided_by TEXT,
    reason TEXT,                     -- why rejected
    audit_seq INTEGER NOT NULL
);

CREATE TABLE place_plan_row (
    plan_id INTEGER NOT NULL REFERENCES place_plan(id),
    case_id INTEGER NOT NULL REFERENCES hv_case(id),
    site_id INTEGER REFERENCES site(id),  -- NULL when not placed
    route TEXT NOT NULL DEFAULT '',       -- via:CROSSING or fly:FROM>TO
    value REAL NOT NULL DEFAULT 0,
    why TEXT NOT NULL,
    movement_id INTEGER,                  -- set by accept
    skipped TEXT,                         -- why accept made no movement
    PRIMARY KEY (plan_id, case_id)
) WITHOUT ROWID;
