/**
 * HTTP entry: Express in front of the Remix request handler. Validates the
 * environment, applies pending migrations on the primary, serves mocks (inert
 * on the app's origin, as they are on the mocks' own origin), works out the
 * client address, sets security headers and the CSP nonce, refuses cross-site
 * form posts and unknown methods, serves static assets, and (MOCKS=true) loads
 * the msw handlers that stand in for fixed third-party endpoints such as GitHub.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import { broadcastDevReady, type ServerBuild } from '@remix-run/node'
import express from 'express'
import { getEnv, mockPublicHost } from './app/server/env.server.ts'
import { CLIENT_ADDRESS_HEADER } from './app/server/http.server.ts'
import { getJobPool } from './app/server/jobs/pool.server.ts'
import { getInstance } from './app/server/litefs.server.ts'
import { mockGateway } from './app/server/mocks/proxy.server.ts'
import { getSupervisor } from './app/server/mocks/supervisor.server.ts'
import {
  APP_METHODS,
  checkSameOrigin,
  clientAddress,
  isAppMethod,
  parseTrustProxy,
  securityHeaders,
} from './app/server/web-security.server.ts'
import { deployMigrations } from './other/migrate-engine.ts'

const production = process.env.NODE_ENV === 'production'
const BUILD_PATH = path.resolve('build/index.js')

async function importBuild(): Promise<ServerBuild> {
  const url = pathToFileURL(BUILD_PATH).href
  return (await import(production ? url : `${url}?t=${Date.now()}`)) as ServerBuild
}

async function applyMigrations() {
  const instance = await getInstance()
  if (!instance.currentIsPrimary) {
    console.log(`[migrate] replica of ${instance.primaryInstance}: migrations run on the primary`)
    return
  }
  const applied = await deployMigrations({ databaseUrl: getEnv().DATABASE_URL })
  console.log(
    applied.length ? `[migrate] applied ${applied.join(', ')}` : '[migrate] database is up to date',
  )
}

async function startMocks() {
  if (!getEnv().MOCKS) return
  // Kept out of the server bundle: msw is a devDependency (see other/build-server.ts).
  const modulePath = production ? './mocks.js' : './tests/mocks/index.ts'
  const { startMockServer } = (await import(new URL(modulePath, import.meta.url).href)) as {
    startMockServer: () => unknown
  }
  startMockServer()
  console.log('[mocks] msw handlers loaded for GitHub')
}

function createApp(getBuild: () => ServerBuild) {
  const env = getEnv()
  const trust = parseTrustProxy(env.TRUST_PROXY)
  const app = express()
  app.disable('x-powered-by')
  // req.protocol (for the CSRF origin check) believes X-Forwarded-Proto only from a trusted proxy.
  app.set('trust proxy', trust.kind === 'none' ? false : trust.kind === 'fly' ? 1 : trust.hops)

  app.use((req, res, next) => {
    // Only this line sets the client address; whatever a client sent under that name is replaced.
    req.headers[CLIENT_ADDRESS_HEADER] = clientAddress({
      socketAddress: req.socket.remoteAddress,
      headers: req.headers,
      trust,
    })
    const nonce = crypto.randomBytes(16).toString('base64')
    res.locals.cspNonce = nonce
    res.set(securityHeaders({ nonce, production }))
    if (!isAppMethod(req.method)) {
      res.status(405).set('Allow', APP_METHODS.join(', ')).type('text/plain')
      res.send(`${req.method} is not a method this site answers.`)
      return
    }
    next()
  })

  app.use((req, res, next) => {
    const refusal = checkSameOrigin({
      method: req.method,
      pathname: req.url,
      host: req.get('host'),
      protocol: req.protocol === 'https' ? 'https' : 'http',
      origin: req.get('origin'),
      referer: req.get('referer'),
      appUrl: env.APP_URL,
    })
    if (refusal) {
      res.status(403).type('text/plain').send(refusal)
      return
    }
    next()
  })

  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
  app.use(express.static('public', { maxAge: '1h' }))

  let handledBuild: ServerBuild | undefined
  let handler: express.RequestHandler | undefined
  app.all('*', (req, res, next) => {
    const build = getBuild()
    if (build !== handledBuild || !handler) {
      handledBuild = build
      handler = createRequestHandler({
        build,
        mode: production ? 'production' : 'development',
        getLoadContext: (_req, response) => ({ cspNonce: response.locals.cspNonce as string }),
      })
    }
    return handler(req, res, next)
  })
  return app
}

async function main() {
  // Everything this process creates (database, secrets, files) is the server user's only.
  process.umask(0o077)
  const env = getEnv() // validated at boot: a typo stops the start with a message naming it
  await applyMigrations()
  await startMocks()
  // Mock processes and job workers write to the database: they run on the primary only.
  if ((await getInstance()).currentIsPrimary) {
    await getSupervisor().boot()
    await getJobPool().boot()
  }
  let build = await importBuild()
  if (!production) {
    broadcastDevReady(build)
    let reloading: NodeJS.Timeout | undefined
    fs.watch(path.dirname(BUILD_PATH), () => {
      clearTimeout(reloading)
      reloading = setTimeout(async () => {
        build = await importBuild()
        broadcastDevReady(build)
      }, 100)
    })
  }
  const app = createApp(() => build)
  // Mocks first, before Express: they are APIs, not pages (no nonce, no CSRF check, no
  // middleware on their hot path), and on the app's origin their answers are made inert
  // (docs/decisions/009, 015).
  const gateway = mockGateway(mockPublicHost(getEnv()))
  const server = http
    .createServer((req, res) => gateway(req, res, () => app(req, res)))
    .listen(env.PORT, () => {
      console.log(`Integration Copilot listening on http://localhost:${env.PORT}`)
      if (env.MOCK_PUBLIC_URL) console.log(`Mocks served at ${env.MOCK_PUBLIC_URL}/mock/<mockId>`)
    })
  const shutdown = () => {
    void Promise.all([getSupervisor().shutdown(), getJobPool().shutdown()]).finally(() =>
      server.close(() => process.exit(0)),
    )
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
