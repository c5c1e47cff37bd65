import nodemailer from 'nodemailer'
import { db } from './db.server'
import { getEnv } from './env.server'

export type Email = { to: string; subject: string; text: string }

/**
 * Every email lands in the outbox table; with SMTP_URL set it is also sent.
 * `secrets` (an invite link, a token) reach the recipient only: outside
 * development the outbox stores the text with them redacted, so a database
 * reader cannot use them.
 */
export async function sendEmail(email: Email, { secrets = [] }: { secrets?: string[] } = {}) {
  const { SMTP_URL, SMTP_FROM, NODE_ENV } = getEnv()
  const stored =
    NODE_ENV === 'development'
      ? email
      : {
          ...email,
          text: secrets.reduce(
            (text, secret) => text.split(secret).join('[redacted: sent to the recipient only]'),
            email.text,
          ),
        }
  const record = await db.outboxEmail.create({ data: stored })
  if (!SMTP_URL) return record
  try {
    await nodemailer.createTransport(SMTP_URL).sendMail({ from: SMTP_FROM, ...email })
    return db.outboxEmail.update({ where: { id: record.id }, data: { sentAt: new Date() } })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`[email] sending to ${email.to} failed: ${message}`)
    return db.outboxEmail.update({ where: { id: record.id }, data: { error: message } })
  }
}

/** The latest emails written, newest first: the development outbox page. */
export function latestOutboxEmails(take = 50) {
  return db.outboxEmail.findMany({ orderBy: { createdAt: 'desc' }, take })
}
