/** What a CSV cell looks like: files carry no types, so columns are typed by their values. */
export type ValueKind = "integer" | "decimal" | "date" | "timestamp" | "text";

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$/;
// Only ISO-8601: those order correctly as text, which incremental imports rely on.
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

export function kindOf(value: string): ValueKind {
  const v = value.trim();
  if (INTEGER.test(v)) return "integer";
  if (DECIMAL.test(v)) return "decimal";
  if (DATE.test(v)) return "date";
  if (TIMESTAMP.test(v)) return "timestamp";
  return "text";
}

/** The one kind every non-empty value fits: integers widen to decimals, dates to timestamps, anything else to text. */
export function columnKind(values: string[]): ValueKind {
  const kinds = new Set(values.filter((v) => v.trim() !== "").map(kindOf));
  if (kinds.size === 0) return "text";
  if (kinds.size === 1) return [...kinds][0]!;
  if (kinds.size === 2 && kinds.has("integer") && kinds.has("decimal")) return "decimal";
  if (kinds.size === 2 && kinds.has("date") && kinds.has("timestamp")) return "timestamp";
  return "text";
}

/** Kinds whose order as values is the order of the rows' arrival, so they can serve as a high-water mark. */
export const isOrderedKind = (kind: ValueKind) => kind === "integer" || kind === "date" || kind === "timestamp";
