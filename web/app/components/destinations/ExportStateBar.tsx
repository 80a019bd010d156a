import { EXPORT_STATE_COLORS, EXPORT_STATES, type ExportState } from "../../lib/destinations";

/**
 * A Destination's Exports by state as one bar, each state a share of its width, with the counts
 * written beside it: at a glance, how much arrived, what is on its way and what failed.
 */
export function ExportStateBar({ counts }: { counts: Record<ExportState, number> }) {
  const total = EXPORT_STATES.reduce((sum, state) => sum + counts[state], 0);
  const shown = EXPORT_STATES.filter((state) => counts[state] > 0);
  const words = shown.map((state) => `${counts[state].toLocaleString("en-US")} ${state}`).join(", ") || "no Exports yet";
  return (
    <figure className="export-states" aria-label={`Exports: ${words}`}>
      <svg viewBox="0 0 100 6" preserveAspectRatio="none" role="presentation">
        <rect x="0" y="0" width="100" height="6" fill="#eef0f3" />
        {shown.reduce<{ x: number; bars: JSX.Element[] }>(
          (acc, state) => {
            const width = (counts[state] / total) * 100;
            acc.bars.push(<rect key={state} x={acc.x} y="0" width={width} height="6" fill={EXPORT_STATE_COLORS[state]} />);
            return { x: acc.x + width, bars: acc.bars };
          },
          { x: 0, bars: [] },
        ).bars}
      </svg>
      <figcaption className="chart-legend">
        {shown.length
          ? shown.map((state) => (
              <span key={state}>
                <span className="swatch" style={{ background: EXPORT_STATE_COLORS[state] }} /> {counts[state].toLocaleString("en-US")} {state}
              </span>
            ))
          : "No Exports yet"}
      </figcaption>
    </figure>
  );
}
