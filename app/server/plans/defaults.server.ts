/**
 * The items every new partner project's plan starts with, phase by phase.
 * Items with a rule close themselves on evidence; the others are ticked by
 * people. Keys are stable: a default is generated once per partner project.
 */
import type { Phase } from '~/shared/plan'
import type { PlanRule } from './rules.server'

export type DefaultItem = {
  key: string
  phase: Phase
  title: string
  required: boolean
  rule?: PlanRule
}

export const DEFAULT_ITEMS: readonly DefaultItem[] = [
  {
    key: 'discovery.kickoff',
    phase: 'discovery',
    title: 'Kick-off: the partner has the spec, the blueprint and a named contact',
    required: true,
  },
  {
    key: 'discovery.trace-secret',
    phase: 'discovery',
    title: 'Trace signing secret issued to the partner',
    required: true,
    rule: { kind: 'trace-secret' },
  },
  {
    key: 'discovery.sandbox-credentials',
    phase: 'discovery',
    title: 'Sandbox credentials issued to the partner',
    required: false,
    rule: { kind: 'credentials', environment: 'sandbox' },
  },
  {
    key: 'build.mock-suite',
    phase: 'build',
    title: 'All Required cases pass against the Mock',
    required: true,
    rule: { kind: 'run', environment: 'mock' },
  },
  {
    key: 'build.first-trace',
    phase: 'build',
    title: 'A first verified, valid trace received',
    required: true,
    rule: { kind: 'traces', coverage: 'any' },
  },
  {
    key: 'sandbox.authentication',
    phase: 'sandbox',
    title: 'All Required authentication cases pass in Sandbox',
    required: true,
    rule: { kind: 'run', environment: 'sandbox', category: 'authentication' },
  },
  {
    key: 'sandbox.suite',
    phase: 'sandbox',
    title: 'All Required cases pass in Sandbox',
    required: true,
    rule: { kind: 'run', environment: 'sandbox' },
  },
  {
    key: 'sandbox.traces',
    phase: 'sandbox',
    title: 'A verified trace for every Required operation',
    required: true,
    rule: { kind: 'traces', coverage: 'required-operations' },
  },
  {
    key: 'uat.suite',
    phase: 'uat',
    title: 'All Required cases pass in UAT',
    required: true,
    rule: { kind: 'run', environment: 'uat' },
  },
  {
    key: 'uat.signoff',
    phase: 'uat',
    title: 'UAT signed off by the partner',
    required: true,
  },
  {
    key: 'golive.date',
    phase: 'golive',
    title: 'Go-live date and rollback plan agreed',
    required: true,
  },
  {
    key: 'golive.approval',
    phase: 'golive',
    title: 'Vendor approval to go live',
    required: true,
  },
]
