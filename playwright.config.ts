import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'

/** One free port per run and name, shared with the workers through the environment. */
function freePort(name = 'E2E_PORT'): string {
  return (process.env[name] ??= execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString())
}

const port = freePort()
/** The local OpenAI-compatible server the assistant talks to (tests/support/openai-server.ts). */
const openaiPort = freePort('E2E_OPENAI_PORT')
export const E2E_OPENAI_URL = `http://127.0.0.1:${openaiPort}`
/** The in-process OpenID Connect provider the SSO journey signs in at (tests/support/oidc-provider.ts). */
const oidcPort = freePort('E2E_OIDC_PORT')
export const E2E_OIDC_ISSUER = `http://127.0.0.1:${oidcPort}`
/** The organisation the SSO journey creates; its slug (and retries' -2, -3) is in the callback URL. */
export const E2E_SSO_ORG_SLUG = 'sso-journey-co'
const dataDir = path.resolve(`tests/.tmp/e2e-${port}`)
export const E2E_BASE_URL = `http://localhost:${port}`
export const E2E_TRACE_SECRET = 'tsk_e2e_globex_trace_secret_0123456789'

export default defineConfig({
  // Journeys (tests/e2e) and the attack replays (tests/security) run against the same production build.
  testDir: 'tests',
  testMatch: /(e2e|security)\/.*\.spec\.ts$/,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: [
    {
      // The assistant's model: canned, streamed answers that cite the first fact they were given.
      command: `node --import tsx tests/support/openai-server.ts --port ${openaiPort}`,
      url: `${E2E_OPENAI_URL}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'pipe',
    },
    {
      // Single sign-on: a real OpenID Connect provider with one client for the app's callback.
      command: `node --import tsx tests/support/oidc-provider.ts`,
      url: `${E2E_OIDC_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'pipe',
      env: {
        OIDC_PORT: oidcPort,
        OIDC_CLIENT_ID: 'copilot-e2e',
        OIDC_CLIENT_SECRET: 'e2e-secret',
        OIDC_REDIRECT_URIS: ['', '-2', '-3']
          .map((suffix) => `http://localhost:${port}/sso/${E2E_SSO_ORG_SLUG}${suffix}/callback`)
          .join(','),
      },
    },
    {
      // The production build against a fresh database, with msw standing in for GitHub.
      command: `rm -rf ${dataDir} && node --import tsx other/migrate.ts deploy && node --import tsx prisma/seed.ts && node server-build/index.js`,
      url: `${E2E_BASE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      env: {
        NODE_ENV: 'production',
        PORT: port,
        DATABASE_URL: `file:${dataDir}/app.db`,
        DATA_DIR: dataDir,
        SESSION_SECRET: 'e2e-session-secret-0123456789abcdef',
        SECRETS_KEY: 'a'.repeat(64),
        MOCKS: 'true',
        // The mocks' own origin: same server, another host name than the app's localhost.
        MOCK_PUBLIC_URL: `http://127.0.0.1:${port}`,
        GITHUB_CLIENT_ID: 'e2e-client',
        GITHUB_CLIENT_SECRET: 'e2e-secret',
        INSECURE_COOKIES: '1',
        LOGIN_RATE_LIMIT: '50',
        MOCK_PORT_RANGE: `${Number(port) + 1}-${Number(port) + 40}`,
        // Globex's trace secret, so the journeys can sign traces as the README shows.
        DEMO_TRACE_SECRET: E2E_TRACE_SECRET,
        OPENAI_BASE_URL: `${E2E_OPENAI_URL}/v1`,
        OPENAI_API_KEY: 'e2e-openai-key',
        OPENAI_MODEL: 'e2e-model',
        // The journeys' receivers (a Slack channel stand-in) listen on loopback.
        OUTBOUND_ALLOW_PRIVATE: 'true',
      },
    },
  ],
})
