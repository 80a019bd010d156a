import { z } from "zod";
import type { OptionSpec } from "../contract";

/** How one database names things, for the options of its table Destination. */
interface DatabaseNaming {
  identifier: z.ZodType<string, z.ZodTypeDef, unknown>;
  /** Whether two names mean the same table or column there (MySQL compares them without case). */
  sameName: (a: string, b: string) => boolean;
  /** What holds an App's tables: a schema or a database. */
  container: string;
  /** How the flag column is described: each database has its own boolean. */
  flagColumn: string;
}

/** The options of a database's table Destination: their schema, checked on save, and how the form shows them. */
export function tableDestinationOptions(db: DatabaseNaming) {
  /** A form leaves an unused field as "", which means the option was not chosen. */
  const optionalIdentifier = z.preprocess((v) => (v === "" || v === null ? undefined : v), db.identifier.optional());
  const schema = z
    .object({
      table: db.identifier,
      keyColumn: db.identifier,
      onLeave: z.enum(["delete", "flag"]).default("delete"),
      flagColumn: optionalIdentifier,
      membershipsTable: optionalIdentifier,
    })
    .strict()
    .superRefine((o, ctx) => {
      if (o.onLeave === "flag" && !o.flagColumn) ctx.addIssue({ code: "custom", path: ["flagColumn"], message: 'is required when onLeave is "flag"' });
      if (o.onLeave === "delete" && o.flagColumn) ctx.addIssue({ code: "custom", path: ["flagColumn"], message: 'is only used when onLeave is "flag"' });
      if (o.flagColumn && db.sameName(o.flagColumn, o.keyColumn)) ctx.addIssue({ code: "custom", path: ["flagColumn"], message: "must not be the key column" });
      if (o.membershipsTable && db.sameName(o.membershipsTable, o.table)) ctx.addIssue({ code: "custom", path: ["membershipsTable"], message: "must not be the table Records are written to" });
    });
  const specs: OptionSpec[] = [
    { key: "table", label: "Table", kind: "string", required: true, description: `The table Records are written to, in the App's ${db.container}` },
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
      description: db.flagColumn,
    },
    {
      key: "membershipsTable",
      label: "Memberships table",
      kind: "string",
      required: false,
      description: 'A table of (key column, "list") pairs, one row per list a Record is on, with a primary key or unique index on exactly those two columns',
    },
  ];
  return { schema, specs };
}

export type TableDestination = z.infer<ReturnType<typeof tableDestinationOptions>["schema"]>;
