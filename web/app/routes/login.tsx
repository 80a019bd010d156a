import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field } from "../components/Field";
import { FormError } from "../components/FormError";
import { callApi, formError, relayCookies } from "../lib/api.server";
import { assertSameOrigin } from "../lib/origin.server";
import { safeNext } from "../lib/safe-next";
import { optionalSession } from "../lib/session.server";
import type { FormFailure } from "../lib/types";

export const meta: MetaFunction = () => [{ title: "Log in · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const next = safeNext(new URL(args.request.url).searchParams.get("next"));
  const session = await optionalSession(args);
  if (session.ok) throw redirect(next, { headers: relayCookies(session) });
  return json(null, { headers: relayCookies(session) });
}

export async function action(args: ActionFunctionArgs) {
  assertSameOrigin(args.request);
  const form = await args.request.formData();
  const result = await callApi(args, "/auth/login", {
    method: "POST",
    body: { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") },
  });
  if (!result.ok) return formError(result);
  return redirect(safeNext(form.get("next")), { headers: relayCookies(result) });
}

export default function LogIn() {
  const failure = useActionData<FormFailure>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const next = params.get("next") ?? "";
  return (
    <main className="centered">
      <div className="card">
        <p className="brand">Groupflow</p>
        <h1>Log in</h1>
        <Form method="post">
          <input type="hidden" name="next" value={next} />
          <FormError error={failure?.error} fields={["email", "password"]} />
          <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </Form>
        <p className="aside">
          New to Groupflow? <Link to="/signup">Create a workspace</Link>
        </p>
      </div>
    </main>
  );
}
