/**
 * Where a playground request goes and with which credential, as the test
 * runner decides it: a mock on its own port (the public mock URL in snippets),
 * a Sandbox or UAT at its base URL with the spec's base path; the partner's own
 * credential for the environment, else the environment's, else (a mock) the
 * one the mock accepts. The credential stays here: pages and snippets get a
 * placeholder naming where it goes.
 */
import type { EnvironmentAuth } from '~/shared/environment-schemas'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import type { EnvironmentChoice } from '~/shared/playground'
import { db } from '../db.server'
import { mockEnvironment, partnerAuth, readAuth, readOptions } from '../environments/service.server'
import { notFound } from '../http.server'
import { mockUrls } from '../mocks/service.server'
import { mockCredentials, withBasePath } from '../testkit/runner.server'
import type { PlaygroundScope } from './scope.server'
import type { SnippetCredential } from './snippets.server'

export type PlaygroundTarget = {
  /** Null until a mock is first used as an environment (the loader does not create it). */
  environmentId: string | null
  label: string
  /** Where the server sends, or why it cannot (a mock that is not running). */
  sendBase: string | null
  unavailable: string | null
  /** The base URL snippets show (the public mock URL for a mock). */
  publicBase: string | null
  /** One of the project's mocks (a partner's requests to it are attributed to the partner). */
  mock: boolean
  allowPrivate: boolean
  timeoutMs: number
  auth: EnvironmentAuth | null
}

/** `Bearer` tokens and OAuth2 travel in Authorization; an API key where it is configured. */
export function snippetCredential(auth: EnvironmentAuth | null): SnippetCredential | null {
  if (!auth) return null
  switch (auth.type) {
    case 'bearer':
    case 'oauth2':
      return { in: 'header', name: 'Authorization', prefix: 'Bearer ', variable: 'API_TOKEN' }
    case 'basic':
      return { in: 'header', name: 'Authorization', prefix: 'Basic ', variable: 'BASIC_AUTH' }
    case 'apiKey': {
      if (auth.in === 'query')
        return { in: 'query', name: auth.name, variable: variableName(auth.name) }
      // A cookie credential (`name=value`): the cookie's name stays, its value is the placeholder.
      const prefix = auth.name.toLowerCase() === 'cookie' ? auth.value.split('=')[0]! + '=' : ''
      return {
        in: 'header',
        name: auth.name,
        prefix,
        variable: prefix ? variableName(prefix.slice(0, -1)) : variableName(auth.name),
      }
    }
  }
}

/** `x-api-key` -> `X_API_KEY`. */
function variableName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase()
  return /^[A-Z]/.test(cleaned) ? cleaned : `API_${cleaned || 'KEY'}`
}

/** Header names the user may not type: the credential's and the spec's API key headers. */
export function credentialHeaderNames(
  spec: NormalizedSpec,
  auth: EnvironmentAuth | null,
): Set<string> {
  const names = new Set<string>()
  for (const scheme of Object.values(spec.securitySchemes))
    if (scheme.kind === 'apiKey' && scheme.in === 'header' && scheme.parameterName)
      names.add(scheme.parameterName.toLowerCase())
  if (auth?.type === 'apiKey' && auth.in === 'header') names.add(auth.name.toLowerCase())
  return names
}

/**
 * The target of `choice` (already checked against the scope). `ensureEnvironment`
 * creates a mock's environment row on first use (actions only: a GET does not write).
 */
export async function resolveTarget(
  scope: PlaygroundScope,
  choice: EnvironmentChoice,
  spec: NormalizedSpec,
  appOrigin: string,
  { ensureEnvironment = false }: { ensureEnvironment?: boolean } = {},
): Promise<PlaygroundTarget> {
  const basePath = spec.servers[0]?.basePath ?? ''
  if (choice.kind === 'mock') {
    let environment = choice.value.startsWith('mock:')
      ? null
      : await db.environment.findFirst({ where: { id: choice.value, projectId: scope.projectId } })
    const mockId = environment?.mockId ?? choice.value.slice('mock:'.length)
    const mock = await db.mock.findFirst({ where: { id: mockId, projectId: scope.projectId } })
    if (!mock) throw notFound('That mock does not exist in this project.')
    if (!environment && ensureEnvironment)
      environment = await mockEnvironment(scope.projectId, mock.id)
    const urls = mockUrls(mock, appOrigin)
    const auth =
      (environment && (await partnerAuth(environment.id, scope.partnerProjectId))) ??
      readAuth(environment?.auth ?? null) ??
      mockCredentials(spec, mock.config).auth
    return {
      environmentId: environment?.id ?? null,
      label: choice.label,
      sendBase: mock.status === 'up' && urls.baseUrl ? `${urls.baseUrl}${basePath}` : null,
      unavailable:
        mock.status === 'up' && urls.baseUrl
          ? null
          : `The mock is ${mock.status}: it must be running to answer.`,
      publicBase: `${urls.proxyUrl}${basePath}`,
      mock: true,
      allowPrivate: true,
      timeoutMs: environment ? readOptions(environment).resolved.timeoutMs : 5_000,
      auth,
    }
  }
  const environment = await db.environment.findFirst({
    where: { id: choice.value, projectId: scope.projectId },
  })
  if (!environment) throw notFound('That environment is not available here.')
  let base: string | null = null
  try {
    base = environment.baseUrl ? withBasePath(environment.baseUrl, spec) : null
  } catch {
    base = null
  }
  // A partner acts on the vendor's Sandbox / UAT with its own credentials only, never the vendor's.
  const own = await partnerAuth(environment.id, scope.partnerProjectId)
  const auth = scope.partnerProjectId ? own : readAuth(environment.auth)
  const missing =
    scope.partnerProjectId && !own && environment.auth
      ? `Set your own credentials for ${environment.name} on your Tests page first: the API team’s are not used for you.`
      : null
  return {
    environmentId: environment.id,
    label: choice.label,
    sendBase: missing ? null : base,
    unavailable: missing ?? (base ? null : 'The environment has no valid base URL.'),
    publicBase: base,
    mock: false,
    allowPrivate: environment.allowPrivateNetwork,
    timeoutMs: readOptions(environment).resolved.timeoutMs,
    auth,
  }
}
