-- The whole schema, safe to run on every start: `spin up --sqlite @migrations.sql`, or once per
-- change where the host has no --sqlite (docs/deploying.md, "Schema versions and migrations").
-- Every statement is idempotent. No sample data: the service starts empty.
--
-- Every host must accept every statement: Spin's SQLite, Fermyon Cloud, and a libSQL server (Turso,
-- sqld), whose SQL parser refuses `STRICT` tables. So each column states its type twice, as a
-- declared type and as `CHECK (typeof(col) = ...)`: SQLite applies the column's affinity first, so
-- the CHECK admits exactly what a STRICT table would (5 into a TEXT column is stored as '5'; a BLOB
-- or 'abc' into an INTEGER column is refused). tests/unit/test_libsql_server_model.py checks this file
-- against the server's rules.
--
-- Versions: a change to this file appends idempotent statements that only add (tables, indexes,
-- rows), then records its version at the end. The code refuses to serve a database older than
-- storage/migrations.py's DATABASE_VERSION (503); an older code version keeps working on a newer
-- schema, so a rollout applies the migration first and then deploys the code.

-- Write model: normalized, the source of truth for commands.

CREATE TABLE IF NOT EXISTS employees (
    id         TEXT    PRIMARY KEY CHECK (typeof(id) = 'text' AND length(id) = 36),
    first_name TEXT    NOT NULL CHECK (typeof(first_name) = 'text' AND length(first_name) BETWEEN 1 AND 100),
    last_name  TEXT    NOT NULL CHECK (typeof(last_name) = 'text' AND length(last_name) BETWEEN 1 AND 100),
    version    INTEGER NOT NULL CHECK (typeof(version) = 'integer' AND version >= 1),
    created_at TEXT    NOT NULL CHECK (typeof(created_at) = 'text'),
    updated_at TEXT    NOT NULL CHECK (typeof(updated_at) = 'text')
);

-- One address per employee: the employee id is the key.
CREATE TABLE IF NOT EXISTS addresses (
    employee_id TEXT PRIMARY KEY REFERENCES employees (id) ON DELETE CASCADE
                     CHECK (typeof(employee_id) = 'text'),
    street      TEXT NOT NULL CHECK (typeof(street) = 'text' AND length(street) BETWEEN 1 AND 200),
    zip         TEXT NOT NULL CHECK (typeof(zip) = 'text' AND length(zip) BETWEEN 1 AND 20),
    city        TEXT NOT NULL CHECK (typeof(city) = 'text' AND length(city) BETWEEN 1 AND 100)
);

-- Read model: denormalized, shaped like the responses, written only by projectors.

CREATE TABLE IF NOT EXISTS employee_list_view (
    id        TEXT PRIMARY KEY CHECK (typeof(id) = 'text'),
    name      TEXT NOT NULL CHECK (typeof(name) = 'text'),  -- "Last, First", as shown
    city      TEXT NOT NULL CHECK (typeof(city) = 'text'),
    -- the name case-folded: the list's order, with id as tie-break
    sort_key  TEXT NOT NULL CHECK (typeof(sort_key) = 'text'),
    city_key  TEXT NOT NULL CHECK (typeof(city_key) = 'text'),  -- the city case-folded: the `city` filter
    -- first and last name case-folded: the `q` prefix filter
    first_key TEXT NOT NULL CHECK (typeof(first_key) = 'text'),
    last_key  TEXT NOT NULL CHECK (typeof(last_key) = 'text')
);

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
    prefix    TEXT NOT NULL CHECK (typeof(prefix) = 'text'),
    sort_key  TEXT NOT NULL CHECK (typeof(sort_key) = 'text'),
    id        TEXT NOT NULL CHECK (typeof(id) = 'text'),
    name      TEXT NOT NULL CHECK (typeof(name) = 'text'),
    city      TEXT NOT NULL CHECK (typeof(city) = 'text'),
    city_key  TEXT NOT NULL CHECK (typeof(city_key) = 'text'),
    first_key TEXT NOT NULL CHECK (typeof(first_key) = 'text'),
    last_key  TEXT NOT NULL CHECK (typeof(last_key) = 'text'),
    PRIMARY KEY (prefix, sort_key, id)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS employee_name_prefix_view_by_id ON employee_name_prefix_view (id);

CREATE TABLE IF NOT EXISTS employee_details_view (
    id         TEXT    PRIMARY KEY CHECK (typeof(id) = 'text'),
    first_name TEXT    NOT NULL CHECK (typeof(first_name) = 'text'),
    last_name  TEXT    NOT NULL CHECK (typeof(last_name) = 'text'),
    street     TEXT    NOT NULL CHECK (typeof(street) = 'text'),
    zip        TEXT    NOT NULL CHECK (typeof(zip) = 'text'),
    city       TEXT    NOT NULL CHECK (typeof(city) = 'text'),
    version    INTEGER NOT NULL CHECK (typeof(version) = 'integer')
);

