/**
 * Password hashing and email normalisation: the leaf that account creation
 * (orgs/) and sign-in (auth) both use, so neither imports the other.
 */
import bcrypt from 'bcryptjs'

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
