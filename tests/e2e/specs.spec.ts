import { expect, test } from '@playwright/test'
import { openDemoProjectTab } from './fixtures'

test.use({ javaScriptEnabled: false })

const TITLE = `Parcel API ${Date.now().toString(36)}`
const SPEC = `openapi: 3.0.3
info: {title: ${TITLE}, version: "2.1", logo: {url: "https://parcel.test/logo.png"}}
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
        sender: {$ref: "#/components/schemas/Address"}
    Address:
      type: object
      properties:
        city: {type: string}
        geo: {type: object, properties: {lat: {type: number}, lng: {type: number}}}
`

test('import a spec by pasting it, see its problems, then browse it one operation at a time (no JavaScript)', async ({
  page,
}) => {
  await openDemoProjectTab(page, 'vendor@acme.test', 'Specs')

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
  // info.logo is not OpenAPI: imported anyway, the problem listed.
  await expect(
    page.getByText(
      `Imported “${TITLE}” as version 1: 1 operations; imported with 1 problem (listed on the version page).`,
    ),
  ).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Imported with 1 problem' })).toBeVisible()
  await expect(page.getByText('/info has an unknown property "logo": ignored.')).toBeVisible()
  await expect(page.getByText('Pagination: cursor').first()).toBeVisible()
  await expect(page.getByRole('link', { name: 'Download blueprint (Markdown)' })).toHaveAttribute(
    'href',
    /\/blueprint$/,
  )

  // Each operation has its own page; deep schema nodes expand through links.
  await page.getByRole('link', { name: /GET \/parcels/ }).click()
  await expect(page.getByRole('heading', { name: /GET\s*\/parcels/ })).toBeVisible()
  const responses = page.locator('section', { hasText: 'Responses' }).last()
  await expect(responses).toContainText('weight')
  await expect(responses).not.toContainText('city')
  await page.getByRole('link', { name: 'Expand sender (2 more)' }).click()
  await expect(page).toHaveURL(/open=/)
  await expect(responses).toContainText('city')
  await page.getByRole('link', { name: 'Collapse sender' }).click()
  await expect(responses).not.toContainText('city')
  await page.getByRole('link', { name: /← .* v1 · Parcels/ }).click()

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
