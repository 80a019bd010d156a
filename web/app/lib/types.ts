/** The body of every API error: `{ "error": { code, message, details } }`. */
export interface ApiError {
  code: string;
  message: string;
  details?: unknown;
}

/** What an action hands back when the API refused: which form (intent, id) the message belongs next to. */
export interface FormFailure {
  error: ApiError;
  intent?: string;
  id?: string;
}

export type Role = "owner" | "admin" | "editor" | "viewer";

export const ROLES: Role[] = ["owner", "admin", "editor", "viewer"];

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
}

export interface SessionView {
  user: { id: string; email: string; name: string };
  workspace: WorkspaceSummary | null;
  role: Role | null;
  scopes: string[];
  workspaces: (WorkspaceSummary & { role: Role })[];
  csrfToken: string;
}

export interface Member {
  id: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: "pending" | "accepted" | "revoked" | "expired";
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

/** An invitation as the person holding its link sees it. */
export interface InvitationView {
  workspace: WorkspaceSummary;
  email: string;
  role: Role;
  status: Invitation["status"];
  expiresAt: string;
  accountExists: boolean;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: string;
  actorType: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  createdAt: string;
}

export const canManage = (role: Role | null) => role === "owner" || role === "admin";
