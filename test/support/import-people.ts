import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { api } from "./api";

/**
 * Sends imports through the API with a `write:imports` key and waits until the pipeline has settled
 * every one of them; each person's Record id is noted in `recordOf` under their `external_id`.
 */
export async function importPeople(key: string, people: Record<string, unknown>[], recordOf: Map<string, string>) {
  const sent = await api("POST", "/imports", { as: { key }, body: people });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  const ids: string[] = sent.body.importIds;
  for (let i = 0; i < 300; i++) {
    const { results } = await env.DB.prepare("select id, state, record_id from imports where id in (select value from json_each(?))").bind(JSON.stringify(ids)).all<{ id: string; state: string; record_id: string }>();
    if (results.every((r) => r.state === "processed")) {
      people.forEach((p, j) => recordOf.set(String(p.external_id), results.find((r) => r.id === ids[j])!.record_id));
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("imports were not processed in time");
}
