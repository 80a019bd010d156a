import { Link } from "@remix-run/react";
import type { Source } from "../../lib/models";

/** How a Source's rows find their Record: a column feeding a unique Property, or a query's placeholders. */
export function IdentityText({ source, placeholders }: { source: Source; placeholders: string[] }) {
  if (!source.identity) return <code>{placeholders.map((key) => `{{ ${key} }}`).join(" ") || "—"}</code>;
  const { column, propertyId, propertyKey } = source.identity;
  return (
    <span>
      <code>{column}</code> → {propertyId ? <Link to={`/properties/${propertyId}`}>{propertyKey}</Link> : propertyKey}
    </span>
  );
}
