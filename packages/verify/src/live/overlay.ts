import type { AccessTokenClaims } from '../jwt/claims.js';
import type { Overlay, OverlayContext, OverlayVerdict } from '../overlay.js';
import { evaluate } from './evaluate.js';
import { type CatalogFrame, LiveState, type StreamEvent } from './state.js';
import { EventStreamClient } from './stream.js';

/**
 * Options of {@link createLiveOverlay}.
 *
 * @example
 * ```ts
 * import { createLiveOverlay } from '@tessera/verify';
 * const live = createLiveOverlay({ eventsUri: 'https://id.example.com/v1/events', token: () => myEventsToken() });
 * ```
 */
export interface LiveOverlayOptions {
  /** Tessera's event stream, `<issuer>/v1/events`. */
  readonly eventsUri: string | URL;
  /** A bearer token holding `tessera:events`, or a function returning one (called on every (re)connect). */
  readonly token: string | (() => string | Promise<string>);
  /** After this long without a byte from the stream (heartbeats come every 15 s), verdicts are `stale`. Default 30,000 ms. */
  readonly staleAfterMs?: number;
  /** Reconnect backoff. Defaults 250 ms doubling to 5,000 ms. */
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
  /** Told about every applied event (metrics, tests, propagation measurements). */
  readonly onEvent?: (event: StreamEvent) => void;
  /** Told when the stream connects, drops or fails. */
  readonly onStatus?: (status: { connected: boolean; error?: string }) => void;
  /** The clock, ms since the epoch. For tests. */
  readonly now?: () => number;
}

/**
 * A live overlay: pass it as `live.overlay` to createVerifier.
 *
 * @example
 * ```ts
 * import { createLiveOverlay, type LiveOverlay } from '@tessera/verify';
 * const live: LiveOverlay = createLiveOverlay({ eventsUri: 'https://id.example.com/v1/events', token: eventsToken });
 * await live.ready();
 * console.log(live.position, live.health?.());
 * ```
 */
export interface LiveOverlay extends Overlay {
  /** Resolves once the catalog and snapshot have arrived: before that, every verdict is `stale`. */
  ready(): Promise<void>;
  /** The last event position applied. */
  readonly position: number;
}

interface Memo {
  version: number;
  kid: string | undefined;
  verdict: OverlayVerdict;
}

/**
 * Follows Tessera's event stream and answers, for every token, what its subject may do now:
 * role grants and revocations, group and role changes, disabled and deleted users and clients,
 * revoked tokens and keys (docs/design/live-access.md). Verdicts are memoized per token and state
 * version, so the hot path stays one WeakMap look-up.
 *
 * @example
 * ```ts
 * import { createLiveOverlay, createVerifier } from '@tessera/verify';
 * const live = createLiveOverlay({ eventsUri: `${issuer}/v1/events`, token: eventsToken });
 * const verifier = createVerifier({ issuer, audience, jwksUri, clockTolerance: 30, live: { overlay: live } });
 * await live.ready();
 * ```
 */
export function createLiveOverlay(options: LiveOverlayOptions): LiveOverlay {
  const eventsUri = new URL(options.eventsUri);
  if (eventsUri.protocol !== 'http:' && eventsUri.protocol !== 'https:') {
    throw new TypeError('eventsUri must be an http(s) URL');
  }
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  if (!Number.isSafeInteger(staleAfterMs) || staleAfterMs < 1000)
    throw new TypeError('staleAfterMs must be at least 1000');
  const now = options.now ?? Date.now;
  const token = typeof options.token === 'function' ? options.token : () => options.token as string;
  const state = new LiveState();
  const memo = new WeakMap<AccessTokenClaims, Memo>();
  let connected = false;
  let synced = false;
  let lastActivity = 0;
  let position = 0;
  let lastError: string | undefined;
  // Counters for health(): what a metrics exporter scrapes.
  const counters = {
    eventsApplied: 0,
    connects: 0,
    disconnects: 0,
    resyncs: 0,
    staleVerdicts: 0,
    revokedVerdicts: 0,
  };
  let markReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const client = new EventStreamClient({
    url: eventsUri,
    token,
    ...(options.minRetryMs === undefined ? {} : { minRetryMs: options.minRetryMs }),
    ...(options.maxRetryMs === undefined ? {} : { maxRetryMs: options.maxRetryMs }),
    onActivity: () => {
      lastActivity = now();
    },
    onStatus: (status) => {
      if (status.connected && !connected) counters.connects++;
      if (!status.connected && connected) counters.disconnects++;
      connected = status.connected;
      if (status.error !== undefined) lastError = status.error;
      options.onStatus?.(status);
    },
    onMessage: (message) => {
      try {
        if (message.event === 'catalog') {
          // A fresh catalog after a resync replaces the old one at once; verdicts go on meanwhile.
          state.applyCatalog(JSON.parse(message.data) as CatalogFrame);
          return;
        }
        if (message.event === 'snapshot') {
          synced = state.hasCatalog;
          if (synced) markReady();
          return;
        }
        const event = JSON.parse(message.data) as StreamEvent;
        if (typeof event.position !== 'number' || typeof event.type !== 'string') return;
        state.apply(event, now());
        counters.eventsApplied++;
        position = event.position;
        // A resumed stream sends no snapshot frame: applying events is being in sync.
        if (state.hasCatalog && !synced) {
          synced = true;
          markReady();
        }
        options.onEvent?.(event);
      } catch (err) {
        // A frame that does not parse: start over from a fresh catalog rather than guess.
        lastError = `unreadable event stream frame: ${(err as Error).message}`;
        counters.resyncs++;
        client.resync();
      }
    },
  });
  client.start();
  const sweeper = setInterval(() => state.sweep(now()), 10_000);
  sweeper.unref();

  // Stale until the first snapshot, and whenever nothing (not even a heartbeat) has arrived for
  // staleAfterMs: a short disconnection changes nothing, since the state is still as fresh as
  // the stream could make it.
  const stale = () => !synced || now() - lastActivity > staleAfterMs;

  return {
    check(claims: AccessTokenClaims, context: OverlayContext): OverlayVerdict {
      if (stale()) {
        counters.staleVerdicts++;
        return { stale: true };
      }
      const known = memo.get(claims);
      if (known && known.version === state.version && known.kid === context.kid) return known.verdict;
      const verdict = evaluate(state, claims, context.kid);
      memo.set(claims, { version: state.version, kid: context.kid, verdict });
      if (verdict?.revoked) counters.revokedVerdicts++;
      return verdict;
    },
    health() {
      return {
        connected,
        synced,
        stale: stale(),
        position,
        lastActivityMsAgo: lastActivity === 0 ? null : now() - lastActivity,
        lastError: lastError ?? null,
        entries: state.size(),
        ...counters,
      };
    },
    close() {
      clearInterval(sweeper);
      client.close();
    },
    ready: () => readyPromise,
    get position() {
      return position;
    },
  };
}
