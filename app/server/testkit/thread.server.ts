/** The execution thread of a run: a RunContext and executeCases, talking to the recorder by messages. */
import { setMaxListeners } from 'node:events'
import type { MessagePort } from 'node:worker_threads'
import { SpecSchemas } from '../specs/schemas.server'
import { type ReceivedWebhook, RunContext } from './context.server'
import { executeCases } from './execute.server'
import { Pacer } from './probe.server'
import { toRecorded } from './recording.server'
import type { FromThread, ThreadInput, ToThread } from './thread-protocol'

export function runThread(port: MessagePort, input: ThreadInput) {
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
    // Capped and serialised here: the recorder's thread only writes.
    onResult: (result) => send({ type: 'result', result: toRecorded(result) }),
  })
    .then(() => send({ type: 'done' }))
    .catch((error: unknown) =>
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    )
    .finally(() => port.close())
}
