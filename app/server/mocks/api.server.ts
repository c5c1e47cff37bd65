/** JSON shapes of the mocks API. */
import { mockUrls } from './service.server'

export function mockJson(
  mock: {
    id: string
    status: string
    port: number | null
    specVersionId: string
    requestCount: number
    lastError: string | null
  },
  origin: string,
) {
  const { baseUrl, proxyUrl } = mockUrls(mock, origin)
  return {
    mockId: mock.id,
    status: mock.status,
    baseUrl,
    proxyUrl,
    specVersionId: mock.specVersionId,
    requestCount: mock.requestCount,
    lastError: mock.lastError,
  }
}
