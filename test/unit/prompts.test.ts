/**
 * The questions of `create`, driven through a stand-in for @clack/prompts: what is offered
 * depends on the tools a (fake) PATH lookup finds, and nothing is asked that cannot be done.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const events: string[] = [];
const selects: Array<{ message: string; initialValue: unknown; options: Array<{ value: unknown; label?: string; disabled?: boolean }> }> = [];

vi.mock('@clack/prompts', () => ({
  isCancel: () => false,
  text: async (options: { message: string; defaultValue?: string }) => {
    events.push(`text: ${options.message}`);
    return options.defaultValue ?? '';
  },
  select: async (options: (typeof selects)[number]) => {
    events.push(`select: ${options.message}`);
    selects.push(options);
    return options.initialValue;
  },
  confirm: async (options: { message: string; initialValue?: boolean }) => {
    events.push(`confirm: ${options.message}`);
    return options.initialValue ?? true;
  },
  log: { warn: (message: string) => events.push(`warn: ${message}`) },
}));

const { askCreateQuestions, packageManagerQuestion } = await import('../../src/prompts.js');

const flags = { install: true, test: true, git: true };
const lookupWithout = (...missing: string[]) => (tool: string) => {
  events.push(`lookup: ${tool}`);
  return !missing.includes(tool);
};
const ask = (missing: string[], given: string[] = [], extra: object = {}) =>
  askCreateQuestions({ directory: 'demo', flags: { ...flags, ...extra }, given: new Set(given), cwd: '/tmp', lookup: lookupWithout(...missing) });

beforeEach(() => {
  events.length = 0;
  selects.length = 0;
});

describe('packageManagerQuestion', () => {
  it('offers uv first when it is on PATH', () => {
    const question = packageManagerQuestion(() => true);
    expect(question.initialValue).toBe('uv');
    expect(question.options.every((option) => !option.disabled)).toBe(true);
  });

  it('shows uv as not found, and does not let it be chosen, when it is not on PATH', () => {
    const question = packageManagerQuestion((tool) => tool !== 'uv');
    expect(question.initialValue).toBe('pip');
    expect(question.options.find((option) => option.value === 'uv')).toMatchObject({ label: 'uv (not found on PATH)', disabled: true });
    expect(question.options.find((option) => option.value === 'pip')?.disabled).toBeFalsy();
  });

  it('keeps pip choosable without python3, saying it is missing', () => {
    const question = packageManagerQuestion(() => false);
    expect(question.initialValue).toBe('pip');
    expect(question.options.find((option) => option.value === 'pip')).toMatchObject({ hint: expect.stringMatching(/python3, not found/) });
  });
});

describe('askCreateQuestions', () => {
  it('looks uv up before the package-manager question, and offers pip without it', async () => {
    const answers = await ask(['uv']);
    expect(events.indexOf('lookup: uv')).toBeLessThan(events.indexOf('select: Python package manager?'));
    const question = selects.find((select) => select.message === 'Python package manager?')!;
    expect(question.options.find((option) => option.value === 'uv')?.disabled).toBe(true);
    expect(answers.flags.packageManager).toBe('pip');
    expect(answers.flags.install).toBe(true);
  });

  it.each([
    [['make'], /make is not on PATH/],
    [['uv', 'python3'], /python3 is not on PATH/],
    [['make', 'uv', 'python3'], /make and python3 are not on PATH/],
  ])('does not offer to install when %j are missing, and says why', async (missing, message) => {
    const answers = await ask(missing);
    expect(events.some((event) => event.startsWith('confirm: Install'))).toBe(false);
    expect(events.find((event) => event.startsWith('warn:'))).toMatch(message);
    expect(answers.flags).toMatchObject({ install: false, test: false });
  });

  it('checks the tools of a package manager given as a flag before the install question', async () => {
    const answers = await ask(['uv'], ['packageManager'], { packageManager: 'uv' });
    expect(selects.some((select) => select.message === 'Python package manager?')).toBe(false);
    expect(events.find((event) => event.startsWith('warn:'))).toMatch(/uv is not on PATH/);
    expect(answers.flags.install).toBe(false);
  });

  it('asks whether to install when every tool is there', async () => {
    const answers = await ask([]);
    expect(events).toContain('confirm: Install dependencies and run the tests now?');
    expect(answers.flags).toMatchObject({ packageManager: 'uv', install: true, test: true });
  });
});
