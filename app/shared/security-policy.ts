/**
 * The organisation security policy form (settings/security) and the second-factor code
 * fields: one schema for the browser and the server, with messages that say what to do.
 */
import { z } from 'zod'

export const POLICY_LIMITS = {
  sessionTtlHours: { min: 1, max: 720 },
  /** 0 turns the idle timeout off. */
  idleTimeoutMinutes: { min: 5, max: 1440 },
  passwordMinLength: { min: 10, max: 128 },
} as const

const whole = (message: string) =>
  z
    .number({ error: message })
    .int(message)
    .refine((value) => Number.isSafeInteger(value), message)

const ttlMessage = `Enter a whole number of hours from ${POLICY_LIMITS.sessionTtlHours.min} to ${POLICY_LIMITS.sessionTtlHours.max} (720 hours is 30 days).`
const idleMessage = `Enter 0 to turn the idle timeout off, or a whole number of minutes from ${POLICY_LIMITS.idleTimeoutMinutes.min} to ${POLICY_LIMITS.idleTimeoutMinutes.max} (24 hours).`
const lengthMessage = `Enter a whole number of characters from ${POLICY_LIMITS.passwordMinLength.min} to ${POLICY_LIMITS.passwordMinLength.max}.`

export const SecurityPolicySchema = z.object({
  sessionTtlHours: whole(ttlMessage)
    .min(POLICY_LIMITS.sessionTtlHours.min, ttlMessage)
    .max(POLICY_LIMITS.sessionTtlHours.max, ttlMessage),
  idleTimeoutMinutes: whole(idleMessage).refine(
    (value) =>
      value === 0 ||
      (value >= POLICY_LIMITS.idleTimeoutMinutes.min &&
        value <= POLICY_LIMITS.idleTimeoutMinutes.max),
    idleMessage,
  ),
  passwordMinLength: whole(lengthMessage)
    .min(POLICY_LIMITS.passwordMinLength.min, lengthMessage)
    .max(POLICY_LIMITS.passwordMinLength.max, lengthMessage),
  require2fa: z.boolean().optional().default(false),
})
export type SecurityPolicyInput = z.infer<typeof SecurityPolicySchema>

/**
 * A code typed at the second-factor step or on the account page: six digits from the
 * authenticator app, or (where allowed) a recovery code. Anything longer is refused
 * before it reaches the checks.
 */
export const CODE_MAX_LENGTH = 32
export const codeField = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .min(1, message)
    .max(
      CODE_MAX_LENGTH,
      'That is longer than any code: enter the 6-digit code or a recovery code.',
    )
