// placeholder until the templates land; replaced by the dependency catalog
import type { Database, Framework } from './options.js';
export function pythonDependencies(_framework: Framework, _db: Database): { dependencies: string[]; devDependencies: string[] } {
  return { dependencies: [], devDependencies: [] };
}
