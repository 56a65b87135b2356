import { expect, test } from '@playwright/test';

test.use({ baseURL: process.env.APP_URL });

test('registers through the sign-in pages with the code from the mailbox', async ({ page, request }) => {
  const email = `new-${Date.now()}@example.test`;
  await page.goto('/');
  await page.getByRole('link', { name: 'Register', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();

  // The mailbox API waits server-side for the mail and reads its code out (or: `harness mail code ADDR`).
  const mail = await request.get(`${process.env.HARNESS_MAILGUN_URL}/__harness/messages/wait`, {
    params: { to: email, timeout: 20 },
  });
  expect(mail.ok()).toBeTruthy();
  const { code } = await mail.json();
  await page.getByLabel('Verification code').fill(code); // the page submits itself

  await expect(page.locator('#auth-state')).toHaveText('You are signed in.');
  await expect(page.locator('#email')).toHaveText(email);
});
