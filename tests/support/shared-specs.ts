/** The real public specs in ../shared/specs, read in place (never copied into the project). */
import fs from 'node:fs'
import path from 'node:path'

export const SHARED_SPECS = path.resolve('../shared/specs')

/**
 * The single-file specs INDEX.tsv lists (multi-file folders such as lichess and
 * petstore-separate are imported as zips by the tests that need them).
 * `includeFailing` keeps the deliberately invalid oai-tests-fail fixtures.
 */
export function sharedSpecFiles({ includeFailing = false } = {}): string[] {
  return fs
    .readFileSync(path.join(SHARED_SPECS, 'INDEX.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0]!)
    .filter(
      (file) =>
        file &&
        !file.includes('/spec/') &&
        !file.startsWith('lichess') &&
        (includeFailing || !file.startsWith('oai-tests-fail')),
    )
}
