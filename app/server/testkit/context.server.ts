/**
 * What a template has at hand while a run goes: the spec and its schemas,
 * the target environment, and three services: `send` (exchanges shared by
 * key, so the five contract templates judge one request), `validRequest`
 * (an operation's valid request with its path identifiers from the test
 * variables or from fixtures the run creates through the API itself), and
 * run-wide statistics (latencies, timeouts) for the resilience templates.
 */
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import type { EnvironmentKind, ResolvedOptions } from '~/shared/environment-schemas'
import type { SpecSchemas } from '../specs/schemas.server'
import {
  collectionCreate,
  isIdentifierParam,
  looseName,
  toProbe,
  validInputs,
  type Inputs,
  variableFor,
} from './inputs.server'
import type { Exchange, Probe } from './model.server'
import { send, type Target } from './probe.server'

export type ValidRequest = {
  inputs: Inputs
  probe: Probe
  /** Path identifiers that came from a fixture the run created or from a test variable. */
  knownIds: boolean
}

export type ReceivedWebhook = {
  headers: Record<string, string>
  body: string
  signed: boolean
  verified: boolean
  verifyReason: string | null
  eventName: string | null
  valid: boolean | null
  violations: { location: string; message: string }[]
}

export type RunContextInit = {
  spec: NormalizedSpec
  schemas: SpecSchemas
  target: Target
  kind: EnvironmentKind
  options: ResolvedOptions
  /** The environment has a webhook receiver the sandbox delivers to. */
  webhookReceiver: boolean
  /** Deliveries received since the run started. */
  webhooks?: () => Promise<ReceivedWebhook[]>
  /** A mock without exact credentials accepts any well-formed one: wrong credentials cannot be judged. */
  mockAcceptsAnyCredential?: boolean
  /** A mock that keeps what is created (its Stateful setting, on by default). */
  mockStateful?: boolean
}

const ID_KEYS = ['id', 'uuid', 'sid', 'guid', 'key', 'slug', 'name', 'code', 'number']

const loose = looseName

/** The id of a created resource: a field named like the path parameter, `id`, a `…Id` field, or the Location header. */
export function extractId(exchange: Exchange, paramName: string): string | undefined {
  const body = exchange.json
  const candidates: unknown[] = []
  const look = (object: unknown) => {
    if (!object || typeof object !== 'object' || Array.isArray(object)) return
    const record = object as Record<string, unknown>
    const wanted = loose(paramName)
    for (const key of Object.keys(record)) if (loose(key) === wanted) candidates.push(record[key])
    for (const key of ID_KEYS) if (key in record) candidates.push(record[key])
    // Another id field last (`account_sid` names the owner, not the resource).
    for (const [key, value] of Object.entries(record))
      if (/(^|_)(id|sid)$|[a-z0-9](Id|ID|Sid|SID)$/.test(key)) candidates.push(value)
  }
  look(body)
  if (body && typeof body === 'object' && !Array.isArray(body))
    for (const wrapper of ['data', 'result', 'item', 'resource'])
      look((body as Record<string, unknown>)[wrapper])
  // A batch envelope (Xero answers a create with `{"Contacts": [{"ContactID": …}]}`): its first.
  if (body && typeof body === 'object' && !Array.isArray(body))
    for (const value of Object.values(body as Record<string, unknown>))
      if (Array.isArray(value) && value.length > 0) look(value[0])
  const found = candidates.find(
    (value) => (typeof value === 'string' && value !== '') || typeof value === 'number',
  )
  if (found !== undefined) return String(found)
  const location = exchange.response?.headers.location
  if (location)
    return (
      decodeURIComponent(location.split('?')[0]!.replace(/\/+$/, '').split('/').pop() ?? '') ||
      undefined
    )
  return undefined
}

export class RunContext {
  readonly operations: Map<string, NormalizedOperation>
  readonly latencies: number[] = []
  readonly timeouts: string[] = []
  /** Exchanges that changed state (for the webhook wait). */
  writes = 0
  private readonly shared = new Map<string, Promise<Exchange>>()
  private readonly fixtures = new Map<string, Promise<Exchange | undefined>>()
  private readonly valid = new Map<string, Promise<ValidRequest>>()

  constructor(readonly init: RunContextInit) {
    this.operations = new Map(init.spec.operations.map((operation) => [operation.id, operation]))
  }

  get spec() {
    return this.init.spec
  }
  get schemas() {
    return this.init.schemas
  }
  get target() {
    return this.init.target
  }

  operation(id: string): NormalizedOperation {
    const operation = this.operations.get(id)
    if (!operation) throw new Error(`No operation ${id} in this spec version.`)
    return operation
  }

  /** Sends a probe; with `share`, one exchange serves every case asking for the same key. */
  send(
    probe: Probe,
    { share, label = '' }: { share?: string; label?: string } = {},
  ): Promise<Exchange> {
    if (share) {
      let pending = this.shared.get(share)
      if (!pending) {
        pending = this.sendRecorded(probe, label)
        this.shared.set(share, pending)
      }
      return pending
    }
    return this.sendRecorded(probe, label)
  }

