/**
 * The published CLI renders from templates precompiled by the build (dist/templates); tests
 * and checkouts compile them from templates/. Both must give the same bytes for every layer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectContext, serviceRecords } from '../../src/context.js';
import { buildManifest } from '../../src/manifest.js';
import { AUTHS } from '../../src/auth.js';
import { BROKERS } from '../../src/brokers.js';
import { FRAMEWORKS } from '../../src/frameworks.js';
import { resolveFromFlags } from '../../src/options.js';
import { renderProject } from '../../src/render/project.js';
import { diskTemplates, precompiledTemplates, templatesRoot } from '../../src/render/templates.js';

const dist = path.resolve(import.meta.dirname, '../../dist/templates');

describe('precompiled templates', () => {
  it('exist after the build, one module per layer and the partials', () => {
    const layers = fs.readdirSync(path.join(templatesRoot(), 'service')).map((name) => `service-${name}.cjs`);
    const roots = fs.readdirSync(templatesRoot()).filter((name) => name.startsWith('project')).map((name) => `${name}.cjs`);
    expect(roots).toContain('project.cjs');
    expect(roots.length).toBeGreaterThan(1);
    expect(fs.readdirSync(dist).sort()).toEqual(['partials.cjs', ...roots, ...layers].sort());
  });

  // Every choice of auth with every broker: the overlays of both meet in some files.
  const CHOICES = FRAMEWORKS.flatMap((framework) => AUTHS.flatMap((auth) => BROKERS.map((broker) => [framework, auth, broker] as const)));
  it.each(CHOICES)('render every file of a %s project (auth %s, broker %s) on every database exactly as the sources do', (framework, auth, broker) => {
    const answers = resolveFromFlags(
      'demo',
      { services: 'users,orders@postgres,catalog:product@mysql', framework, auth, broker, install: true, test: true, git: true },
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
