/**
 * Request routing from the NormalizedSpec: server base path, path templates,
 * method. Templates form a tree of path segments, so a request walks its own
 * segments instead of trying every template. Literal segments win over
 * templated ones (`/pets/mine` before `/pets/{id}`); a templated segment with
 * more literal text wins over a bare one (`{id}.json` before `{id}`). Templates that differ
 * only in their parameters' names (Xero's `/Journals/{JournalID}` and `/Journals/{JournalNumber}`)
 * are told apart by the values: the first whose parameters fit their schemas (`fits`) wins.
 */
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'

/** The operations of one path template, with its parameter names in path order. */
type Route = {
  paramNames: string[]
  operations: Map<string, NormalizedOperation>
  /** Another template has the same shape: parameter values decide between them. */
  ambiguous: boolean
}

/** Whether path parameter values fit the operation's parameter schemas. */
export type ParamsFit = (
  operation: NormalizedOperation,
  pathParams: Record<string, string>,
) => boolean

type SegmentNode = {
  literals: Map<string, SegmentNode>
  templated: { source: string; pattern: RegExp; literalChars: number; node: SegmentNode }[]
  routes: Route[]
}

export type RouteMatch =
  | { kind: 'operation'; operation: NormalizedOperation; pathParams: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string[] }

function escapeRegex(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** `/pets/{id}/` -> ['pets', '{id}']: one trailing slash is ignored, empty inner segments are kept (and match nothing). */
function splitPath(path: string): string[] {
  const segments = path.slice(path.startsWith('/') ? 1 : 0).split('/')
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop()
  return segments
}

function decodeSegment(raw: string): string {
  if (!raw.includes('%')) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

function newNode(): SegmentNode {
  return { literals: new Map(), templated: [], routes: [] }
}

/** A templated segment (`{id}` or `{name}.{ext}`) as a regex with one group per parameter. */
function templatedSegment(segment: string, paramNames: string[]) {
  let literalChars = 0
  const source = segment
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1]
      if (!name) {
        literalChars += part.length
        return escapeRegex(part)
      }
      paramNames.push(name)
      return '([^/]+)'
    })
    .join('')
  return { source: `^${source}$`, literalChars }
}

export class Router {
  private readonly root = newNode()
  private readonly basePaths: string[]

  constructor(spec: NormalizedSpec) {
    const routes = new Map<string, Route>()
    const shapes = new Map<string, Route[]>()
    for (const operation of spec.operations) {
      let route = routes.get(operation.path)
      if (!route) {
        route = this.add(operation.path)
        routes.set(operation.path, route)
        const shape = operation.path.replace(/\{[^}]+\}/g, '{}')
        shapes.set(shape, [...(shapes.get(shape) ?? []), route])
      }
      route.operations.set(operation.method, operation)
    }
    for (const same of shapes.values())
      if (same.length > 1) for (const route of same) route.ambiguous = true
    const bases = new Set(spec.servers.map((server) => server.basePath).filter(Boolean))
    this.basePaths = [...bases].sort((a, b) => b.length - a.length)
  }

  private add(template: string): Route {
    const paramNames: string[] = []
    let node = this.root
    for (const segment of splitPath(template)) {
      if (!segment.includes('{')) {
        let next = node.literals.get(segment)
        if (!next) {
          next = newNode()
          node.literals.set(segment, next)
        }
        node = next
        continue
      }
      const { source, literalChars } = templatedSegment(segment, paramNames)
      let edge = node.templated.find((entry) => entry.source === source)
      if (!edge) {
        edge = { source, pattern: new RegExp(source), literalChars, node: newNode() }
        node.templated.push(edge)
        node.templated.sort((a, b) => b.literalChars - a.literalChars)
      }
      node = edge.node
    }
    const route: Route = { paramNames, operations: new Map(), ambiguous: false }
    node.routes.push(route)
    return route
  }

  /** The request path, then the path without each server base path it starts with (longest first). */
  private candidates(pathname: string): string[] {
    const candidates: string[] = []
    for (const base of this.basePaths) {
      if (pathname === base || pathname.startsWith(`${base}/`))
        candidates.push(pathname.slice(base.length) || '/')
    }
    candidates.push(pathname)
    return candidates
  }

  /**
   * Depth-first over the segment tree, literal edges first; `visit` sees each
   * matching route in priority order with the raw parameter values, and stops
   * the walk by returning true.
   */
  private walk(
    node: SegmentNode,
    segments: string[],
    index: number,
    values: string[],
    visit: (route: Route, values: string[]) => boolean,
  ): boolean {
    if (index === segments.length) return node.routes.some((route) => visit(route, values))
    const segment = segments[index]!
    const literal = node.literals.get(segment)
    if (literal && this.walk(literal, segments, index + 1, values, visit)) return true
    for (const edge of node.templated) {
      const found = edge.pattern.exec(segment)
      if (!found) continue
      const depth = values.length
      for (let group = 1; group < found.length; group++) values.push(found[group]!)
      if (this.walk(edge.node, segments, index + 1, values, visit)) return true
      values.length = depth
    }
    return false
  }

  match(method: string, pathname: string, fits?: ParamsFit): RouteMatch {
    const upper = method.toUpperCase()
    let allow: Set<string> | null = null
    let matched: RouteMatch | null = null
    /** The first match whose parameters do not fit: taken when no other does. */
    let unfit: RouteMatch | null = null
    const visit = (route: Route, values: string[]) => {
      const operation =
        route.operations.get(upper) ?? (upper === 'HEAD' ? route.operations.get('GET') : undefined)
      if (!operation) {
        allow ??= new Set()
        for (const allowed of route.operations.keys()) allow.add(allowed)
        return false
      }
      const pathParams: Record<string, string> = {}
      for (let index = 0; index < route.paramNames.length; index++)
        pathParams[route.paramNames[index]!] = decodeSegment(values[index]!)
      if (route.ambiguous && fits && !fits(operation, pathParams)) {
        unfit ??= { kind: 'operation', operation, pathParams }
        return false
      }
      matched = { kind: 'operation', operation, pathParams }
      return true
    }
    for (const candidate of this.candidates(pathname)) {
      if (this.walk(this.root, splitPath(candidate), 0, [], visit)) return matched!
    }
    if (unfit) return unfit
    return allow ? { kind: 'method-not-allowed', allow: [...allow] } : { kind: 'not-found' }
  }
}
