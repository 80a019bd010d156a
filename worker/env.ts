export interface Env {
  DB: D1Database;
  APP_ENV: string;
}
