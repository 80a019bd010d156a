import type { TargetColumn } from "./target-table";
import { mysqlDateTime } from "./values";
import type { Param } from "./wire/params";

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;

/**
 * A value as the column takes it. Values arrive typed (numbers, booleans, ISO-8601 dates, lists);
 * MySQL parses none of ISO's forms with a zone, keeps booleans as numbers, and has JSON only as
 * text, so each is turned into what the column's type reads. What still does not fit is left for
 * the server to refuse in its own words.
 */
export function writeParam(value: unknown, column: TargetColumn): Param {
  if (value === null || value === undefined) return null;
  if (column.json) return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === "boolean") return column.kind === "text" ? String(value) : value ? 1 : 0;
  if (typeof value === "number") return column.kind === "text" ? String(value) : value;
  const text = String(value);
  if (column.kind === "datetime") return mysqlDateTime(text) ?? text;
  if (column.kind === "date" && ISO_DATE_TIME.test(text)) return text.slice(0, 10);
  return text;
}
