/**
 * The one server-sent-events helper. A stream reads stored events after a
 * cursor (Last-Event-ID, or `?after=`), sends each with its id, and waits for
 * a notification (or a short poll) before reading again, so a reconnect
 * resumes exactly where it left off: nothing lost, nothing repeated. A
 * notification may carry the events just stored (with the id of the event
 * before them): when they continue exactly from the cursor they are sent at
 * once, without a read; otherwise the stream reads. It ends when the source
 * says it is done. Headers keep proxies from buffering or compressing it
 * (`no-transform`, `X-Accel-Buffering: no`).
 */
export type StreamEvent = { id: number; event: string; data: string }

/** Events stored together, in order; `after` is the id of the source's event before them. */
export type PushedEvents = { after: number; events: StreamEvent[]; last?: boolean }

export type EventSource = {
  /** Stored events with an id above `after`, in order. */
  read(after: number): Promise<StreamEvent[]>
  /** Calls `wake` when new events may exist (with them, when it has them); returns the unsubscribe. */
  subscribe(wake: (pushed?: PushedEvents) => void): () => void
  /** True once no more events will come (checked after a read found none). */
  done(): Promise<boolean>
}

/** Kept from proxies' buffers and compression. */
const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
  'Content-Encoding': 'identity',
}

/**
 * One event in the wire format (WHATWG HTML, server-sent events): optional `id` and `event`
 * lines, the data one `data:` line per line of it (a newline inside the data cannot end the
 * event early), a blank line after. Names and ids lose any line break for the same reason.
 */
export function formatEvent(event: { id?: number | string; event?: string; data: string }): string {
  const field = (value: number | string) => String(value).replace(/[\r\n]+/g, ' ')
  let text = ''
  if (event.id !== undefined) text += `id: ${field(event.id)}\n`
  if (event.event) text += `event: ${field(event.event)}\n`
  return `${text}data: ${event.data.replace(/\r\n|\r|\n/g, '\ndata: ')}\n\n`
}

export function lastEventId(request: Request): number {
  const header = request.headers.get('last-event-id')
  const query = new URL(request.url).searchParams.get('after')
  const value = Number(header ?? query ?? 0)
  return Number.isSafeInteger(value) && value > 0 ? value : 0
}

export function eventStream(
  request: Request,
  source: EventSource,
  { pollMs = 1_000, heartbeatMs = 15_000 }: { pollMs?: number; heartbeatMs?: number } = {},
): Response {
  let cursor = lastEventId(request)
  const encoder = new TextEncoder()
  let closed = false
  let cleanup = () => {}
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let wakeUp: (() => void) | null = null
      // Set by a notification that arrives while reading: the next wait is skipped.
      let dirty = false
      // Set when the source said its last event was sent.
      let ended = false
      // Events sent together go out as one chunk (one write to the socket).
      const send = (events: StreamEvent[]) => {
        let chunk = ''
        for (const event of events) {
          if (event.id <= cursor) continue
          chunk += formatEvent(event)
          cursor = event.id
        }
        if (chunk) controller.enqueue(encoder.encode(chunk))
      }
      const unsubscribe = source.subscribe((pushed) => {
        if (closed) return
        if (pushed) {
          // Usable only if it continues exactly where this stream is.
          const from =
            pushed.after === cursor
              ? 0
              : pushed.events.findIndex((event) => event.id === cursor) + 1
          if (from > 0 || pushed.after === cursor) {
            send(pushed.events.slice(from))
            if (!pushed.last) return
            ended = true
          }
        }
        dirty = true
        wakeUp?.()
      })
      const heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(`: keep-alive\n\n`))
      }, heartbeatMs)
      cleanup = () => {
        closed = true
        clearInterval(heartbeat)
        unsubscribe()
        wakeUp?.()
      }
      request.signal.addEventListener('abort', () => cleanup(), { once: true })
      controller.enqueue(encoder.encode(`retry: 2000\n\n`))
      void (async () => {
        try {
          while (!closed) {
            dirty = false
            // The cursor may move while reading (a push): `send` skips what was sent.
            const events = await source.read(cursor)
            send(events)
            if (events.length > 0) continue
            if (ended || (await source.done())) {
              controller.enqueue(encoder.encode(`event: end\ndata: {}\n\n`))
              break
            }
            if (dirty) continue
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, pollMs)
              wakeUp = () => {
                clearTimeout(timer)
                wakeUp = null
                resolve()
              }
            })
          }
        } catch (error) {
          if (!closed)
            controller.enqueue(
              encoder.encode(
                `event: error\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`,
              ),
            )
        } finally {
          cleanup()
          try {
            controller.close()
          } catch {
            // already closed by the client
          }
        }
      })()
    },
    cancel() {
      cleanup()
    },
  })
  return new Response(stream, { headers: SSE_HEADERS })
}

/** Sends one event of a live stream: `data` goes out as JSON (a string, an object). */
export type SendEvent = (event: string, data: unknown) => void

/**
 * A live, one-shot stream (no stored events, no resume): `produce` sends events
 * as they happen, and the stream ends when it settles. Same headers and framing
 * as `eventStream`, a keep-alive comment while `produce` is quiet; after the
 * client goes away `send` does nothing and `signal` is aborted. A `produce` that
 * throws ends the stream with an `error` event ({message, status: 500}).
 */
export function liveStream(
  request: Request,
  produce: (send: SendEvent, signal: AbortSignal) => Promise<void>,
  { heartbeatMs = 15_000 }: { heartbeatMs?: number } = {},
): Response {
  const encoder = new TextEncoder()
  const aborter = new AbortController()
  let closed = false
  let cleanup = () => {}
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text))
      }
      const send: SendEvent = (event, data) =>
        write(`event: ${event}\ndata: ${JSON.stringify(data).replace(/\n/g, '\ndata: ')}\n\n`)
      const heartbeat = setInterval(() => write(`: keep-alive\n\n`), heartbeatMs)
      cleanup = () => {
        closed = true
        clearInterval(heartbeat)
        aborter.abort()
      }
      request.signal.addEventListener('abort', () => cleanup(), { once: true })
      void (async () => {
        try {
          await produce(send, aborter.signal)
        } catch (error) {
          send('error', { message: (error as Error).message, status: 500 })
        } finally {
          if (!closed) {
            closed = true
            clearInterval(heartbeat)
            try {
              controller.close()
            } catch {
              // already closed by the client
            }
          }
        }
      })()
    },
    cancel() {
      cleanup()
    },
  })
  return new Response(stream, { headers: SSE_HEADERS })
}
