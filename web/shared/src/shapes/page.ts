// The page every list answer of the API comes in.

/** One page of a list (e.g. workflow `todo`, disclosure `search_records`); `next_cursor` asks for the next, null on the last. */
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}
