/** The attributes every resource has (RFC 7643 §3.1), outside any schema's attribute list. */
import { type AttributeDef, attribute as a } from './types.js';

export const COMMON: readonly AttributeDef[] = [
  a('id', 'string', 'A unique identifier for a SCIM resource as defined by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  a(
    'externalId',
    'string',
    'A String that is an identifier for the resource as defined by the provisioning client.',
    {
      caseExact: true,
    },
  ),
  a('meta', 'complex', 'A complex attribute containing resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      a('resourceType', 'string', 'The name of the resource type of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      a('created', 'dateTime', 'The "DateTime" that the resource was added to the service provider.', {
        mutability: 'readOnly',
      }),
      a(
        'lastModified',
        'dateTime',
        'The most recent DateTime that the details of this resource were updated.',
        { mutability: 'readOnly' },
      ),
      a('location', 'reference', 'The URI of the resource being returned.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      a('version', 'string', 'The version of the resource being returned (its ETag).', {
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
  }),
];
