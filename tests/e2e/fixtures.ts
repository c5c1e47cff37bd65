import { expect, type Page } from '@playwright/test'

export const DEMO_PASSWORD = 'demo-password'

export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@e2e.test`
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible()
}

export async function signOut(page: Page) {
  await page.locator('header summary').last().click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
}

/** Signs in and opens a tab of the demo project (Acme Payments API). */
export async function openDemoProjectTab(page: Page, email: string, tab: string) {
  await signIn(page, email)
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: tab })
    .click()
}

/** On a project page: imports `spec` by pasting it and waits for its version page. */
export async function importSpecByPaste(page: Page, spec: string, title: RegExp) {
  const tabs = page.getByRole('navigation', { name: 'Project sections' })
  await tabs.getByRole('link', { name: 'Specs' }).click()
  await page.getByLabel('…or paste the spec').fill(spec)
  await page.getByRole('button', { name: 'Import spec' }).click()
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
}

/** On a project page: opens the Mocks tab and returns the row of `name` once its mock is up, and its public URL. */
export async function mockRow(page: Page, name: RegExp) {
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Mocks' })
    .click()
  const row = page.getByRole('row', { name })
  await expect(row.getByText('up', { exact: true })).toBeVisible()
  return { row, proxyUrl: (await row.getByTestId('proxy-url').textContent())! }
}
