import type { EventItem, ExportOutcome, PluginContext } from "../contract";
import { call, expectStatus, subscriberHash, type MailchimpApp } from "./api";
import { EMAIL_FIELD, emailOf, type AudienceOptions } from "./members";
import { eachItem } from "./per-item";

/** Each event is a request of its own: twenty keep one send well within its time, one connection at a time. */
export const EVENT_BATCH_SIZE = 20;

/** Mailchimp's rule for event names. */
const EVENT_NAME = /^[A-Za-z0-9_-]{2,30}$/;

type Outcomes = Map<string, ExportOutcome>;

/** Event data as Mailchimp's properties, which are text only: lists are joined by commas, and empty values left out. */
function propertiesOf(data: Record<string, unknown>): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    properties[key] = Array.isArray(value) ? value.filter((v) => v !== null && v !== undefined).map(String).join(", ") : String(value);
  }
  return properties;
}

/** A time as Mailchimp writes ISO 8601 in its own examples: to the second, with the offset spelled out. */
const mailchimpTime = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** Records one event on the member with the mapped address; a refusal fails this event alone. */
async function recordEvent(app: MailchimpApp, options: AudienceOptions, item: EventItem, ctx: PluginContext): Promise<ExportOutcome> {
  const email = emailOf(item)?.trim();
  if (!email) return { ok: false, error: `No ${EMAIL_FIELD} to find the member by: map a Property to it`, retryable: false };
  const { name } = item.event;
  if (!EVENT_NAME.test(name)) {
    return { ok: false, error: `Mailchimp cannot take the event name "${name}": its event names are 2 to 30 letters, digits, underscores or dashes`, retryable: false };
  }
  const body = {
    name,
    properties: propertiesOf(item.event.data),
    occurred_at: mailchimpTime(item.event.occurredAt),
    // Mailchimp's is_syncing: recorded on the member's activity, without starting automations.
    is_syncing: options.triggerAutomations === false,
  };
  const answer = await call(app, ctx, "POST", `/lists/${options.audienceId}/members/${await subscriberHash(email)}/events`, body);
  if (answer.status === 404) return { ok: false, error: `Mailchimp has no member ${email} in audience ${options.audienceId} to record ${name} on`, retryable: false };
  expectStatus(answer, [200, 204], `record ${name} for ${email}`);
  return { ok: true, summary: { name } };
}

/** Records events on audience members, one request each; once Mailchimp throttles or fails, the events left wait. */
export async function sendMemberEvents(app: MailchimpApp, options: AudienceOptions, items: EventItem[], ctx: PluginContext): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  await eachItem(items, outcomes, (item) => recordEvent(app, options, item, ctx));
  return outcomes;
}
