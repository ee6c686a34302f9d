import { createHash } from 'node:crypto';
import type { JsonObject } from '@tasksgodzilla/core';
import { canonicalJson, pythonFloatRepr, specHash } from './spec.hash.js';
import { specFromTemplateConfig } from './spec.meta.js';
import { fileStepSpec } from './spec.test-helpers.js';

const sha12 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);

// Expected hashes below were generated once with CPython 3.11:
//   hashlib.sha256(json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
//                  .encode("utf-8")).hexdigest()[:12]
// and pasted here as literals, together with the canonical strings Python printed.
describe('canonicalJson / specHash (Python json.dumps compatible)', () => {
  const vectors: { name: string; value: unknown; canonical: string; hash: string }[] = [
    { name: 'empty object', value: {}, canonical: '{}', hash: '44136fa355b3' },
    {
      name: 'file-built spec',
      value: { steps: [fileStepSpec('01-build.md', 1, { engine_id: 'codex' })] },
      canonical:
        '{"steps":[{"engine_id":"codex","id":"01-build","model":null,"name":"01-build.md","order":1,"outputs":{"protocol":"outputs/01-build.md"},"policies":[],"prompt_ref":"01-build.md","qa":{"policy":"full","prompt":null},"step_type":"work"}]}',
      hash: '977542eba165',
    },
    {
      name: 'nested objects and arrays, upper-case and underscore keys',
      value: { z: { b: [1, 2, { y: true, x: false }], a: null }, a: 'x', M: [], _: {} },
      canonical: '{"M":[],"_":{},"a":"x","z":{"a":null,"b":[1,2,{"x":false,"y":true}]}}',
      hash: 'c3117fbc0fc1',
    },
    {
      name: 'unicode (é, ☕, emoji as a surrogate pair) and control characters',
      value: { name: 'café ☕ 😀', 'k\u00e9y': 'ü', tab: 'a\tb\nc"d\\e\u0001\u007f' },
      canonical:
        '{"k\\u00e9y":"\\u00fc","name":"caf\\u00e9 \\u2615 \\ud83d\\ude00","tab":"a\\tb\\nc\\"d\\\\e\\u0001\\u007f"}',
      hash: 'a2b311c04aaf',
    },
    {
      name: 'floats printed as Python repr',
      value: {
        f: [
          0.5, 1.5e-7, 1e-5, 0.0001, 123.456, 2.5e-300, -0.25, 3.14159, 1.7976931348623157e308, 5e-324, 0.1, 1e16,
          1.5e16, 1e22,
        ],
      },
      canonical:
        '{"f":[0.5,1.5e-07,1e-05,0.0001,123.456,2.5e-300,-0.25,3.14159,1.7976931348623157e+308,5e-324,0.1,1e+16,1.5e+16,1e+22]}',
      hash: '3948edaf710e',
    },
    {
      name: 'integers up to the safe limit',
      value: { n: [0, -1, 42, 9007199254740991, -9007199254740991] },
      canonical: '{"n":[0,-1,42,9007199254740991,-9007199254740991]}',
      hash: 'deafa8096b12',
    },
    {
      name: 'keys sorted by code point (U+FFFF before an astral character)',
      value: { '😀': 2, '\uffff': 1, a: 3 },
      canonical: '{"a":3,"\\uffff":1,"\\ud83d\\ude00":2}',
      hash: '5eb497a7ea97',
    },
    {
      name: 'CodeMachine-style spec with a loop policy and non-ASCII description',
      value: {
        steps: [
          {
            id: 'build',
            name: '00-build',
            engine_id: null,
            model: 'gpt-5',
            prompt_ref: 'prompts/build.md',
            outputs: { aux: { codemachine: 'outputs/build.md' } },
            step_type: 'setup',
            policies: [
              {
                module_id: 'check',
                behavior: 'loop',
                max_iterations: 3,
                step_back: 1,
                skip_steps: [],
                trigger_agent_id: null,
                target_agent_id: 'build',
                condition: null,
                conditions: null,
              },
            ],
            qa: { policy: 'skip', prompt: null },
            order: 0,
            description: 'Build — étape',
          },
        ],
        placeholders: { ROOT: 'src' },
        template: { template: 'demo', version: '1' },
      },
      canonical:
        '{"placeholders":{"ROOT":"src"},"steps":[{"description":"Build \\u2014 \\u00e9tape","engine_id":null,"id":"build","model":"gpt-5","name":"00-build","order":0,"outputs":{"aux":{"codemachine":"outputs/build.md"}},"policies":[{"behavior":"loop","condition":null,"conditions":null,"max_iterations":3,"module_id":"check","skip_steps":[],"step_back":1,"target_agent_id":"build","trigger_agent_id":null}],"prompt_ref":"prompts/build.md","qa":{"policy":"skip","prompt":null},"step_type":"setup"}],"template":{"template":"demo","version":"1"}}',
      hash: '00b8fd651b86',
    },
  ];

  it.each(vectors)('$name', ({ value, canonical, hash }) => {
    expect(canonicalJson(value)).toBe(canonical);
    // The literal canonical string hashed independently gives the Python hash.
    expect(sha12(canonical)).toBe(hash);
    expect(specHash(value)).toBe(hash);
  });

  it('hashes null, undefined and an empty spec as {}', () => {
    expect(specHash(null)).toBe('44136fa355b3');
    expect(specHash(undefined)).toBe('44136fa355b3');
    expect(specHash({})).toBe('44136fa355b3');
  });

  it('does not depend on key insertion order', () => {
    expect(specHash({ a: 1, b: { d: 2, c: 3 } })).toBe(specHash({ b: { c: 3, d: 2 }, a: 1 }));
  });

  it('omits undefined object values and writes undefined array items as null, like JSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('documents the divergences: integral floats print as ints, unsafe integers as floats', () => {
    // Python: json.dumps({"x": 1.0}) == '{"x":1.0}' → bf32f5623689; {"x": 1} → 5041bf1f713d.
    // JSON.parse('{"x":1.0}') is indistinguishable from {x: 1}, so both hash like the Python int.
    expect(specHash(JSON.parse('{"x":1.0}'))).toBe('5041bf1f713d');
    expect(specHash({ x: 1 })).toBe('5041bf1f713d');
    // Python int 10**16 prints all digits; here 1e16 is beyond 2^53 and prints as the float 1e+16.
    expect(canonicalJson(1e16)).toBe('1e+16');
    expect(canonicalJson(-0)).toBe('0');
  });

  it('formats floats as Python repr', () => {
    expect(pythonFloatRepr(0.5)).toBe('0.5');
    expect(pythonFloatRepr(1e-5)).toBe('1e-05');
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(1.5e16)).toBe('1.5e+16');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(123456789012345.6)).toBe('123456789012345.6');
    expect(pythonFloatRepr(-2.5e-7)).toBe('-2.5e-07');
    expect(pythonFloatRepr(1.0)).toBe('1.0');
  });

  it('prints non-finite numbers as Python does', () => {
    expect(canonicalJson([NaN, Infinity, -Infinity])).toBe('[NaN,Infinity,-Infinity]');
  });

  it('remembers a spec read again (a fresh object with the same JSON) and never mixes up values JSON cannot tell apart', () => {
    const spec = { steps: [{ name: '00-step.md', qa: { policy: 'full' } }], version: 1 };
    const first = specHash(spec);
    expect(specHash(JSON.parse(JSON.stringify(spec)))).toBe(first);
    expect(specHash({ ...spec, version: 2 })).not.toBe(first);
    // JSON writes NaN and null alike; the canonical form (and so the hash) does not.
    expect(specHash({ x: null })).toBe(sha12('{"x":null}'));
    expect(specHash({ x: NaN })).toBe(sha12('{"x":NaN}'));
    expect(specHash({ x: null })).toBe(sha12('{"x":null}'));
    expect(specHash({ x: new Map() })).toBe(sha12('{"x":{}}'));
    expect(specHash({ x: 10n })).toBe(sha12('{"x":10}'));
  });
});

