// Assembles the import object a transpiled Spin HTTP component is
// instantiated with, keyed by WIT interface name (jco's instantiation mode
// drops versions from the keys). WASI comes from preview2-shim except where
// Spin behaves differently: no host environment, arguments or preopened
// directories, empty stdin, and guest stdout sent to the host's stderr.

import { cli, clocks, filesystem, io, random, sockets } from '@bytecodealliance/preview2-shim';
import { STUBBED_INTERFACES, stubInterface } from './spin-stubs.mjs';
import { emptyInputStream, outgoingHandler, types as httpTypes } from './wasi-http.mjs';

export class GuestExitError extends Error {}

function cliImports(environment) {
  return {
    'wasi:cli/environment': {
      getEnvironment: () => environment,
      getArguments: () => [],
      initialCwd: () => undefined,
    },
    // The shim would exit the whole host; Spin fails only the request.
    'wasi:cli/exit': {
      exit(status) {
        throw new GuestExitError(`guest called exit (${status.tag === 'ok' ? 0 : 1})`);
      },
    },
    'wasi:cli/stdin': { getStdin: emptyInputStream },
    'wasi:cli/stdout': { getStdout: () => cli.stderr.getStderr() },
    'wasi:cli/stderr': cli.stderr,
    'wasi:cli/terminal-input': cli.terminalInput,
    'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stdin': cli.terminalStdin,
    'wasi:cli/terminal-stdout': cli.terminalStdout,
    'wasi:cli/terminal-stderr': cli.terminalStderr,
  };
}

function wasiImports() {
  return {
    'wasi:clocks/monotonic-clock': clocks.monotonicClock,
    'wasi:clocks/wall-clock': clocks.wallClock,
    'wasi:filesystem/preopens': { getDirectories: () => [] },
    'wasi:filesystem/types': filesystem.types,
    'wasi:io/error': io.error,
    'wasi:io/poll': io.poll,
    'wasi:io/streams': io.streams,
    'wasi:random/random': random.random,
    'wasi:random/insecure': random.insecure,
    'wasi:random/insecure-seed': random.insecureSeed,
    'wasi:sockets/instance-network': sockets.instanceNetwork,
    'wasi:sockets/network': sockets.network,
    'wasi:sockets/tcp': sockets.tcp,
    'wasi:sockets/udp': sockets.udp,
    'wasi:http/types': httpTypes,
    'wasi:http/outgoing-handler': outgoingHandler,
  };
}

/**
 * @param {object} options
 * @param {[string, string][]} options.environment the component's environment variables
 * @param {{ Connection: Function }} options.sqlite the `fermyon:spin/sqlite` implementation
 * @param {{ get(name: string): string }} options.variables
 */
export function buildImports({ environment, sqlite, variables }) {
  const stubs = Object.fromEntries(STUBBED_INTERFACES.map((name) => [name, stubInterface(name)]));
  return {
    ...stubs,
    ...cliImports(environment),
    ...wasiImports(),
    'fermyon:spin/sqlite': sqlite,
    'fermyon:spin/variables': { get: (name) => variables.get(name) },
  };
}
