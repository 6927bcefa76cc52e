// What a person sees when something fails: the API's stable code, its Chinese message and
// the request id to quote to the help desk.
export interface ErrorBody {
  code?: string
  message?: string
  request_id?: string
  details?: Record<string, unknown>
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'ApiFailure'
  }

  static from(status: number, body: unknown, headerRequestId?: string): ApiFailure {
    const b = (body && typeof body === 'object' ? body : {}) as ErrorBody
    return new ApiFailure(
      status,
      b.code ?? `HTTP_${status}`,
      b.message ?? fallbackMessage(status),
      b.request_id ?? headerRequestId,
      b.details,
    )
  }

  /** The line shown to a person: the message, and the request id when there is one. */
  get display(): string {
    return this.requestId ? `${this.message}（请求编号 ${this.requestId}）` : this.message
  }
}

export function failureFromResponse(response: Response, body: unknown): ApiFailure {
  return ApiFailure.from(response.status, body, response.headers.get('X-Request-ID') ?? undefined)
}

export function networkFailure(): ApiFailure {
  return new ApiFailure(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后重试')
}

export function fallbackMessage(status: number): string {
  if (status === 401) return '请先登录'
  if (status === 403) return '无权执行此操作'
  if (status === 404) return '未找到请求的内容'
  if (status === 409) return '内容已被更新，请刷新后重试'
  if (status === 413) return '文件过大'
  if (status === 429) return '操作过于频繁，请稍后再试'
  if (status >= 500) return '服务暂时不可用，请稍后再试'
  return '请求失败，请稍后再试'
}

/** Any thrown value as the text a person reads. */
export function describeError(e: unknown): string {
  if (e instanceof ApiFailure) return e.display
  return '操作失败，请稍后再试'
}
