import nodemailer from 'nodemailer'
import { db } from './db.server'
import { getEnv } from './env.server'

export type Email = { to: string; subject: string; text: string }

/** Every email lands in the outbox table; with SMTP_URL set it is also sent. */
export async function sendEmail(email: Email) {
  const record = await db.outboxEmail.create({ data: email })
  const { SMTP_URL, SMTP_FROM } = getEnv()
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
