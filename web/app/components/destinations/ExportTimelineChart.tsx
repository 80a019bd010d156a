import { Link } from "@remix-run/react";
import { EXPORT_STATE_COLORS, EXPORT_STATES, TIMELINE_RANGES, type ExportTimeline, type TimelineSlot } from "../../lib/destinations";

const WIDTH = 600;
const HEIGHT = 140;
const BAR_GAP = 2;

const RANGE_WORDS = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" } as const;

const totalOf = (slot: TimelineSlot) => EXPORT_STATES.reduce((sum, s) => sum + slot[s], 0);

/** When a slot began, as short as its size allows: the hour for hourly slots, the day for daily ones. */
function slotLabel(slot: TimelineSlot, slotMs: number) {
  const iso = slot.start.replace("T", " ");
  return slotMs < 86_400_000 ? `${iso.slice(5, 16)} UTC` : iso.slice(0, 10);
}

/**
 * A Destination's Exports over time: a stacked bar per hour or day, each part a state, so a burst
 * of failures or a backlog still waiting stands out from the steady green of what arrived.
 */
export function ExportTimelineChart({ timeline, rangeLink }: { timeline: ExportTimeline; rangeLink(range: string): string }) {
  const { slots, slotMs } = timeline;
  const highest = Math.max(1, ...slots.map(totalOf));
  const slot = WIDTH / slots.length;
  const total = slots.reduce((sum, s) => sum + totalOf(s), 0);
  const busiest = slots.filter((s) => totalOf(s) > 0).map((s) => `${slotLabel(s, slotMs)}: ${totalOf(s)}`);
  return (
    <figure className="run-chart">
      <nav className="range-switch" aria-label="Time span">
        {TIMELINE_RANGES.map((range) =>
          range === timeline.range ? (
            <strong key={range} aria-current="true">
              {RANGE_WORDS[range]}
            </strong>
          ) : (
            <Link key={range} to={rangeLink(range)} preventScrollReset>
              {RANGE_WORDS[range]}
            </Link>
          ),
        )}
      </nav>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Exports made in the last ${RANGE_WORDS[timeline.range]}: ${total}${busiest.length ? ` (${busiest.join("; ")})` : ""}`}
        data-testid="export-timeline"
      >
        <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} stroke="#dde2ea" />
        {slots.map((s, i) => {
          let top = HEIGHT;
          return (
            <g key={s.start}>
              <title>{`${slotLabel(s, slotMs)}: ${EXPORT_STATES.filter((state) => s[state] > 0).map((state) => `${s[state]} ${state}`).join(", ") || "no Exports"}`}</title>
              <rect x={i * slot} y={0} width={slot} height={HEIGHT} fill="transparent" />
              {EXPORT_STATES.map((state) => {
                const height = (s[state] / highest) * (HEIGHT - 10);
                top -= height;
                return height > 0 ? <rect key={state} x={i * slot + BAR_GAP / 2} y={top} width={slot - BAR_GAP} height={height} fill={EXPORT_STATE_COLORS[state]} /> : null;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        {EXPORT_STATES.map((state) => (
          <span key={state}>
            <span className="swatch" style={{ background: EXPORT_STATE_COLORS[state] }} aria-hidden="true" /> {state}
          </span>
        ))}
        <span className="muted">
          · Exports made per {slotMs < 86_400_000 ? "hour" : "day"} by what became of them, {slots.length ? slotLabel(slots[0]!, slotMs) : ""} to now · highest {highest}
        </span>
      </figcaption>
    </figure>
  );
}
