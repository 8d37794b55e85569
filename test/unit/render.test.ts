import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectContext } from '../../src/context.js';
import { buildManifest } from '../../src/manifest.js';
import { resolveFromFlags } from '../../src/options.js';
import { renderProject } from '../../src/render/project.js';
import { diskTemplates, fillPath } from '../../src/render/templates.js';
import { serviceRecords } from '../../src/context.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/templates');
const answers = resolveFromFlags('demo', { services: 'users,payment-gateway:payment_gateway', install: true, test: true, git: true }, {
  cwd: '/tmp',
  uvAvailable: true,
});
const render = () => renderProject(projectContext(answers, '1.2.3'), buildManifest(answers, serviceRecords(answers), '1.2.3'), diskTemplates(fixtures));

describe('renderProject', () => {
  it('renders project templates, copies static files and renames dot- files', () => {
    const plan = render();
    expect(plan.get('README.md')).toBe('# demo\n- users on 8001\n- payment-gateway on 8002\n');
    expect(plan.get('static.txt')).toBe('static {{not rendered}}\n');
    expect(plan.get('.gitignore')).toBe('.env\n');
    expect(plan.has('dot-gitignore')).toBe(false);
  });

  it('fills path placeholders per service and applies overlays in order', () => {
    const plan = render();
    expect(plan.get('services/users/app/models/user.py')).toBe('class User: pass\n');
    expect(plan.get('services/payment-gateway/app/models/payment_gateway.py')).toBe('class PaymentGateway: pass\n');
    expect(plan.get('services/users/overridden.txt')).toBe('fastapi\n');
    expect(plan.get('services/payment-gateway/db.txt')).toBe('url=sqlite+aiosqlite:///./payment_gateway.db\n');
    expect(plan.get('services/users/app/__init__.py')).toBe('');
  });

  it('adds the manifest with every answer per service', () => {
    const manifest = JSON.parse(render().get('.layered-backend.json')!);
    expect(manifest).toMatchObject({ generator: 'create-layered-backend', version: '1.2.3', project: 'demo', framework: 'fastapi' });
    expect(manifest.services).toEqual([
      {
        name: 'users',
        module: 'users',
        envPrefix: 'USERS_',
        entity: 'user',
        routePath: 'users',
        entities: [{ name: 'user', routePath: 'users' }],
        framework: 'fastapi',
        db: 'sqlite',
        port: 8001,
      },
      {
        name: 'payment-gateway',
        module: 'payment_gateway',
        envPrefix: 'PAYMENT_GATEWAY_',
        entity: 'payment_gateway',
        routePath: 'payment-gateways',
        entities: [{ name: 'payment_gateway', routePath: 'payment-gateways' }],
        framework: 'fastapi',
        db: 'sqlite',
        port: 8002,
      },
    ]);
  });

  it('gives every service its own secret and its peers', () => {
    const context = projectContext(answers, '1.2.3');
    const [users, gateway] = context.services;
    expect(users!.secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(users!.secretKey).not.toBe(gateway!.secretKey);
    expect(users!.peersJson).toBe('{"payment-gateway":"http://127.0.0.1:8002"}');
    expect(gateway!.composePeersJson).toBe('{"users":"http://users:8000"}');
  });
});

describe('fillPath', () => {
  it('leaves Python dunders alone and rejects unknown placeholders', () => {
    expect(fillPath('app/__init__.py', {})).toBe('app/__init__.py');
    expect(fillPath('tests/test___entity___routes.py', { entity: 'user' })).toBe('tests/test_user_routes.py');
    expect(() => fillPath('app/__nope__.py', { entity: 'user' })).toThrow(/Unknown path placeholder __nope__/);
  });
});
