/** Webhooks (3), resilience (3) and the workflow category (CRUD round trips and OpenAPI links). */
import { resolvePointer } from '~/shared/json-pointer'
import type { JsonSchema, NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import type { SpecSchemas } from '../../specs/schemas.server'
import { extractId, type ReceivedWebhook, type RunContext } from '../context.server'
import {
  collectionCreate,
  isIdentifierParam,
  looseName as loose,
  objectSchema,
  toProbe,
  validInputs,
} from '../inputs.server'
import { documentedResponse, jsonContent, operationPointer, statusAssertion } from '../judge.server'
import { type Assertion, type Exchange, NotApplicable } from '../model.server'
import { sleep } from '../probe.server'
import {
  callable,
  guard,
  judged,
  noAnswer,
  refused,
  unusable,
  requireCredentials,
  skipped,
  suiteCase,
  type TemplateImpl,
} from './base.server'
import { hasMore, itemHasId, listOf } from './traffic.server'

// ---- webhooks -------------------------------------------------------------------------

function hasEvents(spec: NormalizedSpec) {
  return (
    spec.webhooks.length > 0 || spec.operations.some((operation) => operation.callbacks.length > 0)
  )
}

function deliveries(context: RunContext): Promise<ReceivedWebhook[]> {
  return context.memo('webhook-deliveries', async () => {
    const read = context.init.webhooks
    if (!read) return []
    const deadline = Date.now() + context.init.options.webhookWaitMs
    for (;;) {
      const received = await read()
      if (received.length > 0 || Date.now() >= deadline || context.target.signal.aborted)
        return received
      await sleep(Math.min(500, Math.max(0, deadline - Date.now())), context.target.signal)
    }
  })
}

function webhookTemplate(
  id: string,
  judge: (received: ReceivedWebhook[]) => Assertion[],
): TemplateImpl {
  return {
    id,
    instances: (spec) => (hasEvents(spec) ? [suiteCase(id, null, { phase: 'final' })] : []),
    run: (context, suite) =>
      guard(async () => {
        if (!context.init.webhookReceiver)
          return skipped(
            'This environment has no webhook receiver the API delivers to (a mock sends events to its own target URL).',
          )
        const received = await deliveries(context)
        if (received.length === 0 && context.writes === 0)
          return skipped('Not judged: no write request of the run succeeded, so no event was due.')
        if (received.length === 0) {
          const seconds = Math.round(context.init.options.webhookWaitMs / 1000)
          const reason = `No delivery reached the receiver within ${seconds} s of the run’s writes (${context.writes} write request(s) succeeded).`
          return suite.level === 'required'
            ? judged(
                [
                  {
                    name: 'deliveries received',
                    passed: false,
                    expected: 'at least one delivery to the environment’s receiver',
                    actual: 'none',
                  },
                ],
                [],
                reason,
              )
            : skipped(reason)
        }
        return judged(judge(received), [])
      }),
  }
}

const summarise = (
  received: ReceivedWebhook[],
  bad: ReceivedWebhook[],
  what: (entry: ReceivedWebhook) => string,
) =>
  bad.length === 0 ? `all ${received.length} delivery(ies)` : bad.slice(0, 5).map(what).join('; ')

const signed = webhookTemplate('webhooks.signed', (received) => {
  const bad = received.filter((entry) => !entry.signed)
  return [
    {
      name: 'every delivery signed',
      passed: bad.length === 0,
      expected: 'the scheme’s signature headers on every delivery',
      actual: summarise(received, bad, (entry) => entry.verifyReason ?? 'no signature header'),
    },
  ]
})

const signatureValid = webhookTemplate('webhooks.signature-valid', (received) => {
  const bad = received.filter((entry) => !entry.verified)
  return [
    {
      name: 'every signature verifies',
      passed: bad.length === 0,
      expected: 'HMAC-SHA256 with the shared secret, fresh timestamp',
      actual: summarise(received, bad, (entry) => entry.verifyReason ?? 'did not verify'),
    },
  ]
})

const payloadValid = webhookTemplate('webhooks.payload-valid', (received) => {
  const bad = received.filter((entry) => entry.valid !== true)
  return [
    {
      name: 'every payload matches a documented event',
      passed: bad.length === 0,
      expected: 'a body valid against a webhook or callback schema of the spec',
      actual: summarise(
        received,
        bad,
        (entry) =>
          entry.violations
            .slice(0, 3)
            .map((violation) => `${violation.location} ${violation.message}`)
            .join(', ') || 'no documented event matches',
      ),
    },
  ]
})

// ---- resilience ------------------------------------------------------------------------

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

const p95: TemplateImpl = {
  id: 'resilience.p95-latency',
  instances: () => [suiteCase('resilience.p95-latency', null, { phase: 'final' })],
  run: (context) =>
    guard(async () => {
      const latencies = context.latencies
      if (latencies.length === 0) return skipped('Not judged: no request of the run was answered.')
      const value = percentile(latencies, 95)
      const budget = context.init.options.latencyBudgetMs
      return judged(
        [
          {
            name: 'p95 within budget',
            passed: value <= budget,
            expected: `p95 at most ${budget} ms`,
            actual: `p95 ${value} ms over ${latencies.length} answer(s) (p50 ${percentile(latencies, 50)} ms, max ${Math.max(...latencies)} ms)`,
          },
        ],
        [],
      )
    }),
}

/** A read whose valid request needs nothing the run cannot make. */
function parallelRead(spec: NormalizedSpec): NormalizedOperation | undefined {
  const reads = callable(spec).filter((operation) => operation.method === 'GET')
  return (
    reads.find((operation) => !operation.parameters.some((param) => param.in === 'path')) ??
    reads[0]
  )
}

const parallel: TemplateImpl = {
  id: 'resilience.parallel-consistency',
  instances: (spec) => {
    const read = parallelRead(spec)
    return read ? [suiteCase('resilience.parallel-consistency', read, { phase: 'stateful' })] : []
  },
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      requireCredentials(context, operation)
      const request = await context.validRequest(operation)
      const exchanges = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          context.send(request.probe, { label: `parallel ${index + 1}` }),
        ),
      )
      const answered = exchanges.filter((exchange) => exchange.response)
      if (answered.length === 0) return noAnswer(exchanges[0]!)!
      const refusal = refused(exchanges[0]!)
      if (
        refusal &&
        exchanges.every((exchange) => exchange.response?.status === exchanges[0]!.response?.status)
      )
        return refusal
      const statuses = exchanges.map(
        (exchange) => exchange.response?.status ?? exchange.error?.code ?? 'none',
      )
      const distinct = [...new Set(statuses)]
      const assertions: Assertion[] = [
        {
          name: 'the same status for all 10',
          passed: distinct.length === 1,
          expected: 'one status for 10 identical requests',
          actual: distinct.length === 1 ? `all ${distinct[0]}` : statuses.join(', '),
          pointer: operationPointer(operation),
        },
      ]
      return judged(assertions, exchanges)
    }),
}

