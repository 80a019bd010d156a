import { z } from "zod";
import type { OptionSpec } from "../contract";
import { connectionOptionSpecs } from "../shared/sql-options";
import { identifierSchema } from "./identifiers";

/** Host names and IPv4 addresses only: the driver would read a "/" as a socket path and a "," or ":" as several hosts. */
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

export const appOptionsSchema = z
  .object({
    host: z.string().trim().regex(HOST, "must be a host name or an IPv4 address"),
    port: z.coerce.number().int().min(1).max(65535).default(5432),
    database: identifierSchema,
    user: identifierSchema,
    password: z.string().max(1024).optional(),
    ssl: z.enum(["disable", "require"]).default("require"),
    schema: identifierSchema.default("public"),
  })
  .strict();
export type PostgresApp = z.infer<typeof appOptionsSchema>;

export const appOptionSpecs: OptionSpec[] = [
  ...connectionOptionSpecs(5432),
  { key: "schema", label: "Schema", kind: "string", required: false, default: "public", description: "Where tables are listed and read from" },
];
