import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CreateKeyForm } from "../components/keys/CreateKeyForm";
import { KeyTable } from "../components/keys/KeyTable";
import { NewKeySecret } from "../components/keys/NewKeySecret";
import { apiFailure, badIntent, callApi, formFailure, relayCookies } from "../lib/api.server";
import { scopesFromForm } from "../lib/scopes";
import type { ApiKey, FormFailure } from "../lib/types";

type ActionData = FormFailure | { created: { id: string; name: string; secret: string; origin: string } } | { revoked: string };

export const meta: MetaFunction = () => [{ title: "API keys · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const result = await callApi<{ apiKeys: ApiKey[] }>(args, "/api-keys");
  if (result.ok) return json({ apiKeys: result.data.apiKeys, refusal: null }, { headers: relayCookies(result) });
  if (result.status === 403) return json({ apiKeys: [] as ApiKey[], refusal: result.error.message }, { headers: relayCookies(result) });
  throw apiFailure(args, result);
}

/** A date picked in the form means "through the end of that day", in UTC like every date shown here. */
const endOfDay = (date: string) => (date ? `${date}T23:59:59Z` : undefined);

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  const id = String(form.get("id") ?? "");
  const csrfToken = form.get("csrf");
  if (intent === "create") {
    const body = { name: String(form.get("name") ?? ""), scopes: scopesFromForm(form), expiresAt: endOfDay(String(form.get("expiresAt") ?? "")) };
    const result = await callApi<{ apiKey: ApiKey; secret: string }>(args, "/api-keys", { method: "POST", body, csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    const { apiKey, secret } = result.data;
    const origin = new URL(args.request.url).origin;
    return json({ created: { id: apiKey.id, name: apiKey.name, secret, origin } }, { headers: relayCookies(result) });
  }
  if (intent === "revoke") {
    const result = await callApi(args, `/api-keys/${encodeURIComponent(id)}`, { method: "DELETE", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent, id });
    return json({ revoked: id }, { headers: relayCookies(result) });
  }
  throw badIntent(intent);
}

export default function ApiKeys() {
  const { apiKeys, refusal } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const created = result && "created" in result ? result.created : null;
  return (
    <>
      <header className="page-header">
        <h1>API keys</h1>
        <p className="muted">Programs use API keys to call the Groupflow API. Each key may do only what its scopes allow.</p>
      </header>
      {refusal ? (
        <p className="notice" role="alert">
          {refusal}. Owners and admins manage API keys.
        </p>
      ) : (
        <>
          {created ? <NewKeySecret {...created} /> : null}
          {/* Keyed by the last key created, so the form starts empty again after each one. */}
          <CreateKeyForm key={created?.id ?? "new"} result={result} />
          <KeyTable apiKeys={apiKeys} result={result} />
        </>
      )}
    </>
  );
}
