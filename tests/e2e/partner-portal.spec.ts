import { expect, type Page, test } from '@playwright/test'
import { signIn, signOut, uniqueEmail } from './fixtures'

/** The demo project's createPayment with `amount` as a word: one violation, on line 2. */
const INVALID_BODY = '{\n  "amount": "lots",\n  "currency": "EUR",\n  "card_token": "tok_visa"\n}'
const VALID_BODY = '{\n  "amount": 2500,\n  "currency": "EUR",\n  "card_token": "tok_visa"\n}'

/** The vendor invites a new partner user to Globex; returns the link and Umbrella's portal URL. */
async function inviteToGlobex(page: Page, email: string) {
  await signIn(page, 'vendor@acme.test')
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Partners' })
    .click()
  const umbrellaHref = await page
    .getByRole('link', { name: 'Umbrella', exact: true })
    .getAttribute('href')
  const umbrellaId = umbrellaHref!.split('/').pop()!
  await page.getByRole('link', { name: 'Globex', exact: true }).click()
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Send invite' }).click()
  const link = await page.getByTestId('invite-link').inputValue()
  expect(link).toContain('/invites/')
  await signOut(page)
  return { link, umbrellaPortal: `/partner/${umbrellaId}` }
}

/** The invited person creates an account from the link and accepts: the Globex portal opens. */
async function accept(page: Page, link: string, email: string) {
  await page.goto(link)
  await expect(
    page.getByRole('heading', { name: /Join Globex on Acme Payments API/ }),
  ).toBeVisible()
  await page.getByRole('link', { name: 'Create an account' }).click()
  await page.getByLabel('Your name').fill('Pat Partner')
  await page.getByLabel('Work email').fill(email)
  await page.getByLabel('Password').fill('a-long-partner-password')
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('button', { name: 'Accept invitation' }).click()
  await expect(page.getByText(/Welcome: you joined Globex/)).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()
  // A partner-only account has no vendor pages in its header.
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }),
  ).toHaveCount(0)
}

/** Opens the playground on createPayment (search, pick). */
async function openCreatePayment(page: Page) {
  await page
    .getByRole('navigation', { name: 'Partner sections' })
    .getByRole('link', { name: 'Playground' })
    .click()
  await page.getByLabel('Search operations').fill('createPayment')
  await page.getByRole('button', { name: 'Search' }).click()
  await expect(page).toHaveURL(/q=createPayment/)
  await page
    .getByRole('navigation', { name: 'Matching operations' })
    .getByRole('link', { name: /Create a payment/ })
    .click()
  await expect(page).toHaveURL(/createPayment/)
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible()
}

test('a vendor invites a partner, who tries the playground, saves a template, runs the suite and stays in its own portal', async ({
  page,
}) => {
  const email = uniqueEmail('partner')
  const { link, umbrellaPortal } = await inviteToGlobex(page, email)
  await accept(page, link, email)
  await page.screenshot({ path: 'tests/.tmp/screens/partner-dashboard.png', fullPage: true })

  await openCreatePayment(page)
  // The JSON editor (CodeMirror) replaces the textarea once loaded.
  const editor = page.getByTestId('body-editor').locator('.cm-content')
  await expect(editor).toBeVisible()
  await editor.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(INVALID_BODY)
  await page.getByRole('button', { name: 'Send' }).click()
  const violations = page.locator('#playground-body-violations')
  await expect(violations).toContainText(/line 2: .*amount/)
  await expect(page.locator('.cm-lint-marker-error, .cm-lintRange-error').first()).toBeVisible()
  // One body editor on screen: the textarea it replaces stays hidden.
  await expect(page.locator('textarea#playground-body')).toBeHidden()
  await page.screenshot({
    path: 'tests/.tmp/screens/partner-playground-violation.png',
    fullPage: true,
  })

  await page.getByTestId('body-editor').locator('.cm-content').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(VALID_BODY)
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(page.getByTestId('response-status')).toContainText('201')
  await expect(page.locator('#playground-body-violations')).toHaveCount(0)

  await page.locator('#template-name').fill('Card payment that works')
  await page.getByRole('button', { name: 'Save as template' }).click()
  await expect(page.getByRole('link', { name: 'Card payment that works' })).toBeVisible()
  await page.screenshot({ path: 'tests/.tmp/screens/partner-playground.png', fullPage: true })

  // The suite against the mock, live.
  await page
    .getByRole('navigation', { name: 'Partner sections' })
    .getByRole('link', { name: 'Tests' })
    .click()
  await page.getByLabel('Environment').selectOption('mock')
  await page.getByRole('button', { name: 'Run the suite' }).click()
  await expect(page.getByRole('link', { name: '← All runs' })).toBeVisible()
  await expect(page.getByTestId('case-row').first()).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('run-status')).toHaveText(/^(passed|failed|incomplete)$/, {
    timeout: 45_000,
  })
  await page.screenshot({ path: 'tests/.tmp/screens/partner-run.png', fullPage: true })

  // Another partner's portal, a vendor page: nothing there.
  const other = await page.goto(umbrellaPortal)
  expect(other?.status()).toBe(404)
  const vendor = await page.goto('/projects')
  expect(page.url()).toMatch(/\/partner$/)
  expect(vendor?.status()).toBe(200)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the partner sends an invalid request, sees the violation on its line, fixes it and saves it', async ({
    page,
  }) => {
    const email = uniqueEmail('nojs-partner')
    const { link } = await inviteToGlobex(page, email)
    await accept(page, link, email)
    await openCreatePayment(page)
    const body = page.locator('textarea#playground-body')
    await body.fill(INVALID_BODY)
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(page.locator('#playground-body-violations')).toContainText(/line 2: .*amount/)
    await page.locator('textarea#playground-body').fill(VALID_BODY)
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(page.getByTestId('response-status')).toContainText('201')
    await page.locator('#template-name').fill('No-JS payment')
    await page.getByRole('button', { name: 'Save as template' }).click()
    await expect(page.getByRole('link', { name: 'No-JS payment' })).toBeVisible()
    await page.screenshot({
      path: 'tests/.tmp/screens/partner-playground-nojs.png',
      fullPage: true,
    })
  })
})
