// Drive the real mailgun.js 14.0.1 client against a Mailgun API (fake_mailgun in the tests).
//
//   MG_URL=http://127.0.0.1:PORT MG_DOMAIN=d.test MG_KEY=key MG_TO=user@example.test \
//     node mailgunjs_send.mjs ACTION
//
// ACTION: domains | send | attachment | mime | events | errors.
// Prints one line of JSON on stdout: what the client returned (or, for `errors`, what it threw).
// An unexpected exception exits non-zero with the stack on stderr (mailgun.js's own deprecation
// warnings also go to stderr, so stdout stays JSON).
import FormData from 'form-data';
import Mailgun from 'mailgun.js';

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

const url = env('MG_URL');
const domain = env('MG_DOMAIN');
const key = env('MG_KEY');
const to = env('MG_TO');
const action = process.argv[2];

const client = (apiKey) => new Mailgun(FormData).client({ username: 'api', key: apiKey, url, timeout: 20000 });
const mg = client(key);

// mailgun.js throws its APIError (not exported) for any non-2xx answer; anything else is a real failure.
async function apiError(call) {
  try {
    const result = await call();
    return { thrown: false, result };
  } catch (error) {
    if (error?.type !== 'MailgunAPIError') {
      throw error;
    }
    return { thrown: true, status: error.status, message: error.message, details: error.details, type: error.type };
  }
}

const actions = {
  async domains() {
    const list = await mg.domains.list();
    const one = await mg.domains.get(domain);
    return { list, get: one };
  },

  async send() {
    return mg.messages.create(domain, {
      from: `Sender <sender@${domain}>`,
      to: [to],
      subject: 'Héllo from mailgun.js',
      text: 'Plain body: your code is 482913.',
      html: '<p>HTML body: your code is <b>482913</b>.</p>',
      'h:Reply-To': `Replies <replies@${domain}>`,
      'o:tag': ['welcome', 'node'],
      'v:order-id': 'A-42',
      'v:flow': 'sign-up',
    });
  },

  async attachment() {
    return mg.messages.create(domain, {
      from: `sender@${domain}`,
      to,
      subject: 'With attachment',
      text: 'See the attached report.',
      attachment: [{ filename: 'report.txt', data: Buffer.from('attachment content 123\n') }],
      inline: { filename: 'logo.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), contentType: 'image/png' },
    });
  },

  async mime() {
    const mime = [
      `From: MIME Sender <mime@${domain}>`,
      `To: ${to}`,
      'Subject: Raw MIME from mailgun.js',
      'MIME-Version: 1.0',
      'X-Custom: raw-mime',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'MIME text part 777111',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>MIME html part 777111</p>',
      '--b1--',
      '',
    ].join('\r\n');
    return mg.messages.create(domain, { to, message: mime });
  },

  async events() {
    // One message gives two events for its recipient (accepted, delivered): read one a page.
    const sent = await mg.messages.create(domain, { from: `sender@${domain}`, to, subject: 'Events', text: 'e' });
    const query = { recipient: to, limit: 1, ascending: 'yes' };
    const first = await mg.events.get(domain, query);
    const second = await mg.events.get(domain, { ...query, page: first.pages.next.page });
    const third = await mg.events.get(domain, { ...query, page: second.pages.next.page });
    return { sent, first, second, third };
  },

  async errors() {
    return {
      unknownDomain: await apiError(() =>
        mg.messages.create('unknown-domain.example.test', { from: `a@${domain}`, to, subject: 's', text: 't' }),
      ),
      wrongKey: await apiError(() =>
        client(`${key}-wrong`).messages.create(domain, { from: `a@${domain}`, to, subject: 's', text: 't' }),
      ),
      wrongKeyDomains: await apiError(() => client(`${key}-wrong`).domains.list()),
    };
  },
};

if (!(action in actions)) {
  throw new Error(`unknown action ${JSON.stringify(action)}; expected one of ${Object.keys(actions).join(', ')}`);
}
process.stdout.write(`${JSON.stringify(await actions[action]())}\n`);
