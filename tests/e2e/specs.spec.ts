import { expect, test } from '@playwright/test'
import { signIn } from './fixtures'

test.use({ javaScriptEnabled: false })

const TITLE = `Parcel API ${Date.now().toString(36)}`
const SPEC = `openapi: 3.0.3
info: {title: ${TITLE}, version: "2.1"}
servers: [{url: "https://api.parcel.test/v2"}]
paths:
  /parcels:
    get:
      operationId: listParcels
      tags: [Parcels]
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        "200":
          description: Parcels
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Parcel"}}
              example: [{id: p1, weight: 2}]
components:
  schemas:
    Parcel:
      type: object
      required: [id]
      properties:
        id: {type: string}
        weight: {type: number, minimum: 0}
`

test('import a spec by pasting it, see its problems, then browse it (no JavaScript)', async ({
  page,
}) => {
  await signIn(page, 'vendor@acme.test')
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Specs' })
    .click()

  await page
    .getByLabel('…or paste the spec')
    .fill(SPEC.replace('responses:\n        "200"', 'responsez:\n        "200"'))
  await page.getByRole('button', { name: 'Import spec' }).click()
  const problems = page.getByRole('alert')
  await expect(problems).toContainText('The spec was not imported')
  await expect(problems).toContainText('has an unknown property "responsez"')
  await expect(problems).toContainText('line 7, column 7')

  await page.getByLabel('…or paste the spec').fill(SPEC)
  await page.getByRole('button', { name: 'Import spec' }).click()
  await expect(page.getByRole('heading', { name: `${TITLE} · v1` })).toBeVisible()
  await expect(page.getByText(`Imported “${TITLE}” as version 1: 1 operations.`)).toBeVisible()
  await expect(page.getByText('Pagination: cursor').first()).toBeVisible()

  await page.getByText('/parcels', { exact: true }).click()
  await expect(page.getByText('query.cursor').first()).toBeHidden()
  await expect(page.locator('section[aria-label="Operations"]')).toContainText('weight')
  await expect(page.getByRole('link', { name: 'Download blueprint (Markdown)' })).toHaveAttribute(
    'href',
    /\/blueprint$/,
  )

  await page.getByRole('link', { name: '← All specs' }).click()
  await expect(
    page.locator('section', { hasText: TITLE }).getByRole('link', { name: 'v1' }),
  ).toBeVisible()

  // The import started a mock; deleting it asks first, without JavaScript too.
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Mocks' })
    .click()
  const row = page.getByRole('row', { name: new RegExp(`${TITLE} v1`) })
  await row.locator('summary', { hasText: 'Delete' }).click()
  await row.getByRole('button', { name: `Delete ${TITLE} v1` }).click()
  await expect(page.getByText('Mock deleted.')).toBeVisible()
  await expect(row).toHaveCount(0)
})
