import fs from 'node:fs'
import path from 'node:path'
import { zipSync } from 'fflate'

/** Zips a folder (e.g. a multi-file spec in ../shared/specs) with paths relative to it. */
export function zipFolder(folder: string): Uint8Array {
  const files: Record<string, Uint8Array> = {}
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else files[path.relative(folder, full).split(path.sep).join('/')] = fs.readFileSync(full)
    }
  }
  walk(folder)
  return zipSync(files)
}
