import type { LinksFunction, MetaFunction } from "@remix-run/cloudflare";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import styles from "./styles.css?url";
import type { ApiError } from "./lib/types";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Groupflow" }];

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  // Marks the page once React has taken over the server's HTML: input typed before then can be lost
  // when React renders the page again, so browser tests wait for this before typing into a fresh page.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "Please try again in a moment.";
  if (isRouteErrorResponse(error)) {
    title = error.status === 404 ? "Page not found" : `Error ${error.status}`;
    message = (error.data as { error?: ApiError } | null)?.error?.message ?? (error.status === 404 ? "There is nothing at this address." : message);
  }
  return (
    <main className="centered">
      <div className="card">
        <h1>{title}</h1>
        <p role="alert">{message}</p>
        <p>
          <a href="/">Back to Groupflow</a>
        </p>
      </div>
    </main>
  );
}
