import { Hono } from "hono";
import { z } from "zod";
import { propertyFilterSchema } from "../../plugins/contract";
import { actorOf, type AppEnv } from "../context";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { propertyKeySchema, propertyTypeSchema } from "../properties/types";
import {
  createSource,
  deleteSource,
  describeSource,
  draftPreview,
  findSource,
  listSources,
  optionChoices,
  runtimeFor,
  sourceColumns,
  sourcePreview,
  updateSource,
} from "../services/sources";
import { ApiError } from "../errors";
import { jsonBody, parseWith, queryParams } from "../validation";
import { pathId } from "./params";

const optionsSchema = z.record(z.string(), z.unknown());
const nameSchema = z.string().trim().min(1, "is required").max(100);
const roleSchema = z.enum(["primary", "enrich"]);
const identitySchema = z.object({ column: z.string().min(1).max(128), propertyKey: propertyKeySchema, propertyType: propertyTypeSchema.optional() }).strict();
const filtersSchema = z.array(propertyFilterSchema).max(20);
const createSchema = z
  .object({
    appId: z.string().min(1),
    name: nameSchema,
    type: z.string().min(1),
    options: optionsSchema.default({}),
    role: roleSchema.default("primary"),
    filters: filtersSchema.default([]),
    identity: identitySchema.optional(),
  })
  .strict();
const updateSchema = z
  .object({ name: nameSchema.optional(), options: optionsSchema.optional(), role: roleSchema.optional(), filters: filtersSchema.optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one of name, options, role, filters");
const draftSchema = z.object({ appId: z.string().min(1), type: z.string().min(1), options: optionsSchema.default({}) }).strict();
const placeholderValues = z.record(z.string(), z.string().max(1000));
const draftPreviewSchema = draftSchema.extend({ values: placeholderValues.optional(), filters: z.array(propertyFilterSchema).max(20).optional() }).strict();
const choicesSchema = draftSchema.extend({ key: z.string().min(1) }).strict();
const previewQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10), values: z.string().max(4000).optional() }).strict();

/** `?values=` carries placeholder values as JSON, e.g. `{"user_id":"42"}`. */
function previewValues(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ApiError("invalid_request", "Invalid query parameters: values: must be a JSON object of placeholder values");
  }
  return parseWith(placeholderValues, parsed, "query parameters: values");
}

export const sourceRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:sources"), async (c) => c.json({ sources: await listSources(tenantScopeOf(c)) }))
  .post("/", requireScope("write:sources"), async (c) => {
    const input = await jsonBody(c, createSchema);
    const scope = tenantScopeOf(c);
    const source = await createSource(scope, c.env, actorOf(principalOf(c)), c.get("requestId"), input);
    return c.json({ source: await describeSource(scope, source) }, 201);
  })
  .post("/preview", requireScope("read:sources"), async (c) => {
    const input = await jsonBody(c, draftPreviewSchema);
    return c.json({ preview: await draftPreview(tenantScopeOf(c), c.env, input) });
  })
  .post("/option-choices", requireScope("read:sources"), async (c) => {
    const input = await jsonBody(c, choicesSchema);
    return c.json({ choices: await optionChoices(tenantScopeOf(c), c.env, input) });
  })
  .get("/:id", requireScope("read:sources"), async (c) => {
    const scope = tenantScopeOf(c);
    return c.json({ source: await describeSource(scope, await findSource(scope, pathId(c, "src", "Source"))) });
  })
  .patch("/:id", requireScope("write:sources"), async (c) => {
    const id = pathId(c, "src", "Source");
    const input = await jsonBody(c, updateSchema);
    const scope = tenantScopeOf(c);
    const source = await updateSource(scope, c.env, actorOf(principalOf(c)), c.get("requestId"), id, input);
    return c.json({ source: await describeSource(scope, source) });
  })
  .delete("/:id", requireScope("write:sources"), async (c) => {
    await deleteSource(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), pathId(c, "src", "Source"));
    return c.body(null, 204);
  })
  .get("/:id/preview", requireScope("read:sources"), async (c) => {
    const scope = tenantScopeOf(c);
    const source = await findSource(scope, pathId(c, "src", "Source"));
    const query = queryParams(c, previewQuery);
    const { runtime } = await runtimeFor(scope, c.env, source);
    return c.json({ preview: await sourcePreview(runtime, { limit: query.limit, values: previewValues(query.values) }) });
  })
  .get("/:id/columns", requireScope("read:sources"), async (c) => {
    const scope = tenantScopeOf(c);
    const source = await findSource(scope, pathId(c, "src", "Source"));
    const { runtime } = await runtimeFor(scope, c.env, source);
    return c.json({ columns: await sourceColumns(runtime) });
  });
