/** A small Server-Sent Events reader over node:http, for tests that follow /v1/events. */
import { request } from 'node:http';

export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  frames: SseFrame[];
  /** Raw text received, comments included. */
  text(): string;
  /** Resolves with the first frame (from the start) matching, or rejects after `ms`. */
  waitFor(match: (frame: SseFrame) => boolean, ms?: number): Promise<SseFrame>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  pause(): void;
  resume(): void;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let buffer = '';
      let all = '';
      const frames: SseFrame[] = [];
      const waiters = new Set<() => void>();
      let endedResolve: () => void = () => {};
      const ended = new Promise<void>((r) => {
        endedResolve = r;
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        all += chunk;
        buffer += chunk;
        let split = buffer.indexOf('\n\n');
        while (split >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const frame: SseFrame = { event: 'message', data: '' };
          let hasField = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') frame.id = value;
            else if (field === 'event') frame.event = value;
            else if (field === 'data') frame.data += frame.data ? `\n${value}` : value;
            else continue;
            hasField = true;
          }
          if (hasField && (frame.data !== '' || frame.id !== undefined)) frames.push(frame);
          split = buffer.indexOf('\n\n');
        }
        for (const wake of [...waiters]) wake();
      });
      res.on('end', () => endedResolve());
      res.on('close', () => endedResolve());
      resolve({
        status: res.statusCode ?? 0,
        frames,
        text: () => all,
        ended,
        waitFor(match, ms = 10_000) {
          return new Promise((resolveFrame, rejectFrame) => {
            const check = () => {
              const found = frames.find(match);
              if (found) {
                waiters.delete(check);
                clearTimeout(timer);
                resolveFrame(found);
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rejectFrame(
                new Error(`no matching frame within ${ms} ms; got ${frames.map((f) => f.event).join(', ')}`),
              );
            }, ms);
            waiters.add(check);
            check();
          });
        },
        pause: () => res.pause(),
        resume: () => res.resume(),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
