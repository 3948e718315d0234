/**
 * The Store contract (core/ports.ts), checked the same way against every dialect. Each test
 * gets a fresh, migrated store.
 */
import { describeDialects, useTestStore } from '../support/stores.js';
import { appsClientsKeysConformance } from './conformance/apps-clients-keys.js';
import { groupsConformance } from './conformance/groups.js';
import { journalConformance } from './conformance/journal.js';
import { rolesConformance } from './conformance/roles.js';
import { transactionsConformance } from './conformance/transactions.js';
import { usersConformance } from './conformance/users.js';

describeDialects('store conformance', (dialect) => {
  const store = useTestStore(dialect);
  usersConformance(store);
  groupsConformance(store);
  rolesConformance(store);
  appsClientsKeysConformance(store);
  journalConformance(store);
  transactionsConformance(store);
});
