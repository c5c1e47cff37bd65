/**
 * A small OpenAI-compatible chat-completions server on 127.0.0.1 for tests:
 * POST /v1/chat/completions answers as JSON or, with `stream: true`, as SSE
 * chunks (`data: {...}`, usage in the last chunk when asked, `data: [DONE]`).
 * It records every request body, and answers 429, 500 or slowly on demand.
 * Its canned answer cites the first fact id (`[kind:id]`) it finds in the
 * messages, so a test can follow a citation end to end.
 *
 * In-process: `const server = await startOpenAIServer()`, `server.setMode('429')`,
 * `server.requests`, `await stopOpenAIServer(server)`.
 * Standalone (Playwright's webServer): `node --import tsx tests/support/openai-server.ts --port 4011`;
 * then `POST /__control {"mode": "slow", "answer": "..."}`, `GET /__requests`, `POST /__reset`.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'

export type FakeMode = 'ok' | '429' | '500' | 'slow'

export type ChatRequestBody = {
  model?: string
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  messages?: { role: string; content: string }[]
  [key: string]: unknown
}

export type OpenAIServer = {
  /** The base URL to give OPENAI_BASE_URL (ends in /v1). */
  url: string
  port: number
  /** Every body POSTed to /v1/chat/completions, parsed, in order. */
  requests: ChatRequestBody[]
  /** How the next requests are answered (until changed). */
  setMode: (mode: FakeMode, options?: { slowMs?: number; chunkMs?: number }) => void
  /** A fixed answer instead of the canned one (null: back to the canned one). */
  setAnswer: (answer: string | null) => void
  reset: () => void
  close: () => Promise<void>
}

const FACT_MARKER = /\[((?:case|run|trace|operation|annotation|plan|template):[^[\]\n]{1,300})\]/

/** The canned answer: grounded in (and citing) the first fact id of the messages. */
export function cannedAnswer(body: ChatRequestBody): string {
  const text = (body.messages ?? [])
    .filter((message) => message.role === 'user')
    .map((message) => message.content)
    .join('\n')
  const marker = FACT_MARKER.exec(text)?.[1]
  return marker
    ? `The facts show where it went wrong [${marker}]. Compare what was sent with what the spec expects, then fix the request and run the case again [${marker}].`
    : 'The facts do not answer this question.'
}

/** Splits an answer into pieces a few words long, as a model streams them. */
export function pieces(answer: string): string[] {
  const words = answer.match(/\S+\s*/g) ?? [answer]
  const out: string[] = []
  for (let index = 0; index < words.length; index += 3)
    out.push(words.slice(index, index + 3).join(''))
  return out
}

function json(response: http.ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

export async function startOpenAIServer({
  port = 0,
  host = '127.0.0.1',
}: { port?: number; host?: string } = {}): Promise<OpenAIServer> {
  let mode: FakeMode = 'ok'
  let slowMs = 5000
  /** Between streamed chunks: long enough for a page to render a partial answer. */
  let chunkMs = 5
  let fixed: string | null = null
  const requests: ChatRequestBody[] = []
  const timers = new Set<NodeJS.Timeout>()

  const answerCompletion = (response: http.ServerResponse, body: ChatRequestBody) => {
    if (mode === '429')
      return json(response, 429, {
        error: { message: 'Rate limit reached', type: 'rate_limit_exceeded', code: 'rate_limited' },
      })
    if (mode === '500')
      return json(response, 500, {
        error: { message: 'The server had an error', type: 'server_error' },
      })
    const answer = fixed ?? cannedAnswer(body)
    const model = body.model ?? 'fake-model'
    const promptTokens = Math.ceil(JSON.stringify(body.messages ?? []).length / 4)
    const completionTokens = Math.ceil(answer.length / 4)
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    }
    const created = Math.floor(Date.now() / 1000)
    if (!body.stream)
      return json(response, 200, {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' },
        ],
        usage,
      })
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    })
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      response.write(
        `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`,
      )
    const parts = pieces(answer)
    let index = 0
    const next = () => {
      // The request is destroyed once its body is read: only the response tells of a gone client.
      if (response.destroyed || response.writableEnded) return
      if (index === 0)
        chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])
      if (index < parts.length) {
        chunk([{ index: 0, delta: { content: parts[index] }, finish_reason: null }])
        index++
        const timer = setTimeout(next, chunkMs)
        timers.add(timer)
        return
      }
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }])
      if (body.stream_options?.include_usage) chunk([], { usage })
      response.end('data: [DONE]\n\n')
    }
    next()
  }

  const server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost')
      if (request.method === 'POST' && url.pathname === '/v1/chat/completions') {
        let body: ChatRequestBody
        try {
          body = JSON.parse(await readBody(request)) as ChatRequestBody
        } catch {
          return json(response, 400, { error: { message: 'Send a JSON body.' } })
        }
        requests.push(body)
        if (mode === 'slow') {
          const timer = setTimeout(() => {
            timers.delete(timer)
            if (!response.destroyed) answerCompletion(response, body)
          }, slowMs)
          timers.add(timer)
          response.on('close', () => clearTimeout(timer))
          return
        }
        return answerCompletion(response, body)
      }
      // Control endpoints for a standalone process (Playwright).
      if (request.method === 'GET' && url.pathname === '/__requests')
        return json(response, 200, requests)
      if (request.method === 'POST' && url.pathname === '/__reset') {
        handle.reset()
        return json(response, 200, { ok: true })
      }
      if (request.method === 'POST' && url.pathname === '/__control') {
        const control = JSON.parse((await readBody(request)) || '{}') as {
          mode?: FakeMode
          slowMs?: number
          chunkMs?: number
          answer?: string | null
        }
        if (control.mode)
          handle.setMode(control.mode, { slowMs: control.slowMs, chunkMs: control.chunkMs })
        if (control.answer !== undefined) handle.setAnswer(control.answer)
        return json(response, 200, { mode, slowMs, chunkMs, answer: fixed })
      }
      if (request.method === 'GET' && url.pathname === '/health')
        return json(response, 200, { ok: true })
      json(response, 404, { error: { message: `No route ${request.method} ${url.pathname}` } })
    })().catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: { message: String(error) } })
    })
  })
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  const actual = (server.address() as AddressInfo).port
  const handle: OpenAIServer = {
    url: `http://${host}:${actual}/v1`,
    port: actual,
    requests,
    setMode: (next, options = {}) => {
      mode = next
      if (options.slowMs !== undefined) slowMs = options.slowMs
      if (options.chunkMs !== undefined) chunkMs = options.chunkMs
    },
    setAnswer: (answer) => {
      fixed = answer
    },
    reset: () => {
      mode = 'ok'
      slowMs = 5000
      chunkMs = 5
      fixed = null
      requests.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return handle
}

export function stopOpenAIServer(server: OpenAIServer): Promise<void> {
  return server.close()
}

// Standalone: node --import tsx tests/support/openai-server.ts --port 4011
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = process.argv.indexOf('--port')
  const port = flag > -1 ? Number(process.argv[flag + 1]) : Number(process.env.PORT ?? 4011)
  const server = await startOpenAIServer({ port })
  console.log(`[openai-server] listening on ${server.url}`)
  const stop = () => void server.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
