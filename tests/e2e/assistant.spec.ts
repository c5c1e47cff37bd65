import { type Browser, expect, type Page, test } from '@playwright/test'
import { E2E_BASE_URL, E2E_OPENAI_URL } from '../../playwright.config'
import { importSpecByPaste, mockRow, signIn, signOut } from './fixtures'

/**
 * The assistant in the partner portal: the API team shares a spec whose example
 * breaks its own schema; Globex runs its suite against the mock, opens a case
 * that did not pass and asks why. The model is the local
 * OpenAI-compatible server of playwright.config.ts (tests/support/openai-server.ts).
 */

/** A spec whose documented example breaks its own schema: its mock serves it, a case fails. */
function widgetSpec(title: string) {
  return `openapi: 3.0.3
info: {title: ${title}, version: "1"}
servers: [{url: "https://api.widgets.test/v1"}]
components:
  schemas:
    Widget:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
paths:
  /widgets:
    get:
      operationId: listWidgets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Widget"}}
              example: [{id: 7, name: Sprocket}]
`
}

/** The API team imports a new spec (shared with every partner) and waits for its mock. */
async function vendorSharesWidgetSpec(browser: Browser, title: string) {
  const context = await browser.newContext({ baseURL: E2E_BASE_URL, javaScriptEnabled: true })
  const page = await context.newPage()
  await signIn(page, 'vendor@acme.test')
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await importSpecByPaste(page, widgetSpec(title), new RegExp(`${title} · v1`))
  await mockRow(page, new RegExp(`${title} v1`))
  await context.close()
}

async function signInAsGlobex(page: Page) {
  await page.goto('/login')
  await page.getByLabel('Email').fill('partner@globex.test')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Partner portal' })).toBeVisible()
  await page.getByRole('link', { name: 'Open', exact: true }).first().click()
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()
}

/** From the Tests page: the suite of `title` against its mock, until the run has finished. */
async function runSuiteOnMock(page: Page, title: string) {
  await page
    .getByRole('navigation', { name: 'Partner sections' })
    .getByRole('link', { name: 'Tests' })
    .click()
  const suite = await page.locator('#run-spec option', { hasText: title }).getAttribute('value')
  await page.getByLabel('Suite').selectOption(suite!)
  await page.getByLabel('Environment').selectOption('mock')
  await page.getByRole('button', { name: 'Run the suite' }).click()
  await expect(page.getByRole('link', { name: '← All runs' })).toBeVisible()
  await expect(page.getByTestId('run-status')).toHaveText(/failed|passed|incomplete/, {
    timeout: 45_000,
  })
}

/** Opens the first case that failed or needs configuration; returns its URL's run id and seq. */
async function openCaseNotPassed(page: Page) {
  const row = page
    .locator(
      '[data-testid="case-row"][data-verdict="failed"], [data-testid="case-row"][data-verdict="needs_config"]',
    )
    .first()
  await row.getByRole('link').first().click()
  await expect(page).toHaveURL(/\/tests\/runs\/[^/]+\/cases\/\d+/)
  await expect(page.getByRole('heading', { name: 'Assistant' })).toBeVisible()
  const [, partnerId, runId, seq] =
    /\/partner\/([^/]+)\/tests\/runs\/([^/]+)\/cases\/(\d+)/.exec(page.url()) ?? []
  return { partnerId: partnerId!, runId: runId!, seq: seq!, path: new URL(page.url()).pathname }
}

