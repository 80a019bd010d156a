// Events benchmark: imports people through the API, puts each in a calculated Group with one event,
// then measures
//  1. arrival to delivery: events sent at a steady pace, each about someone already in the Group,
//     timed from their POST until a local receiver gets them from a webhook Destination that
//     forwards events only (p50, p95, p99), each checked to arrive once with the Record's mapped fields;
//  2. sustained ingestion: events per second that POST /api/v1/events accepts from 50 concurrent
//     clients, 100 events per request and then one, and how long the live lane takes to apply them.
// Usage: npm run bench:events
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { open, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import path from "node:path";
import { answer, readBody } from "../../test/fakes/http.mjs";
import { memoryTmpdir, perSecond, RESULTS, seconds, sleep, withApi } from "./support.mjs";

const PEOPLE = 1_000;
const PROBES = 300;
const PROBES_PER_SECOND = 10;
/** How long after the last probe is answered its forward may still arrive before it counts as missing. */
const DELIVERY_GRACE_MS = 60_000;
const CLIENTS = 50;
const INGEST_MS = 20_000;
const BATCH = 100;
/**
 * How long Imports may wait with no hydration batch logged before the live lane counts as stalled:
 * locally a batch of its queue has been seen never to finish, and nothing behind it then moves.
 */
const STALL_MS = 60_000;
/** Enough of the end of the Worker's log to hold its last hydration batch while the lane is moving. */
const LOG_TAIL_BYTES = 256 * 1024;
/** Longest an events POST may go unanswered: well past what a loaded local Worker takes, short of hanging the phase. */
const REQUEST_TIMEOUT_MS = 30_000;
// The local runtime now and then leaves a request unanswered until another one arrives; a poll
// asked again soon gets both answered instead of waiting out a long timeout.
const READ_TIMEOUT_MS = 5_000;
const READ_ATTEMPTS = 10;
const POLL_MS = 500;
const AIM_P95_MS = 2_000;
const SECRET = "bench-receiver-signing-secret";
const CART = "cart_abandoned";
const CLOCK_TICKS_PER_SECOND = 100;

const externalIdOf = (i) => `person-${String(i).padStart(5, "0")}`;
const personOf = (i) => ({ external_id: externalIdOf(i), email: `person${i}@example.com`, plan: ["free", "team", "business"][i % 3] });

/** Nearest-rank percentile. */
function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
const spread = (values) => ({ p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: percentile(values, 100) });
const countBy = (keys) => keys.reduce((counts, key) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 }), {});

/** Busy clock ticks of the whole machine, and of this process with everything it started (the Worker among them). */
function busyTicks() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const processes = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised name, from the state on: ppid at 1; utime, stime, cutime and cstime at 11 to 14.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
      processes.push({ pid: Number(pid), ppid: fields[1], ticks: fields[11] + fields[12] + fields[13] + fields[14] });
    } catch {
      // It ended while being read.
    }
  }
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of processes) {
      if (!ours.has(p.pid) && ours.has(p.ppid)) {
        ours.add(p.pid);
        grew = true;
      }
    }
  }
  return { machine: user + nice + system + irq + softirq + steal, ours: processes.filter((p) => ours.has(p.pid)).reduce((n, p) => n + p.ticks, 0) };
}

/**
 * Starts measuring how much of the machine other processes take; the function it answers gives that
 * share in percent. On a shared two-core machine other work moves every figure here.
 */
function otherLoad() {
  if (!existsSync("/proc/stat")) return () => null;
  const before = busyTicks();
  const started = performance.now();
  return () => {
    const after = busyTicks();
    const capacity = ((performance.now() - started) / 1000) * CLOCK_TICKS_PER_SECOND * availableParallelism();
    return Math.max(0, Math.round((100 * (after.machine - before.machine - (after.ours - before.ours))) / capacity));
  };
}

