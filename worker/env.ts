export type Env = Cloudflare.Env;
