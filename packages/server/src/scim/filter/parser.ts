import type { AttrPath, CompareOperator, CompValue, Filter } from './ast.js';
import { COMPARE_OPERATORS, ORDERING_OPERATORS, SUBSTRING_OPERATORS } from './ast.js';
import { type ScimSyntaxType, syntaxError } from './errors.js';
import { describe, Lexer, type Token } from './lexer.js';
import type { ParseLimits } from './limits.js';

/** `ATTRNAME = ALPHA *(nameChar)`, plus a leading `$` for `$ref` (RFC 7643 §2.3.7). */
const ATTRNAME = /^[A-Za-z$][A-Za-z0-9_-]*$/;
/** A schema URI as SCIM uses them (`urn:ietf:params:scim:schemas:core:2.0:User`): scheme ":" segments. */
const SCHEMA_URI = /^[A-Za-z][A-Za-z0-9.-]*(?::[A-Za-z0-9._-]+)+$/;
const OPERATORS: ReadonlySet<string> = new Set([...COMPARE_OPERATORS, 'pr']);

const printPath = (p: AttrPath) =>
  `${p.uri === undefined ? '' : `${p.uri}:`}${p.name}${p.subAttr === undefined ? '' : `.${p.subAttr}`}`;

/**
 * Recursive descent over RFC 7644 figure 1, with `and`/`or` chains read in loops and every
 * nesting construct (`(`, `not (`, `[`) counted against `maxDepth` before recursing, so the
 * stack depth is bounded by the limit, never by the input. Shared by the filter and PATCH path
 * parsers; `scimType` says which error the current stretch of input reports.
 */
export class Parser {
  readonly lexer: Lexer;
  scimType: ScimSyntaxType;
  private depth = 0;

  constructor(
    readonly input: string,
    private readonly limits: Required<ParseLimits>,
    scimType: ScimSyntaxType,
  ) {
    this.scimType = scimType;
    this.lexer = new Lexer(input, (message, position) => this.fail(message, position));
  }

  fail(message: string, position: number): never {
    throw syntaxError(this.scimType, message, position);
  }

  /** Refuses input longer than the limit before looking at any of it. */
  static checkLength(
    input: string,
    limits: Required<ParseLimits>,
    scimType: ScimSyntaxType,
    what: string,
  ): void {
    if (input.length > limits.maxLength)
      throw syntaxError(
        scimType,
        `expected end of input at position ${limits.maxLength} (a ${what} is limited to ${limits.maxLength} characters), found a ${what} of ${input.length} characters`,
        limits.maxLength,
      );
  }

  enter(position: number): void {
    this.depth++;
    if (this.depth > this.limits.maxDepth)
      this.fail(
        `expected at most ${this.limits.maxDepth} levels of nesting, found more at position ${position}`,
        position,
      );
  }

  leave(): void {
    this.depth--;
  }

  /** `FILTER` (or `valFilter` inside brackets): `and` binds tighter than `or` (RFC 7644 §3.4.2.2). */
  parseFilter(inBrackets: boolean): Filter {
    const first = this.parseAnd(inBrackets);
    if (!this.atKeyword('or')) return first;
    const filters = [first];
    while (this.atKeyword('or')) {
      this.lexer.next();
      filters.push(this.parseAnd(inBrackets));
    }
    return { type: 'or', filters };
  }

  /** Consumes the token that must close what `parseFilter` read: `)`, `]` or the end. */
  expectClose(kind: ')' | ']' | 'end', openedAt?: number): Token {
    const token = this.lexer.next();
    if (token.kind !== kind) {
      const closer = kind === 'end' ? 'end of input' : `"${kind}"`;
      const opened =
        openedAt === undefined ? '' : ` (to close the "${kind === ')' ? '(' : '['}" at position ${openedAt})`;
      this.fail(
        `expected "and", "or" or ${closer} at position ${token.start}${opened}, found ${describe(token)}`,
        token.start,
      );
    }
    return token;
  }

