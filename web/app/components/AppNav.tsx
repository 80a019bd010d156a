import { Form, Link, NavLink } from "@remix-run/react";
import { canManage, type SessionView } from "../lib/types";
import { WorkspaceSwitcher } from "./WorkspaceSwitcher";

export function AppNav({ session }: { session: SessionView }) {
  return (
    <nav className="sidebar" aria-label="Main">
      <Link to="/home" className="brand">
        Groupflow
      </Link>
      {session.workspace ? (
        <div className="workspace">
          <span className="label">Workspace</span>
          <strong data-testid="workspace-name">{session.workspace.name}</strong>
        </div>
      ) : null}
      {session.workspaces.some((w) => w.id !== session.workspace?.id) ? <WorkspaceSwitcher session={session} /> : null}
      {session.workspace ? (
        <ul className="nav-links">
          <li>
            <NavLink to="/home">Home</NavLink>
          </li>
          <li>
            <NavLink to="/apps">Apps</NavLink>
          </li>
          <li>
            <NavLink to="/sources">Sources</NavLink>
          </li>
          <li>
            <NavLink to="/properties">Properties</NavLink>
          </li>
          <li>
            <NavLink to="/runs">Runs</NavLink>
          </li>
          <li>
            <NavLink to="/records">Records</NavLink>
          </li>
          <li>
            <NavLink to="/groups">Groups</NavLink>
          </li>
          <li>
            <NavLink to="/destinations">Destinations</NavLink>
          </li>
          <li>
            <NavLink to="/team">Team</NavLink>
          </li>
          {canManage(session.role) ? (
            <li>
              <NavLink to="/api-keys">API keys</NavLink>
            </li>
          ) : null}
        </ul>
      ) : null}
      <Link to="/workspaces/new" className="new-workspace">
        + New workspace
      </Link>
      <div className="me">
        <span className="me-name">{session.user.name}</span>
        <span className="me-email">{session.user.email}</span>
        <Form method="post" action="/logout">
          <input type="hidden" name="csrf" value={session.csrfToken} />
          <button type="submit" className="link-button">
            Log out
          </button>
        </Form>
      </div>
    </nav>
  );
}
