// Fixed to UTC so the server's render and the browser's hydration print the same text.
const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const moment = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export const formatDay = (value: string | null) => (value ? day.format(new Date(value)) : "—");
export const formatMoment = (value: string | null) => (value ? `${moment.format(new Date(value))} UTC` : "—");
