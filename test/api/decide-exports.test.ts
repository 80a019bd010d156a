import { describe, expect, it } from "vitest";
import { decideExports, payloadFor, type Decided, type DestinationPlan } from "../../worker/destinations/decide";
import { forwardEvents, subscribesTo } from "../../worker/destinations/forward-events";

const plan = (over: Partial<DestinationPlan> = {}): DestinationPlan => ({
  id: "dst_a",
  version: 1,
  groupId: "grp_us",
  syncMode: "sync",
  sendRecords: true,
  eventNames: [],
  fields: [
    { remote: "EMAIL", key: "email", type: "email", isArray: false, arrays: "list" },
    { remote: "LTV", key: "ltv", type: "float", isArray: false, arrays: "first" },
    { remote: "TAGS", key: "tags", type: "string", isArray: true, arrays: "join" },
  ],
  lists: [
    { groupId: "grp_vip", remote: "vip" },
    { groupId: "grp_us", remote: "us" },
  ],
  ...over,
});

const record = (values: Record<string, (string | null)[]>, groups: string[]) => ({ values, groups: new Set(groups) });
const ada = record({ email: ["ada@example.com"], ltv: ["150.5"], tags: ["b", null, "a"] }, ["grp_us", "grp_vip"]);

describe("deciding a Record's Exports", () => {
  it("builds the payload from the mapping: typed values, array Properties as the field takes them, single ones as one value, invalid values left out, lists sorted", () => {
    expect(payloadFor(plan(), ada)).toEqual({ fields: { EMAIL: "ada@example.com", LTV: 150.5, TAGS: "b, a" }, lists: ["us", "vip"] });
    const listed = plan({ fields: [{ remote: "tags", key: "tags", type: "string", isArray: true, arrays: "list" }, { remote: "phone", key: "phone", type: "phone", isArray: false, arrays: "list" }] });
    expect(payloadFor(listed, ada).fields).toEqual({ tags: ["b", "a"], phone: null });
  });

  it("creates an Export for a Record in the collection, and none when nothing it sends changed", () => {
    const first = decideExports([plan()], ada, {}, 1, 0);
    expect(first.exports).toEqual([{ destinationId: "dst_a", action: "upsert", old: null, new: payloadFor(plan(), ada), revision: 1, seq: 1 }]);
    const again = decideExports([plan()], record({ ...ada.values, unmapped: ["changed"] }, [...ada.groups]), first.decided, 2, 1);
    expect(again.exports).toEqual([]);
    expect(again.decided).toEqual(first.decided);
  });

  it("sends old and new payloads when a mapped value or a list changes", () => {
    const first = decideExports([plan()], ada, {}, 1, 0);
    const richer = record({ ...ada.values, ltv: ["200"] }, ["grp_us"]);
    const { exports } = decideExports([plan()], richer, first.decided, 2, 1);
    expect(exports).toHaveLength(1);
    expect(exports[0]!.old).toEqual({ fields: { EMAIL: "ada@example.com", LTV: 150.5, TAGS: "b, a" }, lists: ["us", "vip"] });
    expect(exports[0]!.new).toEqual({ fields: { EMAIL: "ada@example.com", LTV: 200, TAGS: "b, a" }, lists: ["us"] });
  });

  it("removes a Record that leaves a sync Destination's collection once, and keeps it in additive and enrich ones", () => {
    const sent = decideExports([plan()], ada, {}, 1, 0).decided;
    const gone = record(ada.values, ["grp_vip"]);
    const left = decideExports([plan()], gone, sent, 2, 1);
    expect(left.exports).toEqual([{ destinationId: "dst_a", action: "delete", old: sent.dst_a!.payload, new: sent.dst_a!.payload, revision: 2, seq: 2 }]);
    expect(decideExports([plan()], gone, left.decided, 3, 2).exports).toEqual([]);
    for (const syncMode of ["additive", "enrich"] as const) {
      expect(decideExports([plan({ syncMode })], gone, sent, 2, 1).exports).toEqual([]);
    }
  });

  it("tells apart a Record leaving and coming back at one revision, as Group changes by hand do", () => {
    const joined = decideExports([plan()], ada, {}, 1, 0);
    const left = decideExports([plan()], record(ada.values, ["grp_vip"]), joined.decided, 1, 1);
    const back = decideExports([plan()], ada, left.decided, 1, 1);
    expect([joined, left, back].map((d) => [d.exports[0]!.action, d.exports[0]!.seq])).toEqual([
      ["upsert", 1],
      ["delete", 2],
      ["upsert", 3],
    ]);
  });

  it("never creates anything for a Record that was not sent and is not in the collection", () => {
    expect(decideExports([plan()], record(ada.values, []), {}, 1, 0)).toEqual({ decided: {}, exports: [] });
  });

  it("sends updates only, never creates, in enrich mode; sends to every Record when the collection is everyone", () => {
    expect(decideExports([plan({ syncMode: "enrich" })], ada, {}, 1, 0).exports[0]!.action).toBe("update");
    expect(decideExports([plan({ groupId: null })], record(ada.values, []), {}, 1, 0).exports[0]!.action).toBe("upsert");
  });

  it("makes a decision whose write was lost again, unchanged and at its own revision", () => {
    const first = decideExports([plan()], ada, {}, 1, 0);
    // D1 still holds revision 0: the batch that carried revision 1 and its Export never landed.
    const retried = decideExports([plan()], ada, first.decided, 2, 0);
    expect(retried.exports).toEqual(first.exports);
    expect(decideExports([plan()], ada, first.decided, 2, 1).exports).toEqual([]);
  });

  it("forgets Destinations that are gone", () => {
    const sent = decideExports([plan(), plan({ id: "dst_b" })], ada, {}, 1, 0).decided;
    expect(Object.keys(sent).sort()).toEqual(["dst_a", "dst_b"]);
    expect(Object.keys(decideExports([plan({ id: "dst_b" })], ada, sent as Record<string, Decided>, 2, 1).decided)).toEqual(["dst_b"]);
  });
});

