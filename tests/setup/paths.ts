import path from 'node:path'

export const TMP_ROOT = path.resolve('tests/.tmp')

/** Each vitest run works in its own folder, so two runs never share files. */
export function runDir() {
  const dir = process.env.TEST_RUN_DIR
  if (!dir)
    throw new Error(
      'TEST_RUN_DIR is not set: run the tests through vitest (tests/setup/global-setup.ts).',
    )
  return dir
}

export const baseDbPath = (dir: string) => path.join(dir, 'base.db')
