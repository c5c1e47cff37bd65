/**
 * The built-in troubleshooter: an answer for each prompt kind made from the
 * context alone, with no model. It is what the asker gets without a model (or
 * when the model fails), and the model's first hint otherwise. Every claim
 * cites its fact as `[kind:id]`. Pure.
 */
import type { PromptKind } from '~/shared/assistant'
import { PHASE_LABELS, type Phase } from '~/shared/plan'
import type { AssistantContext, OperationDigest, ResponseDigest } from './context.server'

export type Draft = {
  text: string
  /** The prompt is not for this asker (a partner asking for an annotation draft). */
  refused: boolean
}

export const DRAFT_REFUSED_FOR_PARTNERS =
  'Drafting annotations is for the API team: they write the notes partners see on each operation. Ask “Troubleshoot this failure” to understand this failure, or ask the API team to add a note.'

const cite = (id: string) => `[${id}]`
const oneLine = (text: string, max = 300) => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}
const has = (context: AssistantContext, id: string) => context.facts.some((fact) => fact.id === id)

export function troubleshoot(context: AssistantContext, prompt: PromptKind): Draft {
  switch (prompt) {
    case 'troubleshoot':
      return { text: troubleshootText(context), refused: false }
    case 'next-steps':
      return { text: nextStepsText(context), refused: false }
    case 'explain-error':
      return { text: explainErrorText(context), refused: false }
    case 'draft-annotation':
      return context.audience === 'partner'
        ? { text: DRAFT_REFUSED_FOR_PARTNERS, refused: true }
        : { text: draftAnnotationText(context), refused: false }
  }
}

// ---------------------------------------------------------------------------
// Troubleshoot this failure

function notesLines(context: AssistantContext, operationId?: string): string[] {
  const notes = context.annotations.filter(
    (note) => !operationId || note.operationId === operationId,
  )
  if (notes.length === 0) return []
  return [
    '',
    '**Notes from the API team:**',
    ...notes
      .slice(0, 5)
      .map(
        (note) =>
          `- ${note.fieldPath ? `\`${note.fieldPath}\`: ` : ''}${oneLine(note.body)} ${cite(note.factId)}`,
      ),
  ]
}

function caseTroubleshoot(context: AssistantContext): string[] {
  const entry = context.case!
  if (entry.verdict === 'passed')
    return [
      `Case ${entry.seq} “${entry.title}” passed ${cite(entry.factId)}: there is nothing to troubleshoot.`,
    ]
  if (entry.verdict === 'skipped' || entry.verdict === 'needs_config')
    return [
      `Case ${entry.seq} “${entry.title}” did not run (${entry.verdict.replace('_', ' ')})${entry.reason ? `: ${entry.reason}` : ''} ${cite(entry.factId)}.`,
    ]
  const template = context.templates.find((candidate) => candidate.id === entry.templateId)
  const lines = [
    `**Case ${entry.seq} “${entry.title}” ${entry.verdict}** ${cite(entry.factId)}.${entry.reason ? ` ${oneLine(entry.reason, 400)}` : ''}`,
  ]
  if (template)
    lines.push(
      '',
      `**Why this check fails and how to fix it** (${template.title}): ${template.fix} ${cite(template.factId)}`,
    )
  if (entry.failing.length) {
    lines.push('', '**What the run saw:**')
    for (const assertion of entry.failing)
      lines.push(
        `- ${assertion.name}: expected ${oneLine(assertion.expected, 200)}, got ${oneLine(assertion.actual, 200)} ${cite(entry.factId)}`,
      )
  } else if (entry.transportError) {
    lines.push('', `No response came: ${entry.transportError} ${cite(entry.factId)}`)
  }
  lines.push(...notesLines(context, entry.operationId))
  const operation = context.operation
  if (operation && operation.operationId === entry.operationId)
    lines.push(
      '',
      `Compare the request with the spec of ${operation.method} ${operation.path} ${cite(operation.factId)}.`,
    )
  return lines
}

function runTroubleshoot(context: AssistantContext): string[] {
  const run = context.run!
  const { counts } = run
  if (run.failing.length === 0)
    return [
      `${run.label}: ${run.status}, ${counts.passed} of ${counts.total} cases passed and none failed ${cite(run.factId)}.`,
    ]
  const lines = [
    `**${run.label}: ${run.status}**, ${run.failing.length} failing case(s) of ${counts.total} ${cite(run.factId)}.`,
    '',
    '**Fix these first:**',
  ]
  for (const entry of run.failing.slice(0, 5)) {
    const template = context.templates.find((candidate) => candidate.id === entry.templateId)
    const caseId = `case:${run.runId}:${entry.seq}`
    lines.push(
      `- Case ${entry.seq} “${entry.title}”${entry.reason ? `: ${oneLine(entry.reason, 160)}` : ''} ${cite(has(context, caseId) ? caseId : run.factId)}${template ? ` — ${oneLine(template.fix, 240)} ${cite(template.factId)}` : ''}`,
    )
  }
  if (run.failing.length > 5)
    lines.push(`- … and ${run.failing.length - 5} more ${cite(run.factId)}.`)
  return [...lines, ...notesLines(context)]
}

function traceTroubleshoot(context: AssistantContext): string[] {
  const trace = context.trace!
  const lines = [
    `**${trace.method} ${trace.url} answered ${trace.status}** ${cite(trace.factId)}; signature ${trace.verified ? 'verified' : 'not verified'}, ${trace.valid ? 'conforms to the spec' : 'does not conform to the spec'}.`,
  ]
  if (!trace.verified)
    lines.push(
      '',
      `The batch's HMAC signature did not verify ${cite(trace.factId)}: sign the exact body with the current trace secret and send the timestamp you signed.`,
    )
  if (trace.violations.length) {
    lines.push('', '**Where it differs from the spec:**')
    for (const violation of trace.violations.slice(0, 10))
      lines.push(
        `- ${violation.side} ${violation.location}: ${oneLine(violation.message, 200)} ${cite(trace.factId)}`,
      )
  }
  lines.push(...notesLines(context, context.operation?.operationId))
  if (context.operation)
    lines.push(
      '',
      `The operation's spec: ${context.operation.method} ${context.operation.path} ${cite(context.operation.factId)}.`,
    )
  return lines
}

