/**
 * A second build of the CLI whose templates differ from this one's, for update tests: dist/
 * and bin/ copied to a temporary folder, the version raised, and template layers wrapped so
 * that files are changed, added or removed. Only the compiled layers' format is relied on
 * (src/render/template-format.ts: an index line of JSON, then the text its pieces are cut from).
 */
import fs from 'node:fs';
import path from 'node:path';
import { layerFile, outputPathOf, type LayerIndex } from '../../src/render/template-format.js';
import { repoRoot } from './cli.js';

export interface TemplateChanges {
  /** Layer name (`project`, `service-base`) -> template path (as in templates/) -> its new static contents (null: removed). */
  [layer: string]: Record<string, string | null>;
}

interface Layer {
  index: LayerIndex;
  text: string;
}

function readLayer(file: string): Layer {
  const contents = fs.readFileSync(file, 'utf8');
  const newline = contents.indexOf('\n');
  return { index: JSON.parse(contents.slice(0, newline)) as LayerIndex, text: contents.slice(newline + 1) };
}

const pieceText = ({ index, text }: Layer, piece: number): string => {
  const start = index.t.slice(0, piece).reduce((sum, length) => sum + length, 0);
  return text.slice(start, start + index.t[piece]!);
};

export const currentVersion = (): string => (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The current contents of a static (non-Handlebars) template, as the build holds it (`file` as in templates/). */
export function staticTemplate(layer: string, file: string): string {
  const compiled = readLayer(path.join(repoRoot, 'dist/templates', layerFile(layer)));
  const entry = compiled.index.f.find(([outputPath]) => outputPath === outputPathOf(file));
  if (typeof entry?.[1] !== 'number') throw new Error(`${layer}/${file} is not a static template of this build`);
  return pieceText(compiled, entry[1]);
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
    const file = path.join(dir, 'dist/templates', layerFile(layer));
    const compiled = readLayer(file);
    const changed = new Map(Object.entries(files).map(([relative, text]) => [outputPathOf(relative), text]));
    const kept = compiled.index.f.filter(([outputPath]) => !changed.has(outputPath));
    // A new or changed file's text is a new piece after the others.
    let text = compiled.text;
    const added: LayerIndex['f'] = [];
    for (const [outputPath, contents] of changed) {
      if (contents === null) continue;
      added.push([outputPath, compiled.index.t.length]);
      compiled.index.t.push(contents.length);
      text += contents;
    }
    fs.writeFileSync(file, `${JSON.stringify({ t: compiled.index.t, f: [...kept, ...added] })}\n${text}`);
  }
  return path.join(dir, 'bin/create-layered-backend.js');
}
