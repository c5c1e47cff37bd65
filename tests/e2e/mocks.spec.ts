import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from '@playwright/test'
import { importSpecByPaste, mockRow, signIn } from './fixtures'

const SPEC = `openapi: 3.0.3
info: {title: Fleet API, version: "1"}
paths:
  /vehicles:
    get:
      operationId: listVehicles
      parameters: [{name: limit, in: query, schema: {type: integer, maximum: 20}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Vehicle"}}}}}
components:
  schemas:
    Vehicle: {type: object, required: [id], properties: {id: {type: string}, plate: {type: string}}}
`

// Far from UTC: the server renders in UTC, and hydration must print the very same text.
test.use({ timezoneId: 'Pacific/Kiritimati' })

test('a spec import starts a mock that answers through the app, logs requests, and stops', async ({
  page,
  request,
}) => {
  const hydrationErrors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && /React error #4(18|23|25)|hydrat/i.test(message.text()))
      hydrationErrors.push(message.text())
  })
  await signIn(page, 'vendor@acme.test')
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await importSpecByPaste(page, SPEC, /Fleet API · v1/)
  const { row, proxyUrl } = await mockRow(page, /Fleet API v1/)

  const ok = await request.get(`${proxyUrl}/vehicles`)
  expect(ok.status()).toBe(200)
  expect(Array.isArray(await ok.json())).toBe(true)
  const invalid = await request.get(`${proxyUrl}/vehicles?limit=500`)
  expect(invalid.status()).toBe(400)
  expect((await invalid.json()).violations[0].location).toBe('query.limit')
  expect((await request.get(`${proxyUrl}/nowhere`)).status()).toBe(404)

  await row.getByRole('link', { name: 'Fleet API v1' }).click()
  await expect(page.getByRole('heading', { name: 'Recent requests', exact: false })).toBeVisible()
  await expect(async () => {
    await page.reload()
    await expect(page.getByText('/nowhere', { exact: true })).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 10_000 })
  await expect(page.getByText('1 violation(s)')).toBeVisible()
  await expect(page.getByText('no matching operation')).toBeVisible()
  // The newest page follows new requests without a reload, and keeps what is being typed.
  await page.getByLabel('Fixed delay (ms)').fill('25')
  expect((await request.get(`${proxyUrl}/vehicles?live=1`)).status()).toBe(200)
  await expect(page.getByText('?live=1')).toBeVisible({ timeout: 10_000 })
  await expect(page.getByLabel('Fixed delay (ms)')).toHaveValue('25')

  await page.reload()
  await expect(page.getByRole('heading', { name: 'Recent requests' })).toBeVisible()
  expect(hydrationErrors).toEqual([])

  await page.getByRole('link', { name: 'Problems only' }).click()
  await expect(page.getByRole('heading', { name: 'Requests answered 4xx/5xx' })).toBeVisible()
  await expect(page.getByText('/nowhere', { exact: true })).toBeVisible()
  await expect(page.getByText('/vehicles', { exact: true })).toHaveCount(1)

  await page.getByRole('link', { name: '← All mocks' }).click()
  await row.getByRole('button', { name: /^Stop/ }).click()
  await expect(row.getByText('stopped', { exact: true })).toBeVisible()
  expect((await request.get(`${proxyUrl}/vehicles`)).status()).toBe(503)

  // Deleting asks first, and says what goes with the mock.
  await row.locator('summary', { hasText: 'Delete' }).click()
  await expect(row.getByText('Its request log, stored resources')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(row.getByText('Its request log, stored resources')).toBeHidden()
  await row.locator('summary', { hasText: 'Delete' }).click()
  await row.getByRole('button', { name: 'Delete Fleet API v1' }).click()
  await expect(page.getByText('Mock deleted.')).toBeVisible()
  await expect(row).toHaveCount(0)
  expect((await request.get(`${proxyUrl}/vehicles`)).status()).toBe(404)
})

test('a web page of another origin calls a mock: preflight, answers and errors readable (CORS)', async ({
  page,
}) => {
  await signIn(page, 'vendor@acme.test')
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await importSpecByPaste(
    page,
    SPEC.replace('Fleet API', 'Partner Web App API'),
    /Partner Web App API · v1/,
  )
  const { proxyUrl } = await mockRow(page, /Partner Web App API v1/)

  // The partner's web app: a page served from another origin (127.0.0.1 vs localhost).
  const partner = http.createServer((_, response) =>
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Partner app</title>'),
  )
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve))
  try {
    const origin = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`
    await page.goto(origin)
    const answers = await page.evaluate(async (mock) => {
      // A custom header makes the browser send a preflight first.
      const ok = await fetch(`${mock}/vehicles`, { headers: { 'X-Trace-Id': 'abc' } })
      const invalid = await fetch(`${mock}/vehicles?limit=500`, {
        headers: { 'X-Trace-Id': 'abc' },
      })
      return [
        { status: ok.status, body: await ok.json() },
        { status: invalid.status, body: await invalid.json() },
      ]
    }, proxyUrl)
    expect(answers[0]!.status).toBe(200)
    expect(Array.isArray(answers[0]!.body)).toBe(true)
    expect(answers[1]!.status).toBe(400)
    expect(answers[1]!.body.violations[0].location).toBe('query.limit')
  } finally {
    partner.close()
  }
})