/** A receiver noting when each forwarded event arrived; the signature is not checked, only timing and content matter here. */
async function startReceiver() {
  const arrivals = [];
  let requests = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const at = Date.now();
    requests += 1;
    for (const delivery of JSON.parse(body).deliveries ?? []) arrivals.push({ at, delivery });
    answer(res, 200, { received: true });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, arrivals, requests: () => requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** POST /api/v1/events with an API key: the status, the parsed body and how long the request took. */
async function postEvents(api, key, body) {
  const started = performance.now();
  const response = await fetch(`${api.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { text: text.slice(0, 200) };
  }
  return { status: response.status, ok: response.ok, body: parsed, ms: performance.now() - started };
}

/** The local runtime stopped doing its work: the live lane no longer hydrates, or the Worker no longer answers. */
class RuntimeStopped extends Error {}

const failureOf = (error) => `network: ${error.cause?.code ?? error.message}`;

/** GETs from /api/v1 with a read-only API key, asking again when the local runtime leaves one unanswered. */
function reader(api, key) {
  const read = async (route) => {
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await fetch(`${api.url}/api/v1${route}`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
      } catch (error) {
        if (error.name !== "TimeoutError") throw error;
        if (attempt >= READ_ATTEMPTS) throw new RuntimeStopped(`the Worker no longer answers: GET ${route} went unanswered ${READ_ATTEMPTS} times in a row`);
        read.unanswered += 1;
        continue;
      }
      const text = await response.text();
      if (response.ok) return JSON.parse(text);
      throw new Error(`GET ${route} answered ${response.status}: ${text}`);
    }
  };
  read.unanswered = 0;
  return read;
}

/**
 * The workspace: an API & webhooks Source giving `external_id` (unique), `email` and `plan`; an
 * Events Source computing `abandoned_carts` and `last_abandoned_cart_at`; the calculated Group
 * "abandoned a cart in the last 7 days"; a key that may only send events, and one to follow progress.
 */
async function configure(call) {
  await call("PATCH", "/workspace", { allowPrivateDestinations: true });
  const { app: push } = await call("POST", "/apps", { name: "Our backend", plugin: "push", type: "push" });
  const { source: pushed } = await call("POST", "/sources", { appId: push.id, name: "Pushed", type: "push" });
  for (const definition of [
    { key: "external_id", type: "string", unique: true, column: "external_id" },
    { key: "email", type: "string", column: "email" },
    { key: "plan", type: "string", column: "plan" },
  ]) {
    await call("POST", "/properties", { sourceId: pushed.id, ...definition });
  }
  const { app: eventsApp } = await call("POST", "/apps", { name: "Our events", plugin: "events", type: "events" });
  const { source: eventsSource } = await call("POST", "/sources", { appId: eventsApp.id, name: "Events", type: "events" });
  const abandoned = [{ column: "name", op: "eq", value: CART }];
  for (const definition of [
    { key: "abandoned_carts", type: "integer", column: "name", aggregation: "count", filters: abandoned },
    { key: "last_abandoned_cart_at", type: "date", column: "occurred_at", aggregation: "max", filters: abandoned },
  ]) {
    await call("POST", "/properties", { sourceId: eventsSource.id, ...definition });
  }
  const { group } = await call("POST", "/groups", {
    name: "Abandoned a cart in the last 7 days",
    type: "calculated",
    rules: { match: "all", rules: [{ property: "last_abandoned_cart_at", operator: "in_last", amount: 7, unit: "days" }] },
  });
  const { secret: eventsKey } = await call("POST", "/api-keys", { name: "Bench events", scopes: ["write:events"] });
  const { secret: readKey } = await call("POST", "/api-keys", { name: "Bench progress", scopes: ["read:imports", "read:exports"] });
  return { groupId: group.id, eventsKey, readKey };
}

/** When the Worker last logged a hydration batch, read from the end of its log; 0 if not that recently. */
async function lastHydratedAt(logPath) {
  const file = await open(logPath);
  try {
    const { size } = await file.stat();
    const length = Math.min(size, LOG_TAIL_BYTES);
    const { buffer } = await file.read(Buffer.alloc(length), 0, length, size - length);
    const times = [...buffer.toString("utf8").matchAll(/"msg":"hydrated batch","time":"([^"]+)"/g)];
    return times.length ? Date.parse(times.at(-1)[1]) : 0;
  } finally {
    await file.close();
  }
}

/** Waits until no Import is waiting for hydration, answering how long that took; throws RuntimeStopped if hydration stops. */
async function importsSettle(read, logPath) {
  const started = Date.now();
  for (;;) {
    const [pending, associated] = await Promise.all(["pending", "associated"].map((state) => read(`/imports?state=${state}&limit=1`)));
    if (!pending.imports.length && !associated.imports.length) return Date.now() - started;
    const idleMs = Date.now() - Math.max(started, await lastHydratedAt(logPath));
    if (idleMs > STALL_MS) throw new RuntimeStopped(`the live lane stalled: Imports waited ${seconds(idleMs)} s with no hydration batch; the newest still waiting arrived at ${pending.imports[0]?.createdAt ?? associated.imports[0]?.createdAt}`);
    await sleep(POLL_MS);
  }
}

/** Every page of a listing, following nextCursor. */
async function everyPage(read, route, field) {
  const rows = [];
  let cursor = null;
  do {
    const page = await read(`${route}${route.includes("?") ? "&" : "?"}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    rows.push(...page[field]);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

/** Imports the people and answers each one's Record id by external_id. */
async function importPeople(call, read, logPath) {
  const people = Array.from({ length: PEOPLE }, (_, i) => personOf(i));
  const { importIds } = await call("POST", "/imports", people);
  await importsSettle(read, logPath);
  const recordOfImport = new Map((await everyPage(read, "/imports", "imports")).map((i) => [i.id, i.recordId]));
  return new Map(people.map((p, i) => [p.external_id, recordOfImport.get(importIds[i])]));
}

/** One abandoned cart for everyone, so each Record is in the Group before any probe is sent. */
async function enterEveryoneInGroup(api, eventsKey) {
  for (let from = 0; from < PEOPLE; from += BATCH) {
    const events = Array.from({ length: Math.min(BATCH, PEOPLE - from) }, (_, j) => ({ name: CART, identity: { external_id: externalIdOf(from + j) }, data: { cart_value: 10 } }));
    const sent = await postEvents(api, eventsKey, events);
    if (!sent.ok) throw new Error(`the warm-up events answered ${sent.status}: ${JSON.stringify(sent.body)}`);
  }
}

/** The webhook Destination forwarding abandoned carts, and nothing of the Records themselves, for the Group's members. */
async function forwardingDestination(call, receiver, groupId) {
  const { app } = await call("POST", "/apps", { name: "Bench receiver", plugin: "webhook", type: "webhook", options: { url: `${receiver.url}/hooks`, secret: SECRET } });
  const { destination } = await call("POST", "/destinations", {
    appId: app.id,
    type: "webhook",
    name: "Abandoned carts to the receiver",
    groupId,
    sendRecords: false,
    eventNames: ["cart_*"],
    mapping: [
      { remote: "id", property: "external_id" },
      { remote: "email", property: "email" },
      { remote: "plan", property: "plan" },
      { remote: "carts", property: "abandoned_carts" },
    ],
  });
  return destination;
}

/**
 * Sends one abandoned cart each to PROBES different people, PROBES_PER_SECOND a second on a fixed
 * schedule (a slow answer does not delay the next), and waits for their forwards.
 */
async function sendProbes(api, eventsKey, receiver) {
  const probes = [];
  const answered = [];
  const started = Date.now();
  for (let i = 0; i < PROBES; i++) {
    await sleep(started + (i * 1000) / PROBES_PER_SECOND - Date.now());
    const probe = { index: i, externalId: externalIdOf(i), sentAt: Date.now(), eventId: null, status: null };
    probes.push(probe);
    answered.push(
      postEvents(api, eventsKey, { name: CART, identity: { external_id: probe.externalId }, data: { probe: i, cart_value: 25 } }).then(
        (sent) => Object.assign(probe, { status: sent.status, eventId: sent.ok ? sent.body.eventIds[0] : null }),
        (error) => Object.assign(probe, { status: failureOf(error) }),
      ),
    );
  }
  await Promise.all(answered);
  const allAnswered = Date.now();
  const expected = new Set(probes.flatMap((p) => (p.eventId ? [p.eventId] : [])));
  const arrived = () => new Set(receiver.arrivals.map((a) => a.delivery.event_id).filter((id) => expected.has(id))).size;
  while (arrived() < expected.size && Date.now() - allAnswered < DELIVERY_GRACE_MS) await sleep(200);
  // A forward sent twice would come soon after the first; give it a moment to show.
  await sleep(2_000);
  return { probes, sendingSeconds: seconds(probes.at(-1).sentAt - started) };
}

/** What is wrong with one probe's forward, given the Record it is about; the count includes the warm-up's cart and this one. */
function problemsOf(probe, delivery, recordId) {
  const person = personOf(probe.index);
  const expected = { id: person.external_id, email: person.email, plan: person.plan, carts: 2 };
  const problems = [];
  if (delivery.type !== "event" || delivery.name !== CART) problems.push(`type ${delivery.type}, name ${delivery.name}`);
  if (delivery.record_id !== recordId) problems.push(`record_id ${delivery.record_id}, expected ${recordId}`);
  if (delivery.data?.probe !== probe.index) problems.push(`data ${JSON.stringify(delivery.data)}`);
  const fields = delivery.record ?? {};
  if (Object.keys(fields).length !== Object.keys(expected).length || Object.entries(expected).some(([k, v]) => fields[k] !== v)) {
    problems.push(`record ${JSON.stringify(fields)}, expected ${JSON.stringify(expected)}`);
  }
  return problems;
}

/**
 * Checks each accepted probe's forward (arrived once, about the right Record, with its fields after
 * the event) and splits its time at the Export's creation, when the Record's object had settled it.
 */
function checkForwards(probes, arrivals, recordOf, exportsByEvent) {
  const byEvent = new Map();
  for (const arrival of arrivals) byEvent.set(arrival.delivery.event_id, [...(byEvent.get(arrival.delivery.event_id) ?? []), arrival]);
  const accepted = probes.filter((p) => p.eventId);
  const latencies = [];
  const untilDecided = [];
  const decidedToReceived = [];
  const wrong = [];
  let missing = 0;
  let twice = 0;
  for (const probe of accepted) {
    const received = byEvent.get(probe.eventId) ?? [];
    if (!received.length) {
      missing += 1;
      continue;
    }
    if (received.length > 1) twice += 1;
    const [{ at, delivery }] = received;
    latencies.push(at - probe.sentAt);
    const decidedAt = Date.parse(exportsByEvent.get(probe.eventId)?.createdAt);
    if (decidedAt) {
      untilDecided.push(decidedAt - probe.sentAt);
      decidedToReceived.push(at - decidedAt);
    }
    const problems = problemsOf(probe, delivery, recordOf.get(probe.externalId));
    if (problems.length) wrong.push(`${probe.externalId} (${probe.eventId}): ${problems.join("; ")}`);
  }
  const acceptedIds = new Set(accepted.map((p) => p.eventId));
  return {
    accepted: accepted.length,
    notAccepted: countBy(probes.filter((p) => !p.eventId).map((p) => String(p.status))),
    latencies,
    untilDecided,
    decidedToReceived,
    wrong,
    missing,
    twice,
    unexpected: arrivals.filter((a) => !acceptedIds.has(a.delivery.event_id)).length,
  };
}

const QUEUE_LINE = /QUEUE (\S+) (\d+)\/\d+ \((\d+)ms\)/;
const ANSI = /\x1b\[[0-9;]*m/g;

/** The local runtime's own errors (not the Worker's), by message: e.g. running out of file descriptors. */
function runtimeErrors(lines) {
  const messages = lines.flatMap((line) => {
    const plain = line.replace(ANSI, "");
    return plain.startsWith("✘ [ERROR] ") ? [plain.slice("✘ [ERROR] ".length, 140)] : [];
  });
  return countBy(messages);
}

/**
 * The Worker's own account of a stretch of time, from its log: its time per POST /events, how long
 * statements waited for the local database, hydration batches by phase, and each queue's batches and
 * the runtime's errors (logged without a time, so taken from between the first and last timed lines).
 */
function workerAccount(lines, from, to) {
  const timed = lines.map((line) => {
    if (!line.startsWith("{") && !line.includes('{"level"')) return null;
    try {
      const entry = JSON.parse(line.slice(line.indexOf("{"), line.lastIndexOf("}") + 1));
      const time = Date.parse(entry.time);
      return time >= from && time <= to ? entry : null;
    } catch {
      return null;
    }
  });
  const first = timed.findIndex(Boolean);
  const last = timed.findLastIndex(Boolean);
  const entries = timed.filter(Boolean);
  const batches = entries.filter((e) => e.msg === "hydrated batch");
  const phases = {};
  for (const batch of batches) for (const [phase, ms] of Object.entries(batch.ms)) (phases[phase] ??= []).push(ms);
  const slow = entries.filter((e) => e.msg === "slow database call");
  const queues = {};
  const stretch = first < 0 ? [] : lines.slice(first, last + 1);
  for (const line of stretch) {
    const match = QUEUE_LINE.exec(line);
    if (match) (queues[match[1]] ??= []).push({ messages: Number(match[2]), ms: Number(match[3]) });
  }
  return {
    eventRequestMs: spread(entries.filter((e) => e.msg === "request" && e.path === "/api/v1/events").map((e) => e.durationMs)),
    slowDatabaseCalls: { count: slow.length, maxMs: slow.reduce((max, e) => Math.max(max, e.ms), 0), maxSqlMs: slow.reduce((max, e) => Math.max(max, e.sqlMs ?? 0), 0) },
    hydratedBatches: batches.length,
    importsPerBatch: percentile(batches.map((b) => b.imports), 50),
    hydrationBatchMs: spread(batches.map((b) => Object.values(b.ms).reduce((a, c) => a + c, 0))),
    hydrationPhaseMsMedian: Object.fromEntries(Object.entries(phases).map(([phase, values]) => [phase, percentile(values, 50)])),
    queueBatches: Object.fromEntries(
      Object.entries(queues).map(([queue, seen]) => [queue, { batches: seen.length, messagesMedian: percentile(seen.map((s) => s.messages), 50), msMedian: percentile(seen.map((s) => s.ms), 50), msMax: percentile(seen.map((s) => s.ms), 100) }]),
    ),
    failedQueueMessages: entries.filter((e) => e.msg === "queue message failed").length,
    runtimeErrors: runtimeErrors(stretch),
  };
}

const workerLog = async (logPath, from, to) => workerAccount((await readFile(logPath, "utf8")).split("\n"), from, to);

async function latency(api, call, read, eventsKey, receiver, recordOf, groupId, logPath) {
  const destination = await forwardingDestination(call, receiver, groupId);
  const from = Date.now();
  const others = otherLoad();
  const { probes, sendingSeconds } = await sendProbes(api, eventsKey, receiver);
  const otherProcessesPercent = others();
  const worker = await workerLog(logPath, from, Date.now());
  const exported = await everyPage(read, `/exports?destinationId=${destination.id}`, "exports");
  const checked = checkForwards(probes, receiver.arrivals, recordOf, new Map(exported.map((e) => [e.event?.id, e])));
  const total = spread(checked.latencies);
  const result = {
    probes: PROBES,
    perSecond: PROBES_PER_SECOND,
    sendingSeconds,
    accepted: checked.accepted,
    notAccepted: checked.notAccepted,
    received: checked.latencies.length,
    missing: checked.missing,
    receivedTwice: checked.twice,
    unexpected: checked.unexpected,
    wrong: checked.wrong,
    ms: total,
    untilDecidedMs: spread(checked.untilDecided),
    decidedToReceivedMs: spread(checked.decidedToReceived),
    receiverRequests: receiver.requests(),
    exportStates: countBy(exported.map((e) => e.state)),
    otherProcessesPercent,
    worker,
  };
  result.ok = checked.missing === 0 && checked.twice === 0 && checked.unexpected === 0 && checked.wrong.length === 0;
  result.aimMet = result.ok && total.p95 !== null && total.p95 < AIM_P95_MS;
  const notAccepted = Object.entries(checked.notAccepted).map(([status, n]) => `${n} × ${status}`);
  console.log(
    `latency: ${result.received} of ${checked.accepted} accepted events forwarded (${result.missing} missing, ${result.receivedTwice} twice, ${result.unexpected} unexpected, ${result.wrong.length} wrong` +
      `${notAccepted.length ? `; not accepted: ${notAccepted.join(", ")}` : ""}); p50 ${total.p50} ms, p95 ${total.p95} ms, p99 ${total.p99} ms, max ${total.max} ms; other processes used ${otherProcessesPercent}% of the machine`,
  );
  console.log(`  POST until the Export was decided: p50 ${result.untilDecidedMs.p50} ms, p95 ${result.untilDecidedMs.p95} ms; from then to the receiver: p50 ${result.decidedToReceivedMs.p50} ms, p95 ${result.decidedToReceivedMs.p95} ms`);
  console.log(`  hydration batches: ${worker.hydratedBatches} of ${worker.importsPerBatch} Import(s), ${worker.hydrationBatchMs.p50} ms median (${JSON.stringify(worker.hydrationPhaseMsMedian)}); queue batches: ${JSON.stringify(worker.queueBatches)}; the runtime's errors: ${JSON.stringify(worker.runtimeErrors)}`);
  for (const line of result.wrong.slice(0, 20)) console.log(`  WRONG ${line}`);
  return result;
}

/**
 * CLIENTS clients, each posting `perRequest` events a request back to back for INGEST_MS. The rate
 * counts only events a 2xx accepted within the window: one request the local server holds for
 * seconds past it would otherwise stretch the window for all the clients already done.
 */
async function ingest(api, eventsKey, perRequest, logPath) {
  let next = 0;
  const pageView = () => ({ name: "page_viewed", identity: { external_id: externalIdOf(next++ % PEOPLE) }, data: { path: "/pricing" } });
  const requestMs = [];
  const errors = [];
  let requests = 0;
  let accepted = 0;
  let acceptedInWindow = 0;
  const from = Date.now();
  const others = otherLoad();
  const started = performance.now();
  const deadline = started + INGEST_MS;
  const client = async () => {
    while (performance.now() < deadline) {
      const events = Array.from({ length: perRequest }, pageView);
      requests += 1;
      try {
        const sent = await postEvents(api, eventsKey, perRequest === 1 ? events[0] : events);
        requestMs.push(Math.round(sent.ms));
        if (sent.ok) {
          accepted += sent.body.stored;
          if (performance.now() <= deadline) acceptedInWindow += sent.body.stored;
        } else errors.push(`${sent.status}: ${String(sent.body.error?.message ?? sent.body.text ?? "").slice(0, 60)}`);
      } catch (error) {
        errors.push(failureOf(error));
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const result = {
    perRequest,
    clients: CLIENTS,
    seconds: seconds(INGEST_MS),
    lastAnswerSeconds: seconds(performance.now() - started),
    requests,
    eventsAccepted: accepted,
    eventsPerSecond: perSecond(acceptedInWindow, INGEST_MS),
    requestMs: spread(requestMs),
    errors: countBy(errors),
    otherProcessesPercent: others(),
    worker: await workerLog(logPath, from, Date.now()),
  };
  const { worker } = result;
  console.log(
    `ingestion, ${perRequest} per request: ${result.eventsPerSecond} events/s accepted over ${result.seconds} s (${accepted} in all, the last answer after ${result.lastAnswerSeconds} s) from ${requests} requests, ` +
      `p50 ${result.requestMs.p50} ms, p95 ${result.requestMs.p95} ms; errors ${JSON.stringify(result.errors)}; other processes used ${result.otherProcessesPercent}% of the machine`,
  );
  console.log(
    `  in the Worker: p50 ${worker.eventRequestMs.p50} ms, p95 ${worker.eventRequestMs.p95} ms per request; ${worker.slowDatabaseCalls.count} statements waited over a second for the local database ` +
      `(up to ${worker.slowDatabaseCalls.maxMs} ms, running at most ${worker.slowDatabaseCalls.maxSqlMs} ms); the runtime's errors: ${JSON.stringify(worker.runtimeErrors)}`,
  );
  return result;
}

/** How long the live lane took, after a phase's last answer, to apply every event it had accepted. */
async function drain(read, logPath, phase) {
  const ms = await importsSettle(read, logPath);
  phase.drainSeconds = seconds(ms);
  phase.appliedPerSecond = perSecond(phase.eventsAccepted, phase.lastAnswerSeconds * 1000 + ms);
  console.log(`  the live lane had applied them ${phase.drainSeconds} s after the last answer (${phase.appliedPerSecond} events/s from the phase's start)`);
}

/** Runs every phase in turn; a runtime that stops ends the run, keeping what finished, as nothing after it would be comparable. */
async function bench() {
  const receiver = await startReceiver();
  try {
    return await withApi({ logName: `wrangler-events-${PEOPLE}.log`, stateParent: memoryTmpdir() }, async ({ api, call, logPath }) => {
      const result = { people: PEOPLE, ingestion: {} };
      const { groupId, eventsKey, readKey } = await configure(call);
      const read = reader(api, readKey);
      try {
        const started = performance.now();
        const recordOf = await importPeople(call, read, logPath);
        await enterEveryoneInGroup(api, eventsKey);
        await importsSettle(read, logPath);
        console.log(`${PEOPLE} people imported, each with one abandoned cart, in ${seconds(performance.now() - started)} s`);
        result.latency = await latency(api, call, read, eventsKey, receiver, recordOf, groupId, logPath);
        // Ingestion starts with nothing left to hydrate, so each phase is timed on its own.
        await importsSettle(read, logPath);
        // Batches first: single-event requests are the ones that have exhausted the local runtime's file descriptors.
        for (const [phase, perRequest] of [["batched", BATCH], ["single", 1]]) {
          result.ingestion[phase] = await ingest(api, eventsKey, perRequest, logPath);
          await drain(read, logPath, result.ingestion[phase]);
        }
      } catch (error) {
        if (!(error instanceof RuntimeStopped)) throw error;
        result.stopped = { reason: error.message, runtimeErrors: runtimeErrors((await readFile(logPath, "utf8")).split("\n")) };
        console.log(`STOPPED: ${error.message}; the runtime's errors: ${JSON.stringify(result.stopped.runtimeErrors)}; see ${logPath}`);
      }
      result.unansweredReads = read.unanswered;
      await writeFile(path.join(RESULTS, `events-${PEOPLE}.json`), JSON.stringify(result, null, 2) + "\n");
      return result;
    });
  } finally {
    await receiver.close();
  }
}

function print(r) {
  const phases = Object.values(r.ingestion);
  if (phases.length) {
    console.log(`\n| Ingestion, ${CLIENTS} clients | Events accepted | Events/s over ${seconds(INGEST_MS)} s | Request p50 / p95 | Errors | Applied by the live lane | Other load |`);
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    for (const i of phases) {
      const errors = Object.values(i.errors).reduce((a, b) => a + b, 0);
      const applied = i.drainSeconds === undefined ? "stopped" : `${i.drainSeconds} s after the last answer (${i.appliedPerSecond}/s)`;
      console.log(`| ${i.perRequest} per request | ${i.eventsAccepted} | ${i.eventsPerSecond} | ${i.requestMs.p50} / ${i.requestMs.p95} ms | ${errors} of ${i.requests} requests | ${applied} | ${i.otherProcessesPercent}% |`);
    }
  }
  const l = r.latency;
  if (l) {
    console.log("\n| Forwarded events | Received once | Wrong | p50 | p95 | p99 | Until decided (p50 / p95) | Other load |");
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
    console.log(`| ${l.accepted} at ${l.perSecond}/s | ${l.received - l.receivedTwice} of ${l.accepted} | ${l.wrong.length} | ${l.ms.p50} ms | ${l.ms.p95} ms | ${l.ms.p99} ms | ${l.untilDecidedMs.p50} / ${l.untilDecidedMs.p95} ms | ${l.otherProcessesPercent}% |`);
    console.log(`\nAim, p95 under ${AIM_P95_MS / 1000} s from arrival to delivery for a Record that already exists: ${l.aimMet ? "met" : "NOT met"} (p95 ${seconds(l.ms.p95)} s)`);
  }
  if (r.stopped) console.log(`\nThe local runtime stopped: ${r.stopped.reason}`);
}

try {
  const result = await bench();
  print(result);
  process.exit(result.latency?.ok && !result.stopped ? 0 : 1);
} catch (error) {
  console.error(error.stack ?? error);
  process.exit(1);
}
