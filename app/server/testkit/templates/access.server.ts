/** Connectivity (3) and authentication (5) templates. */
import net from 'node:net'
import type { NormalizedOperation } from '~/shared/normalized-spec'
import type { RunContext } from '../context.server'
import {
  documentedResponse,
  operationPointer,
  responsePointer,
  schemaAssertions,
  statusAssertion,
} from '../judge.server'
import type { Exchange, Probe } from '../model.server'
import {
  callable,
  guard,
  isSecured,
  judged,
  noAnswer,
  requestWithAnyIds,
  requestWithMadeUpIds,
  requireCredentials,
  skipped,
  suiteCase,
  type TemplateImpl,
} from './base.server'

// ---- connectivity ------------------------------------------------------------

/** A read that needs nothing: a GET without path or required parameters, else the base URL. */
function reachProbe(context: RunContext): Probe {
  const read = callable(context.spec).find(
    (operation) =>
      operation.method === 'GET' &&
      !operation.parameters.some((param) => param.in === 'path' || param.required) &&
      (!isSecured(operation) || context.target.credentials),
  )
  return {
    method: 'GET',
    path: read?.path ?? '',
    pathParams: {},
    query: [],
    headers: {},
    auth: read ? 'valid' : 'none',
    operationId: read?.id,
  }
}

function reach(context: RunContext): Promise<Exchange> {
  return context.send(reachProbe(context), { share: 'reach', label: 'reachability' })
}

const reachable: TemplateImpl = {
  id: 'connectivity.reachable',
  instances: () => [suiteCase('connectivity.reachable', null)],
  run: (context) =>
    guard(async () => {
      const exchange = await reach(context)
      return judged(
        [
          {
            name: 'an HTTP answer',
            passed: Boolean(exchange.response),
            expected: `any HTTP response from ${context.target.baseUrl}`,
            actual: exchange.response
              ? `HTTP ${exchange.response.status}`
              : `${exchange.error?.code}: ${exchange.error?.message}`,
          },
        ],
        [exchange],
      )
    }),
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (!net.isIP(host)) return false
  return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|f[cd])/i.test(host)
}

const tls: TemplateImpl = {
  id: 'connectivity.tls',
  instances: () => [suiteCase('connectivity.tls', null)],
  run: (context) =>
    guard(async () => {
      if (context.init.kind === 'mock') return skipped('Mocks are not judged on TLS.')
      const url = new URL(context.target.baseUrl)
      if (url.protocol === 'http:') {
        if (context.target.allowPrivate && isPrivateHost(url.hostname))
          return skipped(
            'Plain HTTP to a private address this environment may reach: TLS is not judged.',
          )
        return judged(
          [
            {
              name: 'served over HTTPS',
              passed: false,
              expected: 'an https:// base URL with a valid certificate',
              actual: `${url.origin} (plain HTTP)`,
            },
          ],
          [],
        )
      }
      const exchange = await reach(context)
      const tlsError =
        !exchange.response &&
        /certificate|self.signed|SSL|TLS|CERT_|unable to verify|altnames/i.test(
          exchange.error?.message ?? '',
        )
      if (!exchange.response && !tlsError) return noAnswer(exchange)!
      return judged(
        [
          {
            name: 'TLS handshake with verification',
            passed: !tlsError,
            expected: 'a certificate trusted for the host name',
            actual: tlsError ? (exchange.error?.message ?? 'handshake failed') : 'verified',
          },
        ],
        [exchange],
      )
    }),
}

const latency: TemplateImpl = {
  id: 'connectivity.latency',
  instances: () => [suiteCase('connectivity.latency', null)],
  run: (context) =>
    guard(async () => {
      const exchange = await reach(context)
      const unanswered = noAnswer(exchange)
      if (unanswered) return unanswered
      const budget = context.init.options.latencyBudgetMs
      return judged(
        [
          {
            name: 'within the latency budget',
            passed: exchange.durationMs <= budget,
            expected: `at most ${budget} ms`,
            actual: `${exchange.durationMs} ms`,
          },
        ],
        [exchange],
      )
    }),
}

// ---- authentication --------------------------------------------------------------

function securedOperations(context: { spec: RunContext['spec'] }): NormalizedOperation[] {
  return callable(context.spec).filter(isSecured)
}

/** 401, or 403 where the operation documents 403 and not 401. */
function refusalStatuses(operation: NormalizedOperation): number[] {
  const documents = (code: string) =>
    operation.responses.some((response) => response.status === code)
  return !documents('401') && documents('403') ? [401, 403] : [401]
}

async function unauthenticated(
  context: RunContext,
  operation: NormalizedOperation,
  mode: 'none' | 'wrong',
): Promise<Exchange> {
  // A write is sent with made-up ids: an API that ignores credentials must not destroy real data.
  const request = /^(GET|HEAD)$/.test(operation.method)
    ? await requestWithAnyIds(context, operation)
    : await requestWithMadeUpIds(context, operation)
  return context.send(
    { ...request.probe, auth: mode },
    { share: `${mode}-credentials:${operation.id}`, label: `${mode} credentials` },
  )
}

