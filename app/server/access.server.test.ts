import { expect, it } from 'vitest'
import { ACTIONS, can, missingPermissions, PERMISSIONS, permissionsFor } from './access.server'
import { ACTION_TABLE, parseRoleValue, ROLES } from '~/shared/roles'

it('grants every action to owners and only reads to viewers', () => {
  for (const action of ACTIONS) expect(can('OWNER', action)).toBe(true)
  const viewerActions = ACTIONS.filter((action) => can('VIEWER', action))
  expect(viewerActions.sort()).toEqual(['member:read', 'project:read'])
})

it('keeps member and token management to owners and admins', () => {
  expect(PERMISSIONS['member:manage']).toEqual(['OWNER', 'ADMIN'])
  expect(PERMISSIONS['token:manage']).toEqual(['OWNER', 'ADMIN'])
  expect(can('VENDOR', 'project:write')).toBe(true)
  expect(can('VENDOR', 'project:manage')).toBe(false)
})

it('denies unknown roles, including PARTNER, everything', () => {
  for (const action of ACTIONS) {
    expect(can('PARTNER', action)).toBe(false)
    expect(can('', action)).toBe(false)
  }
  expect(ROLES).toEqual(['OWNER', 'ADMIN', 'VENDOR', 'VIEWER'])
})

it('labels and describes every action in the one table', () => {
  for (const action of ACTIONS) {
    expect(ACTION_TABLE[action].label.length).toBeGreaterThan(3)
    expect(ACTION_TABLE[action].description.length).toBeGreaterThan(10)
    for (const needed of ACTION_TABLE[action].requires) expect(ACTIONS).toContain(needed)
  }
  expect(new Set(ACTIONS.map((action) => ACTION_TABLE[action].label)).size).toBe(ACTIONS.length)
})

it('resolves built-in roles from the table and custom roles from their stored permissions', () => {
  for (const role of ROLES)
    for (const action of ACTIONS)
      expect(permissionsFor({ role }).has(action)).toBe(PERMISSIONS[action].includes(role))
  const custom = permissionsFor({
    role: 'CUSTOM',
    customRole: { permissions: JSON.stringify(['project:read', 'partner:manage', 'root:all']) },
  })
  expect([...custom].sort()).toEqual(['partner:manage', 'project:read'])
  // CUSTOM without its row, a broken JSON, or an unknown role: nothing at all.
  expect(permissionsFor({ role: 'CUSTOM' }).size).toBe(0)
  expect(permissionsFor({ role: 'CUSTOM', customRole: { permissions: '{not json' } }).size).toBe(0)
  expect(permissionsFor({ role: 'CUSTOM', customRole: { permissions: '"org:manage"' } }).size).toBe(
    0,
  )
  expect(permissionsFor({ role: 'PARTNER' }).size).toBe(0)
})

it('answers can() for a role name or a resolved access alike', () => {
  const access = {
    permissions: permissionsFor({ role: 'CUSTOM', customRole: { permissions: '["audit:read"]' } }),
  }
  expect(can(access, 'audit:read')).toBe(true)
  expect(can(access, 'project:read')).toBe(false)
  expect(can({ permissions: permissionsFor({ role: 'VENDOR' }) }, 'project:write')).toBe(true)
  expect(can('CUSTOM', 'project:read')).toBe(false)
  expect(can(access, 'nonsense' as never)).toBe(false)
})

it('names what a grantor lacks', () => {
  expect(
    missingPermissions(permissionsFor({ role: 'ADMIN' }), ['org:manage', 'member:manage']),
  ).toEqual(['org:manage'])
  expect(missingPermissions(permissionsFor({ role: 'OWNER' }), ACTIONS)).toEqual([])
})

it('reads form values of roles strictly', () => {
  expect(parseRoleValue('VENDOR')).toEqual({ role: 'VENDOR' })
  expect(parseRoleValue('custom:abc123')).toEqual({ role: 'CUSTOM', customRoleId: 'abc123' })
  for (const bad of [
    'CUSTOM',
    'custom:',
    'custom:../x',
    'vendor',
    'PARTNER',
    `custom:${'a'.repeat(65)}`,
    null,
  ])
    expect(parseRoleValue(bad)).toBeNull()
})
