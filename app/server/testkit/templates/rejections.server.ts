/** Request validation (5) and error (4) templates: the API refuses what it must, and says so well. */
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import { generateFromSchema } from '../../specs/generate.server'
import type { SpecSchemas } from '../../specs/schemas.server'
import type { RunContext } from '../context.server'
import {
  bodyMediaType,
  bodyValue,
  encodeBody,
  enumQueryMutation,
  isIdentifierParam,
  mutateBody,
} from '../inputs.server'
import {
  errorSchemaFor,
  jsonContent,
  leakAssertion,
  operationPointer,
  rejectionAssertions,
  schemaAssertions,
  statusAssertion,
} from '../judge.server'
import { type Exchange, NotApplicable, type Probe } from '../model.server'
import {
  callable,
  dummyId,
  guard,
  isSecured,
  judged,
  noAnswer,
  unusable,
  requestWithAnyIds,
  requireCredentials,
  skipped,
  suiteCase,
  type TemplateImpl,
} from './base.server'

const JSON_BODY = /^application\/(.+\+)?json$/i

type Kind = 'missing-required' | 'wrong-type' | 'enum' | 'constraint'

function jsonBody(operation: NormalizedOperation) {
  const chosen = bodyMediaType(operation)
  return chosen && JSON_BODY.test(chosen[0].split(';')[0]!.trim()) ? chosen : null
}

/** The body mutation the template would send, worked out from the spec alone. */
function staticMutation(schemas: SpecSchemas, operation: NormalizedOperation, kind: Kind) {
  const chosen = kind === 'constraint' ? bodyMediaType(operation) : jsonBody(operation)
  if (!chosen) return null
  const [mediaType, media] = chosen
  const valid = bodyValue(operation, mediaType, media, schemas, operation.id)
  if (valid === undefined) return null
  return mutateBody(operation, mediaType, media.schema, valid, schemas, kind)
}

/** Sends the operation's valid request with its body (or query) changed, sharing the exchange by key. */
async function sendMutated(
  context: RunContext,
  operation: NormalizedOperation,
  kind: Kind | 'malformed' | 'media-type',
): Promise<{ exchange: Exchange; what: string }> {
  return context.memo(`mutated:${kind}:${operation.id}`, async () => {
    requireCredentials(context, operation)
    const request = await context.validRequest(operation)
    const body = request.inputs.body
    let probe: Probe = request.probe
    let what: string
    if (kind === 'malformed') {
      if (!body) throw new NotApplicable('The operation has no request body.')
      probe = { ...probe, body: { contentType: 'application/json', text: '{"copilot": ' } }
      what = 'a body cut mid-object'
    } else if (kind === 'media-type') {
      probe = {
        ...probe,
        body: {
          contentType: 'text/plain',
          text: 'copilot: plain text is not a documented media type',
        },
      }
      what = 'a text/plain body'
    } else {
      const mutation = body
        ? mutateBody(operation, body.mediaType, body.schema, body.value, context.schemas, kind)
        : null
      if (mutation && body) {
        probe = { ...probe, body: encodeBody(body.mediaType, mutation.value, body.encoding) }
        what = mutation.description
      } else if (kind === 'enum') {
        const query = enumQueryMutation(operation, context.schemas)
        if (!query) throw new NotApplicable('No enum in the body or the query.')
        probe = {
          ...probe,
          query: [
            ...probe.query.filter(([name]) => name !== query.param.name),
            [query.param.name, query.value],
          ],
        }
        what = `query “${query.param.name}” set to a value outside its enum`
      } else throw new NotApplicable('The schema offers no such mutation.')
    }
    const exchange = await context.send(probe, { label: what })
    return { exchange, what }
  })
}

