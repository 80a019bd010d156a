import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/** Often enough to watch a Run move, seldom enough that an open tab costs little. */
const REFRESH_MS = 2_000;

/** Reloads the page's data every few seconds while `going`: only work still under way can change what it shows. */
export function useRefreshWhile(going: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!going) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [going, revalidator]);
}
