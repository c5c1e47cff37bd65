/** A real HTTP server on 127.0.0.1 in front of a route module's action/loader, for clients that must speak HTTP (curl, fetch). */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ActionFunctionArgs } from '@remix-run/node'

type Handler = (args: ActionFunctionArgs) => unknown

export async function serveRoute(handler: Handler, { clientAddress = '127.0.0.1' } = {}) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      void (async () => {
        const headers = new Headers()
        for (const [name, value] of Object.entries(req.headers))
          if (value !== undefined)
            headers.set(name, Array.isArray(value) ? value.join(', ') : value)
        headers.set('x-copilot-client-address', clientAddress)
        const body = chunks.length ? Buffer.concat(chunks) : undefined
        const request = new Request(`http://${req.headers.host}${req.url}`, {
          method: req.method,
          headers,
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
        })
        let response: Response
        try {
          const result = await handler({
            request,
            params: {},
            context: {} as ActionFunctionArgs['context'],
          })
          response = result instanceof Response ? result : Response.json(result)
        } catch (error) {
          response =
            error instanceof Response ? error : new Response(String(error), { status: 500 })
        }
        res.writeHead(response.status, Object.fromEntries(response.headers))
        res.end(Buffer.from(await response.arrayBuffer()))
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
