/** The execution thread of a run: a RunContext and executeCases, talking to the recorder by messages. */
import { setMaxListeners } from 'node:events'
import type { MessagePort } from 'node:worker_threads'
import { RUN_THREAD_NICENESS, yieldCpuInThisThread } from '../priority.server'
import { SpecSchemas } from '../specs/schemas.server'
import { type ReceivedWebhook, RunContext } from './context.server'
import { executeCases } from './execute.server'
import { Pacer } from './probe.server'
import { type RecordedResult, toRecorded } from './recording.server'
import type { FromThread, ThreadInput, ToThread } from './thread-protocol'

/** How long a result may wait in the thread for others to share its message. */
const OUTBOX_MS = 2

export function runThread(port: MessagePort, input: ThreadInput) {
  yieldCpuInThisThread(RUN_THREAD_NICENESS)
  const send = (message: FromThread) => port.postMessage(message)
  const controller = new AbortController()
  setMaxListeners(0, controller.signal)
  let nextRequest = 0
  const waiting = new Map<number, (received: ReceivedWebhook[]) => void>()
  port.on('message', (message: ToThread) => {
    if (message.type === 'abort') controller.abort()
    if (message.type === 'webhooks') {
      waiting.get(message.id)?.(message.received)
      waiting.delete(message.id)
    }
  })
  let outbox: RecordedResult[] = []
  let lastSent = 0
  const sendResults = () => {
    if (outbox.length === 0) return
    send({ type: 'results', results: outbox })
    outbox = []
    lastSent = performance.now()
  }
  const { spec } = input
  const schemas = new SpecSchemas(spec)
  const context = new RunContext({
    spec,
    schemas,
    target: {
      ...input.target,
      timeoutMs: input.options.timeoutMs,
      pacer: new Pacer(input.options.requestsPerSecond),
      signal: controller.signal,
      schemeOf: (operationId) => {
        const name = spec.operations.find((operation) => operation.id === operationId)
          ?.security[0]?.[0]?.scheme
        return name ? spec.securitySchemes[name] : undefined
      },
    },
    kind: input.kind,
    options: input.options,
    webhookReceiver: input.webhookReceiver,
    mockAcceptsAnyCredential: input.mockAcceptsAnyCredential,
    mockStateful: input.mockStateful,
    webhooks: () =>
      new Promise((resolve) => {
        const id = ++nextRequest
        waiting.set(id, resolve)
        send({ type: 'webhooks', id })
      }),
  })
  executeCases(context, input.planned, {
    concurrency: input.options.concurrency,
    signal: controller.signal,
    // Capped and serialised here: the recorder's thread only writes. A result goes at once
    // unless one went less than OUTBOX_MS ago; then it waits (at most until this turn of the
    // event loop ends) to share a message, so a burst costs the recorder a few messages, not
    // one per case.
    onResult: (result) => {
      outbox.push(toRecorded(result))
      if (performance.now() - lastSent >= OUTBOX_MS) sendResults()
      else if (outbox.length === 1) setImmediate(sendResults)
    },
  })
    .then(() => {
      sendResults()
      send({ type: 'done' })
    })
    .catch((error: unknown) => {
      sendResults()
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
    })
    .finally(() => port.close())
}
