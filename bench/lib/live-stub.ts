import { createServer, type ServerResponse } from 'node:http';

/**
 * A minimal stand-in for Tessera's `GET /v1/events` (catalog, snapshot, a heartbeat every
 * second), so in-process benchmarks can run a verifier with the live overlay switched on
 * without starting a server: what is measured is the overlay's cost on the verify path.
 */
export async function startLiveStub(
  catalog: Record<string, unknown>,
): Promise<{ url: string; close(): Promise<void> }> {
  const open = new Set<ServerResponse>();
  const server = createServer((_req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(
      `event: catalog\ndata: ${JSON.stringify({ position: 1, maxTokenLifetime: 600, ...catalog })}\n\n`,
    );
    res.write('id: 1\nevent: snapshot\ndata: {"position":1}\n\n');
  });
  const heartbeat = setInterval(() => {
    for (const res of open) res.write(': ping\n\n');
  }, 1000);
  heartbeat.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1/events`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
