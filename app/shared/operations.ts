/** Questions about one operation of the NormalizedSpec, shared by the mocks and the test kit. */
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
