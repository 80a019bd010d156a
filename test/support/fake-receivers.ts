import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { answer, readBody } from "../fakes/http.mjs";
import { createHubspotFake } from "../fakes/hubspot.mjs";
import { createMailchimpFake } from "../fakes/mailchimp.mjs";

/**
 * Vitest global setup (runs in Node): a local HTTP server standing in for the outside systems
 * Destinations send to. `/hooks/<name>` is a webhook receiver that keeps every delivery; tests
 * script its next answers (a 429 with Retry-After, a 500, a 400 for a batch holding a refused
 * value) through `/control/<name>` and read what arrived from `/deliveries/<name>`. The fakes of
 * SaaS APIs are mounted under their own names, e.g. Mailchimp's API at `/mailchimp/3.0`.
 */
interface Delivery {
  at: number;
  headers: Record<string, string>;
  body: string;
  status: number;
}

interface Script {
  /** Answers given to the next requests, in order, before the receiver accepts again. */
  answers: { status: number; retryAfter?: string; body?: string }[];
  /** A batch holding a delivery with this value in any field is refused with 400, as a receiver validating rows would. */
  refuseValue?: string;
}

const deliveries = new Map<string, Delivery[]>();
const scripts = new Map<string, Script>();

function receive(name: string, req: IncomingMessage, body: string, res: ServerResponse) {
  const script = scripts.get(name) ?? { answers: [] };
  const next = script.answers.shift();
  const refused = script.refuseValue !== undefined && body.includes(JSON.stringify(script.refuseValue));
  const status = next?.status ?? (refused ? 400 : 200);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
  deliveries.set(name, [...(deliveries.get(name) ?? []), { at: Date.now(), headers, body, status }]);
  if (next) return answer(res, next.status, next.body ?? { error: `scripted ${next.status}` }, next.retryAfter ? { "retry-after": next.retryAfter } : {});
  if (refused) return answer(res, 400, { error: `a delivery holds the refused value ${script.refuseValue}` });
  answer(res, 200, { received: true });
}

/**
 * The SaaS fakes by the first segment of their path. Tests that reset a fake or script its failures
 * have an instance of their own, so test files running side by side never see each other's.
 */
const FAKES = {
  mailchimp: createMailchimpFake(),
  hubspot: createHubspotFake(),
  "mailchimp-events": createMailchimpFake(),
  "hubspot-events": createHubspotFake(),
  "mailchimp-forwarding": createMailchimpFake(),
  "hubspot-forwarding": createHubspotFake(),
};

export default async function setup(project: TestProject) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const [, kind, name] = url.pathname.split("/");
    const body = await readBody(req);
    const fake = FAKES[kind as keyof typeof FAKES];
    if (fake) return fake.handle(req, res, url.pathname.slice(kind!.length + 1), url.searchParams, body);
    if (kind === "hooks" && name && req.method === "POST") return receive(name, req, body, res);
    if (kind === "control" && name && req.method === "POST") {
      scripts.set(name, JSON.parse(body) as Script);
      return answer(res, 200, { ok: true });
    }
    if (kind === "deliveries" && name && req.method === "GET") return answer(res, 200, { deliveries: deliveries.get(name) ?? [] });
    answer(res, 404, { error: "no such route" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("receiverUrl", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
  }
}
