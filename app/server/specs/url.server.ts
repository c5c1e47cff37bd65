import { fetchGuarded, OutboundError } from '../outbound.server'
import { refuse } from './problems.server'
import { MAX_SPEC_BYTES } from './source.server'

/** Downloads a spec through the guarded client: timeout, 20 MB cap, no private or metadata addresses. */
export async function downloadSpec(url: string): Promise<{ raw: Uint8Array; sourceName: string }> {
  try {
    const response = await fetchGuarded(url, {
      maxBytes: MAX_SPEC_BYTES,
      headers: { accept: 'application/json, application/yaml, text/yaml, */*' },
    })
    if (response.status < 200 || response.status >= 300)
      refuse(`${url} answered HTTP ${response.status}; expected the spec document.`, 422)
    return { raw: response.body, sourceName: response.url }
  } catch (error) {
    if (error instanceof OutboundError)
      refuse(
        `The spec could not be fetched: ${error.message}`,
        error.code === 'too-large' ? 413 : 422,
      )
    throw error
  }
}
