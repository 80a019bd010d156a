import { PluginError, type DestinationFields, type RemoteField, type RemoteFieldType } from "../contract";
import { checkingOption } from "../shared/option-refusal";
import type { TableDestination } from "./destination-options";
import { toPluginError } from "./errors";
import { qualified, quoteIdent } from "./identifiers";
import type { Session } from "./session";
import { describeTarget, hasUniqueKey, type TargetColumn, type TargetTable } from "./target-table";

/** The memberships table's column holding the list name; the key column keeps its name from the main table. */
export const LIST_COLUMN = "list";

const TIMES_OF_DAY = new Set(["time", "timetz"]);
const JSON_TYPES = new Set(["json", "jsonb"]);

function remoteType(column: TargetColumn): RemoteFieldType {
  if (column.category === "N") return "number";
  if (column.category === "B") return "boolean";
  if (column.category === "D" && !TIMES_OF_DAY.has(column.typeName)) return "date";
  if (column.category === "A" || JSON_TYPES.has(column.typeName)) return "any";
  return "string";
}

/** Arrays and JSON take a list whole; text joins one; any other column can hold only one value. */
function arraysOf(column: TargetColumn): RemoteField["arrays"] {
  if (column.category === "A" || JSON_TYPES.has(column.typeName)) return "list";
  return column.category === "S" ? "join" : "first";
}

const isRequired = (column: TargetColumn) => column.notNull && !column.hasDefault;
const names = (columns: TargetColumn[]) => columns.map((c) => c.name).join(", ") || "none";

function checkKeyColumn(table: TargetTable, where: string, keyColumn: string) {
  const column = table.columns.find((c) => c.name === keyColumn);
  if (!column || column.generated) {
    throw new PluginError("invalid_options", `Key column ${quoteIdent(keyColumn)} is not a writable column of ${where}; it has ${names(table.columns.filter((c) => !c.generated))}`);
  }
  if (!hasUniqueKey(table, [keyColumn])) {
    const candidates = table.columns.filter((c) => !c.generated && hasUniqueKey(table, [c.name]));
    throw new PluginError(
      "invalid_options",
      `Key column ${quoteIdent(keyColumn)} of ${where} has no primary key or unique index of its own, so a Record's row cannot be found by it; columns that have one: ${names(candidates)}`,
    );
  }
}

function checkFlagColumn(table: TargetTable, where: string, flagColumn: string) {
  const column = table.columns.find((c) => c.name === flagColumn);
  if (!column || column.generated || column.category !== "B") {
    const booleans = table.columns.filter((c) => !c.generated && c.category === "B");
    throw new PluginError("invalid_options", `Flag column ${quoteIdent(flagColumn)} is not a writable boolean column of ${where}; its boolean columns: ${names(booleans)}`);
  }
}

/** The memberships table must hold exactly (key, list) pairs, unique together; anything else it has must fill itself. */
async function checkMembershipsTable(session: Session, schema: string, options: TableDestination) {
  const where = qualified(schema, options.membershipsTable!);
  const table = await describeTarget(session, schema, options.membershipsTable!);
  const problems: string[] = [];
  const key = table.columns.find((c) => c.name === options.keyColumn && !c.generated);
  const list = table.columns.find((c) => c.name === LIST_COLUMN && !c.generated);
  if (!key) problems.push(`it has no column ${quoteIdent(options.keyColumn)} for the key`);
  if (!list) problems.push(`it has no column ${quoteIdent(LIST_COLUMN)} for the list name`);
  else if (list.category !== "S") problems.push(`its column ${quoteIdent(LIST_COLUMN)} is ${list.type}, not text`);
  if (key && list && !hasUniqueKey(table, [key.name, list.name])) problems.push("it has no primary key or unique index on exactly those two columns");
  const unfilled = table.columns.filter((c) => c !== key && c !== list && isRequired(c) && !c.generated);
  if (unfilled.length) problems.push(`its columns ${names(unfilled)} are NOT NULL without a default`);
  if (problems.length) {
    throw new PluginError(
      "invalid_options",
      `The memberships table ${where} needs a column ${quoteIdent(options.keyColumn)}, a text column ${quoteIdent(LIST_COLUMN)} and a primary key or unique index on exactly those two, but ${problems.join("; ")}`,
    );
  }
}

/** The server's refusals as the plugin's; the session takes any secret out of them on the way out. */
const refusalOf = (err: unknown) => toPluginError(err, undefined);

/**
 * The table's writable columns as remote fields, once the options are checked against the
 * catalog: the table there, the key column unique on its own, the flag column boolean, the
 * memberships table fit. A refusal names the option it concerns.
 */
export async function targetFields(session: Session, schema: string, options: TableDestination): Promise<DestinationFields> {
  const where = qualified(schema, options.table);
  const table = await checkingOption("table", () => describeTarget(session, schema, options.table), refusalOf);
  await checkingOption("keyColumn", () => checkKeyColumn(table, where, options.keyColumn), refusalOf);
  const { flagColumn } = options;
  if (flagColumn) await checkingOption("flagColumn", () => checkFlagColumn(table, where, flagColumn), refusalOf);
  if (options.membershipsTable) await checkingOption("membershipsTable", () => checkMembershipsTable(session, schema, options), refusalOf);
  const fields = table.columns
    .filter((c) => !c.generated && c.name !== options.flagColumn)
    .map((c) => ({ name: c.name, label: `${c.name} (${c.type})`, type: remoteType(c), required: c.name === options.keyColumn || isRequired(c), arrays: arraysOf(c) }));
  return { fields, customFields: false, lists: options.membershipsTable ? { label: "Membership list names" } : null };
}
