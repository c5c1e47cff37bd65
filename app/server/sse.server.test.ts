import { describe, expect, it } from 'vitest'
import { readEventStream, type SseEvent } from '../../tests/support/sse-reader'
import { eventStream, liveStream, type PushedEvents, type StreamEvent } from './sse.server'

/** A source over an in-memory log that counts its reads and lets a test push. */
function memorySource() {
  const log: StreamEvent[] = []
  let wake: ((pushed?: PushedEvents) => void) | null = null
  const source = {
    reads: 0,
    finished: false,
    read: async (after: number) => {
      source.reads++
      return log.filter((event) => event.id > after)
    },
    subscribe: (listener: (pushed?: PushedEvents) => void) => {
      wake = listener
      return () => (wake = null)
    },
    done: async () => source.finished,
    /** Stores events (ids continue the log), then notifies with or without them. */
    store(names: string[], { push = true, last = false, notify = true } = {}) {
      const after = log.at(-1)?.id ?? 0
      const events = names.map((name, index) => ({
        id: after + index + 1,
        event: 'case',
        data: name,
      }))
      log.push(...events)
      if (last) source.finished = true
      if (notify) wake?.(push ? { after, events, last } : undefined)
    },
    notifyWith(pushed: PushedEvents) {
      wake?.(pushed)
    },
  }
  return source
}

/** Reads the stream's events until `count` arrived or it ended. */
async function collect(response: Response, count: number) {
  const received: SseEvent[] = []
  await readEventStream(response.body!, (event) => {
    received.push(event)
    return received.length >= count
  })
  return received
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

describe('eventStream', () => {
  it('sends pushed events that continue from its cursor without reading them back', async () => {
    const source = memorySource()
    source.store(['a', 'b'])
    const controller = new AbortController()
    const response = eventStream(
      new Request('http://x/events', { signal: controller.signal }),
      source,
      { pollMs: 60_000 },
    )
    const reading = collect(response, 5)
    await settle()
    const readsAfterStart = source.reads
    source.store(['c', 'd'])
    source.store(['e'])
    const events = await reading
    controller.abort()
    expect(events.map((event) => event.data)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(events.map((event) => event.id)).toEqual([1, 2, 3, 4, 5])
    expect(source.reads).toBe(readsAfterStart)
  })

  it('reads instead when a push does not continue from its cursor, and never repeats an event', async () => {
    const source = memorySource()
    const controller = new AbortController()
    const response = eventStream(
      new Request('http://x/events', { signal: controller.signal }),
      source,
      { pollMs: 60_000 },
    )
    const reading = collect(response, 6)
    await settle()
    // Stored without a push (another process), then a push that starts after them.
    source.store(['a', 'b'], { push: false })
    source.store(['c'])
    await settle()
    // A push overlapping what was sent: only the new part goes out.
    source.store(['d'], { push: false })
    await settle()
    source.store(['e'], { notify: false })
    source.notifyWith({
      after: 2,
      events: [
        { id: 3, event: 'case', data: 'c' },
        { id: 4, event: 'case', data: 'd' },
        { id: 5, event: 'case', data: 'e' },
      ],
    })
    source.store(['f'])
    const events = await reading
    controller.abort()
    expect(events.map((event) => event.id)).toEqual([1, 2, 3, 4, 5, 6])
    expect(events.map((event) => event.data)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
  })

  it('resumes after Last-Event-ID, and ends at once after a push marked last', async () => {
    const source = memorySource()
    source.store(['a', 'b', 'c'])
    const response = eventStream(
      new Request('http://x/events', { headers: { 'Last-Event-ID': '2' } }),
      source,
      { pollMs: 60_000 },
    )
    const reading = collect(response, 10)
    await settle()
    source.store(['d'], { last: true })
    const events = await reading
    expect(events.map((event) => `${event.id}:${event.event}`)).toEqual([
      '3:case',
      '4:case',
      '0:end',
    ])
  })

  it('sets headers that keep proxies from buffering or compressing it', () => {
    const response = eventStream(new Request('http://x/events'), memorySource())
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(response.headers.get('cache-control')).toContain('no-transform')
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    void response.body?.cancel()
  })
})

describe('liveStream', () => {
  async function all(response: Response) {
    const events: SseEvent[] = []
    await readEventStream(response.body!, (event) => {
      events.push(event)
    })
    return events
  }

  it('sends what the producer sends, as JSON, and ends when it settles', async () => {
    const response = liveStream(new Request('http://x/ask', { method: 'POST' }), async (send) => {
      send('token', 'Two\nlines')
      await new Promise((resolve) => setTimeout(resolve, 5))
      send('done', { answer: 'ok' })
    })
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    const events = await all(response)
    expect(events.map((event) => [event.event, JSON.parse(event.data)])).toEqual([
      ['token', 'Two\nlines'],
      ['done', { answer: 'ok' }],
    ])
  })

  it('ends with an error event when the producer throws', async () => {
    const response = liveStream(new Request('http://x/ask'), async (send) => {
      send('token', 'a')
      throw new Error('boom')
    })
    const events = await all(response)
    expect(events.map((event) => event.event)).toEqual(['token', 'error'])
    expect(JSON.parse(events[1]!.data)).toEqual({ message: 'boom', status: 500 })
  })

  it('aborts the producer when the client goes away', async () => {
    let aborted = false
    const response = liveStream(new Request('http://x/ask'), (_send, signal) => {
      return new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted = true
          resolve()
        })
      })
    })
    await response.body!.cancel()
    expect(aborted).toBe(true)
  })
})
