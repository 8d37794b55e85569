/**
 * The inner layers are framework-free: a FastAPI and a Litestar project generate them byte
 * for byte the same. Only the outer layers differ, and each framework has its own.
 */
import { describe, expect, it } from 'vitest';
import { planFor } from '../helpers/plan.js';

const INNER = /^services\/[^/]+\/app\/(services|repository|models|schemas|core|utils)\//;
const OUTER = /^services\/[^/]+\/app\/(api|cmd|dependencies|events|middlewares|exceptions\/handlers)\//;

const services = 'users,orders@postgres,catalog:product@mysql';
const fastapi = planFor('demo', { services, framework: 'fastapi' });
const litestar = planFor('demo', { services, framework: 'litestar' });
const pick = (plan: Map<string, string>, pattern: RegExp) => new Map([...plan].filter(([file]) => pattern.test(file)));

describe('fastapi and litestar projects', () => {
  it('share every inner-layer file, byte for byte', () => {
    const inner = pick(fastapi, INNER);
    expect(inner.size).toBeGreaterThan(20);
    expect(pick(litestar, INNER)).toEqual(inner);
  });

  it('import no web framework in the inner layers', () => {
    const offenders = [...pick(fastapi, INNER)].filter(([, text]) => /^\s*(from|import) (fastapi|starlette|litestar)\b/m.test(text));
    expect(offenders.map(([file]) => file)).toEqual([]);
  });

  it('differ in the outer layers, each importing its own framework', () => {
    const fastapiOuter = [...pick(fastapi, OUTER).values()].join('\n');
    const litestarOuter = [...pick(litestar, OUTER).values()].join('\n');
    expect(fastapiOuter).toMatch(/^from fastapi import/m);
    expect(fastapiOuter).not.toMatch(/^from litestar/m);
    expect(litestarOuter).toMatch(/^from litestar/m);
    expect(litestarOuter).not.toMatch(/^from fastapi/m);
  });

  it('record the framework in the manifest', () => {
    expect(JSON.parse(litestar.get('.layered-backend.json')!)).toMatchObject({ framework: 'litestar' });
  });
});
