import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { waitForHttp } from '../lib/http.ts';
import { freePort } from '../lib/ports.ts';
import { startService } from '../lib/process.ts';

export interface OidcProviderAnchor {
  readonly url: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL('./oidc-provider-server.ts', import.meta.url));

/** Starts the oidc-provider anchor in its own process and waits until its discovery document answers. */
export async function startOidcProvider(): Promise<OidcProviderAnchor> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const clientId = 'bench-client';
  const clientSecret = randomBytes(32).toString('base64url');
  const service = startService({
    name: 'oidc-provider',
    command: process.execPath,
    // The same flags as this process, so the TypeScript loader (tsx) carries over.
    args: [...process.execArgv, entry],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DEBUG: '',
      BENCH_PORT: String(port),
      BENCH_CLIENT_ID: clientId,
      BENCH_CLIENT_SECRET: clientSecret,
    },
  });
  try {
    await waitForHttp(`${url}/.well-known/openid-configuration`, { service });
  } catch (error) {
    await service.stop();
    throw error;
  }
  return {
    url,
    tokenUrl: `${url}/token`,
    clientId,
    clientSecret,
    pid: service.child.pid,
    stop: () => service.stop(),
  };
}
