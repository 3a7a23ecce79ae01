-- The whole schema, safe to run on every start: `spin up --sqlite @migrations.sql`, or once per
-- change where the host has no --sqlite (README, "Schema versions and migrations").
-- Every statement is idempotent. No sample data: the service starts empty.
--
-- Versions: a change to this file appends idempotent statements that only add (tables, columns,
-- indexes), then records its version at the end. The code refuses to serve a database older than
-- domain/migrations.py's SCHEMA_VERSION (503); an older code version keeps working on a newer
-- schema, so a rollout applies the migration first and then deploys the code.

-- Write model: normalized, the source of truth for commands.

CREATE TABLE IF NOT EXISTS employees (
    id         TEXT    PRIMARY KEY CHECK (length(id) = 36),
    first_name TEXT    NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    last_name  TEXT    NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

-- One address per employee: the employee id is the key.
CREATE TABLE IF NOT EXISTS addresses (
    employee_id TEXT PRIMARY KEY REFERENCES employees (id) ON DELETE CASCADE,
    street      TEXT NOT NULL CHECK (length(street) BETWEEN 1 AND 200),
    zip         TEXT NOT NULL CHECK (length(zip) BETWEEN 1 AND 20),
    city        TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 100)
) STRICT;

-- Read model: denormalized, shaped like the responses, written only by projectors.

CREATE TABLE IF NOT EXISTS employee_list_view (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,  -- "Last, First", as shown
    city      TEXT NOT NULL,
    sort_key  TEXT NOT NULL,  -- the name case-folded: the list's order, with id as tie-break
    city_key  TEXT NOT NULL,  -- the city case-folded: the `city` filter
    first_key TEXT NOT NULL,  -- first and last name case-folded: the `q` prefix filter
    last_key  TEXT NOT NULL
) STRICT;

-- Each list page walks one of these in order from its cursor and stops after `limit` rows; both
-- cover every column the page reads, so no row is looked up in the table.
CREATE INDEX IF NOT EXISTS employee_list_view_by_name
    ON employee_list_view (sort_key, id, name, city, first_key, last_key);
CREATE INDEX IF NOT EXISTS employee_list_view_by_city
    ON employee_list_view (city_key, sort_key, id, name, city, first_key, last_key);

-- The `q` filter: one row per distinct prefix (1 to 10 characters) of an employee's case-folded
-- first and last name, so a page of matches is one seek in (prefix, sort_key, id) order, however
-- far into the name order the matches are.
CREATE TABLE IF NOT EXISTS employee_name_prefix_view (
    prefix    TEXT NOT NULL,
    sort_key  TEXT NOT NULL,
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    city      TEXT NOT NULL,
    city_key  TEXT NOT NULL,
    first_key TEXT NOT NULL,
    last_key  TEXT NOT NULL,
    PRIMARY KEY (prefix, sort_key, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS employee_name_prefix_view_by_id ON employee_name_prefix_view (id);

CREATE TABLE IF NOT EXISTS employee_details_view (
    id         TEXT    PRIMARY KEY,
    first_name TEXT    NOT NULL,
    last_name  TEXT    NOT NULL,
    street     TEXT    NOT NULL,
    zip        TEXT    NOT NULL,
    city       TEXT    NOT NULL,
    version    INTEGER NOT NULL
) STRICT;

-- Responses of POST /employees sent with an Idempotency-Key, kept for replay for 24 hours.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key         TEXT    PRIMARY KEY,
    fingerprint TEXT    NOT NULL,  -- SHA-256 of the request payload
    status      INTEGER NOT NULL,
    headers     TEXT    NOT NULL,  -- JSON object
    body        BLOB    NOT NULL,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_at);

-- Event log: every change, in order, written in the same transaction as the write model.
-- UNIQUE (stream_id, version) makes the database itself refuse a second writer of one version.
CREATE TABLE IF NOT EXISTS events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,  -- global order, never reused
    stream_id      TEXT    NOT NULL,                   -- the employee id
    version        INTEGER NOT NULL CHECK (version >= 1),
    type           TEXT    NOT NULL,                   -- EmployeeCreated, EmployeeUpdated, EmployeeDeleted
    schema_version INTEGER NOT NULL,                   -- of the payload's shape, per type
    payload        TEXT    NOT NULL CHECK (json_valid(payload)),
    occurred_at    TEXT    NOT NULL,                   -- UTC, ISO 8601
    correlation_id TEXT    NOT NULL,
    UNIQUE (stream_id, version)
) STRICT;

-- How far each projector has applied the log to its view table; rebuild_seq is the progress of
-- a rebuild into the projector's staging table (NULL when none is under way).
CREATE TABLE IF NOT EXISTS projection_checkpoints (
    projector   TEXT    PRIMARY KEY,
    last_seq    INTEGER NOT NULL,
    rebuild_seq INTEGER
) STRICT;

INSERT OR IGNORE INTO projection_checkpoints (projector, last_seq) VALUES
    ('employee_list', 0),
    ('employee_name_prefixes', 0),
    ('employee_details', 0);

-- Staging tables a rebuild fills before swapping its rows into the live view in one transaction.
CREATE TABLE IF NOT EXISTS employee_list_view_rebuild AS SELECT * FROM employee_list_view WHERE 0;
CREATE UNIQUE INDEX IF NOT EXISTS employee_list_view_rebuild_by_id ON employee_list_view_rebuild (id);
CREATE TABLE IF NOT EXISTS employee_name_prefix_view_rebuild AS
    SELECT * FROM employee_name_prefix_view WHERE 0;
CREATE INDEX IF NOT EXISTS employee_name_prefix_view_rebuild_by_id ON employee_name_prefix_view_rebuild (id);
CREATE TABLE IF NOT EXISTS employee_details_view_rebuild AS SELECT * FROM employee_details_view WHERE 0;
CREATE UNIQUE INDEX IF NOT EXISTS employee_details_view_rebuild_by_id
    ON employee_details_view_rebuild (id);

-- Last, so a version is recorded only after every statement above has run.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT    NOT NULL,
    applied_at  TEXT    NOT NULL
) STRICT;

INSERT OR IGNORE INTO schema_migrations (version, description, applied_at) VALUES
    (1, 'write model, event log, views and their staging tables', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
