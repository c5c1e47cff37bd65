/**
 * A mock of `spec` for an official SDK to call, the two ways partners reach one: its own port
 * and the public URL's gateway (`/mock/<id>` on a local server, as the app mounts it). Needs
 * MOCK_PORT_RANGE set before the supervisor first starts; `close` stops the gateway and every
 * mock host.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mockGateway } from '~/server/mocks/proxy.server'
import { createMock } from '~/server/mocks/service.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { importSpec } from '~/server/specs/store.server'
import { createOrg, createProject } from '../helpers'

export type SdkMock = {
  /** `http://127.0.0.1:<port>`: the mock's own port. */
  direct: string
  /** `http://127.0.0.1:<port>/mock/<id>`: through the gateway. */
  viaGateway: string
  close: () => Promise<void>
}

export async function startSdkMock(spec: Buffer | string, sourceName: string): Promise<SdkMock> {
  const projectId = (await createProject((await createOrg()).id)).id
  const imported = await importSpec({
    projectId,
    raw: Buffer.isBuffer(spec) ? spec : Buffer.from(spec),
    sourceKind: 'upload',
    sourceName,
  })
  const mock = await createMock(projectId, imported.version.id)
  const handle = mockGateway(null)
  const gateway = http.createServer((req, res) => handle(req, res, () => res.writeHead(404).end()))
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve))
  return {
    direct: `http://127.0.0.1:${mock.port!}`,
    viaGateway: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/mock/${mock.id}`,
    close: async () => {
      gateway.close()
      await getSupervisor().shutdown()
    },
  }
}
