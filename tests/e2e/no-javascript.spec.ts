import { expect, test } from '@playwright/test'
import { DEMO_PASSWORD } from './fixtures'

test.use({ javaScriptEnabled: false })

test('sign in and create a project with JavaScript disabled', async ({ page }) => {
  await page.goto('/login')
  await page.getByLabel('Email').fill('vendor@acme.test')
  await page.getByLabel('Password').fill('wrong-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.')

  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible()

  await page.getByLabel('Project name').fill('x')
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByText('Use at least 2 characters.')).toBeVisible()

  await page.getByLabel('Project name').fill('No-JS Ledger API')
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('heading', { name: 'No-JS Ledger API', level: 1 })).toBeVisible()
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Plan' })
    .click()
  await expect(page.getByRole('heading', { name: 'No partner yet' })).toBeVisible()
  await page.getByLabel('Company name').fill('Initrode')
  await page.getByRole('button', { name: 'Add partner' }).click()
  await expect(page.getByText('Initrode added, with the default onboarding plan.')).toBeVisible()
  await expect(page.getByTestId('plan-phase')).toHaveCount(5)
})
