// Turns app.wasm into something that can answer requests: transpiles it with
// jco once per content hash into .spin/devhost/<sha256>/, compiles the core
// modules once, and instantiates them either once (shared, replaced after a
// trap, a number of requests, an idle time or a memory size) or per request
// (`--fresh-instance`, as Spin does for WASIp2 components).

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// jco's package exports hide package.json; its entry point is dist/api.js.
const JCO_PACKAGE = join(dirname(fileURLToPath(import.meta.resolve('@bytecodealliance/jco'))), '..', 'package.json');
const JCO_VERSION = JSON.parse(readFileSync(JCO_PACKAGE, 'utf8')).version;
const CACHE_MARKER = 'devhost-cache.json';
const JS_NAME = 'app';

async function isUsableCache(dir) {
  try {
    const marker = JSON.parse(await readFile(join(dir, CACHE_MARKER), 'utf8'));
    return marker.jco === JCO_VERSION && marker.patch === GLUE_PATCH;
  } catch {
    return false;
  }
}

// jco lowers an empty string that the host returns as pointer 1 without allocating it, but
// componentize-py frees every string it receives, so `""` from a host call (an empty Spin
// variable, an empty SQLite text value) traps in free(). Wasmtime allocates through the guest's
// realloc even for empty strings; so does the patched glue.
const GLUE_PATCH = 'empty-string-realloc-1';
const EMPTY_STRING_LOWERING = 'if (s.length === 0) { return { ptr: 1, len: 0 }; }';

const PATCHED_LOWERING = 'if (s.length === 0) { return { ptr: realloc(0, 0, 1, 0), len: 0 }; }';

/** The transpiled files with the glue patched; throws if no file had the text the patch replaces. */
export function patchGlue(files) {
  let patched = 0;
  const result = files.map(([name, bytes]) => {
    if (!name.endsWith('.js')) return [name, bytes];
    const source = Buffer.from(bytes).toString('utf8');
    patched += source.split(EMPTY_STRING_LOWERING).length - 1;
    return [name, source.replaceAll(EMPTY_STRING_LOWERING, PATCHED_LOWERING)];
  });
  if (patched === 0) {
    throw new Error(
      `jco ${JCO_VERSION} no longer emits \`${EMPTY_STRING_LOWERING}\`: the empty-string patch in ` +
        'devhost/component.mjs does not apply. Check how this jco lowers an empty string and update the patch.',
    );
  }
  return result;
}

