/** A sent value as a person reads it: text as it is, lists joined, nothing as a dash. */
export function PayloadValue({ value }: { value: unknown }) {
  if (value === undefined || value === null || value === "") return <span className="muted">—</span>;
  if (Array.isArray(value)) return <>{value.map((v) => (v === null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ")}</>;
  return <>{typeof value === "object" ? JSON.stringify(value) : String(value)}</>;
}
