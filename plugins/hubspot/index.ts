import { z } from "zod";
import { defineAppType, defineDestinationType, definePlugin, type RemoteField, type RemoteFieldType } from "../contract";
import { appOptionsSchema, asPluginError, call, expectStatus, HUBSPOT_API, hubspotMessage, type HubSpotApp } from "./api";
import { BATCH_SIZE, EMAIL_PROPERTY, sendContacts } from "./contacts";
import { eventNameOptionsShape } from "./event-names";
import { EVENT_BATCH_SIZE, sendContactEvents } from "./events";

const destinationOptionsSchema = z.object(eventNameOptionsShape).strict();
type ContactsDestination = z.infer<typeof destinationOptionsSchema>;

/** One contact property as `GET /crm/v3/properties/contacts` describes it. */
const contactPropertySchema = z.object({
  name: z.string(),
  label: z.string().optional(),
  type: z.string(),
  fieldType: z.string().optional(),
  modificationMetadata: z.object({ readOnlyValue: z.boolean().optional() }).optional(),
});
type ContactProperty = z.infer<typeof contactPropertySchema>;

function fieldType(property: ContactProperty): RemoteFieldType {
  if (property.type === "number") return "number";
  if (property.type === "date" || property.type === "datetime") return "date";
  if (property.type === "bool" || (property.type === "enumeration" && property.fieldType === "booleancheckbox")) return "boolean";
  return "string";
}

/** Multiple checkboxes take a list (sent joined by ";"); text takes every value joined; anything else one value. */
function arraysOf(property: ContactProperty): RemoteField["arrays"] {
  if (property.type === "enumeration" && property.fieldType === "checkbox") return "list";
  return property.type === "string" ? "join" : "first";
}

const contactsDestination = defineDestinationType<HubSpotApp, ContactsDestination>({
  type: "contacts",
  displayName: "Contacts",
  description:
    "Creates and updates HubSpot contacts by email, keeps Group members in static lists, and archives contacts that leave in sync mode. Forwarded events become custom event occurrences on the contact.",
  options: [
    {
      key: "eventNamePrefix",
      label: "Event name prefix",
      kind: "string",
      required: false,
      placeholder: "pe12345_",
      description:
        "For forwarded events: HubSpot knows a custom event by its internal name, which starts with pe, your account id and an underscore. With pe12345_, the event cart_abandoned is recorded as pe12345_cart_abandoned; define it in HubSpot under that name first",
    },
    {
      key: "eventNameOverrides",
      label: "Event name overrides",
      kind: "text",
      required: false,
      placeholder: "cart_abandoned = pe12345_abandoned_cart",
      description: "For events defined in HubSpot under another name: one per line, the Groupflow event name, =, and HubSpot's internal name. These win over the prefix",
    },
  ],
  optionsSchema: destinationOptionsSchema,
  // Private apps may make 100 requests per 10 seconds, and one send can take several (contacts, then each list).
  limits: () => ({ batchSize: BATCH_SIZE, requestsPerSecond: 9, concurrency: 4, eventBatchSize: EVENT_BATCH_SIZE }),
  async fields(app, _destination, ctx) {
    try {
      const answer = expectStatus(await call(app, ctx, "GET", "/crm/v3/properties/contacts"), [200], "list the contact properties");
      const properties = z.object({ results: z.array(contactPropertySchema) }).parse(answer.body).results;
      const fields = properties
        .filter((p) => p.modificationMetadata?.readOnlyValue !== true)
        .map((p): RemoteField => ({ name: p.name, label: p.label || p.name, type: fieldType(p), required: p.name === EMAIL_PROPERTY, arrays: arraysOf(p) }));
      return { fields, customFields: false, lists: { label: "Static lists (list ids)" } };
    } catch (err) {
      throw asPluginError(err);
    }
  },
  send: (app, _destination, items, ctx) => sendContacts(app, items, ctx),
  sendEvents: sendContactEvents,
});

const HUBSPOT_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><rect x="3" y="5" width="18" height="14" rx="2"/><circle cx="9" cy="11" r="2"/><path d="M6 16c.6-1.3 1.7-2 3-2s2.4.7 3 2M15 10h3M15 14h3"/></svg>';

export const hubspotPlugin = definePlugin({
  name: "hubspot",
  displayName: "HubSpot",
  icon: HUBSPOT_ICON,
  apps: [
    defineAppType<HubSpotApp>({
      type: "hubspot",
      displayName: "HubSpot",
      description: "A HubSpot account, reached with a private app's access token.",
      options: [
        {
          key: "accessToken",
          label: "Access token",
          kind: "string",
          required: true,
          secret: true,
          placeholder: "pat-na1-…",
          description:
            "A private app's token with the crm.objects.contacts.read, crm.objects.contacts.write, crm.lists.read and crm.lists.write scopes, and analytics.behavioral_events.send to forward events; sent as a Bearer token",
        },
        {
          key: "baseUrl",
          label: "API address",
          kind: "string",
          required: false,
          default: HUBSPOT_API,
          placeholder: HUBSPOT_API,
          description: "Only for a proxy in front of HubSpot or a local fake of its API; leave empty to reach HubSpot itself",
        },
      ],
      optionsSchema: appOptionsSchema,
      async test(options, ctx) {
        try {
          const answer = await call(options, ctx, "GET", "/crm/v3/objects/contacts?limit=1");
          if (answer.status === 200) return { ok: true, message: "HubSpot accepted the access token and can read contacts" };
          return { ok: false, error: `HubSpot answered ${answer.status}: ${hubspotMessage(answer.body)}` };
        } catch (err) {
          return { ok: false, error: (err as Error).message };
        }
      },
      sources: [],
      destinations: [contactsDestination],
    }),
  ],
});
