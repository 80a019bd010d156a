import type { ConnectionTest } from "../../lib/models";
import { TestBadge } from "./TestStatus";

/** The answer to "Test connection", shown beside the button: what the system said, and how long it took. */
export function TestResult({ test }: { test: ConnectionTest }) {
  return (
    <div className={test.ok ? "test-result ok" : "test-result failed"} role="status" data-testid="test-result">
      <TestBadge ok={test.ok} />
      <span className="test-message">{test.ok ? test.message : test.error}</span>
      <span className="test-time">{test.durationMs} ms</span>
    </div>
  );
}
