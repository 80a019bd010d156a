import type { OptionSpec } from "../contract";

/**
 * The options every SQL database plugin shows in the same words, so a person meets the same form
 * for PostgreSQL and MySQL. Each plugin keeps its own zod schema, since identifier rules differ.
 */
export function connectionOptionSpecs(defaultPort: number): OptionSpec[] {
  return [
    { key: "host", label: "Host", kind: "string", required: true, placeholder: "db.example.com" },
    { key: "port", label: "Port", kind: "number", required: false, default: defaultPort },
    { key: "database", label: "Database", kind: "string", required: true },
    { key: "user", label: "User", kind: "string", required: true, description: "An account that may only read is enough for Sources, which never write; a table Destination needs to write its tables" },
    { key: "password", label: "Password", kind: "string", required: false, secret: true },
    {
      key: "ssl",
      label: "TLS",
      kind: "select",
      required: false,
      default: "require",
      choices: [
        { value: "require", label: "Require TLS" },
        { value: "disable", label: "No TLS (private networks only)" },
      ],
    },
  ];
}

export const TABLE_SOURCE_OPTIONS: OptionSpec[] = [
  { key: "table", label: "Table", kind: "select", required: true, dynamicChoices: true },
  {
    key: "columns",
    label: "Columns",
    kind: "string",
    required: false,
    dynamicChoices: true,
    description: "Only these columns, comma-separated; leave empty to read them all",
  },
];

export const QUERY_SOURCE_OPTIONS: OptionSpec[] = [
  {
    key: "query",
    label: "Query",
    kind: "sql",
    required: true,
    placeholder: "select sum(amount) as ltv from purchases where user_id = {{ user_id }}",
    description: "One SELECT; each {{ property_key }} is sent as a bound value, never pasted into the SQL",
  },
];