function rejection(templateId: string, kind: Kind | 'malformed' | 'invalid-body'): TemplateImpl {
  return {
    id: templateId,
    instances: (spec, schemas) =>
      callable(spec)
        .filter((operation) => {
          if (kind === 'malformed') return Boolean(jsonBody(operation))
          if (kind === 'invalid-body') return Boolean(bodyMediaType(operation))
          if (kind === 'enum')
            return (
              Boolean(staticMutation(schemas, operation, 'enum')) ||
              Boolean(enumQueryMutation(operation, schemas))
            )
          return Boolean(staticMutation(schemas, operation, kind))
        })
        .map((operation) => suiteCase(templateId, operation)),
    run: (context, suite) =>
      guard(async () => {
        const operation = context.operation(suite.operationId)
        let sent
        if (kind === 'invalid-body') {
          const accepts = Object.keys(operation.requestBody?.content ?? {})
          const hasConstraint = staticMutation(context.schemas, operation, 'constraint')
          sent = hasConstraint
            ? await sendMutated(context, operation, 'constraint')
            : accepts.some((type) => /^text\/plain|^\*\/\*|^text\/\*/i.test(type))
              ? null
              : await sendMutated(context, operation, 'media-type')
          if (!sent) return skipped('The operation accepts any text: no invalid body to send.')
        } else sent = await sendMutated(context, operation, kind)
        const unanswered = unusable(sent.exchange)
        if (unanswered) return unanswered
        return judged(
          rejectionAssertions(context.spec, context.schemas, operation, sent.exchange, sent.what),
          [sent.exchange],
          `Sent ${sent.what}.`,
        )
      }),
  }
}

// ---- errors ----------------------------------------------------------------------

/** GET on an item path whose last segment is an identifier. */
function itemReads(spec: NormalizedSpec, schemas: SpecSchemas): NormalizedOperation[] {
  return callable(spec).filter((operation) => {
    if (operation.method !== 'GET') return false
    const last = /\/\{([^}]+)\}$/.exec(operation.path)?.[1]
    const param = operation.parameters.find((entry) => entry.in === 'path' && entry.name === last)
    return Boolean(param && isIdentifierParam(schemas, param)) && !answersList(operation, schemas)
  })
}

/**
 * A read that answers a bare array lists what belongs to its last identifier (Bitbucket's
 * /repositories/{username}); an unknown owner may rightly get an empty list.
 */
function answersList(operation: NormalizedOperation, schemas: SpecSchemas): boolean {
  const success = operation.responses.find((response) => /^2/.test(response.status))
  const schema = schemas.resolve(jsonContent(success)?.schema) as { type?: unknown } | undefined
  return Boolean(
    schema &&
    (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'))),
  )
}

/** An id that is well-formed for its schema and cannot exist. */
function unknownId(context: RunContext, operation: NormalizedOperation, name: string): string {
  const param = operation.parameters.find((entry) => entry.in === 'path' && entry.name === name)
  const schema = context.schemas.resolve(param?.schema)
  const record = schema && typeof schema === 'object' ? (schema as Record<string, unknown>) : {}
  const type = Array.isArray(record.type) ? record.type[0] : record.type
  if (type === 'integer' || type === 'number') {
    const maximum = typeof record.maximum === 'number' ? record.maximum : 2_147_483_000
    return String(Math.min(maximum, 2_147_483_000))
  }
  if (record.format === 'uuid') return 'f3c1e0d2-7b6a-4c59-9e8d-000000000404'
  const max = typeof record.maxLength === 'number' ? record.maxLength : 64
  const min = typeof record.minLength === 'number' ? record.minLength : 0
  const plain = 'copilot404missing0000000000000000000000000000000000000000000000000000'.slice(
    0,
    Math.max(min, Math.min(max, 25)),
  )
  const key = `${operation.id}:unknown-id:${name}`
  if (!param || context.schemas.check(key, param.schema, plain, 'request').length === 0)
    return plain
  // A pattern or format: an id of the right shape that the API cannot hold.
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = generateFromSchema(
      param.schema,
      context.schemas,
      `copilot-unknown-${attempt}`,
      'request',
    )
    if (
      typeof candidate === 'string' &&
      context.schemas.check(key, param.schema, candidate, 'request').length === 0
    )
      return candidate.replace(/[0-9]/g, '9').length === candidate.length &&
        context.schemas.check(key, param.schema, candidate.replace(/[0-9]/g, '9'), 'request')
          .length === 0
        ? candidate.replace(/[0-9]/g, '9')
        : candidate
  }
  return plain
}

/** Whether a stateful mock keeps the resource `operation` reads (a CRUD resource of the spec). */
function mockStores(context: RunContext, operation: NormalizedOperation): boolean {
  return (
    Boolean(context.init.mockStateful) &&
    operation.capabilities.some(
      (capability) =>
        capability.kind === 'crud' &&
        capability.evidence.some((entry) => entry.startsWith('schema ')),
    )
  )
}

