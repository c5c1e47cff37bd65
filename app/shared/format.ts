/**
 * Dates and times as the UI shows them. Always formatted in UTC, so the
 * server render and the browser's hydration print the same text whatever the
 * browser's time zone (a mismatch makes React throw the server HTML away).
 */
const DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
})
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})
const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

type DateInput = string | number | Date

/** 22/11/2026 */
export const formatDate = (value: DateInput) => DATE.format(new Date(value))
/** 22/11/2026, 14:05 UTC */
export const formatDateTime = (value: DateInput) => `${DATE_TIME.format(new Date(value))} UTC`
/** 14:05:09 (UTC; say so once near the list) */
export const formatTime = (value: DateInput) => TIME.format(new Date(value))

/** How long a mock has been up, measured against the server's clock (`now` from the loader). */
export function formatUptime(startedAt: string | null, status: string, now: number): string {
  if (!startedAt || status !== 'up') return '—'
  const seconds = Math.max(0, Math.floor((now - new Date(startedAt).getTime()) / 1000))
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`
}

/** "1 problem", "3 problems". */
export const plural = (count: number, noun: string, many = `${noun}s`) =>
  `${count} ${count === 1 ? noun : many}`

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  nbsp: ' ',
}

/**
 * A spec's description as plain text: specs write CommonMark with HTML in it (Stripe's are
 * `<p>…</p>`); the browser shows text, never the spec's markup (React escapes what is left).
 */
export function plainText(text: string): string {
  return text
    .replace(/<\/(p|div|li|h\d)>|<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** A byte count for people: 512 B, 3.4 KB, 12.0 MB. */
export function formatBytes(bytes: number): string {
  return bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
