/** Where the customer-database fixture lives; shared by the global setup and the tests. */
export const FIXTURE_DATABASE = "groupflow_fixture";
export const FIXTURE_CUSTOMERS = 1500;

export const POSTGRES_FIXTURE = { host: "127.0.0.1", port: 5432, user: "postgres", password: "", database: FIXTURE_DATABASE } as const;
export const MYSQL_FIXTURE = { host: "127.0.0.1", port: 3306, user: "root", password: "", database: FIXTURE_DATABASE } as const;
