/**
 * Password hashing and email normalisation: the leaf that account creation
 * (orgs/) and sign-in (auth) both use, so neither imports the other.
 */
import bcrypt from 'bcryptjs'
import { PASSWORD_MIN_LENGTH } from '~/shared/roles'

export const BCRYPT_COST = 10

export function hashPassword(password: string) {
  return bcrypt.hash(password, BCRYPT_COST)
}

export function verifyPassword(password: string, hash: string) {
  return bcrypt.compare(password, hash)
}

export function normalizeEmail(email: string) {
  return email.trim().toLowerCase()
}

/** Same work whether or not the user exists, so timing does not reveal accounts. */
export const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', BCRYPT_COST)

/** The sign-up minimum when no organisation asks for more; organisations may raise it (10-128). */
export const DEFAULT_PASSWORD_MIN_LENGTH = PASSWORD_MIN_LENGTH
export const PASSWORD_MAX_LENGTH = 200

/**
 * Passwords at the top of every breach list that are long enough to pass a length rule.
 * A short list on purpose: it stops the guesses an attacker tries first, not every weak one.
 */
const COMMON_PASSWORDS = new Set([
  '0123456789',
  '1234567890',
  '12345678910',
  '123456789a',
  '0987654321',
  '1111111111',
  '1q2w3e4r5t',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'a123456789',
  'abcdefghij',
  'abc1234567',
  'abcd123456',
  'administrator',
  'baseball123',
  'changeme123',
  'football123',
  'iloveyou123',
  'letmein123',
  'monkey12345',
  'passw0rd123',
  'password',
  'password1',
  'password12',
  'password123',
  'password1234',
  'password12345',
  'password!',
  'p@ssw0rd123',
  'p@ssword123',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'qwertyuiop',
  'qwertyuiop123',
  'sunshine123',
  'trustno1234',
  'welcome123',
  'welcome1234',
  'zaq12wsxcde',
])

/**
 * What is wrong with a new password under a minimum length, in words the person can act
 * on, or null when it is acceptable. Used at sign-up, at invitation sign-up (the inviting
 * organisation's minimum) and by every password change.
 */
export function passwordProblem(password: string, minLength: number): string | null {
  const min = Math.max(DEFAULT_PASSWORD_MIN_LENGTH, minLength)
  if (password.length < min) return `Use at least ${min} characters.`
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`
  const lower = password.toLowerCase()
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(password))
    return 'This password is among the most guessed ones: choose another (a few unrelated words work well).'
  return null
}
