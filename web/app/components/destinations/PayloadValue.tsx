import type { FieldValue } from "../../lib/destinations";

/** A sent value as a person reads it: text as it is, lists joined, nothing as a dash. */
export function PayloadValue({ value }: { value: FieldValue | undefined }) {
  if (value === undefined || value === null || value === "") return <span className="muted">—</span>;
  if (Array.isArray(value)) return <>{value.map((v) => (v === null ? "—" : String(v))).join(", ")}</>;
  return <>{String(value)}</>;
}
