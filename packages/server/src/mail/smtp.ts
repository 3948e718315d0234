/**
 * The Mailer port (core/accounts/mailer.ts) over SMTP with nodemailer: TESSERA_SMTP_URL
 * (`smtp://user:pass@host:587` uses STARTTLS when offered, `smtps://` is TLS from the start)
 * and TESSERA_MAIL_FROM. One pooled transport per process.
 */
import nodemailer from 'nodemailer';
import type { Mailer } from '../core/accounts/mailer.js';

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url, { from });
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close() {
      transport.close();
    },
  };
}
