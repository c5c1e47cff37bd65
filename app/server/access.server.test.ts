import { expect, it } from 'vitest'
import { ACTIONS, can, PERMISSIONS } from './access.server'
import { ROLES } from '~/shared/roles'

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
