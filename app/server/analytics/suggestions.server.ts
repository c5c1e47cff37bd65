/**
 * The annotation each failure pattern suggests, and accepting it: rule-based from the
 * template's fix text and the failures actually seen, or drafted by the assistant when a
 * model is configured (falling back to the rule-based text on any failure). Accepting
 * creates the note through the annotations use case (checked against the spec's latest
 * version, audited), once per operation and note type.
 */
import { MAX_ANNOTATION_CHARS, type AnnotationType } from '~/shared/annotations'
import { goldenTemplate } from '~/shared/golden-templates'
import { AnnotationError, createAnnotation } from '../annotations/annotations.server'
import { ask } from '../assistant/ask.server'
import { modelConfig } from '../assistant/model.server'
import type { AssistantScope } from '../assistant/scope.server'
import type { Actor } from '../audit/log.server'
import { db } from '../db.server'
import type { FailureAnalytics, FailurePattern } from './failures.server'

export type Suggestion = { type: AnnotationType; fieldPath: string; body: string }

export type PatternStatus = {
  /** The note to accept; null when the pattern has no operation to attach a note to. */
  suggestion: Suggestion | null
  /** An annotation of the same type already exists on the operation. */
  annotated: boolean
  /** The operation page in the spec's latest version (null when the operation is gone). */
  operationHref: string | null
}

/** The note type a template's category calls for. */
export function noteTypeFor(category: string): AnnotationType {
  if (category === 'authentication') return 'auth_note'
  if (['errors', 'request-validation', 'contract'].includes(category)) return 'error_note'
  return 'condition_note'
}

const inline = (text: string, max = 300) => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
const code = (text: string) => `\`${inline(text, 120).replace(/`/g, "'")}\``

/** The rule-based note: what partners run into, the most common failure, and the template's fix. */
export function ruleBasedSuggestion(pattern: FailurePattern): Suggestion | null {
  if (!pattern.operationId) return null
  const template = goldenTemplate(pattern.templateId)
  const where = pattern.operation
    ? `${pattern.operation.method} ${pattern.operation.path}`
    : pattern.operationId
  const lines = [
    `**Common integration problem: ${inline(template?.title ?? pattern.templateId, 160)}.** ${pattern.failedPartners} of ${pattern.ranPartners} partners failed the \`${pattern.templateId}\` check on ${where} in their latest test run.`,
  ]
  if (pattern.topReason) lines.push(`Most common failure: ${inline(pattern.topReason)}`)
  if (pattern.topActuals.length)
    lines.push(
      `Seen instead: ${pattern.topActuals
        .map((entry) => `${inline(entry.name, 80)} ${code(entry.actual)}`)
        .join('; ')}.`,
    )
  if (template?.fix) lines.push(`How to get it right: ${template.fix}`)
  return {
    type: noteTypeFor(template?.category ?? pattern.category),
    fieldPath: '',
    body: lines.join('\n\n').slice(0, MAX_ANNOTATION_CHARS),
  }
}

/** Suggestions, "already annotated" and operation links for the patterns of one page. */
export async function patternStatuses(
  projectId: string,
  analytics: Pick<FailureAnalytics, 'patterns'>,
): Promise<PatternStatus[]> {
  const specIds = [...new Set(analytics.patterns.map((pattern) => pattern.specId))]
  const [notes, latest] = await Promise.all([
    db.annotation.findMany({
      where: {
        projectId,
        specId: { in: specIds },
        operationId: { in: analytics.patterns.map((pattern) => pattern.operationId) },
      },
      select: { specId: true, operationId: true, type: true },
    }),
    db.specVersion.findMany({
      where: { specId: { in: specIds }, spec: { projectId } },
      orderBy: { number: 'desc' },
      select: { id: true, specId: true },
    }),
  ])
  const existing = new Set(notes.map((note) => `${note.specId} ${note.operationId} ${note.type}`))
  const latestBySpec = new Map<string, string>()
  for (const version of latest)
    if (!latestBySpec.has(version.specId)) latestBySpec.set(version.specId, version.id)
  return analytics.patterns.map((pattern) => {
    const suggestion = ruleBasedSuggestion(pattern)
    const versionId = latestBySpec.get(pattern.specId)
    return {
      suggestion,
      annotated: suggestion
        ? existing.has(`${pattern.specId} ${pattern.operationId} ${suggestion.type}`)
        : false,
      operationHref:
        versionId && pattern.operation
          ? `/projects/${projectId}/specs/${pattern.specId}/v/${versionId}/operations/${encodeURIComponent(pattern.operationId)}`
          : null,
    }
  })
}

/** Whether the assistant can draft notes (a model is configured). */
export function canDraftWithAssistant(): boolean {
  return modelConfig() !== null
}

/**
 * The assistant's draft of the note for a pattern, asked as the vendor about the operation.
 * Any failure (no model, a model error, a refusal, the asker's hourly limit) gives the
 * rule-based text back, with `source` saying which one it is.
 */
export async function draftSuggestion(
  scope: AssistantScope,
  pattern: FailurePattern,
): Promise<{ suggestion: Suggestion; source: 'model' | 'rules' }> {
  const fallback = ruleBasedSuggestion(pattern)
  if (!fallback) throw new AnnotationError('This pattern has no operation to annotate.', 400)
  if (!canDraftWithAssistant()) return { suggestion: fallback, source: 'rules' }
  const template = goldenTemplate(pattern.templateId)
  const question = [
    `Draft a short note for partners on this operation: ${pattern.failedPartners} of ${pattern.ranPartners} partners fail the golden-suite check "${template?.title ?? pattern.templateId}" (${pattern.templateId}) here.`,
    pattern.topReason ? `Most common failure: ${inline(pattern.topReason)}` : '',
    template?.fix ? `Why it fails and how to fix it: ${template.fix}` : '',
    'Answer with the note only, in Markdown.',
  ]
    .filter(Boolean)
    .join('\n')
  try {
    const answer = await ask(
      { ...scope, partnerProjectId: null },
      {
        prompt: 'draft-annotation',
        question: question.slice(0, 1900),
        subject: { kind: 'operation', specId: pattern.specId, operationId: pattern.operationId },
      },
    )
    const body = answer.answer.trim()
    if (answer.source !== 'model' || !body) return { suggestion: fallback, source: 'rules' }
    return {
      suggestion: { ...fallback, body: body.slice(0, MAX_ANNOTATION_CHARS) },
      source: 'model',
    }
  } catch (error) {
    console.warn(`[analytics] the assistant could not draft a note: ${String(error)}`)
    return { suggestion: fallback, source: 'rules' }
  }
}

export type AcceptInput = {
  specId: string
  operationId: string
  type: string
  fieldPath: string
  body: string
}

/**
 * Creates the suggested note through createAnnotation (checked against the spec's latest
 * version, audited as annotation.created). A second accept of the same operation and type is refused (409),
 * so a double submit never makes two notes.
 */
export async function acceptSuggestion(actor: Actor, input: AcceptInput) {
  const existing = await db.annotation.findFirst({
    where: {
      projectId: actor.projectId,
      specId: input.specId,
      operationId: input.operationId,
      type: input.type,
    },
    select: { id: true },
  })
  if (existing)
    throw new AnnotationError('This operation already has a note of that type.', 409, 'type')
  return createAnnotation(actor, input.specId, input.operationId, {
    type: input.type,
    fieldPath: input.fieldPath,
    body: input.body,
  })
}
