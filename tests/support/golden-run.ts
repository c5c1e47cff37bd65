/** Runs the golden suite of a spec against a base URL in-process (no database): for template tests. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type EnvironmentAuth,
  type EnvironmentOptions,
  resolveOptions,
} from '~/shared/environment-schemas'
import type { Category, Level } from '~/shared/golden-templates'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { resolveCredentials } from '~/server/environments/credentials.server'
import { matchEvent } from '~/server/environments/events.server'
import { verifySignature } from '~/server/environments/signatures.server'
import { analyzeSpec } from '~/server/specs/analyze.server'
import { SpecSchemas } from '~/server/specs/schemas.server'
import { singleFileSource } from '~/server/specs/source.server'
import { type ReceivedWebhook, RunContext } from '~/server/testkit/context.server'
import { type CaseResult, executeCases } from '~/server/testkit/execute.server'
import { generateSuite } from '~/server/testkit/generate.server'
import { Pacer } from '~/server/testkit/probe.server'
import { planCases } from '~/server/testkit/profiles.server'

export async function specFrom(yaml: string): Promise<NormalizedSpec> {
  return (await analyzeSpec(singleFileSource(yaml, 'openapi.yaml'))).spec
}

/** A receiver like /hooks/<environmentId>: verifies and matches every delivery. */
export async function startReceiver(spec: NormalizedSpec, secret: string) {
  const schemas = new SpecSchemas(spec)
  const received: ReceivedWebhook[] = []
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      )
      const verification = verifySignature('standard', secret, headers, body)
      const match = matchEvent(spec, schemas, body)
      received.push({
        headers,
        body,
        signed: verification.signed,
        verified: verification.verified,
        verifyReason: verification.reason,
        eventName: match.eventName,
        valid: match.valid,
        violations: match.violations,
      })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/test`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type GoldenRun = {
  results: CaseResult[]
  failed: string[]
  byTemplate: Map<string, CaseResult[]>
}

export async function runGolden(
  spec: NormalizedSpec,
  {
    baseUrl,
    token,
    variables = {},
    options = {},
    webhooks,
    categories = [],
    level = 'required',
    kind = 'sandbox',
    auth,
    mockAcceptsAnyCredential,
    mockStateful,
  }: {
    baseUrl: string
    token?: string
    variables?: Record<string, string>
    options?: EnvironmentOptions
    webhooks?: () => ReceivedWebhook[]
    categories?: Category[]
    level?: Exclude<Level, 'na'>
    /** `mock` judges as a run on the project's mock does (no TLS, no webhook receiver). */
    kind?: 'mock' | 'sandbox' | 'uat'
    /** The credential as an environment stores it; `token` is a bearer shorthand. */
    auth?: EnvironmentAuth | null
    mockAcceptsAnyCredential?: boolean
    mockStateful?: boolean
  },
): Promise<GoldenRun> {
  const resolved = resolveOptions('sandbox', { requestsPerSecond: 0, concurrency: 4, ...options })
  const schemas = new SpecSchemas(spec)
  const credentials = await resolveCredentials(
    auth ?? (token ? { type: 'bearer', token } : null),
    true,
  )
  const context = new RunContext({
    spec,
    schemas,
    target: {
      baseUrl,
      allowPrivate: true,
      timeoutMs: resolved.timeoutMs,
      credentials,
      variables,
      pacer: new Pacer(resolved.requestsPerSecond),
      signal: new AbortController().signal,
      secretNames: [],
      secretValues: credentials?.secretValues ?? [],
      schemeOf: (operationId) => {
        const name = spec.operations.find((operation) => operation.id === operationId)
          ?.security[0]?.[0]?.scheme
        return name ? spec.securitySchemes[name] : undefined
      },
    },
    kind,
    options: resolved,
    mockAcceptsAnyCredential,
    mockStateful,
    webhookReceiver: Boolean(webhooks),
    ...(webhooks ? { webhooks: async () => webhooks() } : {}),
  })
  const levels = new Proxy({}, { get: () => new Proxy({}, { get: () => level }) }) as Record<
    string,
    Record<string, Level>
  >
  const planned = planCases(generateSuite(spec, schemas), levels, categories)
  const results: CaseResult[] = []
  await executeCases(context, planned, {
    concurrency: resolved.concurrency,
    signal: new AbortController().signal,
    onResult: (result) => void results.push(result),
  })
  const byTemplate = new Map<string, CaseResult[]>()
  for (const result of results)
    byTemplate.set(result.plannedCase.templateId, [
      ...(byTemplate.get(result.plannedCase.templateId) ?? []),
      result,
    ])
  const failed = [
    ...new Set(
      results
        .filter((result) => result.outcome.verdict === 'failed')
        .map((result) => result.plannedCase.templateId),
    ),
  ].sort()
  return { results, failed, byTemplate }
}

/** A readable line per failed or errored case, for assertion messages. */
export function explain(run: GoldenRun): string {
  return run.results
    .filter((result) => result.outcome.verdict === 'failed' || result.outcome.verdict === 'errored')
    .map((result) => {
      const failing = result.outcome.assertions.filter(
        (assertion) => !assertion.passed && assertion.severity !== 'warning',
      )
      return `${result.outcome.verdict} ${result.plannedCase.key}: ${result.outcome.reason ?? ''} ${failing.map((assertion) => `[${assertion.name}: expected ${assertion.expected}, got ${assertion.actual}]`).join(' ')}`
    })
    .join('\n')
}
