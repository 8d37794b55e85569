import { execFileSync } from 'node:child_process';
import { planProject } from '../../src/commands/create.js';
import { resolveFromFlags, type CreateFlags } from '../../src/options.js';
import type { Plan } from '../../src/render/plan.js';

export const TEST_VERSION = '9.9.9';

/** Render a project in memory from flag values, as `create --yes` would. */
export function planFor(directory: string, flags: Partial<CreateFlags> = {}): Plan {
  const answers = resolveFromFlags(directory, { install: true, test: true, git: true, ...flags }, { cwd: '/tmp', uvAvailable: true });
  return planProject(answers, TEST_VERSION);
}

/**
 * Ask Python to parse files of a plan: `.py` with ast, `.toml` with tomllib. Returns the
 * problems found, one line per file ("path: message").
 */
export function pythonParseProblems(plan: Plan): string[] {
  const files = Object.fromEntries([...plan].filter(([file]) => file.endsWith('.py') || file.endsWith('.toml')));
  const script = `
import ast, json, sys, tomllib
problems = []
for path, text in json.load(sys.stdin).items():
    try:
        if path.endswith(".py"):
            ast.parse(text, filename=path)
        else:
            tomllib.loads(text)
    except Exception as error:
        problems.append(f"{path}: {error}")
print(json.dumps(problems))
`;
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify(files), encoding: 'utf8' });
  return JSON.parse(out) as string[];
}
