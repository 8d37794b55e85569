/**
 * The contracts of the generated project that tests, docs and users rely on (SPEC §2),
 * checked in the rendered files themselves.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { planFor } from '../helpers/plan.js';

const plan = planFor('shop', { services: 'users,payment-gateway:payment_gateway' });
const file = (path: string): string => {
  const text = plan.get(path);
  if (text === undefined) throw new Error(`${path} is not in the plan`);
  return text;
};

describe('generated contracts', () => {
  it('prefixes settings with the service name', () => {
    expect(file('services/payment-gateway/app/core/settings.py')).toMatch(/env_prefix="PAYMENT_GATEWAY_"/);
    expect(file('services/payment-gateway/.env')).toMatch(/^PAYMENT_GATEWAY_DATABASE_URL=sqlite\+aiosqlite:\/\/\/\.\/payment_gateway\.db$/m);
  });

  it('serves the entity under /api/v1/<kebab plural>', () => {
    expect(file('services/payment-gateway/app/api/v1/payment_gateways.py')).toMatch(/APIRouter\(\s*prefix="\/payment-gateways"/);
    expect(file('services/users/app/api/v1/users.py')).toMatch(/APIRouter\(\s*prefix="\/users"/);
  });

  it('exposes the ASGI app as `app` in app.cmd.api.main, runnable with python -m', () => {
    const main = file('services/users/app/cmd/api/main.py');
    expect(main).toMatch(/^app = create_app\(/m);
    expect(main).toMatch(/if __name__ == "__main__":/);
  });

  it('writes a random secret to the git-ignored .env and a placeholder to .env.example', () => {
    const secret = /^USERS_SECRET_KEY=([0-9a-f]{64})$/m.exec(file('services/users/.env'))?.[1];
    expect(secret).toBeDefined();
    expect(file('services/users/.env.example')).toMatch(/^USERS_SECRET_KEY=/m);
    expect(file('services/users/.env.example')).not.toContain(secret!);
    expect(file('services/payment-gateway/.env')).not.toContain(secret!);
    expect(file('.gitignore')).toMatch(/^\.env$/m);
  });

  it('tells each service where its peers are', () => {
    expect(file('services/users/.env')).toMatch(/^USERS_PEERS=\{"payment-gateway":"http:\/\/127\.0\.0\.1:8002"\}$/m);
  });

  it('has the Makefile targets the README and the CLI use', () => {
    const makefile = file('Makefile');
    for (const target of ['install', 'install-root', 'install-service-%', 'test', 'lint', 'run', 'migrate']) {
      expect(makefile).toMatch(new RegExp(`^${target}:`, 'm'));
    }
    expect(makefile).toMatch(/^PACKAGE_MANAGER \?= uv$/m);
    expect(planFor('x', { packageManager: 'pip' }).get('Makefile')).toMatch(/^PACKAGE_MANAGER \?= pip$/m);
  });

  it('builds each service image from the repository root, as a non-root user', () => {
    const dockerfile = file('services/payment-gateway/Dockerfile');
    expect(dockerfile).toMatch(/^FROM python:\$\{PYTHON_VERSION\}-slim AS build$/m);
    expect(dockerfile).toMatch(/^ARG PYTHON_VERSION=3\.12$/m);
    expect(dockerfile).toMatch(/^COPY libs /m);
    expect(dockerfile).toMatch(/^USER app$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(file('.dockerignore')).toMatch(/\.env/);
  });

  it('installs each image from the repository\'s one uv.lock; a pip project resolves in the build', () => {
    for (const [packageManager, sync] of [['uv', 'uv sync --frozen '], ['pip', 'uv sync ']] as const) {
      const dockerfile = planFor('shop', { packageManager }).get('services/users/Dockerfile')!;
      expect(dockerfile).toMatch(/^COPY pyproject\.toml uv\.lock\* \.\/$/m);
      const syncs = dockerfile.split('\n').filter((line) => line.startsWith('RUN uv sync'));
      expect(syncs).toHaveLength(2);
      for (const line of syncs) expect(line.startsWith(`RUN ${sync}--no-dev`)).toBe(true);
    }
  });

  it('enforces the layers with import-linter contracts', () => {
    const pyproject = file('services/users/pyproject.toml');
    expect(pyproject).toMatch(/\[tool\.importlinter\]/);
    expect(pyproject).toMatch(/type = "layers"/);
    expect(pyproject).toMatch(/"fastapi"/);
  });

  it('depends on the shared libraries by path', () => {
    expect(file('services/users/pyproject.toml')).toMatch(/^"shop-shared-libs" = \{ path = "\.\.\/\.\.\/libs", editable = true \}$/m);
    expect(file('libs/pyproject.toml')).toMatch(/^name = "shop-shared-libs"$/m);
  });

  it('records every answer in the manifest', () => {
    const manifest = JSON.parse(file('.layered-backend.json'));
    expect(manifest.services.map((service: { name: string; port: number; entity: string }) => [service.name, service.entity, service.port])).toEqual([
      ['users', 'user', 8001],
      ['payment-gateway', 'payment_gateway', 8002],
    ]);
  });

  it("documents every command of the CLI in the project's README, with a runnable example", () => {
    const commands = buildProgram('0.0.0', () => Promise.reject(new Error('not run'))).commands.map((command) => command.name());
    expect(commands.length).toBeGreaterThanOrEqual(4);
    const readme = file('README.md');
    for (const command of commands) {
      // A line of a shell block that runs the command, and prose that names it.
      expect(readme).toMatch(new RegExp(`^npx create-layered-backend(@latest)? ${command} `, 'm'));
      expect(readme).toMatch(new RegExp(`^\`${command}\` `, 'm'));
    }
  });
});

describe('the READMEs name what the project has', () => {
  const COMBINATIONS = ['fastapi', 'litestar'].flatMap((framework) =>
    ['none', 'jwt'].flatMap((auth) => ['none', 'rabbitmq'].map((broker) => ({ framework, auth, broker }))),
  );

  it.each(COMBINATIONS)('every file a service README names exists in the service ($framework, auth $auth, broker $broker)', ({ framework, auth, broker }) => {
    const project = planFor('shop', { services: 'users,orders@postgres', framework, auth, broker } as never);
    const services = [...project.keys()].filter((path) => /^services\/[^/]+\/README\.md$/.test(path)).map((path) => path.split('/')[1]!);
    expect(services.length).toBeGreaterThanOrEqual(2);
    const missing: string[] = [];
    for (const service of services) {
      const readme = project.get(`services/${service}/README.md`)!;
      // `app/...` names, files and folders, outside code blocks.
      for (const [, named] of readme.replace(/```[\s\S]*?```/g, '').matchAll(/`(app\/[\w./-]*?)`/g)) {
        const file = `services/${service}/${named!.replace(/\/$/, '')}`;
        const exists = project.has(file) || [...project.keys()].some((path) => path.startsWith(`${file}/`));
        if (!exists) missing.push(`${service}: ${named}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(['fastapi', 'litestar'])('the token example of the root README uses the identity service and a real route (%s)', (framework) => {
    const project = planFor('shop', { services: 'users,orders@postgres', framework, auth: 'jwt' } as never);
    const readme = project.get('README.md')!;
    const urls = [...readme.matchAll(/curl .*?(http:\/\/127\.0\.0\.1:(\d+)(\/\S*))/g)].map(([, , port, path]) => ({ port: Number(port), path: path! }));
    expect(urls).toHaveLength(2);
    const portOf = (service: string) => Number(new RegExp(`^${service.toUpperCase()}_PORT=(\\d+)$`, 'm').exec(project.get(`services/${service}/.env`)!)?.[1]);
    const [token, resource] = urls;
    expect(token).toEqual({ port: portOf('identity'), path: '/api/v1/auth/token' });
    expect(project.get('services/identity/app/api/v1/auth.py')).toMatch(/"\/token"/);
    // The resource is another service's: its port and its route prefix.
    const other = ['users', 'orders'].find((service) => portOf(service) === resource!.port);
    expect(other).toBeDefined();
    const routes = [...project.keys()].filter((path) => path.startsWith(`services/${other}/app/api/v1/`)).map((path) => project.get(path)!);
    expect(routes.some((code) => code.includes(`"${resource!.path.replace('/api/v1', '')}"`))).toBe(true);
  });
});