const timeouts: TemplateImpl = {
  id: 'resilience.timeouts',
  instances: () => [suiteCase('resilience.timeouts', null, { phase: 'final' })],
  run: (context) =>
    guard(async () =>
      judged(
        [
          {
            name: 'every request answered',
            passed: context.timeouts.length === 0,
            expected: `every request answered within ${context.target.timeoutMs} ms`,
            actual:
              context.timeouts.length === 0
                ? 'all answered'
                : `${context.timeouts.length} timed out: ${context.timeouts.slice(0, 5).join('; ')}`,
          },
        ],
        [],
      ),
    ),
}

// ---- workflow: CRUD round trips --------------------------------------------------------

type Resource = {
  collection: string
  itemPath: string
  itemParam: string
  create: NormalizedOperation
  read: NormalizedOperation
  update?: NormalizedOperation
  list?: NormalizedOperation
  remove?: NormalizedOperation
}

export function crudResources(spec: NormalizedSpec, schemas: SpecSchemas): Resource[] {
  const collections = new Set(
    spec.operations.flatMap((operation) =>
      operation.capabilities
        .filter((capability) => capability.kind === 'crud')
        .map((capability) => capability.value),
    ),
  )
  const ops = callable(spec)
  const resources: Resource[] = []
  for (const collection of collections) {
    const create = collectionCreate(ops, collection)
    // Of several item reads (Xero's /Contacts/{ContactNumber} and /Contacts/{ContactID}), the
    // one by an id.
    const items = ops.filter(
      (operation) =>
        operation.method === 'GET' &&
        new RegExp(`^${collection.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\{[^}/]+\\}$`).test(
          operation.path,
        ),
    )
    const item = items.find((operation) => /id\}$/i.test(operation.path)) ?? items[0]
    if (!create || !item) continue
    const itemParam = /\{([^}]+)\}$/.exec(item.path)![1]!
    const param = item.parameters.find((entry) => entry.in === 'path' && entry.name === itemParam)
    if (!param || !isIdentifierParam(schemas, param)) continue
    const on = (method: string) =>
      ops.find((operation) => operation.method === method && operation.path === item.path)
    resources.push({
      collection,
      itemPath: item.path,
      itemParam,
      create,
      read: item,
      update: on('PUT') ?? on('PATCH') ?? on('POST'),
      list: ops.find((operation) => operation.method === 'GET' && operation.path === collection),
      remove: on('DELETE'),
    })
  }
  return resources
}

function scalarEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a === 'object' || typeof b === 'object') return false
  if (String(a) === String(b)) return true
  const dateA = typeof a === 'string' ? Date.parse(a) : Number.NaN
  const dateB = typeof b === 'string' ? Date.parse(b) : Number.NaN
  return Number.isFinite(dateA) && dateA === dateB && /\d{4}-\d{2}-\d{2}/.test(String(a))
}

function isEmptyObject(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value as object).length === 0
  )
}

const schemaKeys = new WeakMap<object, string>()
let schemaCount = 0

/** Whether `value` is valid against the read schema of its field (true when there is none). */
function readableAs(schemas: SpecSchemas, schema: JsonSchema | undefined, value: unknown): boolean {
  if (!schema || typeof schema !== 'object') return true
  let key = schemaKeys.get(schema)
  if (!key) {
    key = `crud-read-field:${++schemaCount}`
    schemaKeys.set(schema, key)
  }
  return schemas.check(key, schema, value, 'response').length === 0
}

/**
 * A resource read back inside a batch envelope (Xero's `{"Status": "OK", "Contacts": [{…}]}`):
 * the entry that holds its id, its schema, and the entry written (the first of an envelope
 * written, or the body itself). Undefined when the resource is read back as itself.
 */
export function batchEntries(
  written: unknown,
  read: unknown,
  readSchema: Record<string, unknown> | undefined,
  writeSchema: Record<string, unknown> | undefined,
  schemas: SpecSchemas,
  id: string,
  itemParam: string,
) {
  if (!read || typeof read !== 'object' || Array.isArray(read)) return undefined
  if (itemHasId(read, id, itemParam)) return undefined
  for (const [key, actual] of Object.entries(read as Record<string, unknown>)) {
    if (!Array.isArray(actual) || actual.length === 0 || !itemHasId(actual[0], id, itemParam))
      continue
    const items = (schema: Record<string, unknown> | undefined) =>
      objectSchema(
        schemas,
        (
          schemas.resolve((schema?.properties as Record<string, JsonSchema> | undefined)?.[key]) as
            { items?: JsonSchema } | undefined
        )?.items,
      )
    const sent =
      written && typeof written === 'object' && !Array.isArray(written)
        ? (written as Record<string, unknown>)[key]
        : undefined
    const enveloped = Array.isArray(sent) && sent.length > 0
    return {
      written: enveloped ? sent[0] : written,
      read: actual[0],
      readSchema: items(readSchema),
      writeSchema: enveloped ? items(writeSchema) : writeSchema,
    }
  }
  return undefined
}

