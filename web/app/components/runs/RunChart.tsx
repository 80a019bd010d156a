import type { Run } from "../../lib/runs";

const SERIES = [
  { key: "recordsCreated", label: "created", color: "#3654d8" },
  { key: "recordsUpdated", label: "updated", color: "#e0a100" },
  { key: "recordsUnchanged", label: "unchanged", color: "#b8c0cc" },
] as const;

const WIDTH = 600;
const HEIGHT = 140;
const BAR_GAP = 6;

/** The last Runs' Records created, updated and unchanged, stacked, oldest on the left, so a change in the pattern shows at a glance. */
export function RunChart({ runs }: { runs: Run[] }) {
  const shown = runs.slice(0, 20).reverse();
  const total = (run: Run) => SERIES.reduce((sum, s) => sum + run.counters[s.key], 0);
  const highest = Math.max(1, ...shown.map(total));
  const slot = WIDTH / 20;
  const summary = shown.map((run) => `${SERIES.map((s) => `${run.counters[s.key]} ${s.label}`).join(", ")}`).join("; ");
  return (
    <figure className="run-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Records per Run, oldest first: ${summary}`} data-testid="run-chart">
        <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} stroke="#dde2ea" />
        {shown.map((run, i) => {
          let top = HEIGHT;
          return (
            <g key={run.id}>
              <title>{`${run.createdAt.slice(0, 16).replace("T", " ")} UTC: ${SERIES.map((s) => `${run.counters[s.key]} ${s.label}`).join(", ")}`}</title>
              {SERIES.map((s) => {
                const height = (run.counters[s.key] / highest) * (HEIGHT - 10);
                top -= height;
                return <rect key={s.key} x={i * slot + BAR_GAP / 2} y={top} width={slot - BAR_GAP} height={height} fill={s.color} />;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        {SERIES.map((s) => (
          <span key={s.key}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" /> Records {s.label}
          </span>
        ))}
        <span className="muted">· last {shown.length} Runs, highest {highest}</span>
      </figcaption>
    </figure>
  );
}
