/**
 * The published CLI renders from templates precompiled by the build (dist/templates); tests
 * and checkouts compile them from templates/. Both must give the same bytes for every layer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectContext, serviceRecords } from '../../src/context.js';
import { buildManifest } from '../../src/manifest.js';
import { BROKERS } from '../../src/brokers.js';
import { FRAMEWORKS } from '../../src/frameworks.js';
import { resolveFromFlags } from '../../src/options.js';
import { renderProject } from '../../src/render/project.js';
import { diskTemplates, precompiledTemplates, templatesRoot } from '../../src/render/templates.js';

const dist = path.resolve(import.meta.dirname, '../../dist/templates');

describe('precompiled templates', () => {
  it('exist after the build, one module per layer and the partials', () => {
    const layers = fs.readdirSync(path.join(templatesRoot(), 'service')).map((name) => `service-${name}.cjs`);
    const projectLayers = fs.readdirSync(templatesRoot()).filter((name) => name.startsWith('project-')).map((name) => `${name}.cjs`);
    expect(projectLayers.length).toBeGreaterThan(0);
    expect(fs.readdirSync(dist).sort()).toEqual(['partials.cjs', 'project.cjs', ...projectLayers, ...layers].sort());
  });

  it.each(FRAMEWORKS.flatMap((framework) => BROKERS.map((broker) => [framework, broker] as const)))('render every file of a %s project on every database, broker %s, exactly as the sources do', (framework, broker) => {
    const answers = resolveFromFlags(
      'demo',
      { services: 'users,orders@postgres,catalog:product@mysql', framework, broker, install: true, test: true, git: true },
      { cwd: '/tmp', uvAvailable: true },
    );
    const context = projectContext(answers, '1.2.3');
    const manifest = buildManifest(answers, serviceRecords(answers), '1.2.3');
    const fromSources = renderProject(context, manifest, diskTemplates(templatesRoot()));
    const precompiled = renderProject(context, manifest, precompiledTemplates(dist));
    expect([...precompiled.keys()].sort()).toEqual([...fromSources.keys()].sort());
    for (const [file, text] of fromSources) expect(precompiled.get(file), file).toBe(text);
  });

  it('render a partial as the sources do', () => {
    const answers = resolveFromFlags('demo', { services: 'payment-gateway', install: true, test: true, git: true }, { cwd: '/tmp', uvAvailable: true });
    const [service] = projectContext(answers, '1.2.3').services;
    const row = precompiledTemplates(dist).partial('readme-service-row')(service!);
    expect(row).toContain('payment-gateway');
    expect(row).toBe(diskTemplates(templatesRoot()).partial('readme-service-row')(service!));
  });
});
