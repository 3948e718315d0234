import { invalid } from '../errors.js';
import type { Email, PersonName, User } from '../model.js';
import { optionalText, text } from '../validate.js';

/** The attributes an admin (or, later, SCIM) may set on a user. */
export interface UserInput {
  userName: string;
  externalId?: string | null;
  name?: PersonName | null;
  displayName?: string | null;
  emails?: Email[] | null;
  active?: boolean;
}

export type UserAttributes = Pick<
  User,
  'userName' | 'externalId' | 'name' | 'displayName' | 'emails' | 'active'
>;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Validates and normalizes attributes; `base` supplies what a partial update leaves out. */
export function userAttributes(input: Partial<UserInput>, base?: UserAttributes): UserAttributes {
  const pick = <K extends keyof UserInput>(key: K): UserInput[K] | undefined =>
    key in input ? input[key] : (base?.[key] as UserInput[K] | undefined);
  return {
    userName: text(pick('userName'), 'userName'),
    externalId: optionalText(pick('externalId'), 'externalId'),
    name: personName(pick('name') ?? {}),
    displayName: optionalText(pick('displayName'), 'displayName'),
    emails: emails(pick('emails') ?? []),
    active: activeFlag(pick('active')),
  };
}

function activeFlag(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'boolean') throw invalid('active must be a boolean', 'active');
  return value;
}

function personName(value: PersonName): PersonName {
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('name must be an object', 'name');
  const out: PersonName = {};
  for (const key of ['givenName', 'familyName', 'formatted'] as const) {
    const v = optionalText(value[key], `name.${key}`);
    if (v !== null) out[key] = v;
  }
  return out;
}

function emails(values: Email[]): Email[] {
  if (!Array.isArray(values)) throw invalid('emails must be an array', 'emails');
  if (values.length > 20) throw invalid('at most 20 emails', 'emails');
  const out = values.map((e, i) => {
    const value = text(e?.value, `emails[${i}].value`, 254);
    if (!EMAIL.test(value)) throw invalid(`emails[${i}].value is not an email address`, `emails[${i}].value`);
    const email: Email = { value };
    const type = optionalText(e.type, `emails[${i}].type`, 64);
    if (type !== null) email.type = type;
    if (e.primary === true) email.primary = true;
    return email;
  });
  if (out.filter((e) => e.primary).length > 1) throw invalid('at most one email may be primary', 'emails');
  return out;
}

/** The attribute names whose values differ, for the audit summary. */
export function changedAttributes(before: UserAttributes, after: UserAttributes): string[] {
  return (Object.keys(after) as (keyof UserAttributes)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}
