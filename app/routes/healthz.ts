import { db } from '~/server/db.server'
import { getInstance } from '~/server/litefs.server'

/** Liveness + database check for Fly's health check and uptime monitors. */
export async function loader() {
  const instance = await getInstance()
  const body = {
    region: process.env.FLY_REGION ?? 'local',
    instance: instance.currentInstance,
    primary: instance.currentIsPrimary,
    primaryInstance: instance.primaryInstance,
  }
  try {
    await db.$queryRawUnsafe('SELECT 1')
    return Response.json(
      { status: 'ok', database: 'ok', ...body },
      { headers: { 'Cache-Control': 'no-store' } },
    )
  } catch (error) {
    console.error('[healthz] database check failed', error)
    return Response.json({ status: 'error', database: 'unreachable', ...body }, { status: 503 })
  }
}
