/** A Group as the API shows it. */
export interface Group {
  id: string;
  name: string;
  description: string;
  type: "manual" | "calculated";
  memberCount: number;
  createdAt: string;
  updatedAt: string;
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
