// The API as the browser calls it: the signed-in user's token, a refresh when it runs out, and problem+json
// turned into an error that names each field.

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: FieldProblem[],
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface Me {
  kind: string;
  id: string;
  roles: string[];
  officerId: string | null;
  username: string;
  /** The name or title the header shows (局长, 王伟); a service account has none. */
  displayName?: string | null;
  /** Someone else chose the password (the first admin's, a reset): the account page asks for a new one. */
  mustChangePassword?: boolean;
}

const STORE = 'ssj-session';

export function session(): (Tokens & { me: Me }) | null {
  const stored = sessionStorage.getItem(STORE);
  return stored ? JSON.parse(stored) : null;
}

function keep(value: (Tokens & { me: Me }) | null): void {
  if (value) sessionStorage.setItem(STORE, JSON.stringify(value));
  else sessionStorage.removeItem(STORE);
}

export async function signIn(username: string, password: string): Promise<Me> {
  const tokens = await request<Tokens>('POST', '/auth/login', { username, password }, { anonymous: true });
  const me = await request<Omit<Me, 'username'>>('GET', '/me', undefined, { token: tokens.accessToken });
  const value = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, me: { ...me, username } };
  keep(value);
  return value.me;
}

/** Updates what this tab remembers of the signed-in user (after changing the password). */
export function rememberMe(patch: Partial<Me>): void {
  const current = session();
  if (current) keep({ ...current, me: { ...current.me, ...patch } });
}

export async function signOut(): Promise<void> {
  const current = session();
  keep(null);
  if (current) await request('POST', '/auth/logout', {}, { token: current.accessToken }).catch(() => undefined);
}

let refreshing: Promise<boolean> | undefined;

/**
 * One refresh at a time: pages ask several things at once, and their expired token fails them together. The server
 * takes a refresh token sent twice for a stolen one and ends the sign-in (R18), so the first refresh's answer
 * serves them all.
 */
function refreshTokens(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = session();
    if (!current) return false;
    try {
      const tokens = await request<Tokens>('POST', '/auth/refresh', { refreshToken: current.refreshToken }, { anonymous: true });
      keep({ ...current, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
      return true;
    } catch {
      keep(null);
      return false;
    }
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

interface Options {
  anonymous?: boolean;
  token?: string;
  raw?: boolean;
}

async function request<T>(method: string, path: string, body: unknown, options: Options = {}): Promise<T> {
  const token = options.token ?? (options.anonymous ? undefined : session()?.accessToken);
  const response = await fetch(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      // A retried action must not act twice; a file download has nothing to replay.
      ...(method === 'POST' && !options.raw ? { 'idempotency-key': crypto.randomUUID() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiProblem(response.status, problem.title ?? response.statusText, problem.detail, problem.errors ?? []);
  }
  if (options.raw) return response as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A call as the signed-in user; an expired access token is refreshed once and the call repeated. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await request<T>(method, path, body);
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401 && session() && (await refreshTokens())) return request<T>(method, path, body);
    if (error instanceof ApiProblem && error.status === 401) {
      keep(null);
      location.hash = '#/login';
    }
    throw error;
  }
}

export const get = <T = any>(path: string) => api<T>('GET', path);
export const post = <T = any>(path: string, body: unknown = {}) => api<T>('POST', path, body);

/** Anonymous reading, for the public disclosure site. */
export const getPublic = <T = any>(path: string) => request<T>('GET', path, undefined, { anonymous: true });

/** A file from the API (an export), saved under the given name. */
export async function download(path: string, filename: string, body?: unknown): Promise<void> {
  const call = () => request<Response>(body === undefined ? 'GET' : 'POST', path, body, { raw: true });
  let response: Response;
  try {
    response = await call();
  } catch (error) {
    if (!(error instanceof ApiProblem && error.status === 401 && (await refreshTokens()))) throw error;
    response = await call();
  }
  saveBlob(await response.blob(), filename);
}

/** A file the API serves (a document's PDF), read with the signed-in user's token, refreshed once if it ran out. */
export async function getFile(path: string): Promise<Response> {
  const call = () => request<Response>('GET', path, undefined, { raw: true });
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiProblem && error.status === 401 && (await refreshTokens()))) throw error;
    return call();
  }
}

export function saveBlob(blob: Blob, filename: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
