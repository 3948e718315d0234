import { fileURLToPath } from 'node:url';
import { waitForHttp } from '../lib/http.ts';
import { freePort } from '../lib/ports.ts';
import { startService } from '../lib/process.ts';

/** The oidc-provider anchor for refresh rotation and code redemption (./oidc-provider-user-grants-server.ts). */
export interface UserGrantsAnchor {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly pid: number | undefined;
  /** Refresh tokens of fresh grants, or authorization codes made for `verifier` (S256). */
  seed(kind: 'refresh' | 'code', n: number, verifier?: string): Promise<string[]>;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL('./oidc-provider-user-grants-server.ts', import.meta.url));

export async function startUserGrantsAnchor(): Promise<UserGrantsAnchor> {
  const [port, seedPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const service = startService({
    name: 'oidc-provider',
    command: process.execPath,
    args: [...process.execArgv, entry],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DEBUG: '',
      BENCH_PORT: String(port),
      BENCH_SEED_PORT: String(seedPort),
    },
  });
  try {
    await waitForHttp(`${url}/.well-known/openid-configuration`, { service });
  } catch (error) {
    await service.stop();
    throw error;
  }
  return {
    tokenUrl: `${url}/token`,
    clientId: 'bench-spa',
    redirectUri: 'https://app.example/cb',
    pid: service.child.pid,
    async seed(kind, n, verifier = '') {
      const seedUrl = `http://127.0.0.1:${seedPort}/?kind=${kind}&n=${n}&verifier=${encodeURIComponent(verifier)}`;
      // The seeding listener may start a moment after the provider's.
      let res: Response | undefined;
      for (let attempt = 0; !res; attempt++) {
        try {
          res = await fetch(seedUrl);
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      if (!res.ok) throw new Error(`oidc-provider seeding failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as string[];
    },
    stop: () => service.stop(),
  };
}
