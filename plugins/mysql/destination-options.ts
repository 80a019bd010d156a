import { z } from "zod";
import type { OptionSpec } from "../contract";

/** MySQL and MariaDB names are at most 64 characters. */
const identifier = z.string().trim().min(1, "is required").max(64);
/** A form leaves an unused field as "", which means the option was not chosen. */
const optionalIdentifier = z.preprocess((v) => (v === "" || v === null ? undefined : v), identifier.optional());

export const tableDestinationSchema = z
  .object({
    table: identifier,
    keyColumn: identifier,
    onLeave: z.enum(["delete", "flag"]).default("delete"),
    flagColumn: optionalIdentifier,
    membershipsTable: optionalIdentifier,
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.onLeave === "flag" && !o.flagColumn) ctx.addIssue({ code: "custom", path: ["flagColumn"], message: 'is required when onLeave is "flag"' });
    if (o.onLeave === "delete" && o.flagColumn) ctx.addIssue({ code: "custom", path: ["flagColumn"], message: 'is only used when onLeave is "flag"' });
    if (o.flagColumn && o.flagColumn.toLowerCase() === o.keyColumn.toLowerCase()) ctx.addIssue({ code: "custom", path: ["flagColumn"], message: "must not be the key column" });
    if (o.membershipsTable && o.membershipsTable === o.table) ctx.addIssue({ code: "custom", path: ["membershipsTable"], message: "must not be the table Records are written to" });
  });
export type TableDestination = z.infer<typeof tableDestinationSchema>;

export const tableDestinationOptionSpecs: OptionSpec[] = [
  { key: "table", label: "Table", kind: "string", required: true, description: "The table Records are written to, in the App's database" },
  {
    key: "keyColumn",
    label: "Key column",
    kind: "string",
    required: true,
    description: "The column each Record's row is found by; it needs a primary key or unique index of its own, and a Property mapped to it",
  },
  {
    key: "onLeave",
    label: "When a Record leaves",
    kind: "select",
    required: false,
    default: "delete",
    description: "In sync mode, what becomes of the row of a Record that leaves the collection",
    choices: [
      { value: "delete", label: "Delete its row" },
      { value: "flag", label: "Keep its row and set the flag column" },
    ],
  },
  {
    key: "flagColumn",
    label: "Flag column",
    kind: "string",
    required: false,
    description: "A BOOLEAN (tinyint(1)) or bit(1) column set to 1 when a Record leaves, and to 0 whenever its row is written",
  },
  {
    key: "membershipsTable",
    label: "Memberships table",
    kind: "string",
    required: false,
    description: 'A table of (key column, "list") pairs, one row per list a Record is on, with a primary key or unique index on exactly those two columns',
  },
];
