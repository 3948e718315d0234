import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

export interface RawSigner {
  /** One access token: encode header and claims, sign with ES256 (JWS signature in IEEE P1363 form). */
  issue(): string;
  /** Issues tokens back to back on this thread for `seconds`; the single-core ceiling. */
  run(seconds: number): { tokens: number; seconds: number };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The "raw node:crypto ES256" anchor: the least work a JWT issuer can do per token, with the same
 * claim set oidc-provider issues for client_credentials (RFC 9068 shape, fresh jti and iat each time).
 */
export function createRawSigner(issuer = 'http://127.0.0.1', clientId = 'bench-client'): RawSigner {
  const key: KeyObject = createPrivateKey(
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
  );
  const header = encode({ alg: 'ES256', typ: 'at+jwt', kid: 'bench-es256' });

  const issue = (): string => {
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      jti: randomBytes(32).toString('base64url'),
      sub: clientId,
      iat,
      exp: iat + 600,
      client_id: clientId,
      iss: issuer,
      aud: 'https://api.example',
    };
    const signingInput = `${header}.${encode(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${signature.toString('base64url')}`;
  };

  return {
    issue,
    run(seconds) {
      const start = performance.now();
      const deadline = start + seconds * 1000;
      let tokens = 0;
      let now = start;
      // Reading the clock every 64 tokens keeps its cost out of the measurement.
      while (now < deadline) {
        for (let i = 0; i < 64; i++) issue();
        tokens += 64;
        now = performance.now();
      }
      return { tokens, seconds: (now - start) / 1000 };
    },
  };
}
