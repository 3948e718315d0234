/**
 * A Server-Sent Events client for Tessera's `GET /v1/events`, on node:http(s) only (the SDK's
 * one runtime dependency is jose). It reconnects with backoff, resumes with Last-Event-ID,
 * starts over when told to resync, and bounds what it buffers from a misbehaving server.
 */
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

export interface EventStreamClientOptions {
  url: URL;
  /** A bearer token holding tessera:events; called again after a 401 or before each reconnect. */
  token: () => string | Promise<string>;
  onMessage(message: SseMessage): void;
  /** Any byte received (heartbeats included): the stream is alive. */
  onActivity(): void;
  /** Connection state changes and failures, for health() and logs. */
  onStatus(status: { connected: boolean; error?: string }): void;
  /** Backoff bounds, ms. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

/** One SSE line longer than this means the server is not speaking SSE to us: drop the connection. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

export class EventStreamClient {
  readonly #options: EventStreamClientOptions;
  #lastEventId: string | undefined;
  #request: ClientRequest | undefined;
  #closed = false;
  #retryMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: EventStreamClientOptions) {
    this.#options = options;
    this.#retryMs = options.minRetryMs ?? 250;
  }

  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  start(): void {
    void this.#connect();
  }

  /** Drops the resume point: the next connection starts with a fresh catalog and snapshot. */
  resync(): void {
    this.#lastEventId = undefined;
    const current = this.#request;
    // Our own hang-up is not a failure to report: reconnect straight away.
    this.#request = undefined;
    current?.destroy();
    this.#retry(undefined);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#request?.destroy();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    let token: string;
    try {
      token = await this.#options.token();
    } catch (err) {
      return this.#retry(`cannot get a token for the event stream: ${(err as Error).message}`);
    }
    const url = this.#options.url;
    const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${token}` };
    if (this.#lastEventId !== undefined) headers['last-event-id'] = this.#lastEventId;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { headers });
    this.#request = req;
    req.on('response', (res) => this.#read(res));
    req.on('error', (err) => {
      if (this.#request === req) this.#retry(err.message);
    });
    req.on('close', () => {
      if (this.#request === req) this.#retry('event stream closed');
    });
    req.end();
  }

  #read(res: IncomingMessage): void {
    if (res.statusCode !== 200) {
      res.resume();
      this.#retry(`event stream answered ${res.statusCode}`);
      return;
    }
    this.#options.onStatus({ connected: true });
    this.#retryMs = this.#options.minRetryMs ?? 250;
    res.setEncoding('utf8');
    let pending = '';
    res.on('data', (chunk: string) => {
      this.#options.onActivity();
      pending += chunk;
      let split = pending.indexOf('\n\n');
      while (split >= 0) {
        const block = pending.slice(0, split);
        pending = pending.slice(split + 2);
        this.#dispatch(block);
        split = pending.indexOf('\n\n');
      }
      if (pending.length > MAX_PENDING_BYTES) res.destroy(new Error('event stream frame too large'));
    });
    const ended = (error?: Error) => {
      if (this.#request === undefined) return; // we hung up ourselves (resync, close)
      this.#retry(error?.message ?? 'event stream closed');
    };
    res.on('error', ended);
    res.on('end', () => ended());
  }

  #dispatch(block: string): void {
    let event = 'message';
    let data = '';
    let id: string | undefined;
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data = data === '' ? value : `${data}\n${value}`;
      else if (field === 'id') id = value;
      else continue;
      fields++;
    }
    if (fields === 0) return;
    if (id !== undefined) this.#lastEventId = id;
    if (event === 'resync') {
      this.#lastEventId = undefined;
      return;
    }
    this.#options.onMessage({ id, event, data });
  }

  #retry(error: string | undefined): void {
    if (this.#closed) return;
    this.#request = undefined;
    this.#options.onStatus({ connected: false, ...(error === undefined ? {} : { error }) });
    if (this.#timer) clearTimeout(this.#timer);
    const delay = error === undefined ? 0 : this.#retryMs;
    this.#retryMs = Math.min(this.#options.maxRetryMs ?? 5000, this.#retryMs * 2);
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#timer.unref();
  }
}