describe('specHash and specFromTemplateConfig of a deep-frozen template_config (shared by platform-storage)', () => {
  const config = () => ({
    protocol_spec: { steps: [fileStepSpec('01-build.md', 1, { engine_id: 'codex' })] } as unknown as JsonObject,
  });
  const deepFreeze = <T>(value: T): T => {
    if (typeof value === 'object' && value !== null) {
      Object.freeze(value);
      Object.values(value).forEach(deepFreeze);
    }
    return value;
  };

  it('parses a frozen spec once and hands out that one frozen spec; a mutable one afresh each time', () => {
    const frozen = deepFreeze(config());
    const first = specFromTemplateConfig(frozen);
    expect(first).not.toBeNull();
    expect(specFromTemplateConfig(frozen)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first?.steps[0])).toBe(true);

    const mutable = config();
    const a = specFromTemplateConfig(mutable);
    expect(a).toEqual(first);
    expect(specFromTemplateConfig(mutable)).not.toBe(a);
  });

  it('the hash of a frozen spec is the hash of an equal mutable one, and a changed copy hashes differently', () => {
    const frozen = specFromTemplateConfig(deepFreeze(config()));
    const mutable = specFromTemplateConfig(config());
    expect(specHash(frozen)).toBe(specHash(mutable));
    expect(specHash(frozen)).toBe(specHash(frozen));
    mutable!.steps[0]!.engine_id = 'claude';
    expect(specHash(mutable)).not.toBe(specHash(frozen));
  });

  it('a frozen object with something mutable inside is hashed by its text each time (a change inside shows)', () => {
    const inner = { engine_id: 'codex' };
    const outer = Object.freeze({ steps: [inner] });
    const before = specHash(outer);
    inner.engine_id = 'claude';
    expect(specHash(outer)).not.toBe(before);
  });
});
