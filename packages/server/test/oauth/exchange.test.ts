/**
 * RFC 8693 token exchange through openid-client (genericGrantRequest) against a listening
 * server, on both dialects: down-scoping to another audience, never widening (user's current
 * rights ∩ subject scope ∩ requested scope), lifetime capped by the subject token, `act`, and
 * who may exchange.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { API, claimsOf, oauthError, startWorld, type World } from './refresh-support.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const BILLING = 'https://billing.example';

describeDialects('token exchange', (dialect) => {
  let w: World;
  let spa: oidc.Configuration;
  let service: oidc.Configuration;
  let serviceId: string;
  let rs: oidc.Configuration;
  beforeAll(async () => {
    w = await startWorld(dialect);
    spa = w.configFor(w.spa.clientId, oidc.None());
    await w.t.admin('POST', '/applications', { name: 'billing', audience: BILLING, namespace: 'billing' });
    await w.t.admin('POST', '/roles', {
      name: 'billing-writer',
      permissions: ['billing:read', 'billing:write'],
    });
    await w.t.admin('POST', '/roles', { name: 'billing-admin', permissions: ['billing:*'] });
    await w.t.admin('PUT', `/users/${w.userId}/roles/billing-writer`);
    const api = await w.newClient('api service', [EXCHANGE as 'client_credentials'], {
      defaultAudience: API,
    });
    serviceId = api.client.clientId;
    service = w.configFor(serviceId, oidc.ClientSecretBasic(api.secret));
    await w.t.admin('POST', '/roles', { name: 'introspector', permissions: ['tessera:introspect'] });
    const inspector = await w.newClient('inspector', ['client_credentials'], {
      defaultAudience: 'urn:tessera:admin',
      roles: ['introspector'],
    });
    rs = w.configFor(inspector.client.clientId, oidc.ClientSecretBasic(inspector.secret));
  });
  afterAll(async () => w?.close());

  const userToken = async (options: { userId?: string; scope?: string } = {}) => {
    const { token } = await w.login(options);
    return (await oidc.refreshTokenGrant(spa, token)).access_token;
  };
  const exchange = (config: oidc.Configuration, subject: string, extra: Record<string, string> = {}) =>
    oidc.genericGrantRequest(config, EXCHANGE, { subject_token: subject, subject_token_type: AT, ...extra });

  it('exchanges a user token for a down-scoped token for another audience, naming the actor', async () => {
    const subject = await userToken();
    const res = await exchange(service, subject, { resource: BILLING, scope: 'billing:read' });
    expect(res.issued_token_type).toBe(AT);
    expect(res.token_type).toBe('bearer');
    expect(res.scope).toBe('billing:read');
    expect(res.refresh_token).toBeUndefined();
    const claims = claimsOf(res.access_token);
    expect(claims).toMatchObject({
      sub: w.userId,
      aud: BILLING,
      client_id: serviceId,
      act: { sub: serviceId },
      scope: 'billing:read',
      permissions: ['billing:read'],
    });
    expect(claims.exp as number).toBeLessThanOrEqual(claimsOf(subject).exp as number);
    // `audience` (RFC 8693 §2.1) names the target as well; no scope: all the user holds there.
    const all = await exchange(service, subject, { audience: BILLING });
    expect(claimsOf(all.access_token)).toMatchObject({ permissions: ['billing:read', 'billing:write'] });
  });

  it("never widens: beyond the user's rights or the subject token's scope is invalid_scope", async () => {
    const subject = await userToken();
    expect(await oauthError(exchange(service, subject, { resource: BILLING, scope: 'billing:delete' }))).toBe(
      'invalid_scope',
    );
    expect(await oauthError(exchange(service, subject, { resource: BILLING, scope: 'billing:*' }))).toBe(
      'invalid_scope',
    );
    const narrowed = await userToken({ scope: 'offline_access api:read' });
    expect(claimsOf(narrowed).scope).toBe('api:read');
    expect(await oauthError(exchange(service, narrowed, { resource: API, scope: 'api:write' }))).toBe(
      'invalid_scope',
    );
    // Nothing of the subject's scope applies to billing.
    expect(await oauthError(exchange(service, narrowed, { resource: BILLING }))).toBe('invalid_scope');
    const same = await exchange(service, narrowed, { resource: API });
    expect(claimsOf(same.access_token)).toMatchObject({ scope: 'api:read', permissions: ['api:read'] });
  });

  it('the exchanged token stays narrowed under later grants, as introspection reports it', async () => {
    const userId = await w.createUser('eve', ['billing-writer']);
    const subject = await userToken({ userId });
    const res = await exchange(service, subject, { resource: BILLING, scope: 'billing:read' });
    await w.t.admin('PUT', `/users/${userId}/roles/billing-admin`);
    expect(await oidc.tokenIntrospection(rs, res.access_token)).toMatchObject({
      active: true,
      act: { sub: serviceId },
      permissions: ['billing:read'],
    });
  });

  it('caps the lifetime at what remains of the subject token', async () => {
    const subject = await userToken();
    w.clock.advance(8 * 60_000);
    const res = await exchange(service, subject, { resource: BILLING });
    expect(res.expires_in).toBeLessThanOrEqual(120);
    // Whole seconds: never after the subject token's exp, at most a second before it.
    const exp = claimsOf(res.access_token).exp as number;
    expect(exp).toBeLessThanOrEqual(claimsOf(subject).exp as number);
    expect(exp).toBeGreaterThanOrEqual((claimsOf(subject).exp as number) - 1);
  });

  it('only for the audience the client serves, active subject tokens, confidential clients', async () => {
    const subject = await userToken();
    const other = await w.newClient('billing service', [EXCHANGE as 'client_credentials'], {
      defaultAudience: BILLING,
    });
    const billingService = w.configFor(other.client.clientId, oidc.ClientSecretBasic(other.secret));
    expect(await oauthError(exchange(billingService, subject, { resource: API }))).toBe('invalid_grant');

    await oidc.tokenRevocation(spa, subject);
    expect(await oauthError(exchange(service, subject, { resource: BILLING }))).toBe('invalid_grant');

    const userId = await w.createUser('mallory', ['billing-writer']);
    const disabled = await userToken({ userId });
    await w.t.admin('PATCH', `/users/${userId}`, { active: false });
    expect(await oauthError(exchange(service, disabled, { resource: BILLING }))).toBe('invalid_grant');

    expect(await oauthError(exchange(service, 'garbage', { resource: BILLING }))).toBe('invalid_grant');
    expect(
      await oauthError(
        oidc.genericGrantRequest(service, EXCHANGE, {
          subject_token: await userToken(),
          subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        }),
      ),
    ).toBe('invalid_request');
    // The web client is not registered for the grant.
    const web = w.configFor(w.web.client.clientId, oidc.ClientSecretBasic(w.web.secret));
    expect(await oauthError(exchange(web, await userToken(), { resource: BILLING }))).toBe(
      'unauthorized_client',
    );
  });
});
