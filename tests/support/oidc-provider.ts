/**
 * A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1, for the SSO tests and
 * as a Playwright webServer. Its login and consent pages are oidc-provider's development
 * interactions: any password is accepted for a listed account's login; consent is
 * granted at once (a first-party app), so a browser sees one sign-in form.
 *
 * As a script:  npx tsx tests/support/oidc-provider.ts
 *   OIDC_PORT           port (default 5555); issuer http://127.0.0.1:<port>
 *   OIDC_CLIENT_ID      default copilot-e2e
 *   OIDC_CLIENT_SECRET  default e2e-secret
 *   OIDC_REDIRECT_URIS  comma list (default http://localhost:3000/sso/acme/callback)
 * Accounts: member@sso.test (verified), unverified@sso.test (email_verified false),
 * outsider@elsewhere.test (verified, another domain). Test only: development keys, no TLS.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'

export type TestClient = {
  clientId: string
  clientSecret: string
  redirectUris: string[]
}

export type TestAccount = {
  /** What is typed in the login form; also the subject (sub). Defaults to the email. */
  login?: string
  email: string
  emailVerified?: boolean
  name?: string
}

export type RunningProvider = {
  issuer: string
  port: number
  close: () => Promise<void>
}

export const DEFAULT_ACCOUNTS: TestAccount[] = [
  { email: 'member@sso.test', name: 'Member Example' },
  { email: 'unverified@sso.test', emailVerified: false, name: 'Unverified Example' },
  { email: 'outsider@elsewhere.test', name: 'Outsider Example' },
]

type ProviderInstance = {
  callback: () => http.RequestListener
  Grant: new (input: { accountId: string; clientId: string }) => {
    addOIDCScope: (scope: string) => void
    addOIDCClaims: (claims: string[]) => void
    save: () => Promise<string>
  }
  on: (event: string, listener: (...args: unknown[]) => void) => void
}

export async function startOidcProvider({
  port = 0,
  clients,
  accounts = DEFAULT_ACCOUNTS,
}: {
  port?: number
  clients: TestClient[]
  accounts?: TestAccount[]
}): Promise<RunningProvider> {
  // Typed loosely: oidc-provider ships no type declarations.
  const moduleName = 'oidc-provider'
  const { default: Provider } = (await import(moduleName)) as {
    default: new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance
  }
  const server = http.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const actualPort = (server.address() as AddressInfo).port
  const issuer = `http://127.0.0.1:${actualPort}`
  const byLogin = new Map(accounts.map((account) => [account.login ?? account.email, account]))

  const provider = new Provider(issuer, {
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    async findAccount(_ctx: unknown, id: string) {
      const account = byLogin.get(id)
      if (!account) return undefined
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: account.email,
            email_verified: account.emailVerified ?? true,
            name: account.name ?? account.email,
          }
        },
      }
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['test-only-oidc-provider-cookie-key'] },
    // First-party test client: consent is granted without a second page.
    async loadExistingGrant(ctx: {
      oidc: {
        client: { clientId: string }
        session: { accountId: string }
        result?: { consent?: { grantId?: string } }
        provider: ProviderInstance & { Grant: { find: (id: string) => Promise<unknown> } }
      }
    }) {
      const grantId = ctx.oidc.result?.consent?.grantId
      if (grantId) return ctx.oidc.provider.Grant.find(grantId)
      const grant = new ctx.oidc.provider.Grant({
        accountId: ctx.oidc.session.accountId,
        clientId: ctx.oidc.client.clientId,
      })
      grant.addOIDCScope('openid email profile')
      grant.addOIDCClaims(['email', 'email_verified', 'name'])
      await grant.save()
      return grant
    },
    renderError(ctx: { type: string; body: string }, out: Record<string, string>) {
      ctx.type = 'html'
      ctx.body = `<!doctype html><title>OIDC error</title><pre>${Object.entries(out)
        .map(([key, value]) => `${key}: ${String(value).replace(/[<>&]/g, '')}`)
        .join('\n')}</pre>`
    },
  })
  server.on('request', provider.callback())
  return {
    issuer,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Drives the provider's development login like a browser would: follows the authorization
 * URL to the login form, submits the account's login (any password), and returns the URL the
 * provider finally redirects to (the app's callback, with code, state and iss).
 */
export async function signInAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const jar = new Map<string, string>()
  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const index = pair!.indexOf('=')
      jar.set(pair!.slice(0, index), pair!.slice(index + 1))
    }
  }
  const cookieHeader = () => [...jar].map(([key, value]) => `${key}=${value}`).join('; ')
  let url = new URL(authorizationUrl)
  let method = 'GET'
  let body: string | undefined
  for (let hop = 0; hop < 12; hop++) {
    if (url.origin !== new URL(authorizationUrl).origin) return url
    const response = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: {
        cookie: cookieHeader(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    })
    remember(response)
    const location = response.headers.get('location')
    if (location) {
      url = new URL(location, url)
      method = 'GET'
      body = undefined
      continue
    }
    const html = await response.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    if (response.status !== 200 || !action || !html.includes('name="login"'))
      throw new Error(
        `The provider did not show its login form (HTTP ${response.status}): ${html.slice(0, 300)}`,
      )
    url = new URL(action.replace(/&amp;/g, '&'), url)
    method = 'POST'
    body = new URLSearchParams({ prompt: 'login', login, password: 'any-password' }).toString()
  }
  throw new Error('Too many redirects at the provider.')
}

// As a script (Playwright's webServer): one client from the environment.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.env.NODE_ENV === 'production') process.env.NODE_ENV = 'development'
  const port = Number(process.env.OIDC_PORT ?? 5555)
  const running = await startOidcProvider({
    port,
    clients: [
      {
        clientId: process.env.OIDC_CLIENT_ID ?? 'copilot-e2e',
        clientSecret: process.env.OIDC_CLIENT_SECRET ?? 'e2e-secret',
        redirectUris: (process.env.OIDC_REDIRECT_URIS ?? 'http://localhost:3000/sso/acme/callback')
          .split(',')
          .map((uri) => uri.trim())
          .filter(Boolean),
      },
    ],
  })
  console.log(
    `[oidc-provider] test provider at ${running.issuer} (discovery: ${running.issuer}/.well-known/openid-configuration)`,
  )
  const stop = () => void running.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
