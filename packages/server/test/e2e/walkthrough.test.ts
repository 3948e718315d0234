/**
 * Issue 5's acceptance test, and docs/guides/walkthrough.md step by step, with every part real
 * and in its own process where a person would have one:
 *
 * - the compiled Tessera server (`tessera serve`, SQLite) mailing through a real SMTP server
 *   (smtp-server from npm);
 * - the administrator's `tessera` commands on the server's machine (the local store);
 * - the user: the invitation mail, the /activate page, then `tessera login` in a terminal (a
 *   child process with its own HOME) approved through /login and /device over HTTP, then
 *   `tessera token` feeding a call to examples/docs-service (a separate process protected by
 *   @tessera/verify with live updates);
 * - a web application signing the user in with authorization code + PKCE through openid-client;
 * - the administrator removing the user's role, and the live verifier refusing the very same
 *   tokens within the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/server.js';
import { Browser, findForm } from '../accounts/browser.js';
import { type Inbox, startInbox } from '../accounts/smtp.js';
import {
  built,
  CLI,
  cleanEnv,
  type Run,
  type ServerProcess,
  type Started,
  spawnProcess,
  startServerProcess,
  waitFor,
} from '../support/process.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const DOCS_SERVICE = join(ROOT, 'examples', 'docs-service', 'service.ts');
const DOCS = 'https://docs.example.com';
const REDIRECT = 'https://app.example/callback';
const PASSWORD = 'a long and memorable passphrase';

if (!built()) console.warn(`SKIPPED: walkthrough — ${CLI} is missing; run \`npm run build\` first`);

/** Calls the protected service the way `curl -H "Authorization: Bearer $(tessera token)"` does. */
const getDocs = (service: string, token: string) =>
  fetch(`${service}/docs`, { headers: { authorization: `Bearer ${token}` } });

