import { env } from "cloudflare:workers";
import { api, tableCounts } from "./api";
import { sampleWorkspace } from "./sample-workspace";

/**
 * The sample workspace (a users Source identified by `email`, read back from the sample data) plus
 * an "API & webhooks" App with a push Source that provides `external_id` (unique), `plan` and `tags` (array),
 * and a pulled, non-unique `first_name`.
 */
export async function pushWorkspace(label: string) {
  const sample = await sampleWorkspace(label);
  const { as } = sample;
  const app = (await api("POST", "/apps", { as, body: { name: "Our backend", plugin: "push", type: "push" } })).body.app;
  const created = await api("POST", "/sources", { as, body: { appId: app.id, name: "Pushed", type: "push" } });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const pushSource = created.body.source;
  const definitions = [
    { key: "external_id", type: "string", unique: true, sourceId: pushSource.id, column: "external_id" },
    { key: "plan", type: "string", sourceId: pushSource.id, column: "plan" },
    { key: "tags", type: "string", array: true, sourceId: pushSource.id, column: "tags" },
    { key: "first_name", type: "string", sourceId: sample.usersSource.id, column: "first_name" },
  ];
  for (const body of definitions) {
    const res = await api("POST", "/properties", { as, body });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  }
  return { ...sample, pushAppId: app.id as string, pushSource };
}

/**
 * Row counts of every table, Imports included, to prove a refused request stored nothing. Records
 * are left out: earlier tests' Imports are hydrated into Records in the background while a later
 * test runs, and a request can only ever make Records through the Imports it stores.
 */
export async function countsWithImports() {
  const imports = await env.DB.prepare("select count(*) as n from imports").first<{ n: number }>();
  const { records: _records, record_properties: _values, ...counts } = await tableCounts();
  return { ...counts, imports: imports!.n };
}
