/**
 * One request through node:http, for tests that need what fetch hides or refuses: a `Host`
 * header of their choosing, the framing headers of the answer, an agent of their own.
 */
import http from 'node:http'

export type HttpAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string }

export function httpCall(
  url: string,
  {
    method = 'GET',
    headers = {},
    body,
    agent,
  }: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent } = {},
) {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = http.request(url, { method, headers, agent }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
      )
    })
    request.on('error', reject)
    request.end(body)
  })
}
