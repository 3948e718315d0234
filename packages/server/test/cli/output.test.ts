import { describe, expect, it } from 'vitest';
import { formatRecord, formatTable, formatValue } from '../../src/cli/output.js';

describe('CLI output', () => {
  it('aligns columns, upper-cases headers and leaves no trailing spaces', () => {
    const rows = [
      { id: 'a', name: 'short', note: null },
      { id: 'bbbb', name: 'a longer name', note: 'x' },
    ];
    const table = formatTable(rows, [
      { header: 'id', value: (r) => r.id },
      { header: 'name', value: (r) => r.name },
      { header: 'note', value: (r) => r.note },
    ]);
    expect(table).toBe(
      ['ID    NAME           NOTE', 'a     short          -', 'bbbb  a longer name  x', ''].join('\n'),
    );
  });

  it('prints dates to the second, lists comma-separated and absent values as -', () => {
    expect(formatValue(new Date('2030-01-02T03:04:05.678Z'))).toBe('2030-01-02T03:04:05Z');
    expect(formatValue(['a:b', 'c:d'])).toBe('a:b, c:d');
    expect(formatValue([])).toBe('-');
    expect(formatValue(undefined)).toBe('-');
    expect(formatValue({ b: 1 })).toBe('{"b":1}');
    expect(
      formatRecord([
        ['id', 1],
        ['userName', 'ada'],
      ]),
    ).toBe('id:       1\nuserName: ada\n');
  });

  it('neutralizes control characters so stored text cannot drive the terminal', () => {
    expect(formatValue('evil\u001b]0;pwned\u0007name\nnext')).toBe('evil?]0;pwned?name next');
  });
});
