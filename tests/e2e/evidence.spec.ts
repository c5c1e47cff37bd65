import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { E2E_BASE_URL, E2E_TRACE_SECRET } from '../../playwright.config'
import { openDemoProjectTab, signIn, signOut } from './fixtures'

/** Runs the README's Node snippet as a partner would, against this server. */
function sendTracesLikeTheReadme() {
  const readme = fs.readFileSync('README.md', 'utf8')
  const marker = readme.indexOf('<!-- trace-snippet:node -->')
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(marker))![1]!
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-snippet-'))
  fs.writeFileSync(path.join(dir, 'send-traces.mjs'), code)
  const output = execFileSync(process.execPath, [path.join(dir, 'send-traces.mjs')], {
    env: { ...process.env, COPILOT_URL: E2E_BASE_URL, TRACE_SECRET: E2E_TRACE_SECRET },
  }).toString()
  fs.rmSync(dir, { recursive: true, force: true })
  return output
}

test('a vendor follows Globex’s onboarding: traces close a plan item, notes, evidence files, the chain verifies; the partner sees its side', async ({
  page,
}) => {
  expect(sendTracesLikeTheReadme()).toMatch(/^201 /)

  await openDemoProjectTab(page, 'owner@acme.test', 'Plan')
  await page.getByRole('link', { name: 'Globex' }).click()
  await expect(page.getByRole('heading', { name: 'Globex', level: 2 })).toBeVisible()
  const firstTrace = page
    .getByTestId('plan-item')
    .filter({ hasText: 'A first verified, valid trace received' })
  await expect(firstTrace.getByTestId('rule-reason')).toContainText('Closed by evidence')
  await expect(firstTrace.locator('[data-status="done"]')).toBeVisible()

  // An internal note and a shared one on the UAT sign-off, then a file.
  const signoff = page.getByTestId('plan-item').filter({ hasText: 'UAT signed off by the partner' })
  await signoff.getByText(/^Notes \(/).click()
  await signoff.getByLabel('Add a note').fill('E2E internal: chase their QA lead')
  await signoff.getByRole('checkbox', { name: /Internal/ }).check()
  await signoff.getByRole('button', { name: 'Add note' }).click()
  await expect(page.getByText('Note added.')).toBeVisible()
  const signoffAgain = page
    .getByTestId('plan-item')
    .filter({ hasText: 'UAT signed off by the partner' })
  // With JavaScript the item's panel stays open after the note (a client-side navigation).
  await expect(signoffAgain.getByLabel('Add a note')).toBeVisible()
  await signoffAgain.getByLabel('Add a note').fill('E2E shared: please attach the UAT report')
  await signoffAgain.getByRole('button', { name: 'Add note' }).click()
  await expect(page.getByText('Note added.')).toBeVisible()
  const item = page.getByTestId('plan-item').filter({ hasText: 'UAT signed off by the partner' })
  await expect(item.getByLabel('Add a note')).toBeVisible()
  await item.getByLabel(/Attach evidence/).setInputFiles({
    name: 'e2e-uat-checklist.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('UAT checklist: 42 of 42 passed.'),
  })
  await item.getByRole('button', { name: 'Attach', exact: true }).click()
  await expect(
    page.getByText('Attached “e2e-uat-checklist.txt” to the evidence record.'),
  ).toBeVisible()
  await expect(page.getByRole('link', { name: 'e2e-uat-checklist.txt' })).toBeVisible()
  await page.screenshot({ path: 'tests/.tmp/screens/plan-board.png', fullPage: true })

  await page.getByRole('link', { name: 'Evidence record' }).click()
  await page.getByRole('button', { name: 'Verify evidence' }).click()
  await expect(page.getByTestId('verification')).toContainText('The chain verifies')
  await page.screenshot({ path: 'tests/.tmp/screens/evidence.png', fullPage: true })
  await page.goto('/projects')
  await signOut(page)

  // The partner: shared notes, never the internal one.
  await page.goto('/login')
  await page.getByLabel('Email').fill('partner@globex.test')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('link', { name: 'Open', exact: true }).first().click()
  await page
    .getByRole('navigation', { name: 'Partner sections' })
    .getByRole('link', { name: 'Plan' })
    .click()
  const partnerItem = page
    .getByTestId('plan-item')
    .filter({ hasText: 'UAT signed off by the partner' })
  await partnerItem.getByText(/^Notes \(/).click()
  await expect(partnerItem.getByText('E2E shared: please attach the UAT report')).toBeVisible()
  await expect(page.getByText('E2E internal: chase their QA lead')).toHaveCount(0)
  await expect(partnerItem.getByRole('button', { name: 'Move' })).toHaveCount(0)
  await page.screenshot({ path: 'tests/.tmp/screens/partner-plan.png', fullPage: true })
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the vendor adds and moves an item, the partner attaches evidence', async ({ page }) => {
    await signIn(page, 'vendor@acme.test')
    await page.getByRole('link', { name: /Acme Payments API/ }).click()
    await page
      .getByRole('navigation', { name: 'Project sections' })
      .getByRole('link', { name: 'Plan' })
      .click()
    await page.getByRole('link', { name: 'Globex' }).click()
    const golive = page.locator('[data-testid="plan-phase"][data-phase="golive"]')
    await golive.getByText('Add an item or attach evidence to the phase').click()
    await golive.getByLabel('New item').fill('No-JS: status page subscribed')
    await golive.getByRole('button', { name: 'Add item' }).click()
    await expect(page.getByText('Added “No-JS: status page subscribed”.')).toBeVisible()
    const item = page.getByTestId('plan-item').filter({ hasText: 'No-JS: status page subscribed' })
    await item.getByLabel(/^Status of/).selectOption('done')
    await item.getByRole('button', { name: 'Move' }).click()
    await expect(page.getByText('Item moved.')).toBeVisible()
    await expect(
      page
        .getByTestId('plan-item')
        .filter({ hasText: 'No-JS: status page subscribed' })
        .locator('[data-status="done"]'),
    ).toBeVisible()
    // The board has many <details>: sign out from a page whose last one is the user menu.
    await page.goto('/projects')
    await signOut(page)

    await signInPartner(page)
    await page.getByRole('link', { name: 'Open', exact: true }).first().click()
    await page
      .getByRole('navigation', { name: 'Partner sections' })
      .getByRole('link', { name: 'Plan' })
      .click()
    const sandbox = page.locator('[data-testid="plan-phase"][data-phase="sandbox"]')
    await sandbox.getByText('Attach evidence to the phase').click()
    await sandbox
      .getByLabel(/Attach evidence/)
      .last()
      .setInputFiles({
        name: 'nojs-sandbox.log',
        mimeType: 'text/plain',
        buffer: Buffer.from('200 OK x 120'),
      })
    await sandbox.getByRole('button', { name: 'Attach', exact: true }).last().click()
    await expect(
      page.getByText('Attached “nojs-sandbox.log” to the evidence record.'),
    ).toBeVisible()
    // HTML is refused with the reason.
    await page
      .locator('[data-testid="plan-phase"][data-phase="sandbox"]')
      .getByText('Attach evidence to the phase')
      .click()
    await page
      .locator('[data-testid="plan-phase"][data-phase="sandbox"]')
      .getByLabel(/Attach evidence/)
      .last()
      .setInputFiles({
        name: 'page.html',
        mimeType: 'text/html',
        buffer: Buffer.from('<!doctype html><script>alert(1)</script>'),
      })
    await page
      .locator('[data-testid="plan-phase"][data-phase="sandbox"]')
      .getByRole('button', { name: 'Attach', exact: true })
      .last()
      .click()
    await expect(page.getByRole('alert')).toContainText('HTML, SVG and XML files are not accepted')
  })
})

async function signInPartner(page: Page) {
  await page.goto('/login')
  await page.getByLabel('Email').fill('partner@globex.test')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Partner portal' })).toBeVisible()
}
