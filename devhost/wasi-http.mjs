// Implements the `wasi:http/types@0.2.0` resources for one buffered exchange
// per request: the host builds the incoming request from bytes it already
// holds and reads back the outgoing response once `handle` returns. The shim's
// own HTTP types are tied to its worker-thread server, so they are replaced
// here; body streams subclass the shim's stream classes so the guest's
// `wasi:io/streams` import accepts them, but keep their bytes in this thread.
// Failures of result-returning methods are thrown as the bare error value
// (`{ tag: ... }` or `undefined`), which jco hands to the guest as `err(...)`.

import { validateHeaderName, validateHeaderValue } from 'node:http';
import { clocks, io } from '@bytecodealliance/preview2-shim';

const symbolDispose = Symbol.dispose || Symbol.for('dispose');
const MAX_WRITE = 1n << 20n;

// Headers wasmtime (and so Spin) never lets a guest see or set.
const FORBIDDEN_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
]);

export const isForbiddenHeader = (name) => FORBIDDEN_HEADERS.has(name.toLowerCase());

const readyPollable = () => clocks.monotonicClock.subscribeDuration(0n);

class BytesInputStream extends io.streams.InputStream {
  #bytes;
  #offset = 0;

  constructor(bytes) {
    super();
    this.#bytes = bytes;
  }

  read(len) {
    if (this.#offset >= this.#bytes.length) throw { tag: 'closed' };
    const end = Math.min(this.#bytes.length, this.#offset + Number(len));
    const chunk = this.#bytes.subarray(this.#offset, end);
    this.#offset = end;
    return chunk;
  }

  blockingRead(len) {
    return this.read(len);
  }

  skip(len) {
    return BigInt(this.read(len).length);
  }

  blockingSkip(len) {
    return this.skip(len);
  }

  subscribe() {
    return readyPollable();
  }

  [symbolDispose]() {}
}

export const emptyInputStream = () => new BytesInputStream(new Uint8Array(0));

class CollectingOutputStream extends io.streams.OutputStream {
  #chunks;

  constructor(chunks) {
    super();
    this.#chunks = chunks;
  }

  checkWrite() {
    return MAX_WRITE;
  }

  write(bytes) {
    this.#chunks.push(bytes);
  }

  blockingWriteAndFlush(bytes) {
    this.#chunks.push(bytes);
  }

  flush() {}

  blockingFlush() {}

  writeZeroes(len) {
    this.#chunks.push(new Uint8Array(Number(len)));
  }

  blockingWriteZeroesAndFlush(len) {
    this.writeZeroes(len);
  }

  splice(source, len) {
    const bytes = source.read(len);
    this.#chunks.push(bytes);
    return BigInt(bytes.length);
  }

  blockingSplice(source, len) {
    return this.splice(source, len);
  }

  subscribe() {
    return readyPollable();
  }

  [symbolDispose]() {}
}

function checkHeader(name, value) {
  try {
    validateHeaderName(name);
    if (value !== undefined) validateHeaderValue(name, Buffer.from(value).toString('latin1'));
  } catch {
    throw { tag: 'invalid-syntax' };
  }
  if (isForbiddenHeader(name)) throw { tag: 'forbidden' };
}

let lockFields;

export class Fields {
  #entries = [];
  #immutable = false;

  static fromList(entries) {
    const fields = new Fields();
    for (const [name, value] of entries) fields.append(name, value);
    return fields;
  }

  get(name) {
    const lower = name.toLowerCase();
    return this.#entries.filter(([key]) => key === lower).map(([, value]) => value);
  }

  has(name) {
    return this.get(name).length > 0;
  }

  set(name, values) {
    this.#checkMutable();
    for (const value of values) checkHeader(name, value);
    this.delete(name);
    for (const value of values) this.#entries.push([name.toLowerCase(), value]);
  }

  delete(name) {
    this.#checkMutable();
    const lower = name.toLowerCase();
    this.#entries = this.#entries.filter(([key]) => key !== lower);
  }

  append(name, value) {
    this.#checkMutable();
    checkHeader(name, value);
    this.#entries.push([name.toLowerCase(), value]);
  }

  entries() {
    return this.#entries.map(([name, value]) => [name, value]);
  }

  clone() {
    const copy = new Fields();
    copy.#entries = this.entries();
    return copy;
  }

  #checkMutable() {
    if (this.#immutable) throw { tag: 'immutable' };
  }

  static {
    // Incoming headers are immutable and may hold names a guest could not set.
    lockFields = (entries) => {
      const fields = new Fields();
      fields.#entries = entries.map(([name, value]) => [name.toLowerCase(), value]);
      fields.#immutable = true;
      return fields;
    };
  }
}

export class FutureTrailers {
  #taken = false;

  subscribe() {
    return readyPollable();
  }

  get() {
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: { tag: 'ok', val: undefined } };
  }
}

let createIncomingBody;

export class IncomingBody {
  #stream;

