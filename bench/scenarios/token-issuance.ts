// How many client_credentials access tokens per second Tessera issues over HTTP, against the
// single-core ceiling of signing the same JWT with node:crypto and against oidc-provider.

import { startOidcProvider } from '../anchors/oidc-provider.ts';
import { createRawSigner } from '../anchors/raw-es256.ts';
import { machineBusySeconds } from '../lib/cpu.ts';
import { clientCredentialsRequest, fetchAccessToken } from '../lib/http.ts';
import { decodeJwt } from '../lib/jwt.ts';
import { assertAllOk, runLoad } from '../lib/load.ts';
import type { RunOptions, Scenario, Session, Subject } from '../lib/scenario.ts';
import { startTessera } from '../lib/tessera.ts';

/** Enough to keep one server process busy without the load generator becoming the bottleneck (README). */
const DEFAULT_CONNECTIONS = 10;

interface TokenEndpoint {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The server process, for its CPU figure. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

function describeToken(token: string): { bytes: number; note: string; alg: unknown } {
  const { header, payload, bytes } = decodeJwt(token);
  const claims = Object.keys(payload).join(' ');
  return {
    bytes,
    alg: header.alg,
    note: `token: alg ${header.alg}, typ ${header.typ}, ${bytes} bytes, claims ${claims}`,
  };
}

/** Checks one token by hand, then measures with autocannon in its own process; rejects any non-2xx. */
async function httpSession(
  name: string,
  endpoint: TokenEndpoint,
  options: RunOptions,
  expectAlg: string | undefined,
): Promise<Session> {
  try {
    const request = clientCredentialsRequest(endpoint.tokenUrl, endpoint.clientId, endpoint.clientSecret);
    const token = describeToken(await fetchAccessToken(request));
    if (expectAlg !== undefined && token.alg !== expectAlg) {
      throw new Error(`${name} issued a token with alg ${String(token.alg)}, expected ${expectAlg}`);
    }
    const notes = [token.note];
    if (token.alg !== 'ES256') {
      notes.push(`signs with ${String(token.alg)}: the ES256 anchors are not like-for-like`);
    }
    const connections = options.connections ?? DEFAULT_CONNECTIONS;
    notes.push(`load: ${connections} connections, no pipelining`);
    return {
      facts: { tokenBytes: token.bytes },
      notes,
      async measure(seconds) {
        const load = { ...request, method: 'POST' as const, connections, durationSec: seconds };
        const result = await runLoad({ ...load, serverPid: endpoint.pid });
        assertAllOk(result, name);
        const tokensPerSec = result.ok / result.durationSec;
        const sample: Record<string, number> = {
          tokensPerSec,
          latencyP50Ms: result.latencyMs.p50,
          latencyP99Ms: result.latencyMs.p99,
          loadCpuPercent: result.cpu.load,
        };
        if (result.cpu.server !== undefined && result.cpu.server > 0) {
          sample.serverCpuPercent = result.cpu.server;
          sample.tokensPerCpuSec = tokensPerSec / (result.cpu.server / 100);
        }
        if (result.cpu.other !== undefined) sample.otherCpuPercent = result.cpu.other;
        return sample;
      },
      stop: () => endpoint.stop(),
    };
  } catch (error) {
    await endpoint.stop();
    throw error;
  }
}

const raw: Subject = {
  name: 'raw node:crypto ES256',
  role: 'anchor',
  async start() {
    const signer = createRawSigner();
    const token = describeToken(signer.issue());
    return {
      facts: { tokenBytes: token.bytes },
      notes: [`${token.note} (in-process tight loop, one core)`],
      async measure(seconds) {
        const machineBefore = machineBusySeconds();
        const ownBefore = process.cpuUsage();
        const run = signer.run(seconds);
        const ownUsage = process.cpuUsage(ownBefore);
        const machineAfter = machineBusySeconds();
        const own = (ownUsage.user + ownUsage.system) / 1e6;
        const sample: Record<string, number> = {
          tokensPerSec: run.tokens / run.seconds,
          tokensPerCpuSec: run.tokens / own,
        };
        if (machineBefore !== undefined && machineAfter !== undefined) {
          sample.otherCpuPercent = (Math.max(0, machineAfter - machineBefore - own) / run.seconds) * 100;
        }
        return sample;
      },
      async stop() {},
    };
  },
};

const oidcProvider: Subject = {
  name: 'oidc-provider',
  role: 'anchor',
  async start(options) {
    return httpSession('oidc-provider', await startOidcProvider(), options, 'ES256');
  },
};

/**
 * Tessera as `npm start` runs it (TESSERA_WORKERS=auto: one worker process per core), and, for
 * transparency, in a single process like the oidc-provider anchor.
 */
const tesseraSubject = (name: string, env: Record<string, string>): Subject => ({
  name,
  role: 'subject',
  async start(options) {
    // The per-client token limit (default 100,000/min) would turn a saturating load into 429s;
    // the limiter still runs on every request, so its cost stays in the measurement.
    const server = await startTessera({ env: { TESSERA_TOKEN_RATE_LIMIT: '1000000000', ...env } });
    const endpoint = { ...server, tokenUrl: `${server.url}/oauth2/token`, pid: server.service.child.pid };
    return httpSession(name, endpoint, options, undefined);
  },
});
const tessera = tesseraSubject('tessera', {});
const tesseraOneProcess = tesseraSubject('tessera (1 process)', { TESSERA_WORKERS: '1' });

export const tokenIssuance: Scenario = {
  name: 'token-issuance',
  description:
    'client_credentials access tokens per second: POST /token with client_secret_basic, ' +
    'load from autocannon in a separate process; anchors: raw node:crypto ES256 signing and oidc-provider 9.',
  metrics: [
    { key: 'tokensPerSec', label: 'tokens/s', unit: 'tokens/s', better: 'higher' },
    { key: 'tokensPerCpuSec', label: 'tokens per CPU-second', unit: 'tokens/s', better: 'higher' },
    { key: 'latencyP50Ms', label: 'latency p50 (ms)', unit: 'ms', better: 'lower' },
    { key: 'latencyP99Ms', label: 'latency p99 (ms)', unit: 'ms', better: 'lower' },
    { key: 'tokenBytes', label: 'token size (bytes)', unit: 'bytes', better: 'lower' },
    // Where the 2 cores went: a server near 100 % is saturated; a load generator near 100 % is the limit.
    { key: 'serverCpuPercent', label: 'server CPU (% of a core)', unit: '%', better: 'lower' },
    { key: 'loadCpuPercent', label: 'load gen CPU (% of a core)', unit: '%', better: 'lower' },
    // CPU taken by everything else during the measurement: the noise.
    { key: 'otherCpuPercent', label: 'other CPU (% of a core)', unit: '%', better: 'lower', noisyAbove: 20 },
  ],
  headline: 'tokensPerSec',
  // Throughput per CPU-second the server actually got: steadier than tokens/s when other work
  // steals CPU from the shared cores.
  compared: ['tokensPerCpuSec'],
  subjects: [raw, oidcProvider, tessera, tesseraOneProcess],
  comparisons: [
    { subject: 'tessera', anchor: 'oidc-provider', target: 3 },
    { subject: 'tessera (1 process)', anchor: 'oidc-provider' },
    { subject: 'tessera', anchor: 'raw node:crypto ES256' },
    { subject: 'oidc-provider', anchor: 'raw node:crypto ES256' },
  ],
};
