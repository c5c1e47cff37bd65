/**
 * Rate limits: the questions asked in the last hour (AssistantCall rows)
 * against ASSISTANT_QUESTIONS_PER_HOUR, per user, per partner project (all
 * its users together) and, for the API, per token. Refusals (a partner asking
 * for an annotation draft) do not count. Two questions sent at the same
 * instant may both pass the check: the limit is a budget, not a lock.
 */
import { db } from '../db.server'
import { getEnv } from '../env.server'
import { AssistantError, type AssistantScope } from './scope.server'

const HOUR_MS = 3_600_000

/** Outcomes that spent no model or troubleshooter work on an answer. */
export const UNCOUNTED_OUTCOMES = ['refused']

function hhmm(date: Date): string {
  return date.toISOString().slice(11, 16)
}

type Key = { userId: string } | { partnerProjectId: string } | { apiTokenId: string }

async function check(key: Key, who: 'you' | 'team', limit: number, now: Date) {
  const since = new Date(now.getTime() - HOUR_MS)
  // Keys are global (a user's questions in every project count), so no project filter.
  const where = {
    createdAt: { gt: since },
    outcome: { notIn: UNCOUNTED_OUTCOMES },
    ...key,
  }
  const count = await db.assistantCall.count({ where })
  if (count < limit) return
  // The question that frees a slot is the (count - limit + 1)th oldest of the hour.
  const oldest = await db.assistantCall.findMany({
    where,
    orderBy: { createdAt: 'asc' },
    skip: count - limit,
    take: 1,
    select: { createdAt: true },
  })
  const retryAt = new Date((oldest[0]?.createdAt.getTime() ?? now.getTime()) + HOUR_MS)
  const subject = who === 'you' ? 'You have asked' : 'Your team has asked'
  throw new AssistantError(
    `${subject} ${count} question${count === 1 ? '' : 's'} in the last hour; ask again after ${hhmm(retryAt)} UTC.`,
    429,
    retryAt,
  )
}

/** Throws AssistantError 429 when the scope has used up its questions for the hour. */
export async function checkRateLimit(scope: AssistantScope, now = new Date()): Promise<void> {
  const limit = getEnv().ASSISTANT_QUESTIONS_PER_HOUR
  if (scope.via === 'api' && scope.apiTokenId)
    await check({ apiTokenId: scope.apiTokenId }, 'you', limit, now)
  if (scope.userId) await check({ userId: scope.userId }, 'you', limit, now)
  if (scope.partnerProjectId)
    await check({ partnerProjectId: scope.partnerProjectId }, 'team', limit, now)
}
