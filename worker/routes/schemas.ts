import { z } from "zod";

export const emailSchema = z.string().trim().toLowerCase().email("must be an email address").max(254);
export const passwordSchema = z.string().min(10, "must be at least 10 characters").max(256);
export const personNameSchema = z.string().trim().min(1, "is required").max(100);
export const workspaceNameSchema = z.string().trim().min(1, "is required").max(100);
export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/, "must be 3-40 lowercase letters, digits or dashes, not starting or ending with a dash");
export const limitSchema = z.coerce.number().int().min(1).max(200).default(50);