async function transpileInto(wasm, dir) {
  const { transpile } = await import('@bytecodealliance/jco');
  const { files } = await transpile(wasm, {
    name: JS_NAME,
    instantiation: 'async',
    emitTypescriptDeclarations: false,
    quiet: true,
  });
  // Build in a scratch folder and rename, so a killed transpile is never reused.
  const scratch = `${dir}.tmp-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  for (const [name, contents] of patchGlue(Array.isArray(files) ? files : Object.entries(files))) {
    await mkdir(dirname(join(scratch, name)), { recursive: true });
    await writeFile(join(scratch, name), contents);
  }
  await writeFile(join(scratch, CACHE_MARKER), JSON.stringify({ jco: JCO_VERSION, patch: GLUE_PATCH }));
  await rm(dir, { recursive: true, force: true });
  await rename(scratch, dir);
}

/** Old transpiles are ~40 MB each; keep only the current one. */
async function pruneSiblings(dir) {
  const parent = dirname(dir);
  for (const entry of await readdir(parent)) {
    if (entry !== basename(dir)) await rm(join(parent, entry), { recursive: true, force: true });
  }
}

async function compileCoreModules(dir) {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.wasm'));
  const modules = await Promise.all(names.map(async (name) => WebAssembly.compile(await readFile(join(dir, name)))));
  return new Map(names.map((name, i) => [name, modules[i]]));
}

/**
 * @param {string} wasmPath the component
 * @param {string} cacheRoot folder for transpiled output (under .spin/)
 * @returns {Promise<{
 *   instantiate(imports: object): Promise<{ exports: object, linearMemoryBytes(): number }>,
 *   transpileMs: number | null,
 * }>}
 */
export async function loadComponent(wasmPath, cacheRoot) {
  const wasm = await readFile(wasmPath);
  const dir = join(cacheRoot, createHash('sha256').update(wasm).digest('hex'));
  let transpileMs = null;
  if (!(await isUsableCache(dir))) {
    const started = performance.now();
    await mkdir(cacheRoot, { recursive: true });
    await transpileInto(wasm, dir);
    transpileMs = performance.now() - started;
    await pruneSiblings(dir);
  }
  const [{ instantiate }, modules] = await Promise.all([
    import(pathToFileURL(join(dir, `${JS_NAME}.js`)).href),
    compileCoreModules(dir),
  ]);
  return {
    transpileMs,
    instantiate: (imports) => instantiateMeasured(instantiate, modules, imports),
  };
}

/**
 * Instantiates the transpiled component, keeping the linear memories its core instances export so
 * that the runner can tell how far the instance has grown.
 * @returns {Promise<{ exports: object, linearMemoryBytes(): number }>}
 */
async function instantiateMeasured(instantiate, modules, imports) {
  const memories = new Set();
  const instantiateCore = async (module, coreImports) => {
    const instance = await WebAssembly.instantiate(module, coreImports);
    for (const value of Object.values(instance.exports)) {
      if (value instanceof WebAssembly.Memory) memories.add(value);
    }
    return instance;
  };
  const exports = await instantiate((name) => modules.get(name), imports, instantiateCore);
  const linearMemoryBytes = () => [...memories].reduce((total, memory) => total + memory.buffer.byteLength, 0);
  return { exports, linearMemoryBytes };
}

// componentize-py 0.17 never frees part of what it lifts from the host: each request's wasi:http
// wrappers and header tuples, and every row and value of every SQLite result stay alive in the
// instance's linear memory (about 2 KiB for a get by id, 10 KiB for a create, 30 KiB for a list
// page of 50). Spin never notices: it drops the instance after every request. A shared instance
// does notice, and not only in memory: in Node 20, once a wasm memory is past about 60 MiB, almost
// every `memory.grow` the guest makes sets off a full mark-compact of the JS heap (~7 ms here), and
// a list page's p50 went from 3.5 ms to 12 ms over 8,000 requests. So a shared instance is replaced
// once its linear memory reaches this size, below where those collections start. This limit is the
// host's own and holds under Spin's reuse options too.
export const SHARED_INSTANCE_MEMORY_LIMIT = 48 * 2 ** 20;

// And after this many requests at the latest, unless --max-instance-reuse-count says otherwise:
// jco's handle tables also remember every resource an instance ever created, outside its linear
// memory.
export const REQUESTS_PER_SHARED_INSTANCE = 2000;

/**
 * Spin's instance reuse options (`spin up --max-instance-reuse-count`,
 * `--max-instance-concurrent-reuse-count`, `--idle-instance-timeout`; crates/trigger-http/src/lib.rs):
 * each is a value or a half-open range `A..B`, from which Spin draws one value per new instance.
 * @typedef {{ min: number, max: number } | null} Range  max is exclusive; min === max - 1 for one value
 * @typedef {{
 *   maxInstanceReuseCount: Range,
 *   maxInstanceConcurrentReuseCount: Range,
 *   idleInstanceTimeoutMs: Range,
 * }} ReuseOptions  null where the option was not given
 */

/** A value drawn from a range, as Spin's `rand::rng().random_range(range)` does for each instance. */
export function draw(range) {
  return range.min + Math.floor(Math.random() * (range.max - range.min));
}

/**
 * Runs requests through the component's `wasi:http/incoming-handler`.
 *
 * In fresh-instance mode every request gets an instance of its own. Otherwise one shared instance
 * serves the requests, one at a time (a WASIp2 export cannot be entered twice at once; the guest
 * call is synchronous, so requests reach it in turn), and is retired, to be replaced on the next
 * request, when:
 * - the guest traps (a throw out of `handle`), as Spin drops a WASIp3 instance that trapped;
 * - it has served its reuse count: `--max-instance-reuse-count` drawn for this instance, else 2,000;
 * - it has been idle for `--idle-instance-timeout` drawn for this instance (no idle limit without it);
 * - its linear memory has reached SHARED_INSTANCE_MEMORY_LIMIT.
 * An error response, or a request the guest ended without a response, retires nothing: under
 * Spin, too, a WASIp3 guest that returns an error code keeps its instance.
 */
export class ComponentRunner {
  #component;
  #imports;
  #freshInstance;
  #reuse;
  #log;
  #current = null;
  #instancesStarted = 0;

  /**
   * @param {object} options
   * @param {ReuseOptions} [options.reuse]
   * @param {(message: string) => void} [options.log]
   */
  constructor({ component, imports, freshInstance, reuse = {}, log = () => {} }) {
    this.#component = component;
    this.#imports = imports;
    this.#freshInstance = freshInstance;
    this.#reuse = reuse;
    this.#log = log;
  }

  /** Instantiates up front in shared mode so start-up errors show at start-up. */
  async warmUp() {
    if (!this.#freshInstance) await this.#startInstance().ready;
  }

  /**
   * Calls `handle(request, outparam)`; resolves once the guest has returned.
   * Rejects with the trap if the guest trapped.
   */
  async handle(request, outparam) {
    if (this.#freshInstance) {
      const instance = await this.#component.instantiate(this.#imports);
      instance.exports.incomingHandler.handle(request, outparam);
      return;
    }
    for (;;) {
      const shared = this.#current ?? this.#startInstance();
      let instance;
      try {
        instance = await shared.ready;
      } catch (error) {
        this.#retire(shared, null);
        throw error;
      }
      // Retired while we waited (by another request's trap or count, or by the idle timer).
      if (this.#current !== shared) continue;
      // From here to the end nothing awaits, so no other request can reach this instance meanwhile.
      this.#serveOn(shared, instance, request, outparam);
      return;
    }
  }

  #serveOn(shared, instance, request, outparam) {
    clearTimeout(shared.idleTimer);
    shared.served += 1;
    try {
      instance.exports.incomingHandler.handle(request, outparam);
    } catch (trap) {
      this.#retire(shared, 'the guest trapped');
      throw trap;
    }
    if (shared.served >= shared.reuseCount) {
      this.#retire(shared, shared.reuseCountReason);
    } else if (instance.linearMemoryBytes() >= SHARED_INSTANCE_MEMORY_LIMIT) {
      this.#retire(shared, `its linear memory reached ${SHARED_INSTANCE_MEMORY_LIMIT / 2 ** 20} MiB`);
    } else {
      this.#armIdleTimer(shared);
    }
  }

  #startInstance() {
    const { maxInstanceReuseCount, idleInstanceTimeoutMs } = this.#reuse;
    this.#instancesStarted += 1;
    const shared = {
      number: this.#instancesStarted,
      ready: this.#component.instantiate(this.#imports),
      served: 0,
      reuseCount: maxInstanceReuseCount ? draw(maxInstanceReuseCount) : REQUESTS_PER_SHARED_INSTANCE,
      reuseCountReason: maxInstanceReuseCount
        ? 'max-instance-reuse-count reached'
        : `the devhost's cap of ${REQUESTS_PER_SHARED_INSTANCE} requests reached`,
      idleMs: idleInstanceTimeoutMs ? draw(idleInstanceTimeoutMs) : null,
      idleTimer: undefined,
    };
    this.#current = shared;
    // Spin's idle clock starts when an instance has nothing to do, which includes right after start.
    shared.ready.then(
      () => this.#armIdleTimer(shared),
      () => {},
    );
    return shared;
  }

  #armIdleTimer(shared) {
    if (shared.idleMs === null || this.#current !== shared) return;
    clearTimeout(shared.idleTimer);
    const retire = () => this.#retire(shared, `idle for ${shared.idleMs} ms (idle-instance-timeout)`);
    shared.idleTimer = setTimeout(retire, shared.idleMs);
    shared.idleTimer.unref();
  }

  /** Drops the instance so the next request gets a new one; `reason` null for a failed instantiation. */
  #retire(shared, reason) {
    clearTimeout(shared.idleTimer);
    if (this.#current !== shared) return;
    this.#current = null;
    if (reason !== null) {
      const requests = `${shared.served} request${shared.served === 1 ? '' : 's'}`;
      this.#log(`devhost: instance ${shared.number} retired after ${requests}: ${reason}`);
    }
  }
}