describe.skipIf(!built())(
  'walkthrough: invite → activate → tessera login → call a service; web app sign-in; live revoke',
  () => {
    let dir: string;
    let home: string;
    let inbox: Inbox;
    let tessera: ServerProcess;
    let serverEnv: Record<string, string>;
    let docsService: Started | undefined;
    let service: string;

    /** The administrator's shell on the server's machine: same data directory and settings. */
    const admin = async (...args: string[]): Promise<Run> => {
      const run = await spawnProcess(process.execPath, [CLI, ...args], cleanEnv(serverEnv), ROOT).done;
      if (run.code !== 0) throw new Error(`tessera ${args.join(' ')}: exit ${run.code}\n${run.stderr}`);
      return run;
    };
    /** The user's shell: their own HOME, nothing of the server's. */
    const user = (...args: string[]): Started =>
      spawnProcess(
        process.execPath,
        [CLI, ...args],
        cleanEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config') }),
        ROOT,
      );

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tessera-walkthrough-'));
      home = await mkdtemp(join(tmpdir(), 'tessera-walkthrough-home-'));
      inbox = await startInbox();
      const port = await freePort('127.0.0.1');
      serverEnv = {
        TESSERA_DATA_DIR: dir,
        TESSERA_PORT: String(port),
        TESSERA_SMTP_URL: inbox.url,
        TESSERA_MAIL_FROM: 'Tessera <id@example.com>',
        TESSERA_DEVICE_CODE_INTERVAL: '1s',
        TESSERA_LOG_LEVEL: 'warn',
      };
      tessera = await startServerProcess(serverEnv);
    }, 60_000);

    afterAll(async () => {
      docsService?.child.kill('SIGTERM');
      await docsService?.done;
      await tessera?.stop();
      await inbox?.close();
      await rm(dir, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    });

    it('takes a newcomer from an invitation to a protected API call, and a role removal to a refusal', async () => {
      const url = tessera.url;

      // 1. The administrator describes the API, its roles, and the user.
      await admin('app', 'create', '--name', 'Docs', '--audience', DOCS, '--namespace', 'docs');
      await admin('role', 'create', '--name', 'docs-reader', '--permission', 'docs:read');
      await admin('user', 'create', '--user-name', 'ada', '--email', 'ada@example.com');
      await admin('grant', 'docs-reader', '--user', 'ada');
      // `tessera login` signs in with the bootstrapped public client tessera-cli; its tokens are for this API.
      await admin('client', 'update', 'tessera-cli', '--audience', DOCS);

      // 2. The protected service: it follows Tessera's event stream with a client of its own.
      await admin('role', 'create', '--name', 'event-follower', '--permission', 'tessera:events');
      const follower = JSON.parse(
        (
          await admin(
            'client',
            'create',
            '--name',
            'docs-service',
            '--audience',
            'urn:tessera:admin',
            '--role',
            'event-follower',
            '--json',
          )
        ).stdout,
      ) as { clientId: string; clientSecret: string };
      const eventsToken = (
        await admin(
          'token',
          '--url',
          url,
          '--client-id',
          follower.clientId,
          '--client-secret',
          follower.clientSecret,
        )
      ).stdout.split('\n')[0] as string;
      docsService = spawnProcess(
        TSX,
        [DOCS_SERVICE],
        cleanEnv({ TESSERA_ISSUER: url, TESSERA_EVENTS_TOKEN: eventsToken, PORT: '0' }),
        ROOT,
      );
      service = (await waitFor(docsService.stdout, /docs service on (http:\/\/\S+)/, 30_000))[1] as string;

      // 3. The invitation arrives by mail; the user sets a password on /activate and is signed in.
      const invited = await admin('user', 'invite', 'ada');
      expect(invited.stdout).not.toMatch(/code=/); // mailed, not printed
      const mail = await inbox.next(1);
      expect(mail.to).toEqual(['ada@example.com']);
      const link = /http:\/\/127\.0\.0\.1:\d+\/activate\?code=[A-Za-z0-9_-]{43}/.exec(
        mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='),
      )?.[0];
      expect(link?.startsWith(`${url}/activate?code=`)).toBe(true);
      const activation = new Browser(url);
      const activated = await activation.submit(
        new URL(link as string).pathname + new URL(link as string).search,
        {
          password: PASSWORD,
          confirm: PASSWORD,
        },
      );
      expect(activated.status).toBe(303);
      expect((await activation.get('/')).body).toContain('<dd id="user-name">ada</dd>');

      // 4. In a terminal: `tessera login`. It prints a code and a link and waits.
      const login = user('login', '--url', url);
      const code = (await waitFor(login.stdout, /enter the code ([A-Z]{4}-[A-Z]{4})/, 20_000))[1] as string;
      const verification = (await waitFor(login.stdout, /^To sign in, open (\S+)$/m, 20_000))[1] as string;
      expect(verification).toBe(`${url}/device`);

      //    In a browser (another one: the user signs in with the new password), /device and the code.
      const browser = new Browser(url);
      const toLogin = await browser.get('/device');
      expect(toLogin.status).toBe(303);
      const signedIn = await browser.submit(toLogin.location as string, {
        username: 'ada',
        password: PASSWORD,
      });
      expect(signedIn.status).toBe(303);
      expect(signedIn.location).toBe('/device');
      const confirm = await browser.submit(
        '/device',
        { user_code: code.toLowerCase(), action: 'confirm' },
        '/device',
      );
      expect(confirm.status).toBe(200);
      expect(confirm.body).toContain('Tessera CLI');
      expect(confirm.body).toContain(DOCS);
      const form = findForm(confirm.body, '/device');
      const approved = await browser.post('/device', { ...form.hidden, action: 'approve' });
      expect(approved.body).toContain('Device connected');
      const loggedIn = await login.done;
      expect(loggedIn.code, loggedIn.stderr).toBe(0);
      expect(loggedIn.stdout).toContain(`Signed in to ${url} as ada (token for ${DOCS}).`);

      const whoami = await user('whoami').done;
      expect(whoami.stdout).toMatch(/^user: +ada$/m);
      expect(whoami.stdout).toMatch(/^roles: +docs-reader$/m);

      // 5. curl -H "Authorization: Bearer $(tessera token)" $SERVICE/docs
      const token = await user('token').done;
      expect(token.code, token.stderr).toBe(0);
      const cliToken = token.stdout.trim();
      expect(token.stdout).toBe(`${cliToken}\n`);
      const allowed = await getDocs(service, cliToken);
      expect(allowed.status).toBe(200);
      const body = (await allowed.json()) as { reader: string };
      expect(body.reader).toBe(decodeJwt(cliToken).sub);

      // 6. A web application signs the same user in: authorization code + PKCE with openid-client.
      const web = JSON.parse(
        (
          await admin(
            'client',
            'create',
            '--name',
            'Web app',
            '--grant-type',
            'authorization_code',
            '--grant-type',
            'refresh_token',
            '--redirect-uri',
            REDIRECT,
            '--audience',
            DOCS,
            '--json',
          )
        ).stdout,
      ) as { clientId: string; clientSecret: string };
      const config = await oidc.discovery(
        new URL(url),
        web.clientId,
        { id_token_signed_response_alg: 'ES256' },
        oidc.ClientSecretBasic(web.clientSecret),
        { execute: [oidc.allowInsecureRequests] },
      );
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const authorize = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid profile docs:read',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      // Already signed in in this browser: straight to the consent page (a third-party app).
      const consent = await browser.get(authorize.pathname + authorize.search);
      expect(consent.status).toBe(200);
      expect(consent.body).toContain('Web app');
      const consentForm = findForm(consent.body, '/consent');
      const redirected = await browser.post('/consent', { ...consentForm.hidden, decision: 'approve' });
      expect(redirected.status).toBe(303);
      const webTokens = await oidc.authorizationCodeGrant(config, new URL(redirected.location as string), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      expect(webTokens.claims()?.sub).toBe(decodeJwt(cliToken).sub);
      expect((await getDocs(service, webTokens.access_token)).status).toBe(200);

      // 7. The administrator removes the role: the same tokens are refused by the live verifier.
      await admin('revoke', 'docs-reader', '--user', 'ada');
      const deadline = Date.now() + 10_000;
      let refused = await getDocs(service, cliToken);
      while (refused.status === 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        refused = await getDocs(service, cliToken);
      }
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
      expect((await getDocs(service, webTokens.access_token)).status).toBe(403);

      // 8. Done for the day: logout revokes the CLI's refresh token.
      const logout = await user('logout').done;
      expect(logout.code, logout.stderr).toBe(0);
      expect((await user('token').done).code).toBe(1);
    }, 120_000);
  },
);
