import { computed, ref, shallowRef } from 'vue'
import type { Page } from '@credit/shared'

/**
 * Pages of a list the API pages by cursor (a `Page`): the cursors of the pages
 * seen so far are kept, so 上一页 goes back without the API needing to page backwards.
 * `load(cursor)` fetches one page; a new search starts again at page 1.
 */
export function useCursorPages<T>(load: (cursor: string | null) => Promise<Page<T> | undefined>) {
  const items = shallowRef<T[]>([])
  const page = ref(1)
  const loaded = ref(false)
  const next = ref<string | null>(null)
  // cursors[i] is the cursor that fetched page i + 1
  const cursors = ref<(string | null)[]>([null])

  async function show(index: number): Promise<boolean> {
    const answer = await load(cursors.value[index] ?? null)
    if (!answer) return false
    items.value = answer.items
    next.value = answer.next_cursor
    page.value = index + 1
    cursors.value = [...cursors.value.slice(0, index + 1), answer.next_cursor]
    loaded.value = true
    return true
  }

  return {
    items,
    page,
    loaded,
    hasNext: computed(() => !!next.value),
    hasPrevious: computed(() => page.value > 1),
    first: () => {
      cursors.value = [null]
      return show(0)
    },
    nextPage: () => (next.value ? show(page.value) : Promise.resolve(false)),
    previousPage: () => (page.value > 1 ? show(page.value - 2) : Promise.resolve(false)),
    reload: () => show(page.value - 1),
  }
}

/** What a pager needs of the pages: which one is shown and the steps back and forth. */
export type PageSteps = Pick<
  ReturnType<typeof useCursorPages>,
  'page' | 'hasPrevious' | 'hasNext' | 'previousPage' | 'nextPage'
>
