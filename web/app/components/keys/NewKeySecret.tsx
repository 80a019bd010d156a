import { CopyButton } from "../CopyButton";

/** The secret exists in the browser only on this one page view: the API stores a hash and cannot show it again. */
export function NewKeySecret({ name, secret, origin }: { name: string; secret: string; origin: string }) {
  const curl = `curl -H "Authorization: Bearer ${secret}" ${origin}/api/v1/workspace`;
  return (
    <section className="notice secret" role="status" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">Your new key “{name}”</h2>
      <p>
        <strong>Copy this secret now.</strong> It will not be shown again; if you lose it, revoke the key and create a new one.
      </p>
      <div className="inline">
        <code className="grow" data-testid="api-key-secret">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy secret" />
      </div>
      <p>Try it:</p>
      <div className="inline">
        <code className="grow" data-testid="api-key-curl">
          {curl}
        </code>
        <CopyButton text={curl} label="Copy command" />
      </div>
    </section>
  );
}
