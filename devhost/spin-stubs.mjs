// Stand-ins for the imports a Spin component links against but this host does
// not provide (key-value, redis, postgres, mysql, mqtt, llm, config, outbound
// networking). Every function, static method and constructor fails with a
// clear message; the error carries the interface's own error variant as
// `payload`, which jco returns to the guest as `err(...)` for result-returning
// functions (other functions trap, which is the best a missing host can do).

export class UnsupportedInterfaceError extends Error {
  constructor(what, payloadFor) {
    super(`${what} is not supported by the devhost`);
    this.payload = payloadFor(this.message);
  }
}

// The error case each interface has for "something else went wrong".
const ERROR_PAYLOADS = {
  'fermyon:spin/key-value': (message) => ({ tag: 'other', val: message }),
  'fermyon:spin/llm': (message) => ({ tag: 'runtime-error', val: message }),
  'fermyon:spin/mqtt': (message) => ({ tag: 'other', val: message }),
  'fermyon:spin/mysql': (message) => ({ tag: 'other', val: message }),
  'fermyon:spin/postgres': (message) => ({ tag: 'other', val: message }),
  'fermyon:spin/redis': (message) => ({ tag: 'other', val: message }),
  'spin:postgres/postgres': (message) => ({ tag: 'other', val: message }),
  'spin:sqlite/sqlite': (message) => ({ tag: 'io', val: message }),
  'wasi:config/store': (message) => ({ tag: 'io', val: message }),
  'wasi:keyvalue/atomics': (message) => ({ tag: 'other', val: message }),
  'wasi:keyvalue/batch': (message) => ({ tag: 'other', val: message }),
  'wasi:keyvalue/store': (message) => ({ tag: 'other', val: message }),
  // Spin denies sockets unless allowed_outbound_hosts allows them; this host never does.
  'wasi:sockets/ip-name-lookup': () => 'access-denied',
  'wasi:sockets/tcp-create-socket': () => 'access-denied',
  'wasi:sockets/udp-create-socket': () => 'access-denied',
};

export const STUBBED_INTERFACES = Object.keys(ERROR_PAYLOADS);

/**
 * A member usable as a function, a class (for `instanceof`) or a holder of
 * static methods; any use fails. Symbol lookups fall through to the plain
 * function so jco does not mistake the stub for a custom lowering.
 */
function stubMember(iface, member, payloadFor) {
  const fail = (what) => () => {
    const error = new UnsupportedInterfaceError(`${iface}#${what}`, payloadFor);
    console.error(`devhost: ${error.message}`);
    throw error;
  };
  return new Proxy(function unsupported() {}, {
    apply: fail(member),
    construct: fail(member),
    get: (target, property) =>
      typeof property === 'symbol' || property === 'prototype' ? target[property] : fail(`${member}.${property}`),
  });
}

export function stubInterface(iface) {
  const payloadFor = ERROR_PAYLOADS[iface];
  return new Proxy(
    {},
    { get: (_, member) => (typeof member === 'string' ? stubMember(iface, member, payloadFor) : undefined) },
  );
}
