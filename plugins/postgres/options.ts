import { z } from "zod";
import type { OptionSpec } from "../contract";
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
  { key: "host", label: "Host", kind: "string", required: true, placeholder: "db.example.com" },
  { key: "port", label: "Port", kind: "number", required: false, default: 5432 },
  { key: "database", label: "Database", kind: "string", required: true },
  { key: "user", label: "User", kind: "string", required: true, description: "A role that may only read is enough: Groupflow never writes." },
  { key: "password", label: "Password", kind: "string", required: false, secret: true },
  {
    key: "ssl",
    label: "SSL",
    kind: "select",
    required: false,
    default: "require",
    choices: [
      { value: "require", label: "Require" },
      { value: "disable", label: "Disable" },
    ],
  },
  { key: "schema", label: "Schema", kind: "string", required: false, default: "public", description: "Where tables are listed and read from" },
];
