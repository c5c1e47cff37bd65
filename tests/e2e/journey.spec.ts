import { expect, test } from '@playwright/test'
import { signOut, uniqueEmail } from './fixtures'

import { PROJECT_TABS } from '../../app/components/project-tabs'

test('a vendor signs up, creates a project, walks every tab, invites a colleague who accepts', async ({
  page,
}) => {
  const ownerEmail = uniqueEmail('owner')
  await page.goto('/signup')
  await page.getByLabel('Your name').fill('Ola Owner')
  await page.getByLabel('Work email').fill(ownerEmail)
  await page.getByLabel('Password').fill('a-long-password')
  await page.getByLabel('Organisation name').fill('Journey Payments')
  await page.getByRole('button', { name: 'Create account' }).click()

  await expect(page.getByRole('heading', { name: 'No projects yet' })).toBeVisible()
  await page.getByLabel('Project name').fill('Checkout API')
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('heading', { name: 'Checkout API', level: 1 })).toBeVisible()
  await expect(page.getByText('Project “Checkout API” created.')).toBeVisible()

  const tabs = page.getByRole('navigation', { name: 'Project sections' })
  for (const tab of PROJECT_TABS) {
    await tabs.getByRole('link', { name: tab.label }).click()
    await expect(page).toHaveURL(new RegExp(`/${tab.slug}$`))
    await expect(page.getByText(/is not available yet/)).toHaveCount(0)
    if (tab.slug === 'specs')
      await expect(page.getByRole('heading', { name: 'No specs yet' })).toBeVisible()
    if (tab.slug === 'tests')
      await expect(page.getByRole('heading', { name: 'No suite yet' })).toBeVisible()
  }
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible()
  await page.getByLabel('Token name').fill('GitHub Actions')
  await page.getByRole('button', { name: 'Create token' }).click()
  await expect(page.getByTestId('new-token')).toHaveValue(/^ic_/)

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click()
  const inviteeEmail = uniqueEmail('colleague')
  await page.getByLabel('Email').fill(inviteeEmail)
  await page.getByLabel('Role', { exact: true }).selectOption('VIEWER')
  await page.getByRole('button', { name: 'Send invite' }).click()
  const inviteLink = await page.getByTestId('invite-link').inputValue()
  expect(inviteLink).toContain('/invites/')
  await expect(page.getByText(`${inviteeEmail} · Viewer`)).toBeVisible()
  await signOut(page)

  await page.goto(inviteLink)
  await expect(page.getByRole('heading', { name: 'Join Journey Payments' })).toBeVisible()
  await page.getByRole('link', { name: 'Create an account' }).click()
  await page.getByLabel('Your name').fill('Cole League')
  await page.getByLabel('Work email').fill(inviteeEmail)
  await page.getByLabel('Password').fill('another-long-password')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByRole('heading', { name: 'Join Journey Payments' })).toBeVisible()
  await page.getByRole('button', { name: 'Accept invitation' }).click()
  await expect(page.getByText('Welcome aboard')).toBeVisible()
  await expect(page.getByRole('link', { name: /Checkout API/ })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'New project' })).toHaveCount(0)
  await signOut(page)
})
