// Engines without a native budget cap report quota and credit exhaustion as plain error text.
const BUDGET_PATTERN =
  /usage limit|quota|insufficient[_ ]?(quota|credits?|funds)|credit balance|out of credits|billing|budget|spending limit/i;
const PERMISSION_PATTERN =
  /permission(s)?\b.*\b(denied|rejected|not granted|haven't granted|refused)|rejected permission|requested permissions?|not allowed to use/i;

/** True when an engine error message says a quota, credit or budget ran out. */
export function looksLikeBudgetError(message: string): boolean {
  return BUDGET_PATTERN.test(message);
}

/** True when an engine tool error says a permission was denied or rejected. */
export function looksLikePermissionDenial(message: string): boolean {
  return PERMISSION_PATTERN.test(message);
}
