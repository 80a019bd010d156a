import { useRouteLoaderData } from "@remix-run/react";
import type { SessionView } from "./types";

/** The logged-in person's session, loaded once by the app layout for every page inside it. */
export function useSession(): SessionView {
  const data = useRouteLoaderData<{ session: SessionView }>("routes/_app");
  if (!data) throw new Error("useSession is only available on pages inside the app layout");
  return data.session;
}