/**
 * Fields written that read back differently (or not at all though the read schema declares
 * them). `form`: the body was a form, where an empty value unsets a field (Stripe's).
 */
export function writtenVersusRead(
  written: unknown,
  read: unknown,
  readSchema: Record<string, unknown> | undefined,
  writeSchema: Record<string, unknown> | undefined,
  schemas: SpecSchemas,
  path = '',
  form = false,
  /** The item path's parameter: the field it names is the server's to set (Xero's `ContactID`). */
  itemParam?: string,
): string[] {
  if (!written || typeof written !== 'object' || Array.isArray(written)) return []
  if (!read || typeof read !== 'object' || Array.isArray(read))
    // Inside a resource, an object written and a scalar read (Stripe's
    // `capabilities[x][requested]=true` read back as `"active"`) is a different
    // representation, not a lost write: only the resource itself must read back as one.
    return path
      ? []
      : [`/: written as an object, read back as ${JSON.stringify(read)?.slice(0, 60)}`]
  const problems: string[] = []
  const readProperties = (readSchema?.properties ?? {}) as Record<string, JsonSchema>
  const writeProperties = (writeSchema?.properties ?? {}) as Record<string, JsonSchema>
  for (const [key, value] of Object.entries(written as Record<string, unknown>)) {
    const writeProperty = schemas.resolve(writeProperties[key])
    if (
      writeProperty &&
      typeof writeProperty === 'object' &&
      (writeProperty.writeOnly === true || /password|secret|token/i.test(key))
    )
      continue
    const at = `${path}/${key}`
    const actual = (read as Record<string, unknown>)[key]
    if (!path && itemParam && loose(key) === loose(itemParam) && key !== 'id') continue
    // A field the read schema marks readOnly is the server's: what was sent is ignored.
    const readProperty = schemas.resolve(readProperties[key])
    if (readProperty && typeof readProperty === 'object' && readProperty.readOnly === true) continue
    // An empty object is not sent at all in a form (`metadata: {}` writes nothing), and an
    // empty form value unsets the field.
    if (isEmptyObject(value) || (form && value === '')) continue
    // A value the read schema cannot hold is another representation of the field, not a
    // lost write: Stripe's charge takes `application_fee` as an amount and reads back its id,
    // an invoice takes `default_tax_rates` as ids and reads back the objects.
    if (
      (typeof value !== 'object' || Array.isArray(value)) &&
      value !== null &&
      !readableAs(schemas, readProperties[key], value)
    )
      continue
    if (actual === undefined) {
      if (key in readProperties) problems.push(`${at}: written, not read back`)
      continue
    }
    if (value && typeof value === 'object' && !Array.isArray(value))
      problems.push(
        ...writtenVersusRead(
          value,
          actual,
          objectSchema(schemas, readProperties[key]),
          objectSchema(schemas, writeProperties[key]),
          schemas,
          at,
          form,
        ),
      )
    else if (Array.isArray(value)) {
      if (
        !Array.isArray(actual) ||
        actual.length !== value.length ||
        value.some(
          (entry, index) => typeof entry !== 'object' && !scalarEqual(entry, actual[index]),
        )
      )
        problems.push(
          `${at}: wrote ${JSON.stringify(value).slice(0, 60)}, read ${JSON.stringify(actual).slice(0, 60)}`,
        )
    } else if (actual !== null && typeof actual === 'object') {
      // Written as a scalar (an id), read back as an object: an expanded reference, as
      // Stripe's `card` is. Not comparable field by field, so not judged.
      continue
    } else if (!scalarEqual(value, actual))
      problems.push(
        `${at}: wrote ${JSON.stringify(value)}, read ${JSON.stringify(actual)?.slice(0, 60)}`,
      )
  }
  return problems
}