async function notFoundExchange(context: RunContext, operation: NormalizedOperation) {
  return context.memo(`not-found:${operation.id}`, async () => {
    requireCredentials(context, operation)
    const last = /\/\{([^}]+)\}$/.exec(operation.path)![1]!
    const request = await context.validRequest(operation)
    const pathParams = { ...request.inputs.pathParams, [last]: unknownId(context, operation, last) }
    // Parent identifiers must be real for the missing one to be the only reason for a 404.
    const exchange = await context.send({ ...request.probe, pathParams }, { label: 'unknown id' })
    return exchange
  })
}

const notFound: TemplateImpl = {
  id: 'errors.not-found',
  instances: (spec, schemas) =>
    itemReads(spec, schemas).map((operation) => suiteCase('errors.not-found', operation)),
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      const exchange = await notFoundExchange(context, operation)
      const unanswered = unusable(exchange)
      if (unanswered) return unanswered
      const status = exchange.response!.status
      if (context.init.kind === 'mock' && status < 300 && !mockStores(context, operation))
        return skipped(
          context.init.mockStateful
            ? 'Not judged on a mock: it keeps only resources the spec lets it create (a POST on their collection), and answers reads of others with the documented example, whatever the id.'
            : 'Not judged on a mock that is not stateful: it answers every id with the documented example. Turn Stateful on in the mock’s settings to judge it.',
          [exchange],
        )
      return judged(
        [
          statusAssertion(
            'unknown resource is not found',
            exchange,
            '404 (or 410)',
            (status) => status === 404 || status === 410,
            operationPointer(operation),
          ),
        ],
        [exchange],
      )
    }),
}

const METHODS = ['GET', 'PATCH', 'PUT', 'POST', 'DELETE']

const isTemplate = (segment: string) => segment.includes('{')

/**
 * Whether a request to `path` (its parameters filled with made-up values) may be routed to
 * the template `other`: `/transfers/cancel` is also `/transfers/{id}`.
 */
export function mayRouteTo(path: string, other: string): boolean {
  const mine = path.split('/')
  const theirs = other.split('/')
  if (mine.length !== theirs.length) return false
  return mine.every((segment, index) => {
    const their = theirs[index]!
    if (isTemplate(segment)) return isTemplate(their)
    return isTemplate(their) || their === segment
  })
}

/**
 * Each path with a method it does not declare, and that no other path of the spec takes
 * there either (GET /transfers/cancel is a read of /transfers/{id}, not an undeclared method).
 */
function pathsWithUndeclared(spec: NormalizedSpec) {
  const byPath = new Map<string, NormalizedOperation[]>()
  for (const operation of callable(spec))
    byPath.set(operation.path, [...(byPath.get(operation.path) ?? []), operation])
  return [...byPath.entries()].flatMap(([path, operations]) => {
    const declared = new Set(operations.map((operation) => operation.method))
    const method = METHODS.find(
      (candidate) =>
        !declared.has(candidate) &&
        !spec.operations.some(
          (other) =>
            other.method === candidate && other.path !== path && mayRouteTo(path, other.path),
        ),
    )
    return method ? [{ path, method, operation: operations[0]! }] : []
  })
}

