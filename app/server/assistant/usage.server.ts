/**
 * The usage log: one AssistantCall row per question (who, through which door,
 * which prompt, who answered, the outcome, the model, tokens in and out,
 * latency), and the vendor's usage page over it: totals per partner project
 * (the vendor's own questions as one more row) and the recent calls, 50 a page.
 */
import type { AnswerSource, PromptKind } from '~/shared/assistant'
import { db } from '../db.server'
import type { AssistantScope } from './scope.server'

/** ok: answered as asked; the others name why the troubleshooter answered (or nobody did). */
export type CallOutcome =
  | 'ok'
  | 'no-model'
  | 'timeout'
  | 'rate-limited-upstream'
  | 'upstream-error'
  | 'cancelled'
  | 'refused'

export type CallRecord = {
  prompt: PromptKind
  source: AnswerSource
  outcome: CallOutcome
  model: string
  tokensIn: number
  tokensOut: number
  latencyMs: number
}

export async function logCall(scope: AssistantScope, call: CallRecord): Promise<void> {
  await db.assistantCall.create({
    data: {
      projectId: scope.projectId,
      partnerProjectId: scope.partnerProjectId,
      userId: scope.userId,
      apiTokenId: scope.apiTokenId ?? null,
      via: scope.via,
      promptKind: call.prompt,
      source: call.source,
      outcome: call.outcome,
      model: call.model,
      tokensIn: Math.max(0, Math.round(call.tokensIn)),
      tokensOut: Math.max(0, Math.round(call.tokensOut)),
      latencyMs: Math.max(0, Math.round(call.latencyMs)),
    },
  })
}

export const USAGE_PAGE_SIZE = 50

export type UsageTotals = {
  /** null: the vendor's own questions (project members and API tokens). */
  partnerProjectId: string | null
  name: string
  calls: number
  modelAnswers: number
  troubleshooterAnswers: number
  /** Questions the model was asked but did not answer (timeouts, 429, 5xx, other errors). */
  fallbacks: number
  tokensIn: number
  tokensOut: number
  lastAt: string | null
}

const FALLBACK_OUTCOMES = new Set(['timeout', 'rate-limited-upstream', 'upstream-error'])

/**
 * The usage page: totals per partner project (every partner project listed,
 * with zeros when it asked nothing; the vendor row last) and the calls of the
 * project, newest first, `USAGE_PAGE_SIZE` a page (`page` from 1).
 */
export async function assistantUsage(
  projectId: string,
  { page = 1, since }: { page?: number; since?: Date } = {},
) {
  const where = { projectId, ...(since ? { createdAt: { gte: since } } : {}) }
  const [partners, groups, total] = await Promise.all([
    db.partnerProject.findMany({
      where: { projectId },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    }),
    db.assistantCall.groupBy({
      by: ['partnerProjectId', 'source', 'outcome'],
      where,
      _count: { _all: true },
      _sum: { tokensIn: true, tokensOut: true },
      _max: { createdAt: true },
    }),
    db.assistantCall.count({ where }),
  ])
  const empty = (partnerProjectId: string | null, name: string): UsageTotals => ({
    partnerProjectId,
    name,
    calls: 0,
    modelAnswers: 0,
    troubleshooterAnswers: 0,
    fallbacks: 0,
    tokensIn: 0,
    tokensOut: 0,
    lastAt: null,
  })
  const rows = new Map<string | null, UsageTotals>([
    ...partners.map((partner) => [partner.id, empty(partner.id, partner.name)] as const),
    [null, empty(null, 'Vendor (team members and API tokens)')],
  ])
  for (const group of groups) {
    const row = rows.get(group.partnerProjectId)
    if (!row) continue // a partner project deleted since: its calls went with it
    const count = group._count._all
    row.calls += count
    if (group.source === 'model') row.modelAnswers += count
    else row.troubleshooterAnswers += count
    if (FALLBACK_OUTCOMES.has(group.outcome)) row.fallbacks += count
    row.tokensIn += group._sum.tokensIn ?? 0
    row.tokensOut += group._sum.tokensOut ?? 0
    const last = group._max.createdAt?.toISOString() ?? null
    if (last && (!row.lastAt || last > row.lastAt)) row.lastAt = last
  }
  const totals = [...rows.values()]
  const pages = Math.max(1, Math.ceil(total / USAGE_PAGE_SIZE))
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages)
  const calls = await db.assistantCall.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    skip: (current - 1) * USAGE_PAGE_SIZE,
    take: USAGE_PAGE_SIZE,
  })
  const [users, tokens] = await Promise.all([
    db.user.findMany({
      where: {
        id: { in: [...new Set(calls.flatMap((call) => (call.userId ? [call.userId] : [])))] },
      },
      select: { id: true, name: true, email: true },
    }),
    db.apiToken.findMany({
      where: {
        projectId,
        id: {
          in: [...new Set(calls.flatMap((call) => (call.apiTokenId ? [call.apiTokenId] : [])))],
        },
      },
      select: { id: true, name: true, prefix: true },
    }),
  ])
  const partnerName = new Map(partners.map((partner) => [partner.id, partner.name]))
  return {
    totals,
    overall: totals.reduce(
      (sum, row) => ({
        calls: sum.calls + row.calls,
        tokensIn: sum.tokensIn + row.tokensIn,
        tokensOut: sum.tokensOut + row.tokensOut,
      }),
      { calls: 0, tokensIn: 0, tokensOut: 0 },
    ),
    calls: calls.map((call) => {
      const user = users.find((entry) => entry.id === call.userId)
      const token = tokens.find((entry) => entry.id === call.apiTokenId)
      return {
        id: call.id,
        at: call.createdAt.toISOString(),
        via: call.via,
        who: user
          ? user.name || user.email
          : token
            ? `API token ${token.name} (${token.prefix}…)`
            : call.apiTokenId
              ? 'A deleted API token'
              : 'A deleted user',
        partner: call.partnerProjectId ? (partnerName.get(call.partnerProjectId) ?? null) : null,
        prompt: call.promptKind,
        source: call.source,
        outcome: call.outcome,
        model: call.model,
        tokensIn: call.tokensIn,
        tokensOut: call.tokensOut,
        latencyMs: call.latencyMs,
      }
    }),
    page: current,
    pages,
    total,
  }
}

export type AssistantUsage = Awaited<ReturnType<typeof assistantUsage>>
