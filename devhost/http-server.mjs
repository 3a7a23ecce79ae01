// The HTTP front end: a plain Node `http` server that routes each request like
// Spin, hands it to the component as a wasi:http exchange, and writes back
// what the component produced. Anything that goes wrong inside the component
// becomes an empty 500 and the server keeps serving, as under Spin.

import { createServer } from 'node:http';
import { spinHeaders } from './router.mjs';
import { createExchange, isForbiddenHeader } from './wasi-http.mjs';

const WELL_KNOWN_PREFIX = '/.well-known/spin/';

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function clientAddress(socket) {
  const address = socket.remoteAddress ?? '';
  return address.includes(':') ? `[${address}]:${socket.remotePort}` : `${address}:${socket.remotePort}`;
}

function requestHeaders(req, match) {
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (!isForbiddenHeader(name)) headers.push([name, req.rawHeaders[i + 1]]);
  }
  const context = {
    host: req.headers.host ?? 'localhost',
    pathWithQuery: req.url,
    clientAddr: clientAddress(req.socket),
  };
  headers.push(...spinHeaders(match, context));
  return headers.map(([name, value]) => [name, Buffer.from(value, 'latin1')]);
}

function sendEmpty(res, status, body = '') {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendComponentResponse(req, res, { status, headers, body }) {
  const flat = headers.flatMap(([name, value]) => [name, Buffer.from(value).toString('latin1')]);
  res.writeHead(status, flat);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * @param {object} options
 * @param {import('./router.mjs').Router} options.router
 * @param {import('./component.mjs').ComponentRunner} options.runner
 * @param {{ closeAll(): void }} options.sqlite connections end with the request
 * @param {(message: string) => void} options.log
 */
export function createSpinServer({ router, runner, sqlite, log }) {
  async function serve(req, res) {
    const body = await readBody(req);
    const path = req.url.split('?')[0];
    if (path.startsWith(WELL_KNOWN_PREFIX)) {
      if (path === `${WELL_KNOWN_PREFIX}health`) return sendEmpty(res, 200, 'OK');
      return sendEmpty(res, 404);
    }
    const match = router.match(path);
    if (!match) return sendEmpty(res, 404);

    const exchange = createExchange({
      method: req.method,
      pathWithQuery: req.url,
      authority: req.headers.host ?? 'localhost',
      headers: requestHeaders(req, match),
      body,
    });
    try {
      await runner.handle(exchange.request, exchange.outparam);
    } catch (trap) {
      log(`Error processing request ${req.method} ${req.url}: guest invocation failed: ${trap?.stack ?? trap}`);
      return sendEmpty(res, 500);
    } finally {
      sqlite.closeAll();
    }
    const outcome = exchange.outcome();
    if (outcome.kind === 'failure') {
      log(`Error processing request ${req.method} ${req.url}: ${outcome.reason}`);
      return sendEmpty(res, 500);
    }
    return sendComponentResponse(req, res, outcome);
  }

  return createServer((req, res) => {
    serve(req, res).catch((error) => {
      log(`Error processing request ${req.method} ${req.url}: ${error?.stack ?? error}`);
      if (res.headersSent) res.destroy();
      else sendEmpty(res, 500);
    });
  });
}
