import { Form } from "@remix-run/react";
import { useId } from "react";
import type { SessionView } from "../lib/types";

export function WorkspaceSwitcher({ session }: { session: SessionView }) {
  const id = useId();
  return (
    <Form method="post" action="/switch-workspace" className="switcher">
      <input type="hidden" name="csrf" value={session.csrfToken} />
      <label htmlFor={id}>Switch workspace</label>
      <div className="inline">
        <select id={id} name="workspaceId" defaultValue={session.workspace?.id} key={session.workspace?.id}>
          {session.workspaces.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name} ({w.role})
            </option>
          ))}
        </select>
        <button type="submit">Switch</button>
      </div>
    </Form>
  );
}
