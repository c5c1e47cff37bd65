import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from '@playwright/test'
import { signIn } from './fixtures'

/** A Slack incoming-webhook stand-in on loopback: it keeps every message posted to it. */
async function slackReceiver() {
  const received: unknown[] = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    request.on('end', () => {
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
