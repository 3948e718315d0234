import type { Scenario } from '../lib/scenario.ts';
import { codeRedemption } from './code-redemption.ts';
import { introspection } from './introspection.ts';
import { login } from './login.ts';
import { overlayMemory } from './overlay-memory.ts';
import { propagation } from './propagation.ts';
import { refreshRotation } from './refresh-rotation.ts';
import { scim } from './scim.ts';
import { signing } from './signing.ts';
import { tokenIssuance } from './token-issuance.ts';
import { verification } from './verification.ts';

/** Every scenario, in the order `npm run bench` runs them. Add new ones here. */
export const scenarios: readonly Scenario[] = [
  tokenIssuance,
  signing,
  ...verification,
  propagation,
  overlayMemory,
  scim,
  introspection,
  refreshRotation,
  codeRedemption,
  login,
];
