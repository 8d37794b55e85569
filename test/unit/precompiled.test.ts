/**
 * The published CLI renders the templates from the build's compiled form (dist/templates,
 * src/render/template-format.ts) without Handlebars; tests and checkouts compile them from
 * templates/ with Handlebars, the reference. Both must give the same bytes for every file of
 * every layer, with the contexts the CLI really renders them with, and the compiler must
 * refuse what the runtime does not implement rather than render it otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { projectContext, serviceRecords } from '../../src/context.js';
import { buildManifest, type Manifest } from '../../src/manifest.js';
import { AUTHS } from '../../src/auth.js';
import { BROKERS } from '../../src/brokers.js';
import { FRAMEWORKS } from '../../src/frameworks.js';
import { PACKAGE_MANAGERS, PYTHON_VERSIONS, resolveFromFlags, type CreateFlags } from '../../src/options.js';
import { renderPristine } from '../../src/pristine.js';
import { renderProject } from '../../src/render/project.js';
import { compileLayer, TemplateCompileError, type SourceFile } from '../../src/render/template-compiler.js';
import { readLayer, type PartialRender } from '../../src/render/template-runtime.js';
import { compiledTemplates, diskTemplates, templatesRoot, type TemplateSet } from '../../src/render/templates.js';
import type { Plan } from '../../src/render/plan.js';

const dist = path.resolve(import.meta.dirname, '../../dist/templates');
// One of each for the whole file: Handlebars compiles each template once.
const fromSources = diskTemplates(templatesRoot());
const compiled = compiledTemplates(dist);

function expectSamePlans(actual: Plan, expected: Plan): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [file, text] of expected) expect(actual.get(file), file).toBe(text);
}

describe('compiled templates', () => {
  it('exist after the build, one file per layer and the partials', () => {
    const layers = fs.readdirSync(path.join(templatesRoot(), 'service')).map((name) => `service-${name}.tpl`);
    const roots = fs.readdirSync(templatesRoot()).filter((name) => name.startsWith('project')).map((name) => `${name}.tpl`);
    expect(roots).toContain('project.tpl');
    expect(roots.length).toBeGreaterThan(1);
    expect(fs.readdirSync(dist).sort()).toEqual(['partials.tpl', ...roots, ...layers].sort());
  });

  // Every choice of framework, auth and broker (their overlays meet in some files), services on
  // every database, and each package manager and Python version in turn.
  const CHOICES = FRAMEWORKS.flatMap((framework) => AUTHS.flatMap((auth) => BROKERS.map((broker) => [framework, auth, broker] as const))).map(
    ([framework, auth, broker], index) => [framework, auth, broker, PACKAGE_MANAGERS[index % PACKAGE_MANAGERS.length]!, PYTHON_VERSIONS[index % PYTHON_VERSIONS.length]!] as const,
  );
  const flagsOf = (framework: string, auth: string, broker: string, packageManager: string, python: string, services: string): CreateFlags =>
    ({ services, framework, auth, broker, packageManager, python, install: true, test: true, git: true }) as CreateFlags;
  const answersOf = (flags: CreateFlags) => resolveFromFlags('demo', flags, { cwd: '/tmp', uvAvailable: true });

  it('cover every value of every option', () => {
    const seen = (index: number) => new Set(CHOICES.map((choice) => choice[index]));
    expect(seen(0)).toEqual(new Set(FRAMEWORKS));
    expect(seen(1)).toEqual(new Set(AUTHS));
    expect(seen(2)).toEqual(new Set(BROKERS));
    expect(seen(3)).toEqual(new Set(PACKAGE_MANAGERS));
    expect(seen(4)).toEqual(new Set(PYTHON_VERSIONS));
  });

  it.each(CHOICES)('render every file of a %s project (auth %s, broker %s, %s, Python %s) on every database as Handlebars does', (...choice) => {
    const answers = answersOf(flagsOf(...choice, 'users,orders@postgres,catalog:product@mysql,payment-gateway:payment_gateway@sqlite'));
    const context = projectContext(answers, '1.2.3');
    const manifest = buildManifest(answers, serviceRecords(answers), '1.2.3');
    expectSamePlans(renderProject(context, manifest, compiled), renderProject(context, manifest, fromSources));
  });

  it.each(FRAMEWORKS)('render a one-service %s project, its tokens issued by a service of its own, as Handlebars does', (framework) => {
    for (const [services, identityService] of [
      ['users', undefined],
      ['orders,accounts', 'accounts'],
    ] as const) {
      const flags = { ...flagsOf(framework, 'jwt', 'nats', 'uv', '3.12', services), ...(identityService ? { identityService } : {}) };
      const answers = answersOf(flags);
      const context = projectContext(answers, '1.2.3');
      const manifest = buildManifest(answers, serviceRecords(answers), '1.2.3');
      expectSamePlans(renderProject(context, manifest, compiled), renderProject(context, manifest, fromSources));
    }
  });

  it.each(FRAMEWORKS)('render the entities add-entity adds to a %s project (later migrations, plural routes) as Handlebars does', (framework) => {
    const answers = answersOf(flagsOf(framework, 'jwt', 'redis', 'pip', '3.13', 'users,orders@postgres'));
    const manifest = buildManifest(answers, serviceRecords(answers), '1.2.3');
    const grown: Manifest = {
      ...manifest,
      services: manifest.services.map((service) => ({
        ...service,
        entities: [
          { name: service.entity, routePath: service.routePath },
          { name: 'line_item', routePath: 'line-items' },
          { name: 'category', routePath: 'categories' },
        ],
      })),
    };
    const byHandlebars = renderPristine(grown, 2030, fromSources);
    expect([...byHandlebars.keys()].filter((file) => file.includes('line_item')).length).toBeGreaterThan(2);
    expectSamePlans(renderPristine(grown, 2030, compiled), byHandlebars);
  });

  it('render a partial as Handlebars does', () => {
    const answers = answersOf(flagsOf('fastapi', 'none', 'none', 'uv', '3.12', 'payment-gateway'));
    const [service] = projectContext(answers, '1.2.3').services;
    const row = compiled.partial('readme-service-row')(service!);
    expect(row).toContain('payment-gateway');
    expect(row).toBe(fromSources.partial('readme-service-row')(service!));
  });
});

/** `source` rendered by Handlebars (as templates.ts compiles) and by compiler + runtime; thrown errors as `Error`. */
function bothWays(source: string, context: unknown, partials: Record<string, string> = {}): { handlebars: string; compiled: string } {
  const env = Handlebars.create();
  for (const [name, partial] of Object.entries(partials)) env.registerPartial(name, env.compile(partial, { noEscape: true, strict: true }));
  const attempt = (render: () => string) => {
    try {
      return render();
    } catch {
      return 'Error';
    }
  };
  const handlebars = attempt(() => env.compile(source, { noEscape: true, strict: true })(context));
  const parse = (text: string) => Handlebars.parse(text);
  const partialFiles: SourceFile[] = Object.entries(partials).map(([name, text]) => ({ relative: `${name}.hbs`, source: text }));
  const partialLayer = new Map<string, PartialRender>();
  const lookup = (name: string): PartialRender => partialLayer.get(name) ?? (() => { throw new Error(`no partial ${name}`); })();
  for (const [name, render] of readLayer(compileLayer('partials', partialFiles, parse), lookup)) partialLayer.set(name, render);
  const [[, render]] = readLayer(compileLayer('test', [{ relative: 't.hbs', source }], parse), lookup) as [[string, PartialRender]];
  return { handlebars, compiled: attempt(() => render(context)) };
}

