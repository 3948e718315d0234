/** `tessera logout`: revoke the stored refresh token, then forget the stored tokens (docs/cli.md). */
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { CredentialStore } from '../login/credentials.js';
import { revoke } from '../login/oauth.js';
import { chosenServer } from '../login/session.js';

export const logout: Command = {
  name: 'logout',
  summary: 'revoke the stored refresh token at the server and forget the stored tokens',
  details:
    'The refresh token is revoked (RFC 7009) so that nobody can use a copy of it. When the server\n' +
    'cannot be reached the tokens are still deleted here, and the command says so and exits 1: the\n' +
    'refresh token then stays valid until it expires or an administrator revokes it.',
  async run({ io, out, url }) {
    const store = new CredentialStore(io.env);
    const server = await chosenServer(store, url);
    const current = (await store.read()).servers[server];
    if (!current) throw new CliError(`not signed in to ${server}`);
    let failure: string | undefined;
    const token = current.refreshToken;
    if (token !== undefined) {
      if (!current.endpoints.revocation) failure = 'the server offers no revocation endpoint';
      else {
        try {
          await revoke(current.endpoints.revocation, current.clientId, token, 'refresh_token');
        } catch (err) {
          failure = (err as Error).message;
        }
      }
    }
    await store.update(async (file) => {
      const { [server]: _gone, ...servers } = file.servers;
      const current = file.current === server ? undefined : file.current;
      return {
        file: { version: 1, ...(current === undefined ? {} : { current }), servers },
        result: undefined,
      };
    });
    if (failure !== undefined) {
      out.note(`warning: the refresh token was NOT revoked at ${server}: ${failure}`);
      out.message(`Signed out of ${server} on this machine only.`, { server, revoked: false });
      return 1;
    }
    out.message(`Signed out of ${server}${token === undefined ? '' : '; the refresh token is revoked'}.`, {
      server,
      revoked: token !== undefined,
    });
    return 0;
  },
};
