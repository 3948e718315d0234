// Child-process entry of the chained load generator (./refresh-load.ts): every connection posts
// one token request after another on its own keep-alive socket, each request built from what
// the previous response returned (refresh: the rotated refresh token) or from a pool of
// single-use values (code: the next authorization code). autocannon sends fixed requests, so it
// cannot drive either. Runs apart from the harness, like lib/load-worker.ts.
import { Agent, request } from 'node:http';
import { cpuSeconds, machineBusySeconds } from '../lib/cpu.ts';
import { percentileOfSorted } from '../lib/stats.ts';
import type { ChainLoadRequest, ChainLoadResult } from './refresh-load.ts';

function post(
  agent: Agent,
  url: URL,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString());
          } catch {}
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function load(task: ChainLoadRequest): Promise<ChainLoadResult> {
  const url = new URL(task.url);
  const agent = new Agent({ keepAlive: true, maxSockets: task.connections });
  const latencies: number[] = [];
  const failures: string[] = [];
  const pool = task.mode === 'code' ? [...task.values] : [];
  const ownBefore = process.cpuUsage();
  const serverBefore = cpuSeconds(task.serverPid);
  const machineBefore = machineBusySeconds();
  const start = performance.now();
  const deadline = start + task.durationSec * 1000;
  let lastDone = start;
  const lane = async (index: number) => {
    let current = task.mode === 'refresh' ? task.values[index] : undefined;
    while (performance.now() < deadline && failures.length === 0) {
      const value = task.mode === 'refresh' ? current : pool.pop();
      if (value === undefined) return;
      const t0 = performance.now();
      const res = await post(agent, url, task.body.replace('{value}', encodeURIComponent(value)));
      const t1 = performance.now();
      if (res.status !== 200 || typeof res.json.access_token !== 'string') {
        failures.push(`${res.status} ${JSON.stringify(res.json)}`);
        return;
      }
      if (task.mode === 'refresh') {
        if (typeof res.json.refresh_token !== 'string') {
          failures.push('no refresh_token in the response');
          return;
        }
        current = res.json.refresh_token;
      }
      latencies.push(t1 - t0);
      lastDone = t1;
    }
  };
  await Promise.all(Array.from({ length: task.connections }, (_, i) => lane(i)));
  agent.destroy();
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
