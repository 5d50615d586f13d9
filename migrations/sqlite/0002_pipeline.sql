-- SPDX-License-Identifier: Apache-2.0
-- The visa pipeline: frozen workflow definitions, step events (the history of every case's
-- moves through its workflow), holds that block a transition, programme-wide suspensions that
-- pause the clocks, and case markers (high_risk). Times are seconds since the epoch (UTC).
-- See docs/internals/PIPELINE.md. hv_case.workflow/step hold each case's current position.

-- A workflow is stored the first time a case starts under it and never changes afterwards,
-- so a case keeps the definition it started under even when data/workflows/ is edited.
CREATE TABLE workflow_def (
    id TEXT PRIMARY KEY,          -- e.g. 'siv-2021'
    hash TEXT NOT NULL,           -- BLAKE2b-256 of the definition text, hex
    definition TEXT NOT NULL,     -- the JSON text as loaded
    stored_at INTEGER NOT NULL
);

CREATE TABLE step_event (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES hv_case(id),
    workflow TEXT NOT NULL,
    from_step TEXT NOT NULL DEFAULT '',  -- '' for the event that starts the case
    to_step TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',   -- 'kind:ref' items joined by ';'
    note BLOB,                           -- sealed free text
    override_reason TEXT NOT NULL DEFAULT '', -- reason code when a hold was overridden
    audit_seq INTEGER NOT NULL
);
CREATE INDEX step_event_case ON step_event(case_id, at, id);
CREATE INDEX step_event_at ON step_event(at, to_step); -- covers the throughput report

CREATE TABLE case_hold (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES hv_case(id),
    kind TEXT NOT NULL CHECK (kind IN ('duplicate_review', 'screening_hit', 'manual')),
    reason_code TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    opened_by TEXT NOT NULL,
    resolved_at INTEGER,                 -- NULL while the hold is open
    resolved_by TEXT,
    resolution TEXT                      -- 'released' or 'overridden'
);
CREATE INDEX case_hold_case ON case_hold(case_id);

-- A suspension pauses the clocks of every case in a workflow (or one step of it) between
-- started_at and ended_at, e.g. an embassy that stops interviewing.
CREATE TABLE pipeline_suspension (
    id INTEGER PRIMARY KEY,
    workflow TEXT NOT NULL,
    step TEXT NOT NULL DEFAULT '',       -- '' = every step
    reason_code TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    created_by TEXT NOT NULL
);

CREATE TABLE case_marker (
    case_id INTEGER NOT NULL REFERENCES hv_case(id),
    marker TEXT NOT NULL CHECK (marker IN ('high_risk')),
    set_at INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    PRIMARY KEY (case_id, marker)
) WITHOUT ROWID;
