const WIDTH = 600;
const HEIGHT = 120;

/** A Group's members per day as a line, oldest on the left, so growth and drops show at a glance. */
export function GroupCountChart({ counts }: { counts: { day: string; members: number }[] }) {
  if (counts.length < 2) return null;
  const highest = Math.max(1, ...counts.map((c) => c.members));
  const x = (i: number) => (i / (counts.length - 1)) * WIDTH;
  const y = (members: number) => HEIGHT - 4 - (members / highest) * (HEIGHT - 14);
  const points = counts.map((c, i) => `${x(i).toFixed(1)},${y(c.members).toFixed(1)}`).join(" ");
  const first = counts[0]!;
  const last = counts.at(-1)!;
  return (
    <figure className="run-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Members per day from ${first.day} (${first.members}) to ${last.day} (${last.members}), highest ${highest}`}
        data-testid="group-count-chart"
      >
        <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} stroke="#dde2ea" />
        <polyline points={points} fill="none" stroke="#3654d8" strokeWidth={2} />
        {counts.map((c, i) => (
          <circle key={c.day} cx={x(i)} cy={y(c.members)} r={3} fill="#3654d8">
            <title>{`${c.day}: ${c.members} members`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="chart-legend">
        <span className="muted">
          Members per day, last {counts.length} days · highest {highest}
        </span>
      </figcaption>
    </figure>
  );
}
