/**
 * `tessera serve` on several cores: a primary process prepares the store once (migrations, the
 * first signing key, the bootstrap credentials — printed once), then forks `config.workers`
 * worker processes that each run the whole server (`startServer`) on the shared port.
 *
 * What crosses processes:
 * - Committed events: a worker forwards what its EventBus publishes to the primary, which
 *   relays it to every other worker, whose bus publishes it locally. A client disabled through
 *   one worker is refused by all of them at once, not after the token cache's 1 s poll.
 * - Nothing else: the store is shared (SQLite in WAL mode with BEGIN IMMEDIATE writers, or
 *   PostgreSQL), key rotation is idempotent under the journal lock, and each worker's limits on
 *   failed authentications get 1/N of the configured budget.
 *
 * A worker that dies is replaced; one that keeps dying stops the server.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/defaults.js';
import { bootstrap } from './core/bootstrap.js';
import type { LogEvent } from './core/model.js';
import { openRuntime } from './runtime.js';
import {
  bootstrapBanner,
  listeningBanner,
  type RunningServer,
  startServer,
  urlOf,
  withFreePort,
} from './server.js';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  print: (line: string) => void;
}

type Message = { type: 'tessera:events'; events: readonly LogEvent[] } | { type: 'tessera:shutdown' };

const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/** Runs the server: in this process for one worker, otherwise as a primary with workers. */
export async function serve(config: Config, options: ServeOptions): Promise<Served> {
  if (cluster.isWorker) return serveAsWorker(config);
  if (config.workers <= 1) return startServer(config, options);
  return serveAsPrimary(config, options);
}

async function serveAsWorker(config: Config): Promise<RunningServer> {
  // Listen for the primary before starting: a shutdown may arrive while this worker boots.
  let server: RunningServer | undefined;
  let stopping = false;
  let relaying = false;
  const stop = () => {
    stopping = true;
    server?.close().finally(() => process.exit(0));
  };
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === 'tessera:shutdown') return stop();
    // Before the server is up its caches are empty: nothing to invalidate.
    if (!server) return;
    relaying = true;
    try {
      server.runtime.ctx.bus.publish(message.events);
    } finally {
      relaying = false;
    }
  });
  // One worker per core: a thread pool per worker would only compete for the same cores.
  server = await startServer(config, { print: () => {}, signOn: 'caller' });
  server.runtime.ctx.bus.subscribe((events) => {
    if (!relaying) process.send?.({ type: 'tessera:events', events } satisfies Message);
  });
  if (stopping) stop();
  return server;
}

const RESTARTS_ALLOWED = 5;
const RESTART_WINDOW_MS = 60_000;
const SHUTDOWN_GRACE_MS = 10_000;

async function serveAsPrimary(requested: Config, options: ServeOptions): Promise<Served> {
  const config = requested.port === 0 && requested.issuerDerived ? await withFreePort(requested) : requested;
  const n = config.workers;
  const runtime = await openRuntime(config);
  let dialect: string;
  try {
    dialect = runtime.store.dialect;
    await runtime.keyRing.tick();
    const admin = await bootstrap(runtime.ctx);
    if (admin) options.print(bootstrapBanner(admin));
  } finally {
    await runtime.close();
  }

  const env: Record<string, string> = {
    TESSERA_WORKERS: '1',
    TESSERA_PORT: String(config.port),
    TESSERA_ISSUER: config.issuer,
    TESSERA_TOKEN_FAILURE_LIMIT: String(Math.max(1, Math.ceil(config.tokenFailureLimit / n))),
  };
  cluster.setupPrimary({
    exec: fileURLToPath(new URL('./cli/main.js', import.meta.url)),
    args: ['serve'],
    serialization: 'advanced',
  });

  let stopping = false;
  const restarts: number[] = [];
  // Workers whose server is up (and so listens for the shutdown message).
  const ready = new Set<number>();
  const onReady = (worker: Worker) => ready.add(worker.id);
  cluster.on('listening', onReady);
  let fatal: ((err: Error) => void) | undefined;
  const fork = () => cluster.fork(env);

  const onMessage = (from: Worker, message: unknown) => {
    if (!isMessage(message) || message.type !== 'tessera:events') return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(message);
    }
  };
  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    ready.delete(worker.id);
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && (restarts[0] ?? now) < now - RESTART_WINDOW_MS) restarts.shift();
    const why = signal ? `signal ${signal}` : `code ${code}`;
    if (restarts.length > RESTARTS_ALLOWED) {
      fatal?.(
        new Error(
          `worker ${worker.process.pid} exited (${why}); ${restarts.length} exits within a minute, giving up`,
        ),
      );
      return;
    }
    process.stderr.write(`tessera: worker ${worker.process.pid} exited (${why}); starting another\n`);
    fork();
  };
  cluster.on('message', onMessage);
  cluster.on('exit', onExit);

  const stopWorkers = async () => {
    stopping = true;
    cluster.off('message', onMessage);
    cluster.off('exit', onExit);
    cluster.off('listening', onReady);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const timer = setTimeout(() => {
              process.stderr.write(
                `tessera: worker ${worker.process.pid} did not stop within ${SHUTDOWN_GRACE_MS} ms; killed\n`,
              );
              worker.kill('SIGKILL');
            }, SHUTDOWN_GRACE_MS);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            // A worker still booting has no server to drain: SIGTERM ends it (a transaction it
            // had open rolls back).
            if (ready.has(worker.id) && worker.isConnected())
              worker.send({ type: 'tessera:shutdown' } satisfies Message);
            else worker.kill('SIGTERM');
          }),
      ),
    );
  };

  try {
    await new Promise<void>((resolve, reject) => {
      fatal = reject;
      let listening = 0;
      const onListening = () => {
        if (++listening === n) {
          cluster.off('listening', onListening);
          resolve();
        }
      };
      cluster.on('listening', onListening);
      for (let i = 0; i < n; i++) fork();
    });
  } catch (err) {
    await stopWorkers();
    throw err;
  }
  fatal = (err) => {
    process.stderr.write(`tessera: ${err.message}\n`);
    void stopWorkers().finally(() => process.exit(1));
  };

  const url = urlOf(config.host, config.port);
  options.print(listeningBanner(url, dialect, config.issuer, n));
  return { url, close: stopWorkers };
}
