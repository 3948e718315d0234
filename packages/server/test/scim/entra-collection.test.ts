/**
 * Microsoft's SCIM test collection for Entra ID provisioning (../shared/vectors/scim/, from
 * AzureAD/SCIMReferenceCode), run with newman against a real listening Tessera, as Microsoft
 * runs it against a SCIM endpoint. The folder "Get Token" is left out: it asks the reference
 * server's own token route; the identity provider's token comes from /oauth2/token instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { type ScimTestApp, startScimApp } from './support.js';

const COLLECTION = fileURLToPath(
  new URL('../../../../../shared/vectors/scim/entra-scim-postman-collection.json', import.meta.url),
);

/** The slice of newman's API used here. */
interface Newman {
  run(
    options: {
      collection: unknown;
      environment: { values: { key: string; value: string }[] };
      reporters: string[];
      timeoutRequest: number;
    },
    done: (err: Error | null, summary: NewmanSummary) => void,
  ): void;
}

interface NewmanSummary {
  run: {
    stats: { requests: { total: number }; assertions: { total: number; failed: number } };
    executions: {
      item: { name: string };
      response?: { code: number; stream?: Buffer };
      assertions?: { assertion: string; error?: { message: string } }[];
      requestError?: { message: string };
    }[];
  };
}

const newman = createRequire(import.meta.url)('newman') as Newman;

describeDialects("Microsoft's Entra ID SCIM collection", (dialect) => {
  let t: ScimTestApp;
  let origin: URL;
  beforeAll(async () => {
    t = await startScimApp(dialect);
    origin = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('passes every request and assertion', async () => {
    expect(existsSync(COLLECTION), `the test vectors must be at ${COLLECTION}`).toBe(true);
    const collection = JSON.parse(readFileSync(COLLECTION, 'utf8')) as { item: { name: string }[] };
    collection.item = collection.item.filter((item) => item.name !== 'Get Token');
    const environment = {
      values: [
        { key: 'Protocol', value: 'http' },
        { key: 'Server', value: origin.hostname },
        { key: 'Port', value: `:${origin.port}` },
        { key: 'Api', value: 'scim/v2' },
        { key: 'token', value: await t.idpToken() },
      ],
    };
    const summary = await new Promise<NewmanSummary>((resolve, reject) =>
      newman.run({ collection, environment, reporters: [], timeoutRequest: 10_000 }, (err, result) =>
        err ? reject(err) : resolve(result),
      ),
    );
    const failures = summary.run.executions.flatMap((execution) => [
      ...(execution.requestError ? [`${execution.item.name}: ${execution.requestError.message}`] : []),
      ...(execution.assertions ?? [])
        .filter((a) => a.error !== undefined)
        .map(
          (a) =>
            `${execution.item.name} (${execution.response?.code}): ${a.assertion}: ${a.error?.message} — ${execution.response?.stream?.toString().slice(0, 200)}`,
        ),
    ]);
    expect(failures).toEqual([]);
    expect(summary.run.stats.requests.total).toBe(78);
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(100);
  }, 120_000);
});
