const STEPS = [
  {
    title: "Connect an App",
    text: "Link the systems you already use (a Postgres or MySQL database, a CSV file, an email or CRM tool) so Groupflow can read from them and write to them.",
  },
  {
    title: "Define Properties",
    text: "Choose what Groupflow knows about each person (email, plan, lifetime value) and which Source provides each value.",
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

export function GettingStarted() {
  return (
    <section className="panel" aria-labelledby="getting-started">
      <h2 id="getting-started">Getting started</h2>
      <p className="muted">Your workspace is ready. These are the next steps; each gets its own page here soon.</p>
      <ol className="steps">
        {STEPS.map((step) => (
          <li key={step.title}>
            <strong>{step.title}</strong> <span className="badge">Coming soon</span>
            <p>{step.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
