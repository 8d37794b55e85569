import { describe, expect, it } from 'vitest';
import { runsInCI } from '../../src/ui.js';

describe('runsInCI', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['github-actions', true],
    ['false', false],
    ['False', false],
    [' false ', false],
    ['0', false],
    ['', false],
    ['  ', false],
    [undefined, false],
  ])('CI=%j means CI: %s', (value, expected) => {
    expect(runsInCI(value)).toBe(expected);
  });
});
