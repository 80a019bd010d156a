import { ordered } from "./aggregations";
import { filtersFromForm } from "./filter-rows";
import type { Aggregation } from "./models";

/** The Property form as the API's definition of a Property. */
export function propertyFromForm(form: FormData) {
  const field = (name: string) => String(form.get(name) ?? "");
  const aggregation = field("aggregation") as Aggregation;
  return {
    key: field("key"),
    type: field("type"),
    sourceId: field("sourceId"),
    column: field("column"),
    aggregation,
    sortColumn: ordered(aggregation) ? field("sortColumn") || null : null,
    filters: filtersFromForm(form),
    unique: form.get("unique") === "true",
    array: form.get("array") === "true",
  };
}
