/**
 * Accessible form pieces shared by the account pages: every input has a label, its hint and its
 * error are tied to it with aria-describedby, and an invalid one carries aria-invalid.
 */
import { type Html, html } from './render.js';

export interface FieldOptions {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email';
  value?: string;
  autocomplete?: string;
  hint?: string;
  error?: string;
  required?: boolean;
  autofocus?: boolean;
  minlength?: number;
  maxlength?: number;
}

export function field(o: FieldOptions): Html {
  const id = `f-${o.name}`;
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${id}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ''}
${o.error ? html`<span class="error" id="${id}-error">${o.error}</span>` : ''}
<input id="${id}" name="${o.name}" type="${o.type ?? 'text'}"${o.value !== undefined ? html` value="${o.value}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required === false ? '' : html` required`}${o.autofocus ? html` autofocus` : ''}${o.minlength ? html` minlength="${o.minlength}"` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${described ? html` aria-describedby="${described}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>
</div>`;
}

export const hidden = (name: string, value: string): Html =>
  html`<input type="hidden" name="${name}" value="${value}">`;

/** A message about the whole form, announced to screen readers. */
export const formError = (message: string | undefined): Html | string =>
  message ? html`<p class="notice error" role="alert" id="form-error">${message}</p>` : '';

/** The posted form as strings (absent or non-string fields are ''). */
export function formFields<K extends string>(body: unknown, names: readonly K[]): Record<K, string> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = source[name];
    out[name] = typeof value === 'string' ? value : '';
  }
  return out;
}
