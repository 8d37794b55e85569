import { expect } from 'vitest';

/**
 * Drive a generated service's CRUD over real HTTP and check every status code of the
 * contract (201, 200, 404, 409, 422, 204) and the one problem+json error shape.
 */
export async function exerciseCrud(baseUrl: string, routePath: string, serviceOutput: () => string): Promise<void> {
  const api = (route: string, init?: RequestInit) =>
    fetch(`${baseUrl}/api/v1/${routePath}${route}`, { ...init, headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-req-1' } });

  const created = await api('', { method: 'POST', body: JSON.stringify({ name: 'ada', description: 'first' }) });
  expect(created.status).toBe(201);
  const ada = (await created.json()) as { id: number; name: string; created_at: string };
  expect(ada).toMatchObject({ name: 'ada', description: 'first' });
  expect(typeof ada.id).toBe('number');
  expect(new Date(ada.created_at).getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
  expect(created.headers.get('x-request-id')).toBe('e2e-req-1');

  const fetched = await api(`/${ada.id}`);
  expect(fetched.status).toBe(200);
  expect(await fetched.json()).toMatchObject({ id: ada.id, name: 'ada' });

  const list = await api('?offset=0&limit=10');
  expect(await list.json()).toMatchObject({ total: 1, offset: 0, limit: 10, items: [{ name: 'ada' }] });

  const missing = await api('/999999');
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(await missing.json()).toMatchObject({
    status: 404,
    title: expect.any(String),
    detail: expect.stringMatching(/999999/),
    request_id: 'e2e-req-1',
  });

  const duplicate = await api('', { method: 'POST', body: JSON.stringify({ name: 'ada' }) });
  expect(duplicate.status).toBe(409);
  expect(await duplicate.json()).toMatchObject({ status: 409, detail: expect.stringMatching(/ada/) });

  for (const body of [{ name: '' }, { name: 'x'.repeat(101) }, { description: 'no name' }]) {
    const invalid = await api('', { method: 'POST', body: JSON.stringify(body) });
    expect(invalid.status).toBe(422);
    const problem = (await invalid.json()) as { status: number; errors: unknown[] };
    expect(problem.status).toBe(422);
    expect(problem.errors.length).toBeGreaterThan(0);
  }
  const malformed = await api('', { method: 'POST', body: '{not json' });
  expect(malformed.status).toBe(422);
  expect(await malformed.text()).not.toMatch(/Traceback|File "/);

  const renamed = await api(`/${ada.id}`, { method: 'PATCH', body: JSON.stringify({ name: 'ada lovelace' }) });
  expect(renamed.status).toBe(200);
  expect(await renamed.json()).toMatchObject({ name: 'ada lovelace', description: 'first' });

  const deleted = await api(`/${ada.id}`, { method: 'DELETE' });
  expect(deleted.status).toBe(204);
  expect((await api(`/${ada.id}`)).status).toBe(404);
  expect(serviceOutput()).not.toMatch(/Traceback/);
}
