// The demo's webhook receiver: what a team's own endpoint would do with Groupflow's deliveries.
// It checks each request's signature and age the way the README describes, keeps the latest
// deliveries (GET /deliveries shows them) and prints one line per request it accepts.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

/** Shared by the demo's webhook Destination and its receiver; it guards nothing outside this machine. */
export const DEMO_RECEIVER_SECRET = "groupflow-demo-receiver-secret";

const MAX_AGE_SECONDS = 300;
const KEPT = 500;

/** Whether a `Groupflow-Signature: t=…,v1=…` header signs this body under the secret, recently. */
export function signedBy(secret, header, body, nowSeconds = Math.floor(Date.now() / 1000)) {
  const parts = Object.fromEntries(String(header ?? "").split(",").map((part) => part.split("=", 2)));
  const time = Number(parts.t);
  if (!Number.isInteger(time) || Math.abs(nowSeconds - time) > MAX_AGE_SECONDS || !/^[0-9a-f]{64}$/.test(parts.v1 ?? "")) return false;
  const expected = createHmac("sha256", secret).update(`${time}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, "hex"));
}

/** Starts the receiver; `log` gets one line per request. Resolves once it listens. */
export function startReceiver({ port, secret, log }) {
  const deliveries = [];
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/deliveries") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ deliveries }));
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString("utf8");
    if (!signedBy(secret, req.headers["groupflow-signature"], body)) {
      log(`refused a request without a valid signature`);
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "bad signature" }));
      return;
    }
    const parsed = JSON.parse(body);
    const received = parsed.deliveries ?? (parsed.type === "ping" ? [] : [parsed]);
    deliveries.push(...received.map((d) => ({ ...d, receivedAt: new Date().toISOString() })));
    deliveries.splice(0, Math.max(0, deliveries.length - KEPT));
    const actions = received.reduce((counts, d) => ({ ...counts, [d.action]: (counts[d.action] ?? 0) + 1 }), {});
    log(parsed.type === "ping" ? "answered a connection test" : `received ${received.length} signed deliveries: ${Object.entries(actions).map(([a, n]) => `${n} ${a}`).join(", ")}`);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ received: received.length }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
