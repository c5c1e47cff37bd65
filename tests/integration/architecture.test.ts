/**
 * The dependency rules of docs/architecture.md, checked on the import graph
 * of app/: no cycles; the spec engine uses no other area; mocks and the test
 * kit never import each other; routes reach the database only through
 * app/server modules.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve('app')

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : []
  })
}

const files = sourceFiles(ROOT)
const known = new Set(files)

function resolve(from: string, specifier: string): string | null {
  let base: string
  if (specifier.startsWith('~/')) base = path.join(ROOT, specifier.slice(2))
  else if (specifier.startsWith('.')) base = path.resolve(path.dirname(from), specifier)
  else return null
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')])
    if (known.has(candidate)) return candidate
  return null
}

/** Value imports only: `import type` and `export type` vanish at build time. */
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

const graph = new Map<string, string[]>(
  files.map((file) => {
    const text = fs.readFileSync(file, 'utf8')
    const deps = [...text.matchAll(IMPORT)]
      .map((match) => resolve(file, (match[1] ?? match[2])!))
      .filter((dep): dep is string => dep !== null)
    return [file, deps]
  }),
)

const rel = (file: string) => path.relative(ROOT, file)

describe('import graph of app/', () => {
  it('has no cycles', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const visit = (file: string) => {
      state.set(file, 'open')
      stack.push(file)
      for (const dep of graph.get(file) ?? []) {
        if (state.get(dep) === 'open')
          cycles.push([...stack.slice(stack.indexOf(dep)), dep].map(rel).join(' -> '))
        else if (!state.has(dep)) visit(dep)
      }
      stack.pop()
      state.set(file, 'done')
    }
    for (const file of files) if (!state.has(file)) visit(file)
    expect(cycles).toEqual([])
  })

  it('keeps the spec engine free of other areas, and mocks and the test kit apart', () => {
    const violations: string[] = []
    for (const [file, deps] of graph) {
      const from = rel(file)
      for (const dep of deps.map(rel)) {
        const area = (name: string) => name.split(path.sep).slice(0, 2).join('/')
        if (
          area(from) === 'server/specs' &&
          dep.startsWith(`server${path.sep}`) &&
          dep.split(path.sep).length > 2 &&
          area(dep) !== 'server/specs'
        )
          violations.push(`${from} -> ${dep}`)
        if (area(from) === 'server/mocks' && area(dep) === 'server/testkit')
          violations.push(`${from} -> ${dep}`)
        if (area(from) === 'server/testkit' && area(dep) === 'server/mocks')
          violations.push(`${from} -> ${dep}`)
      }
    }
    expect(violations).toEqual([])
    expect(files.length).toBeGreaterThan(50)
  })

  it('keeps routes thin: no route imports the Prisma client', () => {
    const db = path.join(ROOT, 'server', 'db.server.ts')
    // healthz is the liveness probe: its one query (SELECT 1) is the check itself, not a
    // rule of the app, so it talks to the database directly.
    const allowed = new Set(['routes/healthz.ts'])
    const routes = [...graph].filter(([file]) => rel(file).startsWith(`routes${path.sep}`))
    const violations = routes
      .filter(
        ([file, deps]) => deps.includes(db) && !allowed.has(rel(file).split(path.sep).join('/')),
      )
      .map(([file]) => rel(file))
    expect(violations).toEqual([])
    expect(routes.length).toBeGreaterThan(50)
  })

  it('renders no constant of a .server module: the browser bundle has them as undefined', () => {
    const SERVER_IMPORT =
      /import\s+\{([^}]*)\}\s+from\s+['"]([^'"]*(?:\.server|~\/server\/)[^'"]*)['"]/g
    const violations: string[] = []
    for (const file of files) {
      if (!file.endsWith('.tsx')) continue
      const text = fs.readFileSync(file, 'utf8')
      const names = [...text.matchAll(SERVER_IMPORT)].flatMap((match) =>
        match[1]!
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name && !name.startsWith('type '))
          .map((name) => name.split(/\s+as\s+/).pop()!),
      )
      const constants = names.filter((name) => /^[A-Z][A-Z0-9_]+$/.test(name))
      // Components: in a route, what follows its default export; elsewhere, the whole file.
      const start = file.includes(`${path.sep}routes${path.sep}`)
        ? text.indexOf('export default function')
        : 0
      if (start < 0) continue
      const rendered = text.slice(start)
      for (const name of constants)
        if (new RegExp(`\\b${name}\\b`).test(rendered)) violations.push(`${rel(file)}: ${name}`)
    }
    expect(violations).toEqual([])
  })
})
