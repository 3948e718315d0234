/**
 * The live overlay against a hand-made event stream: garbage frames and a server that ends the
 * stream make it resync (a fresh catalog, no Last-Event-ID) instead of guessing or crashing;
 * health() counts what happened.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLiveOverlay, type LiveOverlay } from '../src/index.js';

const catalog = JSON.stringify({
  position: 1,
  maxTokenLifetime: 600,
  applications: [{ audience: 'https://docs', namespace: 'docs' }],
  roles: [{ id: 'r', name: 'reader', version: 1, permissions: ['docs:read'] }],
  groups: [],
});

let server: Server;
let url: string;
const requests: IncomingHttpHeaders[] = [];
let live: LiveOverlay;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.headers);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (requests.length === 1) {
      // First connection: a good start, then a frame that is not JSON.
      res.write(`event: catalog\ndata: ${catalog}\n\n`);
      res.write('id: 1\nevent: snapshot\ndata: {"position":1}\n\n');
      res.write('id: 2\nevent: role.updated\ndata: {not json\n\n');
    } else {
      res.write(`event: catalog\ndata: ${catalog}\n\n`);
      res.write('id: 1\nevent: snapshot\ndata: {"position":1}\n\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/events`;
  live = createLiveOverlay({ eventsUri: url, token: 't0k3n', minRetryMs: 10, maxRetryMs: 50 });
});
afterAll(async () => {
  live?.close?.();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('resyncs without Last-Event-ID after a frame it cannot read, and reports it', async () => {
  await live.ready();
  for (let i = 0; i < 100 && requests.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  expect(requests.length).toBeGreaterThanOrEqual(2);
  expect(requests[0]?.authorization).toBe('Bearer t0k3n');
  expect(requests[1]?.['last-event-id']).toBeUndefined();
  const health = live.health?.() ?? {};
  expect(health).toMatchObject({ resyncs: 1, synced: true });
  expect(String(health.lastError)).toContain('unreadable event stream frame');
});
