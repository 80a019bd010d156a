import mysql from "mysql2/promise";
import postgres from "postgres";
import { purchasesOf, user } from "../../plugins/sample/dataset";
import { FIXTURE_CUSTOMERS, FIXTURE_DATABASE, MYSQL_FIXTURE, POSTGRES_FIXTURE } from "./customer-databases";

/**
 * Vitest global setup (runs in Node, before the workerd tests): loads the benchmark-shaped
 * customers and purchases into the real PostgreSQL and MariaDB, from the same formulas as
 * shared/bench/dataset.sql, so plugin tests read real databases holding known values.
 */
function rows() {
  const users = [];
  const purchases = [];
  for (let u = 1; u <= FIXTURE_CUSTOMERS; u++) {
    users.push(user(u));
    purchases.push(...purchasesOf(u));
  }
  return { users, purchases };
}

/** What a loaded fixture holds, to leave an already loaded database alone (runs may overlap). */
const expected = (data: ReturnType<typeof rows>) => ({
  users: data.users.length,
  purchases: data.purchases.length,
  cents: data.purchases.reduce((sum, p) => sum + Math.round(Number(p.amount) * 100), 0),
});

const chunks = <T>(list: T[], size: number) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

async function loadPostgres(data: ReturnType<typeof rows>) {
  const admin = postgres({ ...POSTGRES_FIXTURE, database: "postgres", onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${FIXTURE_DATABASE}`;
  if (!exists) await admin.unsafe(`create database ${FIXTURE_DATABASE}`);
  await admin.end();
  const sql = postgres({ ...POSTGRES_FIXTURE, onnotice: () => {} });
  const want = expected(data);
  const [have] = await sql`
    select (select count(*) from users)::int as users, count(*)::int as purchases, coalesce(sum(amount * 100), 0)::bigint as cents
    from purchases`.catch(() => [null]);
  if (have && have.users === want.users && have.purchases === want.purchases && Number(have.cents) === want.cents) return sql.end();
  await sql.unsafe(`
    drop table if exists purchases; drop table if exists users;
    create table users (id bigint primary key, email text not null unique, first_name text, last_name text, country text,
      created_at timestamptz not null, updated_at timestamptz not null);
    create table purchases (id bigint primary key, user_id bigint not null references users(id), amount numeric(10,2) not null,
      created_at timestamptz not null);
    create index purchases_user_id_idx on purchases(user_id);
    create index users_updated_at_idx on users(updated_at);`);
  for (const part of chunks(data.users, 1000)) await sql`insert into users ${sql(part as never)}`;
  for (const part of chunks(data.purchases, 1000)) await sql`insert into purchases ${sql(part as never)}`;
  await sql.end();
}

async function loadMysql(data: ReturnType<typeof rows>) {
  const admin = await mysql.createConnection({ ...MYSQL_FIXTURE, database: undefined });
  await admin.query(`create database if not exists ${FIXTURE_DATABASE}`);
  await admin.end();
  const db = await mysql.createConnection({ ...MYSQL_FIXTURE, multipleStatements: true });
  const want = expected(data);
  const have = await db
    .query("select (select count(*) from users) as users, count(*) as purchases, coalesce(sum(amount * 100), 0) as cents from purchases")
    .then(([result]) => (result as { users: number; purchases: number; cents: string }[])[0])
    .catch(() => null);
  if (have && Number(have.users) === want.users && Number(have.purchases) === want.purchases && Number(have.cents) === want.cents) return db.end();
  await db.query(`
    drop table if exists purchases; drop table if exists users;
    create table users (id bigint primary key, email varchar(255) not null unique, first_name varchar(100), last_name varchar(100),
      country varchar(2), created_at datetime(3) not null, updated_at datetime(3) not null, index users_updated_at_idx (updated_at));
    create table purchases (id bigint primary key, user_id bigint not null, amount decimal(10,2) not null, created_at datetime(3) not null,
      index purchases_user_id_idx (user_id), foreign key (user_id) references users(id));`);
  const mysqlTime = (iso: unknown) => String(iso).replace("T", " ").replace("Z", "");
  for (const part of chunks(data.users, 1000)) {
    await db.query("insert into users (id, email, first_name, last_name, country, created_at, updated_at) values ?", [
      part.map((u) => [u.id, u.email, u.first_name, u.last_name, u.country, mysqlTime(u.created_at), mysqlTime(u.updated_at)]),
    ]);
  }
  for (const part of chunks(data.purchases, 1000)) {
    await db.query("insert into purchases (id, user_id, amount, created_at) values ?", [part.map((p) => [p.id, p.user_id, p.amount, mysqlTime(p.created_at)])]);
  }
  await db.end();
}

export default async function setup() {
  const data = rows();
  await Promise.all([loadPostgres(data), loadMysql(data)]);
}
