-- SPDX-License-Identifier: Apache-2.0
-- Core schema: keys, audit chain, registry. Columns of type BLOB named in docs/formats.md as
-- "sealed" hold XChaCha20-Poly1305 ciphertext (see include/haven/vault.h); *_bi columns are
-- 64-bit blind indexes. No plaintext personal data is stored anywhere in this schema.

CREATE TABLE vault_master (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    kind TEXT NOT NULL CHECK (kind IN ('keyfile', 'passphrase')),
    kdf_salt BLOB,               -- Argon2id salt (passphrase only)
    kdf_opslimit INTEGER,
    kdf_memlimit INTEGER,
    shredded_at INTEGER          -- set by `haven key shred`
);

CREATE TABLE vault_key (
    id INTEGER PRIMARY KEY,      -- key id carried in every sealed value
    purpose TEXT NOT NULL CHECK (purpose IN ('data', 'index')),
    wrapped BLOB NOT NULL,       -- secretbox(nonce || key) under the master key
    created_at INTEGER NOT NULL,
    is_current INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    detail TEXT NOT NULL,
    change_hash BLOB NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);

-- The newest entry, kept apart so that a deleted tail is detected.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);

CREATE TABLE location (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_ref TEXT,
    lat TEXT NOT NULL DEFAULT '',
    lon TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    row_mac BLOB NOT NULL,
    audit_seq INTEGER NOT NULL
);

CREATE TABLE hv_case (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    programme TEXT NOT NULL,
    status TEXT NOT NULL,
    risk_level INTEGER NOT NULL CHECK (risk_level BETWEEN 1 AND 4),
    location_ref TEXT,
    workflow TEXT,
    step TEXT,
    disclosure TEXT NOT NULL DEFAULT '',
    notes BLOB,                  -- sealed
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    row_mac BLOB NOT NULL,       -- keyed fingerprint of the content, for idempotent import
    audit_seq INTEGER NOT NULL   -- audit entry that last wrote the row
);

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES hv_case(id),
    relation TEXT NOT NULL,
    given_name BLOB,             -- sealed
    family_name BLOB,            -- sealed
    father_name BLOB,            -- sealed
    grandfather_name BLOB,       -- sealed
    native_name BLOB,            -- sealed
    sex TEXT NOT NULL,
    birth_date BLOB,             -- sealed, canonical partial date
    nationality TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    needs TEXT NOT NULL DEFAULT '',
    name_bis BLOB,               -- this person's name-index entries (int64 LE each), so an
                                 -- update can remove them without an index on person_id
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    row_mac BLOB NOT NULL,
    audit_seq INTEGER NOT NULL
);
CREATE INDEX person_case ON person(case_id);
CREATE UNIQUE INDEX person_one_principal ON person(case_id) WHERE relation = 'principal';

-- Blind index of every normalised name token of a person (given, family, father's,
-- grandfather's, native), for look-up by name without decrypting. Stored as posting lists:
-- one row per token and block of 4,096 person ids, holding the ids' low 12 bits as sorted
-- little-endian uint16s, so a million people need tens of thousands of rows, not millions.
-- person.name_bis lists each person's tokens so an update can remove them.
CREATE TABLE person_name_bi (
    bi INTEGER NOT NULL,
    block INTEGER NOT NULL,      -- person_id >> 12
    ids BLOB NOT NULL,           -- sorted (person_id & 4095) as uint16 LE
    PRIMARY KEY (bi, block)
) WITHOUT ROWID;

CREATE TABLE document (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES person(id),
    kind TEXT NOT NULL,
    number BLOB,                 -- sealed
    number_bi INTEGER,           -- blind index of the normalised number
    issuer TEXT NOT NULL DEFAULT '',
    issued_on BLOB,              -- sealed
    expires_on BLOB,             -- sealed
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    row_mac BLOB NOT NULL,
    audit_seq INTEGER NOT NULL
);
CREATE INDEX document_person ON document(person_id);
CREATE INDEX document_number_bi ON document(number_bi);

CREATE TABLE employment (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES person(id),
    employer TEXT NOT NULL,
    hire_type TEXT NOT NULL,
    contractor TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    start_date BLOB,             -- sealed
    end_date BLOB,               -- sealed
    supervisor BLOB,             -- sealed (a person's name)
    verification TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    row_mac BLOB NOT NULL,
    audit_seq INTEGER NOT NULL
);
CREATE INDEX employment_person ON employment(person_id);

CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES person(id),
    kind TEXT NOT NULL,
    value BLOB,                  -- sealed
    value_bi INTEGER,            -- blind index of the normalised value
    note BLOB,                   -- sealed
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    row_mac BLOB NOT NULL,
    audit_seq INTEGER NOT NULL
);
CREATE INDEX contact_person ON contact(person_id);
CREATE INDEX contact_value_bi ON contact(value_bi);
