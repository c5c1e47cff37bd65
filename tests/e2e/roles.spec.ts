import { expect, test } from '@playwright/test'
import { signIn, signOut } from './fixtures'

test('a viewer reads but cannot write; another organisation gets a 404', async ({ page }) => {
  await signIn(page, 'viewer@acme.test')
  await expect(page.getByRole('heading', { name: 'New project' })).toHaveCount(0)
  await page.getByRole('link', { name: /Acme Payments API/ }).click()
  await expect(page.getByRole('heading', { name: 'Acme Payments API', level: 1 })).toBeVisible()
  const projectUrl = page.url()
  await page
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Settings' })
    .click()
  await expect(
    page.getByText('Only owners and admins can change this project’s settings.'),
  ).toBeVisible()
  await signOut(page)

  await signIn(page, 'owner@initech.test')
  const response = await page.goto(projectUrl)
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible()
})

test('after a wrong password, the corrected one signs in (JavaScript on)', async ({ page }) => {
  await page.goto('/login')
  await page.getByLabel('Email').fill('vendor@acme.test')
  await page.getByLabel('Password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible()
})
