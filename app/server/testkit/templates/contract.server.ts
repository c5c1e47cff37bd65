/** Contract templates (5): judged on one shared exchange per operation, its valid request. */
import type { NormalizedOperation } from '~/shared/normalized-spec'
import type { RunContext } from '../context.server'
import {
  documentedContent,
  documentedResponse,
  documentedStatuses,
  operationPointer,
  responsePointer,
  schemaAssertions,
} from '../judge.server'
import type { Assertion, CaseOutcome, Exchange } from '../model.server'
import { REDACTED } from '../../redact.server'
import { mediaTypeOf } from '../probe.server'
import {
  callable,
  guard,
  judged,
  noAnswer,
  requireCredentials,
  skipped,
  suiteCase,
  type TemplateImpl,
} from './base.server'

type Judge = (
  context: RunContext,
  operation: NormalizedOperation,
  exchange: Exchange,
) => CaseOutcome

/** Runs `judge` on the operation's valid exchange, unless that answer cannot be judged. */
function onPositive(templateId: string, judge: Judge): TemplateImpl {
  return {
    id: templateId,
    instances: (spec) => callable(spec).map((operation) => suiteCase(templateId, operation)),
    run: (context, suite) =>
      guard(async () => {
        const operation = context.operation(suite.operationId)
        requireCredentials(context, operation)
        const { exchange, request } = await context.positive(operation)
        const unanswered = noAnswer(exchange)
        if (unanswered) return unanswered
        const status = exchange.response!.status
        if (status === 429)
          return skipped('Not judged: the API kept answering 429 (rate limited) after waiting.', [
            exchange,
          ])
        if (status === 404 && !request.knownIds && !documentedResponse(operation, 404))
          return skipped(
            'Not judged: 404 for an id the suite could not get from the API or a test variable.',
            [exchange],
          )
        if ((status === 401 || status === 403) && templateId !== 'contract.status-documented')
          return skipped(
            `Not judged: the credentials were refused (${status}); see the authentication cases.`,
            [exchange],
          )
        return judge(context, operation, exchange)
      }),
  }
}

const statusDocumented = onPositive(
  'contract.status-documented',
  (_context, operation, exchange) => {
    const status = exchange.response!.status
    if (operation.responses.length === 0)
      return skipped(
        `Not judged: ${operationPointer(operation)} documents no response (OpenAPI 3.1 allows that), so any status is its own.`,
        [exchange],
      )
    const documented = documentedResponse(operation, status)
    return judged(
      [
        {
          name: 'status documented',
          passed: Boolean(documented),
          expected: `one of ${documentedStatuses(operation)}`,
          actual: String(status),
          pointer: `${operationPointer(operation)}/responses`,
        },
      ],
      [exchange],
    )
  },
)

const contentType = onPositive('contract.content-type', (context, operation, exchange) => {
  const response = exchange.response!
  const documented = documentedResponse(operation, response.status)
  if (!documented)
    return skipped(`Not judged: status ${response.status} is not documented.`, [exchange])
  const types = Object.keys(documented.content)
  const pointer = responsePointer(context.spec, operation, documented)
  const actual = mediaTypeOf(exchange)
  const empty = response.body.length === 0
  if (types.length === 0) {
    if (empty || response.status === 204)
      return judged([], [exchange], 'No content is documented, and none came.')
    return skipped(`Not judged: ${pointer} documents no content.`, [exchange])
  }
  if (empty && (response.status === 204 || exchange.request.method === 'HEAD'))
    return judged([], [exchange], 'No body, as the status requires.')
  const assertions: Assertion[] = [
    {
      name: 'Content-Type documented',
      passed: Boolean(actual) && Boolean(documentedContent(documented, actual)),
      expected: types.join(' or '),
      actual: actual || (empty ? 'no Content-Type and no body' : 'no Content-Type header'),
      pointer: `${pointer}/content`,
    },
  ]
  return judged(assertions, [exchange])
})

const schema = onPositive('contract.schema', (context, operation, exchange) => {
  const assertions = schemaAssertions(context.spec, context.schemas, operation, exchange, {
    name: 'body valid against the schema',
  })
  if (!assertions)
    return skipped(
      `Not judged: no JSON schema is documented for status ${exchange.response!.status} and ${mediaTypeOf(exchange) || 'this media type'}.`,
      [exchange],
    )
  return judged(assertions, [exchange])
})

function headerValue(schemaType: unknown, raw: string): unknown {
  const type = Array.isArray(schemaType) ? schemaType[0] : schemaType
  if (type === 'integer' || type === 'number')
    return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw
  if (type === 'array') return raw.split(',').map((item) => item.trim())
  return raw
}

const headers = onPositive('contract.headers', (context, operation, exchange) => {
  const response = exchange.response!
  const documented = documentedResponse(operation, response.status)
  if (!documented)
    return skipped(`Not judged: status ${response.status} is not documented.`, [exchange])
  const entries = Object.entries(documented.headers).filter(
    ([name]) => name.toLowerCase() !== 'content-type',
  )
  if (entries.length === 0)
    return skipped('Not judged: no response header is documented for this status.', [exchange])
  const pointer = `${responsePointer(context.spec, operation, documented)}/headers`
  const assertions: Assertion[] = []
  for (const [name, header] of entries) {
    const raw = response.headers[name.toLowerCase()]
    if (raw === undefined) {
      if (header.required)
        assertions.push({
          name: `header ${name} present`,
          passed: false,
          expected: `${name} (required)`,
          actual: 'absent',
          pointer: `${pointer}/${name}`,
        })
      continue
    }
    if (raw === REDACTED) {
      // A credential-like header is recorded redacted: present, its value not the suite's to read.
      assertions.push({
        name: `header ${name} present`,
        passed: true,
        expected: name,
        actual: REDACTED,
        pointer: `${pointer}/${name}`,
      })
      continue
    }
    const resolved = context.schemas.resolve(header.schema)
    const type = resolved && typeof resolved === 'object' ? resolved.type : undefined
    const violations = context.schemas.check(
      `${operation.id}:header:${documented.status}:${name}`,
      header.schema,
      headerValue(type, raw),
      'response',
      `header.${name}`,
    )
    assertions.push({
      name: `header ${name} valid`,
      passed: violations.length === 0,
      expected: `${name} matching its schema`,
      actual: violations.length
        ? `${raw}: ${violations.map((violation) => violation.message).join('; ')}`
        : raw,
      pointer: `${pointer}/${name}`,
    })
  }
  if (assertions.length === 0)
    return judged([], [exchange], 'No required header; the optional ones are absent.')
  return judged(assertions, [exchange])
})

const requiredFields = onPositive('contract.required-fields', (context, operation, exchange) => {
  const assertions = schemaAssertions(context.spec, context.schemas, operation, exchange, {
    name: 'required fields present',
    requiredOnly: true,
  })
  if (!assertions)
    return skipped(
      `Not judged: no JSON body with a schema for status ${exchange.response!.status}.`,
      [exchange],
    )
  return judged(assertions, [exchange])
})

export const CONTRACT_TEMPLATES: TemplateImpl[] = [
  statusDocumented,
  contentType,
  schema,
  headers,
  requiredFields,
]
