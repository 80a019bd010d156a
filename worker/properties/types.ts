import { z } from "zod";

export const PROPERTY_TYPES = ["string", "integer", "float", "boolean", "date", "email", "phone", "url"] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];
export const propertyTypeSchema = z.enum(PROPERTY_TYPES);

/** Keys are used in rules, mappings and query placeholders, so they stay plain identifiers. */
export const propertyKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "must start with a lowercase letter and use only lowercase letters, digits and _ (at most 63)")
  .refine((k) => !RESERVED_KEYS.has(k), "is reserved");

const RESERVED_KEYS = new Set(["id", "record_id", "created_at", "updated_at", "groups"]);
