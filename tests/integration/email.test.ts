/** SMTP delivery against a minimal SMTP server on 127.0.0.1. */
import net from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { db } from '~/server/db.server'
import { sendEmail } from '~/server/email.server'
import { resetEnvCache } from '~/server/env.server'

const received: string[] = []
let server: net.Server

function startSmtpServer(): Promise<number> {
  server = net.createServer((socket) => {
    let inData = false
    let message = ''
    socket.write('220 test ESMTP\r\n')
    socket.on('data', (chunk) => {
      for (const line of chunk.toString().split('\r\n')) {
        if (inData) {
          if (line === '.') {
            inData = false
            received.push(message)
            socket.write('250 queued\r\n')
          } else message += `${line}\n`
          continue
        }
        if (!line) continue
        const command = line.slice(0, 4).toUpperCase()
        if (command === 'EHLO' || command === 'HELO') socket.write('250 test\r\n')
        else if (command === 'DATA') {
          inData = true
          message = ''
          socket.write('354 go ahead\r\n')
        } else if (command === 'QUIT') socket.end('221 bye\r\n')
        else socket.write('250 ok\r\n')
      }
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  )
}

beforeAll(async () => {
  const port = await startSmtpServer()
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`
  resetEnvCache()
})

afterAll(() => {
  delete process.env.SMTP_URL
  resetEnvCache()
  server.close()
})

it('writes the email to the outbox and sends it through SMTP when SMTP_URL is set', async () => {
  const record = await sendEmail({
    to: 'someone@example.test',
    subject: 'Hello there',
    text: 'Invite link: http://x/invites/abc',
  })
  expect(record.sentAt).toBeInstanceOf(Date)
  expect(received).toHaveLength(1)
  expect(received[0]).toContain('Subject: Hello there')
  expect(received[0]).toContain('Invite link: http://x/invites/abc')
  expect(await db.outboxEmail.count({ where: { to: 'someone@example.test' } })).toBe(1)
})

it('keeps the email in the outbox with the error when SMTP fails', async () => {
  process.env.SMTP_URL = 'smtp://127.0.0.1:1'
  resetEnvCache()
  const record = await sendEmail({ to: 'later@example.test', subject: 'Retry me', text: 'body' })
  expect(record.sentAt).toBeNull()
  expect(record.error).toMatch(/ECONNREFUSED|connect/i)
})
