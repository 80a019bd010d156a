import { Link } from "@remix-run/react";
import { describeRead } from "../../lib/describe-property";
import type { Property, Source } from "../../lib/models";

interface Props {
  properties: Property[];
  sources: Source[];
  /** Left out on a Source's own page, where every row has the same Source. */
  showSource?: boolean;
}

export function PropertyTable({ properties, sources, showSource = true }: Props) {
  const sourcesById = new Map(sources.map((s) => [s.id, s]));
  return (
    <table className="properties">
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Type</th>
          {showSource ? <th scope="col">Source</th> : null}
          <th scope="col">Read as</th>
        </tr>
      </thead>
      <tbody>
        {properties.map((property) => {
          const source = sourcesById.get(property.sourceId);
          return (
            <tr key={property.id}>
              <td>
                <Link to={`/properties/${property.id}`} className="strong">
                  {property.key}
                </Link>
                {property.unique ? <span className="badge unique">unique</span> : null}
                {property.array ? <span className="badge array">array</span> : null}
              </td>
              <td>{property.type}</td>
              {showSource ? <td>{source ? <Link to={`/sources/${source.id}`}>{source.name}</Link> : "—"}</td> : null}
              <td data-testid="property-read">{describeRead(property)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
