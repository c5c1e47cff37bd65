/**
 * Recovery codes: ten one-time codes shown once when the second factor is turned on (or
 * the set is regenerated), stored as SHA-256 hashes salted with the user id. Each works
 * once: using one is a conditional update, so two requests cannot both spend it.
 */
import crypto from 'node:crypto'
import { sha256 } from '../crypto.server'
import { db } from '../db.server'

export const RECOVERY_CODE_COUNT = 10
/** No 0/o, 1/l/i: codes are read off paper. 31 symbols x 12 = about 59 bits each. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
const LENGTH = 12

function newCode(): string {
  let code = ''
  for (let index = 0; index < LENGTH; index++) code += ALPHABET[crypto.randomInt(ALPHABET.length)]
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`
}

/** The code as stored (lower case, no separators), or null when it cannot be one. */
export function normalizeRecoveryCode(code: string): string | null {
  const compact = code.toLowerCase().replace(/[\s-]+/g, '')
  if (compact.length !== LENGTH) return null
  for (const char of compact) if (!ALPHABET.includes(char)) return null
  return compact
}

function hashCode(userId: string, normalized: string) {
  return sha256(`${userId}:${normalized}`)
}

/** Replaces the user's codes with a fresh set and returns them (the only time they are readable). */
export async function issueRecoveryCodes(userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode)
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.recoveryCode.createMany({
      data: codes.map((code) => ({
        userId,
        codeHash: hashCode(userId, normalizeRecoveryCode(code)!),
      })),
    }),
  ])
  return codes
}

/** Spends one code: true when it was the user's and unused (it is used from now on). */
export async function consumeRecoveryCode(userId: string, rawCode: string): Promise<boolean> {
  const normalized = normalizeRecoveryCode(rawCode)
  if (!normalized) return false
  const { count } = await db.recoveryCode.updateMany({
    where: { userId, codeHash: hashCode(userId, normalized), usedAt: null },
    data: { usedAt: new Date() },
  })
  return count === 1
}

export function remainingRecoveryCodes(userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } })
}
