/** A schema tree as pages render it (built by app/server/specs/schema-view.server.ts). */
export type SchemaNode = {
  /** Stable within the page: what `?open=` names to expand this node. */
  path: string
  kind: 'root' | 'property' | 'variant' | 'items'
  /** Property name (`*` for additionalProperties). */
  name?: string
  required?: boolean
  /** `Customer`, `array of string`, `one of`, `string (date-time)`. */
  label: string
  /** The component schema this node refers to. */
  ref?: string
  circular?: boolean
  constraints?: string
  description?: string
  /** Expanded children. */
  children?: SchemaNode[]
  /** Children not shown: the node expands on request. */
  collapsed?: number
  /** Expanded on request (beyond the open depth): the node can be collapsed again. */
  opened?: boolean
}
