import type { Group, NewLogEvent } from '../model.js';

/** The attributes an admin (or SCIM) sets on a group. */
export interface GroupInput {
  displayName: string;
  externalId?: string | null;
}

export const groupEvent = (
  group: Group,
  type: NewLogEvent['type'],
  data: Record<string, unknown> = {},
): NewLogEvent => ({
  type,
  subjectType: 'group',
  subjectId: group.id,
  subjectVersion: group.version,
  data: { displayName: group.displayName, ...data },
});
