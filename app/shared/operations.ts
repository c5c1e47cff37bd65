/** Questions about one operation of the NormalizedSpec, shared by the mocks, the test kit and trace validation. */
import type { NormalizedOperation, NormalizedResponse } from './normalized-spec'

/** The documented response a status falls under: exact code, then `4XX`, then `default`. */
export function documentedResponse(
  operation: NormalizedOperation,
  status: number,
): NormalizedResponse | undefined {
  const code = String(status)
  return (
    operation.responses.find((response) => response.status === code) ??
    operation.responses.find((response) => response.status.toUpperCase() === `${code[0]}XX`) ??
    operation.responses.find((response) => response.status === 'default')
  )
}

export function splitType(type: string): [string, string] {
  const [main = '', sub = ''] = type.split(';')[0]!.trim().toLowerCase().split('/')
  return [main, sub]
}

/**
 * Does the actual media type match a documented one? Parameters are ignored,
 * `*` wildcards honoured both ways, and `application/vnd.x+json` matches a
 * documented `application/json` (RFC 6839).
 */
export function mediaTypeMatches(documented: string, actual: string): boolean {
  const [dMain, dSub] = splitType(documented)
  const [aMain, aSub] = splitType(actual)
  if (!aMain) return false
  if (dMain === '*' || aMain === '*') return true
  if (dMain !== aMain) return false
  if (dSub === '*' || aSub === '*' || dSub === aSub) return true
  const suffix = (sub: string) => (sub.includes('+') ? sub.slice(sub.lastIndexOf('+') + 1) : sub)
  return suffix(aSub) === dSub || suffix(dSub) === aSub
}

/** The documented content entry matching an answer's Content-Type. */
export function documentedContent(response: NormalizedResponse, actualType: string) {
  return Object.entries(response.content).find(([type]) => mediaTypeMatches(type, actualType))
}
