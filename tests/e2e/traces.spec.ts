import crypto from 'node:crypto'
import { expect, type Page, test } from '@playwright/test'
import { E2E_BASE_URL } from '../../playwright.config'
import { openDemoProjectTab, signIn } from './fixtures'

/** Adds a partner on the Plan tab; returns its name. */
async function addPartner(page: Page, name: string) {
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Plan' })
    .click()
  await page.getByLabel('Company name').fill(name)
  await page.getByRole('button', { name: 'Add partner' }).click()
  await expect(page.getByText(`${name} added, with the default onboarding plan.`)).toBeVisible()
}

test('a vendor issues a trace secret, the partner signs an invalid trace, the violation shows on its line', async ({
  page,
}) => {
  const name = `Trace Co ${Date.now().toString(36)}`
  await openDemoProjectTab(page, 'owner@acme.test', 'Overview')
  await addPartner(page, name)
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Traces' })
    .click()
  await page.getByRole('link', { name: 'Secrets and uploads' }).first().click()
  const card = page.getByRole('listitem').filter({ hasText: name }).first()
  await card.getByRole('button', { name: 'Create secret' }).click()
  const secret = (await page.getByTestId('new-trace-secret').textContent())!.trim()
  expect(secret).toMatch(/^tsk_/)
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')

  // The partner's integration: a payment without card_token, answered with an amount as text.
  const body = JSON.stringify({
    traces: [
      {
        request: {
          method: 'POST',
          url: 'https://sandbox.acme-payments.test/v1/payments',
          headers: {
            'Content-Type': 'application/json',
            Authorization: 'Bearer sk_test_e2e_secret_1',
          },
          body: { amount: 2500, currency: 'EUR' },
        },
        response: {
          status: 201,
          headers: { 'Content-Type': 'application/json' },
          body: {
            id: 'pay_e2e',
            amount: 'lots',
            currency: 'EUR',
            status: 'succeeded',
            created_at: '2026-12-01T10:00:00Z',
          },
        },
      },
    ],
  })
  const timestamp = Math.floor(Date.now() / 1000)
  const signature = crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
  const response = await fetch(`${E2E_BASE_URL}/api/v1/traces`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Copilot-Partner': slug,
      'X-Copilot-Timestamp': String(timestamp),
      'X-Copilot-Signature': `sha256=${signature}`,
    },
    body,
  })
  expect(response.status).toBe(201)
  expect(await response.json()).toMatchObject({ accepted: 1, valid: 0 })

  await page.getByRole('link', { name: 'Traces', exact: true }).first().click()
  await expect(page.getByRole('button', { name: 'Apply filters' })).toBeVisible()
  await page.getByLabel('Partner', { exact: true }).selectOption({ label: name })
  await page.getByRole('button', { name: 'Apply filters' }).click()
  await page
    .getByRole('link', { name: /\/v1\/payments/ })
    .first()
    .click()
  const requestBody = page.getByRole('list', { name: /Request body/ })
  await expect(requestBody.getByText(/body\/card_token.*required/)).toBeVisible()
  const responseBody = page.getByRole('list', { name: /Response body/ })
  await expect(responseBody.locator('li', { hasText: '"amount": "lots"' }).first()).toContainText(
    'must be integer',
  )
  await expect(page.getByText('sk_test_e2e_secret_1')).toHaveCount(0)
  await page.screenshot({ path: 'tests/.tmp/screens/trace-detail.png', fullPage: true })
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a vendor uploads a HAR file for a partner and sees what was accepted and rejected', async ({
    page,
  }) => {
    await signIn(page, 'vendor@acme.test')
    await page.getByRole('link', { name: /Acme Payments API/ }).click()
    await page
      .getByRole('navigation', { name: 'Project sections' })
      .getByRole('link', { name: 'Traces' })
      .click()
    await page.getByRole('link', { name: 'Secrets and uploads' }).first().click()
    const har = {
      log: {
        version: '1.2',
        entries: [
          {
            startedDateTime: new Date().toISOString(),
            time: 20,
            request: {
              method: 'GET',
              url: 'https://sandbox.acme-payments.test/v1/payments/pay_har1',
              headers: [],
            },
            response: {
              status: 200,
              headers: [{ name: 'Content-Type', value: 'application/json' }],
              content: {
                mimeType: 'application/json',
                text: JSON.stringify({
                  id: 'pay_har1',
                  amount: 900,
                  currency: 'GBP',
                  status: 'pending',
                  created_at: '2026-12-01T10:00:00Z',
                }),
              },
            },
          },
          { request: { method: 'GET' }, response: { status: 200 } },
        ],
      },
    }
    await page.getByLabel('Partner', { exact: true }).selectOption({ label: 'Globex' })
    await page.getByLabel('File').setInputFiles({
      name: 'session.har',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(har)),
    })
    await page.getByRole('button', { name: 'Upload traces' }).click()
    const outcome = page.getByTestId('upload-outcome')
    await expect(outcome).toContainText('1 trace stored (1 valid against the spec), 1 rejected')
    await expect(outcome).toContainText('index 1')
  })
})
