// Implements Spin's `fermyon:spin/sqlite@2.0.0` interface over real SQLite
// files with better-sqlite3, and runs `spin up --sqlite` start-up statements.
// Like Spin, every `connection.open` gets its own SQLite connection, so
// BEGIN/COMMIT on a connection behave as they do under Spin.

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

const BUSY_TIMEOUT_MS = 5000; // rusqlite's default, which Spin keeps
const MAX_CONNECTIONS = 256; // size of Spin's per-instance connection table
const symbolDispose = Symbol.dispose || Symbol.for('dispose');

export class SqliteError extends Error {
  constructor(payload) {
    super(payload.tag === 'io' ? payload.val : payload.tag);
    // jco returns an own `payload` property as the `err` of a result-returning import.
    this.payload = payload;
  }
}

const io = (message) => new SqliteError({ tag: 'io', val: message });

function openDatabase(path) {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  db.defaultSafeIntegers(true);
  // Spin's SQLite (rusqlite "bundled") and better-sqlite3 both enforce foreign
  // keys by default; only better-sqlite3 also turns recursive triggers on.
  db.pragma('recursive_triggers = OFF');
  return db;
}

// Integers arrive as BigInt and blobs as Uint8Array, both of which better-sqlite3 binds as is.
const toSqlite = (value) => (value.tag === 'null' ? null : value.val);

function fromSqlite(value) {
  if (value === null) return { tag: 'null' };
  if (typeof value === 'bigint') return { tag: 'integer', val: value };
  if (typeof value === 'number') return { tag: 'real', val: value };
  if (typeof value === 'string') return { tag: 'text', val: value };
  return { tag: 'blob', val: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
}

/** better-sqlite3 words one rusqlite error differently; keep Spin's text. */
function sqliteMessage(error) {
  if (/more than one statement/.test(error.message)) return 'Multiple statements provided';
  return error.message;
}

/** Runs one statement and shapes the result like Spin's query-result record. */
export function executeStatement(db, statement, parameters) {
  const prepared = db.prepare(statement);
  if (!prepared.reader) {
    prepared.run(...parameters);
    return { columns: [], rows: [] };
  }
  const columns = prepared.columns().map((column) => column.name);
  const rows = prepared
    .raw(true)
    .all(...parameters)
    .map((values) => ({ values: values.map(fromSqlite) }));
  return { columns, rows };
}

export class SqliteHost {
  #databases;
  #allowed;
  #open = new Set();

  /**
   * @param {Map<string, string>} databases label -> database file
   * @param {Set<string>} allowed labels listed in the component's sqlite_databases
   */
  constructor(databases, allowed) {
    this.#databases = databases;
    this.#allowed = allowed;
  }

  /** The `fermyon:spin/sqlite@2.0.0` import object. */
  interface() {
    const host = this;
    class Connection {
      #db;

      // The WIT resource has no constructor, so only `open` can make one.
      constructor(db) {
        this.#db = db;
      }

      static open(label) {
        return new Connection(host.#openConnection(label));
      }

      execute(statement, parameters) {
        if (!this.#db?.open) throw new SqliteError({ tag: 'invalid-connection' });
        try {
          return executeStatement(this.#db, statement, parameters.map(toSqlite));
        } catch (error) {
          if (error instanceof SqliteError) throw error;
          throw io(sqliteMessage(error));
        }
      }

      [symbolDispose]() {
        host.#close(this.#db);
      }
    }
    return { Connection };
  }

  #openConnection(label) {
    // Spin checks the component's permission before the label's existence.
    if (!this.#allowed.has(label)) throw new SqliteError({ tag: 'access-denied' });
    const path = this.#databases.get(label);
    if (path === undefined) throw new SqliteError({ tag: 'no-such-database' });
    if (this.#open.size >= MAX_CONNECTIONS) throw io('too many connections opened');
    let db;
    try {
      db = openDatabase(path);
    } catch (error) {
      throw io(error.message);
    }
    this.#open.add(db);
    return db;
  }

  #close(db) {
    if (!this.#open.delete(db)) return;
    // Dropping a connection mid-transaction rolls it back, as SQLite does on close.
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }

  /** Spin ties connections to the request's instance: end them with the request. */
  closeAll() {
    for (const db of [...this.#open]) this.#close(db);
  }

  /**
   * Applies `--sqlite` arguments like `spin up`: `@file[:label]` runs the file
   * as a batch against that database (default `default`), anything else runs as
   * one statement against `default`. Files are relative to the working directory.
   */
  runStartupStatements(statements) {
    for (const statement of statements) {
      if (statement.startsWith('@')) this.#runFile(statement.slice(1));
      else this.#runDefault(statement);
    }
  }

  #runFile(config) {
    const { file, label } = parseFileAndLabel(config);
    const path = this.#databases.get(label);
    if (path === undefined) {
      throw new Error(`based on the '@${config}' a registered database named '${label}' was expected but not found.`);
    }
    let sql;
    try {
      sql = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`could not read file '${file}' containing sql statements: ${error.message}`);
    }
    withDatabase(path, (db) => {
      try {
        db.exec(sql);
      } catch (error) {
        throw new Error(`failed to execute sql against database '${label}' from file '${file}': ${error.message}`);
      }
    });
  }

  #runDefault(statement) {
    withDatabase(this.#databases.get('default'), (db) => {
      try {
        executeStatement(db, statement, []);
      } catch (error) {
        throw new Error(
          `failed to execute following sql statement against default database: '${statement}': ${sqliteMessage(error)}`,
        );
      }
    });
  }
}

function withDatabase(path, action) {
  const db = openDatabase(path);
  try {
    action(db);
  } finally {
    db.close();
  }
}

/** Parses the `file[:label]` part of an `@file[:label]` --sqlite argument like Spin. */
export function parseFileAndLabel(config) {
  const trimmed = config.trim();
  if (trimmed === '') throw new Error(`database configuration is empty in the '@${config}' sqlite statement`);
  const colon = trimmed.indexOf(':');
  if (colon === -1) return { file: trimmed, label: 'default' };
  const file = trimmed.slice(0, colon).trim();
  const label = trimmed.slice(colon + 1).trim();
  if (label === '') throw new Error(`database label is empty in the '@${config}' sqlite statement`);
  if (file === '') throw new Error(`file path is empty in the '@${config}' sqlite statement`);
  return { file, label };
}
