import type { Export } from "../../lib/destinations";
import { FieldChanges } from "./FieldChanges";

/** What an Export changes: each field and list it sends, beside what the Destination held before. */
export function ExportChanges({ exp }: { exp: Export }) {
  const before = exp.oldValues;
  const after = exp.newValues;
  const keys = [...new Set([...Object.keys(after.fields), ...Object.keys(before?.fields ?? {})])];
  const changed = keys.filter((k) => exp.toDelete || JSON.stringify(before?.fields[k] ?? null) !== JSON.stringify(after.fields[k] ?? null));
  const lists = {
    add: after.lists.filter((l) => !(before?.lists ?? []).includes(l)),
    remove: (before?.lists ?? []).filter((l) => !after.lists.includes(l)),
  };
  return <FieldChanges changes={changed.map((key) => ({ key, before: before?.fields[key], after: after.fields[key] }))} lists={lists} showBefore={before !== null} removal={exp.toDelete} />;
}
