import { formatMoment } from "../../lib/format";
import type { App } from "../../lib/models";

/** A connection's last known state as a coloured badge. */
export function TestBadge({ ok }: { ok: boolean | null }) {
  if (ok === null) return <span className="status unknown">Not tested</span>;
  return ok ? <span className="status ok">Connected</span> : <span className="status failed">Failed</span>;
}

/** An App's last connection test: the badge, what the system said, and when. */
export function LastTest({ lastTest }: { lastTest: App["lastTest"] }) {
  if (!lastTest) return <TestBadge ok={null} />;
  return (
    <div className="last-test">
      <TestBadge ok={lastTest.ok} />
      <span className="test-message">{lastTest.message}</span>
      <span className="test-time">{formatMoment(lastTest.at)}</span>
    </div>
  );
}
