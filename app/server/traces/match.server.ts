/**
 * Which spec operation a trace is: its URL is stripped of the base path of
 * the environment or mock it was sent to (a Sandbox at https://sbx.example/api,
 * a mock at /mock/<id>), then routed through the latest version of each of
 * the project's specs (the spec's own server base paths are handled by its
 * router). Checkers are kept per spec version, so schemas compile once.
 */
import type { NormalizedOperation } from '~/shared/normalized-spec'
import { db } from '../db.server'
import { ExchangeChecker } from '../specs/exchange.server'
import { versionSpec } from '../specs/store.server'

export type TraceTarget = { specVersionId: string; specName: string; checker: ExchangeChecker }
export type ProjectTargets = { targets: TraceTarget[]; prefixes: string[] }

const KEPT = 6
const checkers = new Map<string, ExchangeChecker>()

export async function checkerFor(versionId: string): Promise<ExchangeChecker> {
  const kept = checkers.get(versionId)
  if (kept) {
    checkers.delete(versionId)
    checkers.set(versionId, kept)
    return kept
  }
  const checker = new ExchangeChecker(await versionSpec(versionId))
  checkers.set(versionId, checker)
  if (checkers.size > KEPT) checkers.delete(checkers.keys().next().value!)
  return checker
}

function basePath(url: string | null): string | null {
  if (!url) return null
  try {
    const path = new URL(url).pathname.replace(/\/+$/, '')
    return path && path !== '/' ? path : null
  } catch {
    return null
  }
}

/** The project's specs (latest version of each, most recently changed first) and the base paths traces may carry. */
export async function projectTargets(projectId: string): Promise<ProjectTargets> {
  const specs = await db.spec.findMany({
    where: { projectId },
    orderBy: { updatedAt: 'desc' },
    select: {
      name: true,
      versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true } },
    },
  })
  const targets: TraceTarget[] = []
  for (const spec of specs) {
    const version = spec.versions[0]
    if (version)
      targets.push({
        specVersionId: version.id,
        specName: spec.name,
        checker: await checkerFor(version.id),
      })
  }
  const [environments, mocks] = await Promise.all([
    db.environment.findMany({ where: { projectId }, select: { baseUrl: true } }),
    db.mock.findMany({ where: { projectId }, select: { id: true } }),
  ])
  const prefixes = new Set<string>()
  for (const environment of environments) {
    const path = basePath(environment.baseUrl)
    if (path) prefixes.add(path)
  }
  for (const mock of mocks) prefixes.add(`/mock/${mock.id}`)
  return { targets, prefixes: [...prefixes].sort((a, b) => b.length - a.length) }
}

export type Located =
  | {
      found: true
      target: TraceTarget
      operation: NormalizedOperation
      pathParams: Record<string, string>
      pathname: string
    }
  | { found: false; reason: string; pathname: string }

/** The path of a trace URL (absolute or a bare path). */
export function tracePath(url: string): { pathname: string; query: URLSearchParams } {
  const parsed = new URL(url, 'http://trace.invalid')
  return { pathname: parsed.pathname, query: parsed.searchParams }
}

export function locate(project: ProjectTargets, method: string, pathname: string): Located {
  // The longest environment base path first, the path as sent last.
  const candidates: string[] = []
  for (const prefix of project.prefixes)
    if (pathname === prefix || pathname.startsWith(`${prefix}/`))
      candidates.push(pathname.slice(prefix.length) || '/')
  candidates.push(pathname)
  let reason = project.targets.length
    ? `No operation of the spec matches ${method} ${pathname}.`
    : 'The project has no spec to match traces against: import one on the Specs tab.'
  for (const candidate of candidates) {
    for (const target of project.targets) {
      const match = target.checker.match(method, candidate)
      if (match.kind === 'operation')
        return {
          found: true,
          target,
          operation: match.operation,
          pathParams: match.pathParams,
          pathname: candidate,
        }
      if (match.kind === 'method-not-allowed')
        reason = `${pathname} does not document ${method} (it documents ${match.allow.join(', ')}).`
    }
  }
  return { found: false, reason, pathname }
}
