/**
 * The context builder: for a question's subject (a case, a run, a trace, an
 * operation, or the next steps), the facts the answer may rest on, each with
 * its id, link and relevance, every text redacted (secrets.server.ts), and the
 * digests the built-in troubleshooter reads. A partner reaches only its own
 * runs, cases and traces and the specs shared with it: anything else is an
 * AssistantError 404, as if it did not exist.
 */
import type { AssistantSubject, PromptKind } from '~/shared/assistant'
import { goldenTemplate } from '~/shared/golden-templates'
import type { NormalizedOperation } from '~/shared/normalized-spec'
import { PHASE_LABELS, PHASES, type Phase } from '~/shared/plan'
import { annotationsForOperation } from '../annotations/annotations.server'
import { db } from '../db.server'
import { canSee } from '../partners/visibility.server'
import { planBoard } from '../plans/board.server'
import { versionSpec } from '../specs/store.server'
import { findOperation } from '../specs/view.server'
import type { Assertion } from '../testkit/model.server'
import type { StoredExchange } from '../testkit/recording.server'
import { countsOf, getRun, getRunCase, listRunCases, RunError } from '../testkit/runs.server'
import { operationExcerpt } from '../testkit/views.server'
import { getTrace, TraceNotFoundError } from '../traces/query.server'
import { type Fact, factId, linksFor, type OperationRef } from './facts.server'
import { redactorFor, type Redactor } from './secrets.server'
import { type AssistantScope, AssistantError, type Audience, audienceOf } from './scope.server'

// ---------------------------------------------------------------------------
// Digests: the structured side of the facts, for the troubleshooter

export type FailingAssertion = { name: string; expected: string; actual: string; pointer?: string }

export type ResponseDigest = { status: number; contentType: string; body: string } | null

export type CaseDigest = {
  factId: string
  runId: string
  seq: number
  key: string
  title: string
  verdict: string
  reason: string | null
  templateId: string
  operationId: string
  failing: FailingAssertion[]
  passedCount: number
  response: ResponseDigest
  /** Set when no answer came (timeout, refused connection). */
  transportError: string | null
}

export type OperationDigest = OperationRef & {
  factId: string
  method: string
  path: string
  responses: { status: string; description: string }[]
}

export type TraceDigest = {
  factId: string
  method: string
  url: string
  status: number
  verified: boolean
  valid: boolean
  violations: { side: string; location: string; message: string }[]
  response: ResponseDigest
}

export type RunDigest = {
  factId: string
  runId: string
  label: string
  status: string
  counts: ReturnType<typeof countsOf>
  failing: { seq: number; title: string; templateId: string; reason: string | null }[]
}

export type PlanDigest = {
  factId: string
  title: string
  phase: string
  status: string
  required: boolean
  dueDate: string | null
  partner: string | null
}

export type AnnotationDigest = {
  factId: string
  type: string
  fieldPath: string
  body: string
  operationId: string
}

export type TemplateDigest = {
  factId: string
  id: string
  title: string
  checks: string
  judgedBy: string
  fix: string
}

export type AssistantContext = {
  subject: AssistantSubject
  audience: Audience
  /** Every fact gathered, relevance set for the prompt (budget.server.ts cuts them to size). */
  facts: Fact[]
  case: CaseDigest | null
  run: RunDigest | null
  trace: TraceDigest | null
  operation: OperationDigest | null
  templates: TemplateDigest[]
  annotations: AnnotationDigest[]
  /** Open plan items, earliest phase first, required before optional. */
  plan: PlanDigest[]
  /** The latest runs in scope, newest first. */
  latestRuns: RunDigest[]
  /** How often this case's check failed lately across the project (vendor side only). */
  pattern: { failedRuns: number; partners: number } | null
}

// ---------------------------------------------------------------------------
// Sizes

