/**
 * Conversations: one per (user, project or partner project, subject), holding
 * each question and each answer with its citations and source. Every read and
 * write is keyed by the asker's user, project and partner project, so a
 * partner never reads another partner's (or the vendor's) conversations.
 * Questions through the API (no user) are not kept: they are logged only.
 */
import type { AnswerSource, AssistantSubject, Citation, PromptKind } from '~/shared/assistant'
import { db } from '../db.server'
import type { AssistantScope } from './scope.server'

/** The subject's reference as stored: only its own fields, in a fixed order. */
export function subjectRef(subject: AssistantSubject): string {
  switch (subject.kind) {
    case 'case':
      return JSON.stringify({ runId: subject.runId, seq: subject.seq })
    case 'run':
      return JSON.stringify({ runId: subject.runId })
    case 'trace':
      return JSON.stringify({ traceId: subject.traceId })
    case 'operation':
      return JSON.stringify({ specId: subject.specId, operationId: subject.operationId })
    case 'next-steps':
      return '{}'
  }
}

function conversationWhere(scope: AssistantScope & { userId: string }, subject: AssistantSubject) {
  return {
    userId: scope.userId,
    projectId: scope.projectId,
    partnerProjectId: scope.partnerProjectId,
    subjectKind: subject.kind,
    subjectRef: subjectRef(subject),
  }
}

export type ConversationMessage = {
  role: 'user' | 'assistant'
  content: string
  citations: Citation[]
  /** model | troubleshooter for answers, '' for questions. */
  source: AnswerSource | ''
  prompt: PromptKind | ''
  createdAt: string
}

function readCitations(text: string): Citation[] {
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value) ? (value as Citation[]) : []
  } catch {
    return []
  }
}

/** The asker's conversation about the subject, oldest message first (the last `limit`), or null. */
export async function readConversation(
  scope: AssistantScope,
  subject: AssistantSubject,
  limit = 100,
): Promise<{ id: string; messages: ConversationMessage[] } | null> {
  if (!scope.userId) return null
  const conversation = await db.assistantConversation.findFirst({
    where: conversationWhere({ ...scope, userId: scope.userId }, subject),
    orderBy: { createdAt: 'asc' },
    include: { messages: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit } },
  })
  if (!conversation) return null
  return {
    id: conversation.id,
    messages: conversation.messages.reverse().map((message) => ({
      role: message.role === 'user' ? 'user' : 'assistant',
      content: message.content,
      citations: readCitations(message.citations),
      source:
        message.source === 'model' || message.source === 'troubleshooter' ? message.source : '',
      prompt: message.promptKind as PromptKind | '',
      createdAt: message.createdAt.toISOString(),
    })),
  }
}

/** Stores a question and its answer in the asker's conversation about the subject (made when first needed). */
export async function storeExchange(
  scope: AssistantScope,
  subject: AssistantSubject,
  turn: {
    prompt: PromptKind
    question: string
    answer: string
    citations: Citation[]
    source: AnswerSource
  },
): Promise<string | null> {
  if (!scope.userId) return null
  const where = conversationWhere({ ...scope, userId: scope.userId }, subject)
  const existing = await db.assistantConversation.findFirst({
    where,
    orderBy: { createdAt: 'asc' },
    select: { id: true },
  })
  const conversationId =
    existing?.id ??
    (await db.assistantConversation.create({ data: where, select: { id: true } })).id
  const askedAt = new Date()
  // The answer is a millisecond later, so the two never tie in the conversation's order.
  await db.$transaction([
    db.assistantMessage.create({
      data: {
        conversationId,
        role: 'user',
        promptKind: turn.prompt,
        content: turn.question,
        createdAt: askedAt,
      },
    }),
    db.assistantMessage.create({
      data: {
        conversationId,
        role: 'assistant',
        promptKind: turn.prompt,
        content: turn.answer,
        citations: JSON.stringify(turn.citations),
        source: turn.source,
        createdAt: new Date(askedAt.getTime() + 1),
      },
    }),
    db.assistantConversation.update({
      where: { id: conversationId },
      data: { updatedAt: new Date() },
    }),
  ])
  return conversationId
}
