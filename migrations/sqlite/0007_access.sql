-- SPDX-License-Identifier: Apache-2.0
-- Access (docs/internals/ACCESS.md): users with Argon2id password hashes, roles and site
-- scopes; sessions and API tokens stored only as keyed hashes (a stolen file reveals no
-- usable token); failed-login counters for lock-out with back-off. No personal data of the
-- people Haven serves is stored here.

CREATE TABLE access_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('registrar', 'vetting', 'site_manager', 'planner',
                                       'auditor', 'admin')),
    sites TEXT NOT NULL DEFAULT '',      -- ';'-list of site refs (site_manager scope)
    pw_hash TEXT NOT NULL,               -- crypto_pwhash_str (Argon2id, encoded with its limits)
    disabled INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,   -- consecutive failed logins
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Sessions (kind 'session', from a login) and API tokens (kind 'api', for partner systems).
-- token_hash is keyed BLAKE2b-256 of the token under the vault's index key.
CREATE TABLE access_token (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES access_user(id),
    kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    label TEXT NOT NULL DEFAULT '',
    csrf TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX access_token_user ON access_token(user_id);
