import { PluginError, type DestinationFields, type RemoteField, type RemoteFieldType } from "../contract";
import { checkingOption } from "../shared/option-refusal";
import { quoteIdentifier } from "./catalog";
import type { TableDestination } from "./destination-options";
import { toPluginError } from "./errors";
import type { Session } from "./session";
import { describeTarget, hasUniqueKey, isBooleanColumn, type TargetColumn, type TargetTable } from "./target-table";

/** The memberships table's column holding the list name; the key column keeps its name from the main table. */
export const LIST_COLUMN = "list";

function remoteType(column: TargetColumn): RemoteFieldType {
  if (isBooleanColumn(column)) return "boolean";
  if (column.kind === "integer" || column.kind === "decimal" || column.kind === "float") return "number";
  if (column.kind === "datetime" || column.kind === "date") return "date";
  if (column.json) return "any";
  return "string";
}

/** JSON takes a list whole; text joins one; any other column can hold only one value. */
function arraysOf(column: TargetColumn): RemoteField["arrays"] {
  if (column.json) return "list";
  return column.kind === "text" ? "join" : "first";
}

const names = (columns: TargetColumn[]) => columns.map((c) => c.name).join(", ") || "none";
const writable = (table: TargetTable, name: string) => table.columns.find((c) => c.name === name && !c.generated);

function checkKeyColumn(table: TargetTable, keyColumn: string) {
  if (!writable(table, keyColumn)) {
    throw new PluginError("invalid_options", `Key column ${quoteIdentifier(keyColumn)} is not a writable column of ${table.qualified}; it has ${names(table.columns.filter((c) => !c.generated))}`);
  }
  if (!hasUniqueKey(table, [keyColumn])) {
    const candidates = table.columns.filter((c) => !c.generated && hasUniqueKey(table, [c.name]));
    throw new PluginError(
      "invalid_options",
      `Key column ${quoteIdentifier(keyColumn)} of ${table.qualified} has no primary key or unique index of its own, so a Record's row cannot be found by it; columns that have one: ${names(candidates)}`,
    );
  }
}

function checkFlagColumn(table: TargetTable, flagColumn: string) {
  const column = writable(table, flagColumn);
  if (!column || !isBooleanColumn(column)) {
    const booleans = table.columns.filter((c) => !c.generated && isBooleanColumn(c));
    throw new PluginError("invalid_options", `Flag column ${quoteIdentifier(flagColumn)} is not a writable BOOLEAN or bit(1) column of ${table.qualified}; its boolean columns: ${names(booleans)}`);
  }
}

/** The memberships table must hold exactly (key, list) pairs, unique together; anything else it has must fill itself. */
async function checkMembershipsTable(session: Session, options: TableDestination) {
  const table = await describeTarget(session, options.membershipsTable!);
  const problems: string[] = [];
  const key = writable(table, options.keyColumn);
  const list = writable(table, LIST_COLUMN);
  if (!key) problems.push(`it has no column ${quoteIdentifier(options.keyColumn)} for the key`);
  if (!list) problems.push(`it has no column ${quoteIdentifier(LIST_COLUMN)} for the list name`);
  else if (list.kind !== "text") problems.push(`its column ${quoteIdentifier(LIST_COLUMN)} is ${list.columnType}, not text`);
  if (key && list && !hasUniqueKey(table, [key.name, list.name])) problems.push("it has no primary key or unique index on exactly those two columns");
  const unfilled = table.columns.filter((c) => c !== key && c !== list && c.required);
  if (unfilled.length) problems.push(`its columns ${names(unfilled)} are NOT NULL without a default`);
  if (problems.length) {
    throw new PluginError(
      "invalid_options",
      `The memberships table ${table.qualified} needs a column ${quoteIdentifier(options.keyColumn)}, a text column ${quoteIdentifier(LIST_COLUMN)} and a primary key or unique index on exactly those two, but ${problems.join("; ")}`,
    );
  }
}

/**
 * The table's writable columns as remote fields, once the options are checked against the
 * catalog: the table there, the key column unique on its own, the flag column boolean, the
 * memberships table fit. A refusal names the option it concerns.
 */
export async function targetFields(session: Session, options: TableDestination): Promise<DestinationFields> {
  const table = await checkingOption("table", () => describeTarget(session, options.table), toPluginError);
  await checkingOption("keyColumn", () => checkKeyColumn(table, options.keyColumn), toPluginError);
  const { flagColumn } = options;
  if (flagColumn) await checkingOption("flagColumn", () => checkFlagColumn(table, flagColumn), toPluginError);
  if (options.membershipsTable) await checkingOption("membershipsTable", () => checkMembershipsTable(session, options), toPluginError);
  const fields = table.columns
    .filter((c) => !c.generated && c.name !== options.flagColumn)
    .map((c) => ({ name: c.name, label: `${c.name} (${c.columnType})`, type: remoteType(c), required: c.name === options.keyColumn || c.required, arrays: arraysOf(c) }));
  return { fields, customFields: false, lists: options.membershipsTable ? { label: "Membership list names" } : null };
}
