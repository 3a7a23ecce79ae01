"""A MODEL of the statement check a libSQL server (sqld, what Turso runs) applies before SQLite sees
a statement. We cannot run the server here, so this reproduces its documented rules, and the unit
tests' databases refuse what it refuses.

Sources:
- libsql-server/src/query_analysis.rs in tursodatabase/libsql, commit
  0db03d50a37eb2900b006f7a39eac3441cee8d2e: `StmtKind::kind` (which statements are served at all:
  transactions, savepoints, non-temporary CREATE, INSERT, UPDATE, DELETE, DROP, ALTER TABLE,
  SELECT, PRAGMA; everything else, such as VACUUM, ATTACH or ANALYZE, is "unsupported statement")
  and `StmtKind::pragma_kind` (which PRAGMAs may set a value).
- The parser, vendored/sqlite3-parser in the same repository, as released in libsql-server
  0.24.33: measured with real Spin 3.6.1 (issue 11), it refuses a `STRICT` table option with
  "SQL string could not be parsed: syntax error around L1:288: STRICT". Later parser sources have a
  rule for STRICT; the model follows the release that was measured.

The refusal texts are the server's own, so `storage.database.error_from_message` sees in the tests
what it sees through Spin.
"""

import re
import sqlite3

# query_analysis.rs, pragma_kind: the pragmas that may be served at all, with or without a value.
PRAGMAS_WITH_VALUE = frozenset(
    {
        # "always ok to be served by primary or replicas - pure readonly pragmas"
        *("table_list", "index_list", "table_info", "table_xinfo", "index_xinfo", "pragma_list"),
        *("compile_options", "database_list", "function_list", "module_list", "encoding"),
        # "always ok to be served by primary"
        *("defer_foreign_keys", "foreign_keys", "foreign_key_list", "foreign_key_check"),
        *("collation_list", "data_version", "freelist_count", "integrity_check"),
        *("legacy_file_format", "page_count", "quick_check", "stats", "user_version"),
    }
)
# "ok to be served by primary without args": reading is fine, setting a value is refused.
PRAGMAS_READ_ONLY = frozenset(
    {
        *("analysis_limit", "application_id", "auto_vacuum", "automatic_index", "busy_timeout"),
        *("cache_size", "cache_spill", "cell_size_check", "checkpoint_fullfsync", "fullfsync"),
        *("hard_heap_limit", "journal_mode", "journal_size_limit", "legacy_alter_table"),
        *("locking_mode", "max_page_count", "mmap_size", "page_size", "query_only"),
        *("read_uncommitted", "recursive_triggers", "reverse_unordered_selects", "schema_version"),
        *("secure_delete", "soft_heap_limit", "synchronous", "temp_store", "threads"),
        *("trusted_schema", "wal_autocheckpoint"),
    }
)
RESERVED_TABLES = frozenset({"_litestream_seq", "_litestream_lock", "libsql_wasm_func_table"})

_TOKEN = re.compile(
    r"""--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\w+|\S""", re.DOTALL
)
_WRITES = {"INSERT", "REPLACE", "UPDATE", "DELETE"}
_SERVED_FIRST_WORDS = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "SELECT", "VALUES"}


def statements(script: str) -> list[str]:
    """The statements of a SQL script, each as written (comments included), split where SQLite would."""
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if tokens(pending):
        found.append(pending.strip())
    return found


def tokens(sql: str) -> list[str]:
    """Words, quoted names, strings and punctuation; comments dropped."""
    return [t for t in _TOKEN.findall(sql) if not t.startswith(("--", "/*"))]


def refusal(sql: str) -> str | None:
    """What the server answers instead of running this one statement; None when it runs it."""
    words = [t.upper() if t[0].isalpha() or t[0] == "_" else t for t in tokens(sql)]
    while words and words[-1] == ";":
        words.pop()
    if not words:
        return None
    if _has_strict_option(words):
        return f"SQL string could not be parsed: syntax error around L1:{_column_of_strict(sql)}: STRICT"
    if not _served(words):
        return f"unsupported statement: {' '.join(sql.split())}"
    return None


def _served(words: list[str]) -> bool:
    if words[0] == "EXPLAIN":
        return True  # EXPLAIN of a PRAGMA is judged as the PRAGMA, but we never send one
    first = words[0]
    if first in _SERVED_FIRST_WORDS:
        return True
    if first == "WITH":
        return any(word in {"SELECT", *_WRITES} for word in words)
    if first in _WRITES:
        return _target(words).lower() not in RESERVED_TABLES
    if first in {"DROP", "ALTER"}:
        return _target(words).lower() not in RESERVED_TABLES
    if first == "CREATE":
        return _create_served(words)
    if first == "PRAGMA":
        return _pragma_served(words)
    return False  # VACUUM, ATTACH, DETACH, ANALYZE, REINDEX


def _create_served(words: list[str]) -> bool:
    """Temporary tables, triggers and views belong to one connection, which sqld does not keep."""
    if words[1] in {"TEMP", "TEMPORARY"}:
        return False
    if words[1] == "TABLE":
        name = _after_if_not_exists(words, 2)
        return not (len(name) > 1 and name[0] == "TEMP" and name[1] == ".")
    return words[1] in {"INDEX", "UNIQUE", "VIEW", "TRIGGER", "VIRTUAL"}


def _pragma_served(words: list[str]) -> bool:
    name_at = 3 if len(words) > 2 and words[2] == "." else 1
    name = words[name_at].lower()
    has_value = len(words) > name_at + 1
    if name in PRAGMAS_WITH_VALUE:
        return True
    return name in PRAGMAS_READ_ONLY and not has_value


def _target(words: list[str]) -> str:
    """The table a write or DROP/ALTER names (good enough for the reserved-name check)."""
    skip = {"OR", "ROLLBACK", "ABORT", "REPLACE", "FAIL", "IGNORE", "INTO", "FROM", "TABLE"}
    skip |= {"INDEX", "VIEW", "TRIGGER", "IF", "EXISTS", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER"}
    return next((word for word in words if word not in skip), "")


def _after_if_not_exists(words: list[str], at: int) -> list[str]:
    return words[at + 3 :] if words[at : at + 3] == ["IF", "NOT", "EXISTS"] else words[at:]


def _has_strict_option(words: list[str]) -> bool:
    """A CREATE TABLE whose options, after the column list's closing parenthesis, name STRICT."""
    if words[:2] != ["CREATE", "TABLE"] or "(" not in words:
        return False
    depth, closed_at = 0, None
    for index, word in enumerate(words):
        depth += {"(": 1, ")": -1}.get(word, 0)
        if word == ")" and depth == 0:
            closed_at = index
            break
    return closed_at is not None and "STRICT" in words[closed_at + 1 :]


def _column_of_strict(sql: str) -> int:
    one_line = " ".join(sql.split())
    return one_line.upper().rfind("STRICT") + 1
