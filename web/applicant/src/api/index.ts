// The applicant's session and the one typed client every api module uses.
import { createApi, createTokenStore } from '@credit/shared'

export const tokens = createTokenStore('applicant')
export const api = createApi(tokens)
