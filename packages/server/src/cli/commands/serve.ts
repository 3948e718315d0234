import { serve as runServer } from '../../cluster.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';

/** Resolves on SIGINT, SIGTERM or the caller's abort signal. */
function stopRequested(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (reason: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    const onAbort = () => done('abort');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted) done('abort');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const serve: Command = {
  name: 'serve',
  summary: 'run the server (token endpoint, JWKS, admin API)',
  details:
    'Configured by environment (TESSERA_HOST, TESSERA_PORT, TESSERA_DATA_DIR, TESSERA_DATABASE_URL,\n' +
    'TESSERA_ISSUER, …) or the JSON file named by TESSERA_CONFIG. On first start it prints a bootstrap\n' +
    'admin client, once. Stops cleanly on SIGINT or SIGTERM.',
  async run({ io, out, url, config }) {
    if (url !== undefined) {
      throw new UsageError('serve runs a server here; --url and TESSERA_URL do not apply');
    }
    const server = await runServer(config(), { print: (line) => io.stdout(`${line}\n`) });
    const reason = await stopRequested(io.signal);
    out.note(`stopping (${reason})…`);
    await server.close();
    return 0;
  },
};
