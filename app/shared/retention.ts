/**
 * Retention and legal hold (issue #14): the kinds of data an organisation's
 * policy keeps for a number of days, and the two forms' schemas, shared by
 * the pages (client-side validation through conform) and their actions.
 */
import { z } from 'zod'

export const MIN_RETENTION_DAYS = 1
export const MAX_RETENTION_DAYS = 3650
export const MAX_HOLD_REASON = 500

/** The policy's kinds, the Organization column each is kept in, and what it covers. */
export const RETENTION_KINDS = [
  {
    key: 'traces',
    column: 'retainTracesDays',
    label: 'Traces',
    covers: 'Partner traces (and refused trace batches), by the time they were received.',
  },
  {
    key: 'mockLogs',
    column: 'retainMockLogsDays',
    label: 'Mock request logs',
    covers: 'Requests the mocks served, by the time they were served.',
  },
  {
    key: 'runArtifacts',
    column: 'retainRunArtifactsDays',
    label: 'Run artifacts',
    covers:
      'Finished test runs with their cases (requests, responses, assertions) and events, by the time they finished.',
  },
  {
    key: 'evidence',
    column: 'retainEvidenceDays',
    label: 'Evidence files',
    covers: 'Files attached to plans (rows and bytes on disk), by the time they were uploaded.',
  },
] as const

export type RetentionKind = (typeof RETENTION_KINDS)[number]['key']
export type RetentionColumn = (typeof RETENTION_KINDS)[number]['column']
/** Days to keep each kind; null keeps it forever. */
export type RetentionPolicy = Record<RetentionKind, number | null>

const days = (label: string) =>
  z
    .string()
    .trim()
    .regex(
      /^\d+$/,
      `${label}: enter a whole number of days (digits only), or leave it empty to keep forever.`,
    )
    .transform((text) => Math.min(Number(text), Number.MAX_SAFE_INTEGER))
    .pipe(
      z
        .number()
        .min(
          MIN_RETENTION_DAYS,
          `${label}: keep data at least ${MIN_RETENTION_DAYS} day, or leave it empty to keep forever.`,
        )
        .max(
          MAX_RETENTION_DAYS,
          `${label}: at most ${MAX_RETENTION_DAYS} days (10 years); leave it empty to keep forever.`,
        ),
    )
    .optional()

export const RetentionPolicySchema = z.object({
  intent: z.literal('save'),
  traces: days('Traces'),
  mockLogs: days('Mock request logs'),
  runArtifacts: days('Run artifacts'),
  evidence: days('Evidence files'),
})

export const LegalHoldSchema = z.object({
  intent: z.literal('set'),
  reason: z
    .string({ error: 'Give the reason for the hold (a matter, a request, a ticket).' })
    .trim()
    .min(1, 'Give the reason for the hold (a matter, a request, a ticket).')
    .max(
      MAX_HOLD_REASON,
      `Keep the reason to ${MAX_HOLD_REASON} characters; refer to a ticket or document for the rest.`,
    ),
})
