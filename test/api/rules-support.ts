import { env } from "cloudflare:workers";
import { chunk } from "../../worker/db/chunk";
import { newId } from "../../worker/ids";
import type { Slot } from "../../worker/pipeline/record-state";
import { coerce } from "../../worker/properties/coerce";
import type { PropertyType } from "../../worker/properties/types";
import { compileToIdSet } from "../../worker/rules/compile-set-sql";
import { compileToSql, type SqlContext } from "../../worker/rules/compile-sql";
import { compilePredicate } from "../../worker/rules/predicate";
import type { RuleBlock } from "../../worker/rules/tree";
import type { CatalogProperty } from "../../worker/rules/validate";
import { api, signUp } from "../support/api";

export interface TestRecord {
  id: string;
  createdAt: number;
  values: Record<string, Slot[]>;
}

export type Catalog = SqlContext["propertiesByKey"];

/** A fresh workspace whose Properties are exactly `specs`, inserted directly (rules need no Source behind them). */
export async function workspaceWith(label: string, specs: readonly CatalogProperty[]): Promise<{ tenantId: string; properties: Catalog }> {
  const ws = await signUp(label);
  const tenantId = ws.workspace.id;
  const app = (await api("POST", "/apps", { as: ws.owner, body: { name: "Demo", plugin: "sample", type: "sample", options: { customers: 1 } } })).body.app;
  const sourceId = newId("src");
  const properties: Catalog = new Map(specs.map((s) => [s.key, { id: newId("prp"), type: s.type, isArray: s.isArray }]));
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(`insert into sources (id, tenant_id, app_id, name, type, options, role, filters, updated_at) values (?, ?, ?, 'Users', 'table', '{}', 'primary', '[]', ?)`).bind(
      sourceId,
      tenantId,
      app.id,
      now,
    ),
    ...[...properties].map(([key, p]) =>
      env.DB.prepare(
        `insert into properties (id, tenant_id, key, type, "unique", is_array, source_id, "column", aggregation, filters, version, created_at, updated_at)
         values (?, ?, ?, ?, 0, ?, ?, ?, 'exact', '[]', 1, ?, ?)`,
      ).bind(p.id, tenantId, key, p.type, p.isArray ? 1 : 0, sourceId, key, now, now),
    ),
  ]);
  return { tenantId, properties };
}

/** A slot as the pipeline stores a raw value: coerced, or kept as invalid with its reason. */
export function slot(type: PropertyType, raw: unknown, position = 0): Slot {
  const coerced = coerce(type, raw);
  return coerced.ok
    ? { position, value: coerced.value, invalidValue: null, invalidReason: null, changedAt: 0 }
    : { position, value: null, invalidValue: String(raw), invalidReason: coerced.reason, changedAt: 0 };
}

/** Replaces every Record of the workspace with `records`, as rows the pipeline would have written. */
export async function storeRecords(tenantId: string, properties: Catalog, records: readonly TestRecord[]) {
  const statements = [
    env.DB.prepare("delete from record_properties where tenant_id = ?").bind(tenantId),
    env.DB.prepare("delete from records where tenant_id = ?").bind(tenantId),
  ];
  for (const part of chunk(records, 20)) {
    statements.push(
      env.DB.prepare(`insert into records (id, tenant_id, revision, created_at, updated_at) values ${part.map(() => "(?, ?, 1, ?, ?)").join(", ")}`).bind(
        ...part.flatMap((r) => [r.id, tenantId, r.createdAt, r.createdAt]),
      ),
    );
  }
  const rows = records.flatMap((r) =>
    Object.entries(r.values).flatMap(([key, slots]) => slots.map((s) => [newId("rpv"), tenantId, r.id, properties.get(key)!.id, s.position, s.value, s.invalidValue, s.invalidReason])),
  );
  for (const part of chunk(rows, 10)) {
    statements.push(
      env.DB.prepare(
        `insert into record_properties (id, tenant_id, record_id, property_id, position, value, invalid_value, invalid_reason, state, updated_at)
         values ${part.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, 'ready', 0)").join(", ")}`,
      ).bind(...part.flat()),
    );
  }
  await env.DB.batch(statements);
}

/** The members D1 finds both ways: testing each Record (recalculations, a preview's sample) and from the rules' sets alone (a preview's count). */
export async function membersBySql(tree: RuleBlock, ctx: SqlContext): Promise<Record<"probe" | "idSet", string[]>> {
  const ids = async (sql: string, params: string[]) => {
    const { results } = await env.DB.prepare(sql)
      .bind(...params)
      .all<{ id: string }>();
    return results.map((r) => r.id).sort();
  };
  const probe = compileToSql(tree, ctx);
  const idSet = compileToIdSet(tree, ctx);
  return { probe: await ids(`select r.id from records r where ${probe.sql}`, probe.params), idSet: await ids(idSet.sql, idSet.params) };
}

/** The members Records' objects would find, each testing itself. */
export function membersByPredicate(tree: RuleBlock, ctx: Omit<SqlContext, "tenantId">, records: readonly TestRecord[]): string[] {
  const matches = compilePredicate(tree, ctx);
  return records
    .filter(matches)
    .map((r) => r.id)
    .sort();
}
