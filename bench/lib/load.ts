import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly connections: number;
  readonly durationSec: number;
  /** The server's process id, to report the CPU it used during the run (Linux only). */
  readonly serverPid?: number | undefined;
}

/** Where the cores went during the run, in % of one core (100 = one core fully busy). */
export interface CpuShares {
  /** The load generator itself. */
  readonly load: number;
  /** The server process, when its pid was given and /proc is available. */
  readonly server?: number;
  /** Everything else on the machine (other builds, tests, other VMs' steal): the noise. */
  readonly other?: number;
}

export interface LoadResult {
  readonly durationSec: number;
  /** Responses with a 2xx status. */
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors (refused, reset) as counted by autocannon. */
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly latencyMs: {
    readonly mean: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  readonly cpu: CpuShares;
}

type WorkerReply<Result> = { ok: true; result: Result } | { ok: false; error: string };

const worker = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

/**
 * Runs autocannon in a separate process (same Node flags as this one, so the TypeScript loader
 * carries over) and returns its counts. Does not judge them: see `assertAllOk`.
 */
export function runLoad(request: LoadRequest): Promise<LoadResult> {
  return runLoadWorker(worker, request);
}

/**
 * Forks a load-generator entry (`workerPath`), sends it `request` over IPC and resolves with the
 * result it sends back ({ ok, result } or { ok: false, error }) before it exits.
 */
export function runLoadWorker<Request, Result>(workerPath: string, request: Request): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply: WorkerReply<Result> | undefined;
    child.once('message', (message: WorkerReply<Result>) => {
      reply = message;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (reply?.ok) resolve(reply.result);
      else if (reply) reject(new Error(`load generator failed: ${reply.error}`));
      else reject(new Error(`load generator exited (${signal ?? `code ${code}`}) without a result`));
    });
    child.send(request as object);
  });
}

/** Throws unless every response was 2xx and none failed or timed out, so no error is ever timed as a token. */
export function assertAllOk(result: LoadResult, what: string): void {
  if (result.non2xx === 0 && result.errors === 0 && result.timeouts === 0 && result.ok > 0) return;
  const codes = Object.entries(result.statusCodes)
    .map(([code, count]) => `${code}×${count}`)
    .join(', ');
  throw new Error(
    `${what}: ${result.ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts` +
      ` (status codes: ${codes || 'none'}) — measurement rejected`,
  );
}
