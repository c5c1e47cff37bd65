/**
 * Request routing from the NormalizedSpec: server base path, path templates,
 * method. Literal segments win over templated ones (`/pets/mine` before
 * `/pets/{id}`).
 */
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'

type CompiledRoute = {
  segmentCount: number
  template: string
  regex: RegExp
  paramNames: string[]
  literalSegments: number
  operations: Map<string, NormalizedOperation>
}

export type RouteMatch =
  | { kind: 'operation'; operation: NormalizedOperation; pathParams: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string[] }

function escapeRegex(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Non-empty segments of a path, counted without allocating. */
function segmentsOf(pathname: string) {
  let count = 0
  for (let index = 0; index < pathname.length; index++)
    if (pathname.charCodeAt(index) !== 47 && (index === 0 || pathname.charCodeAt(index - 1) === 47))
      count++
  return count
}

function decodeSegment(raw: string): string {
  if (!raw.includes('%')) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

function compile(template: string): Omit<CompiledRoute, 'operations'> {
  const paramNames: string[] = []
  let literalSegments = 0
  const pattern = template
    .split('/')
    .map((segment) => {
      if (!segment.includes('{')) {
        if (segment) literalSegments++
        return escapeRegex(segment)
      }
      return segment
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const name = /^\{([^}]+)\}$/.exec(part)?.[1]
          if (!name) return escapeRegex(part)
          paramNames.push(name)
          return '([^/]+)'
        })
        .join('')
    })
    .join('/')
  return {
    template,
    regex: new RegExp(`^${pattern.replace(/\/$/, '')}/?$`),
    paramNames,
    literalSegments,
    segmentCount: segmentsOf(template),
  }
}

export class Router {
  /** Routes bucketed by segment count: a request only tries templates of its own length. */
  private readonly routes = new Map<number, CompiledRoute[]>()
  private readonly basePaths: string[]

  constructor(spec: NormalizedSpec) {
    const byTemplate = new Map<string, CompiledRoute>()
    for (const operation of spec.operations) {
      let route = byTemplate.get(operation.path)
      if (!route) {
        route = { ...compile(operation.path), operations: new Map() }
        byTemplate.set(operation.path, route)
      }
      route.operations.set(operation.method, operation)
    }
    const sorted = [...byTemplate.values()].sort(
      (a, b) => b.literalSegments - a.literalSegments || a.paramNames.length - b.paramNames.length,
    )
    for (const route of sorted)
      this.routes.set(route.segmentCount, [...(this.routes.get(route.segmentCount) ?? []), route])
    const bases = new Set(spec.servers.map((server) => server.basePath).filter(Boolean))
    this.basePaths = [...bases].sort((a, b) => b.length - a.length)
  }

  /** Strips the longest matching server base path, if the request carries one. */
  private stripBase(pathname: string): string[] {
    if (this.basePaths.length === 0) return [pathname]
    const candidates = [pathname]
    for (const base of this.basePaths) {
      if (pathname === base || pathname.startsWith(`${base}/`))
        candidates.unshift(pathname.slice(base.length) || '/')
    }
    return candidates
  }

  match(method: string, pathname: string): RouteMatch {
    let allow: string[] | null = null
    for (const candidate of this.stripBase(pathname)) {
      for (const route of this.routes.get(segmentsOf(candidate)) ?? []) {
        const found = route.regex.exec(candidate)
        if (!found) continue
        const upper = method.toUpperCase()
        const operation =
          route.operations.get(upper) ??
          (upper === 'HEAD' ? route.operations.get('GET') : undefined)
        if (!operation) {
          allow ??= [...route.operations.keys()]
          continue
        }
        const pathParams: Record<string, string> = {}
        for (let index = 0; index < route.paramNames.length; index++)
          pathParams[route.paramNames[index]!] = decodeSegment(found[index + 1]!)
        return { kind: 'operation', operation, pathParams }
      }
    }
    return allow ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' }
  }
}
