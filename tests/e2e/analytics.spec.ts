import { expect, test } from '@playwright/test'
import { importSpecByPaste, mockRow, signIn } from './fixtures'

/** A spec whose documented example breaks its own schema: the suite's schema check fails on it. */
const SPEC = `openapi: 3.0.3
info: {title: Sprocket Analytics API, version: "1"}
components:
  schemas:
    Sprocket:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
paths:
  /sprockets:
    get:
      operationId: listSprockets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Sprocket"}}
              example: [{id: 7, name: Cog}]
`

test('a partner’s failing run becomes a pattern; the vendor accepts its suggested note', async ({
  page,
}) => {
  // The vendor imports the spec (shared with every partner) and waits for its mock.
  await signIn(page, 'owner@acme.test')
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await importSpecByPaste(page, SPEC, /Sprocket Analytics API · v1/)
  await mockRow(page, /Sprocket Analytics API v1/)
  await page.context().clearCookies()

  // Globex runs the suite against the mock from its portal.
  await page.goto('/login')
  await page.getByLabel('Email').fill('partner@globex.test')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Globex · Acme Payments API' }).waitFor()
  await page.getByRole('link', { name: 'Open' }).first().click()
  await page
    .getByRole('navigation', { name: 'Partner sections' })
    .getByRole('link', { name: 'Tests' })
    .click()
  const suite = page.getByLabel('Suite')
  const value = await suite
    .locator('option', { hasText: 'Sprocket Analytics API v1' })
    .getAttribute('value')
  await suite.selectOption(value!)
  await page.getByLabel('Environment').selectOption('mock')
  await page.getByRole('button', { name: 'Run the suite' }).click()
  await expect(page.getByRole('link', { name: '← All runs' })).toBeVisible()
  await expect(page.getByTestId('run-status')).toHaveText(/^(passed|failed|incomplete)$/, {
    timeout: 45_000,
  })
  await page.context().clearCookies()

  // The vendor opens Failure analytics from the Tests tab and sees the pattern.
  await signIn(page, 'owner@acme.test')
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Tests' })
    .click()
  await page
    .getByRole('navigation', { name: 'Tests sections' })
    .getByRole('link', { name: 'Failure analytics' })
    .click()
  const row = page
    .getByTestId('failure-pattern')
    .filter({ hasText: 'contract.schema' })
    .filter({ hasText: 'Sprocket Analytics API' })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText(/\d+ of \d+ partners/)
  await row.getByText(/Errors note/).click()
  await expect(row.getByRole('textbox')).toHaveValue(/How to get it right:/)

  await row.getByRole('button', { name: /^Accept the suggested note/ }).click()
  await expect(page.getByText('Note added to the operation.')).toBeVisible()
  await expect(row.getByText('Annotated', { exact: true })).toBeVisible()

  // The operation page shows the note.
  await row.getByRole('link', { name: /See the note on GET \/sprockets/ }).click()
  await expect(page).toHaveURL(/\/operations\/listSprockets/)
  await expect(page.locator('#notes')).toContainText('Common integration problem')
})
