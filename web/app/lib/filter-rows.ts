import { FILTER_OPS, WINDOW_UNITS, type FilterOp, type PropertyFilter, type RelativeWindow, type WindowUnit } from "./models";

/** A filter as its row in the form holds it: the value as typed, a list as comma-separated text, a window as its amount and unit. */
export interface FilterRow {
  column: string;
  op: FilterOp;
  value: string;
  /** The unit of an `in_last` window; kept while another op is chosen, so switching back loses nothing. */
  unit: WindowUnit;
}

export const needsValue = (op: FilterOp) => op !== "exists" && op !== "not_exists";

const isWindow = (value: PropertyFilter["value"]): value is RelativeWindow => typeof value === "object" && value !== null && !Array.isArray(value);

export const blankFilterRow = (): FilterRow => ({ column: "", op: "eq", value: "", unit: "days" });

export function filterRow(filter: PropertyFilter): FilterRow {
  const { value } = filter;
  if (isWindow(value)) return { column: filter.column, op: filter.op, value: String(value.amount), unit: value.unit };
  const text = Array.isArray(value) ? value.join(", ") : value === undefined ? "" : String(value);
  return { column: filter.column, op: filter.op, value: text, unit: "days" };
}

export function filtersFromRows(rows: FilterRow[]): PropertyFilter[] {
  return rows.map(({ column, op, value, unit }) => {
    if (!needsValue(op)) return { column, op };
    if (op === "in") return { column, op, value: value.split(",").map((v) => v.trim()).filter(Boolean) };
    // Text that is no number goes as NaN (null in JSON), so the API names the amount as what is wrong.
    if (op === "in_last") return { column, op, value: { amount: Number(value), unit } };
    return { column, op, value };
  });
}

/** The rows as posted: each row sends one value field and one unit field, blank where the operator takes none. */
export function filtersFromForm(form: FormData): PropertyFilter[] {
  const ops = form.getAll("filter.op").map(String);
  const values = form.getAll("filter.value").map(String);
  const units = form.getAll("filter.unit").map(String);
  const rows = form.getAll("filter.column").map(String).map((column, i) => ({
    column,
    op: (FILTER_OPS as readonly string[]).includes(ops[i] ?? "") ? (ops[i] as FilterOp) : "eq",
    value: values[i] ?? "",
    unit: (WINDOW_UNITS as readonly string[]).includes(units[i] ?? "") ? (units[i] as WindowUnit) : "days",
  }));
  return filtersFromRows(rows);
}
