import { api, type Caller, signUp } from "./api";

/** A new workspace with a sample App and a users Source identified by email: the usual starting point. */
export async function sampleWorkspace(label: string, customers = 30) {
  const ws = await signUp(label);
  const app = (await api("POST", "/apps", { as: ws.owner, body: { name: "Demo", plugin: "sample", type: "sample", options: { customers } } })).body.app;
  const users = await api("POST", "/sources", {
    as: ws.owner,
    body: { appId: app.id, name: "Users", type: "table", options: { collection: "users" }, identity: { column: "email", propertyKey: "email", propertyType: "email" } },
  });
  if (users.status !== 201) throw new Error(JSON.stringify(users.body));
  return { ws, as: ws.owner as Caller, appId: app.id as string, usersSource: users.body.source };
}
