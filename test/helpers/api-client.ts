// A small JSON client for the REST API tests (never leaves 127.0.0.1).
export interface JsonResponse<T = any> { status: number, body: T, headers: Headers }

export function apiClient (baseUrl: string, auth?: { username: string, password: string }) {
  const authHeader: Record<string, string> = auth === undefined ? {} : { authorization: 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64') }
  async function call<T = any> (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const init: RequestInit = { method, headers: { ...authHeader, ...headers }, signal: AbortSignal.timeout(15_000) }
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body)
      init.headers = { 'content-type': 'application/json', ...init.headers as Record<string, string> }
    }
    const res = await fetch(baseUrl + path, init)
    const text = await res.text()
    let parsed: unknown = text
    try { parsed = text === '' ? undefined : JSON.parse(text) } catch {}
    return { status: res.status, body: parsed as T, headers: res.headers }
  }
  return {
    call,
    get: async <T = any>(path: string) => await call<T>('GET', path),
    post: async <T = any>(path: string, body?: unknown) => await call<T>('POST', path, body),
    patch: async <T = any>(path: string, body?: unknown) => await call<T>('PATCH', path, body),
    del: async <T = any>(path: string) => await call<T>('DELETE', path)
  }
}
