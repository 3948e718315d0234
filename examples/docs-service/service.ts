/**
 * A small service protected by @tessera/verify, with live updates: it serves documents to tokens
 * holding `docs:read` and accepts new ones from tokens holding `docs:write`. A role granted or
 * revoked, or a user disabled, in Tessera takes effect on tokens this service already holds,
 * within milliseconds, with no call to Tessera per request.
 *
 * Run it against a Tessera (see README.md beside this file):
 *   TESSERA_ISSUER=http://127.0.0.1:8080 TESSERA_EVENTS_TOKEN=... npx tsx examples/docs-service/service.ts
 */
import { createServer, type Server } from 'node:http';
import { createLiveOverlay, createVerifier, type Verifier } from '@tessera/verify';
import { bearerAuth, requirePermission } from '@tessera/verify/node';

export interface DocsServiceOptions {
  /** Tessera's issuer URL (its base URL). */
  issuer: string;
  /** This service's audience: the application registered in Tessera. */
  audience: string;
  /** A token (or a function returning one) holding `tessera:events`, to follow the event stream. */
  eventsToken: string | (() => Promise<string>);
  port?: number;
}

export interface DocsService {
  url: string;
  verifier: Verifier;
  close(): Promise<void>;
}

export async function startDocsService(options: DocsServiceOptions): Promise<DocsService> {
  const live = createLiveOverlay({ eventsUri: `${options.issuer}/v1/events`, token: options.eventsToken });
  const verifier = createVerifier({
    issuer: options.issuer,
    audience: options.audience,
    jwksUri: `${options.issuer}/.well-known/jwks.json`,
    clockTolerance: 30,
    live: { overlay: live },
  });
  // Until the stream has delivered the catalog, every token is refused (fail-closed).
  await live.ready();

  const authenticate = bearerAuth({ verifier, realm: 'docs' });
  const canRead = requirePermission('docs:read');
  const canWrite = requirePermission('docs:write');
  const documents: string[] = ['welcome'];

  const server: Server = createServer(async (req, res) => {
    const principal = await authenticate(req, res);
    if (!principal) return; // bearerAuth answered 401 with an RFC 6750 challenge
    if (req.method === 'GET' && req.url === '/docs') {
      if (!canRead(req, res)) return; // 403 insufficient_scope
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ documents, reader: principal.sub }));
      return;
    }
    if (req.method === 'POST' && req.url === '/docs') {
      if (!canWrite(req, res)) return;
      documents.push(`doc-${documents.length}`);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ created: documents.at(-1) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    verifier,
    close: () =>
      new Promise<void>((resolve) => {
        verifier.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:8080';
  const eventsToken = process.env.TESSERA_EVENTS_TOKEN;
  if (!eventsToken) throw new Error('set TESSERA_EVENTS_TOKEN to a token holding tessera:events');
  const service = await startDocsService({
    issuer,
    audience: process.env.DOCS_AUDIENCE ?? 'https://docs.example.com',
    eventsToken,
    port: Number(process.env.PORT ?? 3000),
  });
  console.log(`docs service on ${service.url}`);
}