  stream() {
    if (!this.#stream) throw undefined;
    const stream = this.#stream;
    this.#stream = null;
    return stream;
  }

  static finish() {
    return new FutureTrailers();
  }

  static {
    createIncomingBody = (bytes) => {
      const body = new IncomingBody();
      body.#stream = new BytesInputStream(bytes);
      return body;
    };
  }
}

const METHODS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);

function methodVariant(method) {
  const lower = method.toLowerCase();
  return METHODS.has(lower) ? { tag: lower } : { tag: 'other', val: method };
}

let createIncomingRequest;

export class IncomingRequest {
  #method;
  #pathWithQuery;
  #authority;
  #headers;
  #body;

  method() {
    return this.#method;
  }

  pathWithQuery() {
    return this.#pathWithQuery;
  }

  scheme() {
    return { tag: 'HTTP' };
  }

  authority() {
    return this.#authority;
  }

  headers() {
    return this.#headers;
  }

  consume() {
    if (!this.#body) throw undefined;
    const body = this.#body;
    this.#body = null;
    return body;
  }

  static {
    createIncomingRequest = ({ method, pathWithQuery, authority, headers, body }) => {
      const request = new IncomingRequest();
      request.#method = methodVariant(method);
      request.#pathWithQuery = pathWithQuery;
      request.#authority = authority;
      request.#headers = lockFields(headers);
      request.#body = createIncomingBody(body);
      return request;
    };
  }
}

let readOutgoingBody;

export class OutgoingBody {
  #chunks = [];
  #stream;
  #expectedLength;
  #finished = false;

  constructor(expectedLength) {
    this.#expectedLength = expectedLength;
    this.#stream = new CollectingOutputStream(this.#chunks);
  }

