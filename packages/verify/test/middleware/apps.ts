/**
 * The same small API in each framework, protected by its adapter: `/me` needs a valid token,
 * `/read` needs `invoices:read`, `/write` needs `invoices:write`, `/export` needs `reports:export`.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import type { Verifier } from '../../src/index.js';
import * as ex from '../../src/middleware/express.js';
import * as fy from '../../src/middleware/fastify.js';
import * as ho from '../../src/middleware/hono.js';
import * as nd from '../../src/middleware/node.js';

export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

const ROUTES = { '/read': 'invoices:read', '/write': 'invoices:write', '/export': 'reports:export' } as const;
type Route = keyof typeof ROUTES;
const isRoute = (path: string): path is Route => path in ROUTES;

const listening = async (server: Server): Promise<RunningApp> => {
  if (!server.listening) await once(server.listen(0, '127.0.0.1'), 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

export const FRAMEWORKS: Record<string, (verifier: Verifier) => Promise<RunningApp>> = {
  async 'node:http'(verifier) {
    const authenticate = nd.bearerAuth({ verifier, realm: 'billing' });
    const checks = Object.fromEntries(
      Object.entries(ROUTES).map(([path, p]) => [path, nd.requirePermission(p)]),
    );
    const server = createServer(async (req, res) => {
      const principal = await authenticate(req, res);
      if (!principal) return;
      const path = req.url ?? '/';
      if (isRoute(path) && !checks[path]?.(req, res)) return;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: principal.sub }));
    });
    return listening(server);
  },

  async express(verifier) {
    const app = express();
    app.use(ex.bearerAuth({ verifier, realm: 'billing' }));
    for (const [path, permission] of Object.entries(ROUTES))
      app.get(path, ex.requirePermission(permission), (req, res) => {
        res.json({ sub: req.principal?.sub });
      });
    app.get('/me', (req, res) => {
      res.json({ sub: req.principal?.sub });
    });
    return listening(app.listen(0, '127.0.0.1'));
  },

  async fastify(verifier) {
    const app = Fastify();
    await app.register(fy.bearerAuth, { verifier, realm: 'billing' });
    for (const [path, permission] of Object.entries(ROUTES))
      app.get(path, { preHandler: fy.requirePermission(permission) }, async (request) => ({
        sub: request.principal?.sub,
      }));
    app.get('/me', async (request) => ({ sub: request.principal?.sub }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },

  async hono(verifier) {
    const app = new Hono<ho.PrincipalEnv>();
    app.use('*', ho.bearerAuth({ verifier, realm: 'billing' }));
    for (const [path, permission] of Object.entries(ROUTES))
      app.get(path, ho.requirePermission(permission), (c) => c.json({ sub: c.get('principal').sub }));
    app.get('/me', (c) => c.json({ sub: c.get('principal').sub }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    return listening(server);
  },
};
