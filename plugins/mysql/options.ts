import { z } from "zod";
import type { OptionSpec } from "../contract";
import { connectionOptionSpecs } from "../shared/sql-options";

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

export const appOptionSpecs: OptionSpec[] = connectionOptionSpecs(3306);
