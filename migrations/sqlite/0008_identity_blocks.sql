-- SPDX-License-Identifier: Apache-2.0
-- Candidates for one new registration (hv_identity_candidates): the blocking keys of every
-- person as of the last `dedup run`, each stored only as a blind index (keyed BLAKE2b, domain
-- "idblock", of the engine's 64-bit key), so the table reveals no name skeleton or birth year;
-- and the model that run trained (m and u per field and level, lambda), so one new record is
-- scored with the same weights as the batch. See docs/internals/IDENTITY.md.

CREATE TABLE identity_block (
    key INTEGER NOT NULL,        -- blind index of one blocking key
    person_id INTEGER NOT NULL REFERENCES person(id),
    PRIMARY KEY (key, person_id)
) WITHOUT ROWID;

CREATE TABLE identity_model (
    run_id INTEGER PRIMARY KEY REFERENCES identity_run(id),
    model TEXT NOT NULL          -- "lambda m/u m/u ..." numbers only: no personal data
);
