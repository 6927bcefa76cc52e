// The applicant's session and the one typed client every api module uses.
import { createApi, createTokenStore } from '@credit/shared'

export const tokens = createTokenStore('applicant')
export const api = createApi(tokens)

/** One page of a list answer; `next_cursor` asks for the next. */
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}
