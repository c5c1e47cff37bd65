/**
 * A partner project's own settings for the tests: its credentials for an
 * environment (sealed) and its test variables. The vendor sets them on the
 * environment's page, the partner on its Tests page; both post the same forms
 * (app/components/tests/partner-settings-forms.tsx) and land here.
 */
import { parseWithZod } from '@conform-to/zod/v4'
import { parseVariableLines, PartnerAuthFormSchema } from '~/shared/environment-schemas'
import type { Actor } from '../audit/log.server'
import { db } from '../db.server'
import {
  maskedVariables,
  readTestConfig,
  setPartnerAuth,
  setPartnerTestConfig,
  type TestVariable,
} from './service.server'

export type PartnerSettingsResult = { ok: true; message: string } | { ok: false; error: string }

/** The partner's variables as the forms show them: plain ones in full, secret ones masked. */
export function partnerVariablesView(testConfig: string) {
  const variables = readTestConfig(testConfig)
  return {
    plain: variables
      .filter((variable) => !variable.secret)
      .map((variable) => `${variable.name}=${variable.value}`)
      .join('\n'),
    secrets: maskedVariables(variables.filter((variable) => variable.secret)),
  }
}

/** The project's partners as the environment page shows them: own credentials set or not, their variables. */
export async function partnersOfEnvironment(projectId: string, environmentId: string) {
  const partners = await db.partnerProject.findMany({
    where: { projectId },
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      testConfig: true,
      credentials: { where: { environmentId }, select: { id: true } },
    },
  })
  return partners.map((partner) => ({
    id: partner.id,
    name: partner.name,
    hasCredentials: partner.credentials.length > 0,
    ...partnerVariablesView(partner.testConfig),
  }))
}

/** intent=partner-auth: the partner's credentials for one environment, or their removal. */
export async function savePartnerCredentials(
  projectId: string,
  environmentId: string,
  formData: FormData,
  actor: Actor,
): Promise<PartnerSettingsResult> {
  const submission = parseWithZod(formData, { schema: PartnerAuthFormSchema })
  if (submission.status !== 'success')
    return {
      ok: false,
      error:
        Object.values(submission.error ?? {})
          .flat()
          .join(' ') || 'Check the partner credentials.',
    }
  const value = submission.value
  const auth =
    value.authType === 'none'
      ? null
      : value.authType === 'bearer'
        ? { type: 'bearer' as const, token: value.bearerToken! }
        : value.authType === 'apiKey'
          ? {
              type: 'apiKey' as const,
              in: value.apiKeyIn ?? ('header' as const),
              name: value.apiKeyName!,
              value: value.apiKeyValue!,
            }
          : {
              type: 'basic' as const,
              username: value.basicUsername!,
              password: value.basicPassword!,
            }
  await setPartnerAuth(projectId, environmentId, value.partnerProjectId, auth, actor)
  return {
    ok: true,
    message: auth ? 'Credentials saved (sealed).' : 'Credentials removed.',
  }
}

/** intent=partner-variables: secret variables not named again are kept; `name=` removes one. */
export async function savePartnerVariables(
  projectId: string,
  formData: FormData,
  actor: Actor,
): Promise<PartnerSettingsResult> {
  const partnerProjectId = String(formData.get('partnerProjectId') ?? '')
  const partner = await db.partnerProject.findFirst({ where: { id: partnerProjectId, projectId } })
  if (!partner) return { ok: false, error: 'Choose a partner of this project.' }
  const plain = parseVariableLines(String(formData.get('plain') ?? ''))
  const secrets = parseVariableLines(String(formData.get('secrets') ?? ''))
  const errors = [...plain.errors, ...secrets.errors]
  if (errors.length) return { ok: false, error: errors.join(' ') }
  const current = readTestConfig(partner.testConfig).filter((variable) => variable.secret)
  const kept = current.filter((variable) => !(variable.name in secrets.variables))
  const next: TestVariable[] = [
    ...Object.entries(plain.variables).map(([name, value]) => ({ name, value, secret: false })),
    ...kept.filter((variable) => !(variable.name in plain.variables)),
    ...Object.entries(secrets.variables)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => ({ name, value, secret: true })),
  ]
  await setPartnerTestConfig(projectId, partner.id, next, actor)
  return { ok: true, message: `Test variables of ${partner.name} saved.` }
}
