import path from 'node:path'
import { expect, test } from '@playwright/test'
import { openDemoProjectTab } from './fixtures'

const STRIPE = path.resolve('../shared/specs/stripe-spec3.json')
const MAX_HTML_BYTES = 500 * 1024

test.setTimeout(240_000)

test('the largest spec (Stripe, 417 operations) is browsed one operation at a time: every page under 500 KB of HTML', async ({
  page,
}) => {
  await openDemoProjectTab(page, 'vendor@acme.test', 'Specs')
  const name = `Stripe ${Date.now().toString(36)}`
  await page.getByLabel('Upload a file').setInputFiles(STRIPE)
  await page.getByLabel('Spec name').fill(name)
  await page.getByRole('button', { name: 'Import spec' }).click()
  await expect(page.getByRole('heading', { name: `${name} · v1` })).toBeVisible({
    timeout: 60_000,
  })
  const versionUrl = new URL(page.url())
  versionUrl.search = ''

  const sizes: { url: string; bytes: number }[] = []
  const measure = async (url: string) => {
    const response = await page.request.get(url)
    expect(response.status(), url).toBe(200)
    const bytes = (await response.body()).length
    sizes.push({ url, bytes })
    return response
  }

  // The version page, once per group: operations listed, no schema trees.
  const groups = await page
    .getByRole('navigation', { name: 'API groups' })
    .getByRole('link')
    .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href))
  expect(groups.length).toBeGreaterThan(50)
  for (const group of groups) await measure(group)

  // Every operation's own page, four at a time.
  const operations = new Set<string>()
  for (const group of groups) {
    const html = await (await page.request.get(group)).text()
    for (const match of html.matchAll(/href="([^"]*\/operations\/[^"]+)"/g))
      operations.add(new URL(match[1]!.replace(/&amp;/g, '&'), versionUrl).href)
  }
  expect(operations.size).toBe(417)
  const queue = [...operations]
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await measure(next)
    }),
  )

  // Expanding collapsed nodes keeps the page bounded too.
  const largest = sizes
    .filter((entry) => entry.url.includes('/operations/'))
    .sort((a, b) => b.bytes - a.bytes)[0]!
  await page.goto(largest.url)
  for (let clicks = 0; clicks < 5; clicks++) {
    const expand = page.getByRole('link', { name: /^Expand / }).first()
    if ((await expand.count()) === 0) break
    await expand.click()
    await expect(page).toHaveURL(/open=/)
  }
  await measure(page.url())

  for (const tab of ['Specs', 'Mocks', 'Tests']) {
    await page
      .getByRole('navigation', { name: 'Project sections' })
      .getByRole('link', { name: tab })
      .click()
    await measure(page.url())
  }

  const over = sizes.filter((entry) => entry.bytes > MAX_HTML_BYTES)
  const biggest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 3)
  console.log(
    `${sizes.length} pages; largest: ${biggest.map((entry) => `${Math.round(entry.bytes / 1024)} KB ${new URL(entry.url).pathname.split('/').slice(-1)[0]}`).join(', ')}`,
  )
  expect(over, 'pages over 500 KB').toEqual([])
})
