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
