import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { entityContext } from '../../src/context.js';
import { parseServices, type CreateFlags } from '../../src/options.js';
import type { Plan } from '../../src/render/plan.js';
import { fill, LIB_FOLDERS, ROOT_FILES, SERVICE_FILES, SERVICE_FOLDERS, type FolderRule } from '../layout.js';
import { planFor, pythonParseProblems } from '../helpers/plan.js';

/** Option combinations whose trees are checked against the seed's layout. */
const COMBINATIONS: Array<[string, Partial<CreateFlags>]> = [
  ['defaults', {}],
  ['pip', { packageManager: 'pip' }],
  ['one service', { services: 'billing' }],
  ['awkward names', { services: 'payment-gateway:payment_gateway,categories,people,order-items', python: '3.11' }],
];

/** A module is real when it defines something: a class, a function or an assignment. */
const REAL_MODULE = /^(class |def |async def |[A-Za-z_][\w]*\s*(:[^=]+)?=)/m;

function checkFolder(plan: Plan, prefix: string, rule: FolderRule, values: { plural: string; entity: string }): string[] {
  const problems: string[] = [];
  const folder = `${prefix}${rule.folder}`;
  if (!plan.has(`${folder}/__init__.py`)) problems.push(`${folder}/__init__.py is missing`);
  for (const file of rule.files ?? []) {
    if (!plan.has(`${folder}/${fill(file, values)}`)) problems.push(`${folder}/${fill(file, values)} is missing`);
  }
  const modules = [...plan.keys()].filter(
    (file) => file.startsWith(`${folder}/`) && !file.slice(folder.length + 1).includes('/') && file.endsWith('.py') && !file.endsWith('/__init__.py'),
  );
  if (modules.length < rule.modules) problems.push(`${folder} has ${modules.length} modules, the seed shows ${rule.modules}`);
  for (const module of modules) {
    if (!REAL_MODULE.test(plan.get(module)!)) problems.push(`${module} defines nothing`);
  }
  return problems;
}

describe.each(COMBINATIONS)('generated tree: %s', (_label, flags) => {
  const plan = planFor('demo', flags);
  const services = parseServices(flags.services ?? 'users,orders', 'sqlite') as Array<{ name: string; entity: string }>;

  it('has the seed layout in every service', () => {
    const problems = services.flatMap((service) => {
      const entity = entityContext(service.entity);
      const values = { plural: entity.plural, entity: entity.module };
      const prefix = `services/${service.name}/`;
      return [
        ...SERVICE_FOLDERS.flatMap((rule) => checkFolder(plan, prefix, rule, values)),
        ...SERVICE_FILES.map((file) => `${prefix}${fill(file, values)}`).filter((file) => !plan.has(file)).map((file) => `${file} is missing`),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('has the seed layout at the root', () => {
    const values = { plural: '', entity: '' };
    const problems = [
      ...LIB_FOLDERS.flatMap((rule) => checkFolder(plan, '', rule, values)),
      ...ROOT_FILES.filter((file) => !plan.has(file)).map((file) => `${file} is missing`),
    ];
    expect(problems).toEqual([]);
  });

  it('has no service folders beyond those asked for', () => {
    const folders = new Set([...plan.keys()].filter((file) => file.startsWith('services/')).map((file) => file.split('/')[1]));
    expect([...folders].sort()).toEqual(services.map((service) => service.name).sort());
  });

  it('leaves no template syntax or placeholder behind', () => {
    // GitHub Actions expressions (`${{ matrix.service }}`) belong in workflows.
    const own = (file: string, text: string) => (file.startsWith('.github/workflows/') ? text.replace(/\$\{\{ [\w.() '-]+ \}\}/g, '') : text);
    const leftovers = [...plan].filter(([file, text]) => /\{\{|__(entity|plural|service)__/.test(file + own(file, text))).map(([file]) => file);
    expect(leftovers).toEqual([]);
  });

  it('renders Python and TOML that parse, and YAML that loads', () => {
    expect(pythonParseProblems(plan)).toEqual([]);
    const compose = parseYaml(plan.get('docker-compose.yml')!) as { services: Record<string, unknown> };
    for (const service of services) expect(compose.services).toHaveProperty([service.name]);
  });
});