const methodNotAllowed: TemplateImpl = {
  id: 'errors.method-not-allowed',
  instances: (spec) =>
    pathsWithUndeclared(spec).map(({ path, method, operation }) =>
      suiteCase('errors.method-not-allowed', operation, {
        variant: method,
        data: { path, method },
        title: `Undeclared method → 405: ${method} ${path}`,
      }),
    ),
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      requireCredentials(context, operation)
      const method = String(suite.data?.method)
      const request = await requestWithAnyIds(context, operation)
      const pathParams: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.inputs.pathParams))
        pathParams[name] = /\{\{/.test(value) ? dummyId(context, operation, name) : value
      const probe: Probe = {
        method,
        path: operation.path,
        pathParams,
        query: [],
        headers: { accept: 'application/json' },
        ...(method === 'GET' || method === 'DELETE'
          ? {}
          : { body: { contentType: 'application/json', text: '{}' } }),
        auth: context.target.credentials ? 'valid' : 'none',
        operationId: operation.id,
      }
      const exchange = await context.send(probe, { label: 'undeclared method' })
      const unanswered = unusable(exchange)
      if (unanswered) return unanswered
      const allow = exchange.response!.headers.allow
      return judged(
        [
          statusAssertion(
            'method not allowed',
            exchange,
            '405',
            (status) => status === 405,
            `#/paths/${operation.path.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          ),
          {
            name: 'Allow header lists the methods',
            passed: exchange.response!.status !== 405 || Boolean(allow),
            expected: 'an Allow header on the 405',
            actual: allow ? `Allow: ${allow}` : 'no Allow header',
            severity: 'warning',
          },
        ],
        [exchange],
      )
    }),
}

/** The error an operation can be made to answer: invalid body, unknown id, or no credentials. */
async function provokedError(
  context: RunContext,
  operation: NormalizedOperation,
): Promise<{ exchange: Exchange; how: string }> {
  if (staticMutation(context.schemas, operation, 'missing-required')) {
    const sent = await sendMutated(context, operation, 'missing-required')
    return { exchange: sent.exchange, how: sent.what }
  }
  if (jsonBody(operation)) {
    const sent = await sendMutated(context, operation, 'malformed')
    return { exchange: sent.exchange, how: sent.what }
  }
  if (itemReads(context.spec, context.schemas).includes(operation))
    return { exchange: await notFoundExchange(context, operation), how: 'an unknown id' }
  if (isSecured(operation)) {
    const request = await requestWithAnyIds(context, operation)
    const exchange = await context.send(
      { ...request.probe, auth: 'none' },
      { share: `none-credentials:${operation.id}`, label: 'none credentials' },
    )
    return { exchange, how: 'no credentials' }
  }
  throw new NotApplicable('The suite has no way to make this operation answer an error.')
}

function canProvoke(spec: NormalizedSpec, schemas: SpecSchemas, operation: NormalizedOperation) {
  return (
    Boolean(jsonBody(operation)) ||
    itemReads(spec, schemas).includes(operation) ||
    isSecured(operation)
  )
}

function documentsErrorSchema(operation: NormalizedOperation) {
  return operation.responses.some(
    (response) =>
      (/^4/.test(response.status) || response.status === 'default') &&
      Object.values(response.content).some((media) => media.schema),
  )
}

const errorSchema: TemplateImpl = {
  id: 'errors.error-schema',
  instances: (spec, schemas) =>
    callable(spec)
      .filter(
        (operation) => documentsErrorSchema(operation) && canProvoke(spec, schemas, operation),
      )
      .map((operation) => suiteCase('errors.error-schema', operation)),
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      const { exchange, how } = await provokedError(context, operation)
      const unanswered = unusable(exchange)
      if (unanswered) return unanswered
      const status = exchange.response!.status
      if (status < 400)
        return skipped(
          `Not judged: ${how} was answered ${status}, not an error (see the other cases).`,
          [exchange],
        )
      if (!errorSchemaFor(operation, status))
        return skipped(`Not judged: the spec documents no error schema for ${status}.`, [exchange])
      const assertions = schemaAssertions(context.spec, context.schemas, operation, exchange, {
        name: 'error body in the documented shape',
      })
      if (!assertions)
        return skipped(`Not judged: ${status} has no JSON schema for this media type.`, [exchange])
      return judged(assertions, [exchange], `Provoked with ${how}.`)
    }),
}

const noLeaks: TemplateImpl = {
  id: 'errors.no-leaks',
  instances: (spec, schemas) =>
    callable(spec)
      .filter((operation) => canProvoke(spec, schemas, operation))
      .map((operation) => suiteCase('errors.no-leaks', operation)),
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      const exchanges: Exchange[] = []
      // Malformed input is the likeliest to reach an unhandled parser error.
      if (jsonBody(operation)) {
        try {
          exchanges.push((await sendMutated(context, operation, 'malformed')).exchange)
        } catch {
          // needs configuration: try the other provocations
        }
      }
      try {
        const provoked = await provokedError(context, operation)
        if (!exchanges.includes(provoked.exchange)) exchanges.push(provoked.exchange)
      } catch (error) {
        if (exchanges.length === 0) throw error
      }
      const answered = exchanges.filter((exchange) => exchange.response)
      if (answered.length === 0) return noAnswer(exchanges[0]!)!
      return judged(answered.map(leakAssertion), answered)
    }),
}

export const REJECTION_TEMPLATES: TemplateImpl[] = [
  rejection('request-validation.missing-required', 'missing-required'),
  rejection('request-validation.wrong-type', 'wrong-type'),
  rejection('request-validation.enum', 'enum'),
  rejection('request-validation.malformed-json', 'malformed'),
  rejection('request-validation.invalid-body', 'invalid-body'),
  notFound,
  methodNotAllowed,
  errorSchema,
  noLeaks,
]
