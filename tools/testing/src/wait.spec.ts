import { testRuntimeConfig, waitFor } from './index.js';

describe('waitFor', () => {
  it('returns the first value that passes the check', async () => {
    let reads = 0;
    const value = await waitFor(
      async () => ++reads,
      (count) => count >= 3,
      'three reads',
    );
    expect([value, reads]).toEqual([3, 3]);
  });

  it('fails after the timeout, naming what it waited for and the last value', async () => {
    await expect(
      waitFor(
        async () => ({ status: 'running' }),
        () => false,
        'the run to end',
        0,
      ),
    ).rejects.toThrow('timed out waiting for the run to end; last value: {"status":"running"}');
  });
});

describe('testRuntimeConfig', () => {
  it('puts every file of the runtime under the folder', () => {
    expect(testRuntimeConfig('/tmp/x')).toMatchObject({
      dataDir: '/tmp/x',
      dbPath: '/tmp/x/tgz.sqlite',
      runsDir: '/tmp/x/runs',
      projectsRoot: '/tmp/x/projects',
      defaultEngine: 'shell',
    });
  });
});
