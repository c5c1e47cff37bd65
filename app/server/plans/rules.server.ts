/**
 * Evidence rules that close plan items by themselves: a passing run against
 * an environment (whole suite, or one category), verified traffic (any, or
 * for every Required operation), credentials issued, a trace secret created.
 * `judgeRule` is pure over EvidenceFacts and says why, in words.
 */
import { z } from 'zod'
import { CATEGORIES, CATEGORY_LABELS } from '~/shared/golden-templates'
import { formatDate } from '~/shared/format'
import {
  ENVIRONMENT_KINDS,
  ENVIRONMENT_LABELS,
  type EvidenceFacts,
  type OperationRef,
} from './facts.server'

export const PlanRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('run'),
    environment: z.enum(ENVIRONMENT_KINDS),
    category: z.enum(CATEGORIES).optional(),
  }),
  z.object({ kind: z.literal('traces'), coverage: z.enum(['any', 'required-operations']) }),
  z.object({ kind: z.literal('credentials'), environment: z.enum(['sandbox', 'uat']) }),
  z.object({ kind: z.literal('trace-secret') }),
])
export type PlanRule = z.infer<typeof PlanRuleSchema>

export function readRule(text: string | null): PlanRule | null {
  if (!text) return null
  try {
    const parsed = PlanRuleSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** What the rule waits for, for people ("Closes when …"). */
export function describeRule(rule: PlanRule): string {
  switch (rule.kind) {
    case 'run':
      return `a ${ENVIRONMENT_LABELS[rule.environment]} run passes every Required ${rule.category ? `${CATEGORY_LABELS[rule.category]} ` : ''}case`
    case 'traces':
      return rule.coverage === 'any'
        ? 'a verified, valid trace arrives'
        : 'every Required operation has a verified, valid trace'
    case 'credentials':
      return `the partner has its own ${ENVIRONMENT_LABELS[rule.environment]} credentials`
    case 'trace-secret':
      return 'the partner’s trace signing secret is created'
  }
}

export type RuleOutcome = { met: boolean; reason: string }

function listOperations(operations: OperationRef[], max = 5) {
  const names = operations.slice(0, max).map((operation) => `${operation.method} ${operation.path}`)
  return operations.length > max
    ? `${names.join(', ')} and ${operations.length - max} more`
    : names.join(', ')
}

export function judgeRule(rule: PlanRule, facts: EvidenceFacts): RuleOutcome {
  switch (rule.kind) {
    case 'run': {
      const run = facts.runs[rule.environment]
      const where = ENVIRONMENT_LABELS[rule.environment]
      if (!run) return { met: false, reason: `No finished run against ${where} yet.` }
      const when = run.finishedAt ? ` of ${formatDate(run.finishedAt)}` : ''
      const tally = rule.category
        ? run.byCategory[rule.category]
        : {
            requiredTotal: run.requiredTotal,
            requiredPassed: run.requiredPassed,
            requiredFailed: run.requiredFailed,
          }
      const scope = rule.category
        ? `Required ${CATEGORY_LABELS[rule.category]} cases`
        : 'Required cases'
      if (!tally || tally.requiredTotal === 0)
        return {
          met: false,
          reason: `The ${where} run${when} had no ${scope}: run the ${rule.category ? CATEGORY_LABELS[rule.category] : 'whole'} suite with a profile that makes them Required.`,
        }
      if (tally.requiredFailed > 0) {
        const failures = run.failures.filter(
          (failure) => !rule.category || failure.category === rule.category,
        )
        const first = failures[0]
        return {
          met: false,
          reason: `The ${where} run${when} failed ${tally.requiredFailed} of ${tally.requiredTotal} ${scope}${first ? ` (first: ${first.title})` : ''}.`,
        }
      }
      const unsettled = tally.requiredTotal - tally.requiredPassed
      if (unsettled > 0)
        return {
          met: false,
          reason: `The ${where} run${when} passed ${tally.requiredPassed} of ${tally.requiredTotal} ${scope}; ${unsettled} did not run (configuration needed or skipped).`,
        }
      return {
        met: true,
        reason: `The ${where} run${when} passed all ${tally.requiredTotal} ${scope}.`,
      }
    }
    case 'traces': {
      const traces = facts.traces
      if (rule.coverage === 'any')
        return traces.verifiedValid > 0
          ? {
              met: true,
              reason: `${traces.verifiedValid.toLocaleString('en-GB')} verified, valid trace${traces.verifiedValid === 1 ? '' : 's'} received.`,
            }
          : {
              met: false,
              reason:
                traces.total > 0
                  ? `${traces.total.toLocaleString('en-GB')} trace${traces.total === 1 ? '' : 's'} received, none both signed and valid against the spec.`
                  : 'No trace received yet.',
            }
      const required = traces.requiredOperations.length
      if (required === 0)
        return {
          met: false,
          reason: 'No operation is Required (check the test profile’s Contract levels).',
        }
      if (traces.missing.length === 0)
        return {
          met: true,
          reason: `All ${required} Required operations have verified, valid traffic.`,
        }
      return {
        met: false,
        reason: `${required - traces.missing.length} of ${required} Required operations have verified, valid traffic; missing: ${listOperations(traces.missing)}.`,
      }
    }
    case 'credentials':
      return facts.credentials.has(rule.environment)
        ? {
            met: true,
            reason: `The partner has its own ${ENVIRONMENT_LABELS[rule.environment]} credentials.`,
          }
        : {
            met: false,
            reason: `No ${ENVIRONMENT_LABELS[rule.environment]} credentials for this partner yet (Tests → Environments).`,
          }
    case 'trace-secret':
      return facts.traceSecret
        ? { met: true, reason: 'The trace signing secret exists.' }
        : { met: false, reason: 'No trace signing secret yet (Traces → Secrets).' }
  }
}
