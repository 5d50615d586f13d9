-- SPDX-License-Identifier: Apache-2.0
-- Identity resolution: scored candidate pairs of people (ids, scores and an explanation made
-- of field labels, levels and weights only: no names, dates or numbers), and the identities
-- (clusters) that merged pairs form. A merge only links person rows: it never deletes or
-- changes one, and unmerge restores separate identities. See docs/internals/IDENTITY.md.

CREATE TABLE identity_run (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    n_people INTEGER NOT NULL,
    n_candidates INTEGER NOT NULL,  -- candidate pairs scored
    n_new_pairs INTEGER NOT NULL,   -- pairs at or above the review threshold stored by this run
    n_merged INTEGER NOT NULL,
    n_review INTEGER NOT NULL
);

CREATE TABLE match_pair (
    id INTEGER PRIMARY KEY,
    person_a INTEGER NOT NULL REFERENCES person(id), -- person_a < person_b
    person_b INTEGER NOT NULL REFERENCES person(id),
    run_id INTEGER NOT NULL REFERENCES identity_run(id),
    prob REAL NOT NULL,             -- match probability
    weight REAL NOT NULL,           -- match weight in bits
    explanation TEXT NOT NULL,      -- JSON: field labels, levels and weights only
    decision TEXT NOT NULL CHECK (decision IN ('merged', 'review', 'accepted', 'rejected',
                                               'unmerged')),
    decided_at INTEGER NOT NULL,
    decided_by TEXT NOT NULL,
    reason_code TEXT NOT NULL DEFAULT '',
    UNIQUE (person_a, person_b),
    CHECK (person_a < person_b)
);
CREATE INDEX match_pair_decision ON match_pair(decision, id);
CREATE INDEX match_pair_b ON match_pair(person_b);

-- The duplicate_review holds a review pair opened on the cases of its two people.
CREATE TABLE match_pair_hold (
    pair_id INTEGER NOT NULL REFERENCES match_pair(id),
    hold_id INTEGER NOT NULL REFERENCES case_hold(id),
    PRIMARY KEY (pair_id, hold_id)
) WITHOUT ROWID;

-- Live identities of more than one person: cluster_id is the smallest person id in the
-- identity. Derived from the pairs decided 'merged' or 'accepted' and rebuilt after each
-- decision; a person without a row is an identity of its own.
CREATE TABLE identity_member (
    person_id INTEGER PRIMARY KEY REFERENCES person(id),
    cluster_id INTEGER NOT NULL
);
CREATE INDEX identity_member_cluster ON identity_member(cluster_id);
