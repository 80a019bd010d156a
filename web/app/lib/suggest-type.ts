import type { Column, PropertyType } from "./models";

/** A Property type that likely fits a column, from its name and the database's own type name. */
export function suggestType(column: Column): PropertyType {
  const name = column.name.toLowerCase();
  const type = column.type.toLowerCase();
  if (name.includes("email")) return "email";
  if (name.includes("phone")) return "phone";
  if (/^(url|website)$|_url$/.test(name)) return "url";
  if (/bool/.test(type)) return "boolean";
  if (/^(int|integer|bigint|smallint|tinyint|mediumint)|^int[248]$|serial/.test(type)) return "integer";
  if (/numeric|decimal|float|double|real|money/.test(type)) return "float";
  if (/date|time/.test(type)) return "date";
  return "string";
}

/** A Property key from a column name: lowercase letters, digits and _, starting with a letter. */
export function suggestKey(column: string): string {
  const key = column
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .slice(0, 63);
  return key;
}
