/** The periodic sweep with each connector's own idle threshold (read from its sealed settings). */
import { db } from '../db.server'
import { sweepEvents } from '../events/emit.server'
import { type ConnectorConfig, openConfig } from './config.server'

export async function emitSweep(now = new Date()): Promise<number> {
  const connectors = await db.connector.findMany({
    where: { enabled: true },
    select: { id: true, config: true },
  })
  const idle = new Map<string, number>()
  for (const connector of connectors) {
    try {
      const days = openConfig<ConnectorConfig>(connector.config).idleDays
      if (typeof days === 'number') idle.set(connector.id, days)
    } catch {
      // unreadable settings (a rotated key): the default applies
    }
  }
  return sweepEvents(now, (id) => idle.get(id))
}
