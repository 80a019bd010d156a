import { z } from "zod";
import { defineAppType, defineDestinationType, definePlugin, PluginError, SendError, type PluginContext, type RemoteField, type RemoteFieldType } from "../contract";
import { appOptionsSchema, call, type MailchimpApp } from "./api";
import { EVENT_BATCH_SIZE, sendMemberEvents } from "./events";
import { BATCH_SIZE, EMAIL_FIELD, sendToAudience, type AudienceOptions } from "./members";

const audienceOptionsSchema = z
  .object({
    audienceId: z.string().regex(/^[A-Za-z0-9]{1,40}$/, "must be an audience id, as Mailchimp shows it in the audience's settings"),
    status: z.enum(["subscribed", "transactional"]).default("subscribed"),
    triggerAutomations: z.boolean({ invalid_type_error: "must be true or false" }).default(true),
  })
  .strict();

/** Merge field types Mailchimp documents, as the kinds of value the core checks a mapping against. */
const MERGE_TYPES: Record<string, RemoteFieldType> = { number: "number", date: "date", birthday: "string" };

/** A refusal while reading the audience, in words for the person setting the Destination up. */
async function readAudience<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof SendError) throw new PluginError(err.retryable ? "connection_failed" : "invalid_options", `${what}: ${err.message}`);
    throw err;
  }
}

async function mergeFields(app: MailchimpApp, options: AudienceOptions, ctx: PluginContext): Promise<RemoteField[]> {
  const answer = await readAudience("Reading the audience's merge fields", () => call(app, ctx, "GET", `/lists/${options.audienceId}/merge-fields?count=1000`));
  if (answer.status === 404) throw new PluginError("not_found", `Mailchimp has no audience "${options.audienceId}" for this API key`);
  if (answer.status !== 200) throw new PluginError("invalid_options", `Mailchimp would not list the audience's merge fields (${answer.status})`);
  const listed = (answer.body?.merge_fields ?? []) as { tag: string; name: string; type: string; required: boolean }[];
  return listed.map((f) => ({ name: f.tag, label: f.name, type: MERGE_TYPES[f.type] ?? "string", required: f.required, arrays: "join" }));
}

const audienceDestination = defineDestinationType<MailchimpApp, AudienceOptions>({
  type: "audience",
  displayName: "Audience members",
  description:
    "Keeps an audience's members in line with a collection: merge fields from the mapping, tags from Group memberships, archived when they leave. Forwarded events are recorded on the member's activity.",
  options: [
    { key: "audienceId", label: "Audience id", kind: "string", required: true, description: "Audience → Settings → Audience name and defaults → Audience ID" },
    {
      key: "status",
      label: "Member status",
      kind: "select",
      required: false,
      default: "subscribed",
      choices: [
        { value: "subscribed", label: "Subscribed (they agreed to marketing email)" },
        { value: "transactional", label: "Transactional (no marketing email)" },
      ],
      description: "Given to the members this Destination adds and updates. Mailchimp never lets an unsubscribed address be subscribed again: such a member's Export fails with Mailchimp's reason.",
    },
    {
      key: "triggerAutomations",
      label: "Events start automations",
      kind: "boolean",
      required: false,
      default: true,
      description:
        "Forwarded events can start customer journeys that wait for them. Turn off to only record them on the member's activity, e.g. while sending past events. Mailchimp takes event names of 2 to 30 letters, digits, underscores or dashes",
    },
  ],
  optionsSchema: audienceOptionsSchema,
  // Mailchimp allows 10 connections at once per account, which other tools share; each send holds one.
  limits: () => ({ batchSize: BATCH_SIZE, requestsPerSecond: 10, concurrency: 4, eventBatchSize: EVENT_BATCH_SIZE }),
  async fields(app, options, ctx) {
    const email: RemoteField = { name: EMAIL_FIELD, label: "Email address", type: "string", required: true, arrays: "first" };
    return { fields: [email, ...(await mergeFields(app, options, ctx))], customFields: false, lists: { label: "Tags" } };
  },
  send: sendToAudience,
  sendEvents: sendMemberEvents,
});

const MAILCHIMP_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/></svg>';

export const mailchimpPlugin = definePlugin({
  name: "mailchimp",
  displayName: "Mailchimp",
  icon: MAILCHIMP_ICON,
  apps: [
    defineAppType<MailchimpApp>({
      type: "mailchimp",
      displayName: "Mailchimp",
      description: "A Mailchimp account, reached with an API key (Marketing API v3).",
      options: [
        { key: "apiKey", label: "API key", kind: "string", required: true, secret: true, description: "Account → Extras → API keys; it ends with your data center, e.g. -us6" },
        { key: "serverUrl", label: "Server URL", kind: "string", required: false, placeholder: "https://us6.api.mailchimp.com", description: "Leave empty to use the data center in the key; set it only for a proxy" },
      ],
      optionsSchema: appOptionsSchema,
      async test(options, ctx) {
        try {
          const answer = await call(options, ctx, "GET", "/ping");
          return answer.status === 200 ? { ok: true, message: String(answer.body?.health_status ?? "Mailchimp answered") } : { ok: false, error: `Mailchimp answered ${answer.status}` };
        } catch (err) {
          return { ok: false, error: (err as Error).message };
        }
      },
      sources: [],
      destinations: [audienceDestination],
    }),
  ],
});
