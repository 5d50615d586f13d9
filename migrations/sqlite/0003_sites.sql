-- SPDX-License-Identifier: Apache-2.0
-- Sites, beds and capacity history, stays, crossings with their status history, movements and
-- their legs (the sites module, docs/internals/SITES.md). Times are INTEGER seconds since the
-- epoch (UTC); planned days are 'YYYY-MM-DD' text. No personal data: stays and movements hold
-- case ids and head counts only.

CREATE TABLE site (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,        -- the location ref (location.ref, kind 'site')
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    family_rooms INTEGER NOT NULL CHECK (family_rooms >= 0),  -- current capacity, rooms
    single_men INTEGER NOT NULL CHECK (single_men >= 0),      -- beds
    single_women INTEGER NOT NULL CHECK (single_women >= 0),
    minors INTEGER NOT NULL CHECK (minors >= 0),
    services TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Every capacity a site has had, per bed kind: the value in force at t is the latest row with
-- at <= t. The first load writes rows with at = 0 (capacity "since always").
CREATE TABLE site_capacity (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site(id),
    kind TEXT NOT NULL CHECK (kind IN ('family_rooms', 'single_men', 'single_women', 'minors')),
    at INTEGER NOT NULL,
    beds INTEGER NOT NULL CHECK (beds >= 0),
    audit_seq INTEGER NOT NULL
);
CREATE INDEX site_capacity_site ON site_capacity(site_id, kind, at);

-- One stay is one case in one bed (a family room or a single bed) from check_in until
-- check_out (NULL while still there).
CREATE TABLE stay (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES hv_case(id),
    site_id INTEGER NOT NULL REFERENCES site(id),
    kind TEXT NOT NULL CHECK (kind IN ('family_rooms', 'single_men', 'single_women', 'minors')),
    bed_no INTEGER NOT NULL CHECK (bed_no >= 1),
    n_people INTEGER NOT NULL CHECK (n_people >= 1),
    check_in INTEGER NOT NULL,
    check_out INTEGER,
    override_reason TEXT,            -- set when checked in over capacity
    movement_id INTEGER,             -- the movement whose arrival created it
    audit_seq INTEGER NOT NULL,
    CHECK (check_out IS NULL OR check_out >= check_in)
);
-- The database itself refuses a second open stay in a bed, or for a case.
CREATE UNIQUE INDEX stay_bed_open ON stay(site_id, kind, bed_no) WHERE check_out IS NULL;
CREATE UNIQUE INDEX stay_case_open ON stay(case_id) WHERE check_out IS NULL;
CREATE INDEX stay_site_in ON stay(site_id, check_in);
CREATE INDEX stay_check_in ON stay(check_in);

CREATE TABLE crossing (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,        -- the location ref (location.ref, kind 'crossing')
    name TEXT NOT NULL,
    countries TEXT NOT NULL,         -- ';'-list, host country first
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    mode TEXT NOT NULL DEFAULT '',
    opened INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE crossing_status (
    id INTEGER PRIMARY KEY,
    crossing_id INTEGER NOT NULL REFERENCES crossing(id),
    at INTEGER NOT NULL,             -- when the status took effect
    status TEXT NOT NULL CHECK (status IN ('open', 'restricted', 'closed')),
    source TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_at INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL
);
CREATE UNIQUE INDEX crossing_status_once ON crossing_status(crossing_id, at, status, source);

CREATE TABLE movement (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES hv_case(id),
    site_id INTEGER NOT NULL REFERENCES site(id),
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_transit', 'arrived', 'cancelled')),
    day TEXT NOT NULL,               -- planned day
    override_reason TEXT,            -- set when a restricted crossing was accepted
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    arrived_at INTEGER,
    cancelled_at INTEGER,
    stay_id INTEGER,
    audit_seq INTEGER NOT NULL
);
CREATE INDEX movement_case ON movement(case_id);

CREATE TABLE movement_leg (
    movement_id INTEGER NOT NULL REFERENCES movement(id),
    seq INTEGER NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('road', 'crossing', 'flight')),
    from_ref TEXT NOT NULL,
    to_ref TEXT NOT NULL,
    crossing_id INTEGER REFERENCES crossing(id),
    day TEXT NOT NULL,
    PRIMARY KEY (movement_id, seq)
);
