// Fills the demo workspace the first time Groupflow starts locally: the sample shop's customers
// read into Properties, two calculated Groups, and two Destinations (the Inspector and a signed
// webhook to the demo receiver), so a newcomer sees the whole flow working with nothing installed.

/** The demo owner's log-in, which `npm start` prints. */
export const DEMO = {
  name: "Demo Owner",
  email: "demo@groupflow.local",
  password: "groupflow-demo",
  workspaceName: "Demo Workspace",
  workspaceSlug: "demo",
};

const SETTLE_TIMEOUT_MS = 180_000;
const POLL_MS = 500;

/** A logged-in caller of the API: the session cookie and its CSRF token, as the UI holds them. */
async function session(apiUrl, response) {
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { csrfToken } = await response.json();
  return async (method, route, body) => {
    const reply = await fetch(`${apiUrl}/api/v1${route}`, {
      method,
      headers: { cookie, "x-csrf-token": csrfToken, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await reply.text();
    if (!reply.ok) throw new Error(`${method} ${route} answered ${reply.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Signs the demo owner up, or logs them in when an earlier start already did. */
async function demoOwner(apiUrl, demo) {
  const post = (route, body) => fetch(`${apiUrl}/api/v1/auth/${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const signedUp = await post("signup", demo);
  if (signedUp.status === 201) return session(apiUrl, signedUp);
  if (signedUp.status !== 409) throw new Error(`creating the demo workspace answered ${signedUp.status}: ${await signedUp.text()}`);
  const loggedIn = await post("login", { email: demo.email, password: demo.password });
  if (loggedIn.status !== 200) throw new Error(`logging in as the demo owner answered ${loggedIn.status}: ${await loggedIn.text()}`);
  return session(apiUrl, loggedIn);
}

async function until(what, check) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const done = await check();
    if (done) return done;
    if (Date.now() > deadline) throw new Error(`${what} did not finish within ${SETTLE_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function runEnds(call, runId, what) {
  const run = await until(what, async () => {
    const { run } = await call("GET", `/runs/${runId}`);
    return ["complete", "failed", "stopped"].includes(run.state) ? run : null;
  });
  if (run.state !== "complete") throw new Error(`${what} ended ${run.state}: ${run.reason}`);
  return run;
}

/** Waits until no Destination has an Export waiting or being sent. */
const exportsDrain = (call) =>
  until("Sending the demo's Exports", async () => {
    const { destinations } = await call("GET", "/destinations");
    return destinations.every((d) => (d.exports?.pending ?? 0) + (d.exports?.sending ?? 0) === 0);
  });

/**
 * Seeds the demo workspace once and waits until its data has flowed through to the Destinations,
 * so Groupflow says it is ready only when there is nothing left moving. Returns what it did.
 */
export async function seedDemoWorkspace({ apiUrl, demo, receiverUrl, receiverSecret, customers }) {
  const call = await demoOwner(apiUrl, demo);
  const { apps } = await call("GET", "/apps");
  if (apps.some((a) => a.name === "Demo shop")) return "the demo workspace is already filled";

  await call("PATCH", "/workspace", { allowPrivateDestinations: true });
  const { app } = await call("POST", "/apps", { name: "Demo shop", plugin: "sample", type: "sample", options: { customers } });
  const { source: users } = await call("POST", "/sources", {
    appId: app.id,
    name: "Customers",
    type: "table",
    options: { collection: "users" },
    identity: { column: "email", propertyKey: "email", propertyType: "email" },
  });
  const property = (sourceId, definition) => call("POST", "/properties", { sourceId, type: "string", ...definition });
  await property(users.id, { key: "customer_id", type: "integer", unique: true, column: "id" });
  for (const column of ["first_name", "last_name", "country"]) await property(users.id, { key: column, column });
  const { source: purchases } = await call("POST", "/sources", {
    appId: app.id,
    name: "Purchases",
    type: "table",
    role: "enrich",
    options: { collection: "purchases" },
    identity: { column: "user_id", propertyKey: "customer_id" },
  });
  await property(purchases.id, { key: "ltv", type: "float", column: "amount", aggregation: "sum" });
  await property(purchases.id, { key: "purchases", type: "integer", column: "id", aggregation: "count" });

  const { schedule } = await call("POST", "/schedules", { sourceId: users.id, name: "Customers every hour", everyMinutes: 60 });
  const { run: firstRun } = await call("POST", `/schedules/${schedule.id}/runs`);
  await runEnds(call, firstRun.id, "Reading the sample customers");

  const usBig = await call("POST", "/groups", {
    name: "US customers with ltv > 100",
    type: "calculated",
    rules: {
      match: "all",
      rules: [
        { property: "country", operator: "equals", value: "US" },
        { property: "ltv", operator: "gt", value: 100 },
      ],
    },
  });
  const loyal = await call("POST", "/groups", { name: "Loyal customers", type: "calculated", rules: { match: "all", rules: [{ property: "purchases", operator: "gte", value: 5 }] } });
  for (const created of [usBig, loyal]) await runEnds(call, created.run.id, `Filling the Group ${created.group.name}`);

  const { app: inspector } = await call("POST", "/apps", { name: "Inspector", plugin: "inspector", type: "inspector", options: {} });
  const inspected = await call("POST", "/destinations", {
    appId: inspector.id,
    type: "inspector",
    name: "US big spenders, as a sync would send them",
    groupId: usBig.group.id,
    syncMode: "sync",
    mapping: [
      { remote: "email", property: "email" },
      { remote: "first_name", property: "first_name" },
      { remote: "ltv", property: "ltv" },
    ],
    groupLists: [{ groupId: loyal.group.id, remote: "loyal" }],
  });
  const { app: webhook } = await call("POST", "/apps", { name: "Demo receiver", plugin: "webhook", type: "webhook", options: { url: `${receiverUrl}/groupflow`, secret: receiverSecret } });
  const posted = await call("POST", "/destinations", {
    appId: webhook.id,
    type: "webhook",
    name: "Loyal customers to the demo receiver",
    groupId: loyal.group.id,
    syncMode: "sync",
    mapping: [
      { remote: "email", property: "email" },
      { remote: "country", property: "country" },
      { remote: "purchases", property: "purchases" },
    ],
  });
  for (const created of [inspected, posted]) await runEnds(call, created.run.id, `Syncing ${created.destination.name}`);
  await exportsDrain(call);
  return `the demo workspace is filled: ${customers} sample customers, 2 Groups, 2 Destinations`;
}
