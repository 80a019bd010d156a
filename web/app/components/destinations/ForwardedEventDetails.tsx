import type { ExportPayload, ForwardedEvent } from "../../lib/destinations";
import { formatMoment } from "../../lib/format";
import { PayloadValue } from "./PayloadValue";

/** A forwarded event as it was sent: when it happened, the data it carried, and the Record's fields attached. */
export function ForwardedEventDetails({ event, record }: { event: ForwardedEvent; record: ExportPayload }) {
  const data = Object.entries(event.data);
  const fields = Object.entries(record.fields);
  return (
    <dl className="changes">
      <div>
        <dt>happened</dt>
        <dd>{formatMoment(event.occurredAt)}</dd>
      </div>
      {data.map(([key, value]) => (
        <div key={`data.${key}`}>
          <dt>data.{key}</dt>
          <dd>
            <PayloadValue value={value} />
          </dd>
        </div>
      ))}
      {fields.map(([key, value]) => (
        <div key={`record.${key}`}>
          <dt>record.{key}</dt>
          <dd>
            <PayloadValue value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
