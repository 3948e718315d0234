// The chained load generator for token requests that each consume what they present: refresh
// rotation (each connection follows its own chain of refresh tokens) and code redemption (each
// request takes the next single-use code from a pool). Runs ./refresh-load-worker.ts in a
// separate process (lib/load.ts runLoadWorker), as lib/load.ts does for autocannon.
import { fileURLToPath } from 'node:url';
import { type CpuShares, runLoadWorker } from '../lib/load.ts';
import type { Metric } from '../lib/scenario.ts';

export interface ChainLoadRequest {
  readonly mode: 'refresh' | 'code';
  readonly url: string;
  /** The form body; `{value}` is replaced by the refresh token or code (URL-encoded). */
  readonly body: string;
  /** refresh: one starting token per connection; code: the pool, each used once. */
  readonly values: readonly string[];
  readonly connections: number;
  readonly durationSec: number;
  readonly serverPid?: number | undefined;
}

export interface ChainLoadResult {
  /** Successful token responses. */
  readonly ok: number;
  readonly durationSec: number;
  /** Any non-200 (or a 200 without the expected tokens) stops the run and is reported here. */
  readonly failures: readonly string[];
  /** The code pool ran out before the duration ended (the rate still counts the time loaded). */
  readonly poolExhausted: boolean;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly cpu: CpuShares;
}

const worker = fileURLToPath(new URL('./refresh-load-worker.ts', import.meta.url));

export function runChainLoad(task: ChainLoadRequest): Promise<ChainLoadResult> {
  return runLoadWorker(worker, task);
}

/** Throws unless the run completed without a failure, so no error is ever timed as a token. */
export function assertChainOk(result: ChainLoadResult, what: string): void {
  if (result.failures.length === 0 && result.ok > 0) return;
  throw new Error(
    `${what}: ${result.ok} ok; failed with ${result.failures.join('; ') || 'no responses'} — measurement rejected`,
  );
}

/**
 * The chained scenarios' default load: enough concurrent clients to saturate every subject.
 * oidc-provider (one thread) is saturated by 10 and answers the same at 24 (2,336 vs 2,285
 * rotations/s, 1,863 vs 1,891 redemptions/s); Tessera's two workers were not (server CPU
 * ~165 %, each worker idle part of the time while its requests waited for their turn's batched
 * write), and answered ~25 % more at 24. The 10-connection figures stay in docs/benchmarks.md
 * (`--connections 10`).
 */
export const CHAIN_CONNECTIONS = 24;

/** The metrics `sampleOf` reports, for operations called `noun` ('rotations', say). */
export function chainMetrics(noun: string): Metric[] {
  return [
    { key: 'perSec', label: `${noun}/s`, unit: 'ops/s', better: 'higher' },
    { key: 'perCpuSec', label: `${noun} per CPU-second`, unit: 'ops/s', better: 'higher' },
    { key: 'latencyP50Ms', label: 'latency p50 (ms)', unit: 'ms', better: 'lower' },
    { key: 'latencyP99Ms', label: 'latency p99 (ms)', unit: 'ms', better: 'lower' },
    { key: 'serverCpuPercent', label: 'server CPU (%)', unit: '%', better: 'lower' },
    { key: 'loadCpuPercent', label: 'load generator CPU (%)', unit: '%', better: 'lower' },
    { key: 'otherCpuPercent', label: 'other CPU (%)', unit: '%', better: 'lower', noisyAbove: 20 },
  ];
}

/** The sample every token-lifecycle scenario reports from one chained run. */
export function sampleOf(result: ChainLoadResult): Record<string, number> {
  const perSec = result.ok / result.durationSec;
  const sample: Record<string, number> = {
    perSec,
    latencyP50Ms: result.latencyMs.p50,
    latencyP99Ms: result.latencyMs.p99,
    loadCpuPercent: result.cpu.load,
  };
  if (result.cpu.server !== undefined && result.cpu.server > 0) {
    sample.serverCpuPercent = result.cpu.server;
    sample.perCpuSec = perSec / (result.cpu.server / 100);
  }
  if (result.cpu.other !== undefined) sample.otherCpuPercent = result.cpu.other;
  return sample;
}
