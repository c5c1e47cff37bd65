import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime, formatTime, formatUptime } from './format'

describe('UI date formats', () => {
  it('print UTC whatever the machine time zone, so server and browser agree', () => {
    const lateEvening = '2026-11-21T23:30:05Z'
    expect(formatDate(lateEvening)).toBe('21/11/2026')
    expect(formatDateTime(lateEvening)).toBe('21/11/2026, 23:30 UTC')
    expect(formatTime(lateEvening)).toBe('23:30:05')
  })

  it('measure uptime against the given clock', () => {
    const started = '2026-11-21T10:00:00Z'
    const at = (iso: string) => Date.parse(iso)
    expect(formatUptime(started, 'up', at('2026-11-21T10:00:42Z'))).toBe('42s')
    expect(formatUptime(started, 'up', at('2026-11-21T10:07:00Z'))).toBe('7m')
    expect(formatUptime(started, 'up', at('2026-11-21T13:05:00Z'))).toBe('3h 5m')
    expect(formatUptime(started, 'stopped', at('2026-11-21T13:05:00Z'))).toBe('—')
    expect(formatUptime(null, 'up', 0)).toBe('—')
  })
})
