// Reads a Spin application manifest (spin_manifest_version = 2) and a Spin
// runtime config file into the plain objects the rest of the devhost uses.
// Only the parts of the formats this host implements are read; anything else
// that would change behaviour is rejected with a clear message.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';

export class ConfigError extends Error {}

/** Resolves `--from`: a manifest file, or a directory holding spin.toml. */
export function resolveManifestPath(from = 'spin.toml') {
  const path = resolve(from);
  if (existsSync(path) && statSync(path).isDirectory()) return join(path, 'spin.toml');
  return path;
}

export function loadManifest(manifestPath) {
  const doc = readToml(manifestPath, 'manifest');
  if (doc.spin_manifest_version !== 2) {
    throw new ConfigError(`${manifestPath}: only spin_manifest_version = 2 is supported`);
  }
  const appDir = dirname(manifestPath);
  const routes = readHttpTriggers(doc);
  const componentIds = [...new Set(routes.map((route) => route.componentId))];
  if (componentIds.length !== 1) {
    throw new ConfigError(
      `${manifestPath}: the devhost serves exactly one component through [[trigger.http]], found ${componentIds.length}`,
    );
  }
  return {
    appDir,
    name: doc.application?.name ?? '',
    routes,
    variables: readAppVariables(doc.variables ?? {}),
    component: readComponent(doc, componentIds[0], appDir),
  };
}

function readToml(path, what) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${what} ${path}: ${error.message}`);
  }
  try {
    return parseToml(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid TOML: ${error.message}`);
  }
}

function readHttpTriggers(doc) {
  const triggers = doc.trigger?.http ?? [];
  const routes = [];
  for (const trigger of triggers) {
    // `route = { private = true }` components are reachable only by service
    // chaining, which this host does not do.
    if (typeof trigger.route !== 'string') continue;
    if (typeof trigger.component !== 'string') {
      throw new ConfigError('[[trigger.http]] component must be the id of a [component.<id>] table');
    }
    routes.push({ route: trigger.route, componentId: trigger.component });
  }
  if (routes.length === 0) throw new ConfigError('the manifest has no [[trigger.http]] with a route');
  return routes;
}

function readAppVariables(table) {
  const variables = new Map();
  for (const [name, spec] of Object.entries(table)) {
    if (spec.required && spec.default !== undefined) {
      throw new ConfigError(`variable '${name}' cannot be both required and have a default`);
    }
    if (!spec.required && spec.default === undefined) {
      throw new ConfigError(`variable '${name}' must either be required or have a default`);
    }
    variables.set(name, { default: spec.default, required: Boolean(spec.required) });
  }
  return variables;
}

function readComponent(doc, id, appDir) {
  const table = doc.component?.[id];
  if (!table) throw new ConfigError(`[[trigger.http]] names component '${id}' but there is no [component.${id}]`);
  if (typeof table.source !== 'string') {
    throw new ConfigError(`[component.${id}] source must be a local file path (remote sources are not supported)`);
  }
  return {
    id,
    source: resolve(appDir, table.source),
    sqliteDatabases: new Set(table.sqlite_databases ?? []),
    allowedOutboundHosts: table.allowed_outbound_hosts ?? [],
    environment: Object.entries(table.environment ?? {}).map(([key, value]) => [key, String(value)]),
    variables: new Map(Object.entries(table.variables ?? {}).map(([key, value]) => [key, String(value)])),
  };
}

/**
 * Maps SQLite database labels to files. Without a runtime config, Spin keeps
 * the `default` database in `.spin/sqlite_db.db` next to the manifest; paths in
 * a runtime config are relative to that file's directory.
 */
export function loadSqliteDatabases(runtimeConfigPath, appDir) {
  const databases = new Map([['default', join(appDir, '.spin', 'sqlite_db.db')]]);
  if (!runtimeConfigPath) return databases;
  const doc = readToml(runtimeConfigPath, 'runtime config');
  const baseDir = dirname(resolve(runtimeConfigPath));
  for (const [label, spec] of Object.entries(doc.sqlite_database ?? {})) {
    if (spec.type !== 'spin') {
      throw new ConfigError(`[sqlite_database.${label}] type '${spec.type}' is not supported (only "spin")`);
    }
    if (typeof spec.path !== 'string') {
      throw new ConfigError(`[sqlite_database.${label}] needs a path (in-memory databases are not supported)`);
    }
    databases.set(label, isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path));
  }
  return databases;
}
