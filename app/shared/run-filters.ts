/** The verdicts a run page filters its cases by, in the order the filter shows them. */
export const VERDICT_FILTERS = [
  'failed',
  'errored',
  'needs_config',
  'skipped',
  'passed',
  'pending',
] as const
