import type { ExplainedBlock } from "../../../worker/rules/explain";
import type { RuleBlock } from "./rules";
import type { Run } from "./runs";

export type { ExplainedBlock, ExplainedRule, ExplainedValue } from "../../../worker/rules/explain";

/** A Group as the API shows it. */
export interface Group {
  id: string;
  name: string;
  description: string;
  type: "manual" | "calculated";
  /** A calculated Group's rules; null for manual Groups. */
  rules: RuleBlock | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

/** One Group as its own page loads it. */
export interface GroupDetail extends Group {
  /** The latest Run that worked out a calculated Group's members from its rules; null for manual Groups. */
  recalculation: Run | null;
}

/** The Records a draft of rules would take in, before anything is saved. */
export interface GroupPreview {
  count: number;
  /** The newest few, with every value they hold by Property key. */
  sample: { id: string; createdAt: string; values: Record<string, string | null | (string | null)[]> }[];
}

/** Why a Record is or is not in a calculated Group. */
export interface Explanation {
  member: boolean;
  matches: boolean;
  explanation: ExplainedBlock;
}

/** What changing a manual Group's members by hand came to. */
export interface MemberChange {
  changed: number;
  unchanged: number;
  skipped: unknown[];
}

/** Values pasted one per line or separated by commas, blanks dropped. */
export const valuesFromText = (text: string) =>
  text
    .split(/[\n,]/)
    .map((v) => v.trim())
    .filter(Boolean);
