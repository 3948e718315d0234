/**
 * xsd:dateTime values (RFC 7643 §2.3.5) as comparable instants, so `meta.lastModified gt "…"`
 * compares chronologically (RFC 7644 §3.4.2.2) whatever the offsets and fraction digits.
 */

/** An instant: whole seconds since the epoch (UTC) and the fraction's digits, trailing zeros dropped. */
export interface Instant {
  readonly seconds: number;
  readonly fraction: string;
}

// Years up to 8 digits keep `seconds` an exact integer in a double.
const DATE_TIME = /^(-?\d{4,8})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an xsd:dateTime; `undefined` when the string is not one. A value without a time zone
 * is read as UTC (xsd leaves it "local"; SCIM servers emit `Z`), and `24:00:00` is the next
 * day's midnight, as in xsd.
 */
export function parseDateTime(value: string): Instant | undefined {
  const m = DATE_TIME.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const fraction = frac.replace(/0+$/, '');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (minute > 59 || second > 59) return undefined;
  if (hour > 24 || (hour === 24 && (minute !== 0 || second !== 0 || fraction !== ''))) return undefined;
  let offset = 0;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (om > 59 || oh > 14 || (oh === 14 && om !== 0)) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60;
  }
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
  return { seconds, fraction };
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  const length = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(length, '0');
  const fb = b.fraction.padEnd(length, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}
