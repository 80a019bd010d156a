import type { ExportItem, ExportOutcome, PluginContext } from "../contract";
import { call, expectStatus, subscriberHash, type MailchimpApp } from "./api";
import { eachItem, failure } from "./per-item";

export interface AudienceOptions {
  audienceId: string;
  status: "subscribed" | "transactional";
  /** Whether forwarded events may start automations; Destinations saved before the option existed leave it out, meaning yes. */
  triggerAutomations?: boolean;
}

/** The remote field that finds a member: Mailchimp keys members by address. */
export const EMAIL_FIELD = "email_address";

/** Up to 500 members per batch subscribe, Mailchimp's limit. */
export const BATCH_SIZE = 500;

type Outcomes = Map<string, ExportOutcome>;

/** Merge fields as Mailchimp takes them: "" clears a field, and date fields want the day alone. */
function mergeFields(fields: Record<string, unknown>): Record<string, unknown> {
  const merge: Record<string, unknown> = {};
  for (const [tag, value] of Object.entries(fields)) {
    if (tag === EMAIL_FIELD) continue;
    merge[tag] = value === null || value === undefined ? "" : typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
  }
  return merge;
}

export const emailOf = (item: Pick<ExportItem, "fields">) => (typeof item.fields[EMAIL_FIELD] === "string" ? (item.fields[EMAIL_FIELD] as string) : null);

/** Takes tags off a member; a member Mailchimp no longer has has none to take off. */
async function untag(app: MailchimpApp, audienceId: string, hash: string, names: string[], ctx: PluginContext) {
  if (!names.length) return;
  const answer = await call(app, ctx, "POST", `/lists/${audienceId}/members/${hash}/tags`, { tags: names.map((name) => ({ name, status: "inactive" })) });
  expectStatus(answer, [200, 204, 404], "remove tags");
}

/** Enrich: updates members Mailchimp already has, creating none. */
async function updateMember(app: MailchimpApp, options: AudienceOptions, item: ExportItem, ctx: PluginContext): Promise<ExportOutcome> {
  const hash = await subscriberHash(emailOf(item)!);
  const answer = await call(app, ctx, "PATCH", `/lists/${options.audienceId}/members/${hash}`, { merge_fields: mergeFields(item.fields) });
  if (answer.status === 404) return { ok: true, skipped: "not in the audience", remoteId: null };
  expectStatus(answer, [200], "update the member");
  const tags = [...item.lists.add.map((name) => ({ name, status: "active" })), ...item.lists.remove.map((name) => ({ name, status: "inactive" }))];
  if (tags.length) expectStatus(await call(app, ctx, "POST", `/lists/${options.audienceId}/members/${hash}/tags`, { tags }), [200, 204], "tag the member");
  return { ok: true, remoteId: hash, summary: { status: answer.body?.status } };
}

/** A Record that left the collection (sync mode): its member is archived, which Mailchimp can undo, not deleted. */
async function archiveMember(app: MailchimpApp, options: AudienceOptions, item: ExportItem, ctx: PluginContext): Promise<ExportOutcome> {
  const hash = item.remoteId ?? (await subscriberHash(emailOf(item)!));
  const answer = await call(app, ctx, "DELETE", `/lists/${options.audienceId}/members/${hash}`);
  if (answer.status === 404) return { ok: true, skipped: "not in the audience", remoteId: null };
  expectStatus(answer, [200, 204], "archive the member");
  return { ok: true, remoteId: null, summary: { archived: true } };
}

/** One batch subscribe creating and updating members, their new tags riding along; Mailchimp answers per member. */
async function subscribe(app: MailchimpApp, options: AudienceOptions, items: ExportItem[], ctx: PluginContext, outcomes: Outcomes) {
  const members = items.map((item) => ({ email_address: emailOf(item), status: options.status, merge_fields: mergeFields(item.fields), tags: item.lists.add }));
  const answer = expectStatus(await call(app, ctx, "POST", `/lists/${options.audienceId}`, { members, update_existing: true }), [200], "subscribe the batch");
  const done = new Map<string, { id: string; status: string; created: boolean }>();
  for (const m of answer.body?.new_members ?? []) done.set(String(m.email_address).toLowerCase(), { id: m.id, status: m.status, created: true });
  for (const m of answer.body?.updated_members ?? []) done.set(String(m.email_address).toLowerCase(), { id: m.id, status: m.status, created: false });
  const refused = new Map<string, string>();
  for (const e of answer.body?.errors ?? []) {
    refused.set(String(e.email_address).toLowerCase(), [e.error, e.field ? `(${e.field}: ${e.field_message})` : ""].filter(Boolean).join(" "));
  }
  for (const item of items) {
    const email = emailOf(item)!.toLowerCase();
    const member = done.get(email);
    const reason = refused.get(email);
    if (member) outcomes.set(item.exportId, { ok: true, remoteId: member.id, summary: { status: member.status, created: member.created } });
    else outcomes.set(item.exportId, { ok: false, error: reason ?? "Mailchimp did not say what became of this member", retryable: !reason });
  }
}

/**
 * Sends one batch to an audience. Archives, enrich updates and tag removals go member by member;
 * upserts then go in one batch subscribe. Each Export gets its own outcome, so a member Mailchimp
 * refuses fails alone and the others are never sent again.
 */
export async function sendToAudience(app: MailchimpApp, options: AudienceOptions, items: ExportItem[], ctx: PluginContext): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  const addressed = items.filter((item) => {
    if (emailOf(item) || (item.action === "delete" && item.remoteId)) return true;
    outcomes.set(item.exportId, { ok: false, error: `No ${EMAIL_FIELD} to find the member by: map a Property to it`, retryable: false });
    return false;
  });
  const memberByMember = addressed.filter((item) => item.action !== "upsert" || item.lists.remove.length > 0);
  const { passed, halted } = await eachItem(memberByMember, outcomes, async (item) => {
    if (item.action === "delete") return archiveMember(app, options, item, ctx);
    if (item.action === "update") return updateMember(app, options, item, ctx);
    await untag(app, options.audienceId, await subscriberHash(emailOf(item)!), item.lists.remove, ctx);
    return null;
  });
  const upserts = [...passed, ...addressed.filter((item) => item.action === "upsert" && item.lists.remove.length === 0)];
  // Mailchimp just throttled or failed: the batch waits with the rest rather than being refused too.
  if (halted) for (const item of upserts) outcomes.set(item.exportId, halted);
  if (halted || !upserts.length) return outcomes;
  try {
    await subscribe(app, options, upserts, ctx, outcomes);
  } catch (err) {
    // Alone, a refused batch goes back to the core, which splits it to find the members at fault.
    // After member-by-member work, those are answered here and the batch waits for its next attempt.
    if (!memberByMember.length) throw err;
    const failed = failure(err);
    for (const item of upserts) outcomes.set(item.exportId, failed.ok ? failed : { ...failed, retryable: true });
  }
  return outcomes;
}