function refusedCase(templateId: string, mode: 'none' | 'wrong'): TemplateImpl {
  return {
    id: templateId,
    instances: (spec) =>
      securedOperations({ spec }).map((operation) => suiteCase(templateId, operation)),
    run: (context, suite) =>
      guard(async () => {
        const operation = context.operation(suite.operationId)
        if (mode === 'wrong' && context.init.mockAcceptsAnyCredential)
          return skipped(
            'Not judged: this mock accepts any well-formed credential. Set the credential it accepts on the mock’s page (and the same on this environment) to judge it.',
          )
        const exchange = await unauthenticated(context, operation, mode)
        const unanswered = noAnswer(exchange)
        if (unanswered) return unanswered
        const allowed = refusalStatuses(operation)
        return judged(
          [
            statusAssertion(
              mode === 'none' ? 'refused without credentials' : 'refused with a wrong credential',
              exchange,
              allowed.join(' or '),
              (status) => allowed.includes(status),
              operationPointer(operation),
            ),
          ],
          [exchange],
        )
      }),
  }
}

const noCredentials = refusedCase('authentication.no-credentials', 'none')
const wrongCredentials = refusedCase('authentication.wrong-credentials', 'wrong')

const forbidden: TemplateImpl = {
  id: 'authentication.forbidden',
  instances: (spec) =>
    securedOperations({ spec })
      .filter((operation) => operation.responses.some((response) => response.status === '403'))
      .map((operation) => suiteCase('authentication.forbidden', operation)),
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      // A resource of its own: a delete by the valid request must not remove it first.
      const request = await context.validRequest(operation, { dedicated: 'forbidden' })
      const exchange = await context.send(
        { ...request.probe, auth: 'forbidden' },
        { label: 'forbidden credential' },
      )
      const unanswered = noAnswer(exchange)
      if (unanswered) return unanswered
      return judged(
        [
          statusAssertion(
            'refused for lack of permission',
            exchange,
            '403',
            (status) => status === 403,
            `${operationPointer(operation)}/responses/403`,
          ),
        ],
        [exchange],
      )
    }),
}

const validCredentials: TemplateImpl = {
  id: 'authentication.valid-credentials',
  instances: (spec) =>
    securedOperations({ spec }).map((operation) =>
      suiteCase('authentication.valid-credentials', operation),
    ),
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      requireCredentials(context, operation)
      const { exchange, request } = await context.positive(operation)
      const unanswered = noAnswer(exchange)
      if (unanswered) return unanswered
      const status = exchange.response!.status
      const assertions = [
        statusAssertion(
          'credentials accepted',
          exchange,
          'not 401 or 403',
          (code) => code !== 401 && code !== 403,
          operationPointer(operation),
        ),
      ]
      // A complete, known-valid read must succeed outright: a 2xx, or a redirect it documents
      // (Twilio's Deactivations answers 307 to the file).
      const succeeded = (code: number) =>
        (code >= 200 && code < 300) ||
        (code >= 300 && code < 400 && Boolean(documentedResponse(operation, code)))
      const mustSucceed = request.knownIds && operation.method === 'GET'
      if (mustSucceed || succeeded(status))
        assertions.push(
          statusAssertion(
            'a successful answer',
            exchange,
            operation.responses.some((response) => /^3/.test(response.status))
              ? '2xx or a documented 3xx'
              : '2xx',
            succeeded,
          ),
        )
      return judged(assertions, [exchange])
    }),
}

const challenge: TemplateImpl = {
  id: 'authentication.challenge',
  instances: (spec) =>
    securedOperations({ spec }).map((operation) =>
      suiteCase('authentication.challenge', operation),
    ),
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      const exchange = await unauthenticated(context, operation, 'none')
      const unanswered = noAnswer(exchange)
      if (unanswered) return unanswered
      if (exchange.response!.status !== 401)
        return skipped(
          `Not judged: the request without credentials was answered ${exchange.response!.status}, not 401.`,
          [exchange],
        )
      const header = exchange.response!.headers['www-authenticate']
      const documented = documentedResponse(operation, 401)
      const body = documented
        ? schemaAssertions(context.spec, context.schemas, operation, exchange, {
            name: 'documented 401 body',
          })
        : null
      const bodyOk = body ? body.every((assertion) => assertion.passed) : false
      return judged(
        [
          {
            name: 'says how to authenticate',
            passed: Boolean(header) || bodyOk,
            expected: documented
              ? `a WWW-Authenticate header, or a body valid against ${responsePointer(context.spec, operation, documented)}`
              : 'a WWW-Authenticate header',
            actual: header
              ? `WWW-Authenticate: ${header}`
              : body
                ? `no WWW-Authenticate; body: ${body.map((assertion) => assertion.actual).join('; ')}`
                : 'no WWW-Authenticate header, and no documented 401 body to match',
            pointer: documented
              ? responsePointer(context.spec, operation, documented)
              : operationPointer(operation),
          },
        ],
        [exchange],
      )
    }),
}

export const ACCESS_TEMPLATES: TemplateImpl[] = [
  reachable,
  tls,
  latency,
  noCredentials,
  wrongCredentials,
  forbidden,
  validCredentials,
  challenge,
]
