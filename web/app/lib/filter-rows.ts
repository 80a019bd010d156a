import { FILTER_OPS, type FilterOp, type PropertyFilter } from "./models";

/** A filter as its row in the form holds it: the value as typed, a list as comma-separated text. */
export interface FilterRow {
  column: string;
  op: FilterOp;
  value: string;
}

export const needsValue = (op: FilterOp) => op !== "exists" && op !== "not_exists";

export function filterRow(filter: PropertyFilter): FilterRow {
  const value = Array.isArray(filter.value) ? filter.value.join(", ") : filter.value === undefined ? "" : String(filter.value);
  return { column: filter.column, op: filter.op, value };
}

export function filtersFromRows(rows: FilterRow[]): PropertyFilter[] {
  return rows.map(({ column, op, value }) => {
    if (!needsValue(op)) return { column, op };
    if (op === "in") return { column, op, value: value.split(",").map((v) => v.trim()).filter(Boolean) };
    return { column, op, value };
  });
}

/** The rows as posted: each row sends one value field, blank where the operator takes none. */
export function filtersFromForm(form: FormData): PropertyFilter[] {
  const ops = form.getAll("filter.op").map(String);
  const values = form.getAll("filter.value").map(String);
  const rows = form.getAll("filter.column").map(String).map((column, i) => ({
    column,
    op: (FILTER_OPS as readonly string[]).includes(ops[i] ?? "") ? (ops[i] as FilterOp) : "eq",
    value: values[i] ?? "",
  }));
  return filtersFromRows(rows);
}
