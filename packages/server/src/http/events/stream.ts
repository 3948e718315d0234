/**
 * `GET /v1/events`: the event log as Server-Sent Events, for verifiers that enforce access
 * changes on tokens already issued.
 *
 * - Without `Last-Event-ID`: `event: catalog` (every role's permissions, every group's roles),
 *   then a snapshot — every retained event younger than the longest access-token lifetime
 *   (older ones cannot affect a token that is still valid) — then `event: snapshot` carrying the
 *   position reached, then each event as it commits.
 * - With `Last-Event-ID: N`: every event after N, then live. If N is older than what the log
 *   still holds, the answer is `event: resync` and the client starts over without the header.
 * - `id:` is the event's log position, so a reconnecting EventSource resumes by itself.
 * - A comment line every heartbeat interval keeps proxies from closing an idle stream.
 * - A consumer that does not keep up is cut off once its unsent backlog exceeds a bound, with
 *   `event: resync` when it can still be told; the server never buffers without bound.
 */
import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import type { EventFeed } from '../../core/feed.js';
import type { LogEvent } from '../../core/model.js';
import { anyGrants } from '../../core/permissions.js';
import type { Clock, Queries } from '../../core/ports.js';
import type { AdminPrincipal } from '../admin/plugin.js';
import { adminErrorHandler } from '../admin/problem.js';
import { bearerToken } from '../bearer.js';

export interface EventStreamOptions {
  feed: EventFeed;
  store: Pick<Queries, 'readEvents' | 'eventPositionBefore' | 'accessCatalog'>;
  clock: Clock;
  authenticate(token: string): Promise<AdminPrincipal>;
  /** How far back the snapshot reaches: the longest access-token lifetime. */
  snapshotWindowMs: number;
  /** Default 15 s. */
  heartbeatMs?: number;
  /** Unsent bytes allowed per consumer before it is cut off. Default 1 MiB. */
  maxBacklogBytes?: number;
}

/** Either permission opens the stream: verifiers hold `tessera:events`; admins may watch too. */
export const EVENTS_PERMISSIONS = ['tessera:events', 'tessera:admin'] as const;

const PAGE = 500;

export async function eventStreamRoutes(app: FastifyInstance, options: EventStreamOptions) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBacklog = options.maxBacklogBytes ?? 1024 * 1024;
  app.setErrorHandler(adminErrorHandler);
  // Streams never end by themselves: end them before the server waits for its connections.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get('/v1/events', async (request, reply) => {
    const principal = await options.authenticate(bearerToken(request));
    if (!EVENTS_PERMISSIONS.some((p) => anyGrants(principal.permissions, p))) {
      throw new TesseraError('ERR_FORBIDDEN', 'the token lacks the tessera:events permission');
    }
    const lastEventId = parseLastEventId(request.headers['last-event-id']);
    const floor = await options.store.eventPositionBefore(new Date(0));
    const after =
      lastEventId ??
      (await options.store.eventPositionBefore(
        new Date(options.clock.now().getTime() - options.snapshotWindowMs),
      ));

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let open = true;
    const send = (chunk: string): boolean => {
      if (!open) return false;
      raw.write(chunk);
      if (raw.writableLength > maxBacklog) {
        // Tell it if the message can still get through; either way, stop buffering for it.
        close(true);
        return false;
      }
      return true;
    };
    const close = (resync: false | true | string = false) => {
      if (!open) return;
      open = false;
      unsubscribe();
      clearInterval(heartbeat);
      if (resync) {
        const reason = resync === true ? 'slow_consumer' : resync;
        raw.end(`event: resync\ndata: ${JSON.stringify({ reason })}\n\n`);
      } else {
        raw.end();
      }
    };

    // Subscribe before reading the backlog, so nothing commits unseen in between.
    const queued: LogEvent[] = [];
    let live = false;
    let sent = after;
    const deliver = (events: readonly LogEvent[]) => {
      for (const event of events) {
        if (event.position <= sent) continue;
        if (!send(frame(event))) return;
        sent = event.position;
      }
    };
    const unsubscribe = options.feed.subscribe((events) => {
      if (live) deliver(events);
      else queued.push(...events);
    });
    const heartbeat = setInterval(() => send(': ping\n\n'), heartbeatMs);
    heartbeat.unref();
    raw.on('close', () => close());
    const end = () => close('shutdown');
    streams.add(end);
    raw.on('close', () => streams.delete(end));

    send(`retry: 2000\n\n`);
    if (lastEventId !== undefined && lastEventId < floor) return close('gap');
    const until = options.feed.position;
    try {
      if (lastEventId === undefined) {
        // The whole catalog a verifier resolves tokens against, as of `until` or later; the
        // events that follow carry versions, so older ones replayed after it change nothing.
        const catalog = await options.store.accessCatalog();
        // How long verifiers must remember a change: no token outlives it.
        const maxTokenLifetime = Math.ceil(options.snapshotWindowMs / 1000);
        send(
          `event: catalog\ndata: ${JSON.stringify({ position: until, maxTokenLifetime, ...catalog })}\n\n`,
        );
      }
      let from = after;
      while (open && from < until) {
        const page = await options.store.readEvents(from, PAGE);
        const upto = page.filter((e) => e.position <= until);
        deliver(upto);
        if (page.length < PAGE || upto.length < page.length) break;
        from = page[page.length - 1]?.position ?? until;
      }
    } catch (err) {
      request.log.error({ err }, 'event stream backlog failed');
      return close('server_error');
    }
    if (lastEventId === undefined)
      send(
        `id: ${Math.max(sent, until)}\nevent: snapshot\ndata: ${JSON.stringify({ position: Math.max(sent, until) })}\n\n`,
      );
    sent = Math.max(sent, until);
    live = true;
    deliver(queued.splice(0));
  });
}

const frame = (event: LogEvent): string =>
  `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

function parseLastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^\d{1,15}$/.test(value.trim())) {
    throw new TesseraError('ERR_VALIDATION', 'Last-Event-ID must be an event position (a whole number)');
  }
  return Number(value.trim());
}
