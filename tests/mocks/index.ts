import { setupServer } from 'msw/node'
import { githubHandlers } from './github'

export function startMockServer() {
  const server = setupServer(...githubHandlers)
  server.listen({ onUnhandledRequest: 'bypass' })
  return server
}
