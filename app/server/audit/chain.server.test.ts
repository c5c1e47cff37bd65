import { describe, expect, it } from 'vitest'
import { nextLinks } from '../evidence/chain.server'
import {
  AUDIT_LINK_KIND,
  AuditChainChecker,
  auditContentHash,
  type AuditContentRow,
  type LinkedAuditRow,
} from './chain.server'

function rows(count: number): LinkedAuditRow[] {
  const contents: AuditContentRow[] = Array.from({ length: count }, (_, index) => ({
    id: `entry${index + 1}`,
    action: index % 2 ? 'member.removed' : 'auth.signed_in',
    actorUserId: 'user1',
    actorEmail: 'alice@example.test',
    chainKey: 'org1',
    organizationId: 'org1',
    projectId: null,
    targetType: 'user',
    targetId: 'user1',
    metadata: JSON.stringify({ n: index, before: { role: 'VIEWER' }, after: { role: 'ADMIN' } }),
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    createdAt: new Date(Date.UTC(2026, 11, 3, 9, 0, index)),
  }))
  const links = nextLinks(
    null,
    contents.map((row) => ({
      kind: AUDIT_LINK_KIND,
      refId: row.id,
      label: row.action,
      contentHash: auditContentHash(row),
    })),
  )
  return contents.map((row, index) => {
    const link = links[index]!
    return {
      ...row,
      seq: link.seq,
      contentHash: link.contentHash,
      prevHash: link.prevHash,
      hash: link.hash,
    }
  })
}

function check(list: LinkedAuditRow[]) {
  const checker = new AuditChainChecker()
  for (const row of list) checker.push(row)
  return checker
}

describe('AuditChainChecker', () => {
  it('passes an intact chain and reports its head', () => {
    const list = rows(5)
    const checker = check(list)
    expect(checker.firstBreak).toBeNull()
    expect(checker.count).toBe(5)
    expect(checker.head).toEqual({ seq: 5, hash: list[4]!.hash })
  })

  it.each([
    ['metadata', { metadata: '{"n":1,"before":{"role":"VIEWER"},"after":{"role":"OWNER"}}' }],
    ['ip', { ip: '198.51.100.1' }],
    ['actorEmail', { actorEmail: 'mallory@example.test' }],
    ['userAgent', { userAgent: 'curl/8' }],
    ['createdAt', { createdAt: new Date(Date.UTC(2020, 0, 1)) }],
    ['projectId', { projectId: 'other' }],
    ['chainKey', { chainKey: 'org2' }],
  ])('finds an edited %s', (_field, change) => {
    const list = rows(4)
    list[1] = { ...list[1]!, ...change }
    expect(check(list).firstBreak).toEqual({
      seq: 2,
      problem: 'edited',
      message: 'Entry #2 was edited: its fields no longer match its hash.',
    })
  })

  it('finds an edited action (in the link) and a removed entry', () => {
    const edited = rows(4)
    edited[2] = { ...edited[2]!, action: 'member.invited' }
    expect(check(edited).firstBreak?.message).toBe(
      'Entry #3 was edited: its fields no longer match its hash.',
    )
    const removed = rows(4)
    removed.splice(1, 1)
    expect(check(removed).firstBreak?.message).toBe(
      'Entry #2 was removed (the chain goes from #1 to #3).',
    )
  })

  it('finds an inserted entry even when its own hashes are right', () => {
    const list = rows(3)
    // A forged #2 chained after #1: the real #2 now appears twice.
    const forged = rows(3)[1]!
    const fake = { ...forged, id: 'forged', actorEmail: 'mallory@example.test' }
    const relinked = nextLinks({ seq: 1, hash: list[0]!.hash }, [
      {
        kind: AUDIT_LINK_KIND,
        refId: fake.id,
        label: fake.action,
        contentHash: auditContentHash(fake),
      },
    ])[0]!
    const inserted = [list[0]!, { ...fake, ...relinked }, ...list.slice(1)]
    const found = check(inserted).firstBreak
    expect(found?.problem).toBe('inserted')
    expect(found?.message).toBe('Entry #2 appears twice: one of them was inserted.')
  })
})