test('a partner asks why its case fails and watches a grounded answer stream in, citing the case', async ({
  page,
  request,
  browser,
}) => {
  const title = `Widget API ${Date.now().toString(36)}`
  await vendorSharesWidgetSpec(browser, title)
  await signInAsGlobex(page)
  await runSuiteOnMock(page, title)
  const { runId, seq, path } = await openCaseNotPassed(page)

  // A longer answer than the canned one, citing this case: it streams in many pieces.
  const words = Array.from({ length: 30 }, (_, index) => `step${index + 1}`).join(' ')
  const answer = `This case did not pass because the request was not what the spec expects [case:${runId}:${seq}]. Walk through it: ${words}. Then run the case again [case:${runId}:${seq}].`
  // 40 ms between pieces: the stream lasts long enough to be seen partial on a busy machine.
  await request.post(`${E2E_OPENAI_URL}/__control`, { data: { mode: 'ok', answer, chunkMs: 40 } })
  try {
    const panel = page.locator('#assistant')
    await expect(panel.getByRole('radio', { name: 'Troubleshoot this failure' })).toBeChecked()
    await expect(panel.getByLabel('Your question')).toHaveValue(/Why does this case fail/)
    // Draft annotations are the API team's: not offered to a partner.
    await expect(panel.getByText('Draft an annotation')).toHaveCount(0)

    // Notes whether a partial answer was ever on screen before the whole one.
    await page.evaluate(() => {
      const seen = window as unknown as { sawPartial: boolean }
      seen.sawPartial = false
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="assistant-streaming"]')) seen.sawPartial = true
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    const streamed = page.waitForResponse((response) =>
      response.url().endsWith('/assistant/stream'),
    )
    await panel.getByRole('button', { name: 'Ask' }).click()
    const response = await streamed
    expect(response.headers()['content-type']).toMatch(/^text\/event-stream/)

    const reply = panel.getByTestId('assistant-answer').last()
    await expect(reply).toContainText('step30')
    await expect(reply.getByTestId('answer-source')).toHaveText('Model')
    const caseLink = reply.locator(`a[href="${path}"]`)
    await expect(caseLink.first()).toBeVisible()
    // Markers are links, never raw text.
    await expect(reply).not.toContainText(`[case:${runId}`)
    expect(
      await page.evaluate(() => (window as unknown as { sawPartial: boolean }).sawPartial),
    ).toBe(true)
    await expect(panel.getByRole('button', { name: 'Ask' })).toBeVisible()
    await panel.screenshot({ path: 'tests/.tmp/screens/assistant-panel.png' })
    await page.screenshot({ path: 'tests/.tmp/screens/assistant-case.png', fullPage: true })

    // The conversation is kept: after a reload it is still there, and its link opens the case.
    await page.reload()
    const kept = page.locator('#assistant').getByTestId('assistant-answer').last()
    await expect(kept).toContainText('step30')
    await kept.locator(`a[href="${path}"]`).first().click()
    await expect(page).toHaveURL(new RegExp(`${path}$`))

    // The dashboard's panel asks what is next.
    await page
      .getByRole('navigation', { name: 'Partner sections' })
      .getByRole('link', { name: 'Dashboard' })
      .click()
    await expect(page.locator('#assistant').getByLabel('Your question')).toHaveValue(/next/)
    await page.locator('#assistant').screenshot({
      path: 'tests/.tmp/screens/assistant-dashboard-panel.png',
    })
  } finally {
    await request.post(`${E2E_OPENAI_URL}/__reset`)
  }
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the answer arrives whole after the form post, in the panel of the case', async ({
    page,
    browser,
  }) => {
    const title = `Widget API ${Date.now().toString(36)}`
    await vendorSharesWidgetSpec(browser, title)
    await signInAsGlobex(page)
    await runSuiteOnMock(page, title)
    const { runId, path } = await openCaseNotPassed(page)
    const panel = page.locator('#assistant')
    await panel.getByLabel('Your question').fill('Why does this fail, without JavaScript?')
    await panel.getByRole('button', { name: 'Ask' }).click()
    await expect(page).toHaveURL(new RegExp(`${path}#assistant$`))
    await expect(panel.getByText('Why does this fail, without JavaScript?')).toBeVisible()
    const reply = panel.getByTestId('assistant-answer').last()
    await expect(reply).toBeVisible()
    await expect(reply).not.toContainText(`[case:${runId}`)
    await expect(reply.getByTestId('answer-source')).toHaveText(/Model|Built-in troubleshooter/)
    await page.screenshot({ path: 'tests/.tmp/screens/assistant-case-nojs.png', fullPage: true })

    // The API team sees the question on its usage page, counted for Globex.
    await signOut(page)
    await signIn(page, 'vendor@acme.test')
    await page.getByRole('link', { name: /Acme Payments API/ }).click()
    await page
      .getByRole('navigation', { name: 'Project sections' })
      .getByRole('link', { name: 'Partners' })
      .click()
    await page.getByRole('link', { name: 'Assistant usage' }).click()
    await expect(page.getByRole('heading', { name: 'Assistant usage' })).toBeVisible()
    const globex = page.getByTestId('usage-totals').getByRole('row', { name: /Globex/ })
    await expect(globex.getByRole('cell').nth(1)).not.toHaveText('0')
    await expect(page.getByTestId('usage-calls')).toContainText('Troubleshoot this failure')
    await page.screenshot({ path: 'tests/.tmp/screens/assistant-usage.png', fullPage: true })
  })
})
