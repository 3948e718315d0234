/**
 * The User schema (RFC 7643 §4.1, representation §8.7.1) and the enterprise extension (§4.3),
 * limited to what Tessera stores: no `password` (Tessera does not authenticate users with
 * one) and no `emails.display`.
 */
import { type AttributeDef, attribute as a, multiValuedSubs, type SchemaDef } from './types.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './urns.js';

const str = (name: string, description: string) => a(name, 'string', description);

const name: AttributeDef = a('name', 'complex', "The components of the user's real name.", {
  subAttributes: [
    str(
      'formatted',
      'The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.',
    ),
    str('familyName', 'The family name of the User, or last name in most Western languages.'),
    str('givenName', 'The given name of the User, or first name in most Western languages.'),
    str('middleName', 'The middle name(s) of the User.'),
    str(
      'honorificPrefix',
      "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.').",
    ),
    str(
      'honorificSuffix',
      "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III').",
    ),
  ],
});

const emails: AttributeDef = a('emails', 'complex', 'Email addresses for the user.', {
  multiValued: true,
  subAttributes: multiValuedSubs('string', ['work', 'home', 'other'], 'Email addresses for the user.').filter(
    (s) => s.name !== 'display',
  ),
});

const addresses: AttributeDef = a('addresses', 'complex', 'A physical mailing address for this User.', {
  multiValued: true,
  subAttributes: [
    str('formatted', 'The full mailing address, formatted for display or use with a mailing label.'),
    str('streetAddress', 'The full street address component.'),
    str('locality', 'The city or locality component.'),
    str('region', 'The state or region component.'),
    str('postalCode', 'The zip code or postal code component.'),
    str('country', 'The country name component.'),
    a('type', 'string', "A label indicating the attribute's function.", {
      canonicalValues: ['work', 'home', 'other'],
    }),
    a('primary', 'boolean', "A Boolean value indicating the 'primary' or preferred attribute value."),
  ],
});

const groups: AttributeDef = a('groups', 'complex', 'A list of groups to which the user belongs.', {
  multiValued: true,
  mutability: 'readOnly',
  subAttributes: [
    a('value', 'string', "The identifier of the User's group.", { mutability: 'readOnly' }),
    a('$ref', 'reference', "The URI of the corresponding 'Group' resource.", {
      mutability: 'readOnly',
      referenceTypes: ['Group'],
    }),
    a('display', 'string', 'A human-readable name, primarily used for display purposes.', {
      mutability: 'readOnly',
    }),
    a('type', 'string', 'A label indicating the membership: Tessera has direct memberships only.', {
      mutability: 'readOnly',
      canonicalValues: ['direct', 'indirect'],
    }),
  ],
});

const multi = (attributeName: string, description: string, subs: AttributeDef[]): AttributeDef =>
  a(attributeName, 'complex', description, { multiValued: true, subAttributes: subs });

export const USER: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    a('userName', 'string', 'Unique identifier for the User, compared case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    name,
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user in real life.'),
    a(
      'profileUrl',
      'reference',
      "A fully qualified URL pointing to a page representing the User's online profile.",
      {
        referenceTypes: ['external'],
      },
    ),
    str('title', "The user's title, such as 'Vice President'."),
    str('userType', 'Used to identify the relationship between the organization and the user.'),
    str('preferredLanguage', "Indicates the User's preferred written or spoken language (RFC 7231 §5.3.5)."),
    str(
      'locale',
      "Used to indicate the User's default location for purposes of localizing items (e.g., 'en-US').",
    ),
    str(
      'timezone',
      "The User's time zone in the 'Olson' time zone database format (e.g., 'America/Los_Angeles').",
    ),
    a(
      'active',
      'boolean',
      "A Boolean value indicating the User's administrative status. False disables the user and revokes their tokens.",
    ),
    emails,
    multi(
      'phoneNumbers',
      'Phone numbers for the User.',
      multiValuedSubs(
        'string',
        ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
        'Phone number of the User.',
      ),
    ),
    multi(
      'ims',
      'Instant messaging addresses for the User.',
      multiValuedSubs(
        'string',
        ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
        'Instant messaging address for the User.',
      ),
    ),
    multi(
      'photos',
      'URLs of photos of the User.',
      multiValuedSubs('reference', ['photo', 'thumbnail'], 'URL of a photo of the User.', {
        referenceTypes: ['external'],
      }),
    ),
    addresses,
    groups,
    multi(
      'entitlements',
      'A list of entitlements for the User. Stored as given; they grant nothing in Tessera.',
      multiValuedSubs('string', [], 'The value of an entitlement.'),
    ),
    multi(
      'roles',
      'A list of roles for the User. Stored as given; they are not Tessera roles and grant nothing.',
      multiValuedSubs('string', [], 'The value of a role.'),
    ),
    multi(
      'x509Certificates',
      'A list of certificates issued to the User.',
      multiValuedSubs('binary', [], 'The value of an X.509 certificate.', { caseExact: true }),
    ),
  ],
};

export const ENTERPRISE_USER: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str(
      'employeeNumber',
      'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
    ),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    a('manager', 'complex', "The User's manager.", {
      subAttributes: [
        a('value', 'string', "The id of the SCIM resource representing the User's manager."),
        a('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", {
          referenceTypes: ['User'],
        }),
        a('displayName', 'string', "The displayName of the User's manager. Not returned by Tessera.", {
          mutability: 'readOnly',
        }),
      ],
    }),
  ],
};
