import { ValidationError } from '@tasksgodzilla/core';
import { renderTemplate, templateVariables } from './template-render.js';

describe('renderTemplate', () => {
  it('substitutes {{var}} and {{ var }} in one pass', () => {
    expect(renderTemplate('Hi {{name}}, {{ name }}! n={{n}} ok={{ok}}', { name: 'Ada', n: 3, ok: false })).toBe(
      'Hi Ada, Ada! n=3 ok=false',
    );
  });

  it('never expands braces that come from a value', () => {
    expect(renderTemplate('A {{a}} B {{b}}', { a: '{{b}}', b: 'x' })).toBe('A {{b}} B x');
  });

  it('accepts empty strings and ignores extra variables', () => {
    expect(renderTemplate('[{{a}}]', { a: '', unused: 'x' })).toBe('[]');
  });

  it('lists every missing variable in one ValidationError with field paths', () => {
    let caught: unknown;
    try {
      renderTemplate('{{a}} {{b}} {{c}} {{a}}', { b: null, c: 'ok' }, 'role qa');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.message).toBe('Missing prompt variables for role qa: a, b');
    expect(error.issues).toEqual([
      { path: ['vars', 'a'], message: 'required by the template' },
      { path: ['vars', 'b'], message: 'required by the template' },
    ]);
  });

  it('does not treat inherited properties as given', () => {
    expect(() => renderTemplate('{{toString}}', {})).toThrow(ValidationError);
  });

  it('lists template variables once, in order', () => {
    expect(templateVariables('{{b}} {{ a }} {{b}} {not} {{1x}}')).toEqual(['b', 'a']);
  });
});
