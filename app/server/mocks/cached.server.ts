/** The value kept in `cache` for `key`, built on first use (per-spec plans and schema facts). */
export function cached<K extends object, V>(cache: WeakMap<K, V>, key: K, build: () => V): V {
  let value = cache.get(key)
  if (value === undefined) {
    value = build()
    cache.set(key, value)
  }
  return value
}
