import { repositoryKey, repositoryKeys } from './ci-routing.js';

describe('repositoryKey', () => {
  it.each([
    ['https://github.com/Acme/Demo.git', { host: 'github.com', path: 'acme/demo' }],
    ['https://user:tok@github.com:443/acme/demo/', { host: 'github.com', path: 'acme/demo' }],
    ['git@github.com:acme/demo.git', { host: 'github.com', path: 'acme/demo' }],
    ['ssh://git@gitlab.example.com:2222/group/sub/demo.git', { host: 'gitlab.example.com', path: 'group/sub/demo' }],
    ['acme/demo', { host: null, path: 'acme/demo' }],
  ])('normalises %s', (value, expected) => {
    expect(repositoryKey(value)).toEqual(expected);
  });

  it.each(['', '   ', '/srv/repos/demo', './demo', 'file:///srv/demo.git', 'demo'])(
    'gives null for %j (nothing a forge names)',
    (value) => {
      expect(repositoryKey(value)).toBeNull();
    },
  );

  it('collects the keys of a full name and its URLs, skipping unusable ones', () => {
    expect(repositoryKeys({ full_name: 'acme/demo', urls: ['git@github.com:acme/demo.git', '/local'] })).toEqual([
      { host: null, path: 'acme/demo' },
      { host: 'github.com', path: 'acme/demo' },
    ]);
    expect(repositoryKeys(null)).toEqual([]);
  });
});
