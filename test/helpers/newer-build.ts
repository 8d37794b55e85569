/**
 * A second build of the CLI whose templates differ from this one's, for update tests: dist/
 * and bin/ copied to a temporary folder, the version raised, and template layers wrapped so
 * that files are changed, added or removed. Only the precompiled layers' contract is relied
 * on (`module.exports = [[relativePath, stringOrSpec], ...]`, read by precompiledTemplates).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './cli.js';

export interface TemplateChanges {
  /** Layer module name (`project`, `service-base`) -> template path -> its new static contents (null: removed). */
  [layer: string]: Record<string, string | null>;
}

const require = createRequire(import.meta.url);

export const currentVersion = (): string => (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The current contents of a static (non-Handlebars) template, as the build holds it. */
export function staticTemplate(layer: string, file: string): string {
  const entries = require(path.join(repoRoot, 'dist/templates', `${layer}.cjs`)) as Array<[string, unknown]>;
  const entry = entries.find(([relative]) => relative === file);
  if (typeof entry?.[1] !== 'string') throw new Error(`${layer}/${file} is not a static template of this build`);
  return entry[1];
}

/** Build the newer CLI in `dir`; returns the path of its bin script. */
export function newerBuild(dir: string, version: string, changes: TemplateChanges): string {
  fs.cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.cpSync(path.join(repoRoot, 'bin'), path.join(dir, 'bin'), { recursive: true });
  const index = path.join(dir, 'dist/index.js');
  const literal = JSON.stringify(currentVersion());
  const code = fs.readFileSync(index, 'utf8');
  // The version is inlined once by the build (tsup define); more or fewer means the build changed.
  if (code.split(literal).length !== 2) throw new Error(`expected ${literal} exactly once in dist/index.js`);
  fs.writeFileSync(index, code.replace(literal, JSON.stringify(version)));
  for (const [layer, files] of Object.entries(changes)) {
    const module = path.join(dir, 'dist/templates', `${layer}.cjs`);
    fs.renameSync(module, module.replace(/\.cjs$/, '.orig.cjs'));
    fs.writeFileSync(
      module,
      [
        `const changes = ${JSON.stringify(files)};`,
        `const kept = require('./${layer}.orig.cjs').filter(([file]) => !(file in changes));`,
        'module.exports = [...kept, ...Object.entries(changes).filter(([, text]) => text !== null)];',
        '',
      ].join('\n'),
    );
  }
  return path.join(dir, 'bin/create-layered-backend.js');
}
