// A local stand-in for the Mailchimp Marketing API v3, mounted under `/mailchimp/3.0`. It keeps
// audiences, members, merge fields, tags and member events in memory and answers the endpoints
// the mailchimp plugin calls as the API documents them: Basic auth with the API key, problem-detail
// errors, batch subscribe's per-member errors, 404 for unknown members, 204 for a recorded event,
// and 429/5xx on demand.
import { createHash } from "node:crypto";
import { answer, FailurePlan, fakeHandler } from "./http.mjs";

export const MAILCHIMP_FAKE_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0-us1";
export const MAILCHIMP_FAKE_AUDIENCE = "aud0001";

/** Mailchimp's member id: the MD5 of the lower-cased address. */
export const subscriberHash = (/** @type {string} */ email) => createHash("md5").update(email.toLowerCase()).digest("hex");

const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const MAX_BATCH = 500;
/** Event names: 2 to 30 letters, digits, underscores or dashes. */
const EVENT_NAME = /^[A-Za-z0-9_-]{2,30}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * @typedef {{ id: string; audience: string; email_address: string; status: string; merge_fields: Record<string, unknown>; tags: Set<string>; last_changed: string }} Member
 * @typedef {{ tag: string; name: string; type: "text" | "number" | "date"; required: boolean }} MergeField
 * @typedef {{ id: string; name: string; members: Map<string, Member>; mergeFields: MergeField[] }} Audience
 */

const problem = (/** @type {number} */ status, /** @type {string} */ title, /** @type {string} */ detail, /** @type {unknown[]} */ errors = []) => ({
  type: "https://mailchimp.com/developer/marketing/docs/errors/",
  title,
  status,
  detail,
  instance: crypto.randomUUID(),
  ...(errors.length ? { errors } : {}),
});

function newAudience(/** @type {string} */ id, /** @type {string} */ name) {
  /** @type {Audience} */
  const audience = {
    id,
    name,
    members: new Map(),
    mergeFields: [
      { tag: "FNAME", name: "First Name", type: "text", required: false },
      { tag: "LNAME", name: "Last Name", type: "text", required: false },
      { tag: "COUNTRY", name: "Country", type: "text", required: false },
      { tag: "LTV", name: "Lifetime value", type: "number", required: false },
      { tag: "SIGNUP", name: "Signed up", type: "date", required: false },
    ],
  };
  return audience;
}

const memberView = (/** @type {Member} */ m, /** @type {Audience} */ audience) => ({
  id: m.id,
  email_address: m.email_address,
  status: m.status,
  merge_fields: m.merge_fields,
  tags: [...m.tags].map((name) => ({ name })),
  list_id: audience.id,
  last_changed: m.last_changed,
});

/** The JSON schema's name for a value's type, as Mailchimp words a mismatch. */
const schemaType = (/** @type {unknown} */ value) => (value === null ? "NULL" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value);

/** Why an event is refused, as the problem's `errors`: each field Mailchimp would not take. */
function eventErrors(/** @type {any} */ body) {
  const errors = [];
  if (typeof body?.name !== "string" || !EVENT_NAME.test(body.name)) {
    errors.push({ field: "name", message: "Event names must be 2 to 30 characters: letters, numbers, underscores and dashes only" });
  }
  const properties = body?.properties;
  if (properties !== undefined && (typeof properties !== "object" || properties === null || Array.isArray(properties))) {
    errors.push({ field: "properties", message: `Schema describes object, ${schemaType(properties)} found instead` });
  } else {
    for (const [key, value] of Object.entries(properties ?? {})) {
      if (typeof value !== "string") errors.push({ field: `properties.${key}`, message: `Schema describes string, ${schemaType(value)} found instead` });
    }
  }
  const at = body?.occurred_at;
  if (at !== undefined && !(typeof at === "string" && ISO_TIME.test(at) && !Number.isNaN(Date.parse(at)))) errors.push({ field: "occurred_at", message: "This value is not a valid datetime." });
  if (body?.is_syncing !== undefined && typeof body.is_syncing !== "boolean") errors.push({ field: "is_syncing", message: `Schema describes boolean, ${schemaType(body.is_syncing)} found instead` });
  return errors;
}

/** Why a member's merge fields are refused, or null: numbers must be numbers, dates ISO dates, and only known tags. */
function mergeFieldError(/** @type {Audience} */ audience, /** @type {Record<string, unknown>} */ fields) {
  for (const [tag, value] of Object.entries(fields ?? {})) {
    const field = audience.mergeFields.find((f) => f.tag === tag);
    if (!field) return { field: tag, message: `${tag} is not a merge field of this audience` };
    if (value === "" || value === null) continue;
    if (field.type === "number" && typeof value !== "number") return { field: tag, message: "Please enter a number" };
    if (field.type === "date" && (typeof value !== "string" || Number.isNaN(Date.parse(value)))) return { field: tag, message: "Please enter a date" };
  }
  return null;
}

