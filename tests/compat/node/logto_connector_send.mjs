// Drive Logto's own Mailgun connector (@logto/connector-mailgun 1.5.6) against a Mailgun API.
//
//   MG_URL=http://127.0.0.1:PORT MG_DOMAIN=d.test MG_KEY=key MG_TO=user@example.test MG_CODE=123456 \
//     node logto_connector_send.mjs TYPE
//
// TYPE is the Logto template type (Register, SignIn, ...). The config has the shape a seeded Logto
// stores for the connector; its endpoint ends in `/.mailgun.net` to pass the connector's validation
// while `new URL('/v3/...', endpoint)` still points at MG_URL.
// Prints one line of JSON on stdout: `{ok: true, statusCode, body}` for a send the API accepted, or
// `{ok: false, error: {name, code, data}}` for the ConnectorError the connector threw. Any other
// exception exits non-zero with the stack on stderr.
import createConnector from '@logto/connector-mailgun';

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

const url = env('MG_URL').replace(/\/+$/, '');
const domain = env('MG_DOMAIN');
const to = env('MG_TO');
const code = env('MG_CODE');
const type = process.argv[2];
if (!type) {
  throw new Error('usage: node logto_connector_send.mjs TYPE (Register, SignIn, ...)');
}

const config = {
  endpoint: `${url}/.mailgun.net`,
  domain,
  apiKey: env('MG_KEY'),
  from: `Logto <no-reply@${domain}>`,
  deliveries: {
    Register: {
      subject: '{{code}} est votre code de vérification',
      replyTo: `Foo <foo@${domain}>`,
      html: '<h1>Bienvenue sur Logto</h1><p>Votre code de vérification est {{code}}.</p>',
      text: 'Bienvenue sur Logto. Votre code de vérification est {{code}}.',
    },
    SignIn: {
      subject: 'Bon retour sur Logto',
      replyTo: `Foo <foo@${domain}>`,
      template: 'logto-sign-in',
      variables: { bar: 'baz' },
    },
  },
};

const connector = await createConnector({ getConfig: async () => config });
let result;
try {
  const response = await connector.sendMessage({ to, type, payload: { code } });
  result = { ok: true, statusCode: response.statusCode, body: response.body };
} catch (error) {
  if (error?.constructor?.name !== 'ConnectorError') {
    throw error;
  }
  result = { ok: false, error: { name: error.constructor.name, code: error.code, data: error.data } };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