function responseObjectSchema(
  context: RunContext,
  operation: NormalizedOperation,
  exchange: Exchange,
) {
  const response = exchange.response && documentedResponse(operation, exchange.response.status)
  return objectSchema(context.schemas, jsonContent(response || undefined)?.schema)
}

const crud: TemplateImpl = {
  id: 'workflow.crud',
  instances: (spec, schemas) =>
    crudResources(spec, schemas).map((resource) =>
      suiteCase('workflow.crud', resource.create, {
        phase: 'stateful',
        variant: resource.collection,
        data: { collection: resource.collection },
        title: `CRUD round trip: ${resource.collection}`,
      }),
    ),
  run: (context, suite) =>
    guard(async () => {
      const resource = crudResources(context.spec, context.schemas).find(
        (entry) => entry.collection === suite.data?.collection,
      )
      if (!resource) throw new NotApplicable('The resource is no longer in the spec.')
      requireCredentials(context, resource.create)
      const exchanges: Exchange[] = []
      const assertions: Assertion[] = []
      let stopped: ReturnType<typeof unusable> = null
      const step = (
        name: string,
        exchange: Exchange,
        expected: string,
        passes: (status: number) => boolean,
      ) => {
        exchanges.push(exchange)
        const problem = unusable(exchange)
        if (problem) {
          stopped ??= { ...problem, exchanges }
          return false
        }
        const assertion = statusAssertion(name, exchange, expected, passes)
        assertions.push(assertion)
        return assertion.passed
      }
      const ok = (status: number) => status >= 200 && status < 300
      // Its own create: the shared one (the POST's contract cases) may already hold its unique fields.
      const created = await context.validRequest(resource.create, { dedicated: 'workflow' })
      const creation = await context.send(created.probe, { label: 'workflow: create' })
      if (!step('create', creation, '2xx', ok)) return stopped ?? judged(assertions, exchanges)
      const id = extractId(creation, resource.itemParam)
      if (!id) {
        assertions.push({
          name: 'created resource has an id',
          passed: false,
          expected: `an id (“id”, “${resource.itemParam}” or a Location header)`,
          actual: 'none found in the answer',
        })
        return judged(assertions, exchanges)
      }
      const parents = created.inputs.pathParams
      const itemProbe = (operation: NormalizedOperation, seed?: string) => {
        const inputs = validInputs(operation, context.spec, context.schemas, {
          pathValues: { ...parents, [resource.itemParam]: id },
          ...(seed ? { seed } : {}),
        })
        return { inputs, probe: toProbe(operation, inputs, 'valid') }
      }
      const compare = (
        name: string,
        written: unknown,
        writeOperation: NormalizedOperation,
        readExchange: Exchange,
      ) => {
        const writeSchema = objectSchema(
          context.schemas,
          written && created.inputs.body
            ? writeOperation.requestBody &&
                Object.values(writeOperation.requestBody.content)[0]?.schema
            : undefined,
        )
        const readSchema = responseObjectSchema(context, resource.read, readExchange)
        // A resource written and read in batch envelopes is compared entry to entry; the
        // envelopes' own fields (`Status`, `pagination`) are not the resource's.
        const batch = batchEntries(
          written,
          readExchange.json,
          readSchema,
          writeSchema,
          context.schemas,
          id,
          resource.itemParam,
        )
        const mediaType = writeOperation.requestBody
          ? Object.keys(writeOperation.requestBody.content)[0]
          : undefined
        const problems = writtenVersusRead(
          batch?.written ?? written,
          batch?.read ?? readExchange.json,
          batch ? batch.readSchema : readSchema,
          batch ? batch.writeSchema : writeSchema,
          context.schemas,
          '',
          /form/i.test(mediaType ?? ''),
          resource.itemParam,
        )
        assertions.push({
          name,
          passed: problems.length === 0,
          expected: 'every written field read back as written',
          actual: problems.length ? problems.slice(0, 6).join('; ') : 'as written',
          pointer: operationPointer(resource.read),
        })
      }
      const read1 = await context.send(itemProbe(resource.read).probe, {
        label: 'workflow: read back',
      })
      if (step('read back', read1, '2xx', ok))
        compare('created fields read back', created.inputs.body?.value, resource.create, read1)
      if (resource.update) {
        const update = itemProbe(resource.update, `${resource.update.id}|workflow-update`)
        const updated = await context.send(update.probe, { label: 'workflow: update' })
        if (step(`update (${resource.update.method})`, updated, '2xx', ok)) {
          const read2 = await context.send(itemProbe(resource.read).probe, {
            label: 'workflow: read after update',
          })
          if (step('read after update', read2, '2xx', ok))
            compare('updated fields read back', update.inputs.body?.value, resource.update, read2)
        }
      }
      if (resource.list) {
        // Listed under the parents it was created under.
        const list = await context
          .validRequest(resource.list, { parents: created.inputs.pathParams })
          .catch(() => null)
        if (list) {
          const sizeParam = resource.list.parameters.find(
            (param) =>
              param.in === 'query' &&
              /^(limit|per_page|page_size|pagesize|size|count|top)$/i.test(param.name),
          )
          const maximum = (
            context.schemas.resolve(sizeParam?.schema) as { maximum?: number } | undefined
          )?.maximum
          const probe = sizeParam
            ? {
                ...list.probe,
                query: [
                  ...list.probe.query.filter(([name]) => name !== sizeParam.name),
                  [sizeParam.name, String(Math.min(100, maximum ?? 100))] as [string, string],
                ],
              }
            : list.probe
          const listed = await context.send(probe, { label: 'workflow: list' })
          if (step('list', listed, '2xx', ok)) {
            const items = listOf(listed.json) ?? []
            const found = items.some((item) => itemHasId(item, id, resource.itemParam))
            // Not found on a page that may not be the last: the list may go on (oldest first).
            const requested = sizeParam ? Math.min(100, maximum ?? 100) : undefined
            const more = hasMore(listed)
            const whole =
              more === false ||
              (more === undefined &&
                (requested !== undefined ? items.length < requested : items.length < 10))
            assertions.push({
              name: 'list contains it',
              passed: found || !whole,
              expected: `the list contains ${id}`,
              actual: found
                ? 'found'
                : `not among ${items.length} item(s)${whole ? '' : ' of a page that may not be the last'}`,
              ...(found || whole ? {} : { severity: 'warning' as const }),
            })
          }
        }
      }
      if (resource.remove) {
        const removed = await context.send(itemProbe(resource.remove).probe, {
          label: 'workflow: delete',
        })
        if (step('delete', removed, '2xx', ok)) {
          const gone = await context.send(itemProbe(resource.read).probe, {
            label: 'workflow: read after delete',
          })
          step(
            'read after delete is 404',
            gone,
            '404 (or 410)',
            (status) => status === 404 || status === 410,
          )
        }
      }
      return stopped ?? judged(assertions, exchanges)
    }),
}