function operationTroubleshoot(context: AssistantContext): string[] {
  const operation = context.operation!
  const lines = [
    `**${operation.method} ${operation.path}** ${cite(operation.factId)} documents the responses ${operation.responses.map((response) => response.status).join(', ') || '(none)'}.`,
  ]
  lines.push(...notesLines(context, operation.operationId))
  const failures = context.facts.filter((fact) => fact.kind === 'case')
  if (failures.length) {
    lines.push('', '**Recent failures of this operation:**')
    for (const fact of failures) lines.push(`- ${fact.label} ${cite(fact.id)}`)
    const entry = context.case
    const template =
      entry && context.templates.find((candidate) => candidate.id === entry.templateId)
    if (template) lines.push('', `${template.title}: ${template.fix} ${cite(template.factId)}`)
  } else lines.push('', 'No failing case of this operation is on record.')
  return lines
}

function troubleshootText(context: AssistantContext): string {
  const lines =
    context.subject.kind === 'case' && context.case
      ? caseTroubleshoot(context)
      : context.subject.kind === 'run' && context.run
        ? runTroubleshoot(context)
        : context.subject.kind === 'trace' && context.trace
          ? traceTroubleshoot(context)
          : context.subject.kind === 'operation' && context.operation
            ? operationTroubleshoot(context)
            : null
  return lines ? lines.join('\n') : nextStepsText(context)
}

// ---------------------------------------------------------------------------
// What's next?

