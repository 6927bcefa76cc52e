// The login session of one app (applicant or officer), kept in localStorage under its own key
// so the two apps on one origin never share a session.
export interface Tokens {
  access_token: string
  refresh_token: string
  expires_in: number
}

export interface TokenStore {
  accessToken(): string | null
  save(tokens: Tokens): void
  clear(): void
  refresh(): Promise<boolean>
  loggedIn(): boolean
  onChange(listener: () => void): void
}

export function createTokenStore(app: 'applicant' | 'officer', storage: Storage = localStorage): TokenStore {
  const key = `credit-repair.${app}.session`
  const listeners: Array<() => void> = []
  let refreshing: Promise<boolean> | null = null

  const read = (): Tokens | null => {
    try {
      return JSON.parse(storage.getItem(key) ?? 'null')
    } catch {
      return null
    }
  }
  const notify = () => listeners.forEach((l) => l())

  const store: TokenStore = {
    accessToken: () => read()?.access_token ?? null,
    loggedIn: () => read() !== null,
    save(tokens) {
      storage.setItem(key, JSON.stringify(tokens))
      notify()
    },
    clear() {
      storage.removeItem(key)
      notify()
    },
    onChange(listener) {
      listeners.push(listener)
    },
    refresh() {
      // concurrent 401s share one refresh: a refresh token is spent by its first use
      refreshing ??= (async () => {
        const current = read()
        if (!current) return false
        try {
          const response = await fetch(`/api/v1/${app}/auth/refresh`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ refresh_token: current.refresh_token }),
          })
          if (!response.ok) return false
          store.save((await response.json()) as Tokens)
          return true
        } catch {
          return false
        } finally {
          refreshing = null
        }
      })()
      return refreshing
    },
  }
  return store
}
