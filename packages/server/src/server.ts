/**
 * `tessera serve`: composes the runtime, the HTTP app and the schedules, then listens.
 */
import { createServer } from 'node:net';
import pino, { type Logger } from 'pino';
import type { Config } from './config/defaults.js';
import { bootstrap } from './core/bootstrap.js';
import type { ClientWithSecret } from './core/clients/service.js';
import { EventFeed } from './core/feed.js';
import type { SignOn } from './core/keys/signer.js';
import { RevocationList } from './core/tokens/revocation-list.js';
import { buildApp } from './http/app.js';
import { createTokenService, openRuntime, type Runtime } from './runtime.js';

export interface RunningServer {
  url: string;
  runtime: Runtime;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Where the one-time bootstrap credentials go (default: stdout). */
  print?: (line: string) => void;
  /** An already-open runtime (tests); by default one is opened from the config. */
  runtime?: Runtime;
  /** Where signatures are computed (cluster workers sign on their own thread). Default 'pool'. */
  signOn?: SignOn;
}

/** Never log these: tokens and credentials travel in them. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.client_secret',
  '*.password',
];

export async function startServer(requested: Config, options: StartOptions = {}): Promise<RunningServer> {
  // Tokens carry the issuer, so a derived issuer needs the real port before anything starts.
  const config = requested.port === 0 && requested.issuerDerived ? await withFreePort(requested) : requested;
  const logger =
    options.logger ?? pino({ level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } });
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  for (const warning of config.warnings) logger.warn(`UNSAFE CONFIGURATION: ${warning}`);

  const runtime = options.runtime ?? (await openRuntime(config, { signOn: options.signOn ?? 'pool' }));
  const { ctx, keyRing, store } = runtime;
  const timers: NodeJS.Timeout[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    await keyRing.tick();
    const admin = await bootstrap(ctx);
    if (admin) print(bootstrapBanner(admin));
    const tokens = createTokenService(runtime, { logger });
    const feed = new EventFeed({
      store,
      bus: ctx.bus,
      onError: (err) => logger.error({ err }, 'following the event log failed'),
    });
    await feed.start();
    closers.push(() => feed.close());
    const revocations = new RevocationList(ctx.clock);
    const stopRevocations = await revocations.start(store, feed, config.accessTokenLifetimeMs, ctx.bus);
    closers.push(async () => stopRevocations());
    const app = await buildApp({
      config,
      ctx,
      keyRing,
      vault: runtime.vault,
      tokens,
      logger,
      feed,
      revocations,
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = urlOf(config.host, port);

    const every = (ms: number, task: () => Promise<unknown>, what: string) => {
      const timer = setInterval(() => {
        task().catch((err) => logger.error({ err }, `${what} failed`));
      }, ms);
      timer.unref();
      timers.push(timer);
    };
    every(60_000, () => keyRing.tick(), 'key rotation');
    every(
      3_600_000,
      () => store.pruneEvents(new Date(ctx.clock.now().getTime() - config.eventRetentionMs)),
      'event pruning',
    );
    // Refresh-token families past their absolute lifetime, and revoked ones after a day (an
    // unknown token is refused just as a revoked one is).
    every(
      3_600_000,
      () => {
        const now = ctx.clock.now().getTime();
        return store.pruneRefreshFamilies(
          new Date(now - config.refreshTokenLifetimeMs),
          new Date(now - 86_400_000),
        );
      },
      'refresh token pruning',
    );

    print(listeningBanner(url, store.dialect, config.issuer, 1));

    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        await app.close();
        for (const closeIt of closers) await closeIt();
        await runtime.close();
      })();
      return closing;
    };
    return { url, runtime, close };
  } catch (err) {
    for (const timer of timers) clearInterval(timer);
    for (const closeIt of closers) await closeIt().catch(() => {});
    await runtime.close();
    throw err;
  }
}

/** The one-time bootstrap credentials, as printed by `serve`. */
export function bootstrapBanner(admin: ClientWithSecret): string {
  return [
    '',
    'Tessera bootstrap admin client (shown once, store it now):',
    `  client_id:     ${admin.client.clientId}`,
    `  client_secret: ${admin.clientSecret}`,
    'Lost it? `tessera client create --admin --name NAME` mints another from this machine.',
    '',
  ].join('\n');
}

export function listeningBanner(url: string, dialect: string, issuer: string, workers: number): string {
  return [
    `Tessera listening on ${url} (store: ${dialect}, issuer: ${issuer}, ${workers} worker${workers === 1 ? '' : 's'})`,
    `  token endpoint  ${url}/oauth2/token`,
    `  JWKS            ${url}/.well-known/jwks.json`,
    `  discovery       ${url}/.well-known/oauth-authorization-server`,
    `  admin API       ${url}/admin/v1  (OpenAPI: ${url}/admin/v1/openapi.json)`,
  ].join('\n');
}

export const urlOf = (host: string, port: number): string =>
  `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/** A port free on `host` right now (the OS picks it; another process may take it before use). */
export function freePort(host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Picks a free port for `port: 0` and derives the issuer from it. */
export async function withFreePort(config: Config): Promise<Config> {
  const port = await freePort(config.host);
  return { ...config, port, issuer: urlOf(config.host, port) };
}
