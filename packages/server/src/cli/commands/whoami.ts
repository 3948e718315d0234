/** `tessera whoami`: who the stored sign-in is for (docs/cli.md). */
import type { Command } from '../command.js';
import { CredentialStore } from '../login/credentials.js';
import { userInfo } from '../login/oauth.js';
import { chosenServer, freshLogin, unverifiedClaims } from '../login/session.js';
import type { Field } from '../output.js';

export const whoami: Command = {
  name: 'whoami',
  summary: 'who the stored sign-in is for: user, roles, audience',
  details:
    "Asks the server's UserInfo endpoint who the token speaks for; when it cannot, reads the stored\n" +
    'access token itself (unverified) and says so. Roles are the ones in the access token.',
  async run({ io, out, url }) {
    const store = new CredentialStore(io.env);
    const server = await chosenServer(store, url);
    const { login: current } = await freshLogin(store, server);
    const claims = unverifiedClaims(current.accessToken);
    let info: Record<string, unknown> | undefined;
    let source = 'the stored access token (decoded, not verified)';
    if (current.endpoints.userinfo) {
      try {
        info = await userInfo(current.endpoints.userinfo, current.accessToken);
        source = `${current.endpoints.userinfo} (checked by the server)`;
      } catch (err) {
        out.note(`note: UserInfo failed (${(err as Error).message}); showing the stored token's claims`);
      }
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
    const fields: Field[] = [
      ['server', server],
      ['user', info?.preferred_username ?? '-'],
      ['subject', info?.sub ?? claims.sub],
      ['name', info?.name],
      ['email', info?.email],
      ['roles', roles],
      ['audience', claims.aud],
      ['client', current.clientId],
      ['expires', new Date(current.expiresAt)],
      ['source', source],
    ];
    out.record(fields, {
      server,
      user: info?.preferred_username ?? null,
      sub: info?.sub ?? claims.sub ?? null,
      name: info?.name ?? null,
      email: info?.email ?? null,
      roles,
      audience: claims.aud ?? null,
      clientId: current.clientId,
      expiresAt: new Date(current.expiresAt).toISOString(),
      verifiedByServer: info !== undefined,
    });
    return 0;
  },
};