export function createMailchimpFake() {
  /** @type {Map<string, Audience>} */
  const audiences = new Map();
  const failures = new FailurePlan();
  /** Every change the fake applied, in order: what a test checks to see nothing was sent twice. @type {{ at: number; audience: string; op: string; email: string }[]} */
  const applied = [];
  /** Every member event recorded, in order. @type {{ at: number; audience: string; email: string; name: string; properties: Record<string, string>; occurred_at: string; is_syncing: boolean }[]} */
  const events = [];
  let requests = 0;

  const reset = () => {
    audiences.clear();
    audiences.set(MAILCHIMP_FAKE_AUDIENCE, newAudience(MAILCHIMP_FAKE_AUDIENCE, "Customers"));
    failures.set({});
    applied.length = 0;
    events.length = 0;
    requests = 0;
  };
  reset();

  const touch = (/** @type {Member} */ m) => {
    m.last_changed = new Date().toISOString();
  };

  /** Tags a member or takes a tag off; only real changes are applied (Mailchimp ignores the rest). */
  const setTag = (/** @type {Member} */ m, /** @type {string} */ name, /** @type {boolean} */ active) => {
    if (m.tags.has(name) === active) return;
    if (active) m.tags.add(name);
    else m.tags.delete(name);
    touch(m);
    applied.push({ at: Date.now(), audience: m.audience, op: `${active ? "tag" : "untag"}:${name}`, email: m.email_address });
  };

  /** POST /lists/{id}: batch subscribe, creating and (with update_existing) updating members. */
  function batchSubscribe(/** @type {Audience} */ audience, /** @type {any} */ body) {
    if (!Array.isArray(body?.members)) return [400, problem(400, "Invalid Resource", "The resource submitted could not be validated.", [{ field: "members", message: "Required" }])];
    if (body.members.length > MAX_BATCH) return [400, problem(400, "Invalid Resource", `You may only add up to ${MAX_BATCH} members in a batch`)];
    const result = { new_members: /** @type {unknown[]} */ ([]), updated_members: /** @type {unknown[]} */ ([]), errors: /** @type {unknown[]} */ ([]) };
    for (const input of body.members) {
      const email = String(input.email_address ?? "");
      const fail = (/** @type {string} */ error, /** @type {string} */ code, /** @type {Record<string, string>} */ extra = {}) => result.errors.push({ email_address: email, error, error_code: code, ...extra });
      if (!EMAIL.test(email)) {
        fail(`${email} looks fake or invalid, please enter a real email address.`, "ERROR_GENERIC");
        continue;
      }
      const bad = mergeFieldError(audience, input.merge_fields);
      if (bad) {
        fail("Your merge fields were invalid.", "ERROR_GENERIC", { field: bad.field, field_message: bad.message });
        continue;
      }
      const id = subscriberHash(email);
      const existing = audience.members.get(id);
      if (existing && existing.status !== "archived") {
        if (!body.update_existing) {
          fail(`${email} is already a list member. Use PUT to insert or update list members.`, "ERROR_CONTACT_EXISTS");
          continue;
        }
        if (["unsubscribed", "cleaned"].includes(existing.status) && input.status === "subscribed") {
          fail(`${email} is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.`, "ERROR_GENERIC");
          continue;
        }
        existing.merge_fields = { ...existing.merge_fields, ...input.merge_fields };
        existing.status = input.status ?? existing.status;
        touch(existing);
        applied.push({ at: Date.now(), audience: audience.id, op: "update", email });
        for (const tag of input.tags ?? []) setTag(existing, String(tag), true);
        result.updated_members.push(memberView(existing, audience));
        continue;
      }
      /** @type {Member} */
      const member = existing ?? { id, audience: audience.id, email_address: email, status: "subscribed", merge_fields: {}, tags: new Set(), last_changed: "" };
      member.status = input.status ?? "subscribed";
      member.merge_fields = { ...member.merge_fields, ...input.merge_fields };
      touch(member);
      audience.members.set(id, member);
      applied.push({ at: Date.now(), audience: audience.id, op: existing ? "restore" : "create", email });
      for (const tag of input.tags ?? []) setTag(member, String(tag), true);
      result.new_members.push(memberView(member, audience));
    }
    return [200, { ...result, total_created: result.new_members.length, total_updated: result.updated_members.length, error_count: result.errors.length }];
  }

  /** The API's routes under /3.0, once authenticated and past any failure asked for. @returns {[number, unknown?]} */
  function route(/** @type {string} */ method, /** @type {string[]} */ parts, /** @type {URLSearchParams} */ query, /** @type {any} */ body) {
    if (method === "GET" && parts[0] === "ping" && parts.length === 1) return [200, { health_status: "Everything's Chimpy!" }];
    if (parts[0] !== "lists") return [404, problem(404, "Resource Not Found", "The requested resource could not be found.")];
    if (method === "GET" && parts.length === 1) {
      const lists = [...audiences.values()].map((a) => ({ id: a.id, name: a.name, stats: { member_count: [...a.members.values()].filter((m) => m.status === "subscribed").length } }));
      return [200, { lists, total_items: lists.length }];
    }
    const audience = audiences.get(parts[1] ?? "");
    if (!audience) return [404, problem(404, "Resource Not Found", "The requested resource could not be found.")];
    const [, , collection, id, sub] = parts;
    if (method === "POST" && parts.length === 2) return batchSubscribe(audience, body);
    if (method === "GET" && collection === "merge-fields" && !id) {
      const fields = audience.mergeFields.map((f, i) => ({ merge_id: i + 1, tag: f.tag, name: f.name, type: f.type, required: f.required, list_id: audience.id }));
      return [200, { merge_fields: fields, total_items: fields.length }];
    }
    if (collection === "members" && id) {
      const member = audience.members.get(id);
      if (method === "GET" && !sub) return member && member.status !== "archived" ? [200, memberView(member, audience)] : [404, problem(404, "Resource Not Found", "The requested resource could not be found.")];
      if (!member || member.status === "archived") return [404, problem(404, "Resource Not Found", "The requested resource could not be found.")];
      if (method === "PATCH" && !sub) {
        const bad = mergeFieldError(audience, body?.merge_fields);
        if (bad) return [400, problem(400, "Invalid Resource", "Your merge fields were invalid.", [{ field: bad.field, message: bad.message }])];
        member.merge_fields = { ...member.merge_fields, ...body?.merge_fields };
        touch(member);
        applied.push({ at: Date.now(), audience: audience.id, op: "update", email: member.email_address });
        return [200, memberView(member, audience)];
      }
      if (method === "POST" && sub === "events") {
        const errors = eventErrors(body);
        if (errors.length) return [400, problem(400, "Invalid Resource", "The resource submitted could not be validated. For field-specific details, see the 'errors' array.", errors)];
        const { name, properties = {}, occurred_at = new Date().toISOString(), is_syncing = false } = body;
        events.push({ at: Date.now(), audience: audience.id, email: member.email_address, name, properties, occurred_at, is_syncing });
        return [204];
      }
      if (method === "POST" && sub === "tags") {
        for (const tag of body?.tags ?? []) setTag(member, String(tag.name), tag.status === "active");
        return [204];
      }
      if (method === "DELETE" && !sub) {
        member.status = "archived";
        touch(member);
        applied.push({ at: Date.now(), audience: audience.id, op: "archive", email: member.email_address });
        return [204];
      }
    }
    return [405, problem(405, "Method Not Allowed", `${method} is not allowed on this resource.`)];
  }

  return {
    handle: fakeHandler({
      control(/** @type {any} */ plan) {
        if (plan.reset) reset();
        failures.set(plan);
        for (const id of plan.audiences ?? []) if (!audiences.has(id)) audiences.set(id, newAudience(id, `Audience ${id}`));
        // Members a test needs to be there already, e.g. someone who unsubscribed.
        for (const seed of plan.members ?? []) {
          const audience = audiences.get(seed.audience ?? MAILCHIMP_FAKE_AUDIENCE);
          const id = subscriberHash(seed.email_address);
          if (audience) audience.members.set(id, { id, audience: audience.id, email_address: seed.email_address, status: seed.status ?? "subscribed", merge_fields: seed.merge_fields ?? {}, tags: new Set(), last_changed: new Date().toISOString() });
        }
      },
      state() {
        const state = Object.fromEntries(
          [...audiences.values()].map((a) => [a.id, { members: [...a.members.values()].map((m) => memberView(m, a)) }]),
        );
        return { audiences: state, applied, events, requests, failures: failures.given };
      },
      api(req, res, path, query, text) {
        const method = req.method ?? "GET";
        if (!path.startsWith("/3.0/")) return answer(res, 404, problem(404, "Resource Not Found", "The requested resource could not be found."));
        requests += 1;
        const auth = req.headers.authorization ?? "";
        const key = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8").split(":").slice(1).join(":") : auth.replace(/^Bearer /, "");
        if (key !== MAILCHIMP_FAKE_KEY) return answer(res, 401, problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong datacenter."));
        const failure = failures.next();
        if (failure) {
          const body = failure.body ?? (failure.status === 429 ? problem(429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.") : problem(failure.status, "Internal Server Error", "An unexpected internal error has occurred."));
          return answer(res, failure.status, body, failure.retryAfter ? { "retry-after": failure.retryAfter } : {});
        }
        let body;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          return answer(res, 400, problem(400, "JSON Schema Validation Failed", "We encountered an unspecified JSON parsing error."));
        }
        const [status, payload] = route(method, path.slice("/3.0/".length).split("/").filter(Boolean), query, body);
        answer(res, status, payload);
      },
    }),
  };
}
