export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** Size of the compact serialization in bytes, as it travels in an Authorization header. */
  readonly bytes: number;
}

/** Decodes (does not verify) a JWS compact serialization, failing unless it has exactly 3 parts. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw new Error(`expected a JWT (3 dot-separated parts), got ${parts.length} part(s)`);
  }
  const [header, payload] = parts.slice(0, 2).map((part) => {
    const json: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new Error('JWT header and payload must be JSON objects');
    }
    return json as Record<string, unknown>;
  }) as [Record<string, unknown>, Record<string, unknown>];
  return { header, payload, bytes: Buffer.byteLength(token) };
}
