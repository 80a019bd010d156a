import { env } from "cloudflare:workers";
import { sendExports } from "../../worker/exports/send";

export type ExportRow = { id: string; record_id: string; state: string; attempts: number; error: string | null; reason: string | null; next_attempt_at: number; to_delete: number };

/** A Destination's Exports as stored, oldest first. */
export const exportsTo = async (destinationId: string) =>
  (
    await env.DB.prepare("select id, record_id, state, attempts, error, reason, next_attempt_at, to_delete from exports where destination_id = ? order by created_at, id")
      .bind(destinationId)
      .all<ExportRow>()
  ).results;

/** Waits until a Destination's Exports are as `done` says (the pipeline decides and sends in the background). */
export async function exportsBecome(destinationId: string, done: (rows: ExportRow[]) => boolean) {
  let rows: ExportRow[] = [];
  for (let i = 0; i < 300; i++) {
    rows = await exportsTo(destinationId);
    if (done(rows)) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Exports did not get there: ${JSON.stringify(rows)}`);
}

/** As if the retries' waits were over: their time comes now, and the consumer runs. */
export async function retryNow(tenantId: string, destinationId: string) {
  await env.DB.prepare("update exports set next_attempt_at = ? where destination_id = ? and state = 'pending'").bind(Date.now(), destinationId).run();
  await sendExports(env, tenantId, destinationId);
}
