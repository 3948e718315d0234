/**
 * A keep-alive HTTP/1.1 client on one socket, one request at a time, for the chained token
 * loads (scenarios/refresh-load-worker.ts). node:http's request/agent machinery cost the load
 * generator about 100 µs of CPU per request: at a few thousand requests per second that is
 * half a core taken from the servers it measures, on a 2-core machine. This writes a request
 * as one buffer and reads the status, Content-Length and body of the answer, nothing else.
 *
 * Both servers measured answer the token endpoint with a Content-Length body; anything else
 * (chunked, a closed connection, a malformed head) fails the request loudly rather than being
 * guessed at. bench/lib/raw-http.test.ts checks it against node:http servers.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly body: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[^\r]*chunked/i;

export class RawHttpConnection {
  readonly #socket: Socket;
  readonly #host: string;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: { resolve: (r: RawResponse) => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;

  private constructor(socket: Socket, host: string) {
    this.#socket = socket;
    this.#host = host;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('the server closed the connection')));
  }

  static open(url: URL): Promise<RawHttpConnection> {
    if (url.protocol !== 'http:') throw new Error(`raw-http speaks plain http only, not ${url.protocol}`);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port || 80) });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawHttpConnection(socket, url.host));
      });
      socket.once('error', reject);
    });
  }

  /** POSTs a form body and resolves with the answer; one request in flight per connection. */
  postForm(path: string, body: string): Promise<RawResponse> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#pending) return Promise.reject(new Error('a request is already in flight'));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(
        `POST ${path} HTTP/1.1\r\nhost: ${this.#host}\r\n` +
          'content-type: application/x-www-form-urlencoded\r\n' +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
  }

  close(): void {
    this.#failure ??= new Error('closed');
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headEnd = this.#buffer.indexOf(HEAD_END);
    if (headEnd === -1) return;
    const head = this.#buffer.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = CONTENT_LENGTH.exec(head)?.[1];
    if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status)) {
      this.#fail(new Error(`not an HTTP/1.1 response: ${JSON.stringify(head.slice(0, 80))}`));
      return;
    }
    if (length === undefined) {
      this.#fail(new Error(CHUNKED.test(head) ? 'chunked responses are not supported' : 'no Content-Length'));
      return;
    }
    const bodyStart = headEnd + HEAD_END.length;
    const bodyEnd = bodyStart + Number(length);
    if (this.#buffer.length < bodyEnd) return;
    if (this.#buffer.length > bodyEnd) {
      this.#fail(new Error('bytes after the response, with no request outstanding'));
      return;
    }
    const body = this.#buffer.toString('utf8', bodyStart, bodyEnd);
    this.#buffer = Buffer.alloc(0);
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) {
      this.#fail(new Error('a response with no request outstanding'));
      return;
    }
    pending.resolve({ status, body });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
    if (!this.#socket.destroyed) this.#socket.destroy();
  }
}
