/**
 * Which string attributes compare case-sensitively (`caseExact`, RFC 7643 §2.2). Keys are
 * attribute keys as `evaluateFilter` builds them: lower-case, `name` or `name.subAttr`, prefixed
 * with the lower-cased schema URN and ":" for extension attributes only.
 */
export type CaseExact = (attributeKey: string) => boolean;

/**
 * caseExact true in RFC 7643: the common attributes `id` and `externalId` (§3.1), `meta`'s
 * `resourceType`, `location` and `version` (§3.1; `location` is a reference, and "a reference is
 * case exact", §2.3.7), `schemas` (URIs, §3), and binary `x509Certificates.value` (§2.3.6 "a
 * binary value is case exact"). Every other attribute of the User, Group and enterprise
 * extension schemas is caseExact false (§8.7.1, §8.7.2) — `userName`, `displayName`,
 * `emails.value`, `members.value`, `employeeNumber`, ….
 */
const CASE_EXACT: ReadonlySet<string> = new Set([
  'id',
  'externalid',
  'meta.resourcetype',
  'meta.location',
  'meta.version',
  'schemas',
  'x509certificates.value',
]);

export const defaultCaseExact: CaseExact = (attributeKey) => CASE_EXACT.has(attributeKey);
