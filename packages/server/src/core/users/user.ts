import { invalid } from '../errors.js';
import { canonicalJson } from '../journal.js';
import type { Email, PersonName, ScimAttributes, User } from '../model.js';
import { optionalText, text } from '../validate.js';

/** The attributes an admin or an identity provider (SCIM) may set on a user. */
export interface UserInput {
  userName: string;
  externalId?: string | null;
  name?: PersonName | null;
  displayName?: string | null;
  emails?: Email[] | null;
  active?: boolean;
  /** Further SCIM attributes, replaced as a whole; null or {} clears them. */
  scim?: ScimAttributes | null;
}

export type UserAttributes = Pick<
  User,
  'userName' | 'externalId' | 'name' | 'displayName' | 'emails' | 'active' | 'scim'
>;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface UserAttributeOptions {
  /**
   * Accept any email value, not only addresses. RFC 7643 §4.1.2: a value "SHOULD be specified
   * according to [RFC5321]" — a SHOULD, so an identity provider's odd value (SCIM) must not block
   * its user's provisioning. Admin input is checked. Stored values are never re-checked.
   */
  anyEmailValue?: boolean;
}

/** Largest SCIM attribute set a user may carry, as JSON text. */
export const MAX_SCIM_ATTRIBUTES_LENGTH = 64 * 1024;

/** Validates and normalizes attributes; `base` supplies what a partial update leaves out. */
export function userAttributes(
  input: Partial<UserInput>,
  base?: UserAttributes,
  options: UserAttributeOptions = {},
): UserAttributes {
  const pick = <K extends keyof UserInput>(key: K): UserInput[K] | undefined =>
    key in input ? input[key] : (base?.[key] as UserInput[K] | undefined);
  return {
    userName: text(pick('userName'), 'userName'),
    externalId: optionalText(pick('externalId'), 'externalId'),
    name: personName(pick('name') ?? {}),
    displayName: optionalText(pick('displayName'), 'displayName'),
    emails: emails(pick('emails') ?? [], 'emails' in input && options.anyEmailValue !== true),
    active: activeFlag(pick('active')),
    scim: scimAttributes(pick('scim')),
  };
}

function scimAttributes(value: unknown): ScimAttributes | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('scim must be an object', 'scim');
  if (Object.keys(value).length === 0) return undefined;
  if (JSON.stringify(value).length > MAX_SCIM_ATTRIBUTES_LENGTH)
    throw invalid(`SCIM attributes must be at most ${MAX_SCIM_ATTRIBUTES_LENGTH} characters of JSON`, 'scim');
  return value as ScimAttributes;
}

function activeFlag(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'boolean') throw invalid('active must be a boolean', 'active');
  return value;
}

function personName(value: PersonName): PersonName {
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('name must be an object', 'name');
  const out: PersonName = {};
  for (const key of [
    'givenName',
    'familyName',
    'formatted',
    'middleName',
    'honorificPrefix',
    'honorificSuffix',
  ] as const) {
    const v = optionalText(value[key], `name.${key}`);
    if (v !== null) out[key] = v;
  }
  return out;
}

function emails(values: Email[], checkAddresses: boolean): Email[] {
  if (!Array.isArray(values)) throw invalid('emails must be an array', 'emails');
  if (values.length > 20) throw invalid('at most 20 emails', 'emails');
  const out = values.map((e, i) => {
    const value = text(e?.value, `emails[${i}].value`, 254);
    if (checkAddresses && !EMAIL.test(value))
      throw invalid(`emails[${i}].value is not an email address`, `emails[${i}].value`);
    const email: Email = { value };
    const type = optionalText(e.type, `emails[${i}].type`, 64);
    if (type !== null) email.type = type;
    if (e.primary === true) email.primary = true;
    return email;
  });
  if (out.filter((e) => e.primary).length > 1) throw invalid('at most one email may be primary', 'emails');
  return out;
}

/** The attribute names whose values differ, for the audit summary (key order does not count). */
export function changedAttributes(before: UserAttributes, after: UserAttributes): string[] {
  return (Object.keys(after) as (keyof UserAttributes)[]).filter(
    (k) => canonicalJson(before[k]) !== canonicalJson(after[k]),
  );
}
