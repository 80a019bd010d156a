import type { Row } from "../contract";

/**
 * Deterministic demo customers and purchases: the same formulas as the benchmark dataset
 * (shared/bench/dataset.sql), so a sample Source and a Postgres table loaded with that script hold
 * identical rows. Every value is a pure function of the row's id.
 */
const FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Chris", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Sofia", "Lucas"];
const LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young"];
const COUNTRY = ["US", "US", "US", "US", "GB", "DE", "FR", "CA", "BR", "IN", "JP", "AU", "MX", "ES", "US", "US", "US", "US", "NL", "SE"];

const EPOCH = Date.UTC(2020, 0, 1);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const U32 = 4294967296n;

const hash = (g: number, multiplier: bigint) => Number((BigInt(g) * multiplier) % U32);

export const USER_COLUMNS = ["id", "email", "first_name", "last_name", "country", "created_at", "updated_at"] as const;
export const PURCHASE_COLUMNS = ["id", "user_id", "amount", "created_at"] as const;

export function user(g: number): Row {
  const createdAt = EPOCH + g * 37 * SECOND;
  return {
    id: g,
    email: `user${g}@example.com`,
    first_name: FIRST[hash(g, 2654435761n) % 32],
    last_name: LAST[Math.floor(hash(g, 2246822519n) / 7) % 32],
    country: COUNTRY[Math.floor(hash(g, 3266489917n) / 13) % 20],
    created_at: new Date(createdAt).toISOString(),
    updated_at: new Date(createdAt + (hash(g, 668265263n) % 100000) * MINUTE).toISOString(),
  };
}

export const purchaseCount = (u: number) => 1 + ((u * 7) % 5);

/** Purchase ids are dense 1..3N in (user, k) order, so the first id of user u is one past all earlier users' purchases. */
export function firstPurchaseId(u: number): number {
  // c(v) cycles through 3,5,2,4,1 (period 5, sum 15) as v = 1,2,3,4,5, ...
  const cycle = [3, 5, 2, 4, 1];
  const before = u - 1;
  let id = Math.floor(before / 5) * 15;
  for (let i = 0; i < before % 5; i++) id += cycle[i]!;
  return id + 1;
}

export function purchasesOf(u: number): Row[] {
  const rows: Row[] = [];
  const first = firstPurchaseId(u);
  for (let k = 1; k <= purchaseCount(u); k++) {
    const cents = Number(((BigInt(u) * 2654435761n + BigInt(k) * 40503n) % U32) % 20000n);
    rows.push({
      id: first + k - 1,
      user_id: u,
      amount: (cents / 100).toFixed(2),
      created_at: new Date(EPOCH + u * 37 * SECOND + k * DAY).toISOString(),
    });
  }
  return rows;
}
