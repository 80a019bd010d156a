import { z } from "zod";
import type { OptionSpec } from "../contract";

export const appOptionsSchema = z
  .object({
    host: z.string().trim().min(1, "is required").max(255).regex(/^[^\s/]+$/, "must be a host name or IP address"),
    port: z.coerce.number().int().min(1).max(65535).default(3306),
    database: z.string().trim().min(1, "is required").max(64),
    user: z.string().min(1, "is required").max(80),
    password: z.string().max(1024).optional(),
    ssl: z.enum(["disable", "require"]).default("require"),
  })
  .strict();
export type AppOptions = z.infer<typeof appOptionsSchema>;

export const appOptionSpecs: OptionSpec[] = [
  { key: "host", label: "Host", kind: "string", required: true, placeholder: "db.example.com" },
  { key: "port", label: "Port", kind: "number", required: false, default: 3306 },
  { key: "database", label: "Database", kind: "string", required: true, description: "The database (schema) whose tables Sources read" },
  { key: "user", label: "User", kind: "string", required: true, description: "An account that can SELECT; Groupflow only reads" },
  { key: "password", label: "Password", kind: "string", required: false, secret: true },
  {
    key: "ssl",
    label: "TLS",
    kind: "select",
    required: false,
    default: "require",
    choices: [
      { value: "require", label: "Require TLS" },
      { value: "disable", label: "No TLS (private networks only)" },
    ],
  },
];