  private async sendRecorded(probe: Probe, label: string): Promise<Exchange> {
    const exchange = await send(this.target, probe)
    if (!probe.excludeFromLatency && exchange.response) this.latencies.push(exchange.durationMs)
    if (exchange.error?.code === 'timeout')
      this.timeouts.push(`${probe.method} ${probe.path}${label ? ` (${label})` : ''}`)
    if (
      !/^(GET|HEAD|OPTIONS)$/.test(probe.method) &&
      exchange.response &&
      exchange.response.status < 300
    )
      this.writes++
    return exchange
  }

  /**
   * The valid request of an operation. Identifiers in its path come from the
   * test variables, else from a resource the run creates with the collection's
   * POST (once per run), else stay `{{variables}}` (the case then needs
   * configuration).
   */
  validRequest(
    operation: NormalizedOperation,
    {
      dedicated = '',
      parents = {},
    }: {
      dedicated?: string
      /** Path identifiers already chosen (a child fixture is created under its parent's). */
      parents?: Record<string, string>
    } = {},
  ): Promise<ValidRequest> {
    const key = `${operation.id}|${dedicated}|${JSON.stringify(parents)}`
    let pending = this.valid.get(key)
    if (!pending) {
      pending = this.buildValidRequest(operation, dedicated, parents)
      this.valid.set(key, pending)
    }
    return pending
  }

  /**
   * `dedicated`: the request gets fixtures of its own (a DELETE always does),
   * so a case that may remove its resource never removes another case's.
   */
  private async buildValidRequest(
    operation: NormalizedOperation,
    dedicated: string,
    parents: Record<string, string> = {},
  ): Promise<ValidRequest> {
    const pathValues: Record<string, string> = {}
    let knownIds = true
    for (const param of operation.parameters) {
      if (param.in !== 'path' || !isIdentifierParam(this.schemas, param)) continue
      if (parents[param.name] !== undefined) {
        pathValues[param.name] = parents[param.name]!
        continue
      }
      const variable = variableFor(param)
      if (this.target.variables[variable] !== undefined) {
        pathValues[param.name] = `{{${variable}}}`
        continue
      }
      // A DELETE gets a resource of its own: it must not remove the one other cases read.
      const created = await this.fixtureId(
        operation.path,
        param.name,
        pathValues,
        dedicated || operation.method === 'DELETE' ? `${operation.id}|${dedicated}` : '',
      )
      if (created !== undefined) pathValues[param.name] = created
      else knownIds = false
    }
    // A request of its own is generated afresh: fields the client chooses and the API keeps
    // unique (Stripe's coupon `id`, a username) differ from the shared request's.
    const inputs = validInputs(operation, this.spec, this.schemas, {
      pathValues,
      ...(dedicated ? { seed: `${operation.id}|${dedicated}` } : {}),
    })
    return { inputs, probe: toProbe(operation, inputs, 'valid'), knownIds }
  }

  /** A resource of the collection before `{param}` in `path`, created through the API; its id. */
  private async fixtureId(
    path: string,
    param: string,
    parents: Record<string, string>,
    dedicatedTo: string,
  ): Promise<string | undefined> {
    const marker = `/{${param}}`
    const at = path.indexOf(marker)
    if (at < 0) return undefined
    const collection = path.slice(0, at)
    const create = collectionCreate(this.init.spec.operations, collection)
    if (!create) return undefined
    const key = `${collection}|${JSON.stringify(parents)}|${dedicatedTo}`
    let pending = this.fixtures.get(key)
    if (!pending) {
      pending = (async () => {
        try {
          // Under the same parents as the request it serves: a child of another parent is not
          // found under this one (Twilio's /Services/{ServiceSid}/AlphaSenders/{Sid}).
          const request = await this.validRequest(create, { parents, dedicated: `fixture|${key}` })
          const exchange = await this.send(request.probe, { label: `fixture for ${param}` })
          const status = exchange.response?.status ?? 0
          return status >= 200 && status < 300 ? exchange : undefined
        } catch {
          return undefined // NeedsConfiguration and the like: no fixture
        }
      })()
      this.fixtures.set(key, pending)
    }
    // One resource serves every path naming it, each by its own parameter (Xero's contacts are
    // /Contacts/{ContactNumber} and /Contacts/{ContactID}/History).
    const exchange = await pending
    return exchange && extractId(exchange, param)
  }

  private readonly memos = new Map<string, Promise<unknown>>()

  /** Work shared by several cases of the run (a replay pair, a burst): done once, awaited by all. */
  memo<T>(key: string, work: () => Promise<T>): Promise<T> {
    let pending = this.memos.get(key) as Promise<T> | undefined
    if (!pending) {
      pending = work()
      this.memos.set(key, pending)
    }
    return pending
  }

  /** The shared exchange of an operation's valid request (contract, auth-valid and more judge it). */
  async positive(
    operation: NormalizedOperation,
  ): Promise<{ exchange: Exchange; request: ValidRequest }> {
    const request = await this.validRequest(operation)
    const exchange = await this.send(request.probe, { share: `positive:${operation.id}` })
    return { exchange, request }
  }
}
