#!/usr/bin/env node
// `spin up` for machines without Spin: serves the manifest's HTTP component
// with Node, a jco transpile of app.wasm, and real SQLite. Run it from the
// project root like the real command:
//
//   node devhost/spin-up.mjs [--from spin.toml] [--listen 127.0.0.1:3000]
//     [--sqlite @file.sql | --sqlite "SQL"]... [--runtime-config-file FILE]
//     [--env KEY=VALUE]... [--variable NAME=VALUE]... [--fresh-instance]
//     [--max-instance-reuse-count N] [--max-instance-concurrent-reuse-count N]
//     [--idle-instance-timeout DURATION]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { ComponentRunner, loadComponent } from './component.mjs';
import { createSpinServer } from './http-server.mjs';
import { buildImports } from './imports.mjs';
import { loadManifest, loadSqliteDatabases, resolveManifestPath } from './manifest.mjs';
import { Router } from './router.mjs';
import { SqliteHost } from './sqlite-host.mjs';
import { VariableResolver } from './variables.mjs';

const USAGE = `Usage: node devhost/spin-up.mjs [options]

  -f, --from <path>              manifest file or its directory (default: spin.toml)
      --listen <host:port>       address to serve on (default: 127.0.0.1:3000)
      --sqlite <@file[:label] | SQL>
                                 run SQL against a database before serving (repeatable)
      --runtime-config-file <path>
                                 Spin runtime config (sqlite_database labels)
  -e, --env <KEY=VALUE>          environment variable for the component (repeatable)
      --variable <NAME=VALUE | NAME=@file>
                                 value for an application variable (repeatable)
      --fresh-instance           instantiate the component for every request, as Spin does for
                                 a WASIp2 component
      --max-instance-reuse-count <N | A..B>
                                 requests one instance serves before it is dropped (default:
                                 2000, or a memory size; Spin's WASIp3 default is 128)
      --max-instance-concurrent-reuse-count <N | A..B>
                                 accepted for Spin compatibility; no effect: a WASIp2 instance
                                 serves one request at a time
      --idle-instance-timeout <DURATION | A..B>
                                 drop an instance idle this long (e.g. 1s, 500ms; default: never;
                                 Spin's default is 1s)
  -h, --help                     show this help`;

class UsageError extends Error {}

const log = (message) => process.stderr.write(`${message}\n`);

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string', short: 'f', default: 'spin.toml' },
      listen: { type: 'string', default: '127.0.0.1:3000' },
      sqlite: { type: 'string', multiple: true, default: [] },
      'runtime-config-file': { type: 'string' },
      env: { type: 'string', short: 'e', multiple: true, default: [] },
      variable: { type: 'string', multiple: true, default: [] },
      'fresh-instance': { type: 'boolean', default: false },
      'max-instance-reuse-count': { type: 'string' },
      'max-instance-concurrent-reuse-count': { type: 'string' },
      'idle-instance-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    ...values,
    listen: parseListen(values.listen),
    env: values.env.map((pair) => splitPair(pair, '--env')),
    variables: new Map(values.variable.map(parseVariableFlag)),
    reuse: parseReuseOptions(values),
  };
}

// Spin's instance reuse options, with Spin's syntax (crates/trigger-http/src/lib.rs, `parse_range`
// and `ParsedDuration`): a value, or `A..B`, a half-open range from which each new instance draws.
const REUSE_FLAGS = ['max-instance-reuse-count', 'max-instance-concurrent-reuse-count', 'idle-instance-timeout'];

function parseReuseOptions(values) {
  const given = REUSE_FLAGS.filter((flag) => values[flag] !== undefined);
  if (values['fresh-instance'] && given.length > 0) {
    throw new UsageError(`--fresh-instance cannot be combined with --${given[0]}: every request gets an instance`);
  }
  const option = (flag, parse) => (values[flag] === undefined ? null : parseRange(values[flag], `--${flag}`, parse));
  return {
    maxInstanceReuseCount: option('max-instance-reuse-count', parseCount),
    maxInstanceConcurrentReuseCount: option('max-instance-concurrent-reuse-count', parseCount),
    idleInstanceTimeoutMs: option('idle-instance-timeout', parseDurationMs),
  };
}

