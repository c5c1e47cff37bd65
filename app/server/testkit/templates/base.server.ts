/**
 * What every template implementation is: instances for a spec (static, from
 * the spec alone) and a run function (at run time, through the RunContext).
 * Helpers turn assertions into a verdict and stop a case cleanly when it
 * needs configuration or cannot be built.
 */
import { goldenTemplate } from '~/shared/golden-templates'
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import type { SpecSchemas } from '../../specs/schemas.server'
import type { RunContext, ValidRequest } from '../context.server'
import { isIdentifierParam, toProbe, validInputs, variableFor } from '../inputs.server'
import {
  type Assertion,
  type CaseOutcome,
  type Exchange,
  NeedsConfiguration,
  NotApplicable,
  type Phase,
  type PlannedCase,
  type SuiteCase,
} from '../model.server'

export type TemplateImpl = {
  id: string
  instances(spec: NormalizedSpec, schemas: SpecSchemas): SuiteCase[]
  run(context: RunContext, suiteCase: PlannedCase): Promise<CaseOutcome>
}

export function suiteCase(
  templateId: string,
  operation: NormalizedOperation | null,
  {
    phase = 'main',
    variant,
    data,
    title,
  }: { phase?: Phase; variant?: string; data?: Record<string, unknown>; title?: string } = {},
): SuiteCase {
  const template = goldenTemplate(templateId)
  if (!template) throw new Error(`Unknown template ${templateId}`)
  const operationId = operation?.id ?? ''
  return {
    key: [templateId, operationId, variant].filter(Boolean).join(':'),
    templateId,
    category: template.category,
    operationId,
    group: operation?.group ?? '',
    title:
      title ??
      (operation ? `${template.title}: ${operation.method} ${operation.path}` : template.title),
    phase,
    ...(data ? { data } : {}),
  }
}

/** The verdict of a set of assertions: failed when an error-severity one fails. */
export function judged(
  assertions: Assertion[],
  exchanges: Exchange[],
  reason?: string,
): CaseOutcome {
  const failed = assertions.some(
    (assertion) => !assertion.passed && assertion.severity !== 'warning',
  )
  return {
    verdict: failed ? 'failed' : 'passed',
    ...(reason ? { reason } : {}),
    assertions,
    exchanges,
  }
}

export function skipped(
  reason: string,
  exchanges: Exchange[] = [],
  assertions: Assertion[] = [],
): CaseOutcome {
  return { verdict: 'skipped', reason, assertions, exchanges }
}

/** No answer came back: the case errored (and the resilience template counts timeouts). */
export function noAnswer(exchange: Exchange): CaseOutcome | null {
  if (exchange.response) return null
  return {
    verdict: 'errored',
    reason:
      exchange.error?.code === 'timeout'
        ? `No answer within the request timeout (${exchange.error.message})`
        : `No answer: ${exchange.error?.message ?? 'the request failed'}`,
    assertions: [],
    exchanges: [exchange],
  }
}

/** A valid credential was refused: checks that assume an authenticated request cannot be judged. */
export function refused(exchange: Exchange): CaseOutcome | null {
  const status = exchange.response?.status
  if (exchange.auth !== 'valid' || (status !== 401 && status !== 403)) return null
  return {
    verdict: 'skipped',
    reason: `Not judged: the environment’s credentials were refused (${status}); see the authentication cases.`,
    assertions: [],
    exchanges: [exchange],
  }
}

/** No answer (errored) or a refused credential (skipped): the case cannot judge this exchange. */
export function unusable(exchange: Exchange): CaseOutcome | null {
  return noAnswer(exchange) ?? refused(exchange)
}

/** Runs a template body, turning configuration and construction problems into verdicts. */
export async function guard(run: () => Promise<CaseOutcome>): Promise<CaseOutcome> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof NeedsConfiguration)
      return {
        verdict: 'needs_config',
        reason:
          error.variable === 'credentials'
            ? error.message
            : `Needs the test variable “${error.variable}”: ${error.message}`,
        assertions: [],
        exchanges: [],
      }
    if (error instanceof NotApplicable) return skipped(error.message)
    throw error
  }
}

/** Operations the suite tests (webhooks and callbacks are received, not called). */
export function callable(spec: NormalizedSpec): NormalizedOperation[] {
  return spec.operations.filter((operation) => operation.kind === 'operation')
}

/** Security is required (not merely allowed: an empty alternative makes it optional). */
export function isSecured(operation: NormalizedOperation): boolean {
  return (
    operation.security.length > 0 &&
    operation.security.every((requirement) => requirement.length > 0)
  )
}

/** The environment needs credentials for a secured operation's valid request. */
export function requireCredentials(context: RunContext, operation: NormalizedOperation) {
  if (isSecured(operation) && !context.target.credentials)
    throw new NeedsConfiguration(
      'credentials',
      'This operation needs credentials: set them on the environment (or the partner’s own on the Tests tab).',
    )
}

/** A well-formed id for a path parameter whose value does not matter (auth and routing checks). */
export function dummyId(context: RunContext, operation: NormalizedOperation, name: string): string {
  const param = operation.parameters.find((entry) => entry.in === 'path' && entry.name === name)
  const schema = context.schemas.resolve(param?.schema)
  const record = schema && typeof schema === 'object' ? schema : {}
  const type = Array.isArray(record.type) ? record.type[0] : record.type
  if (type === 'integer' || type === 'number') return '1'
  if (record.format === 'uuid') return '00000000-0000-4000-8000-000000000000'
  return 'copilot-test-id'
}

/**
 * The operation's request for checks where the resource need not exist (no
 * or wrong credentials, undeclared methods): the valid request when its ids
 * are known, else the same with made-up ids instead of needing configuration.
 */
/** The operation's request with every identifier made up (no fixture is created or touched). */
export function requestWithMadeUpIds(
  context: RunContext,
  operation: NormalizedOperation,
): ValidRequest {
  const pathValues: Record<string, string> = {}
  for (const param of operation.parameters)
    if (param.in === 'path' && isIdentifierParam(context.schemas, param))
      pathValues[param.name] =
        context.target.variables[variableFor(param)] ?? dummyId(context, operation, param.name)
  const inputs = validInputs(operation, context.spec, context.schemas, { pathValues })
  return { inputs, probe: toProbe(operation, inputs, 'valid'), knownIds: false }
}

export async function requestWithAnyIds(
  context: RunContext,
  operation: NormalizedOperation,
): Promise<ValidRequest> {
  const valid = await context.validRequest(operation)
  if (valid.knownIds) return valid
  const pathValues: Record<string, string> = {}
  for (const [name, value] of Object.entries(valid.inputs.pathParams))
    pathValues[name] = /\{\{/.test(value) ? dummyId(context, operation, name) : value
  const inputs = validInputs(operation, context.spec, context.schemas, { pathValues })
  return { inputs, probe: toProbe(operation, inputs, 'valid'), knownIds: false }
}
