import { Hono } from "hono";
import { z } from "zod";
import { AGGREGATIONS, propertyFilterSchema } from "../../plugins/contract";
import { actorOf, type AppEnv } from "../context";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { propertyKeySchema, propertyTypeSchema } from "../properties/types";
import { createProperty, deleteProperty, findProperty, listProperties, publicProperty, updateProperty } from "../services/properties";
import { jsonBody } from "../validation";
import { pathId } from "./params";

const definition = {
  key: propertyKeySchema,
  type: propertyTypeSchema,
  unique: z.boolean(),
  array: z.boolean(),
  sourceId: z.string().min(1),
  column: z.string().min(1).max(128),
  aggregation: z.enum(AGGREGATIONS),
  sortColumn: z.string().min(1).max(128).nullable(),
  filters: z.array(propertyFilterSchema).max(20),
};
const createSchema = z
  .object({
    ...definition,
    unique: definition.unique.default(false),
    array: definition.array.default(false),
    aggregation: definition.aggregation.default("exact"),
    sortColumn: definition.sortColumn.default(null),
    filters: definition.filters.default([]),
  })
  .strict();
const updateSchema = z
  .object(definition)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

/** The API says `array`; the table says `isArray` (ARRAY is a reserved word in SQL). */
const toDefinition = <T extends { array?: boolean }>({ array, ...rest }: T) => ({ ...rest, ...(array === undefined ? {} : { isArray: array }) });

export const propertyRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:properties"), async (c) => c.json({ properties: (await listProperties(tenantScopeOf(c))).map(publicProperty) }))
  .post("/", requireScope("write:properties"), async (c) => {
    const input = toDefinition(await jsonBody(c, createSchema));
    const property = await createProperty(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), { ...input, isArray: input.isArray ?? false });
    return c.json({ property: publicProperty(property) }, 201);
  })
  .get("/:id", requireScope("read:properties"), async (c) => {
    return c.json({ property: publicProperty(await findProperty(tenantScopeOf(c), pathId(c, "prp", "Property"))) });
  })
  .patch("/:id", requireScope("write:properties"), async (c) => {
    const id = pathId(c, "prp", "Property");
    const changes = toDefinition(await jsonBody(c, updateSchema));
    const property = await updateProperty(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), id, changes);
    return c.json({ property: publicProperty(property) });
  })
  .delete("/:id", requireScope("write:properties"), async (c) => {
    await deleteProperty(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), pathId(c, "prp", "Property"));
    return c.body(null, 204);
  });
