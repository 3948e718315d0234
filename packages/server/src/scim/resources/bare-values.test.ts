import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/errors.js';
import { parseFilter } from '../filter/parse.js';
import { parseFilterLenient, quoteBareValues } from './bare-values.js';

describe('parseFilterLenient', () => {
  it.each([
    ['userName sw O', 'userName sw "O"'],
    [
      'meta.Created gt 2015-10-10T14:38:21.8617979-07:00',
      'meta.Created gt "2015-10-10T14:38:21.8617979-07:00"',
    ],
    [
      'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
      'name.FamilyName eq "Employee" and (emails.Value co "example.com" or emails.Value co "example.org")',
    ],
  ])('reads %s as %s', (bare, quoted) => {
    expect(parseFilterLenient(bare)).toEqual(parseFilter(quoted));
  });

  it('leaves JSON values and strings alone', () => {
    expect(quoteBareValues('a eq true and b eq 12 and c eq null and d eq "x eq y"')).toBe(
      'a eq true and b eq 12 and c eq null and d eq "x eq y"',
    );
  });

  it('reports the error of the filter as written when quoting does not help', () => {
    let error: unknown;
    try {
      parseFilterLenient('userName eq');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).scimType).toBe('invalidFilter');
    expect((error as TesseraError).message).toContain('position 11');
  });
});
