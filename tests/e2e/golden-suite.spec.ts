import fs from 'node:fs'
import { expect, test } from '@playwright/test'
import { importSpecByPaste, mockRow, signIn } from './fixtures'

/** A gadget API whose documented example breaks its own schema: the mock serves it, the suite says so. */
const SPEC = `openapi: 3.0.3
info: {title: Gadget API, version: "1"}
servers: [{url: "https://api.gadgets.test/v2"}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Gadget:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
security: [{bearer: []}]
paths:
  /gadgets:
    get:
      operationId: listGadgets
      parameters: [{name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 20}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Gadget"}}
              example: [{id: 7, name: Sprocket}]
        "401": {description: no credentials}
`

test('run the golden suite against a mock: live progress, a failing case, its curl, JUnit', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await signIn(page, 'vendor@acme.test')
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await importSpecByPaste(page, SPEC, /Gadget API · v1/)
  await mockRow(page, /Gadget API v1/)
  const tabs = page.getByRole('navigation', { name: 'Project sections' })
  await tabs.getByRole('link', { name: 'Tests' }).click()
  await expect(page.getByRole('heading', { name: /Gadget API/ })).toBeVisible()
  await page.getByLabel('Spec').selectOption({ label: 'Gadget API v1' })
  await page.getByLabel('Environment').selectOption('mock')

  // Count case events as they stream in: the page updates without a reload.
  let navigations = 0
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++
  })
  await page.getByRole('button', { name: 'Run the suite' }).click()
  await expect(page).toHaveURL(/\/tests\/runs\/[^/]+$/)
  // The run page itself (not the Tests tab it came from, whose run list has statuses too).
  await expect(page.getByRole('link', { name: '← All runs' })).toBeVisible()
  const afterRunPage = navigations
  await expect(page.getByTestId('run-status')).toHaveText(/failed|passed|incomplete/, {
    timeout: 30_000,
  })
  expect(navigations).toBe(afterRunPage) // no reload while the run went on
  await expect(page.getByTestId('run-counts')).toContainText(/of \d+ done \(100%\)/)

  await page.getByRole('link', { name: 'failed', exact: true }).click()
  await expect(page.getByRole('link', { name: 'failed', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  )
  const failing = page
    .getByTestId('case-row')
    .filter({ hasText: 'Body is valid against the schema' })
  await expect(failing).toHaveCount(1)
  await expect(failing).toHaveAttribute('data-verdict', 'failed')
  await failing.getByRole('link').click()
  await expect(
    page.getByRole('heading', { name: /^#\d+ Body is valid against the schema/ }),
  ).toBeVisible()
  await expect(page.getByText('/0/id must be string')).toBeVisible()
  await expect(page.getByText('The spec it was judged against')).toBeVisible()
  const curl = await page.getByTestId('curl').first().textContent()
  expect(curl).toMatch(/^curl -i -X GET 'http:\/\/127\.0\.0\.1:\d+\/v2\/gadgets' /)
  expect(curl).toContain('Bearer $API_TOKEN')
  await page.getByRole('button', { name: 'Copy curl' }).first().click()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(curl)

  await page.getByRole('link', { name: /← Gadget API v1 on/ }).click()
  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download JUnit XML' }).click()
  const file = await (await download).path()
  const xml = fs.readFileSync(file!, 'utf8')
  expect(xml).toMatch(/^<\?xml/)
  expect(xml).toContain('<failure message=')
  expect(xml).toContain('classname="contract.schema"')
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a run started from the form reaches its result page', async ({ page }) => {
    await signIn(page, 'vendor@acme.test')
    await page.getByRole('link', { name: /Acme Payments API/ }).click()
    await page
      .getByRole('navigation', { name: 'Project sections' })
      .getByRole('link', { name: 'Tests' })
      .click()
    await page.getByLabel('Spec').selectOption({ label: 'Acme Payments API v1' })
    await page.getByLabel('Environment').selectOption('mock')
    await page.getByLabel('Connectivity').check()
    await page.getByLabel('Contract').check()
    await page.getByRole('button', { name: 'Run the suite' }).click()
    await expect(page).toHaveURL(/\/tests\/runs\/[^/]+$/)
    // The page refreshes itself (meta refresh) until the run is done.
    await expect(page.getByTestId('run-status')).toHaveText(/passed|failed|incomplete/, {
      timeout: 30_000,
    })
    await expect(page.getByTestId('run-counts')).toContainText('(100%)')
    await expect(page.getByRole('link', { name: 'Download JUnit XML' })).toBeVisible()
  })
})
