/**
 * TOTP (RFC 6238, 6 digits, 30 s) with @epic-web/totp. The secret is sealed in
 * User.totpSecret together with the last accepted time step, so a code is accepted once:
 * each accepted code re-seals the column with a compare-and-swap on its previous value,
 * which also settles two requests racing with the same code (decision 031).
 */
import { generateTOTP, getTOTPAuthUri, verifyTOTP } from '@epic-web/totp'
import { z } from 'zod'
import { decryptSecret, encryptSecret } from '../crypto.server'
import { db } from '../db.server'

export const TOTP_ISSUER = 'Integration Copilot'

const TotpConfigSchema = z.object({
  v: z.literal(1),
  secret: z.string().min(16),
  period: z.number().int().positive(),
  digits: z.number().int().min(6).max(8),
  algorithm: z.string(),
  /** The time step of the last code accepted (enrolment or sign-in); null before any. */
  lastStep: z.number().int().nullable(),
})
export type TotpConfig = z.infer<typeof TotpConfigSchema>

export class TotpError extends Error {}

export function sealTotp(config: Omit<TotpConfig, 'v'>): string {
  return encryptSecret(JSON.stringify({ v: 1, ...config }))
}

export function unsealTotp(sealed: string | null | undefined): TotpConfig | null {
  if (!sealed) return null
  try {
    return TotpConfigSchema.parse(JSON.parse(decryptSecret(sealed)))
  } catch {
    return null
  }
}

export function authUri(config: TotpConfig, accountName: string): string {
  return getTOTPAuthUri({
    secret: config.secret,
    period: config.period,
    digits: config.digits,
    algorithm: config.algorithm,
    accountName,
    issuer: TOTP_ISSUER,
  })
}

/** Six digits, spaces allowed (apps show "123 456"); anything else is not a TOTP code. */
export function normalizeTotpCode(code: string): string | null {
  const digits = code.replace(/\s+/g, '')
  return /^\d{6}$/.test(digits) ? digits : null
}

function currentStep(period: number) {
  return Math.floor(Date.now() / 1000 / period)
}

/** The time step the code belongs to (now ± 1 step of drift), or null when it is wrong. */
async function matchingStep(config: TotpConfig, code: string): Promise<number | null> {
  // verifyTOTP reads the clock itself: retry when a step boundary passes meanwhile, so the
  // step recorded against replays is exactly the one the code was generated for.
  for (;;) {
    const before = currentStep(config.period)
    const result = await verifyTOTP({
      otp: code,
      secret: config.secret,
      period: config.period,
      digits: config.digits,
      algorithm: config.algorithm,
      window: 1,
    })
    if (currentStep(config.period) !== before) continue
    return result ? before + result.delta : null
  }
}

export type CodeCheck =
  { ok: true } | { ok: false; reason: 'invalid' | 'replayed' | 'not_enrolled' }

/**
 * Checks a code against the user's secret and, when right, records its time step (the
 * same code, or an older one, is refused afterwards). `enrolling` checks the secret of an
 * enrolment in progress and enables the second factor in the same write.
 */
export async function consumeTotpCode(
  userId: string,
  rawCode: string,
  { enrolling = false }: { enrolling?: boolean } = {},
): Promise<CodeCheck> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { totpSecret: true, totpEnabledAt: true },
  })
  const config = unsealTotp(user?.totpSecret)
  if (!user?.totpSecret || !config) return { ok: false, reason: 'not_enrolled' }
  if (enrolling ? user.totpEnabledAt !== null : user.totpEnabledAt === null)
    return { ok: false, reason: 'not_enrolled' }
  const code = normalizeTotpCode(rawCode)
  if (!code) return { ok: false, reason: 'invalid' }
  const step = await matchingStep(config, code)
  if (step === null) return { ok: false, reason: 'invalid' }
  if (config.lastStep !== null && step <= config.lastStep) return { ok: false, reason: 'replayed' }
  const { count } = await db.user.updateMany({
    where: { id: userId, totpSecret: user.totpSecret },
    data: {
      totpSecret: sealTotp({ ...config, lastStep: step }),
      ...(enrolling ? { totpEnabledAt: new Date() } : {}),
    },
  })
  // Another request changed the column first (the same code twice at once, or a reset).
  return count === 1 ? { ok: true } : { ok: false, reason: 'replayed' }
}

/** Starts (or restarts) an enrolment: a new secret, sealed, trusted only once confirmed. */
export async function startTotpEnrolment(userId: string): Promise<void> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { totpEnabledAt: true },
  })
  if (user.totpEnabledAt)
    throw new TotpError('Two-factor authentication is already on. Turn it off first to reset it.')
  const { secret, period, digits, algorithm } = await generateTOTP()
  await db.user.update({
    where: { id: userId },
    data: {
      totpSecret: sealTotp({ secret, period, digits, algorithm, lastStep: null }),
      totpEnabledAt: null,
    },
  })
}

/** Forgets an enrolment that was never confirmed. */
export async function cancelTotpEnrolment(userId: string): Promise<void> {
  await db.user.updateMany({
    where: { id: userId, totpEnabledAt: null },
    data: { totpSecret: null },
  })
}

/** Turns the second factor off: the secret and every recovery code are gone. */
export async function removeTotp(userId: string): Promise<void> {
  await db.$transaction([
    db.user.update({
      where: { id: userId },
      data: { totpSecret: null, totpEnabledAt: null },
    }),
    db.recoveryCode.deleteMany({ where: { userId } }),
  ])
}

/** The pending enrolment's secret and URI for the account page (null when none is pending). */
export async function pendingEnrolment(userId: string, accountName: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { totpSecret: true, totpEnabledAt: true },
  })
  if (!user || user.totpEnabledAt) return null
  const config = unsealTotp(user.totpSecret)
  if (!config) return null
  return { secret: config.secret, uri: authUri(config, accountName) }
}
