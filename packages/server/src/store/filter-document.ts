/**
 * The filter document of a user: what SCIM filters (RFC 7644 §3.4.2.2) read, precomputed at
 * write time. It holds the user's SCIM attributes (core and extensions, as the SCIM surface
 * renders them) with every key lower-cased and every string lower-cased unless its attribute is
 * caseExact, both by JavaScript's `toLowerCase` — the very folding `evaluateFilter` applies — so
 * SQL compares plain strings and agrees with the in-memory evaluator on every character, which
 * neither SQLite's ASCII-only `lower()` nor PostgreSQL's locale-dependent one would.
 *
 * Empty values (null, "", [] and {}) are left out: RFC 7643 §2.5 treats them as unassigned,
 * so `pr` is "the key exists". `id`, `externalId`, `userName`, `active` and `meta` are columns.
 */
import type { User } from '../core/model.js';
import { defaultCaseExact } from '../scim/filter/case-exact.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The attributes that live in the document (everything but the columns). */
export function filterResource(user: Pick<User, 'name' | 'displayName' | 'emails' | 'scim'>) {
  return { name: user.name, displayName: user.displayName, emails: user.emails, ...(user.scim ?? {}) };
}

export function filterDocument(user: Pick<User, 'name' | 'displayName' | 'emails' | 'scim'>): string {
  return JSON.stringify(lowerResource(filterResource(user)));
}

/**
 * Lower-cases keys and values of a SCIM resource. Attribute keys follow `evaluateFilter`:
 * `name` / `name.sub` for core attributes, `urn…:name` for attributes under an extension URN.
 */
export function lowerResource(resource: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    const kept = lower.startsWith('urn:')
      ? isObject(value)
        ? lowerAttributes(value, `${lower}:`)
        : undefined
      : lowerValue(value, lower, 0);
    if (kept !== undefined) out[lower] = kept;
  }
  return out;
}

function lowerAttributes(
  attributes: Record<string, unknown>,
  prefix: string,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const lower = key.toLowerCase();
    const kept = lowerValue(value, `${prefix}${lower}`, 0);
    if (kept !== undefined) out[lower] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** `depth` 0 is the attribute, 1 its sub-attributes (SCIM has no deeper levels). */
function lowerValue(value: unknown, attributeKey: string, depth: number): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    if (value === '') return undefined;
    return defaultCaseExact(attributeKey) ? value : value.toLowerCase();
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => lowerValue(v, attributeKey, depth)).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    if (depth > 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(value)) {
      const lower = key.toLowerCase();
      const kept = lowerValue(sub, `${attributeKey}.${lower}`, depth + 1);
      if (kept !== undefined) out[lower] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}