-- Responses of POST /employees sent with an Idempotency-Key, kept for replay for 24 hours.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key         TEXT    PRIMARY KEY CHECK (typeof(key) = 'text'),
    fingerprint TEXT    NOT NULL CHECK (typeof(fingerprint) = 'text'),  -- SHA-256 of the request payload
    status      INTEGER NOT NULL CHECK (typeof(status) = 'integer'),
    headers     TEXT    NOT NULL CHECK (typeof(headers) = 'text'),  -- JSON object
    body        BLOB    NOT NULL CHECK (typeof(body) = 'blob'),
    created_at  TEXT    NOT NULL CHECK (typeof(created_at) = 'text')
);

CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_at);

-- Event log: every change, in order, written in the same transaction as the write model.
-- UNIQUE (stream_id, version) makes the database itself refuse a second writer of one version.
CREATE TABLE IF NOT EXISTS events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,  -- global order, never reused
    stream_id      TEXT    NOT NULL CHECK (typeof(stream_id) = 'text'),  -- the employee id
    version        INTEGER NOT NULL CHECK (typeof(version) = 'integer' AND version >= 1),
    -- EmployeeCreated, EmployeeUpdated, EmployeeDeleted
    type           TEXT    NOT NULL CHECK (typeof(type) = 'text'),
    -- of the payload's shape, per type
    schema_version INTEGER NOT NULL CHECK (typeof(schema_version) = 'integer'),
    payload        TEXT    NOT NULL CHECK (typeof(payload) = 'text' AND json_valid(payload)),
    occurred_at    TEXT    NOT NULL CHECK (typeof(occurred_at) = 'text'),  -- UTC, ISO 8601
    correlation_id TEXT    NOT NULL CHECK (typeof(correlation_id) = 'text'),
    UNIQUE (stream_id, version)
);

-- Version 2: who caused each event, by API key id (the Spin variable api_keys). A row only where
-- keys are on; erasing an employee's data leaves it, since a key id is not the employee's data.
CREATE TABLE IF NOT EXISTS event_actors (
    seq   INTEGER PRIMARY KEY REFERENCES events (seq) CHECK (typeof(seq) = 'integer'),
    actor TEXT    NOT NULL CHECK (typeof(actor) = 'text' AND length(actor) BETWEEN 1 AND 64)
);

-- How far each projector has applied the log to its view table; rebuild_seq is the progress of
-- a rebuild into the projector's staging table (NULL when none is under way).
CREATE TABLE IF NOT EXISTS projection_checkpoints (
    projector   TEXT    PRIMARY KEY CHECK (typeof(projector) = 'text'),
    last_seq    INTEGER NOT NULL CHECK (typeof(last_seq) = 'integer'),
    rebuild_seq INTEGER CHECK (typeof(rebuild_seq) IN ('integer', 'null'))
);

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

-- Version 3: an employee's optional fields (api/representation.py, OPTIONAL_FIELDS), a row per field
-- set, its value as JSON text. Adding an optional field adds rows, never a column or a table
-- (docs/adding-a-field.md), so this file can stay idempotent: SQLite has no ADD COLUMN IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS employee_optional_fields (
    employee_id TEXT NOT NULL REFERENCES employees (id) ON DELETE CASCADE
                     CHECK (typeof(employee_id) = 'text'),
    name        TEXT NOT NULL CHECK (typeof(name) = 'text' AND length(name) BETWEEN 1 AND 64),
    value       TEXT NOT NULL CHECK (typeof(value) = 'text' AND json_valid(value)),
    PRIMARY KEY (employee_id, name)
) WITHOUT ROWID;

-- Their read side: GET /employees/{id} gathers an employee's rows into its document.
CREATE TABLE IF NOT EXISTS employee_optional_field_view (
    employee_id TEXT NOT NULL CHECK (typeof(employee_id) = 'text'),
    name        TEXT NOT NULL CHECK (typeof(name) = 'text'),
    value       TEXT NOT NULL CHECK (typeof(value) = 'text'),
    PRIMARY KEY (employee_id, name)
) WITHOUT ROWID;

-- Its staging table, made as the other views' are.
CREATE TABLE IF NOT EXISTS employee_optional_field_view_rebuild AS
    SELECT * FROM employee_optional_field_view WHERE 0;
CREATE UNIQUE INDEX IF NOT EXISTS employee_optional_field_view_rebuild_by_employee
    ON employee_optional_field_view_rebuild (employee_id, name);

-- No event before version 3 sets an optional field, so the empty view is up to date with the whole log.
INSERT OR IGNORE INTO projection_checkpoints (projector, last_seq)
    SELECT 'employee_optional_fields', coalesce(max(seq), 0) FROM events;

-- Last, so a version is recorded only after every statement above has run.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT    NOT NULL CHECK (typeof(description) = 'text'),
    applied_at  TEXT    NOT NULL CHECK (typeof(applied_at) = 'text')
);

INSERT OR IGNORE INTO schema_migrations (version, description, applied_at) VALUES
    (1, 'write model, event log, views and their staging tables', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    (2, 'event_actors: the API key behind each event', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    (3, 'optional fields: a row per field, written and viewed', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
