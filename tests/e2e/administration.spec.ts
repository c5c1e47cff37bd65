/**
 * Administration (#14): an owner connects the organisation to an OpenID Connect provider (a real
 * oidc-provider, started by playwright.config.ts) and a member signs in through it; the owner
 * creates a custom role and gives it to the member on one project; the audit trail shows both
 * changes and exports them. Then the same administration without JavaScript.
 */
import fs from 'node:fs/promises'
import { expect, test, type Page } from '@playwright/test'
import { E2E_OIDC_ISSUER } from '../../playwright.config'
import { signOut, uniqueEmail } from './fixtures'

const OWNER_PASSWORD = 'a-long-password'

/** Signs up a new owner with a project; returns the owner's email and the project's URL. */
async function signUpOwner(page: Page, organisation: string, project: string) {
  const email = uniqueEmail('owner')
  await page.goto('/signup')
  await page.getByLabel('Your name').fill('Sam Owner')
  await page.getByLabel('Work email').fill(email)
  await page.getByLabel('Password').fill(OWNER_PASSWORD)
  await page.getByLabel('Organisation name').fill(organisation)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByRole('heading', { name: 'No projects yet' })).toBeVisible()
  await page.getByLabel('Project name').fill(project)
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('heading', { name: project, level: 1 })).toBeVisible()
  return { email, projectUrl: new URL(page.url()).pathname.replace(/\/[^/]+$/, '') }
}

