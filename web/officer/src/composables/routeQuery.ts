// Reading a page's search back from the address bar (我的待办, 统计), where vue-router gives each
// parameter as a string, a list of them, or nothing.
import type { LocationQuery } from 'vue-router'

/** The first value of each named parameter, trimmed; '' where it is absent. */
export function queryTexts<Name extends string>(query: LocationQuery, names: readonly Name[]): Record<Name, string> {
  const texts = {} as Record<Name, string>
  for (const name of names) {
    const value = query[name]
    const first = Array.isArray(value) ? value[0] : value
    texts[name] = typeof first === 'string' ? first.trim() : ''
  }
  return texts
}
