/**
 * The mail port: how the core hands an invitation or reset link to a person. The SMTP adapter
 * (src/mail/smtp.ts, nodemailer) implements it when TESSERA_SMTP_URL is set; without one, links
 * are handed back to the admin who asked (API response, CLI output) instead.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close?(): void;
}
