import crypto from 'node:crypto'
import { expect, test } from '@playwright/test'
import { E2E_BASE_URL, E2E_TRACE_SECRET } from '../../playwright.config'
import { openDemoProjectTab } from './fixtures'

/** A small API of its own (a unique path), so its versions never disturb the demo spec. */
const driftSpec = (name: string, path: string, amountType: 'integer' | 'string') => `openapi: 3.0.3
info: {title: ${name}, version: "${amountType}"}
servers: [{url: "https://sandbox.acme-payments.test"}]
paths:
  ${path}:
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties:
                amount: {type: ${amountType}}
                currency: {type: string}
      responses:
        "201": {description: created}
`

test('a pushed breaking version gets an impact page that names the partner whose traces use the change', async ({
  page,
}) => {
  const suffix = Date.now().toString(36)
  const name = `Drift Orders ${suffix}`
  const path = `/drift-${suffix}/orders`

  // The vendor creates a project API token on Settings.
  await openDemoProjectTab(page, 'owner@acme.test', 'Settings')
  const projectId = /\/projects\/([^/]+)/.exec(page.url())![1]!
  await page.getByLabel('Token name').fill(`Drift CI ${suffix}`)
  await page.getByRole('button', { name: 'Create token' }).click()
  const token = (await page.getByTestId('new-token').inputValue()).trim()
  expect(token).toMatch(/^ic_/)
  const api = (url: string, body: string) =>
    fetch(`${E2E_BASE_URL}${url}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/yaml' },
      body,
    })

  // v1 from CI, as a new spec of the demo project.
  const first = await api(
    `/api/v1/projects/${projectId}/specs?name=${encodeURIComponent(name)}`,
    driftSpec(name, path, 'integer'),
  )
  expect(first.status).toBe(201)
  const { specId } = (await first.json()) as { specId: string }

  // Globex's integration sends signed traces of the operation (the README's snippet).
  const traces = JSON.stringify({
    traces: [1, 2, 3].map((n) => ({
      request: {
        method: 'POST',
        url: `https://sandbox.acme-payments.test${path}`,
        headers: { 'Content-Type': 'application/json' },
        body: { amount: 2500 + n, currency: 'EUR' },
      },
      response: { status: 201, headers: {}, body: '' },
    })),
  })
  const timestamp = Math.floor(Date.now() / 1000)
  const signature = crypto
    .createHmac('sha256', E2E_TRACE_SECRET)
    .update(`${timestamp}.${traces}`)
    .digest('hex')
  const sent = await fetch(`${E2E_BASE_URL}/api/v1/traces`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Copilot-Partner': 'globex',
      'X-Copilot-Timestamp': String(timestamp),
      'X-Copilot-Signature': `sha256=${signature}`,
    },
    body: traces,
  })
  expect(sent.status).toBe(201)

  // v2 pushed from CI: amount becomes a string (breaking for Globex).
  const pushed = await api(
    `/api/v1/projects/${projectId}/specs/${specId}/versions`,
    driftSpec(name, path, 'string'),
  )
  expect(pushed.status).toBe(201)
  const { version, versionId, impactUrl } = (await pushed.json()) as {
    version: number
    versionId: string
    impactUrl: string
  }
  expect(version).toBe(2)

  // The impact API answers once the job has run; the page says the same.
  await expect
    .poll(
      async () =>
        (
          await fetch(`${E2E_BASE_URL}${impactUrl}`, {
            headers: { Authorization: `Bearer ${token}` },
          })
        ).status,
      { timeout: 30_000 },
    )
    .toBe(200)
  await page.goto(`/projects/${projectId}/specs/${specId}/v/${versionId}`)
  await page.getByRole('link', { name: 'Impact on partners' }).click()
  await expect(page.getByRole('heading', { name: 'Impact of v2 on partners' })).toBeVisible()
  const changes = page.getByTestId('impact-changes')
  await expect(changes.getByText('request-property-type-changed')).toBeVisible()
  await expect(changes.getByRole('link', { name: 'Globex' })).toBeVisible()
  await expect(
    changes.getByText(/sent `amount` as an integer to POST .* in 3 traces/),
  ).toBeVisible()
})
