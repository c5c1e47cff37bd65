import { expect, test } from '@playwright/test'

test('sign in with GitHub (msw answers GitHub inside the server)', async ({ page }) => {
  await page.goto('/login')
  await page.getByRole('button', { name: 'Sign in with GitHub' }).click()
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible()
  await expect(page.locator('summary', { hasText: 'Octo Vendor' })).toBeVisible()
  await expect(page.getByRole('combobox', { name: 'Organisation' })).toContainText(
    "Octo Vendor's organisation",
  )
})
