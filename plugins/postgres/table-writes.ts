import { qualified, quoteIdent } from "./identifiers";

/*
 * Every statement takes its rows as one JSON parameter, read as the table's own row type by
 * jsonb_populate_record(set): PostgreSQL converts each value with the column's type, so numbers,
 * booleans, ISO dates and lists land as they should, and a value the column cannot take is
 * refused in the server's words. No value ever becomes SQL text; names are quoted.
 */

const ROWS = "$1::jsonb";

export function tableWrites(schema: string, table: string, keyColumn: string) {
  const target = qualified(schema, table);
  const key = quoteIdent(keyColumn);
  const rowsOf = (relation: string) => `pg_catalog.jsonb_populate_recordset(NULL::${relation}, ${ROWS}) AS r`;
  const assign = (columns: string[], from: string) => columns.map((c) => `${quoteIdent(c)} = ${from}.${quoteIdent(c)}`).join(", ");
  return {
    upsert(columns: string[]) {
      const others = columns.filter((c) => c !== keyColumn);
      const onConflict = others.length ? `DO UPDATE SET ${assign(others, "EXCLUDED")}` : "DO NOTHING";
      return `INSERT INTO ${target} (${columns.map(quoteIdent).join(", ")}) SELECT ${columns.map((c) => `r.${quoteIdent(c)}`).join(", ")} FROM ${rowsOf(target)} ON CONFLICT (${key}) ${onConflict}`;
    },
    /** Updates rows that exist and answers with the 1-based positions, in the JSON array, of the rows it found. */
    update(columns: string[]) {
      const others = columns.filter((c) => c !== keyColumn);
      return (
        `UPDATE ${target} AS target SET ${assign(others.length ? others : [keyColumn], "r")}` +
        ` FROM pg_catalog.jsonb_array_elements(${ROWS}) WITH ORDINALITY AS e(value, position)` +
        ` CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::${target}, e.value) AS r WHERE target.${key} = r.${key} RETURNING e.position`
      );
    },
    delete: `DELETE FROM ${target} AS target USING ${rowsOf(target)} WHERE target.${key} = r.${key}`,
    flag: (flagColumn: string) => `UPDATE ${target} AS target SET ${quoteIdent(flagColumn)} = true FROM ${rowsOf(target)} WHERE target.${key} = r.${key}`,
  };
}

export function membershipWrites(schema: string, table: string, keyColumn: string, listColumn: string) {
  const target = qualified(schema, table);
  const [key, list] = [quoteIdent(keyColumn), quoteIdent(listColumn)];
  const rows = `pg_catalog.jsonb_populate_recordset(NULL::${target}, ${ROWS}) AS r`;
  return {
    add: `INSERT INTO ${target} (${key}, ${list}) SELECT r.${key}, r.${list} FROM ${rows} ON CONFLICT (${key}, ${list}) DO NOTHING`,
    remove: `DELETE FROM ${target} AS target USING ${rows} WHERE target.${key} = r.${key} AND target.${list} = r.${list}`,
  };
}