async function signInWithPassword(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(OWNER_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible()
}

async function openSettings(page: Page, tab: string) {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click()
  await page
    .getByRole('navigation', { name: 'Settings sections' })
    .getByRole('link', { name: tab })
    .click()
}

async function createRole(page: Page, name: string) {
  await openSettings(page, 'Roles')
  await page.getByLabel('Name', { exact: true }).fill(name)
  await page.getByRole('checkbox', { name: /Read projects/ }).check()
  await page.getByRole('checkbox', { name: /Work on projects/ }).check()
  await page.getByRole('button', { name: 'Create role' }).click()
  await expect(page.getByRole('row', { name: new RegExp(name) })).toBeVisible()
}

async function assignProjectRole(page: Page, projectUrl: string, member: string, role: string) {
  await page.goto(`${projectUrl}/settings`)
  await page.getByRole('link', { name: 'Manage project roles' }).click()
  await page
    .getByLabel(`Role of ${member} on this project`)
    .selectOption({ label: `${role} (custom)` })
  await page.getByRole('button', { name: `Save role of ${member}` }).click()
  await expect(
    page.getByRole('button', { name: `Use organisation role for ${member}` }),
  ).toBeVisible()
}

test('an owner sets up OIDC single sign-on and a custom project role; the audit trail shows and exports both', async ({
  page,
}) => {
  const owner = await signUpOwner(page, 'SSO Journey Co', 'Ledger API')

  await openSettings(page, 'Single sign-on')
  await page.getByLabel('Discovery URL').fill(E2E_OIDC_ISSUER)
  await page.getByLabel('Client id').fill('copilot-e2e')
  await page.getByLabel('Client secret').fill('e2e-secret')
  await page.getByRole('button', { name: 'Test connection' }).click()
  await expect(page.getByText('Discovery document OK.')).toBeVisible()
  await page.getByLabel('Client secret').fill('e2e-secret')
  await page.getByLabel('Allowed email domains').fill('sso.test')
  await page.getByLabel('Role of new members').selectOption('VIEWER')
  await page.getByRole('button', { name: 'Save connection' }).click()
  await expect(page.getByText(/Stored: /)).toBeVisible()
  await page.screenshot({ path: 'test-results/settings-sso.png', fullPage: true })
  await createRole(page, 'Ledger reviewer')
  await signOut(page)

  // The member signs in through the identity provider and joins as a viewer.
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click()
  await page.getByLabel('Work email or organisation slug').fill('member@sso.test')
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.locator('input[name="login"]').fill('member@sso.test')
  await page.locator('input[name="password"]').fill('any-password')
  await page.locator('button[type="submit"]').click()
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible()
  await page.getByRole('link', { name: /Ledger API/ }).click()
  await expect(page.getByText('Your role: viewer')).toBeVisible()
  await signOut(page)

  // The owner gives the member the custom role on this project only.
  await signInWithPassword(page, owner.email)
  await assignProjectRole(page, owner.projectUrl, 'Member Example', 'Ledger reviewer')
  await page.screenshot({ path: 'test-results/project-access.png', fullPage: true })

  // The audit trail shows both changes, verifies, and exports them.
  await openSettings(page, 'Audit trail')
  await expect(page.getByRole('cell', { name: 'sso.configured' })).toBeVisible()
  await expect(page.getByRole('cell', { name: 'role.created' })).toBeVisible()
  await expect(page.getByRole('cell', { name: 'project_role.assigned' })).toBeVisible()
  await expect(page.getByRole('cell', { name: 'auth.signed_in' }).first()).toBeVisible()
  await page.getByRole('button', { name: 'Verify chain' }).click()
  await expect(page.getByText(/Chain intact/)).toBeVisible()
  await page.screenshot({ path: 'test-results/settings-audit.png', fullPage: true })
  for (const format of ['CSV', 'JSON'] as const) {
    const downloading = page.waitForEvent('download')
    await page.getByRole('link', { name: `Export ${format}` }).click()
    const download = await downloading
    const body = await fs.readFile((await download.path())!, 'utf8')
    for (const action of ['sso.configured', 'role.created', 'project_role.assigned'])
      expect(body).toContain(action)
    if (format === 'JSON') {
      const entries = JSON.parse(body) as { seq: number; hash: string }[]
      expect(entries.every((entry) => /^[0-9a-f]{64}$/.test(entry.hash))).toBe(true)
    }
  }

  // The member now works on that project with the custom role.
  await signOut(page)
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click()
  await page.getByLabel('Work email or organisation slug').fill('member@sso.test')
  await page.getByRole('button', { name: 'Continue' }).click()
  if (await page.locator('input[name="login"]').isVisible()) {
    await page.locator('input[name="login"]').fill('member@sso.test')
    await page.locator('input[name="password"]').fill('any-password')
    await page.locator('button[type="submit"]').click()
  }
  await page.getByRole('link', { name: /Ledger API/ }).click()
  await expect(page.getByText('Your role: ledger reviewer on this project')).toBeVisible()
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an owner creates a custom role, assigns it on a project, and filters the audit trail', async ({
    page,
  }) => {
    const owner = await signUpOwner(page, 'No Script Admin Co', 'Billing API')
    // A colleague to give a project role to: invited, then signed up through the invitation.
    await openSettings(page, 'Members')
    const colleague = uniqueEmail('colleague')
    await page.getByLabel('Email').fill(colleague)
    await page.getByLabel('Role', { exact: true }).selectOption('VIEWER')
    await page.getByRole('button', { name: 'Send invite' }).click()
    const inviteLink = await page.getByTestId('invite-link').inputValue()
    await signOut(page)
    await page.goto(inviteLink)
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.getByLabel('Your name').fill('Cy Colleague')
    await page.getByLabel('Work email').fill(colleague)
    await page.getByLabel('Password').fill('another-long-password')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('button', { name: 'Accept invitation' }).click()
    await expect(page.getByText('Welcome aboard')).toBeVisible()
    await signOut(page)

    await signInWithPassword(page, owner.email)
    await createRole(page, 'Billing helper')
    await assignProjectRole(page, owner.projectUrl, 'Cy Colleague', 'Billing helper')

    await openSettings(page, 'Audit trail')
    await page.getByLabel('Action', { exact: true }).fill('project_role.')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await expect(page.getByRole('cell', { name: 'project_role.assigned' })).toBeVisible()
    await expect(page.getByRole('cell', { name: 'role.created' })).toHaveCount(0)
    await page.getByRole('button', { name: 'Verify chain' }).click()
    await expect(page.getByText(/Chain intact/)).toBeVisible()
  })
})
