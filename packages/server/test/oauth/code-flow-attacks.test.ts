/**
 * The authorization code flow against the attacks of RFC 9700 (OAuth 2.0 Security BCP) and the
 * error paths of RFC 6749 §4.1.2.1, on both dialects, over HTTP with openid-client where a
 * client is involved: code replay (and the revocation it triggers), PKCE downgrade,
 * redirect-URI tampering, mix-up, open redirects, CSRF on consent and logout, disabled users
 * and clients, prompt/max_age.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import {
  authorizationRequest,
  Browser,
  type CodeWorld,
  hiddenFields,
  POST_LOGOUT,
  REDIRECT,
  startCodeWorld,
} from './code-flow-support.js';

describeDialects('authorization code flow: RFC 9700 attacks and error paths', (dialect) => {
  let w: CodeWorld;
  let spa: oidc.Configuration;
  let web: oidc.Configuration;
  let browser: Browser;
  beforeAll(async () => {
    w = await startCodeWorld(dialect);
    spa = await w.discover(w.spa.clientId, oidc.None());
    web = await w.discover(w.web.client.clientId, oidc.ClientSecretBasic(w.web.secret));
    browser = new Browser(w.issuer);
    await browser.signInDirectly();
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  /** A code for the first-party SPA (no consent) from the signed-in browser. */
  async function spaCode(params: Record<string, string> = {}) {
    const request = await authorizationRequest(spa, params);
    const res = await browser.get(request.url.href);
    expect(res.status).toBe(303);
    const callback = new URL(res.location as string);
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code: ${res.location}`);
    return { ...request, callback, code };
  }

  /** A raw token request (form body), as an attacker or a broken client would send it. */
  async function tokenRequest(form: Record<string, string>, authorization?: string) {
    const res = await fetch(`${w.issuer}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      body: new URLSearchParams(form),
    });
    return { status: res.status, json: (await res.json()) as Record<string, string> };
  }

  const authorizeUrl = (params: Record<string, string>) =>
    `${w.issuer}/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: w.spa.clientId,
      redirect_uri: REDIRECT,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      scope: 'openid',
      state: 'st-1',
      ...params,
    })}`;

  const redirectError = (location: string | undefined) => {
    const url = new URL(location as string);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('st-1');
    expect(url.searchParams.get('iss')).toBe(w.issuer);
    expect(url.searchParams.get('code')).toBeNull();
    return url.searchParams.get('error');
  };

  it('code replay: refused, and the access and refresh tokens issued from the code are revoked', async () => {
    const { callback, verifier, state, nonce, code } = await spaCode();
    const tokens = await oidc.authorizationCodeGrant(spa, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(await oidc.fetchUserInfo(spa, tokens.access_token, w.userId)).toMatchObject({ sub: w.userId });

    const replay = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      client_id: w.spa.clientId,
    });
    expect(replay).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });

    // The refresh family is revoked, and the access token's jti is announced revoked.
    await expect(oidc.refreshTokenGrant(spa, tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidc.fetchUserInfo(spa, tokens.access_token, w.userId)).rejects.toThrow();
    const audit = await w.t.admin('GET', '/audit?action=oauth.code_replayed');
    expect(audit.json.items.length).toBeGreaterThan(0);
    const jti = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString()).jti;
    const revoked = await w.t.admin('GET', `/audit?action=token.revoked`);
    expect(revoked.json.items.map((e: { targetId: string }) => e.targetId)).toContain(jti);
  });

  it('concurrent redemptions of one code: exactly one wins, and what it got is revoked', async () => {
    for (const grantTypes of [['authorization_code'], ['authorization_code', 'refresh_token']] as const) {
      const app = await w.newClient({
        name: `race ${grantTypes.length}`,
        type: 'public',
        firstParty: true,
        grantTypes: [...grantTypes],
      });
      const config = await w.discover(app.client.clientId, oidc.None());
      const request = await authorizationRequest(config);
      const res = await browser.get(request.url.href);
      const code = new URL(res.location as string).searchParams.get('code') as string;
      const form = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: request.verifier,
        client_id: app.client.clientId,
      };
      const results = await Promise.all([tokenRequest(form), tokenRequest(form), tokenRequest(form)]);
      const winners = results.filter((r) => r.status === 200);
      expect(winners, grantTypes.join()).toHaveLength(1);
      expect(results.filter((r) => r.json.error === 'invalid_grant')).toHaveLength(2);
      const won = winners[0]?.json as Record<string, string>;
      expect(won.refresh_token !== undefined).toBe(grantTypes.length === 2);
      // The losers' replay revoked the winner's access token (and refresh family, when there is one).
      const info = await fetch(`${w.issuer}/oauth2/userinfo`, {
        headers: { authorization: `Bearer ${won.access_token}` },
      });
      expect(info.status).toBe(401);
      if (won.refresh_token) {
        const refreshed = await tokenRequest({
          grant_type: 'refresh_token',
          refresh_token: won.refresh_token,
          client_id: app.client.clientId,
        });
        expect(refreshed.json.error).toBe('invalid_grant');
      }
    }
  });

  it('PKCE downgrade: plain, a missing method (plain by default) and a missing challenge are refused', async () => {
    const plain = await browser.get(authorizeUrl({ code_challenge_method: 'plain' }));
    expect(redirectError(plain.location)).toBe('invalid_request');
    const url = new URL(authorizeUrl({}));
    url.searchParams.delete('code_challenge_method');
    expect(redirectError((await browser.get(url.href)).location)).toBe('invalid_request');
    url.searchParams.delete('code_challenge');
    expect(redirectError((await browser.get(url.href)).location)).toBe('invalid_request');
    const short = await browser.get(authorizeUrl({ code_challenge: 'too-short' }));
    expect(redirectError(short.location)).toBe('invalid_request');
  });

  it('PKCE at the token endpoint: a missing or wrong verifier gets no tokens', async () => {
    const { code, verifier } = await spaCode();
    const base = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: w.spa.clientId,
    };
    expect(await tokenRequest(base)).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    const wrong = oidc.randomPKCECodeVerifier();
    expect(await tokenRequest({ ...base, code_verifier: wrong })).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant' },
    });
    // The challenge itself is not a verifier (a `plain` downgrade at redemption).
    const challenge = await oidc.calculatePKCECodeChallenge(verifier);
    expect(await tokenRequest({ ...base, code_verifier: challenge })).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant' },
    });
    // Failed attempts do not consume the code: its client, with the verifier, still redeems it.
    expect((await tokenRequest({ ...base, code_verifier: verifier })).status).toBe(200);
  });

  it('redirect-URI tampering: anything but an exact registered match is an error page, never a redirect', async () => {
    const variants = [
      'https://evil.example/callback',
      'https://app.example/callback/more',
      'https://app.example/callbac',
      'https://app.example/callbackx',
      'https://app.example/callback?next=https://evil.example',
      'https://app.example/callback#frag',
      'https://APP.example/callback',
      'https://app.example/Callback',
      'https://app.example:8443/callback',
      'https://app.example:443/callback',
      'http://app.example/callback',
      'https://app.example/callback/',
      'https://app.example.evil.example/callback',
    ];
    for (const redirect_uri of variants) {
      const res = await browser.get(authorizeUrl({ redirect_uri }));
      expect(res.status, redirect_uri).toBe(400);
      expect(res.location, redirect_uri).toBeUndefined();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.body).not.toContain('evil.example');
    }
    const missing = new URL(authorizeUrl({}));
    missing.searchParams.delete('redirect_uri');
    expect((await browser.get(missing.href)).status).toBe(400);

    // At the token endpoint the redirect_uri must be the authorization request's, exactly.
    const { code, verifier } = await spaCode();
    const res = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${REDIRECT}/`,
      code_verifier: verifier,
      client_id: w.spa.clientId,
    });
    expect(res).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
  });

  it('unknown, disabled or code-less clients get an error page, not a redirect (no open redirector)', async () => {
    for (const client_id of ['tsr_nobody', '']) {
      const res = await browser.get(authorizeUrl({ client_id }));
      expect(res.status).toBe(400);
      expect(res.location).toBeUndefined();
    }
    const ccOnly = await w.newClient({ name: 'cc', grantTypes: ['client_credentials'], redirectUris: [] });
    const cc = await browser.get(authorizeUrl({ client_id: ccOnly.client.clientId }));
    expect(cc.status).toBe(400);
    expect(cc.location).toBeUndefined();
    // After the client and redirect URI check out, errors go to the client with state and iss.
    const unsupported = await browser.get(authorizeUrl({ response_type: 'token' }));
    expect(redirectError(unsupported.location)).toBe('unsupported_response_type');
    const badScope = await browser.get(authorizeUrl({ scope: 'openid api:write' }));
    expect(redirectError(badScope.location)).toBe('invalid_scope');
    const badResource = await browser.get(authorizeUrl({ resource: 'https://unknown.example' }));
    expect(redirectError(badResource.location)).toBe('invalid_target');
    const requestObject = await browser.get(authorizeUrl({ request: 'eyJ.eyJ.sig' }));
    expect(redirectError(requestObject.location)).toBe('request_not_supported');
  });

  it('a request too long to resume after sign-in fails visibly instead of losing itself at the login page', async () => {
    const stranger = new Browser(w.issuer);
    const res = await stranger.get(authorizeUrl({ nonce: 'n'.repeat(1900) }));
    expect(redirectError(res.location)).toBe('invalid_request');
    // A request of ordinary size goes to the login page and comes back whole.
    const ordinary = await stranger.get(authorizeUrl({ nonce: 'n'.repeat(200) }));
    expect(ordinary.location).toMatch(/^\/login\?return_to=/);
  });

  it('takes the request as a form POST too (OIDC Core §3.1.2.1); only response_mode=query', async () => {
    const url = new URL(authorizeUrl({}));
    const posted = await browser.post('/oauth2/authorize', [...url.searchParams.entries()]);
    expect(posted.status).toBe(303);
    expect(new URL(posted.location as string).searchParams.get('code')).toBeTruthy();
    // Cross-site, the Lax session cookie stays behind a POST: the request is answered with the
    // same request as a GET, which carries it (played here by the signed-in browser following).
    const stranger = new Browser(w.issuer);
    const bounced = await stranger.post('/oauth2/authorize', [...url.searchParams.entries()]);
    expect(bounced.status).toBe(303);
    expect(bounced.location).toMatch(/^\/oauth2\/authorize\?/);
    const followed = await browser.get(bounced.location as string);
    expect(new URL(followed.location as string).searchParams.get('code')).toBeTruthy();
    const bogus = await stranger.post('/oauth2/authorize', {
      client_id: 'tsr_nobody',
      redirect_uri: 'https://evil.example/',
    });
    expect(bogus.status).toBe(400);
    expect(bogus.location).toBeUndefined();
    const fragment = await browser.get(authorizeUrl({ response_mode: 'fragment' }));
    expect(redirectError(fragment.location)).toBe('invalid_request');
    const repeated = new URL(authorizeUrl({}));
    repeated.searchParams.append('client_id', w.web.client.clientId);
    const twice = await browser.get(repeated.href);
    expect(twice.status).toBe(400);
    expect(twice.location).toBeUndefined();
  });

  it('mix-up: a code issued to one client is refused to another; openid-client checks iss', async () => {
    const { callback, code, verifier, state, nonce } = await spaCode();
    const stolen = await tokenRequest(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
      `Basic ${Buffer.from(`${w.web.client.clientId}:${w.web.secret}`).toString('base64')}`,
    );
    expect(stolen).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    // A response claiming another issuer (RFC 9207) is refused by the client before redemption.
    const forged = new URL(callback);
    forged.searchParams.set('iss', 'https://attacker.example');
    await expect(
      oidc.authorizationCodeGrant(spa, forged, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      }),
    ).rejects.toThrow();
    // The genuine response still works for its own client.
    const tokens = await oidc.authorizationCodeGrant(spa, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()?.aud).toBe(w.spa.clientId);
  });

  it('an expired code is refused', async () => {
    const { code, verifier } = await spaCode();
    w.clock.advance(61_000);
    try {
      const res = await tokenRequest({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        client_id: w.spa.clientId,
      });
      expect(res).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    } finally {
      w.clock.advance(-61_000);
    }
  });

  it("CSRF on consent: a decision without this browser's token is refused and issues no code", async () => {
    const request = await authorizationRequest(web);
    const consent = await browser.get(request.url.href);
    expect(consent.status).toBe(200);
    const fields = hiddenFields(consent.body).filter(([name]) => name !== 'csrf');
    const forged = await browser.post('/consent', [...fields, ['decision', 'approve']]);
    expect(forged.status).toBe(400);
    expect(forged.location).toBeUndefined();
    // Another browser's valid token does not fit this browser's cookie.
    const attacker = new Browser(w.issuer);
    await attacker.signInDirectly();
    const theirs = hiddenFields((await attacker.get(request.url.href)).body).find(([n]) => n === 'csrf');
    const crossed = await browser.post('/consent', [
      ...fields,
      ['csrf', theirs?.[1] ?? ''],
      ['decision', 'approve'],
    ]);
    expect(crossed.status).toBe(400);
    // A consent page is never framed (clickjacking).
    expect(consent.headers.get('x-frame-options')).toBe('DENY');
    expect(consent.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('deny sends access_denied; prompt=none never shows a page', async () => {
    const request = await authorizationRequest(web, { state: 'st-1' });
    const consent = await browser.get(request.url.href);
    const denied = await browser.post('/consent', [...hiddenFields(consent.body), ['decision', 'deny']]);
    expect(redirectError(denied.location)).toBe('access_denied');

    const none = await authorizationRequest(web, { prompt: 'none', state: 'st-1' });
    expect(redirectError((await browser.get(none.url.href)).location)).toBe('consent_required');
    const stranger = new Browser(w.issuer);
    expect(redirectError((await stranger.get(authorizeUrl({ prompt: 'none' }))).location)).toBe(
      'login_required',
    );
  });

  it('prompt=login, prompt=select_account and an exceeded max_age send a signed-in user back to the login page', async () => {
    const own = new Browser(w.issuer);
    await own.signInDirectly();
    const fresh = await own.get(authorizeUrl({ max_age: '60' }));
    expect(new URL(fresh.location as string).searchParams.get('code')).toBeTruthy();
    const login = await own.get(authorizeUrl({ prompt: 'login' }));
    expect(login.location).toMatch(/^\/login\?return_to=/);
    expect(decodeURIComponent(login.location as string)).not.toContain('prompt=login');
    // After signing in again the request completes.
    const back = await own.signIn(login);
    const done = await own.get(back.location as string);
    expect(new URL(done.location as string).searchParams.get('code')).toBeTruthy();
    const select = await own.get(authorizeUrl({ prompt: 'select_account consent' }));
    expect(select.location).toMatch(/^\/login\?return_to=/);
    expect(decodeURIComponent(select.location as string)).not.toContain('select_account');
    await own.signIn(select);
    w.clock.advance(120_000);
    try {
      expect((await own.get(authorizeUrl({ max_age: '60' }))).location).toMatch(/^\/login\?/);
    } finally {
      w.clock.advance(-120_000);
    }
  });

  it('a user disabled after the code was issued gets no tokens; nor does a disabled client', async () => {
    const userId = await w.createUser('grace');
    const own = new Browser(w.issuer);
    await own.signInDirectly('grace');
    const request = await authorizationRequest(spa);
    const res = await own.get(request.url.href);
    const code = new URL(res.location as string).searchParams.get('code') as string;
    const current = await w.t.admin('GET', `/users/${userId}`);
    const patched = await w.t.admin(
      'PATCH',
      `/users/${userId}`,
      { active: false },
      { 'if-match': current.headers.etag as string },
    );
    expect(patched.status).toBe(200);
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: request.verifier,
      client_id: w.spa.clientId,
    };
    expect(await tokenRequest(form)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });

    const app = await w.newClient({ name: 'soon disabled', type: 'public', firstParty: true });
    const config = await w.discover(app.client.clientId, oidc.None());
    const second = await authorizationRequest(config);
    const issued = await browser.get(second.url.href);
    const secondCode = new URL(issued.location as string).searchParams.get('code') as string;
    const disabled = await w.t.admin('PATCH', `/clients/${app.client.id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    const refused = await tokenRequest({
      ...form,
      code: secondCode,
      code_verifier: second.verifier,
      client_id: app.client.clientId,
    });
    expect(refused).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    // And a disabled client cannot start an authorization either (error page, no redirect).
    const start = await browser.get(second.url.href);
    expect(start.status).toBe(400);
    expect(start.location).toBeUndefined();
  });

  it('end_session: unregistered post-logout URIs are refused; without a hint the user must confirm', async () => {
    const own = new Browser(w.issuer);
    await own.signInDirectly();
    const url = (params: Record<string, string>) =>
      `${w.issuer}/oauth2/end_session?${new URLSearchParams(params)}`;
    for (const target of ['https://evil.example/', `${POST_LOGOUT}/x`, 'https://app.example/callback']) {
      const res = await own.get(url({ client_id: w.spa.clientId, post_logout_redirect_uri: target }));
      expect(res.status, target).toBe(400);
      expect(res.location).toBeUndefined();
    }
    // A registered URI without a client to check it against is refused too.
    expect((await own.get(url({ post_logout_redirect_uri: POST_LOGOUT }))).status).toBe(400);
    // A forged hint is refused.
    expect((await own.get(url({ id_token_hint: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }))).status).toBe(400);

    // No hint (a cross-site link): a confirmation page, the session stays.
    const confirm = await own.get(
      url({ client_id: w.spa.clientId, post_logout_redirect_uri: POST_LOGOUT, state: 's' }),
    );
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Sign out');
    const stillIn = await own.get(authorizeUrl({}));
    expect(new URL(stillIn.location as string).searchParams.get('code')).toBeTruthy();
    // Confirming without the CSRF token does nothing.
    const fields = hiddenFields(confirm.body);
    const forged = await own.post(
      '/oauth2/end_session',
      fields.filter(([n]) => n !== 'csrf'),
    );
    expect(forged.status).toBe(400);
    // Confirming with it signs out and returns to the registered URI with state.
    const out = await own.post('/oauth2/end_session', fields);
    expect(out.status).toBe(303);
    expect(out.location).toBe(`${POST_LOGOUT}?state=s`);
    expect((await own.get(authorizeUrl({}))).location).toMatch(/^\/login\?/);
  });

  it('end_session posted by a relying party becomes a GET, so the Lax session cookie comes along', async () => {
    const own = new Browser(w.issuer);
    await own.signInDirectly();
    const { callback, verifier, state, nonce } = await (async () => {
      const request = await authorizationRequest(spa);
      const res = await own.get(request.url.href);
      return { callback: new URL(res.location as string), ...request };
    })();
    const tokens = await oidc.authorizationCodeGrant(spa, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const posted = await own.post('/oauth2/end_session', {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: POST_LOGOUT,
      state: 'p',
    });
    expect(posted.status).toBe(303);
    expect(posted.location).toMatch(/^\/oauth2\/end_session\?id_token_hint=/);
    const out = await own.get(posted.location as string);
    expect(out.location).toBe(`${POST_LOGOUT}?state=p`);
    expect((await own.get(authorizeUrl({}))).location).toMatch(/^\/login\?/);
  });

  it("userinfo refuses a token once its user's tokens are revoked (revoke before T)", async () => {
    const userId = await w.createUser('hopper');
    const own = new Browser(w.issuer);
    await own.signInDirectly('hopper');
    const request = await authorizationRequest(spa);
    const res = await own.get(request.url.href);
    const tokens = await oidc.authorizationCodeGrant(spa, new URL(res.location as string), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(await oidc.fetchUserInfo(spa, tokens.access_token, userId)).toMatchObject({ sub: userId });
    // iat has whole seconds: revoke a second later so the token is before T.
    w.clock.advance(1_000);
    try {
      const revoked = await w.t.admin('POST', `/users/${userId}/revoke-tokens`, {});
      expect(revoked.status).toBe(200);
      const after = await fetch(`${w.issuer}/oauth2/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      w.clock.advance(-1_000);
    }
  });

  it('userinfo answers RFC 6750 challenges', async () => {
    const none = await fetch(`${w.issuer}/oauth2/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    // Browser apps may call it from their origin (CORS without credentials), errors included.
    expect(none.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${w.issuer}/oauth2/userinfo`, {
      method: 'OPTIONS',
      headers: { origin: 'https://spa.example', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const bad = await fetch(`${w.issuer}/oauth2/userinfo`, {
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
    // A client_credentials token speaks for no user.
    const cc = await w.t.adminToken();
    const machine = await fetch(`${w.issuer}/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${cc}` },
    });
    expect(machine.status).toBe(401);
    // A user token from a code flow without openid: 403 insufficient_scope.
    const plain = await w.newClient({ name: 'plain oauth', type: 'public', firstParty: true });
    const config = await w.discover(plain.client.clientId, oidc.None());
    const request = await authorizationRequest(config, { scope: 'api:read' });
    const res = await browser.get(request.url.href);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(res.location as string), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
    });
    expect(tokens.id_token).toBeUndefined();
    const forbidden = await fetch(`${w.issuer}/oauth2/userinfo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});