function parseRange(text, flag, parse) {
  const [start, end, ...rest] = text.split('..');
  if (rest.length > 0) throw new UsageError(`${flag} expects a value or a range A..B, got '${text}'`);
  const min = parse(start, flag);
  if (end === undefined) return { min, max: min + 1 };
  const max = parse(end, flag);
  if (!(min < max)) throw new UsageError(`${flag}: the range ${text} is empty (A..B includes A, not B)`);
  return { min, max };
}

function parseCount(text, flag) {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${flag} expects a whole number of at least 1, got '${text}'`);
  }
  return Number(text);
}

const DURATION_UNITS_MS = { s: 1000, ms: 1, us: 1e-3, μs: 1e-3, ns: 1e-6 };

/** A number of seconds, or a number with the suffix s, ms, us, μs or ns; in milliseconds. */
function parseDurationMs(text, flag) {
  const match = /^(\d+)(s|ms|us|μs|ns)?$/.exec(text);
  if (!match) {
    throw new UsageError(`${flag} expects whole seconds, or a whole number with s, ms, us, μs or ns, got '${text}'`);
  }
  return Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's'];
}

function splitPair(pair, flag) {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} expects NAME=VALUE, got '${pair}'`);
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

function parseVariableFlag(pair) {
  const [name, value] = splitPair(pair, '--variable');
  return [name, value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value];
}

function parseListen(listen) {
  const match = /^(?:\[(?<v6>[^\]]+)\]|(?<host>[^:]+)):(?<port>\d+)$/.exec(listen);
  if (!match) throw new UsageError(`--listen expects HOST:PORT, got '${listen}'`);
  return { host: match.groups.v6 ?? match.groups.host, port: Number(match.groups.port) };
}

function listen(server, { host, port }) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address());
    });
  });
}

function baseUrl({ address, family, port }) {
  return family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

function stopOnSignals(server, sqlite) {
  const stop = (signal) => {
    log(`devhost: ${signal} received, shutting down`);
    server.close();
    server.closeAllConnections();
    sqlite.closeAll();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const manifest = loadManifest(resolveManifestPath(options.from));
  const { component } = manifest;
  if (component.allowedOutboundHosts.length > 0) {
    log('devhost: outbound networking is not supported; allowed_outbound_hosts is ignored');
  }

  const variables = new VariableResolver({
    appVariables: manifest.variables,
    componentId: component.id,
    componentVariables: component.variables,
    overrides: options.variables,
    env: process.env,
    dotenvPath: join(manifest.appDir, '.env'),
  });
  variables.checkRequired();

  const sqlite = new SqliteHost(
    loadSqliteDatabases(options['runtime-config-file'], manifest.appDir),
    component.sqliteDatabases,
  );
  sqlite.runStartupStatements(options.sqlite);

  const loaded = await loadComponent(component.source, join(manifest.appDir, '.spin', 'devhost'));
  if (loaded.transpileMs !== null) log(`devhost: transpiled ${component.source} in ${Math.round(loaded.transpileMs)} ms`);

  // Like Spin, the component sees only the environment the manifest and --env give it.
  const environment = [...new Map([...component.environment, ...options.env])];
  if (options.reuse.maxInstanceConcurrentReuseCount !== null) {
    log('devhost: --max-instance-concurrent-reuse-count has no effect: a WASIp2 instance serves one request at a time');
  }
  const runner = new ComponentRunner({
    component: loaded,
    imports: buildImports({ environment, sqlite: sqlite.interface(), variables }),
    freshInstance: options['fresh-instance'],
    reuse: options.reuse,
    log,
  });
  await runner.warmUp();

  const router = new Router(manifest.routes);
  const server = createSpinServer({ router, runner, sqlite, log });
  const url = baseUrl(await listen(server, options.listen));
  stopOnSignals(server, sqlite);
  console.log(`\nServing ${url}\nAvailable Routes:\n${router.describe(url).join('\n')}`);
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError || error.code?.startsWith('ERR_PARSE_ARGS')) {
    log(`Error: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  log(`Error: ${error.message}`);
  process.exit(1);
});
