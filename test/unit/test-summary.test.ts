import { describe, expect, it } from 'vitest';
import { summarisePytest } from '../../src/steps/test.js';

describe('summarisePytest', () => {
  it('collects summaries and groups skip reasons', () => {
    const output = [
      'tests/test_user_routes.py ....s',
      '=========================== short test summary info ============================',
      'SKIPPED [3] tests/conftest.py:41: PostgreSQL at 127.0.0.1:5433 is not reachable; start it with: docker compose up -d users-db',
      'SKIPPED [1] tests/test_x.py: PostgreSQL at 127.0.0.1:5433 is not reachable; start it with: docker compose up -d users-db',
      '======================== 10 passed, 4 skipped in 1.02s =========================',
      '============================== 5 passed in 3.10s ===============================',
    ].join('\n');
    expect(summarisePytest(output)).toEqual({
      summaries: ['10 passed, 4 skipped in 1.02s', '5 passed in 3.10s'],
      skipped: [{ reason: 'PostgreSQL at 127.0.0.1:5433 is not reachable; start it with: docker compose up -d users-db', count: 4 }],
    });
  });

  it('reads a summary with subtests, passed or failed', () => {
    const output = [
      '================ 1 failed, 426 passed, 1 subtests failed, 41 subtests passed in 4.15s ================',
      '================ 427 passed, 42 subtests passed in 4.15s ================',
    ].join('\n');
    expect(summarisePytest(output).summaries).toEqual(['1 failed, 426 passed, 1 subtests failed, 41 subtests passed in 4.15s', '427 passed, 42 subtests passed in 4.15s']);
  });

  it('finds nothing in output without pytest', () => {
    expect(summarisePytest('make: *** [Makefile:3: test] Error 1')).toEqual({ summaries: [], skipped: [] });
  });
});
