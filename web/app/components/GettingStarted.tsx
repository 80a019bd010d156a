import { Link } from "@remix-run/react";

export interface Progress {
  apps: number;
  sources: number;
  /** Properties someone defined, not counting those that came with a Source as its identity. */
  properties: number;
}

interface Step {
  title: string;
  text: string;
  /** Where the step is done, for steps that have a page already. */
  to?: string;
  done?: (progress: Progress) => boolean;
}

const STEPS: Step[] = [
  {
    title: "Connect an App",
    text: "Link the systems you already use (a Postgres or MySQL database, a CSV file, an email or CRM tool) so Groupflow can read from them and write to them.",
    to: "/apps",
    done: (p) => p.apps > 0,
  },
  {
    title: "Add a Source",
    text: "Pick the table, query or file in an App that holds your customers, and the column that identifies each of them.",
    to: "/sources",
    done: (p) => p.sources > 0,
  },
  {
    title: "Define Properties",
    text: "Choose what Groupflow knows about each person (email, plan, lifetime value) and which Source provides each value.",
    to: "/properties",
    done: (p) => p.properties > 0,
  },
  {
    title: "Build Groups",
    text: "Collect Records by hand or with rules like “signed up in the last 7 days”, kept current as data changes.",
  },
  {
    title: "Add Destinations",
    text: "Keep your other tools in sync with your Records and Groups: mailing lists, CRM fields, ad audiences, webhooks.",
  },
];

export function GettingStarted({ progress }: { progress: Progress }) {
  return (
    <section className="panel" aria-labelledby="getting-started">
      <h2 id="getting-started">Getting started</h2>
      <p className="muted">Your workspace is ready. These are the next steps.</p>
      <ol className="steps">
        {STEPS.map((step) => (
          <li key={step.title}>
            {step.to ? <Link to={step.to} className="strong">{step.title}</Link> : <strong>{step.title}</strong>}{" "}
            {!step.to ? <span className="badge">Coming soon</span> : step.done?.(progress) ? <span className="status ok">Done</span> : null}
            <p>{step.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