describe('the template compiler and runtime', () => {
  const person = { name: 'Ada', title: '<Dr & "Sir">', zero: 0, empty: '', none: null, nothing: undefined, no: false, list: [], tags: ['a', 'b', 'c'] };
  const CASES: Array<[string, string, unknown]> = [
    ['values, never escaped', '{{name}} {{title}} {{{title}}} {{&title}}', person],
    ['null, undefined, false, 0 and empty values', '[{{none}}][{{nothing}}][{{no}}][{{zero}}][{{empty}}][{{list}}][{{tags}}]', person],
    ['a missing value (strict)', 'Hello {{missing}}', person],
    ['a missing nested value', '{{entity.missing}}', { entity: {} }],
    ['a value below a missing one', '{{entity.name}}', {}],
    ['a value below null', '{{entity.name}}', { entity: null }],
    ['nested paths and array indexes', '{{a.b.c}} {{list.[1].name}} {{list.length}}', { a: { b: { c: 'deep' } }, list: [{ name: 'x' }, { name: 'y' }] }],
    ['this, ., ./ and this.', '{{#each tags}}{{this}}{{.}}{{/each}} {{./name}} {{this.name}}', person],
    ['#if on every kind of value', '{{#if name}}1{{/if}}{{#if zero}}2{{else}}-2{{/if}}{{#if empty}}3{{/if}}{{#if list}}4{{else}}-4{{/if}}{{#if tags}}5{{/if}}{{#if none}}6{{/if}}{{#if missing}}7{{else}}-7{{/if}}', person],
    ['#unless and else', '{{#unless zero}}a{{else}}b{{/unless}}{{#unless name}}c{{else}}d{{/unless}}', person],
    ['else if chains', '{{#if no}}1{{else if zero}}2{{else if name}}3{{else}}4{{/if}}', person],
    ['an inverted block', '{{^if name}}no{{else}}yes{{/if}}{{^if zero}}zero{{/if}}', person],
    ['#with, its else and ../', '{{#with pet}}{{name}} of {{../name}}{{/with}}{{#with zero}}[{{this}}]{{/with}}{{#with none}}x{{else}}none{{/with}}', { ...person, pet: { name: 'Rex' } }],
    ['#each over arrays with @index, @first, @last and ../', '{{#each tags}}{{@index}}{{this}}{{#if @first}}F{{/if}}{{#unless @last}},{{/unless}}{{../name}}{{/each}}', person],
    ['#each over objects with @key', '{{#each pet}}{{@key}}={{this}}{{#unless @last}}&{{/unless}}{{/each}}', { pet: { name: 'Rex', age: 3 } }],
    ['#each over an empty array, a missing value and a string', '{{#each list}}x{{else}}empty{{/each}}{{#each missing}}x{{else}}missing{{/each}}{{#each name}}x{{else}}string{{/each}}', person],
    ['#each over an iterable', '{{#each set}}{{this}}{{/each}}', { set: new Set(['p', 'q']) }],
    ['nested #each and ../../', '{{#each groups}}{{#each items}}{{name}}/{{../label}}/{{../../title}};{{/each}}{{/each}}', { title: 'T', groups: [{ label: 'g1', items: [{ name: 'a' }, { name: 'b' }] }, { label: 'g2', items: [] }] }],
    ['../ where the item is the context itself', '{{#with this}}{{#with this}}{{../name}}{{/with}}{{/with}}', person],
    ['@index outside #each', '{{@index}}', person],
    ['whitespace control and standalone lines', 'a\n  {{#if name}}\n  b {{~ name ~}}  c\n  {{/if}}\n{{! comment }}\n{{!-- long\ncomment --}}\nd\n', person],
    ['escaped mustaches', '\\{{name}} {{name}}', person],
    ['windows line ends', 'a\r\n{{#if name}}\r\n{{name}}\r\n{{/if}}\r\n', person],
  ];
  it.each(CASES)('render %s as Handlebars does', (_name, source, context) => {
    const { handlebars, compiled: ours } = bothWays(source, context);
    expect(ours).toBe(handlebars);
  });

  it('throws where Handlebars throws (a missing value), with its message', () => {
    expect(() => readLayer(compileLayer('t', [{ relative: 't.hbs', source: 'x {{missing}}' }], Handlebars.parse), () => () => '')[0]![1]({})).toThrow(
      '"missing" not defined in [object Object]',
    );
  });

  it('renders partials with the context and @data, each line indented as the standalone call', () => {
    const partials = { row: '- {{name}} ({{@index}})\n  {{label}}\n', inline: '[{{name}}]' };
    const source = 'list:\n{{#each items}}\n    {{> row}}\n{{/each}}\ninline {{> inline}} end\n';
    const { handlebars, compiled: ours } = bothWays(source, { name: 'top', items: [{ name: 'a', label: 'A' }, { name: 'b', label: 'B' }] }, partials);
    expect(handlebars).toContain('    - a (0)\n      A\n');
    expect(ours).toBe(handlebars);
  });

  const UNSUPPORTED: Array<[string, string]> = [
    ['a helper of our own', '{{#upper name}}x{{/upper}}'],
    ['a helper called with parameters', '{{upper name}}'],
    ['a built-in helper in a value', '{{lookup this "name"}}'],
    ['the name of a helper as a value', '{{log}}'],
    ['a sub-expression', '{{#if (eq a b)}}x{{/if}}'],
    ['hash arguments', '{{#each items key="id"}}x{{/each}}'],
    ['#each without a value', '{{#each}}x{{/each}}'],
    ['block parameters', '{{#each items as |item|}}{{item}}{{/each}}'],
    ['a partial with a context', '{{> row item}}'],
    ['a partial with hash arguments', '{{> row name="x"}}'],
    ['a dynamic partial', '{{> (name)}}'],
    ['a partial block', '{{#> row}}fallback{{/row}}'],
    ['a missing partial', '{{> nowhere}}'],
    ['a decorator', '{{* decorate}}'],
    ['an unknown @data variable', '{{@partial-block}}'],
    ['@root', '{{#each tags}}{{@root.name}}{{/each}}'],
    ['@data of a parent frame', '{{#each a}}{{@../index}}{{/each}}'],
    ['a literal value', '{{"text"}}'],
    ['a mustache-style section', '{{#items}}x{{/items}}'],
    ['a raw block', '{{{{raw}}}}{{x}}{{{{/raw}}}}'],
    ['a syntax error', '{{#if a}}'],
  ];
  it.each(UNSUPPORTED)('refuses %s, naming the template and line', (_name, source) => {
    const compile = () => compileLayer('service/base', [{ relative: 'dir/file.py.hbs', source: `line one\n${source}` }], Handlebars.parse, new Set(['row']));
    expect(compile).toThrow(TemplateCompileError);
    expect(compile).toThrow(/^templates\/service\/base\/dir\/file\.py\.hbs/);
  });

  it('keeps static files as they are, each text once, and names outputs as the build does', () => {
    const text = compileLayer(
      'service/base',
      [
        { relative: 'dot-gitignore', source: '{{not rendered}}\n' },
        { relative: 'a/__init__.py', source: 'same\n' },
        { relative: 'b/__init__.py', source: 'same\n' },
        { relative: 'app/__entity__.py.hbs', source: 'class {{name}}: pass\n' },
      ],
      Handlebars.parse,
    );
    expect(text.split('same\n').length).toBe(2);
    const files = readLayer(text, () => () => '');
    expect(files.map(([outputPath]) => outputPath)).toEqual(['.gitignore', 'a/__init__.py', 'b/__init__.py', 'app/__entity__.py']);
    expect(files.map(([, render]) => render({ name: 'User' }))).toEqual(['{{not rendered}}\n', 'same\n', 'same\n', 'class User: pass\n']);
  });
});
