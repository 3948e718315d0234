/**
 * Logs never contain a token, a client secret or a password: run real traffic (tokens issued,
 * bad secrets, admin calls that create and rotate secrets, failures) at log level trace and
 * search everything the logger wrote.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REDACT } from '../../src/server.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeDialects } from '../support/stores.js';

describeDialects('logs', (dialect) => {
  let t: TestApp;
  let written = '';
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACT, censor: '[redacted]' } }, sink);
    t = await startTestApp(dialect, { logger });
  });
  afterAll(async () => t?.close());

  it('carry no token, secret or password', async () => {
    const secrets: string[] = [t.adminSecret];
    const created = await t.admin('POST', '/clients', {
      name: 'logged',
      defaultAudience: 'urn:tessera:admin',
    });
    secrets.push(created.json.clientSecret);
    const rotated = await t.admin('POST', `/clients/${created.json.id}/secret`);
    secrets.push(rotated.json.clientSecret);
    const tokens: string[] = [await t.adminToken()];
    const basic = (id: string, secret: string) =>
      `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    for (const [id, secret] of [
      [created.json.clientId, rotated.json.clientSecret],
      [created.json.clientId, created.json.clientSecret], // the old secret: invalid_client
      [created.json.clientId, 'wrong-secret-value-that-must-not-be-logged'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { authorization: basic(id, secret), 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
      });
      if (res.statusCode === 200) tokens.push(res.json().access_token);
    }
    secrets.push('wrong-secret-value-that-must-not-be-logged');
    await t.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${created.json.clientId}&client_secret=post-secret-not-logged&password=hunter2hunter2`,
    });
    secrets.push('post-secret-not-logged', 'hunter2hunter2');
    // A bad bearer token on the admin API.
    await t.app.inject({
      method: 'GET',
      url: '/admin/v1/users',
      headers: { authorization: `Bearer ${tokens[0]}x` },
    });

    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(written.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(written).not.toContain(secret);
    for (const token of tokens) {
      expect(written).not.toContain(token);
      // Not even the signature part alone.
      expect(written).not.toContain(token.split('.')[2]);
    }
  });
});
