import { setupServer } from 'msw/node'
import { githubHandlers } from './github'
import { googleHandlers } from './google'

export function startMockServer() {
  const server = setupServer(...githubHandlers, ...googleHandlers)
  server.listen({ onUnhandledRequest: 'bypass' })
  return server
}
