/**
 * Reads a `text/event-stream` body (the answer of a POST, which EventSource
 * cannot make): calls `onEvent` with each named event's JSON data, in order,
 * until the stream ends. Comments (keep-alives) and unnamed events are skipped.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: string, data: unknown) => void,
): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const flush = (block: string) => {
    let event = ''
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
    if (!event || data.length === 0) return
    let parsed: unknown
    try {
      parsed = JSON.parse(data.join('\n'))
    } catch {
      parsed = data.join('\n')
    }
    onEvent(event, parsed)
  }
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n')
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        flush(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
      }
    }
    if (buffer.trim()) flush(buffer)
  } finally {
    reader.releaseLock()
  }
}
