import { compilePredicate } from "../rules/predicate";
import type { RuleRecord } from "../rules/predicate";
import type { CalculatedGroup, RuleProperties } from "./calculated";

/** Whether a Record belongs in a calculated Group, worked out under the given version of its rules. */
export interface GroupVerdict {
  groupId: string;
  version: number;
  member: boolean;
}

/**
 * A Record's object testing the Record against every calculated Group, on every settle, changed or
 * not: relative dates move with time, so an unchanged Record may still have left "in the last 7 days".
 */
export function groupVerdicts(groups: readonly CalculatedGroup[], properties: RuleProperties, record: RuleRecord, now: number): GroupVerdict[] {
  return groups.map((group) => ({
    groupId: group.id,
    version: group.version,
    member: compilePredicate(group.tree, { propertiesByKey: properties, now })(record),
  }));
}
