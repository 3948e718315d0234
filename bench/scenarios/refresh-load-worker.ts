// Child-process entry of the chained load generator (./refresh-load.ts): every connection posts
// one token request after another on its own keep-alive socket, each request built from what
// the previous response returned (refresh: the rotated refresh token) or from a pool of
// single-use values (code: the next authorization code). autocannon sends fixed requests, so it
// cannot drive either. Each connection is a raw keep-alive socket (../lib/raw-http.ts): the
// generator shares two cores with the server it measures, so it must cost as little as possible.
// Runs apart from the harness, like lib/load-worker.ts.
import { cpuSeconds, machineBusySeconds } from '../lib/cpu.ts';
import { RawHttpConnection } from '../lib/raw-http.ts';
import { percentileOfSorted } from '../lib/stats.ts';
import type { ChainLoadRequest, ChainLoadResult } from './refresh-load.ts';

async function load(task: ChainLoadRequest): Promise<ChainLoadResult> {
  const url = new URL(task.url);
  const path = `${url.pathname}${url.search}`;
  const sockets = await Promise.all(
    Array.from({ length: task.connections }, () => RawHttpConnection.open(url)),
  );
  const latencies: number[] = [];
  const failures: string[] = [];
  const pool = task.mode === 'code' ? [...task.values] : [];
  const ownBefore = process.cpuUsage();
  const serverBefore = cpuSeconds(task.serverPid);
  const machineBefore = machineBusySeconds();
  const start = performance.now();
  const deadline = start + task.durationSec * 1000;
  let lastDone = start;
  const lane = async (socket: RawHttpConnection, index: number) => {
    let current = task.mode === 'refresh' ? task.values[index] : undefined;
    while (performance.now() < deadline && failures.length === 0) {
      const value = task.mode === 'refresh' ? current : pool.pop();
      if (value === undefined) return;
      const t0 = performance.now();
      const res = await socket.postForm(path, task.body.replace('{value}', encodeURIComponent(value)));
      const t1 = performance.now();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(res.body);
      } catch {}
      if (res.status !== 200 || typeof json.access_token !== 'string') {
        failures.push(`${res.status} ${res.body}`);
        return;
      }
      if (task.mode === 'refresh') {
        if (typeof json.refresh_token !== 'string') {
          failures.push('no refresh_token in the response');
          return;
        }
        current = json.refresh_token;
      }
      latencies.push(t1 - t0);
      lastDone = t1;
    }
  };
  await Promise.all(
    sockets.map((socket, i) =>
      lane(socket, i).catch((error: unknown) => {
        failures.push(error instanceof Error ? error.message : String(error));
      }),
    ),
  );
  for (const socket of sockets) socket.close();
  // A code pool may run dry before the deadline: the rate counts the time actually loaded.
  const wallSec = (Math.min(performance.now(), Math.max(lastDone, start + 1)) - start) / 1000;
  const own = process.cpuUsage(ownBefore);
  const server = difference(cpuSeconds(task.serverPid), serverBefore);
  const machine = difference(machineBusySeconds(), machineBefore);
  const loadSec = (own.user + own.system) / 1e6;
  const percent = (seconds: number) => (seconds / wallSec) * 100;
  const sorted = Float64Array.from(latencies).sort();
  return {
    ok: latencies.length,
    durationSec: wallSec,
    failures,
    poolExhausted: task.mode === 'code' && pool.length === 0,
    latencyMs: {
      p50: sorted.length ? percentileOfSorted(sorted, 50) : 0,
      p99: sorted.length ? percentileOfSorted(sorted, 99) : 0,
    },
    cpu: {
      load: percent(loadSec),
      ...(server === undefined ? {} : { server: percent(server) }),
      ...(machine === undefined ? {} : { other: percent(Math.max(0, machine - loadSec - (server ?? 0))) }),
    },
  };
}

const difference = (after: number | undefined, before: number | undefined) =>
  after === undefined || before === undefined ? undefined : after - before;

process.once('disconnect', () => process.exit(0));
process.once('message', async (task: ChainLoadRequest) => {
  try {
    process.send?.({ ok: true, result: await load(task) });
  } catch (error) {
    process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
  process.disconnect?.();
});
