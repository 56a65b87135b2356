import { defineConfig } from '@playwright/test';
import { systemChromium } from './chromium';

export default defineConfig({
  testDir: './tests',
  workers: 1,
  reporter: 'line',
  expect: { timeout: 15_000 },
  // Before globalSetup: the fakes and the Python sample app, each on a free port. `harness up --json`
  // prints one line once all of them answer; its URLs become env vars (named groups, upper-cased):
  // HARNESS_MAILGUN_URL and HARNESS_LOGTO_URL are where `harness sign-in` and `harness mail` look,
  // APP_URL is the app.
  webServer: {
    command: 'harness up --app-kind python --ports free --json',
    wait: {
      stdout:
        /"logto_url": "(?<harness_logto_url>[^"]+)".*"mailgun_url": "(?<harness_mailgun_url>[^"]+)".*"app_url": "(?<app_url>[^"]+)"/,
    },
    timeout: 60_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 }, // harness up stops the app too
  },
  globalSetup: './global-setup.ts',
  use: {
    launchOptions: { executablePath: systemChromium() },
  },
});