  write() {
    if (!this.#stream) throw undefined;
    const stream = this.#stream;
    this.#stream = null;
    return stream;
  }

  static finish(body, trailers) {
    if (trailers) throw { tag: 'internal-error', val: 'trailers are not supported by the devhost' };
    const written = body.#chunks.reduce((total, chunk) => total + chunk.length, 0);
    if (body.#expectedLength !== undefined && written !== body.#expectedLength) {
      throw { tag: 'HTTP-response-body-size', val: BigInt(written) };
    }
    body.#finished = true;
  }

  static {
    readOutgoingBody = (body) => (body.#finished ? Buffer.concat(body.#chunks) : null);
  }
}

let readOutgoingResponse;

export class OutgoingResponse {
  #status = 200;
  #headers;
  #body;

  constructor(headers) {
    this.#headers = headers;
  }

  statusCode() {
    return this.#status;
  }

  setStatusCode(status) {
    if (status < 100 || status > 999) throw undefined;
    this.#status = status;
  }

  headers() {
    return this.#headers;
  }

  body() {
    if (this.#body) throw undefined;
    const [length] = this.#headers.get('content-length');
    this.#body = new OutgoingBody(length === undefined ? undefined : Number(Buffer.from(length).toString()));
    return this.#body;
  }

  static {
    readOutgoingResponse = (response) => ({
      status: response.#status,
      headers: response.#headers.entries(),
      body: response.#body,
    });
  }
}

let createResponseOutparam;

export class ResponseOutparam {
  #settle;

  static set(param, response) {
    param.#settle(response);
  }

  static {
    createResponseOutparam = (settle) => {
      const param = new ResponseOutparam();
      param.#settle = settle;
      return param;
    };
  }
}

// The outbound half exists so the guest links; `outgoing-handler.handle`
// refuses every request, so no incoming response is ever produced.

export class RequestOptions {
  #timeouts = {};

  connectTimeout() {
    return this.#timeouts.connect;
  }

  setConnectTimeout(duration) {
    this.#timeouts.connect = duration;
  }

  firstByteTimeout() {
    return this.#timeouts.firstByte;
  }

  setFirstByteTimeout(duration) {
    this.#timeouts.firstByte = duration;
  }

  betweenBytesTimeout() {
    return this.#timeouts.betweenBytes;
  }

  setBetweenBytesTimeout(duration) {
    this.#timeouts.betweenBytes = duration;
  }
}

export class OutgoingRequest {
  #method = { tag: 'get' };
  #pathWithQuery;
  #scheme;
  #authority;
  #headers;
  #body = new OutgoingBody(undefined);
  #bodyTaken = false;

  constructor(headers) {
    this.#headers = headers;
  }

  body() {
    if (this.#bodyTaken) throw undefined;
    this.#bodyTaken = true;
    return this.#body;
  }

  method() {
    return this.#method;
  }

  setMethod(method) {
    this.#method = method;
  }

  pathWithQuery() {
    return this.#pathWithQuery;
  }

  setPathWithQuery(pathWithQuery) {
    this.#pathWithQuery = pathWithQuery;
  }

  scheme() {
    return this.#scheme;
  }

  setScheme(scheme) {
    this.#scheme = scheme;
  }

  authority() {
    return this.#authority;
  }

  setAuthority(authority) {
    this.#authority = authority;
  }

  headers() {
    return this.#headers;
  }
}

export class IncomingResponse {}

export class FutureIncomingResponse {}

export const types = {
  Fields,
  FutureIncomingResponse,
  FutureTrailers,
  IncomingBody,
  IncomingRequest,
  IncomingResponse,
  OutgoingBody,
  OutgoingRequest,
  OutgoingResponse,
  RequestOptions,
  ResponseOutparam,
  httpErrorCode: () => undefined,
};

export const outgoingHandler = {
  handle() {
    console.error('devhost: outbound HTTP is not supported; the request was refused');
    throw { tag: 'internal-error', val: 'outbound HTTP is not supported by the devhost' };
  },
};

/**
 * Creates the guest-facing request and response-outparam for one HTTP request.
 * After `handle` returns, `outcome()` says what the guest did.
 */
export function createExchange({ method, pathWithQuery, authority, headers, body }) {
  let settled;
  const request = createIncomingRequest({ method, pathWithQuery, authority, headers, body });
  const outparam = createResponseOutparam((result) => {
    settled = result;
  });
  return { request, outparam, outcome: () => describeOutcome(settled) };
}

/**
 * @returns {{ kind: 'response', status: number, headers: [string, Uint8Array][], body: Buffer }
 *   | { kind: 'failure', reason: string }}
 */
function describeOutcome(settled) {
  if (!settled) return { kind: 'failure', reason: 'guest failed to produce a response prior to returning' };
  if (settled.tag === 'err') {
    return { kind: 'failure', reason: `guest failed to produce a response: ${JSON.stringify(settled.val)}` };
  }
  const { status, headers, body } = readOutgoingResponse(settled.val);
  // wasmtime sends a response whose body was never requested with an empty body.
  if (!body) return { kind: 'response', status, headers, body: Buffer.alloc(0) };
  const bytes = readOutgoingBody(body);
  if (!bytes) return { kind: 'failure', reason: 'guest did not finish the response body' };
  return { kind: 'response', status, headers, body: bytes };
}
