import { z } from "zod";

/** Read page `page` of Run `runId`; a message for a page the Run already stored is acknowledged without work. */
export const runPageMessageSchema = z.object({
  kind: z.literal("run-page"),
  tenantId: z.string(),
  runId: z.string(),
  page: z.number().int().min(0),
});
export type RunPageMessage = z.infer<typeof runPageMessageSchema>;

/** Finish Run `runId`: sent again while its confirmation is still removing Records, so a big removal keeps going. */
export const finishRunMessageSchema = z.object({
  kind: z.literal("finish-run"),
  tenantId: z.string(),
  runId: z.string(),
});
export type FinishRunMessage = z.infer<typeof finishRunMessageSchema>;

/** Recalculate page `page` of a Group's recalculation Run; a page the Run already stored is acknowledged without work. */
export const recalculatePageMessageSchema = z.object({
  kind: z.literal("recalculate-page"),
  tenantId: z.string(),
  runId: z.string(),
  page: z.number().int().min(0),
});
export type RecalculatePageMessage = z.infer<typeof recalculatePageMessageSchema>;

/** Walk page `page` of a Destination's sync Run; a page the Run already walked is acknowledged without work. */
export const destinationPageMessageSchema = z.object({
  kind: z.literal("destination-page"),
  tenantId: z.string(),
  runId: z.string(),
  page: z.number().int().min(0),
});
export type DestinationPageMessage = z.infer<typeof destinationPageMessageSchema>;

/** What the Run queue carries: pages to read, recalculate or walk, and Runs to finish. */
export const runMessageSchema = z.discriminatedUnion("kind", [runPageMessageSchema, finishRunMessageSchema, recalculatePageMessageSchema, destinationPageMessageSchema]);
export type RunMessage = z.infer<typeof runMessageSchema>;

/** Identify and hydrate these Imports; ones already processed are skipped, so a redelivery changes nothing twice. */
export const hydrationMessageSchema = z.object({
  kind: z.literal("hydrate"),
  tenantId: z.string(),
  importIds: z.array(z.string()).min(1).max(1000),
});
export type HydrationMessage = z.infer<typeof hydrationMessageSchema>;

/**
 * Tell the objects of Records whose calculated Groups changed in D1 (a recalculation page, or
 * Records judged again under newer rules) what they belong in now. Objects take it only when they
 * have settled nothing newer, so a redelivery or a late message changes nothing.
 */
export const handOverMembershipMessageSchema = z.object({
  kind: z.literal("hand-over-membership"),
  tenantId: z.string(),
  selection: z.union([
    z.object({ runId: z.string(), after: z.string(), through: z.string() }),
    z.object({ recordIds: z.array(z.string()).min(1).max(1000) }),
  ]),
});
export type HandOverMembershipMessage = z.infer<typeof handOverMembershipMessageSchema>;

/** Send a batch of one Destination's due Exports; the Exports' own states make a redelivery harmless. */
export const sendExportsMessageSchema = z.object({
  kind: z.literal("send-exports"),
  tenantId: z.string(),
  destinationId: z.string(),
});
export type SendExportsMessage = z.infer<typeof sendExportsMessageSchema>;

export const QUEUES = {
  runPages: "groupflow-run-pages",
  hydration: "groupflow-hydration",
  liveHydration: "groupflow-live-hydration",
  memberships: "groupflow-memberships",
  exports: "groupflow-exports",
  deadLetters: "groupflow-dead-letters",
} as const;

/** Attempts before a message is given up and kept as a dead letter (wrangler.toml's max_retries + 1). */
export const MAX_ATTEMPTS = 4;
