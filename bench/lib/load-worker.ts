// Child-process entry of the load generator: runs autocannon on the request it is sent over IPC
// and sends back the result. It runs apart from the harness so that the harness's own work
// never competes with the load on the same event loop.
import autocannon from 'autocannon';
import { cpuSeconds, machineBusySeconds } from './cpu.ts';
import type { CpuShares, LoadRequest, LoadResult } from './load.ts';
import { percentileOfSorted } from './stats.ts';

const difference = (after: number | undefined, before: number | undefined) =>
  after === undefined || before === undefined ? undefined : after - before;

async function load(request: LoadRequest): Promise<LoadResult> {
  // autocannon's own histogram keeps whole milliseconds, too coarse for ~1 ms responses.
  const latencies: number[] = [];
  const ownBefore = process.cpuUsage();
  const serverBefore = cpuSeconds(request.serverPid);
  const machineBefore = machineBusySeconds();
  const wallBefore = performance.now();
  const instance = autocannon({
    url: request.url,
    method: request.method,
    headers: { ...request.headers },
    body: request.body,
    connections: request.connections,
    pipelining: 1,
    duration: request.durationSec,
    timeout: 10,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  const wallSec = (performance.now() - wallBefore) / 1000;
  const machine = difference(machineBusySeconds(), machineBefore);
  const server = difference(cpuSeconds(request.serverPid), serverBefore);
  const own = process.cpuUsage(ownBefore);
  const load = (own.user + own.system) / 1e6;
  const percent = (seconds: number) => (seconds / wallSec) * 100;
  const cpu: CpuShares = {
    load: percent(load),
    ...(server === undefined ? {} : { server: percent(server) }),
    ...(machine === undefined ? {} : { other: percent(Math.max(0, machine - load - (server ?? 0))) }),
  };

  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => (sorted.length === 0 ? 0 : percentileOfSorted(sorted, p));
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats)) statusCodes[code] = stats.count;
  return {
    durationSec: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencyMs: {
      mean: sorted.length === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      max: at(100),
    },
    cpu,
  };
}

const reply = (message: unknown) => {
  if (process.connected) process.send?.(message);
};

// The harness went away (interrupted): stop loading a server nobody measures.
process.once('disconnect', () => process.exit(0));

process.once('message', async (request: LoadRequest) => {
  try {
    reply({ ok: true, result: await load(request) });
  } catch (error) {
    reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
  process.disconnect?.();
});
