/**
 * Tokens of the filter language, scanned on demand (one token of look-ahead), so nothing is
 * built for input the parser never reaches. Internal to the filter and path parsers.
 */

export type Token =
  | { readonly kind: 'word'; readonly start: number; readonly end: number; readonly text: string }
  | { readonly kind: 'string'; readonly start: number; readonly end: number; readonly value: string }
  | { readonly kind: 'number'; readonly start: number; readonly end: number; readonly value: number }
  | { readonly kind: '(' | ')' | '[' | ']' | 'end'; readonly start: number; readonly end: number }
  /** A character no token starts with; the parser reports it against what it expected. */
  | { readonly kind: 'char'; readonly start: number; readonly end: number; readonly text: string };

export type Fail = (message: string, position: number) => never;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** Characters of an attribute path: ALPHA, DIGIT, `-`, `_`, `.`, `:` (URN and sub-attribute), `$` (`$ref`). */
const isWordChar = (c: number) =>
  isAlpha(c) || isDigit(c) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x3a || c === 0x24;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** How a token reads in an error message. */
export function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of input';
    case 'word':
    case 'char':
      return JSON.stringify(token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text);
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${token.value}`;
    default:
      return `"${token.kind}"`;
  }
}

const wordy = (token: Token) => token.kind === 'word' || token.kind === 'string' || token.kind === 'number';

export class Lexer {
  /** Offset just past the last token handed out by `next()`. */
  private pos = 0;
  private peeked: Token | undefined;
  private previous: Token | undefined;

  constructor(
    readonly input: string,
    private readonly fail: Fail,
  ) {}

  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    this.previous = token;
    this.pos = token.end;
    return token;
  }

  private scan(): Token {
    const s = this.input;
    let i = this.pos;
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    if (i >= s.length) return { kind: 'end', start: s.length, end: s.length };
    const c = s.charCodeAt(i);
    let token: Token;
    if (c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d) {
      token = { kind: s[i] as '(' | ')' | '[' | ']', start: i, end: i + 1 };
    } else if (c === 0x22) {
      token = this.scanString(i);
    } else if (c === 0x2d || isDigit(c)) {
      token = this.scanNumber(i);
    } else if (isAlpha(c) || c === 0x24) {
      let j = i + 1;
      while (j < s.length && isWordChar(s.charCodeAt(j))) j++;
      token = { kind: 'word', start: i, end: j, text: s.slice(i, j) };
    } else {
      const cp = s.codePointAt(i) ?? c;
      const text = String.fromCodePoint(cp);
      return { kind: 'char', start: i, end: i + text.length, text };
    }
    // RFC 7644 figure 1 separates attribute path, operator, value and `and`/`or` with SP:
    // `eq"x"` or `1and` would otherwise read as two tokens.
    if (wordy(token) && this.previous !== undefined && wordy(this.previous) && token.start === this.pos)
      this.fail(`expected whitespace at position ${token.start}, found ${describe(token)}`, token.start);
    return token;
  }

  /** A JSON string (RFC 8259 §7), decoded; the only allocation is the decoded value. */
  private scanString(start: number): Token {
    const s = this.input;
    let value = '';
    let run = start + 1;
    let i = run;
    for (;;) {
      if (i >= s.length)
        this.fail(
          `unterminated string starting at position ${start}: expected '"' at position ${s.length}, found end of input`,
          s.length,
        );
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        value += s.slice(run, i);
        return { kind: 'string', start, end: i + 1, value };
      }
      if (c === 0x5c) {
        value += s.slice(run, i);
        const e = s[i + 1];
        if (e === 'u') {
          const hex = s.slice(i + 2, i + 6);
          if (hex.length !== 4 || ![0, 1, 2, 3].every((k) => isHex(hex.charCodeAt(k))))
            this.fail(`invalid escape at position ${i}: expected four hex digits after "\\u"`, i);
          value += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
        } else {
          const decoded = e === undefined ? undefined : ESCAPES[e];
          if (decoded === undefined)
            this.fail(
              `invalid escape at position ${i}: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX, found ${
                e === undefined ? 'end of input' : JSON.stringify(`\\${e}`)
              }`,
              i,
            );
          value += decoded;
          i += 2;
        }
        run = i;
        continue;
      }
      if (c < 0x20)
        this.fail(
          `expected an escape sequence for control character U+${c.toString(16).padStart(4, '0').toUpperCase()} at position ${i} (RFC 8259 §7)`,
          i,
        );
      i++;
    }
  }

  /** `[ "-" ] int [ frac ] [ exp ]` (RFC 8259 §6). */
  private scanNumber(start: number): Token {
    const s = this.input;
    const digitAt = (k: number) => k < s.length && isDigit(s.charCodeAt(k));
    let i = start;
    if (s[i] === '-') i++;
    if (s[i] === '0') i++;
    else if (digitAt(i)) while (digitAt(i)) i++;
    else this.fail(`expected a digit at position ${i}, found ${this.found(i)}`, i);
    if (s[i] === '.') {
      i++;
      if (!digitAt(i)) this.fail(`expected a digit after "." at position ${i}, found ${this.found(i)}`, i);
      while (digitAt(i)) i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (!digitAt(i))
        this.fail(`expected a digit in the exponent at position ${i}, found ${this.found(i)}`, i);
      while (digitAt(i)) i++;
    }
    if (i < s.length && isWordChar(s.charCodeAt(i)))
      this.fail(`expected whitespace, ")" or "]" after a number at position ${i}, found ${this.found(i)}`, i);
    const value = Number(s.slice(start, i));
    if (!Number.isFinite(value))
      this.fail(`expected a number within the range of a double at position ${start}`, start);
    // -0 and 0 are the same JSON value; keeping one spelling keeps the AST canonical.
    return { kind: 'number', start, end: i, value: value === 0 ? 0 : value };
  }

  private found(i: number): string {
    if (i >= this.input.length) return 'end of input';
    return JSON.stringify(String.fromCodePoint(this.input.codePointAt(i) ?? 0));
  }
}