// ---- workflow: OpenAPI links -------------------------------------------------------------

function linkTarget(spec: NormalizedSpec, link: { operationId?: string; operationRef?: string }) {
  if (link.operationId)
    return spec.operations.find(
      (operation) =>
        operation.operationId === link.operationId || operation.id === link.operationId,
    )
  const match = /^#\/paths\/([^/]+)\/([a-z]+)$/.exec(link.operationRef ?? '')
  if (!match) return undefined
  const path = decodeURIComponent(match[1]!).replace(/~1/g, '/').replace(/~0/g, '~')
  return spec.operations.find(
    (operation) => operation.path === path && operation.method === match[2]!.toUpperCase(),
  )
}

/** A link parameter's runtime expression, evaluated against the source exchange. */
export function evaluateLinkExpression(
  expression: string,
  exchange: Exchange,
  inputs: {
    pathParams: Record<string, string>
    query: [string, string][]
    body?: { value: unknown }
  },
): unknown {
  if (!expression.startsWith('$')) return expression.replace(/^\{(.*)\}$/, '$1')
  const [source, pointer = ''] = expression.split('#')
  if (source === '$response.body') return resolvePointer(exchange.json, pointer)
  if (source === '$request.body') return resolvePointer(inputs.body?.value, pointer)
  if (source === '$statusCode') return exchange.response?.status
  if (source === '$method') return exchange.request.method
  if (source === '$url') return exchange.request.url
  const header = /^\$response\.header\.(.+)$/.exec(source!)?.[1]
  if (header) return exchange.response?.headers[header.toLowerCase()]
  const path = /^\$request\.path\.(.+)$/.exec(source!)?.[1]
  if (path) return inputs.pathParams[path]
  const query = /^\$request\.query\.(.+)$/.exec(source!)?.[1]
  if (query) return inputs.query.find(([name]) => name === query)?.[1]
  return undefined
}

