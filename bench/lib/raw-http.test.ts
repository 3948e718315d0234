/** The load generator's raw keep-alive client (raw-http.ts) against real node:http servers. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpConnection } from './raw-http.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<URL> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`);
}

describe('RawHttpConnection', () => {
  it('posts one form after another on one keep-alive socket, bodies split across packets', async () => {
    const sockets = new Set<unknown>();
    const url = await serve((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        const answer = JSON.stringify({
          got: body,
          type: req.headers['content-type'],
          pad: 'é'.repeat(40_000),
        });
        res.writeHead(body.includes('fail') ? 400 : 200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(answer),
        });
        // Two writes: the head and the first part of the body arrive apart from the rest.
        res.write(answer.slice(0, 10));
        setTimeout(() => res.end(answer.slice(10)), 5);
      });
    });
    const connection = await RawHttpConnection.open(url);
    for (const value of ['a=1', 'b=%C3%A9', 'fail=1']) {
      const res = await connection.postForm('/oauth2/token', value);
      expect(res.status).toBe(value.startsWith('fail') ? 400 : 200);
      const json = JSON.parse(res.body);
      expect(json).toMatchObject({ got: value, type: 'application/x-www-form-urlencoded' });
      expect(json.pad).toHaveLength(40_000);
    }
    expect(sockets.size).toBe(1);
    connection.close();
  });

  it('fails loudly on a chunked answer and on a closed connection, never guessing', async () => {
    const chunked = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const a = await RawHttpConnection.open(chunked);
    await expect(a.postForm('/', 'x=1')).rejects.toThrow('chunked responses are not supported');

    const closing = await serve((req) => req.socket.destroy());
    const b = await RawHttpConnection.open(closing);
    await expect(b.postForm('/', 'x=1')).rejects.toThrow('the server closed the connection');
    await expect(b.postForm('/', 'x=1')).rejects.toThrow('the server closed the connection');
  });
});