describe("deciding which Destinations an event is forwarded to", () => {
  const event = (name: string) => ({ id: `evt_${name}`, name, occurredAt: "2026-11-20T10:00:00.000Z", data: { cart_items: ["red shirt"] } });

  it("matches exact names and prefixes ending in *", () => {
    expect(subscribesTo(["cart_abandoned"], "cart_abandoned")).toBe(true);
    expect(subscribesTo(["cart_abandoned"], "cart_abandoned_twice")).toBe(false);
    expect(subscribesTo(["cart_*"], "cart_abandoned")).toBe(true);
    expect(subscribesTo(["cart_*"], "plan_upgraded")).toBe(false);
    expect(subscribesTo(["*"], "anything")).toBe(true);
    expect(subscribesTo([], "cart_abandoned")).toBe(false);
  });

  it("forwards subscribed events with the Record's mapped fields, only to Destinations holding the Record", () => {
    const plans = [plan({ eventNames: ["cart_*"] }), plan({ id: "dst_vip_only", groupId: "grp_none", eventNames: ["*"] }), plan({ id: "dst_no_events" })];
    const forwards = forwardEvents(plans, ada, [event("cart_abandoned"), event("page_viewed")]);
    expect(forwards).toEqual([{ destinationId: "dst_a", event: event("cart_abandoned"), payload: payloadFor(plan(), ada) }]);
  });

  it("decides no Record Exports for a Destination that only receives events, and still forwards to it", () => {
    const eventsOnly = plan({ sendRecords: false, eventNames: ["cart_abandoned"] });
    expect(decideExports([eventsOnly], ada, {}, 1, 0).exports).toEqual([]);
    expect(forwardEvents([eventsOnly], ada, [event("cart_abandoned")])).toHaveLength(1);
  });
});
