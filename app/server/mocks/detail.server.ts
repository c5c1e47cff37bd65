/**
 * What the mock page shows: the mock, its settings (credentials masked), its
 * webhooks (secret and targets masked), and a page of its request log.
 * Reads only: a page load never creates or changes anything.
 */
import { maskSecret, maskUrl } from '../crypto.server'
import { db } from '../db.server'
import { readNormalized } from '../specs/store.server'
import { getMock, mockUrls } from './service.server'
import { getSupervisor, readMockConfig } from './supervisor.server'
import { maskedWebhookSecret, webhookEvents, webhookTarget } from './webhooks.server'

export const LOG_PAGE = 50

/**
 * A page of the request log, newest first: `?problems=1` keeps 4xx/5xx answers,
 * `?before=<entry id>` continues after that entry.
 */
export async function readRequestLog(mockId: string, search: URLSearchParams) {
  const problemsOnly = search.get('problems') === '1'
  const before = search.get('before')
  const cursor = before
    ? await db.mockRequestLog.findFirst({ where: { id: before, mockId }, select: { at: true } })
    : null
  const entries = await db.mockRequestLog.findMany({
    where: {
      mockId,
      ...(problemsOnly ? { status: { gte: 400 } } : {}),
      ...(cursor
        ? { OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: before! } }] }
        : {}),
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: LOG_PAGE + 1,
  })
  const more = entries.length > LOG_PAGE
  const page = entries.slice(0, LOG_PAGE)
  return {
    problemsOnly,
    paged: Boolean(cursor),
    older: more ? page[page.length - 1]!.id : null,
    entries: page.map((entry) => {
      const request = JSON.parse(entry.request) as { query?: unknown }
      return {
        id: entry.id,
        at: entry.at.toISOString(),
        method: entry.method,
        path: entry.path,
        status: entry.status,
        durationMs: entry.durationMs,
        operationId: entry.operationId,
        query: typeof request.query === 'string' ? request.query : '',
        violations: JSON.parse(entry.violations) as { location: string; message: string }[],
        request,
        response: JSON.parse(entry.response) as unknown,
      }
    }),
  }
}

export type Attempt = {
  at: string
  status: number | null
  error: string | null
  durationMs: number
}

/** The mock page's data, or null when the mock is not in this project. */
export async function mockDetail(
  projectId: string,
  mockId: string,
  { search, appOrigin }: { search: URLSearchParams; appOrigin: string },
) {
  const mock = await getMock(projectId, mockId)
  if (!mock) return null
  const version = await db.specVersion.findUniqueOrThrow({
    where: { id: mock.specVersionId },
    select: { normalized: true },
  })
  const spec = readNormalized(version)
  const schemes = Object.values(spec.securitySchemes).filter(
    (scheme) => scheme.kind !== 'mutualTLS',
  )
  const config = readMockConfig(mock.config)
  const log = await readRequestLog(mock.id, search)
  const memory = getSupervisor().memoryOf(mock.id)
  const events = webhookEvents(spec).map((event) => event.name)
  const deliveries = events.length
    ? await db.webhookDelivery.findMany({
        where: { mockId: mock.id },
        orderBy: { createdAt: 'desc' },
        take: 20,
      })
    : []
  const target = events.length ? await webhookTarget(mock.id) : null
  return {
    mock: {
      id: mock.id,
      spec: `${mock.specVersion.spec.name} v${mock.specVersion.number}`,
      status: mock.status,
      lastError: mock.lastError,
      startedAt: mock.startedAt?.toISOString() ?? null,
      requestCount: mock.requestCount,
      memoryMb: memory ? Math.round(memory / 1024 / 1024) : null,
      ...mockUrls(mock, appOrigin),
    },
    config: {
      stateful: config.stateful,
      idempotencyKeyOnPost: config.idempotencyKeyOnPost,
      rateLimit: config.rateLimit,
      latency: config.latency,
      errorRatePercent: Math.round(config.errorRate * 100),
      corsOrigins: config.corsOrigins,
      credentials: schemes.map((scheme) => ({
        scheme: scheme.name,
        kind: scheme.kind,
        masked: config.credentials[scheme.name]
          ? maskSecret(config.credentials[scheme.name]!)
          : null,
      })),
    },
    webhooks: events.length
      ? {
          events,
          target: target ? maskUrl(target) : null,
          secret: await maskedWebhookSecret(mock.id),
          deliveries: deliveries.map((delivery) => ({
            id: delivery.id,
            event: delivery.event,
            // Masked again: rows stored before targets were fully masked kept their path.
            target: maskUrl(delivery.target),
            status: delivery.status,
            createdAt: delivery.createdAt.toISOString(),
            attempts: JSON.parse(delivery.attempts) as Attempt[],
          })),
        }
      : null,
    log: { problemsOnly: log.problemsOnly, older: log.older, paged: log.paged },
    requests: log.entries,
  }
}
