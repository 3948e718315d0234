/**
 * Attribute definitions as RFC 7643 §7 publishes them under /Schemas. One table per schema
 * drives input checking, projection, /Schemas and the store's filter translation.
 */

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDef[];
}

export interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDef[];
}

type Options = Partial<Omit<AttributeDef, 'name' | 'type' | 'description'>>;

/** An attribute with RFC 7643 §2.2's defaults (single-valued, optional, readWrite, returned by default). */
export const attribute = (
  name: string,
  type: AttributeType,
  description: string,
  options: Options = {},
): AttributeDef => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...options,
});

/** The usual sub-attributes of a multi-valued attribute (RFC 7643 §2.4). */
export const multiValuedSubs = (
  valueType: AttributeType,
  types: readonly string[],
  valueDescription: string,
  extra: Options = {},
): AttributeDef[] => [
  attribute('value', valueType, valueDescription, extra),
  attribute('display', 'string', 'A human-readable name, primarily used for display purposes.'),
  attribute('type', 'string', "A label indicating the attribute's function.", { canonicalValues: types }),
  attribute('primary', 'boolean', "A Boolean value indicating the 'primary' or preferred attribute value."),
];

/** Finds an attribute by name, case-insensitively (RFC 7643 §2.1). */
export function findAttribute(attributes: readonly AttributeDef[], name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return attributes.find((a) => a.name.toLowerCase() === lower);
}
