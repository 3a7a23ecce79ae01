// Turns app.wasm into something that can answer requests: transpiles it with
// jco once per content hash into .spin/devhost/<sha256>/, compiles the core
// modules once, and instantiates them either once (shared, replaced after a
// trap) or per request (`--fresh-instance`, as Spin does).

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
// once its linear memory reaches this size, below where those collections start.
export const SHARED_INSTANCE_MEMORY_LIMIT = 48 * 2 ** 20;

// And after this many requests at the latest: jco's handle tables also remember every resource an
// instance ever created, outside its linear memory.
export const REQUESTS_PER_SHARED_INSTANCE = 2000;

/**
 * Runs requests through the component's `wasi:http/incoming-handler`.
 * A throw out of `handle` is a trap: the instance is poisoned and replaced.
 */
export class ComponentRunner {
  #component;
  #imports;
  #freshInstance;
  #shared = null;
  #servedByShared = 0;

  constructor({ component, imports, freshInstance }) {
    this.#component = component;
    this.#imports = imports;
    this.#freshInstance = freshInstance;
  }

  /** Instantiates up front in shared mode so start-up errors show at start-up. */
  async warmUp() {
    if (!this.#freshInstance) await this.#acquire();
  }

  /**
   * Calls `handle(request, outparam)`; resolves once the guest has returned.
   * Rejects with the trap if the guest trapped.
   */
  async handle(request, outparam) {
    const { instance, discard } = await this.#acquire();
    try {
      instance.exports.incomingHandler.handle(request, outparam);
    } catch (trap) {
      discard();
      throw trap;
    }
    if (!this.#freshInstance && this.#sharedIsSpent(instance)) discard();
  }

  #sharedIsSpent(instance) {
    this.#servedByShared += 1;
    return (
      this.#servedByShared >= REQUESTS_PER_SHARED_INSTANCE ||
      instance.linearMemoryBytes() >= SHARED_INSTANCE_MEMORY_LIMIT
    );
  }

  async #acquire() {
    if (this.#freshInstance) {
      return { instance: await this.#component.instantiate(this.#imports), discard: () => {} };
    }
    if (this.#shared === null) {
      this.#shared = this.#component.instantiate(this.#imports);
      this.#servedByShared = 0;
    }
    const pending = this.#shared;
    const discard = () => {
      if (this.#shared === pending) this.#shared = null;
    };
    let instance;
    try {
      instance = await pending;
    } catch (error) {
      discard();
      throw error;
    }
    // Another request may have trapped this instance while we waited for it.
    if (this.#shared !== pending) return this.#acquire();
    return { instance, discard };
  }
}
