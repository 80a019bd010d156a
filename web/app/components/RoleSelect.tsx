import type { SelectHTMLAttributes } from "react";
import { ROLES, type Role } from "../lib/types";

/** Only owners may hand out the owner role, so admins are not offered it. */
export function RoleSelect({ actorRole, ...select }: SelectHTMLAttributes<HTMLSelectElement> & { actorRole: Role | null }) {
  const roles = actorRole === "owner" ? ROLES : ROLES.filter((r) => r !== "owner");
  return (
    <select name="role" {...select}>
      {roles.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}
