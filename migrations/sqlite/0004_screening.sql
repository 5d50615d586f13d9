-- SPDX-License-Identifier: Apache-2.0
-- Watchlist screening: versioned snapshots of the loaded lists (public list data, stored in
-- clear), hits of registered people against them (the explanation holds the person's name, so
-- it is sealed), and remembered false-positive decisions. See docs/internals/SCREENING.md.

CREATE TABLE wl_snapshot (
    id INTEGER PRIMARY KEY,
    list_name TEXT NOT NULL,            -- 'un', 'ofac' or a custom list's name
    source TEXT NOT NULL CHECK (source IN ('un', 'ofac', 'custom')),
    file_hash TEXT NOT NULL,            -- BLAKE2b-256 of the source file(s), hex
    loaded_at INTEGER NOT NULL,
    loaded_by TEXT NOT NULL,
    n_entries INTEGER NOT NULL,
    is_current INTEGER NOT NULL DEFAULT 0 -- 1 for the newest snapshot of each list_name
);
CREATE INDEX wl_snapshot_name ON wl_snapshot(list_name, id);

CREATE TABLE wl_entry (
    id INTEGER PRIMARY KEY,
    snapshot_id INTEGER NOT NULL REFERENCES wl_snapshot(id),
    ref TEXT NOT NULL,                  -- 'TAi.012', OFAC ent_num, custom id
    list_type TEXT NOT NULL DEFAULT '',
    individual INTEGER NOT NULL,
    sex TEXT NOT NULL DEFAULT '',       -- 'M', 'F' or ''
    dobs TEXT NOT NULL DEFAULT '',      -- e.g. 'YYYY..YYYY;YYYY-MM-DD', ';'-separated
    nationalities TEXT NOT NULL DEFAULT '', -- 'AF;PK'
    content_hash TEXT NOT NULL,         -- equal hashes: the entry did not change
    UNIQUE (snapshot_id, ref)
);

CREATE TABLE wl_name (
    entry_id INTEGER NOT NULL REFERENCES wl_entry(id),
    seq INTEGER NOT NULL,               -- 0 is the primary name
    kind TEXT NOT NULL CHECK (kind IN ('primary', 'alias', 'alias_low', 'original')),
    name TEXT NOT NULL,
    PRIMARY KEY (entry_id, seq)
);

CREATE TABLE screening_hit (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id),
    case_id INTEGER NOT NULL REFERENCES hv_case(id),
    snapshot_id INTEGER NOT NULL REFERENCES wl_snapshot(id),
    list_name TEXT NOT NULL,
    entry_ref TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    score REAL NOT NULL,
    explanation BLOB,                   -- sealed JSON (names the person)
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'true_match', 'false_positive')),
    reason TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at INTEGER,
    hold_id INTEGER,                    -- case_hold opened for it, when any
    created_at INTEGER NOT NULL
);
CREATE INDEX screening_hit_person ON screening_hit(person_id, list_name, entry_ref);
CREATE INDEX screening_hit_case ON screening_hit(case_id, status);

-- A false-positive decision suppresses later alerts of the same pair while the entry's
-- content hash stays the same.
CREATE TABLE screening_cleared (
    person_id INTEGER NOT NULL REFERENCES person(id),
    list_name TEXT NOT NULL,
    entry_ref TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    hit_id INTEGER NOT NULL REFERENCES screening_hit(id),
    PRIMARY KEY (person_id, list_name, entry_ref, entry_hash)
);

-- People screened at least once against the full lists: `screen run --changed` screens them only
-- against new or changed entries, and everyone else (new registrations) against everything.
CREATE TABLE screening_person (
    person_id INTEGER PRIMARY KEY REFERENCES person(id),
    screened_at INTEGER NOT NULL
);
