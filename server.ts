/**
 * HTTP entry: Express in front of the Remix request handler. Applies pending
 * migrations on the primary, sets security headers and the CSP nonce, refuses
 * cross-site form posts, serves static assets, and (MOCKS=true) loads the msw
 * handlers that stand in for fixed third-party endpoints such as GitHub.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import { broadcastDevReady, type ServerBuild } from '@remix-run/node'
import express from 'express'
import http from 'node:http'
import { db } from './app/server/db.server.ts'
import { getInstance } from './app/server/litefs.server.ts'
import { getSupervisor } from './app/server/mocks/supervisor.server.ts'
import { checkSameOrigin, securityHeaders } from './app/server/web-security.server.ts'
import { deployMigrations } from './other/migrate-engine.ts'

const production = process.env.NODE_ENV === 'production'
const BUILD_PATH = path.resolve('build/index.js')
const DATABASE_URL = process.env.DATABASE_URL || 'file:./data/app.db'

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
  const applied = await deployMigrations({ databaseUrl: DATABASE_URL })
  console.log(
    applied.length ? `[migrate] applied ${applied.join(', ')}` : '[migrate] database is up to date',
  )
}

async function startMocks() {
  if (process.env.MOCKS !== 'true') return
  // Kept out of the server bundle: msw is a devDependency (see other/build-server.ts).
  const modulePath = production ? './mocks.js' : './tests/mocks/index.ts'
  const { startMockServer } = (await import(new URL(modulePath, import.meta.url).href)) as {
    startMockServer: () => unknown
  }
  startMockServer()
  console.log('[mocks] msw handlers loaded for GitHub')
}

/**
 * `/mock/:mockId/...` -> the mock's own port, so mocks work behind Fly's single
 * public port. Streams both ways; no buffering.
 */
async function mockNotRunning(res: express.Response, mockId: string) {
  const exists = await db.mock.count({ where: { id: mockId } })
  const problem = exists
    ? { title: 'Mock not running', status: 503, detail: 'Start this mock from the Mocks tab.' }
    : {
        title: 'No such mock',
        status: 404,
        detail: 'No mock has this id: it was deleted, or the URL is mistyped.',
      }
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem))
}

const proxyToMock: express.RequestHandler = (req, res) => {
  const mockId = String(req.params.mockId)
  const port = getSupervisor().portOf(mockId)
  if (!port && process.env.LITEFS_DIR) {
    // Mocks run on the primary: let Fly replay the request there.
    getInstance()
      .then((instance) => {
        if (instance.currentIsPrimary) return mockNotRunning(res, mockId)
        res.set('fly-replay', `instance=${instance.primaryInstance}`).status(409).end()
      })
      .catch(() => {
        if (!res.headersSent) res.status(503).end()
      })
    return
  }
  if (!port) {
    mockNotRunning(res, mockId).catch(() => res.status(503).end())
    return
  }
  const upstream = http.request(
    {
      host: '127.0.0.1',
      port,
      method: req.method,
      path: req.url || '/',
      headers: { ...req.headers, host: `127.0.0.1:${port}` },
    },
    (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers)
      response.pipe(res)
    },
  )
  upstream.on('error', () => {
    if (!res.headersSent)
      res
        .status(502)
        .type('application/problem+json')
        .send(JSON.stringify({ title: 'Mock unreachable', status: 502 }))
  })
  req.pipe(upstream)
}

function createApp(getBuild: () => ServerBuild) {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', true)

  app.use((req, res, next) => {
    req.headers['x-remote-address'] = req.socket.remoteAddress ?? 'unknown'
    const nonce = crypto.randomBytes(16).toString('base64')
    res.locals.cspNonce = nonce
    res.set(securityHeaders({ nonce, production }))
    next()
  })

  app.use((req, res, next) => {
    const refusal = checkSameOrigin({
      method: req.method,
      pathname: req.path,
      host: req.get('host'),
      origin: req.get('origin'),
      referer: req.get('referer'),
      appUrl: process.env.APP_URL,
    })
    if (refusal) {
      res.status(403).type('text/plain').send(refusal)
      return
    }
    next()
  })

  app.use('/mock/:mockId', proxyToMock)

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
  await applyMigrations()
  await startMocks()
  // Mock processes write their status and logs: they run on the primary only.
  if ((await getInstance()).currentIsPrimary) await getSupervisor().boot()
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
  const port = Number(process.env.PORT || 3000)
  const server = createApp(() => build).listen(port, () => {
    console.log(`Integration Copilot listening on http://localhost:${port}`)
  })
  const shutdown = () => {
    void getSupervisor()
      .shutdown()
      .finally(() => server.close(() => process.exit(0)))
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