const links: TemplateImpl = {
  id: 'workflow.links',
  instances: (spec) =>
    callable(spec).flatMap((operation) =>
      operation.responses.flatMap((response) =>
        Object.entries(response.links ?? {})
          .filter(([, link]) => linkTarget(spec, link))
          .map(([name]) =>
            suiteCase('workflow.links', operation, {
              phase: 'stateful',
              variant: `${response.status}.${name}`,
              data: { status: response.status, link: name },
              title: `Follow link “${name}” from ${operation.method} ${operation.path}`,
            }),
          ),
      ),
    ),
  run: (context, suite) =>
    guard(async () => {
      const source = context.operation(suite.operationId)
      const response = source.responses.find((entry) => entry.status === suite.data?.status)
      const link = response?.links?.[String(suite.data?.link)]
      const target = link && linkTarget(context.spec, link)
      if (!link || !target) throw new NotApplicable('The link is no longer in the spec.')
      requireCredentials(context, source)
      requireCredentials(context, target)
      const { exchange, request } = await context.positive(source)
      const unanswered = unusable(exchange)
      if (unanswered) return unanswered
      if (exchange.response!.status >= 300)
        return skipped(`Not judged: the source operation answered ${exchange.response!.status}.`, [
          exchange,
        ])
      const pathValues: Record<string, string> = {}
      const query: [string, string][] = []
      for (const [rawName, expression] of Object.entries(link.parameters)) {
        const value = evaluateLinkExpression(expression, exchange, request.inputs)
        if (value === undefined || value === null)
          return judged(
            [
              {
                name: `link parameter ${rawName}`,
                passed: false,
                expected: `${expression} to resolve on the source answer`,
                actual: 'nothing there',
              },
            ],
            [exchange],
          )
        const [location, name] = rawName.includes('.')
          ? (rawName.split('.', 2) as [string, string])
          : ['', rawName]
        const param = target.parameters.find(
          (entry) => entry.name === name && (!location || entry.in === location),
        )
        if (param?.in === 'path' || (!param && target.path.includes(`{${name}}`)))
          pathValues[name] = String(value)
        else query.push([name, typeof value === 'object' ? JSON.stringify(value) : String(value)])
      }
      const inputs = validInputs(target, context.spec, context.schemas, { pathValues })
      const probe = toProbe(
        target,
        {
          ...inputs,
          query: [
            ...inputs.query.filter(([name]) => !query.some(([other]) => other === name)),
            ...query,
          ],
        },
        'valid',
      )
      const followed = await context.send(probe, { label: `link ${String(suite.data?.link)}` })
      const notJudged = unusable(followed)
      if (notJudged) return { ...notJudged, exchanges: [exchange, followed] }
      return judged(
        [
          statusAssertion(
            'the linked operation answers',
            followed,
            '2xx',
            (status) => status >= 200 && status < 300,
            operationPointer(target),
          ),
        ],
        [exchange, followed],
      )
    }),
}

export const OUTCOME_TEMPLATES: TemplateImpl[] = [
  signed,
  signatureValid,
  payloadValid,
  p95,
  parallel,
  timeouts,
  crud,
  links,
]

export function hasWebhooks(spec: NormalizedSpec) {
  return hasEvents(spec)
}