function nextStepsText(context: AssistantContext): string {
  const lines: string[] = []
  const entry = context.case
  if (
    context.subject.kind === 'case' &&
    entry &&
    (entry.verdict === 'failed' || entry.verdict === 'errored')
  ) {
    const template = context.templates.find((candidate) => candidate.id === entry.templateId)
    lines.push(
      `**First, fix case ${entry.seq} “${entry.title}”** ${cite(entry.factId)}${template ? `: ${oneLine(template.fix, 240)} ${cite(template.factId)}` : '.'}`,
      '',
    )
  }
  if (context.plan.length) {
    lines.push('**Open items of the plan, earliest phase first:**')
    for (const item of context.plan.slice(0, 6))
      lines.push(
        `- ${item.title}${item.partner ? ` (${item.partner})` : ''}: ${PHASE_LABELS[item.phase as Phase] ?? item.phase}, ${item.required ? 'required' : 'optional'}, ${item.status.replace('_', ' ')}${item.dueDate ? `, due ${item.dueDate}` : ''} ${cite(item.factId)}`,
      )
  } else if (context.subject.kind === 'next-steps')
    lines.push(
      'No open plan item is on record: every item of the plan is done, or there is no plan yet.',
    )
  const runs = context.latestRuns.length ? context.latestRuns : context.run ? [context.run] : []
  if (runs.length) {
    lines.push('', '**Latest runs:**')
    for (const run of runs) {
      const failing = run.failing.slice(0, 3)
      lines.push(
        `- ${run.label}: ${run.status}, ${run.counts.passed} passed, ${run.failing.length} failing ${cite(run.factId)}`,
      )
      for (const failure of failing) {
        const caseId = `case:${run.runId}:${failure.seq}`
        if (has(context, caseId))
          lines.push(`  - fix case ${failure.seq} “${failure.title}” ${cite(caseId)}`)
      }
    }
    const latest = runs[0]!
    if (latest.failing.length === 0 && latest.counts.total > 0)
      lines.push('', `The latest run passed: move on to the next plan item ${cite(latest.factId)}.`)
  } else if (context.subject.kind === 'next-steps')
    lines.push(
      '',
      'No run is on record yet: start with a run of the golden suite against the Mock.',
    )
  return lines.join('\n').trim()
}

// ---------------------------------------------------------------------------
// Explain this error response

const STATUS_MEANINGS: Record<string, string> = {
  '400':
    'the API could not accept the request as sent (a malformed body, a missing or invalid parameter)',
  '401': 'the request carried no valid credentials (missing, expired or wrong token or key)',
  '403': 'the credentials were recognised but are not allowed to do this (scope, role or account)',
  '404': 'the resource or path does not exist (a wrong id, base path or version)',
  '405': 'the method is not allowed on this path',
  '409':
    'the request conflicts with the current state (a duplicate, a version or idempotency conflict)',
  '415': 'the Content-Type of the body is not one the operation accepts',
  '422': 'the body was well formed but a value is not valid',
  '429': 'too many requests: slow down and retry after the time the API says (Retry-After)',
  '500': 'the server failed while handling the request',
  '502': 'a gateway in front of the API got no valid answer from it',
  '503': 'the API is unavailable for now (maintenance or overload)',
  '504': 'a gateway in front of the API timed out waiting for it',
}

function errorMessageOf(response: NonNullable<ResponseDigest>): string | null {
  try {
    const body = JSON.parse(response.body) as unknown
    if (body && typeof body === 'object') {
      const record = body as Record<string, unknown>
      const nested =
        record.error && typeof record.error === 'object'
          ? (record.error as Record<string, unknown>)
          : null
      for (const value of [
        nested?.message,
        record.message,
        typeof record.error === 'string' ? record.error : undefined,
        record.detail,
        record.title,
        record.error_description,
      ])
        if (typeof value === 'string' && value.trim()) return oneLine(value, 300)
    }
  } catch {
    // not JSON: quoted as is below
  }
  return null
}

function documented(operation: OperationDigest, status: number) {
  const code = String(status)
  return (
    operation.responses.find((response) => response.status === code) ??
    operation.responses.find((response) => response.status.toUpperCase() === `${code[0]}XX`) ??
    operation.responses.find((response) => response.status === 'default') ??
    null
  )
}

