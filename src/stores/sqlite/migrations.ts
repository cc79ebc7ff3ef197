/** The embedded database's schema, as an ordered list: entry N moves `user_version` from N to N + 1. */

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    material TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    expires_at INTEGER
  ) STRICT;
  CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (active) WHERE active = 1;
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    refresh_jti TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_by_user ON sessions (user_id);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
  CREATE TABLE revocations (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    until INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
  ) STRICT;
  CREATE INDEX revocations_by_until ON revocations (until);
  `,
  // 2: refresh retries (the jti a rotation replaced, and when), and a change sequence the revocation feed reads.
  `
  ALTER TABLE sessions ADD COLUMN previous_jti TEXT;
  ALTER TABLE sessions ADD COLUMN rotated_at INTEGER;
  ALTER TABLE revocations ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX revocations_by_seq ON revocations (seq);
  `,
  // 3: where and when each session was last used, shown to its owner.
  `
  ALTER TABLE sessions ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
  ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
  `,
  // 4: personal API keys (their hash, never the key).
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    key_hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX api_keys_by_user ON api_keys (user_id);
  CREATE INDEX api_keys_by_expiry ON api_keys (expires_at);
  ALTER TABLE signing_keys ADD COLUMN signed_until INTEGER;
  `,
  // 5: when each API key was first used, for its security event.
  `
  ALTER TABLE api_keys ADD COLUMN first_used_at INTEGER;
  `
]
