/**
 * Requests that race each other on the same rows of a running service: what a busy
 * production service sees, compressed. The service must answer each with a status of its
 * contract (200, 201, 204, 404, 409), never a 5xx.
 */

export interface RaceReport {
  /** How many responses had each status code. */
  statuses: Record<number, number>;
  /** The 5xx responses (method, path, status and body) and the requests left unanswered. */
  serverErrors: string[];
}

/**
 * Send `pairs` pairs of conflicting requests at once, `wave` pairs at a time: a PATCH and
 * a DELETE of the same row; two PATCHes giving two rows the same new name; two POSTs of the
 * same name.
 */
export async function raceWrites(baseUrl: string, routePath: string, pairs = 200, wave = 25): Promise<RaceReport> {
  const url = `${baseUrl}/api/v1/${routePath}`;
  const report: RaceReport = { statuses: {}, serverErrors: [] };
  const send = async (method: string, path: string, body?: unknown): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      // The server dropped the connection instead of answering: as bad as a 5xx.
      report.serverErrors.push(`${method} ${path}: no answer (${String((error as Error).cause ?? error)})`);
      return;
    }
    report.statuses[response.status] = (report.statuses[response.status] ?? 0) + 1;
    const text = await response.text();
    if (response.status >= 500) report.serverErrors.push(`${method} ${path} ${response.status} ${text}`);
  };
  const create = async (name: string): Promise<number> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    if (response.status !== 201) throw new Error(`creating ${name}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: number }).id;
  };
  const run = async (count: number, race: (index: number) => Promise<unknown>): Promise<void> => {
    for (let start = 0; start < count; start += wave) {
      const indexes = Array.from({ length: Math.min(wave, count - start) }, (_, offset) => start + offset);
      await Promise.all(indexes.map(race));
    }
  };

  const third = Math.ceil(pairs / 3);
  await run(third, async (index) => {
    const id = await create(`doomed ${index}`);
    await Promise.all([send('PATCH', `/${id}`, { name: `renamed ${index}` }), send('DELETE', `/${id}`)]);
  });
  await run(third, async (index) => {
    const [first, second] = await Promise.all([create(`left ${index}`), create(`right ${index}`)]);
    const name = { name: `contested ${index}` };
    await Promise.all([send('PATCH', `/${first}`, name), send('PATCH', `/${second}`, name)]);
  });
  await run(pairs - 2 * third, async (index) => {
    const name = { name: `twice ${index}` };
    await Promise.all([send('POST', '', name), send('POST', '', name)]);
  });
  return report;
}
