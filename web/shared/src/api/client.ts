// The one HTTP client of the pages: typed from the gateway's OpenAPI document (schema.d.ts,
// generated), bearer token and request id added, every error turned into an ApiFailure that
// carries the API's code, Chinese message and request id.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiFailure, failureFromResponse, networkFailure } from '../errors'
import type { TokenStore } from '../auth'

export type Paths = paths

export function newRequestId(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    return ((await response.clone().json()) as { code?: string }).code
  } catch {
    return undefined
  }
}

export function createApi(tokens: TokenStore, baseUrl = '') {
  const client = createClient<paths>({ baseUrl })
  // a request's body can be read once: keep a copy to repeat it after a refresh
  const replayable = new WeakMap<Request, Request>()
  const middleware: Middleware = {
    async onRequest({ request }) {
      request.headers.set('X-Request-ID', newRequestId())
      const token = tokens.accessToken()
      if (token && !request.headers.has('Authorization')) {
        request.headers.set('Authorization', `Bearer ${token}`)
      }
      replayable.set(request, request.clone())
      return request
    },
    async onResponse({ request, response }) {
      if (response.status !== 401 || !tokens.accessToken()) return response
      // a wrong SMS code is a 401 too: only an expired access token is refreshed
      const code = await errorCode(response)
      if (code === 'INVALID_TOKEN' && (await tokens.refresh())) {
        const retry = replayable.get(request) ?? request
        retry.headers.set('Authorization', `Bearer ${tokens.accessToken()}`)
        retry.headers.set('X-Request-ID', newRequestId())
        return fetch(retry)
      }
      if (code === 'INVALID_TOKEN' || code === 'SESSION_REVOKED' || code === 'UNAUTHENTICATED') {
        tokens.clear()
      }
      return response
    },
  }
  client.use(middleware)
  return client
}

/** Unwraps an openapi-fetch answer: the data, or an ApiFailure thrown with the API's words. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let answer
  try {
    answer = await call
  } catch (e) {
    if (e instanceof ApiFailure) throw e
    throw networkFailure()
  }
  if (!answer.response.ok) throw failureFromResponse(answer.response, answer.error)
  return answer.data as T
}

/** A file from the API (PDF, material) as a Blob, with the same error handling. */
export async function fetchBlob(url: string, tokens: TokenStore): Promise<Blob> {
  const headers: Record<string, string> = { 'X-Request-ID': newRequestId() }
  const token = tokens.accessToken()
  if (token) headers.Authorization = `Bearer ${token}`
  let response: Response
  try {
    response = await fetch(url, { headers })
  } catch {
    throw networkFailure()
  }
  if (!response.ok) {
    let body: unknown = undefined
    try {
      body = await response.json()
    } catch {
      /* not JSON */
    }
    throw failureFromResponse(response, body)
  }
  return response.blob()
}

/** Uploads with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function uploadWithProgress(
  url: string,
  form: FormData,
  tokens: TokenStore,
  onProgress: (percent: number) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.setRequestHeader('X-Request-ID', newRequestId())
    const token = tokens.accessToken()
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100))
    }
    xhr.onload = () => {
      let body: unknown = undefined
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body)
      else
        reject(
          ApiFailure.from(xhr.status, body, xhr.getResponseHeader('X-Request-ID') ?? undefined),
        )
    }
    xhr.onerror = () => reject(networkFailure())
    xhr.send(form)
  })
}
