-- The whole schema, safe to run on every start: `spin up --sqlite @migrations.sql`.
-- Every statement is idempotent. No sample data: the service starts empty.

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
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,  -- "Last, First"
    city     TEXT NOT NULL,
    sort_key TEXT NOT NULL   -- name, case-folded: the list's order
) STRICT;

CREATE INDEX IF NOT EXISTS employee_list_view_by_sort_key
    ON employee_list_view (sort_key, id);

CREATE TABLE IF NOT EXISTS employee_details_view (
    id         TEXT    PRIMARY KEY,
    first_name TEXT    NOT NULL,
    last_name  TEXT    NOT NULL,
    street     TEXT    NOT NULL,
    zip        TEXT    NOT NULL,
    city       TEXT    NOT NULL,
    version    INTEGER NOT NULL
) STRICT;
