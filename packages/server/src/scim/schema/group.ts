/** The Group schema (RFC 7643 §4.2, representation §8.7.1). Members are Users only. */
import { attribute as a, type SchemaDef } from './types.js';
import { GROUP_SCHEMA } from './urns.js';

export const GROUP: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    a(
      'displayName',
      'string',
      'A human-readable name for the Group, unique in Tessera (compared case-insensitively).',
      {
        required: true,
        uniqueness: 'server',
      },
    ),
    a('members', 'complex', 'A list of members of the Group: Users.', {
      multiValued: true,
      subAttributes: [
        a('value', 'string', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        a('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User'],
        }),
        a(
          'display',
          'string',
          "A label for the member: the one the client gave when adding it, else the user's displayName or userName.",
        ),
        a('type', 'string', 'A label indicating the type of resource.', {
          mutability: 'immutable',
          canonicalValues: ['User'],
        }),
      ],
    }),
  ],
};
