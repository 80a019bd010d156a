import { createPagesFunctionHandler } from "@remix-run/cloudflare-pages";
// @ts-ignore the server build exists only after `remix vite:build`
import * as build from "../build/server";

export const onRequest = createPagesFunctionHandler({ build });
