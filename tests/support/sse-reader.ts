/** A reader of `text/event-stream` bodies for tests and benches (browsers use EventSource). */
export type SseEvent = { id: number; event: string; data: string }

/**
 * Calls `onEvent` with each event (and when its chunk arrived, epoch ms) until it
 * returns true or the stream ends; then cancels the body. Comments and events without
 * a name (`retry:`, keep-alives) are skipped; multi-line data is joined with newlines.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: SseEvent, receivedAt: number) => boolean | void,
): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      const receivedAt = Date.now()
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.+)$/m.exec(block)?.[1]
        if (!event) continue
        const id = Number(/^id: (\d+)$/m.exec(block)?.[1] ?? 0)
        const data = [...block.matchAll(/^data: (.*)$/gm)].map((match) => match[1]).join('\n')
        if (onEvent({ id, event, data }, receivedAt) === true) return
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}
