/** Web origins as settings take them (isomorphic: the forms validate in the browser too). */

export const MAX_ORIGINS = 20

/** `https://app.example.com` or `http://localhost:5173`: scheme, host and port, nothing else; else null. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value.trim())
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null
    return url.origin
  } catch {
    return null
  }
}

/** Origins separated by commas, spaces or lines: the normalised list, or the first entry that is not an origin. */
export function parseOriginList(
  text: string,
): { origins: string[]; invalid?: undefined } | { invalid: string; origins?: undefined } {
  const origins: string[] = []
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const origin = normalizeOrigin(entry)
    if (!origin) return { invalid: entry }
    if (!origins.includes(origin)) origins.push(origin)
  }
  return { origins }
}