const BODY_CHARS = 1500
const VALUE_CHARS = 400
const EXCHANGES_SHOWN = 2
const ASSERTIONS_SHOWN = 10
const RUN_FAILURES_LISTED = 15
const RUN_FAILURES_DETAILED = 3
const RECENT_TRACES = 5
const PLAN_ITEMS = 8
const LATEST_RUNS = 3
const PATTERN_DAYS = 30

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (cut)` : text
}

const FAILING_VERDICTS = new Set(['failed', 'errored'])

// ---------------------------------------------------------------------------
// The builder

type Gather = {
  scope: AssistantScope
  redact: Redactor
  links: ReturnType<typeof linksFor>
  context: AssistantContext
  /** Specs whose pages the asker may open (partners: those shared with it). */
  visibleSpecs: Map<string, boolean>
}

function add(gather: Gather, fact: Fact) {
  const existing = gather.context.facts.find((entry) => entry.id === fact.id)
  if (existing) existing.relevance = Math.max(existing.relevance, fact.relevance)
  else gather.context.facts.push(fact)
}

function has(gather: Gather, id: string) {
  return gather.context.facts.some((fact) => fact.id === id)
}

async function specVisible(gather: Gather, specId: string): Promise<boolean> {
  const { scope } = gather
  if (!scope.partnerProjectId) return true
  const known = gather.visibleSpecs.get(specId)
  if (known !== undefined) return known
  const visible = await canSee(scope.projectId, scope.partnerProjectId, 'spec', specId)
  gather.visibleSpecs.set(specId, visible)
  return visible
}

const NOT_FOUND = {
  case: 'That case does not exist in this project, or it is not one of your runs.',
  run: 'That run does not exist in this project, or it is not one of yours.',
  trace: 'That trace does not exist in this project, or it is not one of yours.',
  operation: 'That operation does not exist in this project, or its spec is not shared with you.',
}

/** Read models throw their own 404s; the assistant answers them all the same way. */
async function orNotFound<T>(read: () => Promise<T>, message: string): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (
      error instanceof TraceNotFoundError ||
      (error instanceof RunError && error.status === 404) ||
      (error instanceof Response && error.status === 404)
    )
      throw new AssistantError(message, 404)
    throw error
  }
}

/** Gathers the facts for a question; 404 AssistantError when the subject is not the asker's. */
export async function buildContext(
  scope: AssistantScope,
  subject: AssistantSubject,
  prompt: PromptKind,
  redactor?: Redactor,
): Promise<AssistantContext> {
  const gather: Gather = {
    scope,
    redact: redactor ?? (await redactorFor(scope)),
    links: linksFor(scope),
    visibleSpecs: new Map(),
    context: {
      subject,
      audience: audienceOf(scope),
      facts: [],
      case: null,
      run: null,
      trace: null,
      operation: null,
      templates: [],
      annotations: [],
      plan: [],
      latestRuns: [],
      pattern: null,
    },
  }
  switch (subject.kind) {
    case 'case':
      await gatherCase(gather, subject.runId, subject.seq)
      break
    case 'run':
      await gatherRun(gather, subject.runId)
      break
    case 'trace':
      await gatherTrace(gather, subject.traceId)
      break
    case 'operation':
      await gatherOperationSubject(gather, subject.specId, subject.operationId)
      break
    case 'next-steps':
      await gatherNextSteps(gather, scope.partnerProjectId)
      break
  }
  for (const fact of gather.context.facts) fact.relevance += PROMPT_BOOST[prompt][fact.kind] ?? 0
  return gather.context
}

/** What each prompt cares about most: added to the relevance the subject gave. */
const PROMPT_BOOST: Record<PromptKind, Partial<Record<Fact['kind'], number>>> = {
  troubleshoot: { case: 10, template: 10, annotation: 10 },
  'next-steps': { plan: 40, run: 30 },
  'explain-error': { case: 10, trace: 10, operation: 20 },
  'draft-annotation': { case: 10, annotation: 20, template: 10 },
}

// ---------------------------------------------------------------------------
// Cases and runs

function contentTypeOf(headers: Record<string, string>): string {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')
  return entry?.[1] ?? ''
}

function exchangeText(redact: Redactor, exchange: StoredExchange, index: number): string {
  const lines = [
    `Exchange ${index}: ${exchange.request.method} ${redact.url(exchange.request.url)}`,
    `Request headers: ${JSON.stringify(redact.headers(exchange.request.headers))}`,
  ]
  if (exchange.request.body)
    lines.push(
      `Request body: ${clip(redact.body(exchange.request.body, contentTypeOf(exchange.request.headers)), BODY_CHARS)}`,
    )
  if (exchange.response) {
    lines.push(
      `Response: ${exchange.response.status} after ${exchange.durationMs} ms`,
      `Response headers: ${JSON.stringify(redact.headers(exchange.response.headers))}`,
      `Response body: ${clip(redact.body(exchange.response.body, contentTypeOf(exchange.response.headers)), BODY_CHARS) || '(empty)'}`,
    )
  } else if (exchange.error) {
    lines.push(`No response: ${exchange.error.code}: ${redact.text(exchange.error.message)}`)
  }
  return lines.join('\n')
}

function failingAssertions(redact: Redactor, assertions: Assertion[]): FailingAssertion[] {
  return assertions
    .filter((assertion) => !assertion.passed && assertion.severity !== 'warning')
    .slice(0, ASSERTIONS_SHOWN)
    .map((assertion) => ({
      name: assertion.name,
      expected: clip(redact.text(assertion.expected), VALUE_CHARS),
      actual: clip(redact.text(assertion.actual), VALUE_CHARS),
      ...(assertion.pointer ? { pointer: assertion.pointer } : {}),
    }))
}

type RunRow = Awaited<ReturnType<typeof getRun>>

function runLabel(run: RunRow) {
  return `Run of ${run.specVersion.spec.name} v${run.specVersion.number} on ${run.environmentLabel}`
}

async function gatherCase(gather: Gather, runId: string, seq: number, base = 100) {
  const { scope, redact, links } = gather
  const partner = scope.partnerProjectId ?? undefined
  const run = await orNotFound(() => getRun(scope.projectId, runId, partner), NOT_FOUND.case)
  if (!Number.isSafeInteger(seq) || seq < 1) throw new AssistantError(NOT_FOUND.case, 404)
  const entry = await orNotFound(
    () => getRunCase(scope.projectId, run.id, seq, partner),
    NOT_FOUND.case,
  )
  const id = factId.case(run.id, entry.seq)
  const failing = failingAssertions(redact, entry.assertions)
  const exchanges = entry.exchanges.slice(-EXCHANGES_SHOWN)
  const last = entry.exchanges[entry.exchanges.length - 1]
  const digest: CaseDigest = {
    factId: id,
    runId: run.id,
    seq: entry.seq,
    key: entry.key,
    title: entry.title,
    verdict: entry.verdict,
    reason: entry.reason ? redact.text(entry.reason) : null,
    templateId: entry.templateId,
    operationId: entry.operationId,
    failing,
    passedCount: entry.assertions.filter((assertion) => assertion.passed).length,
    response: last?.response
      ? {
          status: last.response.status,
          contentType: contentTypeOf(last.response.headers),
          body: clip(
            redact.body(last.response.body, contentTypeOf(last.response.headers)),
            BODY_CHARS,
          ),
        }
      : null,
    transportError: last?.error ? redact.text(`${last.error.code}: ${last.error.message}`) : null,
  }
  const text = [
    `Case ${entry.seq} "${entry.title}" (template ${entry.templateId}, ${entry.level}) in ${runLabel(run)}.`,
    `Verdict: ${entry.verdict}${digest.reason ? ` — ${digest.reason}` : ''}`,
    ...(failing.length
      ? [
          'Failing assertions:',
          ...failing.map(
            (assertion) =>
              `- ${assertion.name}: expected ${assertion.expected}; actual ${assertion.actual}${assertion.pointer ? ` (spec ${assertion.pointer})` : ''}`,
          ),
        ]
      : []),
    `${digest.passedCount} assertion(s) passed.`,
    ...exchanges.map((exchange, index) =>
      exchangeText(redact, exchange, entry.exchanges.length - exchanges.length + index + 1),
    ),
  ].join('\n')
  add(gather, {
    id,
    kind: 'case',
    label: `Case ${entry.seq}: ${entry.title}`,
    url: links.case(run.id, entry.seq),
    text,
    relevance: base,
  })
  if (!gather.context.case) gather.context.case = digest
  if (base === 100) {
    addRunFact(gather, run, await listRunCases(run.id), 50)
    if (!scope.partnerProjectId) gather.context.pattern = await failurePattern(scope, entry.key)
  }
  addTemplate(gather, entry.templateId, base - 10)
  if (entry.operationId) {
    const ref = {
      specId: run.specVersion.specId,
      versionId: run.specVersionId,
      operationId: entry.operationId,
    }
    await addOperation(gather, ref, base - 20)
    const fieldHints = failing.map((assertion) => `${assertion.name} ${assertion.pointer ?? ''}`)
    await addAnnotations(gather, ref, base - 15, fieldHints)
    if (base === 100) await addRecentTraces(gather, ref, 30, run.partnerProjectId)
  }
  if (base === 100 && run.partnerProjectId)
    await addPlan(gather, run.partnerProjectId, 40, entry.key)
}

async function failurePattern(scope: AssistantScope, key: string) {
  const since = new Date(Date.now() - PATTERN_DAYS * 86_400_000)
  const rows = await db.runCase.findMany({
    where: {
      key,
      verdict: { in: [...FAILING_VERDICTS] },
      run: { projectId: scope.projectId, createdAt: { gte: since } },
    },
    select: { run: { select: { partnerProjectId: true } } },
    take: 500,
  })
  return {
    failedRuns: rows.length,
    partners: new Set(
      rows.flatMap((row) => (row.run.partnerProjectId ? [row.run.partnerProjectId] : [])),
    ).size,
  }
}

type CaseSummary = Awaited<ReturnType<typeof listRunCases>>[number]

function addRunFact(gather: Gather, run: RunRow, cases: CaseSummary[], relevance: number) {
  const counts = countsOf(run)
  const failing = cases.filter((entry) => FAILING_VERDICTS.has(entry.verdict))
  const digest: RunDigest = {
    factId: factId.run(run.id),
    runId: run.id,
    label: runLabel(run),
    status: run.status,
    counts,
    failing: failing.map((entry) => ({
      seq: entry.seq,
      title: entry.title,
      templateId: entry.templateId,
      reason: entry.reason ? gather.redact.text(entry.reason) : null,
    })),
  }
  const text = [
    `${digest.label}, started ${run.createdAt.toISOString()}${run.partnerProject ? ` for ${run.partnerProject.name}` : ''}.`,
    `Status: ${run.status}${run.error ? ` (${gather.redact.text(run.error)})` : ''}.`,
    `Cases: ${counts.total} total, ${counts.passed} passed, ${counts.failed} failed, ${counts.errored} errored, ${counts.skipped} skipped, ${counts.needs_config} need configuration; ${counts.requiredFailed} required case(s) failed.`,
    ...(failing.length
      ? [
          'Failing cases:',
          ...digest.failing
            .slice(0, RUN_FAILURES_LISTED)
            .map(
              (entry) =>
                `- case ${entry.seq} "${entry.title}" (${entry.templateId})${entry.reason ? `: ${clip(entry.reason, 200)}` : ''}`,
            ),
          ...(failing.length > RUN_FAILURES_LISTED
            ? [`… and ${failing.length - RUN_FAILURES_LISTED} more.`]
            : []),
        ]
      : []),
  ].join('\n')
  add(gather, {
    id: digest.factId,
    kind: 'run',
    label: digest.label,
    url: gather.links.run(run.id),
    text,
    relevance,
  })
  return digest
}

async function gatherRun(gather: Gather, runId: string) {
  const { scope } = gather
  const run = await orNotFound(
    () => getRun(scope.projectId, runId, scope.partnerProjectId ?? undefined),
    NOT_FOUND.run,
  )
  const cases = await listRunCases(run.id)
  gather.context.run = addRunFact(gather, run, cases, 100)
  const failing = cases.filter((entry) => FAILING_VERDICTS.has(entry.verdict))
  // The first failures in detail (required ones first): the rest stay in the run's list.
  const detailed = [...failing]
    .sort(
      (a, b) => Number(b.level === 'required') - Number(a.level === 'required') || a.seq - b.seq,
    )
    .slice(0, RUN_FAILURES_DETAILED)
  for (const [index, entry] of detailed.entries())
    await gatherCase(gather, run.id, entry.seq, 70 - index * 5)
  for (const entry of failing) addTemplate(gather, entry.templateId, 45)
  if (run.partnerProjectId) await addPlan(gather, run.partnerProjectId, 30)
}

// ---------------------------------------------------------------------------
// Specs: operations, annotations, templates

async function operationOf(ref: OperationRef): Promise<NormalizedOperation | undefined> {
  return findOperation(await versionSpec(ref.versionId), ref.operationId)
}

async function addOperation(gather: Gather, ref: OperationRef, relevance: number) {
  const id = factId.operation(ref.specId, ref.operationId)
  if (has(gather, id)) return
  const operation = await operationOf(ref)
  if (!operation) return
  const excerpt = (await operationExcerpt(ref.versionId, ref.operationId)) ?? ''
  const visible = await specVisible(gather, ref.specId)
  const digest: OperationDigest = {
    ...ref,
    factId: id,
    method: operation.method.toUpperCase(),
    path: operation.path,
    responses: operation.responses.map((response) => ({
      status: response.status,
      description: response.description ?? '',
    })),
  }
  if (!gather.context.operation) gather.context.operation = digest
  add(gather, {
    id,
    kind: 'operation',
    label: `${digest.method} ${digest.path}`,
    // A partner is sent to the spec page only when the spec is shared with it.
    url: visible ? gather.links.operation(ref) : gather.links.specs(),
    text: `Spec excerpt of ${digest.method} ${digest.path} (operation ${ref.operationId}):\n${gather.redact.text(excerpt)}`,
    relevance,
  })
}

async function addAnnotations(
  gather: Gather,
  ref: OperationRef,
  relevance: number,
  hints: string[] = [],
) {
  const notes = await annotationsForOperation(ref.specId, ref.operationId)
  for (const note of notes) {
    const id = factId.annotation(note.id)
    if (has(gather, id)) continue
    // A note on a field a failing assertion names is worth more than one on another field.
    const named =
      note.fieldPath !== '' &&
      hints.some((hint) => hint.includes(note.fieldPath.split('/').pop() ?? note.fieldPath))
    const body = gather.redact.text(note.body)
    gather.context.annotations.push({
      factId: id,
      type: note.type,
      fieldPath: note.fieldPath,
      body,
      operationId: ref.operationId,
    })
    add(gather, {
      id,
      kind: 'annotation',
      label: `API team note${note.fieldPath ? ` on ${note.fieldPath}` : ''} (${ref.operationId})`,
      url: (await specVisible(gather, ref.specId))
        ? gather.links.annotation(ref, note.id)
        : gather.links.specs(),
      text: `Note by the API team (${note.type}) on ${note.fieldPath ? `field ${note.fieldPath} of ` : ''}operation ${ref.operationId}${note.orphaned ? ' (its field was removed in a newer version)' : ''}:\n${body}`,
      relevance: relevance + (named ? 5 : 0),
    })
  }
}

function addTemplate(gather: Gather, templateId: string, relevance: number) {
  const template = goldenTemplate(templateId)
  if (!template) return
  const id = factId.template(template.id)
  if (!gather.context.templates.some((entry) => entry.id === template.id))
    gather.context.templates.push({
      factId: id,
      id: template.id,
      title: template.title,
      checks: template.checks,
      judgedBy: template.judgedBy,
      fix: template.fix,
    })
  add(gather, {
    id,
    kind: 'template',
    label: `Golden check: ${template.title}`,
    url: gather.links.template(template.id),
    text: [
      `Golden template ${template.id} "${template.title}" (${template.category}).`,
      `Checks: ${template.checks}`,
      `Judged by: ${template.judgedBy}`,
      `Why it fails and how to fix it: ${template.fix}`,
    ].join('\n'),
    relevance,
  })
}

// ---------------------------------------------------------------------------
// Traces

type TraceView = Awaited<ReturnType<typeof getTrace>>

function traceViolations(trace: TraceView) {
  return [
    ...trace.operationViolations,
    ...trace.request.headers.flatMap((header) => header.violations),
    ...trace.request.body.violations,
    ...trace.request.other,
    ...trace.response.headers.flatMap((header) => header.violations),
    ...trace.response.body.violations,
    ...trace.response.other,
  ]
}

function traceFactText(redact: Redactor, trace: TraceView, withBodies: boolean): string {
  const violations = traceViolations(trace)
  const headerMap = (headers: { name: string; value: string }[]) =>
    redact.headers(Object.fromEntries(headers.map((header) => [header.name, header.value])))
  const lines = [
    `Trace ${trace.method} ${redact.url(trace.url)} answered ${trace.status} at ${trace.occurredAt} (${trace.partner.name}).`,
    `Signature verified: ${trace.verified ? 'yes' : 'no'}; conforms to the spec: ${trace.valid ? 'yes' : 'no'}; operation: ${trace.operationKey || 'none matched'}.`,
    ...(violations.length
      ? [
          'Violations:',
          ...violations
            .slice(0, 15)
            .map(
              (violation) =>
                `- ${violation.side} ${violation.location}: ${redact.text(violation.message)}`,
            ),
        ]
      : []),
  ]
  if (withBodies) {
    const contentType = (side: typeof trace.request) =>
      side.headers.find((header) => header.name.toLowerCase() === 'content-type')?.value ?? ''
    lines.push(
      `Request headers: ${JSON.stringify(headerMap(trace.request.headers))}`,
      `Request body: ${clip(redact.body(trace.request.body.text, contentType(trace.request)), BODY_CHARS) || '(empty)'}`,
      `Response headers: ${JSON.stringify(headerMap(trace.response.headers))}`,
      `Response body: ${clip(redact.body(trace.response.body.text, contentType(trace.response)), BODY_CHARS) || '(empty)'}`,
    )
  }
  return lines.join('\n')
}

async function gatherTrace(gather: Gather, traceId: string) {
  const { scope, redact } = gather
  const trace = await orNotFound(
    () => getTrace(scope.projectId, traceId, scope.partnerProjectId ?? undefined),
    NOT_FOUND.trace,
  )
  const id = factId.trace(trace.id)
  const contentType =
    trace.response.headers.find((header) => header.name.toLowerCase() === 'content-type')?.value ??
    ''
  gather.context.trace = {
    factId: id,
    method: trace.method,
    url: redact.url(trace.url),
    status: trace.status,
    verified: trace.verified,
    valid: trace.valid,
    violations: traceViolations(trace).map((violation) => ({
      side: violation.side,
      location: violation.location,
      message: redact.text(violation.message),
    })),
    response: {
      status: trace.status,
      contentType,
      body: clip(redact.body(trace.response.body.text, contentType), BODY_CHARS),
    },
  }
  add(gather, {
    id,
    kind: 'trace',
    label: `Trace ${trace.method} ${trace.operation?.path ?? trace.url} → ${trace.status}`,
    url: gather.links.trace(trace.id),
    text: traceFactText(redact, trace, true),
    relevance: 100,
  })
  if (trace.operation) {
    const ref = {
      specId: trace.operation.specId,
      versionId: trace.operation.versionId,
      operationId: trace.operation.key,
    }
    await addOperation(gather, ref, 80)
    await addAnnotations(gather, ref, 70)
    await addRecentTraces(gather, ref, 20, trace.partner.id)
  }
  await addPlan(gather, trace.partner.id, 20)
}

/** The latest traces of an operation (the partner's own for a partner; this partner's when one is known). */
async function addRecentTraces(
  gather: Gather,
  ref: OperationRef,
  relevance: number,
  partnerProjectId: string | null,
) {
  const { scope } = gather
  const owner = scope.partnerProjectId ?? partnerProjectId
  const rows = await db.trace.findMany({
    where: {
      projectId: scope.projectId,
      operationKey: ref.operationId,
      ...(owner ? { partnerProjectId: owner } : {}),
    },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: RECENT_TRACES,
    select: { id: true },
  })
  for (const [index, row] of rows.entries()) {
    const id = factId.trace(row.id)
    if (has(gather, id)) continue
    const trace = await getTrace(scope.projectId, row.id, scope.partnerProjectId ?? undefined)
    add(gather, {
      id,
      kind: 'trace',
      label: `Trace ${trace.method} ${trace.operation?.path ?? ''} → ${trace.status}`,
      url: gather.links.trace(trace.id),
      text: traceFactText(gather.redact, trace, false),
      relevance: relevance - index,
    })
  }
}

// ---------------------------------------------------------------------------
// Operations as subjects

async function gatherOperationSubject(gather: Gather, specId: string, operationId: string) {
  const { scope } = gather
  if (!(await specVisible(gather, specId))) throw new AssistantError(NOT_FOUND.operation, 404)
  const version = await db.specVersion.findFirst({
    where: { specId, spec: { projectId: scope.projectId } },
    orderBy: { number: 'desc' },
    select: { id: true },
  })
  if (!version) throw new AssistantError(NOT_FOUND.operation, 404)
  const ref = { specId, versionId: version.id, operationId }
  if (!(await operationOf(ref))) throw new AssistantError(NOT_FOUND.operation, 404)
  await addOperation(gather, ref, 100)
  await addAnnotations(gather, ref, 90)
  // The latest failures of this operation in scope, in detail.
  const failures = await db.runCase.findMany({
    where: {
      operationId,
      verdict: { in: [...FAILING_VERDICTS] },
      run: {
        projectId: scope.projectId,
        specVersion: { specId },
        ...(scope.partnerProjectId ? { partnerProjectId: scope.partnerProjectId } : {}),
      },
    },
    orderBy: { run: { createdAt: 'desc' } },
    take: RUN_FAILURES_DETAILED,
    select: { runId: true, seq: true },
  })
  for (const [index, failure] of failures.entries())
    await gatherCase(gather, failure.runId, failure.seq, 60 - index * 5)
  await addRecentTraces(gather, ref, 40, null)
  if (scope.partnerProjectId) await addPlan(gather, scope.partnerProjectId, 20)
}

// ---------------------------------------------------------------------------
// The plan and the latest runs

const phaseIndex = (phase: string) => PHASES.indexOf(phase as Phase)

async function addPlan(
  gather: Gather,
  partnerProjectId: string,
  relevance: number,
  caseKey?: string,
) {
  const board = await planBoard(partnerProjectId, gather.context.audience)
  const partner = gather.scope.partnerProjectId
    ? null
    : ((
        await db.partnerProject.findFirst({
          where: { id: partnerProjectId, projectId: gather.scope.projectId },
          select: { name: true },
        })
      )?.name ?? null)
  const open = board.phases
    .flatMap((phase) => phase.items.map((item) => ({ ...item, phase: phase.phase })))
    .filter((item) => item.status !== 'done' || item.cases.some((entry) => entry.key === caseKey))
    .sort(
      (a, b) =>
        phaseIndex(a.phase) - phaseIndex(b.phase) || Number(b.required) - Number(a.required),
    )
    .slice(0, PLAN_ITEMS)
  for (const [index, item] of open.entries()) {
    const id = factId.plan(item.id)
    if (has(gather, id)) continue
    const linked = item.cases.some((entry) => entry.key === caseKey)
    const digest: PlanDigest = {
      factId: id,
      title: item.title,
      phase: item.phase,
      status: item.status,
      required: item.required,
      dueDate: item.dueDate,
      partner,
    }
    gather.context.plan.push(digest)
    const notes = item.notes
      .slice(-2)
      .map((note) => `  note: ${clip(gather.redact.text(note.body), 300)}`)
    add(gather, {
      id,
      kind: 'plan',
      label: `Plan: ${item.title}`,
      url: gather.links.plan(item.id, partnerProjectId),
      text: [
        `Plan item "${item.title}"${partner ? ` for ${partner}` : ''}, phase ${PHASE_LABELS[item.phase]}, ${item.required ? 'required' : 'optional'}, status ${item.status}${item.dueDate ? `, due ${item.dueDate}${item.overdue ? ' (overdue)' : ''}` : ''}.`,
        ...(item.rule
          ? [
              `Closes by itself when: ${item.rule.description}${item.ruleReason ? ` (last check: ${gather.redact.text(item.ruleReason)})` : ''}`,
            ]
          : []),
        ...item.cases.map(
          (entry) =>
            `  linked case ${entry.title}: ${entry.latest ? `${entry.latest.verdict} on ${entry.latest.environment}` : 'not run yet'}`,
        ),
        ...notes,
        ...(board.currentPhase
          ? [`Current phase of the plan: ${PHASE_LABELS[board.currentPhase]}.`]
          : []),
      ].join('\n'),
      relevance: relevance + (linked ? 20 : 0) - index,
    })
  }
}

async function gatherNextSteps(gather: Gather, partnerProjectId: string | null) {
  const { scope } = gather
  if (partnerProjectId) await addPlan(gather, partnerProjectId, 80)
  else {
    // The vendor: the open required items of every partner, earliest phase first.
    const partners = await db.partnerProject.findMany({
      where: { projectId: scope.projectId },
      orderBy: { updatedAt: 'desc' },
      take: 5,
      select: { id: true },
    })
    for (const partner of partners) await addPlan(gather, partner.id, 70)
  }
  const runs = await db.run.findMany({
    where: {
      projectId: scope.projectId,
      ...(partnerProjectId ? { partnerProjectId } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: LATEST_RUNS,
    select: { id: true },
  })
  for (const [index, row] of runs.entries()) {
    const run = await getRun(scope.projectId, row.id, partnerProjectId ?? undefined)
    const digest = addRunFact(gather, run, await listRunCases(run.id), 70 - index * 5)
    gather.context.latestRuns.push(digest)
    if (index === 0)
      for (const entry of digest.failing.slice(0, 2))
        await gatherCase(gather, run.id, entry.seq, 50)
  }
}
