// Sign a user in once, over HTTP, through the app's own /sign-in: `harness sign-in` registers the address
// with the code from the harness's mailbox and writes Playwright's storageState for the tests to start from.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const STORAGE_STATE = path.join(__dirname, 'playwright', '.auth', 'user.json');

export default function globalSetup(): void {
  const email = `reader-${Date.now()}@example.test`;
  process.env.SIGNED_IN_EMAIL = email; // the tests' workers inherit it
  execFileSync(
    'harness',
    ['sign-in', '--app-url', process.env.APP_URL!, '--email', email, '--register', '--storage-state', STORAGE_STATE],
    { stdio: 'inherit' },
  );
  // Or without the command: POST `${process.env.HARNESS_LOGTO_URL}/__harness/sign-in` with
  // {"app_url": …, "email": …, "register": true} answers {storage_state, …}.
}