  /** Reads a word token as `[URI ":"] ATTRNAME ["." subAttr]`. */
  attrPath(token: Token & { kind: 'word' }, inBrackets: boolean): AttrPath {
    const text = token.text;
    const colon = text.lastIndexOf(':');
    let uri: string | undefined;
    let rest = text;
    let offset = token.start;
    if (colon !== -1) {
      uri = text.slice(0, colon);
      if (inBrackets)
        this.fail(
          `expected a sub-attribute name at position ${token.start}, found the schema URN ${JSON.stringify(uri)} (paths inside "[...]" are relative to the attribute before it)`,
          token.start,
        );
      if (!SCHEMA_URI.test(uri))
        this.fail(
          `expected a schema URN such as "urn:ietf:params:scim:schemas:core:2.0:User" before ":" at position ${token.start}, found ${JSON.stringify(uri)}`,
          token.start,
        );
      rest = text.slice(colon + 1);
      offset += colon + 1;
    }
    const dot = rest.indexOf('.');
    const name = dot === -1 ? rest : rest.slice(0, dot);
    if (!ATTRNAME.test(name))
      this.fail(
        `expected an attribute name (a letter, then letters, digits, "-" or "_") at position ${offset}, found ${JSON.stringify(name)}`,
        offset,
      );
    if (dot === -1) return uri === undefined ? { name } : { uri, name };
    const subAttr = rest.slice(dot + 1);
    const extra = subAttr.indexOf('.');
    if (extra !== -1)
      this.fail(
        `expected an operator after the sub-attribute at position ${offset + dot + 1 + extra}, found "." (a path has at most one sub-attribute)`,
        offset + dot + 1 + extra,
      );
    if (!ATTRNAME.test(subAttr))
      this.fail(
        `expected a sub-attribute name at position ${offset + dot + 1}, found ${JSON.stringify(subAttr)}`,
        offset + dot + 1,
      );
    return uri === undefined ? { name, subAttr } : { uri, name, subAttr };
  }

  private atKeyword(keyword: 'and' | 'or'): boolean {
    const token = this.lexer.peek();
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private parseAnd(inBrackets: boolean): Filter {
    const first = this.parseUnary(inBrackets);
    if (!this.atKeyword('and')) return first;
    const filters = [first];
    while (this.atKeyword('and')) {
      this.lexer.next();
      filters.push(this.parseUnary(inBrackets));
    }
    return { type: 'and', filters };
  }

  private parseUnary(inBrackets: boolean): Filter {
    const token = this.lexer.next();
    if (token.kind === '(') {
      this.enter(token.start);
      const filter = this.parseFilter(inBrackets);
      this.expectClose(')', token.start);
      this.leave();
      return filter;
    }
    if (token.kind !== 'word')
      this.fail(
        `expected an attribute path, "(" or "not (" at position ${token.start}, found ${describe(token)}`,
        token.start,
      );
    // `not` is an operator only before "(": `not pr` tests an attribute named "not".
    if (token.text.toLowerCase() === 'not' && this.lexer.peek().kind === '(') {
      const open = this.lexer.next();
      this.enter(token.start);
      const filter = this.parseFilter(inBrackets);
      this.expectClose(')', open.start);
      this.leave();
      return { type: 'not', filter };
    }
    const path = this.attrPath(token, inBrackets);
    const next = this.lexer.peek();
    if (next.kind === '[') {
      // Brackets hold sub-attribute expressions only (RFC 7644 §3.4.2.2 valFilter; erratum 4690).
      if (inBrackets)
        this.fail(
          `expected an operator at position ${next.start}, found "[" ("[...]" cannot be nested inside "[...]")`,
          next.start,
        );
      if (path.subAttr !== undefined)
        this.fail(
          `expected an operator at position ${next.start}, found "[" ("[...]" follows a multi-valued attribute, not the sub-attribute ${JSON.stringify(printPath(path))})`,
          next.start,
        );
      this.lexer.next();
      this.enter(next.start);
      const filter = this.parseFilter(true);
      this.expectClose(']', next.start);
      this.leave();
      return { type: 'valuePath', path, filter };
    }
    const opToken = this.lexer.next();
    const op = opToken.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (!OPERATORS.has(op))
      this.fail(
        `expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after ${JSON.stringify(printPath(path))} at position ${opToken.start}, found ${describe(opToken)}`,
        opToken.start,
      );
    if (op === 'pr') return { type: 'present', path };
    const value = this.compValue(op as CompareOperator);
    return { type: 'compare', path, op: op as CompareOperator, value };
  }

  private compValue(op: CompareOperator): CompValue {
    const token = this.lexer.next();
    let value: CompValue | undefined;
    if (token.kind === 'string' || token.kind === 'number') value = token.value;
    else if (token.kind === 'word' && token.text === 'true') value = true;
    else if (token.kind === 'word' && token.text === 'false') value = false;
    else if (token.kind === 'word' && token.text === 'null') value = null;
    if (value === undefined)
      this.fail(
        `expected a value (a JSON string, number, true, false or null) at position ${token.start}, found ${describe(token)}`,
        token.start,
      );
    // RFC 7644 §3.4.2.2: "Boolean and Binary attributes SHALL cause a failed response" to
    // gt/ge/lt/le; substring operators are defined on strings only.
    if (ORDERING_OPERATORS.has(op) && (typeof value === 'boolean' || value === null))
      this.fail(
        `expected a string or number to compare with "${op}" at position ${token.start}, found ${String(value)}`,
        token.start,
      );
    if (SUBSTRING_OPERATORS.has(op) && typeof value !== 'string')
      this.fail(
        `expected a string to match with "${op}" at position ${token.start}, found ${describe(token)}`,
        token.start,
      );
    return value;
  }
}