function explainErrorText(context: AssistantContext): string {
  const source = context.case?.response
    ? { response: context.case.response, factId: context.case.factId }
    : context.trace?.response
      ? { response: context.trace.response, factId: context.trace.factId }
      : null
  if (!source) {
    if (context.case?.transportError)
      return `No response came back, so there is no error response to explain: ${context.case.transportError} ${cite(context.case.factId)}. Check the environment's base URL and that it accepts connections.`
    return 'The facts hold no recorded response to explain. Ask about a failing case or a trace that has a response.'
  }
  const { response, factId } = source
  const lines = [`**The API answered ${response.status}** ${cite(factId)}.`]
  const meaning = STATUS_MEANINGS[String(response.status)]
  if (meaning) lines.push(`In HTTP terms, ${response.status} means ${meaning}.`)
  const message = errorMessageOf(response)
  if (message) lines.push(`The response says: “${message}” ${cite(factId)}.`)
  else if (response.body.trim())
    lines.push(`Its body: \`${oneLine(response.body, 200)}\` ${cite(factId)}.`)
  const operation = context.operation
  if (operation) {
    const entry = documented(operation, response.status)
    const statuses = operation.responses.map((candidate) => candidate.status).join(', ')
    lines.push(
      '',
      entry
        ? `The spec documents ${entry.status} for ${operation.method} ${operation.path}${entry.description ? `: “${oneLine(entry.description, 200)}”` : ''} ${cite(operation.factId)}.`
        : `The spec does not document ${response.status} for ${operation.method} ${operation.path}; it documents ${statuses || 'no responses'} ${cite(operation.factId)}.`,
    )
  }
  const errorNotes = context.annotations.filter((note) => note.type === 'error_note')
  if (errorNotes.length) {
    lines.push('', '**What the API team says about errors here:**')
    for (const note of errorNotes.slice(0, 4))
      lines.push(
        `- ${note.fieldPath ? `\`${note.fieldPath}\`: ` : ''}${oneLine(note.body)} ${cite(note.factId)}`,
      )
  }
  const entry = context.case
  if (entry?.failing.length) {
    lines.push('', '**What the check expected:**')
    for (const assertion of entry.failing.slice(0, 4))
      lines.push(
        `- ${assertion.name}: expected ${oneLine(assertion.expected, 160)}, got ${oneLine(assertion.actual, 160)} ${cite(entry.factId)}`,
      )
  }
  return lines.join('\n')
}

// ---------------------------------------------------------------------------
// Draft an annotation (vendor side)

/** The kind of note a failure calls for: authentication, a field, an error response, or a condition. */
function noteType(context: AssistantContext): string {
  const entry = context.case
  if (entry?.templateId.startsWith('authentication.')) return 'auth_note'
  const pointers = entry?.failing.map((assertion) => assertion.pointer ?? '') ?? []
  if (pointers.some((pointer) => pointer.includes('/properties/'))) return 'field_note'
  const status = entry?.response?.status ?? context.trace?.status
  if ((status && status >= 400) || pointers.some((pointer) => /\/responses\/[45]/.test(pointer)))
    return 'error_note'
  return 'condition_note'
}

function draftAnnotationText(context: AssistantContext): string {
  const operation = context.operation
  if (!operation)
    return 'There is no operation to annotate here: ask from a failing case, a trace that matched an operation, or an operation page.'
  const entry = context.case
  const template = entry
    ? context.templates.find((candidate) => candidate.id === entry.templateId)
    : context.templates[0]
  const type = noteType(context)
  const pattern = context.pattern
  const basis = entry
    ? `case ${entry.seq} “${entry.title}” ${cite(entry.factId)}${pattern && pattern.failedRuns > 1 ? `, a check that failed in ${pattern.failedRuns} runs of ${pattern.partners} partner project(s) over the last 30 days` : ''}`
    : context.trace
      ? `the trace ${cite(context.trace.factId)}`
      : `the operation ${cite(operation.factId)}`
  const lines = [
    `A draft note (type \`${type}\`) for **${operation.method} ${operation.path}** ${cite(operation.factId)}, from ${basis}:`,
    '',
    '---',
    '',
    `**${template ? template.title : `Before you call ${operation.method} ${operation.path}`}**`,
    '',
  ]
  if (entry?.failing.length) {
    lines.push('Integrations commonly get this wrong:', '')
    for (const assertion of entry.failing.slice(0, 3))
      lines.push(`- ${assertion.name}: the API expects ${oneLine(assertion.expected, 160)}.`)
    lines.push('')
  } else if (context.trace?.violations.length) {
    lines.push('Integrations commonly get this wrong:', '')
    for (const violation of context.trace.violations.slice(0, 3))
      lines.push(`- ${violation.side} ${violation.location}: ${oneLine(violation.message, 160)}`)
    lines.push('')
  }
  if (template) lines.push(`How to get it right: ${template.fix}`, '')
  lines.push('---', '', 'Review the draft, then add it on the operation’s page (Notes).')
  if (template) lines.push(`The check it comes from: ${cite(template.factId)}.`)
  const existing = context.annotations.filter((note) => note.operationId === operation.operationId)
  if (existing.length)
    lines.push(
      `The operation already has ${existing.length} note(s): ${existing.map((note) => cite(note.factId)).join(' ')}.`,
    )
  return lines.join('\n')
}
