import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from '@playwright/test'
import { signIn } from './fixtures'

/** A Slack incoming-webhook stand-in on loopback: it keeps every message posted to it. */
async function slackReceiver() {
  const received: unknown[] = []
  const raw: { headers: http.IncomingHttpHeaders; body: string }[] = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    request.on('end', () => {
      raw.push({ headers: request.headers, body })
      try {
        received.push(JSON.parse(body))
      } catch {
        received.push(body)
      }
      // Slack answers a plain "ok".
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/e2e`,
    received,
    raw,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

test('an owner enables Slack; a run against the mock posts its result to the channel', async ({
  page,
}) => {
  const slack = await slackReceiver()
  try {
    await signIn(page, 'owner@acme.test')
    await page.getByRole('link', { name: /Acme Payments API/ }).click()
    const tabs = page.getByRole('navigation', { name: 'Project sections' })
    await tabs.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('link', { name: 'Manage connectors' }).click()
    await page.getByLabel('Incoming-webhook URL').fill(slack.url)
    await page.getByRole('button', { name: 'Save Slack' }).click()
    await expect(page.getByRole('button', { name: 'Send test message' })).toBeVisible()
    await page.screenshot({ path: 'tests/.tmp/screens/connectors.png', fullPage: true })

    // A run of the demo suite against its mock: its end is announced in the channel.
    await tabs.getByRole('link', { name: 'Tests' }).click()
    await expect(page).toHaveURL(/\/tests$/)
    await page.getByLabel('Spec', { exact: true }).selectOption({ label: 'Acme Payments API v1' })
    await page.getByLabel('Environment').selectOption('mock')
    await page.getByLabel('Connectivity').check()
    await page.getByRole('button', { name: 'Run the suite' }).click()
    await expect(page.getByRole('link', { name: '← All runs' })).toBeVisible()
    const runPath = new URL(page.url()).pathname
    await expect
      .poll(() => slack.received.some((message) => JSON.stringify(message).includes(runPath)), {
        timeout: 45_000,
        intervals: [500],
      })
      .toBe(true)
    const message = slack.received.find((entry) => JSON.stringify(entry).includes(runPath))
    expect(message).toMatchObject({ blocks: expect.any(Array) })
  } finally {
    await slack.close()
  }
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an owner adds an outgoing webhook, sends a test event and sees it delivered, signed', async ({
    page,
  }) => {
    const receiver = await slackReceiver()
    try {
      await signIn(page, 'owner@acme.test')
      await page.getByRole('link', { name: /Acme Payments API/ }).click()
      await page
        .getByRole('navigation', { name: 'Project sections' })
        .getByRole('link', { name: 'Settings' })
        .click()
      await page.getByRole('link', { name: 'Manage connectors' }).click()
      await page
        .getByLabel('URL', { exact: true })
        .fill(receiver.url.replace('/services/', '/hooks/'))
      await page.getByLabel('Name (optional)').fill('No-JS receiver')
      await page.getByRole('button', { name: 'Add webhook' }).click()
      const secret = await page.getByLabel('Signing secret').inputValue()
      expect(secret).toMatch(/^whsec_/)
      await page.getByRole('button', { name: 'Send test event' }).last().click()
      await expect.poll(() => receiver.raw.length, { timeout: 30_000 }).toBeGreaterThan(0)
      // Standard Webhooks: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> keyed with the secret's bytes.
      const { headers, body } = receiver.raw[0]!
      const expected = crypto
        .createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
        .update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`)
        .digest('base64')
      expect(String(headers['webhook-signature'])).toContain(`v1,${expected}`)
      // The delivery log says so after a reload (no JavaScript: the page is read again).
      await expect
        .poll(
          async () => {
            await page.reload()
            return page.getByText('delivered', { exact: true }).count()
          },
          { timeout: 30_000, intervals: [1000] },
        )
        .toBeGreaterThan(0)
      await page.screenshot({ path: 'tests/.tmp/screens/connectors-nojs.png', fullPage: true })
    } finally {
      await receiver.close()
    }
  })
})
