import { expect } from 'vitest';

/** An answer of the central server as a console test reads it. */
export interface ConsoleAnswer {
  readonly status: number;
  /** Parsed JSON, else the text (HTML, empty). */
  readonly body: unknown;
  readonly headers: Headers;
}

/** What one request sends: a session cookie, a CSRF token, an Origin (null: none), a bearer token, a JSON body. */
export interface ConsoleRequestInit {
  readonly method?: string;
  readonly cookie?: string;
  readonly csrf?: string;
  /** Default on a POST: the server's own origin, as the console's page sends it; null sends none. */
  readonly origin?: string | null;
  readonly bearer?: string;
  readonly body?: unknown;
}

/** Requests to a central server as the console's page (or a kiosk, with `bearer`) makes them. */
export interface ConsoleClient {
  request(pathname: string, init?: ConsoleRequestInit): Promise<ConsoleAnswer>;
  /** Signs in (expecting success): the cookie pair (`name=value`), the CSRF token and the whole Set-Cookie. */
  signIn(name: string, password: string): Promise<{ cookie: string; csrf: string; setCookie: string }>;
}

/** A client of the server at `baseUrl()` (read on every call: tests start a new server each time). */
export function consoleClient(baseUrl: () => string): ConsoleClient {
  const request = async (pathname: string, init: ConsoleRequestInit = {}): Promise<ConsoleAnswer> => {
    const headers: Record<string, string> = {};
    if (init.cookie !== undefined) headers.cookie = init.cookie;
    if (init.csrf !== undefined) headers['x-csrf-token'] = init.csrf;
    if (init.bearer !== undefined) headers.authorization = `Bearer ${init.bearer}`;
    const method = init.method ?? 'GET';
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      if (init.origin !== null) headers.origin = init.origin ?? baseUrl();
    }
    const res = await fetch(`${baseUrl()}${pathname}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: JSON.stringify(init.body ?? {}) } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // HTML or empty
    }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    request,
    async signIn(name, password) {
      const answer = await request('/console/api/session', { method: 'POST', body: { name, password } });
      expect(answer.status).toBe(200);
      const setCookie = answer.headers.get('set-cookie') ?? '';
      const csrf = (answer.body as { csrfToken: string }).csrfToken;
      return { cookie: setCookie.split(';')[0] ?? '', csrf, setCookie };
    },
  };
}
