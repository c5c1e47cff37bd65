/** RFC 6901 JSON pointers: `#/a/b~1c` or `/a/b~1c` into a value (undefined when absent). */
export function resolvePointer(value: unknown, pointer: string): unknown {
  let node = value
  for (const segment of pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[segment]
  }
  return node
}
